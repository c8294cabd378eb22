"""Reads for the risk signals screen: every signal in scope, keyset-paged, filtered in SQL.

Rules:

* scoped as every list (``data.customers``): a signal belongs to a unit through its
  customer, so a branch approver sees only the signals of their branch's customers;
* a signal not (yet) matched to a customer belongs to no unit: only whole-bank users see
  it, and only when they ask for unmatched signals (``SignalFilter.unmatched``); the
  default list is the signals about customers, which is what the dashboard counts;
* the detected-date range is in Beijing dates, inclusive at both ends, bounded exactly as
  ``data.dashboard`` bounds its weeks, so a chart bar and the list it opens agree;
* pages follow a keyset (sort value, signal id), never OFFSET; a value that may be
  missing (an unmatched signal's customer, branch and manager; an unreviewed signal's
  reviewer) sorts as the empty string.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from data.customers import PAGE_SIZE, Scope, _after, _branch_codes, _like, signal_customer
from data.dashboard import SIGNAL_SOURCES, _midnight_utc
from data.errors import NotFound
from data.models import Branch, Customer, RiskSignal, Staff

__all__ = [
    "PAGE_SIZE",
    "REVIEW_STATUSES",
    "SEVERITIES",
    "SIGNAL_SORT_KEYS",
    "SIGNAL_SOURCES",
    "SignalFilter",
    "SignalListRow",
    "check_signal_visible",
    "signal_count",
    "signal_page",
    "signal_sort_value",
]

REVIEW_STATUSES = ("NEW", "CONFIRMED", "DISMISSED")
SEVERITIES = (4, 3, 2, 1)  # red to blue


@dataclass(frozen=True)
class SignalFilter:
    """What the signals list is narrowed to. Every field optional."""

    source: str | None = None
    severity: int | None = None  # 1 (blue) to 4 (red)
    status: str | None = None  # NEW, CONFIRMED, DISMISSED
    branch_code: str | None = None  # the customer's unit and everything below it
    manager_no: str | None = None  # the customer's client manager
    date_from: dt.date | None = None  # detected on or after, Beijing date
    date_to: dt.date | None = None  # detected on or before, Beijing date
    customer_no: str | None = None
    text: str | None = None  # customer name contains, or customer number starts with
    unmatched: bool = False  # only the signals matched to no customer (whole bank only)


@dataclass(frozen=True)
class SignalListRow:
    id: int
    detected_at: dt.datetime
    source: str
    signal_type: str
    severity: int
    title: str
    status: str  # NEW, CONFIRMED, DISMISSED
    customer_no: str | None  # None: not matched to a customer
    customer_name: str  # "" when unmatched
    branch_code: str | None
    branch_name: str  # "" when unmatched
    manager_no: str | None
    manager_name: str  # "" when unmatched
    reviewed_by: str | None
    review_reason: str | None
    sent_customer_no: str | None = None  # what the source sent (shown for an unmatched one)
    sent_uscc: str | None = None


SIGNAL_SORT_KEYS = (
    "detected_at",
    "source",
    "signal_type",
    "severity",
    "title",
    "status",
    "customer_name",
    "branch_name",
    "manager_name",
    "reviewed_by",
)
_OPTIONAL_TEXT = ("customer_name", "branch_name", "manager_name", "reviewed_by")


def _sorts() -> dict[str, Any]:
    return {
        "detected_at": RiskSignal.detected_at,
        "source": RiskSignal.source,
        "signal_type": RiskSignal.type,
        "severity": RiskSignal.severity,
        "title": RiskSignal.title,
        "status": RiskSignal.status,
        "customer_name": func.coalesce(Customer.name, ""),
        "branch_name": func.coalesce(Branch.name, ""),
        "manager_name": func.coalesce(Staff.name, ""),
        "reviewed_by": func.coalesce(RiskSignal.reviewed_by, ""),
    }


def _conditions(session: Session, scope: Scope, flt: SignalFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if flt.unmatched:
        # an unmatched signal belongs to no unit: nobody narrowed to one sees it
        if scope is not None or flt.branch_code or flt.manager_no or flt.customer_no:
            return [false()]
        conds.append(RiskSignal.customer_no.is_(None))
    else:
        conds.append(RiskSignal.customer_no.is_not(None))
        codes = _branch_codes(session, scope, flt.branch_code)
        if codes is not None:
            conds.append(Customer.branch_code.in_(codes))
        if flt.manager_no:
            conds.append(Customer.manager_no == flt.manager_no)
        if flt.customer_no:
            conds.append(RiskSignal.customer_no == flt.customer_no)
    if flt.source:
        conds.append(RiskSignal.source == flt.source)
    if flt.severity is not None:
        conds.append(RiskSignal.severity == flt.severity)
    if flt.status:
        conds.append(RiskSignal.status == flt.status)
    if flt.date_from:
        conds.append(RiskSignal.detected_at >= _midnight_utc(flt.date_from))
    if flt.date_to:
        conds.append(RiskSignal.detected_at < _midnight_utc(flt.date_to + dt.timedelta(days=1)))
    if flt.text and flt.text.strip():
        needle = _like(flt.text)
        conds.append(
            or_(
                Customer.name.like(f"%{needle}%", escape="\\"),
                RiskSignal.customer_no.like(f"{needle}%", escape="\\"),
                RiskSignal.sent_customer_no.like(f"{needle}%", escape="\\"),
            )
        )
    return conds


def _select(*columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(RiskSignal)
        .outerjoin(Customer, Customer.customer_no == RiskSignal.customer_no)
        .outerjoin(Branch, Branch.code == Customer.branch_code)
        .outerjoin(Staff, Staff.employee_no == Customer.manager_no)
    )


def signal_sort_value(row: SignalListRow, key: str) -> Any:
    """The keyset value of a row for a sort key (a missing text as "")."""
    if key not in SIGNAL_SORT_KEYS:
        raise ValueError(f"unknown sort key {key!r}")
    value = getattr(row, key)
    if key in _OPTIONAL_TEXT and value is None:
        return ""
    return value


def signal_page(
    session: Session,
    scope: Scope,
    flt: SignalFilter,
    *,
    sort: str = "detected_at",
    descending: bool = True,
    after: tuple[Any, int] | None = None,
    limit: int = PAGE_SIZE,
) -> list[SignalListRow]:
    """One page of the signals list after the keyset ``after`` = (sort value, signal id);
    see :func:`signal_sort_value`."""
    if sort not in SIGNAL_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    key = _sorts()[sort]
    s = RiskSignal
    stmt = _select(
        s.id,
        s.detected_at,
        s.source,
        s.type,
        s.severity,
        s.title,
        s.status,
        s.customer_no,
        Customer.name,
        Customer.branch_code,
        Branch.name,
        Customer.manager_no,
        Staff.name,
        s.reviewed_by,
        s.review_reason,
        s.sent_customer_no,
        s.sent_uscc,
    ).where(*_conditions(session, scope, flt), *_after(key, s.id, after, descending))
    order = (key.desc(), s.id.desc()) if descending else (key.asc(), s.id.asc())
    return [
        SignalListRow(
            id=int(r[0]),
            detected_at=r[1],
            source=r[2],
            signal_type=r[3],
            severity=int(r[4]),
            title=r[5] or "",
            status=r[6],
            customer_no=r[7],
            customer_name=r[8] or "",
            branch_code=r[9],
            branch_name=r[10] or "",
            manager_no=r[11],
            manager_name=r[12] or "",
            reviewed_by=r[13],
            review_reason=r[14],
            sent_customer_no=r[15],
            sent_uscc=r[16],
        )
        for r in session.execute(stmt.order_by(*order).limit(limit)).all()
    ]


def signal_count(session: Session, scope: Scope, flt: SignalFilter) -> int:
    stmt = (
        select(func.count())
        .select_from(RiskSignal)
        .outerjoin(Customer, Customer.customer_no == RiskSignal.customer_no)
        .where(*_conditions(session, scope, flt))
    )
    return int(session.execute(stmt).scalar_one())


def check_signal_visible(session: Session, signal_id: int, scope: Scope) -> None:
    """``NotFound`` unless the caller's scope lets them see (and so review) the signal: a
    matched one through its customer, an unmatched one by the whole bank only."""
    if scope is not None:
        signal_customer(session, signal_id, scope)
        return
    if session.get(RiskSignal, signal_id) is None:
        raise NotFound(what="signal", key=signal_id)
