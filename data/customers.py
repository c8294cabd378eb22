"""Reads for the customers and tasks screens: keyset-paged lists and a customer's profile.

Rules:

* every read is scoped: a ``scope`` is what ``data.auth.branch_scope`` gives (a frozenset
  of branch codes the user may see) or None for the whole bank; a customer outside it
  does not exist for the caller (``NotFound``, the same answer as a wrong number);
* filtering and sorting happen in SQL, and pages follow a keyset (sort value, key), never
  OFFSET, so the thousandth page costs what the first does;
* a sort value that may be missing (a customer the health check has not scored, one never
  inspected, one with no open task) is ordered as a sentinel, so the keyset stays total:
  an unscored customer sorts as the lowest score, a missing next due date as the latest;
* overdue is a fact of the date (``data.tasks.overdue_filter``): an OPEN task past due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from data.errors import NotFound
from data.models import (
    Branch,
    Customer,
    CustomerIssue,
    HealthScore,
    Inspection,
    Loan,
    LoanSnapshot,
    PostLoanTask,
    RiskSignal,
    Staff,
    TrackPoint,
)
from data.risk_queries import ScorePoint, score_history
from data.rules.health import TIER_RANK, TIERS
from data.rules.idcodes import mask_phone
from data.tasks import overdue_filter
from data.types import Fixed, UtcDateTime

Scope = frozenset[str] | None
PAGE_SIZE = 200
TASK_STATUSES = ("OPEN", "OVERDUE", "DONE", "REPLACED")
_NO_SCORE = -1.0
_NEVER = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
_NO_DUE = dt.date(9999, 12, 31)
_BEIJING = dt.timezone(dt.timedelta(hours=8))


def today_cst() -> dt.date:
    return dt.datetime.now(_BEIJING).date()


def _like(text: str) -> str:
    return text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _branch_codes(session: Session, scope: Scope, branch_code: str | None) -> list[str] | None:
    """The branch codes a list is narrowed to: the scope, and a chosen unit and everything
    below it (None: no narrowing)."""
    codes: set[str] | None = None if scope is None else set(scope)
    if branch_code:
        from data.auth import branch_scope

        unit = set(branch_scope(session, branch_code))
        codes = unit if codes is None else codes & unit
    return None if codes is None else sorted(codes)


def _latest_scored(session: Session) -> dt.date | None:
    value = session.execute(select(func.max(HealthScore.as_of))).scalar_one_or_none()
    return value if isinstance(value, dt.date) else None


def _check_before(session: Session, day: dt.date | None) -> dt.date | None:
    """The health check run before ``day`` (None: none was)."""
    if day is None:
        return None
    value = session.execute(select(func.max(HealthScore.as_of)).where(HealthScore.as_of < day)).scalar()
    return value if isinstance(value, dt.date) else None


def _after(key: Any, tie: Any, after: tuple[Any, Any] | None, descending: bool) -> list[Any]:
    if after is None:
        return []
    value, last = after
    if descending:
        return [or_(key < value, and_(key == value, tie < last))]
    return [or_(key > value, and_(key == value, tie > last))]


# --- the customers list ---------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerFilter:
    """What the customers list is narrowed to. Every field optional."""

    tier: str | None = None  # the tier in the latest health check (or the one on ``as_of``)
    branch_code: str | None = None  # that unit and everything below it
    manager_no: str | None = None
    text: str | None = None  # name contains, or customer number starts with
    customer_no: str | None = None
    #: the health check whose tiers and scores the list shows (None: the latest); a tier
    #: trend point opens the list of that month's check
    as_of: dt.date | None = None
    #: only customers who had this tier on ``previous_as_of`` (a tier migration cell:
    #: from that tier then to ``tier`` on ``as_of``)
    previous_tier: str | None = None
    previous_as_of: dt.date | None = None


@dataclass(frozen=True)
class CustomerRow:
    customer_no: str
    name: str
    branch_code: str
    branch_name: str
    manager_no: str
    manager_name: str
    tier: str | None  # None: not scored by the latest health check
    score: float | None
    balance: Decimal  # outstanding, all the customer's loans, yuan
    signals: int  # unreviewed and confirmed (dismissed ones no longer count)
    new_signals: int  # of those, still unreviewed
    last_inspection: dt.datetime | None  # the latest current inspection, submitted at
    next_due: dt.date | None  # the earliest open task's due date
    overdue: bool  # an open task is past due


CUSTOMER_SORT_KEYS = (
    "customer_no",
    "name",
    "branch_name",
    "manager_name",
    "score",
    "balance",
    "signals",
    "last_inspection",
    "next_due",
)


def _scored_day(session: Session, flt: CustomerFilter) -> dt.date | None:
    """The health check the list shows: the filter's, or the latest."""
    return flt.as_of or _latest_scored(session)


