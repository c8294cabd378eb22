"""Reads that return plain values (never ORM objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from data.errors import NotFound
from data.models import (
    Branch,
    ChecklistAnswer,
    Customer,
    ImportFile,
    ImportRun,
    Inspection,
    Loan,
    Photo,
    QuarantineEntry,
    RiskSignal,
    Staff,
    TrackPoint,
    VoiceNote,
)


def counts(session: Session) -> dict[str, int]:
    """How much the database holds, for ``main.py stats`` and the status screens."""

    def count(stmt: object) -> int:
        return int(session.execute(stmt).scalar_one())  # type: ignore[call-overload]

    return {
        "branches": count(select(func.count()).select_from(Branch)),
        "staff": count(select(func.count()).select_from(Staff)),
        "customers": count(select(func.count()).select_from(Customer)),
        "loans": count(select(func.count()).select_from(Loan)),
        "signals": count(select(func.count()).select_from(RiskSignal)),
        "signals_unmatched": count(
            select(func.count()).select_from(RiskSignal).where(RiskSignal.customer_no.is_(None))
        ),
        "inspections": count(
            select(func.count()).select_from(Inspection).where(Inspection.is_current.is_(True))
        ),
        "inspection_revisions": count(select(func.count()).select_from(Inspection)),
        "photos": count(select(func.count()).select_from(Photo)),
        "track_points": count(select(func.count()).select_from(TrackPoint)),
        "quarantined": count(
            select(func.count()).select_from(QuarantineEntry).where(QuarantineEntry.state == "WAITING")
        ),
        "rejected_bundles": count(
            select(func.count()).select_from(QuarantineEntry).where(QuarantineEntry.state == "REJECTED")
        ),
    }


# --- the inspections list: keyset paging, filtering and sorting in SQL ---------------------


@dataclass(frozen=True)
class InspectionFilter:
    """What the inspections list is narrowed to. Every field optional."""

    date_from: dt.date | None = None  # submitted on or after (Beijing date)
    date_to: dt.date | None = None  # submitted on or before
    branch_code: str | None = None  # that unit and everything below it
    inspector_no: str | None = None
    kind: str | None = None
    status: str | None = None  # CURRENT (default list) or SUPERSEDED
    text: str | None = None  # customer name contains, or customer number starts with
    customer_no: str | None = None
    flag: str | None = None  # a flag code, or HIGH / MEDIUM / LOW for any flag that severe


_SEVERITIES = ("HIGH", "MEDIUM", "LOW")
_SEVERITY_RANK = {s: i for i, s in enumerate(_SEVERITIES)}


@dataclass(frozen=True)
class InspectionRow:
    id: int
    submitted_at: dt.datetime
    customer_no: str
    customer_name: str
    branch_code: str
    branch_name: str
    inspector_no: str
    inspector_name: str
    kind: str
    status: str
    revision: int
    unplanned: bool
    photos: int
    #: (code, severity) of each authenticity flag, most severe first
    flags: tuple[tuple[str, str], ...] = ()
    tier: str | None = None  # the customer's risk tier in the latest health check

    @property
    def worst(self) -> str | None:
        return self.flags[0][1] if self.flags else None


SORT_KEYS = ("submitted_at", "customer_name", "branch_name", "inspector_name", "kind")
PAGE_SIZE = 200
_BEIJING = dt.timezone(dt.timedelta(hours=8))


def _sort_column(key: str) -> Any:
    return {
        "submitted_at": Inspection.submitted_at,
        "customer_name": Customer.name,
        "branch_name": Branch.name,
        "inspector_name": Staff.name,
        "kind": Inspection.kind,
    }[key]


def _beijing_midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), _BEIJING).astimezone(dt.UTC)


def _inspection_conditions(
    session: Session, scope: frozenset[str] | None, flt: InspectionFilter
) -> list[Any]:
    conds: list[Any] = []
    if flt.status == "SUPERSEDED":
        conds.append(Inspection.is_current.is_(False))
    else:
        conds.append(Inspection.is_current.is_(True))
    if scope is not None:
        conds.append(Customer.branch_code.in_(sorted(scope)))
    if flt.branch_code:
        from data.auth import branch_scope

        conds.append(Customer.branch_code.in_(sorted(branch_scope(session, flt.branch_code))))
    if flt.date_from:
        conds.append(Inspection.submitted_at >= _beijing_midnight_utc(flt.date_from))
    if flt.date_to:
        conds.append(Inspection.submitted_at < _beijing_midnight_utc(flt.date_to + dt.timedelta(days=1)))
    if flt.inspector_no:
        conds.append(Inspection.inspector_no == flt.inspector_no)
    if flt.kind:
        conds.append(Inspection.kind == flt.kind)
    if flt.customer_no:
        conds.append(Inspection.customer_no == flt.customer_no)
    if flt.flag:
        from data.models import InspectionFlag

        which = (
            InspectionFlag.severity == flt.flag
            if flt.flag in _SEVERITIES
            else InspectionFlag.code == flt.flag
        )
        conds.append(
            select(InspectionFlag.id).where(InspectionFlag.inspection_id == Inspection.id, which).exists()
        )
    if flt.text and flt.text.strip():
        needle = flt.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conds.append(
            or_(
                Customer.name.like(f"%{needle}%", escape="\\"),
                Inspection.customer_no.like(f"{needle}%", escape="\\"),
            )
        )
    return conds


def _inspection_select(*columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(Inspection)
        .join(Customer, Customer.customer_no == Inspection.customer_no)
        .join(Branch, Branch.code == Customer.branch_code)
        .join(Staff, Staff.employee_no == Inspection.inspector_no)
    )


def inspection_page(
    session: Session,
    scope: frozenset[str] | None,
    flt: InspectionFilter,
    *,
    sort: str = "submitted_at",
    descending: bool = True,
    after: tuple[Any, int] | None = None,
    limit: int = PAGE_SIZE,
) -> list[InspectionRow]:
    """One page of the inspections list, after the keyset ``after`` = (sort value, id).

    Keyset paging costs the same on page 1,000 as on page 1 (OFFSET would read and throw
    away every row before it).
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    key = _sort_column(sort)
    photos = (
        select(func.count()).select_from(Photo).where(Photo.inspection_id == Inspection.id).scalar_subquery()
    )
    stmt = _inspection_select(
        Inspection.id,
        Inspection.submitted_at,
        Inspection.customer_no,
        Customer.name,
        Customer.branch_code,
        Branch.name,
        Inspection.inspector_no,
        Staff.name,
        Inspection.kind,
        Inspection.is_current,
        Inspection.revision,
        Inspection.unplanned,
        photos,
    ).where(*_inspection_conditions(session, scope, flt))
    if after is not None:
        value, last_id = after
        if descending:
            stmt = stmt.where(or_(key < value, and_(key == value, Inspection.id < last_id)))
        else:
            stmt = stmt.where(or_(key > value, and_(key == value, Inspection.id > last_id)))
    order = (key.desc(), Inspection.id.desc()) if descending else (key.asc(), Inspection.id.asc())
    rows = session.execute(stmt.order_by(*order).limit(limit)).all()
    flags = _flag_codes(session, [r[0] for r in rows])
    tiers = latest_tiers(session, {r[2] for r in rows})
    return [
        InspectionRow(
            id=r[0],
            submitted_at=r[1],
            customer_no=r[2],
            customer_name=r[3],
            branch_code=r[4],
            branch_name=r[5],
            inspector_no=r[6],
            inspector_name=r[7],
            kind=r[8],
            status="CURRENT" if r[9] else "SUPERSEDED",
            revision=r[10],
            unplanned=r[11],
            photos=r[12],
            flags=flags.get(r[0], ()),
            tier=tiers.get(r[2]),
        )
        for r in rows
    ]


