"""The risk health check in the database: the facts it needs, the scores, issues and
post-loan tasks it keeps, and the versioned model.

The rules are pure (``data.rules.health``); this module loads what they look at, in a
handful of bulk queries for the whole bank, and stores what they find:

* ``health_scores``: one row a customer an as-of date, with the breakdown and the model
  version. Running again for the same date rewrites only rows whose result differs, so a
  second run changes nothing (and writes no audit event);
* ``customer_issues``: the objective classification checks, OPEN while a loan fails one,
  RESOLVED once it no longer does;
* ``post_loan_tasks``: the FIRST check of each new disbursement and one open tier task per
  customer with an outstanding loan, replaced by a more urgent one when the tier rises
  (``data.rules.health.decide_tier_task``).

The model's parameters are rows of ``health_models``: version 1 (the defaults) is written
by the first health check; :func:`create_model_version` adds a draft, :func:`preview_model`
says who would move between tiers, :func:`apply_model` makes it active and re-scores.

Facts are read as they stand (loans as of their latest snapshot, signals detected by the
end of the as-of day, the latest inspection started by then), so a run for a past date
scores today's loan state with that day's signals and visits.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from data import audit
from data.audit import AuditRecord
from data.db import Database
from data.models import (
    AppSetting,
    ChecklistAnswer,
    Customer,
    CustomerIssue,
    HealthModelVersion,
    HealthScore,
    Inspection,
    InspectionFlag,
    Loan,
    PostLoanTask,
    RiskSignal,
    table,
)
from data.rules.health import (
    TIERS,
    CustomerFacts,
    HealthModel,
    InspectionFact,
    LoanFact,
    OpenTask,
    Score,
    SignalFact,
    TaskSchedule,
    classification_issues,
    decide_tier_task,
    explain,
    required_photos,
    score_customer,
)

SCHEDULE_KEY = "task_schedule"
TASK_PREFIX = "PLT"
CST = dt.timezone(dt.timedelta(hours=8))
_CHUNK = 2000
_RUN_LOCK_KEY = 7_316_003  # PostgreSQL advisory lock: one health check at a time
_T = TypeVar("_T")


class UnknownModelVersion(LookupError):
    code = "UNKNOWN_MODEL_VERSION"


class ModelNotDraft(ValueError):
    code = "MODEL_NOT_DRAFT"


def _chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def day_end_utc(as_of: dt.date) -> dt.datetime:
    """The end of the as-of day in Beijing time (the bank's day), as a UTC instant."""
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), CST).astimezone(dt.UTC)


def today_cst() -> dt.date:
    return dt.datetime.now(CST).date()


# --- the schedule and the model ---------------------------------------------------------------


def load_schedule_in(session: Session) -> TaskSchedule:
    stored = session.execute(
        select(AppSetting.value).where(AppSetting.key == SCHEDULE_KEY)
    ).scalar_one_or_none()
    return TaskSchedule.from_json(stored)


def save_schedule_in(session: Session, schedule: TaskSchedule, actor: str) -> None:
    """Store the task schedule for every desktop, audited, in the caller's transaction."""
    row = session.get(AppSetting, SCHEDULE_KEY)
    old = row.value if row is not None else TaskSchedule().to_json()
    if row is None:
        session.add(AppSetting(key=SCHEDULE_KEY, value=schedule.to_json()))
    else:
        row.value = schedule.to_json()
    audit.append(
        session,
        actor,
        "SET_TASK_SCHEDULE",
        "setting",
        SCHEDULE_KEY,
        {"old": json.loads(old), "new": json.loads(schedule.to_json())},
    )


def active_model_in(session: Session, actor: str = audit.SYSTEM_ACTOR) -> tuple[int, HealthModel]:
    """The active model version; version 1 (the defaults) is written, audited, if the
    database has none yet."""
    row = session.execute(
        select(HealthModelVersion.version, HealthModelVersion.params).where(
            HealthModelVersion.status == "ACTIVE"
        )
    ).first()
    if row is not None:
        return int(row.version), HealthModel.from_dict(row.params)
    model = HealthModel()
    now = audit.database_now(session)
    session.add(
        HealthModelVersion(
            version=1,
            params=model.to_dict(),
            status="ACTIVE",
            note="defaults",
            created_at=now,
            created_by=actor,
            applied_at=now,
            applied_by=actor,
        )
    )
    session.flush()
    audit.append(session, actor, "CREATE_HEALTH_MODEL", "health_model", "1", {"status": "ACTIVE"})
    return 1, model