def _customer_select(session: Session, flt: CustomerFilter) -> tuple[Any, dict[str, Any]]:
    """The customers list's SELECT (joins and aggregates), and its sort expressions."""
    day = _scored_day(session, flt)
    scores = (
        select(HealthScore.customer_no, HealthScore.tier, HealthScore.score)
        .where(HealthScore.as_of == day)
        .subquery("scores")
    )
    balances = (
        select(Loan.customer_no, func.sum(Loan.balance).label("balance"))
        .where(Loan.balance > 0)
        .group_by(Loan.customer_no)
        .subquery("balances")
    )
    signals = (
        select(
            RiskSignal.customer_no,
            func.count().label("n"),
            func.sum(case((RiskSignal.status == "NEW", 1), else_=0)).label("new"),
        )
        .where(RiskSignal.customer_no.is_not(None), RiskSignal.status.in_(("NEW", "CONFIRMED")))
        .group_by(RiskSignal.customer_no)
        .subquery("signals")
    )
    visits = (
        select(Inspection.customer_no, func.max(Inspection.submitted_at).label("last"))
        .where(Inspection.is_current.is_(True))
        .group_by(Inspection.customer_no)
        .subquery("visits")
    )
    tasks = (
        select(PostLoanTask.customer_no, func.min(PostLoanTask.due_on).label("due"))
        .where(PostLoanTask.status == "OPEN")
        .group_by(PostLoanTask.customer_no)
        .subquery("tasks")
    )
    sorts: dict[str, Any] = {
        "customer_no": Customer.customer_no,
        "name": Customer.name,
        "branch_name": Branch.name,
        "manager_name": Staff.name,
        "score": func.coalesce(scores.c.score, _NO_SCORE),
        "balance": func.coalesce(balances.c.balance, literal(Decimal("0.00"), Fixed(2))),
        "signals": func.coalesce(signals.c.n, 0),
        "last_inspection": func.coalesce(visits.c.last, literal(_NEVER, UtcDateTime())),
        "next_due": func.coalesce(tasks.c.due, _NO_DUE),
    }
    stmt = (
        select(
            Customer.customer_no,
            Customer.name,
            Customer.branch_code,
            Branch.name.label("branch_name"),
            Customer.manager_no,
            Staff.name.label("manager_name"),
            scores.c.tier,
            scores.c.score,
            balances.c.balance,
            signals.c.n,
            signals.c.new,
            visits.c.last,
            tasks.c.due,
        )
        .select_from(Customer)
        .join(Branch, Branch.code == Customer.branch_code)
        .join(Staff, Staff.employee_no == Customer.manager_no)
        .outerjoin(scores, scores.c.customer_no == Customer.customer_no)
        .outerjoin(balances, balances.c.customer_no == Customer.customer_no)
        .outerjoin(signals, signals.c.customer_no == Customer.customer_no)
        .outerjoin(visits, visits.c.customer_no == Customer.customer_no)
        .outerjoin(tasks, tasks.c.customer_no == Customer.customer_no)
    )
    return stmt, {"sorts": sorts, "tier": scores.c.tier}


