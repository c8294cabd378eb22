"""The supervision report (督导报告): who is doing the post-loan work in a unit, and how well,
for a month or a quarter, as a PDF (A4, vector charts) and as an Excel workbook.

What it counts (every figure is of the unit's customers, the unit being a branch code and
everything below it, within the user's scope):

* **Tasks**: post-loan tasks due in the period (replaced ones left out); done = answered
  (DONE); done on time = closed on or before the due date (Beijing time); the on-time rate
  is on time ÷ due. Overdue now = still open and due before today, whenever due. Per child
  unit by the customer's branch, per manager by the task's assignee (who owes the visit).
  The previous period's on-time rate is given beside it.
* **Approvals**: decisions taken in the period on the unit's inspections. A decision's
  turnaround is its time minus the moment the revision arrived at that level: the previous
  decision on the revision (an approval or escalation sent to head office, head office
  sending it back) or, for the first, the revision's submission. Returns and rejections are
  counted by reason code, worded from the approval settings.
* **Authenticity flags**: current inspections submitted in the period with a flag of each
  code (an inspection counts once per code however many flags of it it raised: a copied
  photo can raise hundreds), by child unit and by inspector.
* **Tiers**: customers per tier at the period's last health check, per child unit; the
  migration from the previous period's last check to it; the ten riskiest customers (highest
  score) at that check.
* **Signals**: signals matched to the unit's customers, detected in the period, by source.
* **Supervision orders**: of the unit's branches, as of today: open (of those overdue),
  answered, closed, and the open ones listed.

No Qt here; the PDF uses ``data.reports.common`` and the workbook openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from data.approvals import load_settings
from data.audit_trail import csv_safe
from data.dashboard import (
    SIGNAL_SOURCES,
    Unit,
    UnknownUnit,
    _customers_of,
    _grouping,
    _midnight_utc,
    _resolve,
    _tree,
    tier_totals,
    tiers_by_child,
)
from data.models import (
    Branch,
    Customer,
    HealthScore,
    Inspection,
    InspectionDecision,
    InspectionFlag,
    Loan,
    PostLoanTask,
    RiskSignal,
    Staff,
    table,
)
from data.orders import OrderCounts, OrderFilter, order_counts, order_page
from data.reports.common import (
    ACTION_WORDS,
    CST,
    FLAG_WORDS,
    SOURCE_WORDS,
    TIER_WORDS,
    Viewer,
    local_time,
    word,
)
from data.risk_queries import Scope, TierCount, TierMove
from data.rules.health import TIERS

if TYPE_CHECKING:
    from data.auth import UserSession
    from data.db import Database

__all__ = [
    "Period",
    "SupervisionData",
    "UnitOutOfScope",
    "UnknownUnit",
    "make_supervision_report",
    "narrative",
    "parse_period",
    "render_supervision_pdf",
    "supervision_data",
    "write_supervision_xlsx",
]

#: the tier colours of ``widgets.labels.TIER_COLOURS`` (data cannot import widgets)
TIER_COLOURS = {
    "NORMAL": "#43a047",
    "BLUE": "#1e88e5",
    "YELLOW": "#f9a825",
    "ORANGE": "#ef6c00",
    "RED": "#d32f2f",
}
RISKIEST = 10
PDF_MANAGERS = 20  # the PDF lists the managers doing worst; the workbook all of them
PDF_ORDERS = 30


class UnitOutOfScope(PermissionError):
    """The unit is not within the user's scope (a branch approver reporting on another
    branch)."""

    code = "UNIT_OUT_OF_SCOPE"

    def __init__(self, unit_code: str) -> None:
        super().__init__(f"unit {unit_code!r} is outside the user's scope")
        self.unit_code = unit_code


class ReportRefused(PermissionError):
    """The user may not issue reports (auditors read only)."""

    code = "REPORT_REFUSED"


# -- the period --------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")


@dataclass(frozen=True)
class Period:
    """A calendar month (``2026-11``) or quarter (``2026-Q4``), Beijing dates inclusive."""

    start: dt.date
    end: dt.date
    label: str

    @property
    def quarterly(self) -> bool:
        return "Q" in self.label

    @property
    def previous(self) -> Period:
        """The month or quarter before this one."""
        before = self.start - dt.timedelta(days=1)
        if self.quarterly:
            return parse_period(f"{before.year}-Q{(before.month - 1) // 3 + 1}")
        return parse_period(f"{before:%Y-%m}")

    def words(self, lang: str) -> str:
        year = self.start.year
        if self.quarterly:
            q = (self.start.month - 1) // 3 + 1
            return f"{year}年第{'一二三四'[q - 1]}季度" if lang == "zh" else f"Q{q} {year}"
        return f"{year}年{self.start.month}月" if lang == "zh" else f"{self.start:%B %Y}"


def parse_period(text: str) -> Period:
    """``YYYY-MM`` or ``YYYY-Qn``; anything else raises ``ValueError`` naming the text."""
    value = (text or "").strip()
    if m := _MONTH.match(value):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12 or year < 1900:
            raise ValueError(f"bad period {text!r}: expected YYYY-MM or YYYY-Qn")
        start = dt.date(year, month, 1)
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return Period(start, nxt - dt.timedelta(days=1), f"{year:04d}-{month:02d}")
    if m := _QUARTER.match(value):
        year, q = int(m[1]), int(m[2])
        if year < 1900:
            raise ValueError(f"bad period {text!r}: expected YYYY-MM or YYYY-Qn")
        start = dt.date(year, 3 * q - 2, 1)
        nxt = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
        return Period(start, nxt - dt.timedelta(days=1), f"{year:04d}-Q{q}")
    raise ValueError(f"bad period {text!r}: expected YYYY-MM or YYYY-Qn")


# -- the figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskLine:
    """Tasks of one unit or manager (or the whole unit): due in the period, done, done on
    time, still open and past due now; and the previous period's on-time rate."""

    key: str
    name: str
    unit_name: str  # a manager's branch; "" for a unit
    due: int
    done: int
    on_time: int
    overdue_now: int
    previous_due: int
    previous_on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def previous_rate(self) -> float | None:
        return self.previous_on_time / self.previous_due if self.previous_due else None


@dataclass(frozen=True)
class Turnaround:
    level: str  # BRANCH, HEAD
    decisions: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class DecisionCount:
    level: str
    action: str
    count: int


@dataclass(frozen=True)
class ReasonCount:
    code: str  # "" when none was given (a rejection needs no reason code)
    zh: str
    en: str
    returns: int
    rejections: int


@dataclass(frozen=True)
class FlagCount:
    """Inspections of a unit (or by a manager) with a flag of ``code``."""

    code: str
    key: str  # unit key or employee number
    name: str
    inspections: int


@dataclass(frozen=True)
class UnitTierLine:
    key: str
    name: str
    counts: tuple[tuple[str, int], ...]  # NORMAL to RED


@dataclass(frozen=True)
class RiskyCustomer:
    customer_no: str
    name: str
    tier: str
    score: float
    balance: Decimal
    manager_no: str
    manager_name: str
    branch_name: str


@dataclass(frozen=True)
class OrderLine:
    order_no: str
    status: str
    overdue: bool
    action: str
    customer_no: str
    customer_name: str
    branch_name: str
    assignee_name: str
    due_on: dt.date
    created_at: dt.datetime
    instruction: str


