"""Everything the dashboard shows for one organisation unit and period, in a handful of SQL
aggregates (no Qt).

Units form a tree: the bank (head office) → branches → sub-branches → client managers.
A unit's key is its branch code, or ``"<sub-branch code>/<employee no>"`` for a client
manager's customers within a sub-branch. ``unit=None`` is the top of the user's scope: the
bank for head office, the approver's own branch for a branch approver. A unit outside the
scope falls back to that top: a branch approver never sees another branch's numbers.

Customers belong to a unit by their branch (and, for a manager, their client manager);
tasks, signals and inspections belong to a unit through their customer, exactly as the
lists filter them (``data.queries.InspectionFilter.branch_code``: "that unit and
everything below it").

Dates in the period are Beijing dates (as the lists use them); "overdue" means still open
and due before ``period_end``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session

from data.approvals import load_settings, overdue_condition
from data.models import (
    Branch,
    Customer,
    HealthScore,
    Inspection,
    InspectionFlag,
    Loan,
    PostLoanTask,
    RiskSignal,
    Staff,
    SupervisionOrder,
    table,
)
from data.orders import OrderCounts
from data.risk_queries import Scope, TierCount, TierMonth, TierMove
from data.rules import approval
from data.rules.approval import CST
from data.rules.health import TIERS

_BEIJING = dt.timezone(dt.timedelta(hours=8))
#: the nine external signal sources, in the order the charts stack them
SIGNAL_SOURCES = (
    "CREDIT_BUREAU",
    "JUDICIAL",
    "BUSINESS_REGISTRY",
    "TAX",
    "ADMIN_PENALTY",
    "ACCOUNT_FLOW",
    "UTILITIES",
    "COLLATERAL",
    "PUBLIC_OPINION",
)
TREND_MONTHS = 12


@dataclass(frozen=True)
class Unit:
    key: str  # branch code, or "<sub-branch code>/<employee no>" for a client manager
    name: str
    level: str  # HEAD, BRANCH, SUB, MANAGER
    branch_code: str  # the branch the lists filter by (a manager's sub-branch)
    manager_no: str | None = None


@dataclass(frozen=True)
class UnitTiers:
    unit: Unit
    counts: tuple[tuple[str, int], ...]  # (tier, customers), NORMAL to RED


@dataclass(frozen=True)
class TaskProgress:
    """Post-loan tasks due in the period (replaced ones left out): done, still open and
    not yet late, still open and late (due before the period's end)."""

    due: int
    done: int
    open: int
    overdue: int


@dataclass(frozen=True)
class UnitTasks:
    unit: Unit
    progress: TaskProgress


@dataclass(frozen=True)
class SourceWeeks:
    source: str
    counts: tuple[int, ...]  # one a week of ``DashboardData.weeks``


@dataclass(frozen=True)
class FlaggedInspections:
    """Current inspections submitted in the period: how many, how many with any
    authenticity flag, and how many with a HIGH one (what the list shows for
    ``flag=HIGH``)."""

    submitted: int
    flagged: int
    high: int


@dataclass(frozen=True)
class Approvals:
    """Current inspections of the unit waiting for a decision now (the branch's or head
    office's), and how many of them are past their SLA deadline."""

    waiting: int
    overdue: int


@dataclass(frozen=True)
class DashboardData:
    unit: Unit
    path: tuple[Unit, ...]  # from the top of the scope down to ``unit``
    children: tuple[Unit, ...]  # units one level down (drill-down targets)
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date | None  # the scored date the tiers are of
    previous_as_of: dt.date | None  # the date the migration starts from (last month)
    tiers: tuple[TierCount, ...]  # the unit's customers and balance per tier
    unit_tiers: tuple[UnitTiers, ...]  # per child unit (the unit itself if it has none)
    trend: tuple[TierMonth, ...]
    migration: tuple[TierMove, ...]
    weeks: tuple[dt.date, ...]  # first day of each week of the period
    signals: tuple[SourceWeeks, ...]
    new_signals_week: int  # signals detected in the seven days ending on period_end
    tasks: TaskProgress
    overdue_tasks: int  # every open task due before period_end, whenever it was due
    unit_tasks: tuple[UnitTasks, ...]
    inspections: FlaggedInspections
    approvals: Approvals  # waiting for a decision now
    orders: OrderCounts  # supervision orders of the unit's customers, overdue as of today


class UnknownUnit(LookupError):
    """The unit key names no unit."""


def _midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), _BEIJING).astimezone(dt.UTC)