def _customer_conditions(
    session: Session, scope: Scope, flt: CustomerFilter, tier_column: Any
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if flt.previous_tier:
        before = aliased(HealthScore)
        then = flt.previous_as_of or _check_before(session, _scored_day(session, flt))
        conds.append(
            exists().where(
                before.customer_no == Customer.customer_no,
                before.as_of == then,
                before.tier == flt.previous_tier,
            )
        )
    codes = _branch_codes(session, scope, flt.branch_code)
    if codes is not None:
        conds.append(Customer.branch_code.in_(codes))
    if flt.tier:
        conds.append(tier_column.is_(None) if flt.tier == "NONE" else tier_column == flt.tier)
    if flt.manager_no:
        conds.append(Customer.manager_no == flt.manager_no)
    if flt.customer_no:
        conds.append(Customer.customer_no == flt.customer_no)
    if flt.text and flt.text.strip():
        needle = _like(flt.text)
        conds.append(
            or_(
                Customer.name.like(f"%{needle}%", escape="\\"),
                Customer.customer_no.like(f"{needle}%", escape="\\"),
            )
        )
    return conds


def customer_sort_value(row: CustomerRow, sort: str) -> Any:
    """The keyset value of a row for a sort key (a missing value as its sentinel)."""
    if sort == "score":
        return _NO_SCORE if row.score is None else row.score
    if sort == "last_inspection":
        return row.last_inspection or _NEVER
    if sort == "next_due":
        return row.next_due or _NO_DUE
    return getattr(row, sort)


def customer_page(
    session: Session,
    scope: Scope,
    flt: CustomerFilter,
    *,
    sort: str = "score",
    descending: bool = True,
    after: tuple[Any, str] | None = None,
    limit: int = PAGE_SIZE,
    today: dt.date | None = None,
) -> list[CustomerRow]:
    """One page of the customers list after the keyset ``after`` = (sort value, customer
    number); see :func:`customer_sort_value`."""
    if sort not in CUSTOMER_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    stmt, parts = _customer_select(session, flt)
    key = parts["sorts"][sort]
    stmt = stmt.where(
        *_customer_conditions(session, scope, flt, parts["tier"]),
        *_after(key, Customer.customer_no, after, descending),
    )
    order = (
        (key.desc(), Customer.customer_no.desc()) if descending else (key.asc(), Customer.customer_no.asc())
    )
    day = today or today_cst()
    return [
        CustomerRow(
            customer_no=r[0],
            name=r[1],
            branch_code=r[2],
            branch_name=r[3],
            manager_no=r[4],
            manager_name=r[5],
            tier=r[6],
            score=None if r[7] is None else float(r[7]),
            balance=Decimal(r[8] if r[8] is not None else 0).quantize(Decimal("0.01")),
            signals=int(r[9] or 0),
            new_signals=int(r[10] or 0),
            last_inspection=r[11],
            next_due=r[12],
            overdue=r[12] is not None and r[12] < day,
        )
        for r in session.execute(stmt.order_by(*order).limit(limit)).all()
    ]


def customer_count(session: Session, scope: Scope, flt: CustomerFilter) -> int:
    day = _scored_day(session, flt)
    tier = HealthScore.tier
    stmt = (
        select(func.count())
        .select_from(Customer)
        .outerjoin(
            HealthScore, and_(HealthScore.customer_no == Customer.customer_no, HealthScore.as_of == day)
        )
        .where(*_customer_conditions(session, scope, flt, tier))
    )
    return int(session.execute(stmt).scalar_one())


@dataclass(frozen=True)
class ManagerChoice:
    value: str
    label: str


def customer_managers(session: Session, scope: Scope) -> tuple[ManagerChoice, ...]:
    """The client managers who manage a customer in scope, for the filters."""
    stmt = (
        select(Staff.employee_no, Staff.name)
        .where(select(Customer.customer_no).where(Customer.manager_no == Staff.employee_no).exists())
        .order_by(Staff.employee_no)
    )
    if scope is not None:
        stmt = stmt.where(Staff.branch_code.in_(sorted(scope)))
    return tuple(ManagerChoice(no, f"{name} {no}") for no, name in session.execute(stmt).all())


# --- one customer in full -------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotRow:
    as_of: dt.date
    classification: str
    overdue_days: int
    balance: Decimal


@dataclass(frozen=True)
class LoanRow:
    loan_no: str
    product: str
    amount: Decimal
    balance: Decimal
    rate: Decimal
    disbursed_on: dt.date
    maturity_on: dt.date
    guarantee: str
    classification: str
    overdue_days: int
    as_of: dt.date
    history: tuple[SnapshotRow, ...]  # newest first


@dataclass(frozen=True)
class SignalRow:
    id: int
    source: str
    type: str
    severity: int
    occurred_at: dt.datetime
    detected_at: dt.datetime
    title: str
    detail: str
    amount: Decimal | None
    status: str  # NEW, CONFIRMED, DISMISSED
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    review_reason: str | None


@dataclass(frozen=True)
class VisitRow:
    id: int
    submitted_at: dt.datetime
    kind: str
    inspector_name: str
    opinion: str
    unplanned: bool
    checkin_lat: float | None = None  # WGS-84; None: no check-in point recorded
    checkin_lon: float | None = None


@dataclass(frozen=True)
class OpenTaskRow:
    task_no: str
    kind: str
    tier: str
    due_on: dt.date
    assignee_name: str
    reason: str
    overdue: bool


@dataclass(frozen=True)
class IssueRow:
    code: str
    loan_no: str | None
    detail: Mapping[str, Any]
    first_seen_on: dt.date


@dataclass(frozen=True)
class CustomerProfile:
    customer_no: str
    name: str
    uscc: str
    legal_rep: str
    phone: str
    industry: str
    address: str
    branch_code: str
    branch_name: str
    manager_no: str
    manager_name: str
    lat: float | None  # WGS-84
    lon: float | None
    loans: tuple[LoanRow, ...]
    scores: tuple[ScorePoint, ...]  # newest first, each with its breakdown
    signals: tuple[SignalRow, ...]  # newest first
    inspections: tuple[VisitRow, ...]  # newest first
    tasks: tuple[OpenTaskRow, ...]  # open, by due date
    issues: tuple[IssueRow, ...]  # open

    @property
    def latest(self) -> ScorePoint | None:
        return self.scores[0] if self.scores else None


def customer_profile(
    session: Session,
    customer_no: str,
    scope: Scope,
    *,
    today: dt.date | None = None,
    inspections: int = 50,
    signals: int = 200,
) -> CustomerProfile:
    """A customer in full, if the scope lets the caller see them (else ``NotFound``)."""
    row = session.execute(
        select(Customer, Branch.name, Staff.name)
        .join(Branch, Branch.code == Customer.branch_code)
        .join(Staff, Staff.employee_no == Customer.manager_no)
        .where(Customer.customer_no == customer_no)
    ).one_or_none()
    if row is None or (scope is not None and row[0].branch_code not in scope):
        raise NotFound(what="customer", key=customer_no)
    c, branch_name, manager_name = row
    day = today or today_cst()
    loans = (
        session.execute(
            select(Loan)
            .where(Loan.customer_no == customer_no)
            .order_by(Loan.disbursed_on.desc(), Loan.loan_no)
        )
        .scalars()
        .all()
    )
    history: dict[str, list[SnapshotRow]] = {}
    if loans:
        for s in session.execute(
            select(LoanSnapshot)
            .where(LoanSnapshot.loan_no.in_([ln.loan_no for ln in loans]))
            .order_by(LoanSnapshot.as_of.desc())
        ).scalars():
            history.setdefault(s.loan_no, []).append(
                SnapshotRow(s.as_of, s.classification, s.overdue_days, s.balance)
            )
    sig_rows = (
        session.execute(
            select(RiskSignal)
            .where(RiskSignal.customer_no == customer_no)
            .order_by(RiskSignal.detected_at.desc(), RiskSignal.id.desc())
            .limit(signals)
        )
        .scalars()
        .all()
    )
    visits = session.execute(
        select(
            Inspection.id,
            Inspection.submitted_at,
            Inspection.kind,
            Staff.name,
            Inspection.opinion,
            Inspection.unplanned,
        )
        .join(Staff, Staff.employee_no == Inspection.inspector_no)
        .where(Inspection.customer_no == customer_no, Inspection.is_current.is_(True))
        .order_by(Inspection.submitted_at.desc(), Inspection.id.desc())
        .limit(inspections)
    ).all()
    checkins: dict[int, tuple[float, float]] = {}
    if visits:
        for iid, lat, lon in session.execute(
            select(TrackPoint.inspection_id, TrackPoint.lat, TrackPoint.lon)
            .where(TrackPoint.inspection_id.in_([r[0] for r in visits]), TrackPoint.event == "CHECKIN")
            .order_by(TrackPoint.inspection_id, TrackPoint.t.desc(), TrackPoint.seq.desc())
        ):
            checkins[iid] = (lat, lon)  # newest first: a visit's earliest check-in is kept
    tasks = session.execute(
        select(PostLoanTask, Staff.name)
        .join(Staff, Staff.employee_no == PostLoanTask.assignee_no)
        .where(PostLoanTask.customer_no == customer_no, PostLoanTask.status == "OPEN")
        .order_by(PostLoanTask.due_on, PostLoanTask.task_no)
    ).all()
    issues = (
        session.execute(
            select(CustomerIssue)
            .where(CustomerIssue.customer_no == customer_no, CustomerIssue.status == "OPEN")
            .order_by(CustomerIssue.first_seen_on, CustomerIssue.id)
        )
        .scalars()
        .all()
    )
    return CustomerProfile(
        customer_no=c.customer_no,
        name=c.name,
        uscc=c.uscc,
        legal_rep=c.legal_rep,
        phone=mask_phone(c.phone),  # masked as everywhere a screen shows it
        industry=c.industry,
        address=c.address,
        branch_code=c.branch_code,
        branch_name=branch_name,
        manager_no=c.manager_no,
        manager_name=manager_name,
        lat=c.lat,
        lon=c.lon,
        loans=tuple(
            LoanRow(
                ln.loan_no,
                ln.product,
                ln.amount,
                ln.balance,
                ln.rate,
                ln.disbursed_on,
                ln.maturity_on,
                ln.guarantee,
                ln.classification,
                ln.overdue_days,
                ln.as_of,
                tuple(history.get(ln.loan_no, ())),
            )
            for ln in loans
        ),
        scores=score_history(session, customer_no, scope),
        signals=tuple(
            SignalRow(
                s.id,
                s.source,
                s.type,
                s.severity,
                s.occurred_at,
                s.detected_at,
                s.title,
                s.detail,
                s.amount,
                s.status,
                s.reviewed_by,
                s.reviewed_at,
                s.review_reason,
            )
            for s in sig_rows
        ),
        inspections=tuple(
            VisitRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), *checkins.get(r[0], (None, None)))
            for r in visits
        ),
        tasks=tuple(
            OpenTaskRow(t.task_no, t.kind, t.tier, t.due_on, name, t.reason, t.due_on < day)
            for t, name in tasks
        ),
        issues=tuple(IssueRow(i.code, i.loan_no, dict(i.detail or {}), i.first_seen_on) for i in issues),
    )