def model_version_in(session: Session, version: int) -> tuple[str, HealthModel]:
    row = session.get(HealthModelVersion, version)
    if row is None:
        raise UnknownModelVersion(version)
    return row.status, HealthModel.from_dict(row.params)


def create_model_version(session: Session, model: HealthModel, actor: str, note: str = "") -> int:
    """Add a DRAFT model version (audited); returns its number."""
    model.validate()
    active_model_in(session, actor)
    top = session.execute(select(func.max(HealthModelVersion.version))).scalar_one()
    version = int(top or 0) + 1
    session.add(
        HealthModelVersion(
            version=version,
            params=model.to_dict(),
            status="DRAFT",
            note=note,
            created_at=audit.database_now(session),
            created_by=actor,
        )
    )
    session.flush()
    audit.append(
        session,
        actor,
        "CREATE_HEALTH_MODEL",
        "health_model",
        str(version),
        {"status": "DRAFT", "note": note, "params": model.to_dict()},
    )
    return version


# --- loading the facts --------------------------------------------------------------------------


@dataclass
class BankFacts:
    """Everything the rules look at, for every customer."""

    facts: dict[str, CustomerFacts]
    branch: dict[str, str]
    manager: dict[str, str]
    loans: dict[str, list[LoanFact]]
    last_visit: dict[str, dt.date]
    first_visits: dict[str, list[dt.date]] = field(default_factory=dict)