@dataclass(frozen=True)
class _Tree:
    branches: dict[str, tuple[str, str, str | None]]  # code -> (name, level, parent)
    children: dict[str | None, list[str]]

    def below(self, code: str) -> set[str]:
        out, todo = {code}, [code]
        while todo:
            for child in self.children.get(todo.pop(), []):
                if child not in out:
                    out.add(child)
                    todo.append(child)
        return out

    def unit(self, code: str) -> Unit:
        name, level, _parent = self.branches[code]
        return Unit(code, name, level, code)


def _tree(session: Session) -> _Tree:
    b = table(Branch).c
    branches: dict[str, tuple[str, str, str | None]] = {}
    children: dict[str | None, list[str]] = {}
    rows: list[Any] = list(session.execute(select(b.code, b.name, b.level, b.parent_code).order_by(b.code)))
    for code, name, level, parent in rows:
        branches[code] = (name, level, parent)
        children.setdefault(parent, []).append(code)
    return _Tree(branches, children)


def scope_roots(tree: _Tree, scope: Scope) -> list[str]:
    """The top units of a scope: branches in it whose parent is not."""
    if scope is None:
        return [c for c in tree.children.get(None, []) if c in tree.branches]
    return sorted(c for c in scope if c in tree.branches and tree.branches[c][2] not in scope)


def _resolve(session: Session, tree: _Tree, scope: Scope, key: str | None) -> tuple[Unit, tuple[Unit, ...]]:
    """The unit a key names (the top of the scope if None or out of scope) and its path."""
    roots = scope_roots(tree, scope)
    if not roots:
        raise UnknownUnit(key)
    top = roots[0]
    branch_code, _, manager_no = (key or top).partition("/")
    if branch_code not in tree.branches or (scope is not None and branch_code not in scope):
        branch_code, manager_no = top, ""
    path: list[Unit] = []
    code: str | None = branch_code
    while code is not None and code in tree.branches:
        path.insert(0, tree.unit(code))
        if code in roots:
            break
        code = tree.branches[code][2]
    if manager_no:
        s = table(Staff).c
        name = session.execute(select(s.name).where(s.employee_no == manager_no)).scalar_one_or_none()
        if name is None:
            return path[-1], tuple(path)
        path.append(Unit(f"{branch_code}/{manager_no}", name, "MANAGER", branch_code, manager_no))
    return path[-1], tuple(path)


def _customers_of(tree: _Tree, scope: Scope, unit: Unit) -> ColumnElement[bool]:
    c = table(Customer).c
    codes = tree.below(unit.branch_code)
    if scope is not None:
        codes &= set(scope)
    cond: ColumnElement[bool]
    if scope is None and tree.branches[unit.branch_code][2] is None:
        cond = true()  # the whole bank: no filter to evaluate per row
    else:
        cond = c.branch_code.in_(sorted(codes))
    if unit.manager_no is not None:
        cond = and_(cond, c.manager_no == unit.manager_no)
    return cond


def _grouping(
    session: Session, tree: _Tree, unit: Unit, scope: Scope
) -> tuple[list[Any], Callable[[Any], Unit | None], list[Unit]]:
    """How to split a unit's customers into its child units: the columns to group by, a
    function from a result row to the child unit, and the children in display order."""
    c = table(Customer).c
    if unit.level == "MANAGER":
        return [], lambda _r: unit, [unit]
    kids = [k for k in tree.children.get(unit.branch_code, []) if scope is None or k in scope]
    if kids:
        owner: dict[str, str] = {}
        for kid in kids:
            for code in tree.below(kid):
                owner[code] = kid
        units = {kid: tree.unit(kid) for kid in kids}
        return (
            [c.branch_code],
            lambda r: units.get(owner.get(r.branch_code, ""), unit),
            [units[k] for k in kids],
        )
    # a sub-branch: its client managers (those with customers in it)
    s = table(Staff).c
    managers: Sequence[Any] = session.execute(
        select(s.employee_no, s.name)
        .where(s.employee_no.in_(select(c.manager_no).where(c.branch_code == unit.branch_code)))
        .order_by(s.employee_no)
    ).all()
    units_m = {
        no: Unit(f"{unit.branch_code}/{no}", name, "MANAGER", unit.branch_code, no) for no, name in managers
    }
    return [c.manager_no], lambda r: units_m.get(r.manager_no), list(units_m.values())