def signal_customer(session: Session, signal_id: int, scope: Scope) -> str:
    """The customer a signal is about, if the scope lets the caller see it (else
    ``NotFound``): a reviewer may only review what they may see."""
    row = session.execute(
        select(Customer.customer_no, Customer.branch_code)
        .join(RiskSignal, RiskSignal.customer_no == Customer.customer_no)
        .where(RiskSignal.id == signal_id)
    ).one_or_none()
    if row is None or (scope is not None and row[1] not in scope):
        raise NotFound(what="signal", key=signal_id)
    return str(row[0])


# --- the tasks list -------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFilter:
    """What the tasks list is narrowed to. Every field optional."""

    status: str | None = None  # OPEN, OVERDUE (open and past due), DONE, REPLACED
    tier: str | None = None  # the tier the task was created for
    branch_code: str | None = None  # the customer's unit and everything below it
    manager_no: str | None = None  # the assignee
    kind: str | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    customer_no: str | None = None
    text: str | None = None  # customer name contains, or customer number starts with


@dataclass(frozen=True)
class TaskRow:
    task_no: str
    customer_no: str
    customer_name: str
    branch_code: str
    branch_name: str
    manager_no: str
    manager_name: str
    loan_no: str | None
    kind: str
    tier: str
    tier_rank: int
    due_on: dt.date
    status: str  # OPEN, DONE, REPLACED
    overdue: bool
    reason: str
    closed_at: dt.datetime | None