def latest_tiers(session: Session, customer_nos: set[str]) -> dict[str, str]:
    """Each customer's tier in the latest health check (customers it did not score are
    left out)."""
    from data.models import HealthScore

    if not customer_nos:
        return {}
    latest = select(func.max(HealthScore.as_of)).scalar_subquery()
    rows = session.execute(
        select(HealthScore.customer_no, HealthScore.tier).where(
            HealthScore.as_of == latest, HealthScore.customer_no.in_(sorted(customer_nos))
        )
    )
    return {no: tier for no, tier in rows}


def _flag_codes(session: Session, ids: list[int]) -> dict[int, tuple[tuple[str, str], ...]]:
    """The flags of a page of inspections, most severe first, in one query."""
    from data.models import InspectionFlag

    if not ids:
        return {}
    found: dict[int, set[tuple[str, str]]] = {}
    # distinct: an inspection can carry a flag per earlier inspection it copies from
    rows = session.execute(
        select(InspectionFlag.inspection_id, InspectionFlag.code, InspectionFlag.severity)
        .where(InspectionFlag.inspection_id.in_(ids))
        .distinct()
    )
    for inspection_id, code, severity in rows:
        found.setdefault(inspection_id, set()).add((code, severity))
    return {
        i: tuple(sorted(pairs, key=lambda p: (_SEVERITY_RANK.get(p[1], 9), p[0])))
        for i, pairs in found.items()
    }