def _scored_days(session: Session, until: dt.date) -> list[dt.date]:
    h = table(HealthScore).c
    return sorted(r[0] for r in session.execute(select(h.as_of).distinct().where(h.as_of <= until)))


def weeks_of(period_start: dt.date, period_end: dt.date) -> tuple[dt.date, ...]:
    """The period in weeks of seven days, the last one ending on ``period_end`` (the first
    may start before ``period_start``, so every week is whole)."""
    n = max(1, ((period_end - period_start).days + 7) // 7)
    return tuple(period_end - dt.timedelta(days=7 * (n - i) - 1) for i in range(n))


def _key_of(unit: Unit | None) -> str | None:
    return None if unit is None else unit.key


def tiers_by_child(
    session: Session,
    as_of: dt.date | None,
    group_cols: Sequence[Any],
    in_unit: ColumnElement[bool],
    child_key: Callable[[Any], str | None],
) -> dict[str, dict[str, list[Any]]]:
    """Customers and their outstanding balance per tier on ``as_of``, per child unit:
    child key → tier → [customers, balance]. ``group_cols`` and ``child_key`` say how a
    customer row belongs to a child (see :func:`_grouping`); no check, no tiers."""
    per_child: dict[str, dict[str, list[Any]]] = {}
    if as_of is None:
        return per_child
    c = table(Customer).c
    h = table(HealthScore).c
    ln = table(Loan).c
    balances = (
        select(ln.customer_no, func.sum(ln.balance).label("balance")).group_by(ln.customer_no).subquery()
    )
    rows: Sequence[Any] = session.execute(
        select(*group_cols, h.tier, func.count().label("n"), func.sum(balances.c.balance).label("balance"))
        .select_from(table(HealthScore))
        .join(table(Customer), c.customer_no == h.customer_no)
        .outerjoin(balances, balances.c.customer_no == h.customer_no)
        .where(h.as_of == as_of, in_unit)
        .group_by(*group_cols, h.tier)
    ).all()
    for r in rows:
        key = child_key(r)
        if key is None:
            continue
        slot = per_child.setdefault(key, {}).setdefault(r.tier, [0, Decimal(0)])
        slot[0] += int(r.n)
        slot[1] += Decimal(r.balance if r.balance is not None else 0)
    return per_child


def tier_totals(per_child: dict[str, dict[str, list[Any]]]) -> tuple[TierCount, ...]:
    """The children's tiers added up: customers and balance (yuan, to the fen) per tier."""
    totals: dict[str, list[Any]] = {t: [0, Decimal(0)] for t in TIERS}
    for by_tier in per_child.values():
        for t, (n, bal) in by_tier.items():
            if t in totals:
                totals[t][0] += n
                totals[t][1] += bal
    return tuple(
        TierCount(t, int(totals[t][0]), Decimal(totals[t][1]).quantize(Decimal("0.01"))) for t in TIERS
    )


def dashboard_data(
    session: Session, scope: Scope, unit: str | None, period_start: dt.date, period_end: dt.date
) -> DashboardData:
    """Everything the dashboard shows for ``unit`` (within ``scope``) and the period."""
    if period_end < period_start:
        period_start, period_end = period_end, period_start
    tree = _tree(session)
    chosen, path = _resolve(session, tree, scope, unit)
    in_unit = _customers_of(tree, scope, chosen)
    # the whole bank needs no join to customers where nothing is grouped by branch (every
    # score, task and inspection has a customer; a signal may not: unmatched ones are left out)
    whole = scope is None and chosen.level == "HEAD"

    def of_customers(stmt: Any, customer_no: Any) -> Any:
        if whole:
            return stmt
        return stmt.join(table(Customer), c.customer_no == customer_no).where(in_unit)

    group_cols, child_of, children = _grouping(session, tree, chosen, scope)
    c = table(Customer).c
    h = table(HealthScore).c

    # -- tiers now, per child unit (one aggregate gives both) -----------------------------
    days = _scored_days(session, period_end)
    last_of: dict[str, dt.date] = {}
    for d in days:
        last_of[f"{d:%Y-%m}"] = d
    months = sorted(last_of.items())[-TREND_MONTHS:]
    as_of = days[-1] if days else None
    previous = months[-2][1] if len(months) >= 2 else None
    per_child = tiers_by_child(session, as_of, group_cols, in_unit, lambda r: _key_of(child_of(r)))
    tiers = tier_totals(per_child)
    unit_tiers = tuple(
        UnitTiers(u, tuple((t, int(per_child.get(u.key, {}).get(t, [0])[0])) for t in TIERS))
        for u in children
    )

    # -- the tier trend and the migration from last month ---------------------------------
    trend: tuple[TierMonth, ...] = ()
    if months:
        by_day: dict[dt.date, dict[str, int]] = {}
        for r in session.execute(
            of_customers(
                select(h.as_of, h.tier, func.count().label("n")).select_from(table(HealthScore)),
                h.customer_no,
            )
            .where(h.as_of.in_([d for _m, d in months]))
            .group_by(h.as_of, h.tier)
        ):
            by_day.setdefault(r.as_of, {})[r.tier] = int(r.n)
        trend = tuple(
            TierMonth(m, d, tuple((t, by_day.get(d, {}).get(t, 0)) for t in TIERS)) for m, d in months
        )
    migration: tuple[TierMove, ...] = ()
    if previous is not None and as_of is not None:
        now = table(HealthScore)
        old = now.alias("old")
        rank = {t: i for i, t in enumerate(TIERS)}
        moves = session.execute(
            of_customers(
                select(old.c.tier.label("frm"), now.c.tier.label("to"), func.count().label("n"))
                .select_from(now)
                .join(old, and_(old.c.customer_no == now.c.customer_no, old.c.as_of == previous)),
                now.c.customer_no,
            )
            .where(now.c.as_of == as_of)
            .group_by(old.c.tier, now.c.tier)
        ).all()
        migration = tuple(
            sorted(
                (TierMove(r.frm, r.to, int(r.n)) for r in moves if r.frm in rank and r.to in rank),
                key=lambda m: (rank[m.from_tier], rank[m.to_tier]),
            )
        )

    # -- signals by source per week (the last seven days are "this week") -----------------
    weeks = weeks_of(period_start, period_end)
    sig = table(RiskSignal).c
    bounds = [_midnight_utc(w) for w in weeks[1:]]
    week_cols: list[Any] = (
        [case(*((sig.detected_at < b, n) for n, b in enumerate(bounds)), else_=len(bounds)).label("week")]
        if bounds
        else []
    )
    counts: dict[str, list[int]] = {}
    for r in session.execute(
        of_customers(select(sig.source, *week_cols, func.count().label("n")), sig.customer_no)
        .where(
            sig.customer_no.is_not(None),
            sig.detected_at >= _midnight_utc(weeks[0]),
            sig.detected_at < _midnight_utc(period_end + dt.timedelta(days=1)),
        )
        .group_by(sig.source, *week_cols)
    ):
        counts.setdefault(r.source, [0] * len(weeks))[int(r.week) if bounds else 0] += int(r.n)
    order = {s: i for i, s in enumerate(SIGNAL_SOURCES)}
    signals = tuple(
        SourceWeeks(s, tuple(v))
        for s, v in sorted(counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    )
    new_this_week = sum(v[-1] for v in counts.values())

    # -- tasks: due in the period per child unit, and every overdue one -------------------
    tk = table(PostLoanTask).c
    in_period = and_(tk.due_on >= period_start, tk.due_on <= period_end)
    late = and_(tk.status == "OPEN", tk.due_on < period_end)
    progress: dict[str, list[int]] = {}
    overdue_all = 0
    for r in session.execute(
        select(
            *group_cols,
            tk.status,
            func.sum(case((in_period, 1), else_=0)).label("due"),
            func.sum(case((and_(in_period, late), 1), else_=0)).label("late_in_period"),
            func.sum(case((late, 1), else_=0)).label("late"),
        )
        .join(table(Customer), c.customer_no == tk.customer_no)
        # due in the period, or open and overdue: the done tasks of earlier periods (most
        # of the table) are never read, and each half walks its own index
        .where(tk.status != "REPLACED", in_unit, or_(in_period, late))
        .group_by(*group_cols, tk.status)
    ):
        overdue_all += int(r.late or 0)
        kid = child_of(r)
        if kid is None:
            continue
        slot = progress.setdefault(kid.key, [0, 0, 0, 0])  # due, done, open, overdue
        due, late_n = int(r.due or 0), int(r.late_in_period or 0)
        slot[0] += due
        if r.status == "DONE":
            slot[1] += due
        else:
            slot[2] += due - late_n
            slot[3] += late_n

    def _progress(v: Iterable[int]) -> TaskProgress:
        due, done, open_, overdue = v
        return TaskProgress(due, done, open_, overdue)

    unit_tasks = tuple(UnitTasks(u, _progress(progress.get(u.key, [0, 0, 0, 0]))) for u in children)
    task_total = _progress(
        [sum(p[i] for p in progress.values()) for i in range(4)] if progress else [0, 0, 0, 0]
    )

    # -- inspections submitted in the period, with authenticity flags --------------------
    i = table(Inspection).c
    f = table(InspectionFlag).c
    in_window = and_(
        i.is_current.is_(True),
        i.submitted_at >= _midnight_utc(period_start),
        i.submitted_at < _midnight_utc(period_end + dt.timedelta(days=1)),
    )
    # EXISTS stops at an inspection's first flag: a count(distinct) over the flags would
    # read all of them (a copied photo can raise hundreds)
    any_flag = exists().where(f.inspection_id == i.id)
    high_flag = exists().where(f.inspection_id == i.id, f.severity == "HIGH")
    counted: Any = session.execute(
        of_customers(
            select(
                func.count(),
                func.sum(case((any_flag, 1), else_=0)),
                func.sum(case((high_flag, 1), else_=0)),
            ).select_from(table(Inspection)),
            i.customer_no,
        ).where(in_window)
    ).one()
    submitted, flagged, high = counted
    inspections = FlaggedInspections(int(submitted or 0), int(flagged or 0), int(high or 0))

    # -- the approval queues and supervision orders, now -----------------------------------
    settings = load_settings(session)
    moment = dt.datetime.now(dt.UTC)
    waiting_since = func.coalesce(i.state_at, i.submitted_at)
    late = overdue_condition(i.state, waiting_since, settings, moment)
    waiting: Any = session.execute(
        of_customers(
            select(func.count(), func.sum(case((late, 1), else_=0))).select_from(table(Inspection)),
            i.customer_no,
        ).where(i.is_current.is_(True), i.state.in_(approval.PENDING))
    ).one()
    o = table(SupervisionOrder).c
    today = moment.astimezone(CST).date()
    by_status = {
        r[0]: (int(r[1]), int(r[2] or 0))
        for r in session.execute(
            of_customers(
                select(o.status, func.count(), func.sum(case((o.due_on < today, 1), else_=0))).select_from(
                    table(SupervisionOrder)
                ),
                o.customer_no,
            ).group_by(o.status)
        ).all()
    }
    orders = OrderCounts(
        by_status.get("OPEN", (0, 0))[0],
        by_status.get("OPEN", (0, 0))[1],
        by_status.get("ANSWERED", (0, 0))[0],
        by_status.get("CLOSED", (0, 0))[0],
    )

    return DashboardData(
        unit=chosen,
        path=path,
        children=tuple(u for u in children if u != chosen),
        period_start=period_start,
        period_end=period_end,
        as_of=as_of,
        previous_as_of=previous,
        tiers=tiers,
        unit_tiers=unit_tiers,
        trend=trend,
        migration=migration,
        weeks=weeks,
        signals=signals,
        new_signals_week=new_this_week,
        tasks=task_total,
        overdue_tasks=overdue_all,
        unit_tasks=unit_tasks,
        inspections=inspections,
        approvals=Approvals(int(waiting[0] or 0), int(waiting[1] or 0)),
        orders=orders,
    )