TASK_SORT_KEYS = (
    "due_on",
    "task_no",
    "customer_name",
    "branch_name",
    "manager_name",
    "tier_rank",
    "kind",
    "status",
)


def _task_sorts() -> dict[str, Any]:
    return {
        "due_on": PostLoanTask.due_on,
        "task_no": PostLoanTask.task_no,
        "customer_name": Customer.name,
        "branch_name": Branch.name,
        "manager_name": Staff.name,
        "tier_rank": case(*((PostLoanTask.tier == t, i) for i, t in enumerate(TIERS)), else_=-1),
        "kind": PostLoanTask.kind,
        "status": PostLoanTask.status,
    }


def _task_conditions(session: Session, scope: Scope, flt: TaskFilter, today: dt.date) -> list[Any]:
    conds: list[Any] = []
    codes = _branch_codes(session, scope, flt.branch_code)
    if codes is not None:
        conds.append(Customer.branch_code.in_(codes))
    if flt.status == "OVERDUE":
        conds.append(overdue_filter(today))
    elif flt.status:
        conds.append(PostLoanTask.status == flt.status)
    if flt.tier:
        conds.append(PostLoanTask.tier == flt.tier)
    if flt.manager_no:
        conds.append(PostLoanTask.assignee_no == flt.manager_no)
    if flt.kind:
        conds.append(PostLoanTask.kind == flt.kind)
    if flt.due_from:
        conds.append(PostLoanTask.due_on >= flt.due_from)
    if flt.due_to:
        conds.append(PostLoanTask.due_on <= flt.due_to)
    if flt.customer_no:
        conds.append(PostLoanTask.customer_no == flt.customer_no)
    if flt.text and flt.text.strip():
        needle = _like(flt.text)
        conds.append(
            or_(
                Customer.name.like(f"%{needle}%", escape="\\"),
                PostLoanTask.customer_no.like(f"{needle}%", escape="\\"),
            )
        )
    return conds


