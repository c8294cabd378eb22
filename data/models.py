"""The database schema: typed SQLAlchemy 2 models.

Conventions:
* business keys from the bank's systems (branch code, employee number, customer and loan
  numbers) are the primary keys of master data; everything the workstation creates gets a
  surrogate integer key;
* every time is UTC (``UtcDateTime``), money is exact (``Fixed(2)``, yuan);
* coordinates are WGS-84 in ``lat``/``lon``; what the source sent is kept beside them in
  ``orig_lat``/``orig_lon``/``orig_crs``;
* relationships are ``lazy="raise"``: an accidental lazy load fails loudly instead of
  issuing a query from wherever the object happens to be.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from data.types import Fixed, UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Fixed(2)
BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrement needs INTEGER


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table(model: type[Base]) -> Table:
    """A model's Core table, for bulk writes that skip the ORM's per-row bookkeeping."""
    return cast(Table, model.__table__)


class Branch(Base):
    """An organisation unit: the head office, a branch (分行) or a sub-branch (支行)."""

    __tablename__ = "branches"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))  # HEAD, BRANCH, SUB
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("branches.code"), index=True)
    city: Mapped[str] = mapped_column(String(50), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    orig_lat: Mapped[float | None] = mapped_column(Float)
    orig_lon: Mapped[float | None] = mapped_column(Float)
    orig_crs: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Staff(Base):
    """An employee. Only some roles log in; their password is an argon2 hash."""

    __tablename__ = "staff"

    employee_no: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    branch_code: Mapped[str] = mapped_column(ForeignKey("branches.code"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Customer(Base):
    __tablename__ = "customers"

    customer_no: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    legal_rep: Mapped[str] = mapped_column(String(50), default="")
    legal_rep_id: Mapped[str] = mapped_column(String(18), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    industry: Mapped[str] = mapped_column(String(2), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    orig_lat: Mapped[float | None] = mapped_column(Float)
    orig_lon: Mapped[float | None] = mapped_column(Float)
    orig_crs: Mapped[str | None] = mapped_column(String(10))
    branch_code: Mapped[str] = mapped_column(ForeignKey("branches.code"), index=True)
    manager_no: Mapped[str] = mapped_column(ForeignKey("staff.employee_no"), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Loan(Base):
    """A loan as of its latest snapshot; earlier snapshots live in ``LoanSnapshot``."""

    __tablename__ = "loans"

    loan_no: Mapped[str] = mapped_column(String(30), primary_key=True)
    customer_no: Mapped[str] = mapped_column(ForeignKey("customers.customer_no"), index=True)
    product: Mapped[str] = mapped_column(String(100), default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    balance: Mapped[Decimal] = mapped_column(Money)
    rate: Mapped[Decimal] = mapped_column(Fixed(6))
    disbursed_on: Mapped[dt.date] = mapped_column(Date)
    maturity_on: Mapped[dt.date] = mapped_column(Date)
    guarantee: Mapped[str] = mapped_column(String(20))
    payment: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(200), default="")
    classification: Mapped[str] = mapped_column(String(20))
    overdue_days: Mapped[int] = mapped_column(Integer, default=0)
    as_of: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class LoanSnapshot(Base):
    """The history of a loan's classification, overdue days and balance, one row a date."""

    __tablename__ = "loan_snapshots"
    __table_args__ = (UniqueConstraint("loan_no", "as_of"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    loan_no: Mapped[str] = mapped_column(ForeignKey("loans.loan_no"))
    as_of: Mapped[dt.date] = mapped_column(Date)
    classification: Mapped[str] = mapped_column(String(20))
    overdue_days: Mapped[int] = mapped_column(Integer)
    balance: Mapped[Decimal] = mapped_column(Money)


class RiskSignal(Base):
    """A risk signal from one of the nine external sources.

    ``customer_no`` is set once the signal is matched to a known customer (by number, or
    by USCC); until then the signal is kept as unmatched with what the source sent.
    """

    __tablename__ = "risk_signals"
    __table_args__ = (UniqueConstraint("source", "signal_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(30))
    signal_id: Mapped[str] = mapped_column(String(100))
    customer_no: Mapped[str | None] = mapped_column(ForeignKey("customers.customer_no"), index=True)
    sent_customer_no: Mapped[str | None] = mapped_column(String(30))
    sent_uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    type: Mapped[str] = mapped_column(String(40))
    type_known: Mapped[bool] = mapped_column(Boolean, default=True)
    severity: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    detected_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[Decimal | None] = mapped_column(Money)
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    matched_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # the review by a risk manager (``data.commands.review_signal``): NEW until reviewed,
    # then CONFIRMED (counts fully in the health check) or DISMISSED (not at all)
    status: Mapped[str] = mapped_column(String(10), default="NEW", server_default="NEW")
    reviewed_by: Mapped[str | None] = mapped_column(String(50))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    review_reason: Mapped[str | None] = mapped_column(Text)


class Inspection(Base):
    """One revision of an inspection bundle submitted from the mobile app.

    (``bundle_id``, ``revision``) is the idempotency key. A higher revision supersedes the
    lower ones, which are kept: ``is_current`` marks the highest revision of a bundle and
    ``supersedes_id`` links a resubmission to the revision it replaced.
    """

    __tablename__ = "inspections"
    __table_args__ = (
        UniqueConstraint("bundle_id", "revision"),
        Index("ix_inspections_customer_current", "customer_no", "is_current"),
        Index("ix_inspections_submitted", "submitted_at"),
        # the authenticity checks' evidence: an inspector's visits, a device's, in time order
        Index("ix_inspections_inspector_started", "inspector_no", "started_at"),
        Index("ix_inspections_device_started", "device_id", "started_at"),
        # the approval queues: pending revisions by state, oldest first
        Index("ix_inspections_state_waiting", "state", "is_current", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    bundle_id: Mapped[str] = mapped_column(String(36))
    revision: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    task_no: Mapped[str | None] = mapped_column(String(40), index=True)
    unplanned: Mapped[bool] = mapped_column(Boolean, default=False)
    customer_no: Mapped[str] = mapped_column(ForeignKey("customers.customer_no"))
    inspector_no: Mapped[str] = mapped_column(ForeignKey("staff.employee_no"), index=True)
    companion_no: Mapped[str | None] = mapped_column(ForeignKey("staff.employee_no"))
    device_id: Mapped[str] = mapped_column(String(100), default="", index=True)
    kind: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    submitted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    opinion: Mapped[str] = mapped_column(String(10))
    suggested_classification: Mapped[str | None] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    manifest: Mapped[str] = mapped_column(Text)  # the manifest exactly as delivered
    import_file_id: Mapped[int | None] = mapped_column(ForeignKey("import_files.id"))
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    #: the approval workflow (``data.rules.approval``): the revision's state, a counter
    #: every decision bumps (two desktops deciding at once: the second finds it moved), and
    #: when it entered the state (None: at submission)
    state: Mapped[str] = mapped_column(String(12), default="SUBMITTED", server_default="SUBMITTED")
    state_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    state_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    photos: Mapped[list[Photo]] = relationship(lazy="raise", order_by="Photo.seq")


class InspectionDecision(Base):
    """One decision on an inspection revision (``data.rules.approval``).

    (``inspection_id``, ``from_version``) is unique: one decision per state of a revision,
    so two approvers acting at once can never both decide. Triggers refuse a decision by
    the inspector, the companion or the customer's manager (four-eyes), and any UPDATE or
    DELETE: decisions are history."""

    __tablename__ = "inspection_decisions"
    __table_args__ = (UniqueConstraint("inspection_id", "from_version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    from_version: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(10))  # BRANCH, HEAD
    action: Mapped[str] = mapped_column(String(12))
    from_state: Mapped[str] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(ForeignKey("staff.employee_no"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    reason_code: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")
    #: why head office must review an approval (JSON list: TIER, HIGH_FLAG, SAMPLE)
    review_reasons: Mapped[str] = mapped_column(Text, default="[]")


class SupervisionOrder(Base):
    """A head-office order (督导) to a branch or a client manager to act on an inspection or
    a customer by a date; the branch answers and head office closes it or sends it back."""

    __tablename__ = "supervision_orders"
    __table_args__ = (Index("ix_supervision_orders_status_branch", "status", "branch_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(String(30), unique=True)
    action: Mapped[str] = mapped_column(String(12))  # REINSPECT, RECTIFY, EXPLAIN
    customer_no: Mapped[str] = mapped_column(ForeignKey("customers.customer_no"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))
    branch_code: Mapped[str] = mapped_column(ForeignKey("branches.code"))
    assignee_no: Mapped[str | None] = mapped_column(ForeignKey("staff.employee_no"))  # None: the branch
    instruction: Mapped[str] = mapped_column(Text)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="OPEN")  # OPEN, ANSWERED, CLOSED
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by: Mapped[str] = mapped_column(ForeignKey("staff.employee_no"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str | None] = mapped_column(ForeignKey("staff.employee_no"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(ForeignKey("staff.employee_no"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    #: head office's last word: why it was sent back, or its closing remark
    remark: Mapped[str] = mapped_column(Text, default="")


class IssuedReport(Base):
    """A report as issued: its bytes (so it downloads again exactly as issued, from any
    desktop on the database), their SHA-256, and what it was made of."""

    __tablename__ = "issued_reports"
    __table_args__ = (Index("ix_issued_reports_kind_issued", "kind", "issued_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_no: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # INSPECTION, SUPERVISION
    file_format: Mapped[str] = mapped_column(String(10))  # pdf, xlsx
    title: Mapped[str] = mapped_column(String(200))
    #: the unit whose data it holds (its scope decides who may download it)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branches.code"))
    period: Mapped[str] = mapped_column(String(20), default="")  # 2026-11, 2026-Q4
    subject: Mapped[str] = mapped_column(String(100), default="")  # bundle id, customer number
    params: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    issued_by: Mapped[str] = mapped_column(ForeignKey("staff.employee_no"))
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class InspectionFlag(Base):
    """An authenticity finding about one inspection revision (``data.rules.authenticity``).

    ``detail`` is the structured evidence (codes, numbers, UTC times; the screens word
    it); ``related_inspection_id`` names the other inspection that is the evidence, if
    one is (the earlier one a photo or a report was copied from, the previous visit, the
    nearest visit on a shared device). A revision's flags are replaced as a whole
    whenever they are computed again; ``computed_at`` says when that was.
    """

    __tablename__ = "inspection_flags"
    # the dashboard counts flagged inspections by severity without reading each flag row
    __table_args__ = (Index("ix_inspection_flags_inspection_severity", "inspection_id", "severity"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    code: Mapped[str] = mapped_column(String(30), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    related_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    computed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class PendingFlags(Base):
    """Inspections whose authenticity flags are still to be computed: a queue written in
    the transaction that imports the bundle, emptied by the transaction that computes the
    flags (in batches, which costs a fraction of one bundle at a time). Whatever a killed
    import left here is computed by the next one."""

    __tablename__ = "flags_pending"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), primary_key=True)


class PostLoanTask(Base):
    """A post-loan task the health check created, for the mobile app (INTERCHANGE.md).

    An inspection bundle answers a task by ``task_no``; a bundle naming no task, or one
    the workstation never issued, is an unplanned inspection.
    """

    __tablename__ = "post_loan_tasks"
    __table_args__ = (
        Index("ix_post_loan_tasks_status_customer", "status", "customer_no"),
        # the dashboard's task counts: due in a period, and open past their date
        Index("ix_post_loan_tasks_due_status", "due_on", "status"),
        Index("ix_post_loan_tasks_status_due", "status", "due_on"),
    )

    task_no: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_no: Mapped[str] = mapped_column(ForeignKey("customers.customer_no"), index=True)
    loan_no: Mapped[str | None] = mapped_column(ForeignKey("loans.loan_no"))
    kind: Mapped[str] = mapped_column(String(10))
    tier: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[dt.date] = mapped_column(Date)
    assignee_no: Mapped[str] = mapped_column(ForeignKey("staff.employee_no"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    required_photos: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="OPEN")  # OPEN, DONE, REPLACED
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    replaced_by: Mapped[str | None] = mapped_column(String(40))  # the more urgent task
    # the inspection that answered it (no foreign key: added to a table that SQLite could
    # only give one by copying it whole)
    closed_by_inspection_id: Mapped[int | None] = mapped_column(BigId)

    def is_overdue(self, today: dt.date) -> bool:
        """Past due and still open (overdue is a fact of the date, not a status)."""
        return self.status == "OPEN" and self.due_on < today


class HealthModelVersion(Base):
    """One version of the health check's model (``data.rules.health.HealthModel``) as
    JSON. DRAFT until applied; exactly one is ACTIVE; an applied model that another
    replaced is RETIRED. Version 1 is the defaults, written on first use."""

    __tablename__ = "health_models"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    params: Mapped[dict[str, object]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10))  # DRAFT, ACTIVE, RETIRED
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(50))
    applied_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    applied_by: Mapped[str | None] = mapped_column(String(50))


class HealthScore(Base):
    """A customer's health score on one as-of date: one row a customer a date (the
    history gives trends and tier migration), with the per-factor breakdown and the
    model version that produced it."""

    __tablename__ = "health_scores"
    __table_args__ = (
        UniqueConstraint("customer_no", "as_of"),
        Index("ix_health_scores_as_of_tier", "as_of", "tier"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    customer_no: Mapped[str] = mapped_column(ForeignKey("customers.customer_no"))
    as_of: Mapped[dt.date] = mapped_column(Date)
    model_version: Mapped[int] = mapped_column(ForeignKey("health_models.version"))
    score: Mapped[float] = mapped_column(Float)
    base_score: Mapped[float] = mapped_column(Float)
    tier: Mapped[str] = mapped_column(String(10))
    breakdown: Mapped[dict[str, object]] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class CustomerIssue(Base):
    """A finding about a customer the health check keeps current, e.g. an objective
    classification check a loan fails (``data.rules.health.CLASSIFICATION_CHECKS``).
    OPEN while the check still fails; RESOLVED (with the date) once it no longer does.
    At most one OPEN row per (customer, loan, code)."""

    __tablename__ = "customer_issues"
    __table_args__ = (Index("ix_customer_issues_status_customer", "status", "customer_no"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    customer_no: Mapped[str] = mapped_column(ForeignKey("customers.customer_no"), index=True)
    loan_no: Mapped[str | None] = mapped_column(ForeignKey("loans.loan_no"))
    code: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="OPEN")  # OPEN, RESOLVED
    first_seen_on: Mapped[dt.date] = mapped_column(Date)
    last_seen_on: Mapped[dt.date] = mapped_column(Date)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)


class VoiceNote(Base):
    __tablename__ = "voice_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    text: Mapped[str] = mapped_column(Text, default="")


class ChecklistAnswer(Base):
    """An answer to one item of the checklist template.

    ``abnormal`` is what the inspector marked; ``deviates`` is the workstation's own
    finding that a YES/NO answer differs from the template's healthy answer.
    """

    __tablename__ = "checklist_answers"
    __table_args__ = (UniqueConstraint("inspection_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    seq: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    section: Mapped[str] = mapped_column(String(10))
    answer: Mapped[str] = mapped_column(String(10))
    value: Mapped[str | None] = mapped_column(Text)
    abnormal: Mapped[bool] = mapped_column(Boolean, default=False)
    deviates: Mapped[bool] = mapped_column(Boolean, default=False)
    remark: Mapped[str] = mapped_column(Text, default="")
    photo_keys: Mapped[list[str]] = mapped_column(JSON, default=list)


class Photo(Base):
    """A photo of an inspection. The original file is stored once, by its SHA-256.

    The same SHA-256 in two inspections is exactly what a supervisor wants to find (a photo
    reused from another visit), so it is indexed but not unique.
    """

    __tablename__ = "photos"
    __table_args__ = (UniqueConstraint("inspection_id", "photo_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    seq: Mapped[int] = mapped_column(Integer)
    photo_key: Mapped[str] = mapped_column(String(50))
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(20))
    taken_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    orig_lat: Mapped[float | None] = mapped_column(Float)
    orig_lon: Mapped[float | None] = mapped_column(Float)
    orig_crs: Mapped[str | None] = mapped_column(String(10))
    watermark: Mapped[str] = mapped_column(Text, default="")
    exif_taken_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    exif_lat: Mapped[float | None] = mapped_column(Float)
    exif_lon: Mapped[float | None] = mapped_column(Float)
    exif_camera: Mapped[str | None] = mapped_column(String(100))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    phash: Mapped[str] = mapped_column(String(16), index=True)


class InspectionDocument(Base):
    """A scanned document delivered under ``docs/`` in a bundle (PDF or JPEG)."""

    __tablename__ = "inspection_documents"
    __table_args__ = (UniqueConstraint("inspection_id", "file_name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(50))
    size_bytes: Mapped[int] = mapped_column(BigInteger)


class TrackPoint(Base):
    __tablename__ = "track_points"
    __table_args__ = (Index("ix_track_points_inspection_seq", "inspection_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    seq: Mapped[int] = mapped_column(Integer)
    t: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    orig_lat: Mapped[float] = mapped_column(Float)
    orig_lon: Mapped[float] = mapped_column(Float)
    orig_crs: Mapped[str] = mapped_column(String(10))
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    event: Mapped[str] = mapped_column(String(10))


class ImportRun(Base):
    """One pull from one or more sources."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(50))
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="RUNNING")
    summary: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class ImportFile(Base):
    """The outcome of one file (or folder bundle) within an import run."""

    __tablename__ = "import_files"
    __table_args__ = (Index("ix_import_files_sha256", "sha256"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str | None] = mapped_column(String(64))
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    finished_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class QuarantineEntry(Base):
    """A bundle that could not be imported, kept with its reasons.

    ``WAITING``: it names a customer or staff member not (yet) in master data and is
    retried on every later import until they arrive (then ``RELEASED``).
    ``REJECTED``: invalid; kept for the record, never retried.
    """

    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("content_sha256"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    bundle_id: Mapped[str | None] = mapped_column(String(100), index=True)
    revision: Mapped[int | None] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str] = mapped_column(Text)
    stored_copy: Mapped[str] = mapped_column(Text)  # zip kept in the data folder
    state: Mapped[str] = mapped_column(String(10))  # WAITING, REJECTED, RELEASED
    reasons: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_tried_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))


class FeedCursor(Base):
    """How far an HTTP feed has been committed."""

    __tablename__ = "feed_cursors"

    base_url: Mapped[str] = mapped_column(String(500), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AppSetting(Base):
    """Settings shared by every desktop on the same database (e.g. the photo store)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """The append-only, hash-chained audit trail.

    Each event's ``hash`` is SHA-256 over its own content and the previous event's hash,
    so altering, inserting or deleting any event breaks the chain from there on.
    ``prev_hash`` is unique: two events can never claim the same predecessor (a fork).
    Triggers refuse UPDATE and DELETE on this table.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(50), index=True)
    entity_type: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(100))
    details: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))
