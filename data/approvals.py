"""The approval workflow on the database: settings, decisions (one at a time, audited in
their transaction), the queues, and what changed in a resubmission.

Rules live in :mod:`data.rules.approval`; this module reads what they need, applies them
and writes. Writes run in the caller's transaction (``db.write_session()``) and audit
themselves in it.

Two approvers acting on the same revision at once: each decision names the state version
the approver saw; the UPDATE only moves the revision from that version, and the decision
row's (revision, version) is unique, so exactly one decision is taken and the other gets
:class:`DecisionConflict` saying who decided, when and what.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from data import audit
from data.customers import _after, _branch_codes, _like
from data.models import (
    AppSetting,
    Branch,
    Customer,
    HealthScore,
    Inspection,
    InspectionDecision,
    InspectionFlag,
    PostLoanTask,
    Staff,
)
from data.rules import approval as rules
from data.rules.approval import ApprovalSettings, Case, Decider, DecisionRefused, ReasonCode
from data.rules.health import TIERS

SETTINGS_KEY = "approval"
PAGE_SIZE = 200
Scope = frozenset[str] | None

__all__ = ["DecisionRefused"]


# -- settings ----------------------------------------------------------------------------------


def settings_from_json(text: str | None) -> ApprovalSettings:
    """The settings stored as JSON; missing keys take their defaults. A malformed value
    raises ``ValueError`` naming the field."""
    if not text:
        return ApprovalSettings()
    base = ApprovalSettings()
    try:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise TypeError("not a JSON object")
        codes = (
            tuple(ReasonCode(str(r["code"]), str(r["zh"]), str(r["en"])) for r in raw.get("reason_codes", []))
            or base.reason_codes
        )
        return ApprovalSettings(
            branch_days=int(raw.get("branch_days", base.branch_days)),
            head_days=int(raw.get("head_days", base.head_days)),
            sample_rate=float(raw.get("sample_rate", base.sample_rate)),
            sample_seed=str(raw.get("sample_seed", base.sample_seed)),
            reason_codes=codes,
            holidays=frozenset(dt.date.fromisoformat(d) for d in raw.get("holidays", [])),
            workdays=frozenset(dt.date.fromisoformat(d) for d in raw.get("workdays", [])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"approval settings: {exc}") from exc


def settings_to_json(settings: ApprovalSettings) -> str:
    return audit.canonical_json(
        {
            "branch_days": settings.branch_days,
            "head_days": settings.head_days,
            "sample_rate": settings.sample_rate,
            "sample_seed": settings.sample_seed,
            "reason_codes": [asdict(r) for r in settings.reason_codes],
            "holidays": sorted(d.isoformat() for d in settings.holidays),
            "workdays": sorted(d.isoformat() for d in settings.workdays),
        }
    )


def load_settings(session: Session) -> ApprovalSettings:
    return settings_from_json(
        session.execute(select(AppSetting.value).where(AppSetting.key == SETTINGS_KEY)).scalar_one_or_none()
    )


class BadSettings(ValueError):
    code = "BAD_APPROVAL_SETTINGS"


def save_settings(session: Session, settings: ApprovalSettings, actor: str) -> None:
    """Store the workflow settings (audited with the old and new values)."""
    if settings.branch_days < 0 or settings.head_days < 0:
        raise BadSettings("days")
    if not 0 <= settings.sample_rate <= 1:
        raise BadSettings("sample_rate")
    if not settings.reason_codes or len({r.code for r in settings.reason_codes}) != len(
        settings.reason_codes
    ):
        raise BadSettings("reason_codes")
    row = session.get(AppSetting, SETTINGS_KEY)
    old = row.value if row is not None else None
    new = settings_to_json(settings)
    if row is None:
        session.add(AppSetting(key=SETTINGS_KEY, value=new))
    else:
        row.value = new
    session.flush()
    audit.append(
        session,
        actor,
        "SET_APPROVAL_SETTINGS",
        "app_setting",
        SETTINGS_KEY,
        {"old": json.loads(old) if old else None, "new": json.loads(new)},
    )


# -- deciding ----------------------------------------------------------------------------------


class DecisionConflict(RuntimeError):
    """Someone else decided first: who, when, what, and the state it is in now."""

    code = "DECISION_CONFLICT"

    def __init__(
        self, inspection_id: int, actor: str, actor_name: str, at: dt.datetime | None, action: str, state: str
    ) -> None:
        super().__init__(inspection_id, actor, at, action, state)
        self.inspection_id = inspection_id
        self.actor = actor
        self.actor_name = actor_name
        self.at = at
        self.action = action
        self.state = state


class UnknownInspection(LookupError):
    code = "UNKNOWN_INSPECTION"


class NotCurrent(ValueError):
    """A newer revision superseded this one: decide on that."""

    code = "NOT_CURRENT_REVISION"


@dataclass(frozen=True)
class DecisionResult:
    inspection_id: int
    action: str
    from_state: str
    to_state: str
    version: int  # the revision's state version now
    review_reasons: tuple[str, ...]


def decider_for(user: Any) -> Decider:
    """The rules' view of a logged-in user (``data.auth.UserSession``)."""
    return Decider(user.employee_no, user.role, user.scope)