def _rows_in(session: Session, stmt: Any, column: Any, keys: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for part in _chunks(sorted(set(keys))):
        out.extend(session.execute(stmt.where(column.in_(part))).all())
    return out


def load_facts(session: Session, as_of: dt.date, model: HealthModel) -> BankFacts:
    cutoff = day_end_utc(as_of)
    c = table(Customer).c
    branch: dict[str, str] = {}
    manager: dict[str, str] = {}
    row: Any
    for row in session.execute(select(c.customer_no, c.branch_code, c.manager_no)):
        branch[row.customer_no] = row.branch_code
        manager[row.customer_no] = row.manager_no
    ln = table(Loan).c
    loans: dict[str, list[LoanFact]] = defaultdict(list)
    r: Any
    for r in session.execute(
        select(
            ln.loan_no,
            ln.customer_no,
            ln.balance,
            ln.classification,
            ln.overdue_days,
            ln.disbursed_on,
            ln.maturity_on,
        )
    ):
        loans[r.customer_no].append(
            LoanFact(
                r.loan_no,
                float(r.balance),
                r.classification,
                int(r.overdue_days or 0),
                r.disbursed_on,
                r.maturity_on,
            )
        )
    sg = table(RiskSignal).c
    signals: dict[str, list[SignalFact]] = defaultdict(list)
    oldest = cutoff - dt.timedelta(days=model.signal_horizon_days + 1)
    for r in session.execute(
        select(sg.id, sg.customer_no, sg.source, sg.type, sg.severity, sg.detected_at, sg.status).where(
            sg.customer_no.is_not(None),
            sg.detected_at < cutoff,
            sg.detected_at >= oldest,
            sg.status != "DISMISSED",
        )
    ):
        # the rules reckon ages in the bank's days
        detected = r.detected_at.astimezone(CST)
        signals[r.customer_no].append(
            SignalFact(int(r.id), r.source, r.type, int(r.severity), detected, r.status)
        )
    i = table(Inspection).c
    latest: dict[str, Any] = {}
    first_visits: dict[str, list[dt.date]] = defaultdict(list)
    for r in session.execute(
        select(i.id, i.customer_no, i.started_at, i.kind, i.opinion).where(
            i.is_current.is_(True), i.started_at < cutoff
        )
    ):
        seen = latest.get(r.customer_no)
        if seen is None or (r.started_at, r.id) > (seen.started_at, seen.id):
            latest[r.customer_no] = r
        if r.kind == "FIRST":
            first_visits[r.customer_no].append(r.started_at.astimezone(CST).date())
    ids = [int(r.id) for r in latest.values()]
    a = table(ChecklistAnswer).c
    abnormal: dict[int, int] = {}
    for part in _chunks(sorted(ids)):
        for row in session.execute(
            select(a.inspection_id, func.count().label("n"))
            .where(a.inspection_id.in_(part), (a.abnormal.is_(True)) | (a.deviates.is_(True)))
            .group_by(a.inspection_id)
        ):
            abnormal[int(row.inspection_id)] = int(row.n)
    f = table(InspectionFlag).c
    flags: dict[int, dict[str, int]] = defaultdict(dict)
    for part in _chunks(sorted(ids)):
        for row in session.execute(
            select(f.inspection_id, f.severity, func.count().label("n"))
            .where(f.inspection_id.in_(part))
            .group_by(f.inspection_id, f.severity)
        ):
            flags[int(row.inspection_id)][str(row.severity)] = int(row.n)
    previous = _previous_bases(session, as_of, model)
    facts: dict[str, CustomerFacts] = {}
    last_visit: dict[str, dt.date] = {}
    for no in branch:
        r = latest.get(no)
        insp = None
        if r is not None:
            started = r.started_at.astimezone(CST).date()
            last_visit[no] = started
            insp = InspectionFact(
                int(r.id), started, r.kind, r.opinion, abnormal.get(int(r.id), 0), flags.get(int(r.id), {})
            )
        facts[no] = CustomerFacts(
            no, tuple(signals.get(no, ())), tuple(loans.get(no, ())), insp, previous.get(no)
        )
    return BankFacts(facts, branch, manager, dict(loans), last_visit, dict(first_visits))


def _previous_bases(session: Session, as_of: dt.date, model: HealthModel) -> dict[str, float]:
    """Each customer's base score from about a month before: the latest score dated at
    least ``trend_lookback_days`` before the as-of date, and at most a month older still."""
    hi = as_of - dt.timedelta(days=model.trend_lookback_days)
    lo = hi - dt.timedelta(days=31)
    h = table(HealthScore).c
    best: dict[str, tuple[dt.date, float]] = {}
    row: Any
    for row in session.execute(
        select(h.customer_no, h.as_of, h.base_score).where(h.as_of <= hi, h.as_of >= lo)
    ):
        seen = best.get(row.customer_no)
        if seen is None or row.as_of > seen[0]:
            best[row.customer_no] = (row.as_of, float(row.base_score))
    return {no: base for no, (_d, base) in best.items()}


def score_all(bank: BankFacts, as_of: dt.date, model: HealthModel) -> dict[str, Score]:
    return {no: score_customer(f, as_of, model) for no, f in bank.facts.items()}


# --- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthCheckResult:
    as_of: dt.date
    model_version: int
    customers: int
    tiers: dict[str, int]
    scores_written: int
    tasks_created: int
    tasks_replaced: int
    issues_opened: int
    issues_resolved: int
    seconds: float

    @property
    def changed(self) -> bool:
        return bool(
            self.scores_written
            or self.tasks_created
            or self.tasks_replaced
            or self.issues_opened
            or self.issues_resolved
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "model_version": self.model_version,
            "customers": self.customers,
            "tiers": self.tiers,
            "scores_written": self.scores_written,
            "tasks_created": self.tasks_created,
            "tasks_replaced": self.tasks_replaced,
            "issues_opened": self.issues_opened,
            "issues_resolved": self.issues_resolved,
            "seconds": round(self.seconds, 2),
        }


def run_health_check(
    db: Database, as_of: dt.date | None = None, actor: str = audit.SYSTEM_ACTOR
) -> HealthCheckResult:
    """Score every customer for ``as_of`` (default: today, Beijing time) in one write
    transaction, and keep issues and tasks current. A back-dated run (a later check
    exists) only adds its scores to the history."""
    with db.write_session() as s:
        return run_health_check_in(s, as_of or today_cst(), actor)


def run_health_check_in(session: Session, as_of: dt.date, actor: str) -> HealthCheckResult:
    """The health check in the caller's (write) transaction. Two runs never interleave:
    on PostgreSQL an advisory lock queues them; SQLite write transactions already do."""
    started = time.monotonic()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _RUN_LOCK_KEY})
    version, model = active_model_in(session, actor)
    schedule = load_schedule_in(session)
    bank = load_facts(session, as_of, model)
    scores = score_all(bank, as_of, model)
    now = audit.database_now(session)
    written = _store_scores(session, as_of, version, scores, now)
    later = session.execute(select(func.max(HealthScore.as_of)).where(HealthScore.as_of > as_of)).scalar()
    if later is None:
        opened, resolved = _update_issues(session, as_of, bank)
        created, replaced = _update_tasks(session, as_of, bank, scores, schedule, now)
    else:
        # a back-dated run (filling in the history the trends read) leaves the issues and
        # tasks to the latest check: they are what is due now
        opened = resolved = created = replaced = 0
    tiers = {t: 0 for t in TIERS}
    for sc in scores.values():
        tiers[sc.tier] += 1
    result = HealthCheckResult(
        as_of,
        version,
        len(scores),
        tiers,
        written,
        created,
        replaced,
        opened,
        resolved,
        time.monotonic() - started,
    )
    if result.changed:
        details = result.as_dict()
        details.pop("seconds")
        audit.append_many(
            session, [AuditRecord(actor, "HEALTH_CHECK", "health_check", as_of.isoformat(), details)], at=now
        )
    return result


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True))