@dataclass(frozen=True)
class SupervisionData:
    unit: Unit
    path: tuple[Unit, ...]
    children: tuple[Unit, ...]
    period: Period
    today: dt.date
    tasks: TaskLine  # the whole unit
    unit_tasks: tuple[TaskLine, ...]  # per child unit
    manager_tasks: tuple[TaskLine, ...]  # per manager (assignee), worst on-time rate first
    turnaround: tuple[Turnaround, ...]  # BRANCH, HEAD
    decisions: tuple[DecisionCount, ...]
    reasons: tuple[ReasonCount, ...]
    submitted: int  # current inspections submitted in the period
    flagged: int  # of those, with any flag
    flag_codes: tuple[tuple[str, int], ...]  # inspections per code, most first
    flags_by_unit: tuple[FlagCount, ...]
    flags_by_manager: tuple[FlagCount, ...]
    as_of: dt.date | None  # the period's last health check
    previous_as_of: dt.date | None  # the previous period's last check
    tiers: tuple[TierCount, ...]
    unit_tiers: tuple[UnitTierLine, ...]
    migration: tuple[TierMove, ...]
    signals: tuple[tuple[str, int], ...]  # (source, new signals), SIGNAL_SOURCES order
    riskiest: tuple[RiskyCustomer, ...]
    orders: OrderCounts
    open_orders: tuple[OrderLine, ...]  # open ones, overdue first

    @property
    def overdue_now(self) -> int:
        return self.tasks.overdue_now

    @property
    def returns(self) -> int:
        return sum(r.returns for r in self.reasons)

    @property
    def rejections(self) -> int:
        return sum(r.rejections for r in self.reasons)


def _end_utc(day: dt.date) -> dt.datetime:
    return _midnight_utc(day + dt.timedelta(days=1))