def _case_row(session: Session, inspection_id: int) -> Any:
    return session.execute(
        select(
            Inspection.id,
            Inspection.bundle_id,
            Inspection.revision,
            Inspection.is_current,
            Inspection.state,
            Inspection.state_version,
            Inspection.submitted_at,
            Inspection.inspector_no,
            Inspection.companion_no,
            Inspection.customer_no,
            Customer.branch_code,
            Customer.manager_no,
        )
        .join(Customer, Customer.customer_no == Inspection.customer_no)
        .where(Inspection.id == inspection_id)
    ).one_or_none()


def _conflict(session: Session, inspection_id: int) -> DecisionConflict:
    last = session.execute(
        select(InspectionDecision, Staff.name, Inspection.state)
        .join(Staff, Staff.employee_no == InspectionDecision.actor)
        .join(Inspection, Inspection.id == InspectionDecision.inspection_id)
        .where(InspectionDecision.inspection_id == inspection_id)
        .order_by(InspectionDecision.from_version.desc())
        .limit(1)
    ).one_or_none()
    if last is None:
        state = session.execute(select(Inspection.state).where(Inspection.id == inspection_id)).scalar_one()
        return DecisionConflict(inspection_id, "", "", None, "", state)
    decision, name, state = last
    return DecisionConflict(inspection_id, decision.actor, name, decision.at, decision.action, state)


def _review_reasons(session: Session, row: Any, settings: ApprovalSettings) -> tuple[str, ...]:
    latest = select(func.max(HealthScore.as_of)).scalar_subquery()
    tier = session.execute(
        select(HealthScore.tier).where(
            HealthScore.customer_no == row.customer_no, HealthScore.as_of == latest
        )
    ).scalar_one_or_none()
    high = session.execute(
        select(exists().where(InspectionFlag.inspection_id == row.id, InspectionFlag.severity == "HIGH"))
    ).scalar_one()
    month = row.submitted_at.astimezone(rules.CST).strftime("%Y-%m")
    sampled = rules.in_sample(
        settings.sample_seed, row.branch_code, month, row.bundle_id, settings.sample_rate
    )
    return rules.review_reasons(tier, bool(high), sampled)