def sort_value(row: InspectionRow, sort: str) -> Any:
    """The keyset value of a row for a sort key."""
    return getattr(row, sort)


def inspection_count(session: Session, scope: frozenset[str] | None, flt: InspectionFilter) -> int:
    stmt = _inspection_select(func.count()).where(*_inspection_conditions(session, scope, flt))
    return int(session.execute(stmt).scalar_one())


# --- one inspection in full -----------------------------------------------------------------


@dataclass(frozen=True)
class LoanSummary:
    loan_no: str
    product: str
    amount: Decimal
    balance: Decimal
    classification: str
    overdue_days: int
    maturity_on: dt.date


@dataclass(frozen=True)
class AnswerRow:
    code: str
    section: str
    answer: str
    value: str | None
    abnormal: bool
    deviates: bool
    remark: str
    photo_keys: tuple[str, ...]


@dataclass(frozen=True)
class PhotoRow:
    id: int
    photo_key: str
    sha256: str
    category: str
    taken_at: dt.datetime | None
    lat: float | None
    lon: float | None
    orig_crs: str | None
    exif_taken_at: dt.datetime | None
    exif_lat: float | None
    exif_lon: float | None
    width: int
    height: int
    size_bytes: int
    watermark: str
    camera: str | None = None


@dataclass(frozen=True)
class RevisionRow:
    id: int
    revision: int
    submitted_at: dt.datetime
    is_current: bool


@dataclass(frozen=True)
class InspectionDetail:
    id: int
    bundle_id: str
    revision: int
    is_current: bool
    supersedes_id: int | None
    task_no: str | None
    unplanned: bool
    kind: str
    device_id: str
    started_at: dt.datetime
    finished_at: dt.datetime
    submitted_at: dt.datetime
    customer_no: str
    customer_name: str
    uscc: str
    legal_rep: str
    legal_rep_id_masked: str
    phone_masked: str
    address: str
    industry: str
    branch_name: str
    manager_name: str
    inspector_no: str
    inspector_name: str
    companion_no: str | None
    companion_name: str | None
    opinion: str
    suggested_classification: str | None
    summary: str
    follow_up: str
    voice_notes: tuple[tuple[dt.datetime | None, str], ...]
    loans: tuple[LoanSummary, ...]
    answers: tuple[AnswerRow, ...]
    photos: tuple[PhotoRow, ...]
    revisions: tuple[RevisionRow, ...]
    track_points: int

    @property
    def minutes_on_site(self) -> float:
        return (self.finished_at - self.started_at).total_seconds() / 60