def _store_scores(
    session: Session, as_of: dt.date, version: int, scores: dict[str, Score], now: dt.datetime
) -> int:
    """Insert the date's missing rows and rewrite those whose result differs."""
    h = table(HealthScore)
    existing = {
        r.customer_no: r
        for r in session.execute(
            select(
                h.c.id, h.c.customer_no, h.c.model_version, h.c.score, h.c.base_score, h.c.tier, h.c.breakdown
            ).where(h.c.as_of == as_of)
        )
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for no, sc in scores.items():
        breakdown = _canonical(sc.breakdown)
        old = existing.get(no)
        values = {
            "model_version": version,
            "score": sc.score,
            "base_score": sc.base,
            "tier": sc.tier,
            "breakdown": breakdown,
            "computed_at": now,
        }
        if old is None:
            inserts.append({"customer_no": no, "as_of": as_of, **values})
        elif (old.model_version, old.score, old.base_score, old.tier, _canonical(old.breakdown)) != (
            version,
            sc.score,
            sc.base,
            sc.tier,
            breakdown,
        ):
            updates.append({"_id": old.id, **values})
    for part in _chunks(inserts, 5000):
        session.execute(insert(h), list(part))
    if updates:
        stmt = (
            update(h)
            .where(h.c.id == bindparam("_id"))
            .values(
                {
                    k: bindparam(k)
                    for k in ("model_version", "score", "base_score", "tier", "breakdown", "computed_at")
                }
            )
        )
        for part in _chunks(updates, 5000):
            session.connection().execute(stmt, list(part))
    return len(inserts) + len(updates)


def _update_issues(session: Session, as_of: dt.date, bank: BankFacts) -> tuple[int, int]:
    """Open an issue for each classification check a loan fails now, keep those still
    failing, resolve those no longer failing. Returns (opened, resolved)."""
    ci = table(CustomerIssue)
    found: dict[tuple[str, str | None, str], dict[str, Any]] = {}
    for customer_no, loans in bank.loans.items():
        for loan in loans:
            for code, detail in classification_issues(loan):
                found[(customer_no, loan.loan_no, code)] = detail
    open_rows = session.execute(
        select(ci.c.id, ci.c.customer_no, ci.c.loan_no, ci.c.code, ci.c.detail, ci.c.last_seen_on).where(
            ci.c.status == "OPEN"
        )
    ).all()
    seen: set[tuple[str, str | None, str]] = set()
    resolve: list[dict[str, Any]] = []
    refresh: list[dict[str, Any]] = []
    for r in open_rows:
        key = (r.customer_no, r.loan_no, r.code)
        if key in seen:
            continue
        seen.add(key)
        now_detail = found.get(key)
        if now_detail is None:
            resolve.append({"_id": r.id, "status": "RESOLVED", "resolved_on": as_of})
        elif now_detail != dict(r.detail or {}) or r.last_seen_on < as_of:
            refresh.append({"_id": r.id, "detail": now_detail, "last_seen_on": max(as_of, r.last_seen_on)})
    new = [
        {
            "customer_no": key[0],
            "loan_no": key[1],
            "code": key[2],
            "detail": detail,
            "status": "OPEN",
            "first_seen_on": as_of,
            "last_seen_on": as_of,
            "resolved_on": None,
        }
        for key, detail in found.items()
        if key not in seen
    ]
    conn = session.connection()
    if resolve:
        conn.execute(
            update(ci)
            .where(ci.c.id == bindparam("_id"))
            .values(status=bindparam("status"), resolved_on=bindparam("resolved_on")),
            resolve,
        )
    if refresh:
        conn.execute(
            update(ci)
            .where(ci.c.id == bindparam("_id"))
            .values(detail=bindparam("detail"), last_seen_on=bindparam("last_seen_on")),
            refresh,
        )
    for part in _chunks(new, 5000):
        session.execute(insert(ci), list(part))
    return len(new), len(resolve)


def _template_photos() -> list[tuple[str | None, frozenset[str]]]:
    from data.ingest.bundles import checklist_template

    return [(item.photo, item.required) for item in checklist_template().values()]


class _TaskNumbers:
    """``PLT`` + the as-of date + a six-digit sequence, continuing the date's highest."""

    def __init__(self, session: Session, as_of: dt.date) -> None:
        self.prefix = f"{TASK_PREFIX}{as_of:%Y%m%d}"
        t = table(PostLoanTask).c
        top: Any = session.execute(
            select(func.max(t.task_no)).where(
                t.task_no.like(f"{self.prefix}%"), func.length(t.task_no) == len(self.prefix) + 6
            )
        ).scalar_one()
        self.seq = int(str(top)[len(self.prefix) :]) if top else 0

    def next(self) -> str:
        self.seq += 1
        return f"{self.prefix}{self.seq:06d}"


def _update_tasks(
    session: Session,
    as_of: dt.date,
    bank: BankFacts,
    scores: dict[str, Score],
    schedule: TaskSchedule,
    now: dt.datetime,
) -> tuple[int, int]:
    """Create the FIRST checks and tier tasks the schedule calls for; replace an open tier
    task when the tier rose. Returns (created, replaced)."""
    t = table(PostLoanTask)
    open_tier: dict[str, OpenTask] = {}
    for r in session.execute(
        select(t.c.task_no, t.c.customer_no, t.c.kind, t.c.tier, t.c.due_on).where(
            t.c.status == "OPEN", t.c.kind != "FIRST"
        )
    ):
        task = OpenTask(r.task_no, r.kind, r.tier, r.due_on)
        seen = open_tier.get(r.customer_no)
        if seen is None or (TIERS.index(task.tier), task.task_no) > (TIERS.index(seen.tier), seen.task_no):
            open_tier[r.customer_no] = task
    template = _template_photos()
    photos = {kind: required_photos(kind, template) for kind in ("FIRST", "ROUTINE", "FOCUSED", "SPECIAL")}
    numbers = _TaskNumbers(session, as_of)
    rows: list[dict[str, Any]] = []
    replaced: list[dict[str, Any]] = []

    def add(customer_no: str, loan_no: str | None, kind: str, tier: str, due: dt.date, reason: str) -> str:
        task_no = numbers.next()
        rows.append(
            {
                "task_no": task_no,
                "customer_no": customer_no,
                "loan_no": loan_no,
                "kind": kind,
                "tier": tier,
                "due_on": due,
                "assignee_no": bank.manager[customer_no],
                "reason": reason,
                "required_photos": photos[kind],
                "status": "OPEN",
                "created_at": now,
                "closed_at": None,
                "replaced_by": None,
                "closed_by_inspection_id": None,
            }
        )
        return task_no

    # FIRST: each loan disbursed within the window, unless it has its FIRST task or the
    # customer had a FIRST visit since the disbursement
    first = schedule.first
    recent = {
        loan.loan_no: (no, loan)
        for no, loans in bank.loans.items()
        for loan in loans
        if loan.balance > 0 and 0 <= (as_of - loan.disbursed_on).days <= first.days
    }
    has_first = {
        ln for (ln,) in _rows_in(session, select(t.c.loan_no).where(t.c.kind == "FIRST"), t.c.loan_no, recent)
    }
    for loan_no, (no, loan) in sorted(recent.items()):
        if loan_no in has_first or any(d >= loan.disbursed_on for d in bank.first_visits.get(no, ())):
            continue
        tier = scores[no].tier if no in scores else "NORMAL"
        add(
            no,
            loan_no,
            first.kind,
            tier,
            loan.disbursed_on + dt.timedelta(days=first.days),
            f"FIRST {loan_no} disbursed {loan.disbursed_on.isoformat()}",
        )
    for no in sorted(scores):
        if not any(loan.balance > 0 for loan in bank.loans.get(no, ())):
            continue
        sc = scores[no]
        decision = decide_tier_task(sc.tier, as_of, schedule, open_tier.get(no), bank.last_visit.get(no))
        if not decision.create or decision.due_on is None:
            continue
        worst = sc.breakdown["loan"].get("loan")
        task_no = add(
            no, worst["loan_no"] if worst else None, decision.kind, sc.tier, decision.due_on, explain(sc)
        )
        if decision.replaces:
            replaced.append({"_no": decision.replaces, "replaced_by": task_no})
    for part in _chunks(rows, 5000):
        session.execute(insert(t), list(part))
    if replaced:
        session.connection().execute(
            update(t)
            .where(t.c.task_no == bindparam("_no"), t.c.status == "OPEN")
            .values(status="REPLACED", closed_at=now, replaced_by=bindparam("replaced_by")),
            replaced,
        )
    return len(rows), len(replaced)


# --- model versions: preview and apply -------------------------------------------------------------


def latest_as_of(session: Session) -> dt.date | None:
    value = session.execute(select(func.max(HealthScore.as_of))).scalar_one_or_none()
    return value if isinstance(value, dt.date) else None


def preview_model(
    session: Session, version: int, as_of: dt.date | None = None
) -> dict[str, dict[str, dict[str, int]]]:
    """How customers would move between tiers if ``version`` were applied: branch →
    from-tier → to-tier → count, against the scores stored for ``as_of`` (default: the
    latest scored date; a customer not scored then comes from ``UNSCORED``). Nothing is
    written."""
    _status, model = model_version_in(session, version)
    as_of = as_of or latest_as_of(session) or today_cst()
    bank = load_facts(session, as_of, model)
    scores = score_all(bank, as_of, model)
    h = table(HealthScore).c
    current: dict[str, str] = dict(
        (str(r.customer_no), str(r.tier))
        for r in session.execute(select(h.customer_no, h.tier).where(h.as_of == as_of))
    )
    out: dict[str, dict[str, dict[str, int]]] = {}
    for no, sc in scores.items():
        frm = current.get(no, "UNSCORED")
        by_from = out.setdefault(bank.branch[no], {}).setdefault(frm, {})
        by_from[sc.tier] = by_from.get(sc.tier, 0) + 1
    return out


def apply_model(
    session: Session, version: int, actor: str, as_of: dt.date | None = None
) -> HealthCheckResult:
    """Make a DRAFT version the active model (the active one is RETIRED) and re-score
    everyone for ``as_of`` (default today), audited, in the caller's transaction."""
    status, _model = model_version_in(session, version)
    if status != "DRAFT":
        raise ModelNotDraft(version)
    old, _m = active_model_in(session, actor)
    now = audit.database_now(session)
    session.execute(
        update(HealthModelVersion).where(HealthModelVersion.version == old).values(status="RETIRED")
    )
    session.execute(
        update(HealthModelVersion)
        .where(HealthModelVersion.version == version)
        .values(status="ACTIVE", applied_at=now, applied_by=actor)
    )
    audit.append(session, actor, "APPLY_HEALTH_MODEL", "health_model", str(version), {"replaces": old})
    return run_health_check_in(session, as_of or today_cst(), actor)