def decide(
    session: Session,
    user: Any,
    inspection_id: int,
    action: str,
    *,
    expected_version: int | None = None,
    comment: str = "",
    reason_code: str = "",
    settings: ApprovalSettings | None = None,
) -> DecisionResult:
    """Take one decision on an inspection revision, in the caller's transaction.

    ``expected_version`` is the state version the approver saw; if the revision moved
    since, :class:`DecisionConflict` says who moved it. Rule breaches raise
    :class:`DecisionRefused`. Returning or rejecting reopens the task the revision closed
    (the manager still owes that inspection); every decision is audited with its details."""
    row = _case_row(session, inspection_id)
    if row is None:
        raise UnknownInspection(inspection_id)
    settings = settings or load_settings(session)
    version = row.state_version if expected_version is None else expected_version
    if row.state_version != version:
        raise _conflict(session, inspection_id)
    if not row.is_current:
        raise NotCurrent(inspection_id)
    case = Case(row.state, row.branch_code, row.inspector_no, row.companion_no, row.manager_no)
    comment = (comment or "").strip()
    reason_code = (reason_code or "").strip()
    target = rules.check_decision(decider_for(user), case, action, comment=comment, reason_code=reason_code)
    if reason_code and settings.reason(reason_code) is None:
        raise DecisionRefused("UNKNOWN_REASON_CODE", reason_code=reason_code)
    reasons: tuple[str, ...] = ()
    if action == rules.APPROVE:
        reasons = _review_reasons(session, row, settings)
        target = rules.approve_target(reasons)
    now = audit.database_now(session)
    moved = session.execute(
        update(Inspection)
        .where(Inspection.id == inspection_id, Inspection.state_version == version)
        .values(state=target, state_version=version + 1, state_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise _conflict(session, inspection_id)
    session.add(
        InspectionDecision(
            inspection_id=inspection_id,
            from_version=version,
            level=rules.level_of(action),
            action=action,
            from_state=row.state,
            to_state=target,
            actor=user.employee_no,
            at=now,
            reason_code=reason_code or None,
            comment=comment,
            review_reasons=json.dumps(list(reasons)),
        )
    )
    session.flush()
    details: dict[str, Any] = {
        "bundle_id": row.bundle_id,
        "revision": row.revision,
        "customer_no": row.customer_no,
        "from": row.state,
        "to": target,
        "version": version + 1,
        "comment": comment,
    }
    if reason_code:
        details["reason_code"] = reason_code
    if reasons:
        details["review_reasons"] = list(reasons)
    records = [
        audit.AuditRecord(user.employee_no, f"INSPECTION_{action}", "inspection", str(inspection_id), details)
    ]
    if target in (rules.RETURNED, rules.REJECTED):
        records.extend(_reopen_task(session, inspection_id, user.employee_no, target))
    audit.append_many(session, records, at=now)
    return DecisionResult(inspection_id, action, row.state, target, version + 1, reasons)


def _reopen_task(session: Session, inspection_id: int, actor: str, why: str) -> list[audit.AuditRecord]:
    """The task this revision closed opens again: a returned or rejected inspection did not
    do it (the manager's resubmission, or a new inspection, closes it)."""
    task_nos = list(
        session.execute(
            select(PostLoanTask.task_no).where(
                PostLoanTask.closed_by_inspection_id == inspection_id, PostLoanTask.status == "DONE"
            )
        ).scalars()
    )
    if not task_nos:
        return []
    session.execute(
        update(PostLoanTask)
        .where(PostLoanTask.task_no.in_(task_nos))
        .values(status="OPEN", closed_at=None, closed_by_inspection_id=None)
        .execution_options(synchronize_session=False)
    )
    return [
        audit.AuditRecord(
            actor, "REOPEN_TASK", "post_loan_task", no, {"inspection_id": inspection_id, "why": why}
        )
        for no in task_nos
    ]


@dataclass(frozen=True)
class BatchOutcome:
    approved: tuple[DecisionResult, ...]
    #: (inspection id, error code, the error) for each one not approved
    skipped: tuple[tuple[int, str, Exception], ...]


def batch_approve(
    session: Session, user: Any, items: Iterable[tuple[int, int]], *, settings: ApprovalSettings | None = None
) -> BatchOutcome:
    """Approve several revisions, given as (inspection id, version seen), each in its own
    savepoint: one that someone else decided meanwhile, or that is no longer a plain case
    (it gained a flag, its customer's tier rose), is skipped and said why; the rest
    commit. Only plain cases (:func:`rules.batch_approvable`) qualify."""
    settings = settings or load_settings(session)
    approved: list[DecisionResult] = []
    skipped: list[tuple[int, str, Exception]] = []
    for inspection_id, version in items:
        try:
            with session.begin_nested():
                tier, flags = _plainness(session, inspection_id)
                if not rules.batch_approvable(tier, flags):
                    raise DecisionRefused("NOT_BATCH_APPROVABLE", tier=tier, flags=flags)
                approved.append(
                    decide(
                        session,
                        user,
                        inspection_id,
                        rules.APPROVE,
                        expected_version=version,
                        settings=settings,
                    )
                )
        except (DecisionRefused, DecisionConflict, NotCurrent, UnknownInspection) as exc:
            skipped.append((inspection_id, getattr(exc, "code", type(exc).__name__), exc))
    return BatchOutcome(tuple(approved), tuple(skipped))


def _plainness(session: Session, inspection_id: int) -> tuple[str | None, int]:
    latest = select(func.max(HealthScore.as_of)).scalar_subquery()
    row = session.execute(
        select(
            HealthScore.tier,
            select(func.count())
            .select_from(InspectionFlag)
            .where(InspectionFlag.inspection_id == inspection_id)
            .scalar_subquery(),
        )
        .select_from(Inspection)
        .outerjoin(
            HealthScore, and_(HealthScore.customer_no == Inspection.customer_no, HealthScore.as_of == latest)
        )
        .where(Inspection.id == inspection_id)
    ).one()
    return row[0], int(row[1] or 0)


# -- the queue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    """Which pending revisions a queue shows. ``stage``: BRANCH (waiting for a branch
    approver), HEAD (waiting for head office), or None for both."""

    stage: str | None = None
    branch_code: str | None = None
    manager_no: str | None = None  # the customer's client manager
    tier: str | None = None
    overdue: bool = False
    flagged: str | None = None  # ANY, HIGH, NONE
    text: str | None = None
    #: only what this employee may decide (four-eyes: not their own inspections or customers)
    decidable_by: str | None = None


@dataclass(frozen=True)
class QueueRow:
    id: int
    bundle_id: str
    revision: int
    supersedes_id: int | None
    state: str
    version: int
    waiting_since: dt.datetime  # submitted, or entered the state
    due_at: dt.datetime
    overdue: bool
    customer_no: str
    customer_name: str
    branch_code: str
    branch_name: str
    manager_no: str
    tier: str | None
    kind: str
    opinion: str
    inspector_no: str
    inspector_name: str
    companion_no: str | None
    submitted_at: dt.datetime
    flags: int
    high_flags: int
    #: not the viewer's to decide (four-eyes), filled by :func:`queue_page` with ``viewer``
    own: bool = False

    @property
    def batch_approvable(self) -> bool:
        return self.state in rules.BRANCH_PENDING and rules.batch_approvable(self.tier, self.flags)


QUEUE_SORT_KEYS = ("waiting_since", "customer_name", "tier_rank", "branch_name", "submitted_at")


def _stage_states(stage: str | None) -> tuple[str, ...]:
    if stage == rules.BRANCH:
        return rules.BRANCH_PENDING
    if stage == rules.HEAD:
        return rules.HEAD_PENDING
    return rules.PENDING


def overdue_condition(state: Any, waiting_since: Any, settings: ApprovalSettings, now: dt.datetime) -> Any:
    """SQL: a pending revision past its stage's deadline at ``now``, given its state and
    waiting-since columns (the deadline grows with the arrival day, so one cut-off per
    stage says it: :func:`rules.overdue_before`)."""
    return or_(
        and_(
            state.in_(rules.BRANCH_PENDING),
            waiting_since < rules.overdue_before(now, settings.branch_days, settings),
        ),
        and_(
            state.in_(rules.HEAD_PENDING),
            waiting_since < rules.overdue_before(now, settings.head_days, settings),
        ),
    )


def _waiting_since() -> Any:
    return func.coalesce(Inspection.state_at, Inspection.submitted_at)


def _queue_conditions(
    session: Session, scope: Scope, flt: QueueFilter, settings: ApprovalSettings, now: dt.datetime, tier: Any
) -> list[ColumnElement[bool]]:
    states = _stage_states(flt.stage)
    conds: list[ColumnElement[bool]] = [Inspection.is_current.is_(True), Inspection.state.in_(states)]
    codes = _branch_codes(session, scope, flt.branch_code)
    if codes is not None:
        conds.append(Customer.branch_code.in_(codes))
    if flt.manager_no:
        conds.append(Customer.manager_no == flt.manager_no)
    if flt.tier:
        conds.append(tier.is_(None) if flt.tier == "NONE" else tier == flt.tier)
    if flt.overdue:
        conds.append(overdue_condition(Inspection.state, _waiting_since(), settings, now))
    if flt.flagged:
        f = aliased(InspectionFlag)
        if flt.flagged == "HIGH":
            conds.append(exists().where(f.inspection_id == Inspection.id, f.severity == "HIGH"))
        elif flt.flagged == "ANY":
            conds.append(exists().where(f.inspection_id == Inspection.id))
        elif flt.flagged == "NONE":
            conds.append(~exists().where(f.inspection_id == Inspection.id))
    if flt.decidable_by:
        who = flt.decidable_by
        conds.append(
            and_(
                Inspection.inspector_no != who,
                func.coalesce(Inspection.companion_no, "") != who,
                Customer.manager_no != who,
            )
        )
    if flt.text and flt.text.strip():
        needle = _like(flt.text)
        conds.append(
            or_(
                Customer.name.like(f"%{needle}%", escape="\\"),
                Customer.customer_no.like(f"{needle}%", escape="\\"),
                Inspection.bundle_id.like(f"{needle}%", escape="\\"),
            )
        )
    return conds


def _tier_rank(tier: Any) -> Any:
    return case({t: i for i, t in enumerate(TIERS)}, value=tier, else_=-1)


def _queue_select(session: Session) -> tuple[Any, Any, dict[str, Any]]:
    inspector = aliased(Staff)
    latest = select(func.max(HealthScore.as_of)).scalar_subquery()
    scores = aliased(HealthScore)
    sorts: dict[str, Any] = {
        "waiting_since": _waiting_since(),
        "customer_name": Customer.name,
        "tier_rank": _tier_rank(scores.tier),
        "branch_name": Branch.name,
        "submitted_at": Inspection.submitted_at,
    }
    stmt = (
        select(
            Inspection.id,
            Inspection.bundle_id,
            Inspection.revision,
            Inspection.supersedes_id,
            Inspection.state,
            Inspection.state_version,
            _waiting_since().label("waiting"),
            Inspection.customer_no,
            Customer.name,
            Customer.branch_code,
            Branch.name,
            Customer.manager_no,
            scores.tier,
            Inspection.kind,
            Inspection.opinion,
            Inspection.inspector_no,
            inspector.name,
            Inspection.companion_no,
            Inspection.submitted_at,
        )
        .select_from(Inspection)
        .join(Customer, Customer.customer_no == Inspection.customer_no)
        .join(Branch, Branch.code == Customer.branch_code)
        .join(inspector, inspector.employee_no == Inspection.inspector_no)
        .outerjoin(scores, and_(scores.customer_no == Inspection.customer_no, scores.as_of == latest))
    )
    return stmt, scores.tier, sorts


def queue_sort_value(row: QueueRow, sort: str) -> Any:
    if sort == "tier_rank":
        return TIERS.index(row.tier) if row.tier in TIERS else -1
    if sort == "waiting_since":
        return row.waiting_since
    return getattr(row, sort)


def _flag_counts(session: Session, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    if not ids:
        return {}
    rows = session.execute(
        select(
            InspectionFlag.inspection_id,
            func.count(),
            func.sum(case((InspectionFlag.severity == "HIGH", 1), else_=0)),
        )
        .where(InspectionFlag.inspection_id.in_(list(ids)))
        .group_by(InspectionFlag.inspection_id)
    )
    return {r[0]: (int(r[1]), int(r[2] or 0)) for r in rows}


def queue_page(
    session: Session,
    scope: Scope,
    flt: QueueFilter,
    *,
    sort: str = "waiting_since",
    descending: bool = False,
    after: tuple[Any, int] | None = None,
    limit: int = PAGE_SIZE,
    now: dt.datetime | None = None,
    viewer: str | None = None,
    settings: ApprovalSettings | None = None,
) -> list[QueueRow]:
    """One page of a queue, oldest waiting first by default, after the keyset ``after`` =
    (sort value, inspection id); see :func:`queue_sort_value`."""
    if sort not in QUEUE_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    settings = settings or load_settings(session)
    now = now or dt.datetime.now(dt.UTC)
    stmt, tier, sorts = _queue_select(session)
    key = sorts[sort]
    stmt = stmt.where(
        *_queue_conditions(session, scope, flt, settings, now, tier),
        *_after(key, Inspection.id, after, descending),
    )
    order = (key.desc(), Inspection.id.desc()) if descending else (key.asc(), Inspection.id.asc())
    rows = session.execute(stmt.order_by(*order).limit(limit)).all()
    return _queue_rows(session, rows, settings, now, viewer)


def _queue_rows(
    session: Session, rows: Sequence[Any], settings: ApprovalSettings, now: dt.datetime, viewer: str | None
) -> list[QueueRow]:
    flags = _flag_counts(session, [r[0] for r in rows])
    out = []
    for r in rows:
        due = rules.deadline(r[6], rules.stage_days(r[4], settings), settings)
        n, high = flags.get(r[0], (0, 0))
        out.append(
            QueueRow(
                id=r[0],
                bundle_id=r[1],
                revision=r[2],
                supersedes_id=r[3],
                state=r[4],
                version=r[5],
                waiting_since=r[6],
                due_at=due,
                overdue=due <= now,
                customer_no=r[7],
                customer_name=r[8],
                branch_code=r[9],
                branch_name=r[10],
                manager_no=r[11],
                tier=r[12],
                kind=r[13],
                opinion=r[14],
                inspector_no=r[15],
                inspector_name=r[16],
                companion_no=r[17],
                submitted_at=r[18],
                flags=n,
                high_flags=high,
                own=viewer is not None and viewer in (r[15], r[17], r[11]),
            )
        )
    return out


def queue_count(session: Session, scope: Scope, flt: QueueFilter, *, now: dt.datetime | None = None) -> int:
    settings = load_settings(session)
    now = now or dt.datetime.now(dt.UTC)
    latest = select(func.max(HealthScore.as_of)).scalar_subquery()
    scores = aliased(HealthScore)
    stmt = (
        select(func.count())
        .select_from(Inspection)
        .join(Customer, Customer.customer_no == Inspection.customer_no)
        .outerjoin(scores, and_(scores.customer_no == Inspection.customer_no, scores.as_of == latest))
        .where(*_queue_conditions(session, scope, flt, settings, now, scores.tier))
    )
    return int(session.execute(stmt).scalar_one())


def queue_row(
    session: Session, scope: Scope, inspection_id: int, *, viewer: str | None = None
) -> QueueRow | None:
    """One revision as a queue row, whatever its state now (None: unknown or out of scope):
    what the queue redraws after a decision without reloading its pages."""
    settings = load_settings(session)
    now = dt.datetime.now(dt.UTC)
    stmt, _tier, _sorts = _queue_select(session)
    conds: list[ColumnElement[bool]] = [Inspection.id == inspection_id]
    codes = _branch_codes(session, scope, None)
    if codes is not None:
        conds.append(Customer.branch_code.in_(codes))
    rows = session.execute(stmt.where(*conds)).all()
    return next(iter(_queue_rows(session, rows, settings, now, viewer)), None)


def pending_count(session: Session, scope: Scope) -> int:
    """Revisions waiting for a decision (either level) in scope: the dashboard's card."""
    return queue_count(session, scope, QueueFilter())


# -- history of a revision ---------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    id: int
    inspection_id: int
    revision: int
    level: str
    action: str
    from_state: str
    to_state: str
    actor: str
    actor_name: str
    at: dt.datetime
    reason_code: str | None
    comment: str
    review_reasons: tuple[str, ...]


def decision_history(session: Session, bundle_id: str) -> list[DecisionRow]:
    """Every decision on every revision of a bundle, oldest first."""
    rows = session.execute(
        select(InspectionDecision, Inspection.revision, Staff.name)
        .join(Inspection, Inspection.id == InspectionDecision.inspection_id)
        .join(Staff, Staff.employee_no == InspectionDecision.actor)
        .where(Inspection.bundle_id == bundle_id)
        .order_by(InspectionDecision.at, InspectionDecision.id)
    ).all()
    return [
        DecisionRow(
            d.id,
            d.inspection_id,
            revision,
            d.level,
            d.action,
            d.from_state,
            d.to_state,
            d.actor,
            name,
            d.at,
            d.reason_code,
            d.comment,
            tuple(json.loads(d.review_reasons or "[]")),
        )
        for d, revision, name in rows
    ]


def returned_revision(session: Session, inspection_id: int) -> int | None:
    """For a resubmission, the revision it replaced if that one was returned for rework
    (the one to compare against); None otherwise."""
    before = session.execute(
        select(Inspection.supersedes_id).where(Inspection.id == inspection_id)
    ).scalar_one_or_none()
    if before is None:
        return None
    state = session.execute(select(Inspection.state).where(Inspection.id == before)).scalar_one()
    return int(before) if state == rules.RETURNED else None


def state_counts(session: Session, scope: Scope) -> Mapping[str, int]:
    """Current revisions per workflow state in scope."""
    stmt = (
        select(Inspection.state, func.count())
        .join(Customer, Customer.customer_no == Inspection.customer_no)
        .where(Inspection.is_current.is_(True))
        .group_by(Inspection.state)
    )
    if scope is not None:
        stmt = stmt.where(Customer.branch_code.in_(sorted(scope)))
    return {state: int(n) for state, n in session.execute(stmt)}
