"""Reads over the health check's results for the screens: plain SQL aggregates returning
frozen rows.

A ``scope`` is what ``data.auth.branch_scope`` gives: a frozenset of branch codes the
user may see, or None for the whole bank. Every function filters customers by it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select, true
from sqlalchemy.orm import Session

from data.models import Customer, CustomerIssue, HealthScore, Loan, PostLoanTask, table
from data.rules.health import TIERS

Scope = frozenset[str] | None


def _in_scope(scope: Scope) -> ColumnElement[bool]:
    if scope is None:
        return true()
    return table(Customer).c.branch_code.in_(sorted(scope))


def _scored_on(session: Session, as_of: dt.date | None) -> dt.date | None:
    """The latest scored date on or before ``as_of`` (or at all)."""
    h = table(HealthScore).c
    stmt: Select[Any] = select(func.max(h.as_of))
    if as_of is not None:
        stmt = stmt.where(h.as_of <= as_of)
    value = session.execute(stmt).scalar_one_or_none()
    return value if isinstance(value, dt.date) else None


@dataclass(frozen=True)
class TierCount:
    tier: str
    customers: int
    balance: Decimal  # outstanding loan balance of those customers, yuan


@dataclass(frozen=True)
class TierSummary:
    as_of: dt.date | None
    tiers: tuple[TierCount, ...]  # every tier, NORMAL to RED, zeros included


def tier_summary(session: Session, scope: Scope, as_of: dt.date | None = None) -> TierSummary:
    """Customers and outstanding balance per tier in a unit, on the latest scored date
    (on or before ``as_of``)."""
    day = _scored_on(session, as_of)
    if day is None:
        return TierSummary(None, tuple(TierCount(t, 0, Decimal("0.00")) for t in TIERS))
    h = table(HealthScore).c
    c = table(Customer).c
    ln = table(Loan).c
    balances = (
        select(ln.customer_no, func.sum(ln.balance).label("balance")).group_by(ln.customer_no).subquery()
    )
    rows = session.execute(
        select(h.tier, func.count().label("n"), func.sum(balances.c.balance).label("balance"))
        .select_from(table(HealthScore))
        .join(table(Customer), c.customer_no == h.customer_no)
        .outerjoin(balances, balances.c.customer_no == h.customer_no)
        .where(h.as_of == day, _in_scope(scope))
        .group_by(h.tier)
    ).all()
    # the sums keep the column's type (data.types.Fixed), so they come back as yuan
    found: Mapping[str, Any] = {r.tier: r for r in rows}
    return TierSummary(
        day,
        tuple(
            TierCount(
                t,
                int(found[t].n) if t in found else 0,
                Decimal(found[t].balance if t in found and found[t].balance is not None else 0).quantize(
                    Decimal("0.01")
                ),
            )
            for t in TIERS
        ),
    )


@dataclass(frozen=True)
class TierMonth:
    month: str  # YYYY-MM
    as_of: dt.date  # the month's last scored date
    counts: tuple[tuple[str, int], ...]  # (tier, customers), NORMAL to RED


def tier_trend(
    session: Session, scope: Scope, months: int = 12, until: dt.date | None = None
) -> tuple[TierMonth, ...]:
    """Customers per tier, month by month (each month's last scored date), oldest first."""
    h = table(HealthScore).c
    stmt: Select[Any] = select(h.as_of).distinct()
    if until is not None:
        stmt = stmt.where(h.as_of <= until)
    days = sorted(r[0] for r in session.execute(stmt))
    last_of: dict[str, dt.date] = {}
    for d in days:
        last_of[f"{d:%Y-%m}"] = d
    chosen = sorted(last_of.items())[-months:]
    if not chosen:
        return ()
    c = table(Customer).c
    rows = session.execute(
        select(h.as_of, h.tier, func.count().label("n"))
        .select_from(table(HealthScore))
        .join(table(Customer), c.customer_no == h.customer_no)
        .where(h.as_of.in_([d for _m, d in chosen]), _in_scope(scope))
        .group_by(h.as_of, h.tier)
    ).all()
    by_day: dict[dt.date, dict[str, int]] = {}
    for r in rows:
        by_day.setdefault(r.as_of, {})[r.tier] = int(r.n)
    return tuple(
        TierMonth(month, day, tuple((t, by_day.get(day, {}).get(t, 0)) for t in TIERS))
        for month, day in chosen
    )


@dataclass(frozen=True)
class ScorePoint:
    as_of: dt.date
    score: float
    base_score: float
    tier: str
    model_version: int
    breakdown: Mapping[str, Any]


def score_history(
    session: Session, customer_no: str, scope: Scope = None, limit: int = 60
) -> tuple[ScorePoint, ...]:
    """A customer's scores, newest first, each with its breakdown (empty if the customer is
    outside the scope)."""
    h = table(HealthScore).c
    c = table(Customer).c
    rows = session.execute(
        select(h.as_of, h.score, h.base_score, h.tier, h.model_version, h.breakdown)
        .join(table(Customer), c.customer_no == h.customer_no)
        .where(h.customer_no == customer_no, _in_scope(scope))
        .order_by(h.as_of.desc())
        .limit(limit)
    ).all()
    return tuple(
        ScorePoint(
            r.as_of, float(r.score), float(r.base_score), r.tier, int(r.model_version), dict(r.breakdown)
        )
        for r in rows
    )


@dataclass(frozen=True)
class TierMove:
    from_tier: str
    to_tier: str
    customers: int


def tier_migration(session: Session, scope: Scope, before: dt.date, after: dt.date) -> tuple[TierMove, ...]:
    """How customers moved between the tiers of two scored dates."""
    h = table(HealthScore)
    old = h.alias("old")
    c = table(Customer).c
    rows = session.execute(
        select(old.c.tier.label("frm"), h.c.tier.label("to"), func.count().label("n"))
        .select_from(h)
        .join(old, and_(old.c.customer_no == h.c.customer_no, old.c.as_of == before))
        .join(table(Customer), c.customer_no == h.c.customer_no)
        .where(h.c.as_of == after, _in_scope(scope))
        .group_by(old.c.tier, h.c.tier)
    ).all()
    rank = {t: i for i, t in enumerate(TIERS)}
    return tuple(
        sorted(
            (TierMove(r.frm, r.to, int(r.n)) for r in rows),
            key=lambda m: (rank[m.from_tier], rank[m.to_tier]),
        )
    )


@dataclass(frozen=True)
class TaskCounts:
    open: int
    overdue: int
    done: int
    replaced: int


def task_counts(session: Session, scope: Scope, today: dt.date) -> TaskCounts:
    """Post-loan tasks in a unit: open, of those overdue (past due, still open), done and
    replaced."""
    t = table(PostLoanTask).c
    c = table(Customer).c
    rows = session.execute(
        select(
            t.status,
            func.count().label("n"),
            func.sum(case((t.due_on < today, 1), else_=0)).label("late"),
        )
        .join(table(Customer), c.customer_no == t.customer_no)
        .where(_in_scope(scope))
        .group_by(t.status)
    ).all()
    counts: dict[str, int] = {"OPEN": 0, "DONE": 0, "REPLACED": 0}
    overdue = 0
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + int(r.n)
        if r.status == "OPEN":
            overdue += int(r.late or 0)
    return TaskCounts(counts["OPEN"], overdue, counts["DONE"], counts["REPLACED"])


@dataclass(frozen=True)
class IssueCount:
    code: str
    customers: int
    loans: int


def open_issue_counts(session: Session, scope: Scope) -> tuple[IssueCount, ...]:
    """Open customer issues (objective classification checks) in a unit, by code."""
    i = table(CustomerIssue).c
    c = table(Customer).c
    rows = session.execute(
        select(
            i.code,
            func.count(func.distinct(i.customer_no)).label("customers"),
            func.count(func.distinct(i.loan_no)).label("loans"),
        )
        .join(table(Customer), c.customer_no == i.customer_no)
        .where(i.status == "OPEN", _in_scope(scope))
        .group_by(i.code)
        .order_by(i.code)
    ).all()
    return tuple(IssueCount(r.code, int(r.customers), int(r.loans)) for r in rows)