def inspection_detail(session: Session, inspection_id: int, scope: frozenset[str] | None) -> InspectionDetail:
    from data.rules.idcodes import mask_id, mask_phone

    insp = session.get(Inspection, inspection_id)
    if insp is None:
        raise NotFound(what="inspection", key=inspection_id)
    customer = session.get(Customer, insp.customer_no)
    assert customer is not None
    if scope is not None and customer.branch_code not in scope:
        raise NotFound(what="inspection", key=inspection_id)
    names = dict(
        session.execute(
            select(Staff.employee_no, Staff.name).where(
                Staff.employee_no.in_(
                    [x for x in (insp.inspector_no, insp.companion_no, customer.manager_no) if x]
                )
            )
        ).all()
    )
    branch = session.get(Branch, customer.branch_code)
    loans = session.execute(
        select(Loan).where(Loan.customer_no == customer.customer_no).order_by(Loan.disbursed_on)
    ).scalars()
    answers = session.execute(
        select(ChecklistAnswer).where(ChecklistAnswer.inspection_id == insp.id).order_by(ChecklistAnswer.seq)
    ).scalars()
    photos = session.execute(
        select(Photo).where(Photo.inspection_id == insp.id).order_by(Photo.seq)
    ).scalars()
    notes = session.execute(
        select(VoiceNote.at, VoiceNote.text).where(VoiceNote.inspection_id == insp.id).order_by(VoiceNote.seq)
    ).all()
    revisions = session.execute(
        select(Inspection.id, Inspection.revision, Inspection.submitted_at, Inspection.is_current)
        .where(Inspection.bundle_id == insp.bundle_id)
        .order_by(Inspection.revision)
    ).all()
    points = session.execute(
        select(func.count()).select_from(TrackPoint).where(TrackPoint.inspection_id == insp.id)
    ).scalar_one()
    return InspectionDetail(
        id=insp.id,
        bundle_id=insp.bundle_id,
        revision=insp.revision,
        is_current=insp.is_current,
        supersedes_id=insp.supersedes_id,
        task_no=insp.task_no,
        unplanned=insp.unplanned,
        kind=insp.kind,
        device_id=insp.device_id,
        started_at=insp.started_at,
        finished_at=insp.finished_at,
        submitted_at=insp.submitted_at,
        customer_no=customer.customer_no,
        customer_name=customer.name,
        uscc=customer.uscc,
        legal_rep=customer.legal_rep,
        legal_rep_id_masked=mask_id(customer.legal_rep_id),
        phone_masked=mask_phone(customer.phone),
        address=customer.address,
        industry=customer.industry,
        branch_name=branch.name if branch else customer.branch_code,
        manager_name=names.get(customer.manager_no, customer.manager_no),
        inspector_no=insp.inspector_no,
        inspector_name=names.get(insp.inspector_no, insp.inspector_no),
        companion_no=insp.companion_no,
        companion_name=names.get(insp.companion_no) if insp.companion_no else None,
        opinion=insp.opinion,
        suggested_classification=insp.suggested_classification,
        summary=insp.summary,
        follow_up=insp.follow_up,
        voice_notes=tuple((at, text) for at, text in notes),
        loans=tuple(
            LoanSummary(
                ln.loan_no,
                ln.product,
                ln.amount,
                ln.balance,
                ln.classification,
                ln.overdue_days,
                ln.maturity_on,
            )
            for ln in loans
        ),
        answers=tuple(
            AnswerRow(
                a.code,
                a.section,
                a.answer,
                a.value,
                a.abnormal,
                a.deviates,
                a.remark,
                tuple(a.photo_keys or ()),
            )
            for a in answers
        ),
        photos=tuple(
            PhotoRow(
                p.id,
                p.photo_key,
                p.sha256,
                p.category,
                p.taken_at,
                p.lat,
                p.lon,
                p.orig_crs,
                p.exif_taken_at,
                p.exif_lat,
                p.exif_lon,
                p.width,
                p.height,
                p.size_bytes,
                p.watermark,
                p.exif_camera,
            )
            for p in photos
        ),
        revisions=tuple(RevisionRow(r[0], r[1], r[2], r[3]) for r in revisions),
        track_points=int(points),
    )


@dataclass(frozen=True)
class RevisionChanges:
    """What a resubmission changed against the revision it replaced."""

    answers: tuple[tuple[str, AnswerRow | None, AnswerRow | None], ...]  # code, before, after
    conclusion: tuple[tuple[str, str, str], ...]  # field, before, after
    photos_added: tuple[str, ...]  # sha256
    photos_removed: tuple[str, ...]