def _task_select(*columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(PostLoanTask)
        .join(Customer, Customer.customer_no == PostLoanTask.customer_no)
        .join(Branch, Branch.code == Customer.branch_code)
        .join(Staff, Staff.employee_no == PostLoanTask.assignee_no)
    )


def task_sort_value(row: TaskRow, sort: str) -> Any:
    return getattr(row, sort)


def task_page(
    session: Session,
    scope: Scope,
    flt: TaskFilter,
    *,
    sort: str = "due_on",
    descending: bool = False,
    after: tuple[Any, str] | None = None,
    limit: int = PAGE_SIZE,
    today: dt.date | None = None,
) -> list[TaskRow]:
    """One page of the tasks list after the keyset ``after`` = (sort value, task number)."""
    if sort not in TASK_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    day = today or today_cst()
    key = _task_sorts()[sort]
    t = PostLoanTask
    stmt = _task_select(
        t.task_no,
        t.customer_no,
        Customer.name,
        Customer.branch_code,
        Branch.name,
        t.assignee_no,
        Staff.name,
        t.loan_no,
        t.kind,
        t.tier,
        t.due_on,
        t.status,
        t.reason,
        t.closed_at,
    ).where(*_task_conditions(session, scope, flt, day), *_after(key, t.task_no, after, descending))
    order = (key.desc(), t.task_no.desc()) if descending else (key.asc(), t.task_no.asc())
    return [
        TaskRow(
            task_no=r[0],
            customer_no=r[1],
            customer_name=r[2],
            branch_code=r[3],
            branch_name=r[4],
            manager_no=r[5],
            manager_name=r[6],
            loan_no=r[7],
            kind=r[8],
            tier=r[9],
            tier_rank=TIER_RANK.get(r[9], -1),
            due_on=r[10],
            status=r[11],
            overdue=r[11] == "OPEN" and r[10] < day,
            reason=r[12] or "",
            closed_at=r[13],
        )
        for r in session.execute(stmt.order_by(*order).limit(limit)).all()
    ]


def task_count(session: Session, scope: Scope, flt: TaskFilter, *, today: dt.date | None = None) -> int:
    day = today or today_cst()
    stmt = _task_select(func.count()).where(*_task_conditions(session, scope, flt, day))
    return int(session.execute(stmt).scalar_one())


def task_managers(session: Session, scope: Scope) -> tuple[ManagerChoice, ...]:
    """The staff who are assigned a task for a customer in scope, for the filters."""
    stmt = (
        select(Staff.employee_no, Staff.name)
        .where(
            select(PostLoanTask.task_no)
            .join(Customer, Customer.customer_no == PostLoanTask.customer_no)
            .where(
                PostLoanTask.assignee_no == Staff.employee_no,
                *([Customer.branch_code.in_(sorted(scope))] if scope is not None else []),
            )
            .exists()
        )
        .order_by(Staff.employee_no)
    )
    return tuple(ManagerChoice(no, f"{name} {no}") for no, name in session.execute(stmt).all())