def _percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile with linear interpolation between closest ranks (as numpy's
    default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _last_check(session: Session, until: dt.date) -> dt.date | None:
    h = table(HealthScore).c
    value = session.execute(select(func.max(h.as_of)).where(h.as_of <= until)).scalar_one_or_none()
    return value if isinstance(value, dt.date) else None


def _staff_names(session: Session, numbers: set[str]) -> dict[str, tuple[str, str]]:
    """employee no → (name, branch name)."""
    if not numbers:
        return {}
    s = table(Staff).c
    b = table(Branch).c
    out: dict[str, tuple[str, str]] = {}
    keys = sorted(numbers)
    for start in range(0, len(keys), 900):
        row: Any
        for row in session.execute(
            select(s.employee_no, s.name, b.name)
            .join(table(Branch), b.code == s.branch_code)
            .where(s.employee_no.in_(keys[start : start + 900]))
        ).all():
            out[row[0]] = (row[1], row[2])
    return out


def supervision_data(
    session: Session, scope: Scope, unit_code: str, period: Period, *, today: dt.date | None = None
) -> SupervisionData:
    """Every figure of the supervision report for the unit (a branch code: the bank, a
    branch or a sub-branch) and the period. A unit outside ``scope`` raises
    :class:`UnitOutOfScope`, an unknown one :class:`~data.dashboard.UnknownUnit`."""
    today = today or dt.datetime.now(CST).date()
    tree = _tree(session)
    code = (unit_code or "").strip()
    if code not in tree.branches:
        raise UnknownUnit(unit_code)
    if scope is not None and code not in scope:
        raise UnitOutOfScope(unit_code)
    unit, path = _resolve(session, tree, scope, code)
    in_unit = _customers_of(tree, scope, unit)
    group_cols, child_of, kids = _grouping(session, tree, unit, scope)
    children = tuple(u for u in kids if u != unit)
    c = table(Customer).c

    def child_key(row: Any) -> str | None:
        kid = child_of(row)
        return None if kid is None else kid.key

    # -- tasks: this period and the previous one, per child unit and per assignee ---------
    tk = table(PostLoanTask).c

    def task_counts(p: Period, with_overdue: bool) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        days = [p.start + dt.timedelta(days=n) for n in range((p.end - p.start).days + 1)]
        in_period = and_(tk.due_on >= p.start, tk.due_on <= p.end)
        # closed on or before the due date, Beijing time: one comparison per due date
        on_time = case(
            *((and_(tk.status == "DONE", tk.due_on == d, tk.closed_at < _end_utc(d)), 1) for d in days),
            else_=0,
        )
        late = and_(tk.status == "OPEN", tk.due_on < today)
        where: ColumnElement[bool] = or_(in_period, late) if with_overdue else in_period
        rows: Any = session.execute(
            select(
                *group_cols,
                tk.assignee_no,
                func.sum(case((in_period, 1), else_=0)).label("due"),
                func.sum(case((and_(in_period, tk.status == "DONE"), 1), else_=0)).label("done"),
                func.sum(on_time).label("on_time"),
                func.sum(case((late, 1), else_=0)).label("late"),
            )
            .join(table(Customer), c.customer_no == tk.customer_no)
            .where(tk.status != "REPLACED", in_unit, where)
            .group_by(*group_cols, tk.assignee_no)
        ).all()
        per_unit: dict[str, list[int]] = {}
        per_manager: dict[str, list[int]] = {}
        for r in rows:
            values = [int(r.due or 0), int(r.done or 0), int(r.on_time or 0), int(r.late or 0)]
            for bucket, key in ((per_unit, child_key(r)), (per_manager, r.assignee_no)):
                if key is None:
                    continue
                slot = bucket.setdefault(key, [0, 0, 0, 0])
                for n, v in enumerate(values):
                    slot[n] += v
        return per_unit, per_manager

    now_units, now_managers = task_counts(period, True)
    prev_units, prev_managers = task_counts(period.previous, False)
    zero = [0, 0, 0, 0]

    def line(key: str, name: str, unit_name: str, cur: list[int], prev: list[int]) -> TaskLine:
        return TaskLine(key, name, unit_name, cur[0], cur[1], cur[2], cur[3], prev[0], prev[2])

    def total(*buckets: dict[str, list[int]]) -> list[int]:
        return [sum(v[n] for b in buckets for v in b.values()) for n in range(4)]

    tasks = line(unit.key, unit.name, "", total(now_units), total(prev_units))
    unit_tasks = tuple(
        line(u.key, u.name, "", now_units.get(u.key, zero), prev_units.get(u.key, zero)) for u in kids
    )
    names = _staff_names(session, set(now_managers))
    manager_lines = [
        line(no, names.get(no, (no, ""))[0], names.get(no, ("", ""))[1], v, prev_managers.get(no, zero))
        for no, v in now_managers.items()
        if v[0] or v[3]
    ]
    manager_lines.sort(key=lambda t: (t.rate if t.rate is not None else 2.0, -t.overdue_now, t.key))
    manager_tasks = tuple(manager_lines)

    # -- approvals: decisions taken in the period -----------------------------------------
    d = table(InspectionDecision)
    i = table(Inspection).c
    earlier = d.alias("earlier")
    arrived = (
        select(func.max(earlier.c.at))
        .where(earlier.c.inspection_id == d.c.inspection_id, earlier.c.from_version < d.c.from_version)
        .scalar_subquery()
    )
    decision_rows: Any = session.execute(
        select(d.c.level, d.c.action, d.c.reason_code, d.c.at, i.submitted_at, arrived.label("arrived"))
        .select_from(d)
        .join(table(Inspection), i.id == d.c.inspection_id)
        .join(table(Customer), c.customer_no == i.customer_no)
        .where(in_unit, d.c.at >= _midnight_utc(period.start), d.c.at < _end_utc(period.end))
    ).all()
    hours: dict[str, list[float]] = {"BRANCH": [], "HEAD": []}
    by_action: dict[tuple[str, str], int] = {}
    by_reason: dict[str, list[int]] = {}
    for r in decision_rows:
        since = r.arrived if r.arrived is not None else r.submitted_at
        hours.setdefault(r.level, []).append(max(0.0, (r.at - since).total_seconds() / 3600))
        by_action[(r.level, r.action)] = by_action.get((r.level, r.action), 0) + 1
        if r.action in ("RETURN", "REJECT"):
            slot = by_reason.setdefault(r.reason_code or "", [0, 0])
            slot[0 if r.action == "RETURN" else 1] += 1
    turnaround = tuple(
        Turnaround(level, len(v), _percentile(v, 0.5), _percentile(v, 0.9)) for level, v in hours.items()
    )
    action_order = ("APPROVE", "ESCALATE", "RETURN", "REJECT", "CONFIRM", "SEND_BACK")
    decisions = tuple(
        DecisionCount(level, action, n)
        for (level, action), n in sorted(
            by_action.items(),
            key=lambda kv: (
                kv[0][0] != "BRANCH",
                action_order.index(kv[0][1]) if kv[0][1] in action_order else 9,
            ),
        )
    )
    settings = load_settings(session)
    code_order = {r.code: n for n, r in enumerate(settings.reason_codes)}
    reasons = []
    for rc, (returned, rejected) in sorted(
        by_reason.items(), key=lambda kv: (code_order.get(kv[0], 99), kv[0])
    ):
        known = settings.reason(rc) if rc else None
        zh = known.zh if known else (rc or "未填写原因")
        en = known.en if known else (rc or "No reason code")
        reasons.append(ReasonCount(rc, zh, en, returned, rejected))

    # -- authenticity flags on the inspections submitted in the period ---------------------
    f = table(InspectionFlag).c
    in_window = and_(
        i.is_current.is_(True),
        i.submitted_at >= _midnight_utc(period.start),
        i.submitted_at < _end_utc(period.end),
    )
    counted: Any = session.execute(
        select(func.count(func.distinct(i.id)), func.count(func.distinct(f.inspection_id)))
        .select_from(table(Inspection))
        .join(table(Customer), c.customer_no == i.customer_no)
        .outerjoin(table(InspectionFlag), f.inspection_id == i.id)
        .where(in_unit, in_window)
    ).one()
    submitted, flagged = int(counted[0] or 0), int(counted[1] or 0)
    flag_rows: Any = session.execute(
        select(*group_cols, i.inspector_no, f.code, func.count(func.distinct(f.inspection_id)).label("n"))
        .select_from(table(InspectionFlag))
        .join(table(Inspection), i.id == f.inspection_id)
        .join(table(Customer), c.customer_no == i.customer_no)
        .where(in_unit, in_window)
        .group_by(*group_cols, i.inspector_no, f.code)
    ).all()
    # an inspection has one inspector and one customer, so the per-group counts add up
    per_code: dict[str, int] = {}
    per_unit_code: dict[tuple[str, str], int] = {}
    per_manager_code: dict[tuple[str, str], int] = {}
    for r in flag_rows:
        n = int(r.n)
        per_code[r.code] = per_code.get(r.code, 0) + n
        key = child_key(r)
        if key is not None:
            per_unit_code[(key, r.code)] = per_unit_code.get((key, r.code), 0) + n
        per_manager_code[(r.inspector_no, r.code)] = per_manager_code.get((r.inspector_no, r.code), 0) + n
    flag_codes = tuple(sorted(per_code.items(), key=lambda kv: (-kv[1], kv[0])))
    unit_names = {u.key: u.name for u in kids}
    flags_by_unit = tuple(
        FlagCount(code_, key, unit_names.get(key, key), n)
        for (key, code_), n in sorted(per_unit_code.items())
    )
    inspectors = _staff_names(session, {no for no, _ in per_manager_code})
    flags_by_manager = tuple(
        FlagCount(code_, no, inspectors.get(no, (no, ""))[0], n)
        for (no, code_), n in sorted(per_manager_code.items())
    )

    # -- tiers at the period's last check, per child unit, and the migration -------------
    h = table(HealthScore).c
    as_of = _last_check(session, period.end)
    previous_as_of = _last_check(session, period.previous.end)
    if previous_as_of is not None and as_of is not None and previous_as_of >= as_of:
        previous_as_of = None  # no check in this period: nothing moved that we can see
    ln = table(Loan).c
    per_child = tiers_by_child(session, as_of, group_cols, in_unit, child_key)
    tiers = tier_totals(per_child)
    unit_tiers = tuple(
        UnitTierLine(u.key, u.name, tuple((t, int(per_child.get(u.key, {}).get(t, [0])[0])) for t in TIERS))
        for u in kids
    )
    migration: tuple[TierMove, ...] = ()
    if as_of is not None and previous_as_of is not None:
        now_t = table(HealthScore)
        old = now_t.alias("old")
        rank = {t: n for n, t in enumerate(TIERS)}
        moves: Any = session.execute(
            select(old.c.tier.label("frm"), now_t.c.tier.label("to"), func.count().label("n"))
            .select_from(now_t)
            .join(old, and_(old.c.customer_no == now_t.c.customer_no, old.c.as_of == previous_as_of))
            .join(table(Customer), c.customer_no == now_t.c.customer_no)
            .where(now_t.c.as_of == as_of, in_unit)
            .group_by(old.c.tier, now_t.c.tier)
        ).all()
        migration = tuple(
            sorted(
                (TierMove(r.frm, r.to, int(r.n)) for r in moves if r.frm in rank and r.to in rank),
                key=lambda m: (rank[m.from_tier], rank[m.to_tier]),
            )
        )

    # -- the riskiest customers at that check ----------------------------------------------
    riskiest: list[RiskyCustomer] = []
    if as_of is not None:
        s_ = table(Staff).c
        b = table(Branch).c
        top: Any = session.execute(
            select(
                c.customer_no,
                c.name,
                h.tier,
                h.score,
                c.manager_no,
                s_.name.label("manager"),
                b.name.label("branch"),
            )
            .select_from(table(HealthScore))
            .join(table(Customer), c.customer_no == h.customer_no)
            .join(table(Branch), b.code == c.branch_code)
            .outerjoin(table(Staff), s_.employee_no == c.manager_no)
            .where(h.as_of == as_of, in_unit)
            .order_by(h.score.desc(), c.customer_no)
            .limit(RISKIEST)
        ).all()
        owed: dict[str, Decimal] = {}
        if top:
            owed_row: Any
            for owed_row in session.execute(
                select(ln.customer_no, func.sum(ln.balance))
                .where(ln.customer_no.in_([r.customer_no for r in top]))
                .group_by(ln.customer_no)
            ).all():
                owed[owed_row[0]] = Decimal(owed_row[1] if owed_row[1] is not None else 0)
        riskiest = [
            RiskyCustomer(
                r.customer_no,
                r.name,
                r.tier,
                float(r.score),
                owed.get(r.customer_no, Decimal(0)).quantize(Decimal("0.01")),
                r.manager_no,
                r.manager or "",
                r.branch,
            )
            for r in top
        ]

    # -- new signals by source -------------------------------------------------------------
    sig = table(RiskSignal).c
    found: dict[str, int] = {}
    sig_row: Any
    for sig_row in session.execute(
        select(sig.source, func.count())
        .join(table(Customer), c.customer_no == sig.customer_no)
        .where(
            in_unit,
            sig.detected_at >= _midnight_utc(period.start),
            sig.detected_at < _end_utc(period.end),
        )
        .group_by(sig.source)
    ).all():
        found[str(sig_row[0])] = int(sig_row[1])
    order = {s: n for n, s in enumerate(SIGNAL_SOURCES)}
    signals = tuple(sorted(found.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))

    # -- supervision orders of the unit's branches, as of today ---------------------------
    codes = tree.below(unit.branch_code)
    if scope is not None:
        codes &= set(scope)
    orders = order_counts(session, frozenset(codes), today)
    listed = order_page(
        session, scope, OrderFilter(status="OPEN", branch_code=unit.branch_code), limit=1000, today=today
    )
    open_orders = tuple(
        OrderLine(
            o.order_no,
            o.status,
            o.overdue,
            o.action,
            o.customer_no,
            o.customer_name,
            o.branch_name,
            o.assignee_name or "",
            o.due_on,
            o.created_at,
            o.instruction,
        )
        for o in sorted(listed, key=lambda o: (not o.overdue, o.due_on, o.order_no))
    )

    return SupervisionData(
        unit=unit,
        path=path,
        children=children,
        period=period,
        today=today,
        tasks=tasks,
        unit_tasks=unit_tasks,
        manager_tasks=manager_tasks,
        turnaround=turnaround,
        decisions=decisions,
        reasons=tuple(reasons),
        submitted=submitted,
        flagged=flagged,
        flag_codes=flag_codes,
        flags_by_unit=flags_by_unit,
        flags_by_manager=flags_by_manager,
        as_of=as_of,
        previous_as_of=previous_as_of,
        tiers=tiers,
        unit_tiers=unit_tiers,
        migration=migration,
        signals=signals,
        riskiest=tuple(riskiest),
        orders=orders,
        open_orders=open_orders,
    )


# -- words -------------------------------------------------------------------------------------

WORDS: dict[str, tuple[str, str]] = {
    "title": ("督导报告", "Supervision report"),
    "report_name": ("报告名称", "Report"),
    "order_action": ("督导事项", "Action"),
    "unit_period": ("{unit} · {period}", "{unit} · {period}"),
    "dates": (
        "统计期间：{start} 至 {end}；风险分层截至 {as_of}；逾期与督导令截至 {today}",
        "Period {start} to {end}; tiers as of {as_of}; overdue and orders as of {today}",
    ),
    "none": ("无", "none"),
    "s_summary": ("一、概述", "1. Summary"),
    "s_tasks": ("二、贷后检查完成情况", "2. Inspections done against due"),
    "s_managers": (
        "客户经理（按时完成率最低的 {n} 位）",
        "Client managers (the {n} with the lowest on-time rate)",
    ),
    "s_approvals": ("三、审批时效、退回与拒绝", "3. Approval turnaround, returns and rejections"),
    "s_flags": ("四、真实性预警", "4. Authenticity flags"),
    "s_flag_managers": ("预警最多的客户经理", "Client managers with the most flags"),
    "s_tiers": ("五、风险分层与迁移", "5. Risk tiers and migration"),
    "s_migration": ("分层迁移（{frm} → {to}）", "Tier migration ({frm} → {to})"),
    "s_signals": ("六、新增风险信号", "6. New risk signals"),
    "s_riskiest": ("七、风险最高的 {n} 户客户", "7. The {n} riskiest customers"),
    "s_orders": ("八、督导令", "8. Supervision orders"),
    "s_open_orders": ("未回复的督导令", "Orders not yet answered"),
    "more_rows": ("另有 {n} 行见 Excel 版。", "{n} more rows in the Excel version."),
    "unit": ("机构", "Unit"),
    "manager": ("客户经理", "Client manager"),
    "employee_no": ("工号", "Employee no."),
    "due": ("应检查", "Due"),
    "done": ("已完成", "Done"),
    "on_time": ("按时完成", "On time"),
    "rate": ("按时完成率", "On-time rate"),
    "previous_rate": ("上期按时完成率", "Previous on-time rate"),
    "overdue_now": ("当前逾期", "Overdue now"),
    "total": ("合计", "Total"),
    "others": ("其他机构", "Others"),
    "level": ("审批层级", "Level"),
    "decisions": ("决定数", "Decisions"),
    "median_h": ("用时中位数（小时）", "Median (hours)"),
    "p90_h": ("90% 分位（小时）", "90th percentile (hours)"),
    "action": ("决定", "Decision"),
    "count": ("数量", "Count"),
    "reason": ("原因", "Reason"),
    "reason_code": ("原因代码", "Reason code"),
    "returns": ("退回", "Returns"),
    "rejections": ("拒绝", "Rejections"),
    "flag": ("预警类型", "Flag"),
    "flag_code": ("预警代码", "Flag code"),
    "inspections": ("检查笔数", "Inspections"),
    "tier": ("风险分层", "Tier"),
    "customers": ("客户数", "Customers"),
    "balance": ("贷款余额（元）", "Balance (yuan)"),
    "balance_wan": ("贷款余额（万元）", "Balance (10k yuan)"),
    "from_tier": ("上期分层", "From"),
    "to_tier": ("本期分层", "To"),
    "source": ("信号来源", "Source"),
    "signals": ("新增信号", "New signals"),
    "customer_no": ("客户号", "Customer no."),
    "customer": ("客户名称", "Customer"),
    "score": ("风险分", "Score"),
    "order_no": ("督导令编号", "Order no."),
    "status": ("状态", "Status"),
    "assignee": ("责任人", "Assignee"),
    "due_on": ("期限", "Due"),
    "created_at": ("下达时间", "Issued"),
    "instruction": ("要求", "Instruction"),
    "overdue": ("逾期", "Overdue"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "open": ("未回复", "Open"),
    "answered": ("已回复待确认", "Answered"),
    "closed": ("已办结", "Closed"),
    "chart_rate": ("各机构按时完成率（%）", "On-time rate by unit (%)"),
    "chart_tiers": ("各机构客户风险分层（户）", "Customers per tier by unit"),
    "chart_signals": ("新增风险信号（按来源）", "New risk signals by source"),
    "no_data": ("本期无数据。", "No data for the period."),
    "summary_sheet": ("摘要", "Summary"),
    "period": ("报告期", "Period"),
    "period_start": ("期间开始", "Period start"),
    "period_end": ("期间结束", "Period end"),
    "viewer": ("查阅人", "Viewer"),
    "generated": ("生成时间", "Generated"),
    "narrative": ("概述", "Summary"),
    "item": ("项目", "Item"),
    "value": ("内容", "Value"),
    "submitted": ("本期提交检查", "Inspections submitted"),
    "flagged": ("其中有预警", "Of which flagged"),
    # sheet names (at most 31 characters)
    "sh_units": ("按机构完成情况", "Tasks by unit"),
    "sh_managers": ("按客户经理完成情况", "Tasks by manager"),
    "sh_turnaround": ("审批时效", "Approval turnaround"),
    "sh_decisions": ("审批决定", "Decisions"),
    "sh_reasons": ("退回与拒绝原因", "Returns and rejections"),
    "sh_flags_unit": ("预警-按机构", "Flags by unit"),
    "sh_flags_manager": ("预警-按客户经理", "Flags by manager"),
    "sh_unit_tiers": ("各机构风险分层", "Tiers by unit"),
    "sh_tiers": ("风险分层", "Tiers"),
    "sh_migration": ("分层迁移", "Tier migration"),
    "sh_signals": ("新增风险信号", "New signals"),
    "sh_riskiest": ("高风险客户", "Riskiest customers"),
    "sh_orders": ("未回复督导令", "Open orders"),
}

LEVEL_WORDS = {"BRANCH": ("分支行审批", "Branch"), "HEAD": ("总行复核", "Head office")}
ORDER_ACTION_WORDS = {
    "REINSPECT": ("重新检查", "Re-inspect"),
    "RECTIFY": ("整改", "Rectify"),
    "EXPLAIN": ("说明情况", "Explain"),
}


def _w(key: str, lang: str) -> str:
    return word(WORDS, key, lang)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


# -- the narrative -----------------------------------------------------------------------------


def narrative(data: SupervisionData, lang: str = "zh") -> list[str]:
    """A few sentences written from the figures: only what they support (no comparison
    without a previous figure, no "concentrated in" without a unit that holds the most)."""
    zh = lang == "zh"
    now = ("本季度" if data.period.quarterly else "本月") if zh else ""
    before = ("上季度" if data.period.quarterly else "上月") if zh else ""
    span = "this quarter" if data.period.quarterly else "this month"
    last_span = "last quarter" if data.period.quarterly else "last month"
    name = data.unit.name
    t = data.tasks
    out: list[str] = []

    # tasks and on-time rate
    if t.due == 0:
        out.append(
            f"{name}{now}无到期的贷后检查任务。" if zh else f"{name} had no post-loan checks due {span}."
        )
    else:
        rate = t.rate or 0.0
        if zh:
            text = f"{name}{now}应完成贷后检查 {t.due} 笔，已完成 {t.done} 笔，按时完成 {t.on_time} 笔，按时完成率 {rate * 100:.0f}%"
        else:
            text = (
                f"{name} had {t.due} post-loan checks due {span}: {t.done} done, {t.on_time} on time, "
                f"an on-time rate of {rate * 100:.0f}%"
            )
        prev = t.previous_rate
        if prev is not None:
            diff = round(rate * 100) - round(prev * 100)
            if diff == 0:
                text += f"，与{before}持平" if zh else f", the same as {last_span}"
            elif zh:
                text += f"，较{before}{'上升' if diff > 0 else '下降'} {abs(diff)} 个百分点"
            else:
                text += f", {abs(diff)} points {'up' if diff > 0 else 'down'} on {last_span}"
        out.append(text + ("。" if zh else "."))

    # overdue now, and where
    if t.overdue_now == 0:
        out.append("目前无逾期未完成的检查任务。" if zh else "No check is overdue now.")
    else:
        text = (
            f"截至 {data.today:%Y-%m-%d} 逾期未完成任务 {t.overdue_now} 笔"
            if zh
            else f"{t.overdue_now} checks are overdue as of {data.today:%Y-%m-%d}"
        )
        ranked = sorted((u for u in data.unit_tasks if u.overdue_now), key=lambda u: -u.overdue_now)
        if (
            len(data.unit_tasks) > 1
            and ranked
            and (len(ranked) == 1 or ranked[0].overdue_now > ranked[1].overdue_now)
        ):
            top = ranked[0]
            if zh:
                where = "集中在" if top.overdue_now * 2 >= t.overdue_now else "最多的是"
                text += f"，{where}{top.name}（{top.overdue_now} 笔）"
            else:
                text += f", most of them at {top.name} ({top.overdue_now})"
        out.append(text + ("。" if zh else "."))

    # approvals
    total_decisions = sum(x.decisions for x in data.turnaround)
    if total_decisions == 0:
        out.append(f"{now}无审批决定。" if zh else f"No approval decisions were taken {span}.")
    else:
        branch = next((x for x in data.turnaround if x.level == "BRANCH" and x.decisions), None)
        if zh:
            text = f"{now}审批决定 {total_decisions} 项"
            if branch is not None and branch.median_hours is not None:
                text += f"，分支行审批用时中位数 {branch.median_hours:.1f} 小时"
        else:
            text = f"{total_decisions} approval decisions were taken {span}"
            if branch is not None and branch.median_hours is not None:
                text += f"; the branch decision took a median {branch.median_hours:.1f} hours"
        if data.returns or data.rejections:
            top_reason = max(data.reasons, key=lambda r: (r.returns + r.rejections, -len(r.code)))
            n = top_reason.returns + top_reason.rejections
            if zh:
                text += f"；退回 {data.returns} 笔、拒绝 {data.rejections} 笔，最常见原因为“{top_reason.zh}”（{n} 笔）"
            else:
                text += (
                    f"; {data.returns} returned and {data.rejections} rejected, most often for "
                    f"“{top_reason.en}” ({n})"
                )
        else:
            text += "，无退回或拒绝" if zh else ", none returned or rejected"
        out.append(text + ("。" if zh else "."))

    # authenticity flags
    if data.submitted == 0:
        out.append(f"{now}无新提交的检查。" if zh else f"No inspections were submitted {span}.")
    elif data.flagged == 0:
        out.append(
            f"{now}提交检查 {data.submitted} 笔，均无真实性预警。"
            if zh
            else f"{data.submitted} inspections were submitted {span}, none with an authenticity flag."
        )
    else:
        code, n = data.flag_codes[0]
        share = data.flagged / data.submitted
        out.append(
            f"{now}提交检查 {data.submitted} 笔，其中 {data.flagged} 笔（{share * 100:.0f}%）有真实性预警，"
            f"最多的是“{word(FLAG_WORDS, code, lang)}”（{n} 笔）。"
            if zh
            else f"{data.flagged} of {data.submitted} inspections submitted {span} ({share * 100:.0f}%) carry an "
            f"authenticity flag, most often “{word(FLAG_WORDS, code, lang)}” ({n})."
        )

    # tiers
    counts = {x.tier: x.customers for x in data.tiers}
    if data.as_of is None or not sum(counts.values()):
        out.append("本期无风险分层结果。" if zh else "No risk tiers were scored for the period.")
    else:
        rank = {tr: n for n, tr in enumerate(TIERS)}
        worse = sum(m.customers for m in data.migration if rank[m.to_tier] > rank[m.from_tier])
        into_high = sum(
            m.customers
            for m in data.migration
            if m.to_tier in ("ORANGE", "RED") and rank[m.to_tier] > rank[m.from_tier]
        )
        if zh:
            text = f"截至 {data.as_of:%Y-%m-%d}，红色客户 {counts['RED']} 户、橙色客户 {counts['ORANGE']} 户"
            if data.previous_as_of is not None:
                text += f"；与 {data.previous_as_of:%Y-%m-%d} 相比，分层上升 {worse} 户，其中新进入橙色或红色 {into_high} 户"
        else:
            text = f"As of {data.as_of:%Y-%m-%d} there are {counts['RED']} red and {counts['ORANGE']} orange customers"
            if data.previous_as_of is not None:
                text += (
                    f"; since {data.previous_as_of:%Y-%m-%d}, {worse} moved to a riskier tier, "
                    f"{into_high} of them into orange or red"
                )
        out.append(text + ("。" if zh else "."))

    # signals
    total_signals = sum(n for _s, n in data.signals)
    if total_signals == 0:
        out.append(f"{now}无新增风险信号。" if zh else f"No new risk signals {span}.")
    else:
        src, n = max(data.signals, key=lambda kv: kv[1])
        out.append(
            f"{now}新增风险信号 {total_signals} 条，最多来自{word(SOURCE_WORDS, src, lang)}（{n} 条）。"
            if zh
            else f"{total_signals} new risk signals {span}, most from {word(SOURCE_WORDS, src, lang)} ({n})."
        )

    # orders
    o = data.orders
    if o.open + o.answered + o.closed == 0:
        out.append("无督导令。" if zh else "No supervision orders.")
    elif zh:
        text = f"督导令未回复 {o.open} 件"
        text += f"（其中逾期 {o.overdue} 件）" if o.overdue else ""
        out.append(text + f"，已回复待确认 {o.answered} 件，已办结 {o.closed} 件。")
    else:
        text = f"Supervision orders: {o.open} not yet answered"
        text += f" ({o.overdue} overdue)" if o.overdue else ""
        out.append(text + f", {o.answered} answered awaiting head office, {o.closed} closed.")
    return out


# -- the PDF -----------------------------------------------------------------------------------


def _chart_title(text: str, width: float, y: float) -> Any:
    from reportlab.graphics.shapes import String
    from reportlab.lib import colors

    from data.reports.common import report_font

    return String(0, y, text, fontName=report_font().name, fontSize=9, fillColor=colors.HexColor("#1f3b57"))


def _hbar_chart(
    title: str, labels: Sequence[str], values: Sequence[float], *, percent: bool, colour: str
) -> Any:
    """A horizontal bar chart (vector): one bar a label, the value written at its end."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    from data.reports.common import content_width, report_font

    font = report_font().name
    width = content_width()
    row = 15.0
    plot_h = row * max(1, len(labels))
    height = plot_h + 34
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    longest = max((len(s) for s in labels), default=2)
    chart.x = min(150.0, 14 + 8.5 * longest)
    chart.y = 14
    chart.width = width - chart.x - 40
    chart.height = plot_h
    # the first label at the top, as a table reads
    chart.data = [list(reversed([float(v) for v in values])) or [0.0]]
    chart.categoryAxis.categoryNames = list(reversed(list(labels))) or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max((float(v) for v in values), default=0.0)
    if percent:
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 20
    else:
        chart.valueAxis.valueMax = max(1.0, top * 1.1)
    chart.bars[0].fillColor = colors.HexColor(colour)
    chart.bars[0].strokeColor = None
    chart.barWidth = 9
    chart.groupSpacing = 6
    chart.barLabelFormat = (lambda v: f"{v:.0f}%") if percent else (lambda v: f"{v:.0f}")
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    drawing.add(_chart_title(title, width, height - 12))
    return drawing


def _stacked_tiers_chart(title: str, lines: Sequence[UnitTierLine], lang: str) -> Any:
    """Customers per tier, a stacked bar per unit, in the tier colours, with a legend."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    from data.reports.common import content_width, report_font

    font = report_font().name
    width = content_width()
    many = len(lines) > 8
    longest = max((len(x.name) for x in lines), default=2)
    label_room = 8.0 * min(longest, 10) * (0.6 if many else 0.0) + 16
    height = 150 + label_room
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x = 40
    chart.y = label_room
    chart.width = width - 40 - 75
    chart.height = height - label_room - 30
    chart.data = [[dict(x.counts)[t] for x in lines] or [0] for t in TIERS]
    chart.categoryAxis.categoryNames = [x.name for x in lines] or [""]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7.5
    if many:
        chart.categoryAxis.labels.angle = 35
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.labels.dx = 4
    else:
        chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -3
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    for n, t in enumerate(TIERS):
        chart.bars[n].fillColor = colors.HexColor(TIER_COLOURS[t])
        chart.bars[n].strokeColor = None
    chart.barWidth = 10
    drawing.add(chart)
    legend = Legend()
    legend.x = width - 58
    legend.y = height - 30
    legend.columnMaximum = len(TIERS)
    legend.deltay = 12
    legend.fontName = font
    legend.fontSize = 8
    legend.colorNamePairs = [
        (colors.HexColor(TIER_COLOURS[t]), word(TIER_WORDS, t, lang)) for t in reversed(TIERS)
    ]
    drawing.add(legend)
    drawing.add(_chart_title(title, width, height - 12))
    return drawing


def _together(*args: Any, **kwargs: Any) -> Any:
    """A short table kept on one page."""
    from reportlab.platypus import KeepTogether

    from data.reports.common import table

    return KeepTogether([table(*args, **kwargs)])


def _int(n: int) -> str:
    return f"{n:,}"


def render_supervision_pdf(
    data: SupervisionData, out: Path | Any, *, viewer: Viewer, document_no: str, lang: str = "zh"
) -> int:
    """The report as an A4 PDF (text, tables, vector charts); returns the page count."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    from data.reports.common import build_pdf, content_width, para, styles, table

    s = styles()
    w = content_width()
    title = _w("title", lang)
    story: list[Any] = [
        para(title, s.title),
        para(_w("unit_period", lang).format(unit=data.unit.name, period=data.period.words(lang)), s.h2),
        para(
            _w("dates", lang).format(
                start=data.period.start, end=data.period.end, as_of=data.as_of or "—", today=data.today
            ),
            s.small,
        ),
        Spacer(1, 2 * mm),
        para(_w("s_summary", lang), s.h1),
    ]
    story.extend(para(sentence, s.body) for sentence in narrative(data, lang))

    def section(key: str, **kw: Any) -> None:
        story.append(CondPageBreak(40 * mm))
        story.append(para(_w(key, lang).format(**kw), s.h1))

    def sub(key: str, **kw: Any) -> None:
        story.append(CondPageBreak(25 * mm))
        story.append(para(_w(key, lang).format(**kw), s.h2))

    def more(n: int) -> None:
        if n > 0:
            story.append(para(_w("more_rows", lang).format(n=n), s.small))

    # tasks
    section("s_tasks")
    rated = [u for u in data.unit_tasks if u.due]
    if rated:
        story.append(
            _hbar_chart(
                _w("chart_rate", lang),
                [u.name for u in rated],
                [(u.rate or 0.0) * 100 for u in rated],
                percent=True,
                colour="#1e88e5",
            )
        )
    task_header = [
        _w(k, lang) for k in ("unit", "due", "done", "on_time", "rate", "previous_rate", "overdue_now")
    ]
    rows = [
        [
            u.name,
            _int(u.due),
            _int(u.done),
            _int(u.on_time),
            _pct(u.rate),
            _pct(u.previous_rate),
            _int(u.overdue_now),
        ]
        for u in (*data.unit_tasks, data.tasks)
    ]
    rows[-1][0] = _w("total", lang)
    story.append(
        table(
            task_header,
            rows,
            [w * 0.28] + [w * 0.12] * 6,
            numeric=range(1, 7),
            highlight=lambda n: (
                n < len(data.unit_tasks)
                and data.unit_tasks[n].rate is not None
                and (data.unit_tasks[n].rate or 0) < 0.8
            ),
        )
    )
    if data.manager_tasks:
        shown = data.manager_tasks[:PDF_MANAGERS]
        sub("s_managers", n=len(shown))
        story.append(
            table(
                [
                    _w(k, lang)
                    for k in ("manager", "employee_no", "unit", "due", "on_time", "rate", "overdue_now")
                ],
                [
                    [
                        m.name,
                        m.key,
                        m.unit_name,
                        _int(m.due),
                        _int(m.on_time),
                        _pct(m.rate),
                        _int(m.overdue_now),
                    ]
                    for m in shown
                ],
                [w * 0.14, w * 0.13, w * 0.25, w * 0.12, w * 0.12, w * 0.12, w * 0.12],
                numeric=range(3, 7),
            )
        )
        more(len(data.manager_tasks) - len(shown))

    # approvals
    section("s_approvals")
    story.append(
        table(
            [_w(k, lang) for k in ("level", "decisions", "median_h", "p90_h")],
            [
                [
                    word(LEVEL_WORDS, x.level, lang),
                    _int(x.decisions),
                    _hours(x.median_hours),
                    _hours(x.p90_hours),
                ]
                for x in data.turnaround
            ],
            [w * 0.34, w * 0.22, w * 0.22, w * 0.22],
            numeric=range(1, 4),
        )
    )
    if data.decisions:
        story.append(Spacer(1, 2 * mm))
        story.append(
            _together(
                [_w("level", lang), _w("action", lang), _w("count", lang)],
                [
                    [word(LEVEL_WORDS, x.level, lang), word(ACTION_WORDS, x.action, lang), _int(x.count)]
                    for x in data.decisions
                ],
                [w * 0.34, w * 0.44, w * 0.22],
                numeric=[2],
            )
        )
    if data.reasons:
        story.append(Spacer(1, 2 * mm))
        story.append(
            _together(
                [_w("reason", lang), _w("reason_code", lang), _w("returns", lang), _w("rejections", lang)],
                [
                    [r.zh if lang == "zh" else r.en, r.code or "—", _int(r.returns), _int(r.rejections)]
                    for r in data.reasons
                ],
                [w * 0.44, w * 0.2, w * 0.18, w * 0.18],
                numeric=[2, 3],
            )
        )

    # flags
    section("s_flags")
    story.append(
        para(
            f"{_w('submitted', lang)}：{_int(data.submitted)}；{_w('flagged', lang)}：{_int(data.flagged)}",
            s.body,
        )
    )
    if data.flag_codes:
        cell: dict[tuple[str, str], int] = {(f.key, f.code): f.inspections for f in data.flags_by_unit}
        per_unit: dict[str, int] = {}
        for f in data.flags_by_unit:
            per_unit[f.key] = per_unit.get(f.key, 0) + f.inspections
        units = [u for u in data.children or (data.unit,) if per_unit.get(u.key)]
        # at most eight columns of units: the most flagged, the rest summed as "others"
        ranked_units = sorted(units, key=lambda u: -per_unit[u.key])
        shown_units = units if len(units) <= 8 else [u for u in units if u in ranked_units[:7]]
        others = [u for u in units if u not in shown_units]
        header = [
            _w("flag", lang),
            *[u.name for u in shown_units],
            *([_w("others", lang)] if others else []),
            _w("total", lang),
        ]
        body = [
            [
                word(FLAG_WORDS, code, lang),
                *[_int(cell.get((u.key, code), 0)) for u in shown_units],
                *([_int(sum(cell.get((u.key, code), 0) for u in others))] if others else []),
                _int(n),
            ]
            for code, n in data.flag_codes
        ]
        first = w * 0.26
        rest = (w - first) / (len(header) - 1)
        story.append(table(header, body, [first] + [rest] * (len(header) - 1), numeric=range(1, len(header))))
        per_manager: dict[str, list[Any]] = {}
        for f in data.flags_by_manager:
            slot = per_manager.setdefault(f.key, [f.name, 0, "", 0])
            slot[1] += f.inspections
            if f.inspections > slot[3]:
                slot[2], slot[3] = f.code, f.inspections
        ranked = sorted(per_manager.items(), key=lambda kv: (-kv[1][1], kv[0]))
        if ranked:
            sub("s_flag_managers")
            story.append(
                table(
                    [_w("manager", lang), _w("employee_no", lang), _w("inspections", lang), _w("flag", lang)],
                    [
                        [v[0], no, _int(v[1]), f"{word(FLAG_WORDS, v[2], lang)}（{v[3]}）"]
                        for no, v in ranked[:PDF_MANAGERS]
                    ],
                    [w * 0.2, w * 0.18, w * 0.18, w * 0.44],
                    numeric=[2],
                )
            )
            more(len(ranked) - PDF_MANAGERS)

    # tiers
    section("s_tiers")
    if data.as_of is None:
        story.append(para(_w("no_data", lang), s.body))
    else:
        if len(data.unit_tiers) > 1:
            story.append(_stacked_tiers_chart(_w("chart_tiers", lang), data.unit_tiers, lang))
        story.append(
            _together(
                [_w("tier", lang), _w("customers", lang), _w("balance_wan", lang)],
                [
                    [word(TIER_WORDS, x.tier, lang), _int(x.customers), f"{x.balance / 10000:,.2f}"]
                    for x in data.tiers
                ],
                [w * 0.34, w * 0.33, w * 0.33],
                numeric=[1, 2],
            )
        )
        if data.migration and data.previous_as_of is not None:
            moves = {(m.from_tier, m.to_tier): m.customers for m in data.migration}
            story.append(CondPageBreak(45 * mm))
            story.append(para(_w("s_migration", lang).format(frm=data.previous_as_of, to=data.as_of), s.h2))
            story.append(
                table(
                    [
                        f"{_w('from_tier', lang)} \\ {_w('to_tier', lang)}",
                        *[word(TIER_WORDS, t, lang) for t in TIERS],
                    ],
                    [
                        [word(TIER_WORDS, a, lang), *[_int(moves.get((a, b), 0)) for b in TIERS]]
                        for a in TIERS
                    ],
                    [w * 0.25] + [w * 0.15] * 5,
                    numeric=range(1, 6),
                )
            )

    # signals
    section("s_signals")
    if data.signals:
        story.append(
            _hbar_chart(
                _w("chart_signals", lang),
                [word(SOURCE_WORDS, src, lang) for src, _n in data.signals],
                [n for _src, n in data.signals],
                percent=False,
                colour="#ef6c00",
            )
        )
    else:
        story.append(para(_w("no_data", lang), s.body))

    # the riskiest customers
    section("s_riskiest", n=RISKIEST)
    if data.riskiest:
        story.append(
            _together(
                [_w(k, lang) for k in ("customer", "tier", "score", "balance_wan", "manager", "unit")],
                [
                    [
                        r.name,
                        word(TIER_WORDS, r.tier, lang),
                        f"{r.score:.1f}",
                        f"{r.balance / 10000:,.2f}",
                        r.manager_name,
                        r.branch_name,
                    ]
                    for r in data.riskiest
                ],
                [w * 0.32, w * 0.09, w * 0.1, w * 0.15, w * 0.12, w * 0.22],
                numeric=[2, 3],
                highlight=lambda n: data.riskiest[n].tier == "RED",
            )
        )
    else:
        story.append(para(_w("no_data", lang), s.body))

    # orders
    o = data.orders
    block: list[Any] = [
        para(_w("s_orders", lang), s.h1),
        table(
            [_w(k, lang) for k in ("open", "overdue", "answered", "closed")],
            [[_int(o.open), _int(o.overdue), _int(o.answered), _int(o.closed)]],
            [w * 0.25] * 4,
            numeric=range(4),
        ),
    ]
    story.append(KeepTogether(block))
    if data.open_orders:
        shown_orders = data.open_orders[:PDF_ORDERS]
        sub("s_open_orders")
        story.append(
            table(
                [_w(k, lang) for k in ("order_no", "customer", "unit", "assignee", "due_on", "overdue")],
                [
                    [
                        x.order_no,
                        x.customer_name,
                        x.branch_name,
                        x.assignee_name or "—",
                        f"{x.due_on:%Y-%m-%d}",
                        _w("yes" if x.overdue else "no", lang),
                    ]
                    for x in shown_orders
                ],
                [w * 0.2, w * 0.3, w * 0.18, w * 0.11, w * 0.13, w * 0.08],
                highlight=lambda n: shown_orders[n].overdue,
            )
        )
        more(len(data.open_orders) - len(shown_orders))

    return build_pdf(
        out,
        story,
        title=f"{title} · {data.unit.name} · {data.period.words(lang)}",
        document_no=document_no,
        viewer=viewer,
        lang=lang,
    )


# -- the workbook ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return csv_safe("" if value is None else str(value))


def _naive_beijing(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(CST).replace(tzinfo=None)


def _header_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a header/footer code


def write_supervision_xlsx(
    data: SupervisionData, out: Path | Any, *, viewer: Viewer, lang: str = "zh"
) -> int:
    """The report as an Excel workbook: a summary sheet, then one sheet a table, header
    row frozen, numbers as numbers (rates with a % format), dates as dates, every text cell
    escaped against formula injection; the viewer's mark in every sheet's header and
    footer. Returns the number of sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    zh = lang == "zh"
    mark = word(
        {"m": ("{name}（{employee_no}）{time} 查阅", "Viewed by {name} ({employee_no}) at {time}")}, "m", lang
    ).format(name=viewer.name, employee_no=viewer.employee_no, time=local_time(viewer.at))
    title = _w("title", lang)
    wb = Workbook()
    wb.properties.title = f"{title} {data.unit.name} {data.period.label}"
    wb.properties.creator = f"LoanSight · {viewer.name} ({viewer.employee_no})"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E3EAF2")
    PCT, INT, DEC, DATE, TIME = "0.0%", "#,##0", "#,##0.00", "yyyy-mm-dd", "yyyy-mm-dd hh:mm"

    def sheet(
        name_key: str, columns: Sequence[tuple[str, str | None, float]], rows: Sequence[Sequence[Any]]
    ) -> None:
        """columns: (word key, number format or None for text, width)."""
        ws = wb.create_sheet(_w(name_key, lang)[:31])
        ws.append(
            [_w(key, lang) if key in WORDS else word(TIER_WORDS, key, lang) for key, _fmt, _wd in columns]
        )
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
        for row in rows:
            ws.append([_text(v) if isinstance(v, str) else v for v in row])
        for n, (_key, fmt, width) in enumerate(columns, start=1):
            letter = get_column_letter(n)
            ws.column_dimensions[letter].width = width
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=n, max_col=n):
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
        ws.oddHeader.center.text = _header_text(f"{title} · {data.unit.name} · {data.period.words(lang)}")
        ws.oddFooter.left.text = _header_text(mark)
        ws.oddFooter.right.text = "&P / &N"

    # the summary sheet first
    ws = wb.active
    assert ws is not None
    ws.title = _w("summary_sheet", lang)
    summary: list[tuple[str, Any]] = [
        (_w("report_name", lang), title),
        (_w("unit", lang), data.unit.name),
        (_w("period", lang), data.period.words(lang)),
        (_w("period_start", lang), data.period.start),
        (_w("period_end", lang), data.period.end),
        (
            _w("viewer", lang),
            f"{viewer.name}（{viewer.employee_no}）" if zh else f"{viewer.name} ({viewer.employee_no})",
        ),
        (_w("generated", lang), _naive_beijing(viewer.at).replace(microsecond=0)),
    ]
    ws.append([_w("item", lang), _w("value", lang)])
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
    for key, value in summary:
        ws.append([_text(key), _text(value) if isinstance(value, str) else value])
    for sentence in narrative(data, lang):
        ws.append([_text(_w("narrative", lang)), _text(sentence)])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = TIME
            elif isinstance(cell.value, dt.date):
                cell.number_format = DATE
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 100
    ws.freeze_panes = "A2"
    ws.oddHeader.center.text = _header_text(f"{title} · {data.unit.name} · {data.period.words(lang)}")
    ws.oddFooter.left.text = _header_text(mark)
    ws.oddFooter.right.text = "&P / &N"

    task_cols: list[tuple[str, str | None, float]] = [
        ("unit", None, 22),
        ("due", INT, 10),
        ("done", INT, 10),
        ("on_time", INT, 10),
        ("rate", PCT, 12),
        ("previous_rate", PCT, 14),
        ("overdue_now", INT, 10),
    ]
    sheet(
        "sh_units",
        task_cols,
        [[u.name, u.due, u.done, u.on_time, u.rate, u.previous_rate, u.overdue_now] for u in data.unit_tasks]
        + [
            [
                _w("total", lang),
                data.tasks.due,
                data.tasks.done,
                data.tasks.on_time,
                data.tasks.rate,
                data.tasks.previous_rate,
                data.tasks.overdue_now,
            ]
        ],
    )
    sheet(
        "sh_managers",
        [("manager", None, 12), ("employee_no", None, 12), ("unit", None, 20), *task_cols[1:]],
        [
            [m.name, m.key, m.unit_name, m.due, m.done, m.on_time, m.rate, m.previous_rate, m.overdue_now]
            for m in data.manager_tasks
        ],
    )
    sheet(
        "sh_turnaround",
        [("level", None, 14), ("decisions", INT, 10), ("median_h", DEC, 18), ("p90_h", DEC, 18)],
        [
            [word(LEVEL_WORDS, x.level, lang), x.decisions, x.median_hours, x.p90_hours]
            for x in data.turnaround
        ],
    )
    sheet(
        "sh_decisions",
        [("level", None, 14), ("action", None, 16), ("count", INT, 10)],
        [
            [word(LEVEL_WORDS, x.level, lang), word(ACTION_WORDS, x.action, lang), x.count]
            for x in data.decisions
        ],
    )
    sheet(
        "sh_reasons",
        [("reason", None, 26), ("reason_code", None, 14), ("returns", INT, 10), ("rejections", INT, 10)],
        [[r.zh if zh else r.en, r.code, r.returns, r.rejections] for r in data.reasons],
    )
    unit_names = {u.key: u.name for u in (*data.children, data.unit)}
    sheet(
        "sh_flags_unit",
        [("unit", None, 22), ("flag", None, 24), ("flag_code", None, 24), ("inspections", INT, 12)],
        [
            [unit_names.get(f.key, f.key), word(FLAG_WORDS, f.code, lang), f.code, f.inspections]
            for f in data.flags_by_unit
        ],
    )
    sheet(
        "sh_flags_manager",
        [
            ("manager", None, 12),
            ("employee_no", None, 12),
            ("flag", None, 24),
            ("flag_code", None, 24),
            ("inspections", INT, 12),
        ],
        [
            [f.name, f.key, word(FLAG_WORDS, f.code, lang), f.code, f.inspections]
            for f in data.flags_by_manager
        ],
    )
    sheet(
        "sh_unit_tiers",
        [("unit", None, 22), *[(t, INT, 10) for t in TIERS]],
        [[x.name, *[n for _t, n in x.counts]] for x in data.unit_tiers],
    )
    sheet(
        "sh_tiers",
        [("tier", None, 10), ("customers", INT, 10), ("balance", DEC, 18)],
        [[word(TIER_WORDS, x.tier, lang), x.customers, float(x.balance)] for x in data.tiers],
    )
    sheet(
        "sh_migration",
        [("from_tier", None, 12), ("to_tier", None, 12), ("customers", INT, 10)],
        [
            [word(TIER_WORDS, m.from_tier, lang), word(TIER_WORDS, m.to_tier, lang), m.customers]
            for m in data.migration
        ],
    )
    sheet(
        "sh_signals",
        [("source", None, 18), ("signals", INT, 12)],
        [[word(SOURCE_WORDS, src, lang), n] for src, n in data.signals],
    )
    sheet(
        "sh_riskiest",
        [
            ("customer_no", None, 14),
            ("customer", None, 34),
            ("tier", None, 8),
            ("score", DEC, 10),
            ("balance", DEC, 18),
            ("manager", None, 12),
            ("employee_no", None, 12),
            ("unit", None, 20),
        ],
        [
            [
                r.customer_no,
                r.name,
                word(TIER_WORDS, r.tier, lang),
                r.score,
                float(r.balance),
                r.manager_name,
                r.manager_no,
                r.branch_name,
            ]
            for r in data.riskiest
        ],
    )
    sheet(
        "sh_orders",
        [
            ("order_no", None, 20),
            ("status", None, 10),
            ("overdue", None, 8),
            ("order_action", None, 12),
            ("customer_no", None, 14),
            ("customer", None, 30),
            ("unit", None, 18),
            ("assignee", None, 12),
            ("due_on", DATE, 12),
            ("created_at", TIME, 17),
            ("instruction", None, 50),
        ],
        [
            [
                x.order_no,
                _w("open", lang),
                _w("yes" if x.overdue else "no", lang),
                word(ORDER_ACTION_WORDS, x.action, lang),
                x.customer_no,
                x.customer_name,
                x.branch_name,
                x.assignee_name or "—",
                x.due_on,
                _naive_beijing(x.created_at),
                x.instruction,
            ]
            for x in data.open_orders
        ],
    )
    wb.save(out)
    return len(wb.worksheets)


# -- issuing -----------------------------------------------------------------------------------


def make_supervision_report(
    db: Database,
    user: UserSession,
    unit_code: str,
    period_text: str,
    file_format: str = "pdf",
    *,
    lang: str = "zh",
    issue: bool = True,
    today: dt.date | None = None,
) -> tuple[str, bytes, int]:
    """Read the figures, render the report and (``issue``) store it with its hash, audited,
    in a write transaction. Returns (report number, bytes, pages or sheets). The number
    (printed on the pages) needs no read: ``store.next_report_no`` makes it from the time
    and random digits."""
    from data.reports import store

    if file_format not in ("pdf", "xlsx"):
        raise ValueError(f"bad report format {file_format!r}: expected pdf or xlsx")
    if issue and user.read_only:
        raise ReportRefused(user.role)
    period = parse_period(period_text)
    with db.read_session() as s:
        data = supervision_data(s, user.scope, unit_code, period, today=today)
        at = dt.datetime.now(dt.UTC)
        report_no = store.next_report_no(s, "SUPERVISION", at)
    viewer = Viewer(user.name, user.employee_no, at)

    def render(number: str) -> tuple[bytes, int]:
        buffer = io.BytesIO()
        if file_format == "pdf":
            count = render_supervision_pdf(data, buffer, viewer=viewer, document_no=number, lang=lang)
        else:
            count = write_supervision_xlsx(data, buffer, viewer=viewer, lang=lang)
        return buffer.getvalue(), count

    content, count = render(report_no)
    if not issue:
        return report_no, content, count
    with db.write_session() as s:
        store.issue(
            s,
            user.employee_no,
            report_no=report_no,
            kind="SUPERVISION",
            file_format=file_format,
            title=f"{_w('title', lang)} · {data.unit.name} · {data.period.words(lang)}",
            branch_code=data.unit.branch_code,
            content=content,
            period=period.label,
            pages=count,
            params={
                "unit": data.unit.branch_code,
                "period": period.label,
                "format": file_format,
                "lang": lang,
            },
        )
    return report_no, content, count