def compare_revisions(before: InspectionDetail, after: InspectionDetail) -> RevisionChanges:
    """Answers, conclusion fields and photos that differ between two revisions."""
    old = {a.code: a for a in before.answers}
    new = {a.code: a for a in after.answers}
    answers = tuple(
        (code, old.get(code), new.get(code))
        for code in sorted(set(old) | set(new))
        if (
            old.get(code)
            and new.get(code)
            and (old[code].answer, old[code].value, old[code].remark, old[code].abnormal)
            != (new[code].answer, new[code].value, new[code].remark, new[code].abnormal)
        )
        or (code in old) != (code in new)
    )
    conclusion = tuple(
        (name, str(getattr(before, name) or ""), str(getattr(after, name) or ""))
        for name in ("opinion", "suggested_classification", "summary", "follow_up")
        if getattr(before, name) != getattr(after, name)
    )
    old_photos = {p.sha256 for p in before.photos}
    new_photos = {p.sha256 for p in after.photos}
    return RevisionChanges(
        answers, conclusion, tuple(sorted(new_photos - old_photos)), tuple(sorted(old_photos - new_photos))
    )


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def filter_choices(
    session: Session, scope: frozenset[str] | None
) -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
    """The branches and inspectors a user may filter by, within their scope."""
    bq = select(Branch.code, Branch.name, Branch.level).order_by(Branch.code)
    sq = (
        select(Staff.employee_no, Staff.name)
        .where(Staff.role == "CLIENT_MANAGER")
        .order_by(Staff.employee_no)
    )
    if scope is not None:
        bq = bq.where(Branch.code.in_(sorted(scope)))
        sq = sq.where(Staff.branch_code.in_(sorted(scope)))
    branches = tuple(Choice(code, name) for code, name, _level in session.execute(bq).all())
    staff = tuple(Choice(no, f"{name} {no}") for no, name in session.execute(sq).all())
    return branches, staff


# --- imports: runs, files, quarantine --------------------------------------------------------


@dataclass(frozen=True)
class ImportRunRow:
    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    actor: str
    sources: tuple[str, ...]
    status: str
    summary: dict[str, int]


@dataclass(frozen=True)
class ImportFileRow:
    id: int
    path: str
    kind: str
    status: str
    imported: int
    unchanged: int
    rejected: int
    errors: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class QuarantineRow:
    id: int
    bundle_id: str | None
    revision: int | None
    state: str
    source_path: str
    stored_copy: str
    reasons: tuple[dict[str, Any], ...]
    first_seen_at: dt.datetime
    last_tried_at: dt.datetime
    attempts: int


def import_runs(session: Session, limit: int = 200) -> list[ImportRunRow]:
    rows = session.execute(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)).scalars().all()
    return [
        ImportRunRow(
            r.id,
            r.started_at,
            r.finished_at,
            r.actor,
            tuple(r.sources or ()),
            r.status,
            dict(r.summary or {}),
        )
        for r in rows
    ]


def import_files(session: Session, run_id: int) -> list[ImportFileRow]:
    rows = session.execute(
        select(ImportFile).where(ImportFile.run_id == run_id).order_by(ImportFile.id)
    ).scalars()
    return [
        ImportFileRow(
            f.id,
            f.path,
            f.kind,
            f.status,
            f.rows_imported,
            f.rows_unchanged,
            f.rows_rejected,
            tuple(f.errors or ()),
        )
        for f in rows
    ]


def quarantine_entries(
    session: Session, states: tuple[str, ...] = ("WAITING", "REJECTED")
) -> list[QuarantineRow]:
    rows = session.execute(
        select(QuarantineEntry).where(QuarantineEntry.state.in_(states)).order_by(QuarantineEntry.id.desc())
    ).scalars()
    return [
        QuarantineRow(
            q.id,
            q.bundle_id,
            q.revision,
            q.state,
            q.source_path,
            q.stored_copy,
            tuple(q.reasons or ()),
            q.first_seen_at,
            q.last_tried_at,
            q.attempts,
        )
        for q in rows
    ]


def last_successful_pull(session: Session) -> dt.datetime | None:
    return session.execute(
        select(func.max(ImportRun.finished_at)).where(ImportRun.status == "DONE")
    ).scalar_one_or_none()
