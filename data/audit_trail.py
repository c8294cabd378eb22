"""Reads for the audit trail screen: the events filtered and keyset-paged in SQL, the
chain's verification status, and a CSV export safe to open in a spreadsheet.

Rules:

* **Who sees the trail.** Auditors, head-office risk managers and administrators
  (:data:`TRAIL_ROLES`) see the whole trail: it is bank-wide by nature (logins, settings,
  imports) and cannot be cut by branch without guessing. Anyone else sees only the events
  they made themselves, which never shows another branch's borrowers. The screen is offered
  to the trail roles only; the rule is here so that no caller can forget it.
* **Days are Beijing days.** ``time_from``/``time_to`` are dates in China time, inclusive at
  both ends: from Asia/Shanghai midnight of ``time_from`` up to (not including) midnight
  after ``time_to``, converted to UTC, as the other lists bound their dates.
* **Pages follow a keyset** (sort value, event id), never OFFSET; the default order is the
  chain's own, newest first.
* **Export** streams every matching event (not only the pages the screen has loaded) to a
  UTF-8 CSV with a byte-order mark, so Excel opens it with the Chinese intact, and writes it
  to a temporary file beside the target that replaces the target only when complete: a
  failed export leaves no half file. See :func:`csv_safe` for the formula-injection rule.
* **Every export from a screen is watermarked and audited** (:func:`export_audit_trail`):
  a last column names the viewer and the time on every row, and an ``EXPORT`` event (who,
  what, how many rows, the file's SHA-256) is written in the same write transaction before
  the file appears. :func:`export_csv` is the bare writer underneath.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from data import audit
from data.models import AuditEvent, Staff

__all__ = [
    "AUDIT_SORT_KEYS",
    "CSV_COLUMNS",
    "EXPORT_ACTION",
    "PAGE_SIZE",
    "TRAIL_ROLES",
    "WATERMARK_COLUMN",
    "AuditChoices",
    "AuditFilter",
    "AuditRow",
    "AuditScope",
    "ChainStatus",
    "audit_choices",
    "audit_count",
    "audit_page",
    "audit_sort_value",
    "csv_safe",
    "export_audit_trail",
    "export_csv",
    "iter_audit",
    "verify_status",
    "watermark_text",
    "write_csv",
]

PAGE_SIZE = 200
TRAIL_ROLES = frozenset({"AUDITOR", "HEAD_RISK", "ADMIN"})
AUDIT_SORT_KEYS = ("id", "at", "actor", "action", "entity_type", "entity_id")
#: the CSV's columns, in order (the screen may give translated titles for them)
CSV_COLUMNS = (
    "id",
    "time_beijing",
    "at_utc",
    "actor",
    "actor_name",
    "action",
    "entity_type",
    "entity_id",
    "details",
    "prev_hash",
    "hash",
)
_BEIJING = dt.timezone(dt.timedelta(hours=8))
#: a text cell starting with one of these is read as a formula by Excel, LibreOffice
#: Calc or Google Sheets (OWASP CSV Injection; ASVS 1.2.10 adds NUL); the full-width forms
#: are there because an IME on a Chinese workstation types them and some spreadsheets
#: accept them as the ASCII ones
_FORMULA_STARTS = frozenset("=+-@\t\r\n\0＝＋－＠")
_EXPORT_BATCH = 2000
#: the watermark column the audited export adds (its title may be translated)
WATERMARK_COLUMN = "exported_by"
#: the audit action of every export (audit trail CSV, open tasks for the mobile app)
EXPORT_ACTION = "EXPORT"


@dataclass(frozen=True)
class AuditScope:
    """Whose trail a user may read (see the module's rule)."""

    role: str
    employee_no: str

    @property
    def whole_trail(self) -> bool:
        return self.role in TRAIL_ROLES


@dataclass(frozen=True)
class AuditFilter:
    """What the trail is narrowed to. Every field optional."""

    actor: str | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    time_from: dt.date | None = None  # Beijing date, inclusive
    time_to: dt.date | None = None  # Beijing date, inclusive
    text: str | None = None  # contained in the details or the entity id


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime  # UTC
    actor: str
    actor_name: str | None  # None: the actor is no staff member ("system", a demo actor)
    action: str
    entity_type: str
    entity_id: str
    #: the details as an object when they are a JSON object, else the stored text as is
    details: dict[str, Any] | str
    details_json: str  # exactly as stored (and hashed)
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditChoices:
    actions: tuple[str, ...]
    entity_types: tuple[str, ...]
    actors: tuple[tuple[str, str | None], ...]  # (actor, staff name or None)


@dataclass(frozen=True)
class ChainStatus:
    """The chain's verification: ``intact`` events checked before the first bad one (all of
    them when ``ok``); ``problem`` is "hash" (an event altered) or "link" (an event missing
    or inserted)."""

    ok: bool
    intact: int
    first_bad_id: int | None
    problem: str | None
    checked_at: dt.datetime  # database time, UTC


def _midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), _BEIJING).astimezone(dt.UTC)


def _like(text: str) -> str:
    return text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(scope: AuditScope, flt: AuditFilter) -> list[ColumnElement[bool]]:
    e = AuditEvent
    out: list[ColumnElement[bool]] = []
    if not scope.whole_trail:
        out.append(e.actor == scope.employee_no)
    if flt.actor:
        out.append(e.actor == flt.actor)
    if flt.action:
        out.append(e.action == flt.action)
    if flt.entity_type:
        out.append(e.entity_type == flt.entity_type)
    if flt.entity_id:
        out.append(e.entity_id == flt.entity_id)
    if flt.time_from is not None:
        out.append(e.at >= _midnight_utc(flt.time_from))
    if flt.time_to is not None:
        out.append(e.at < _midnight_utc(flt.time_to + dt.timedelta(days=1)))
    if flt.text and flt.text.strip():
        needle = f"%{_like(flt.text)}%"
        out.append(or_(e.details.like(needle, escape="\\"), e.entity_id.like(needle, escape="\\")))
    return out


def _sort_column(sort: str) -> Any:
    if sort not in AUDIT_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    return getattr(AuditEvent, sort)


def audit_sort_value(row: AuditRow, key: str) -> Any:
    """The value of ``row`` that the page keyset (value, id) holds for sort ``key``."""
    if key not in AUDIT_SORT_KEYS:
        raise ValueError(f"unknown sort key {key!r}")
    return getattr(row, key)


def _after(key: Any, after: tuple[Any, int] | None, descending: bool) -> list[ColumnElement[bool]]:
    if after is None:
        return []
    value, last = after
    tie = AuditEvent.id
    if key is tie:
        return [tie < last] if descending else [tie > last]
    if descending:
        return [or_(key < value, and_(key == value, tie < last))]
    return [or_(key > value, and_(key == value, tie > last))]


def _details(raw: str) -> dict[str, Any] | str:
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, dict) else raw


def _page_statement(
    scope: AuditScope, flt: AuditFilter, sort: str, descending: bool, after: tuple[Any, int] | None
) -> Select[*tuple[Any, ...]]:
    key = _sort_column(sort)
    e = AuditEvent
    order: list[Any] = [key.desc(), e.id.desc()] if descending else [key.asc(), e.id.asc()]
    if key is e.id:
        order = order[1:]
    return (
        select(
            e.id,
            e.at,
            e.actor,
            Staff.name,
            e.action,
            e.entity_type,
            e.entity_id,
            e.details,
            e.prev_hash,
            e.hash,
        )
        .outerjoin(Staff, Staff.employee_no == e.actor)
        .where(*_conditions(scope, flt), *_after(key, after, descending))
        .order_by(*order)
    )


def audit_page(
    session: Session,
    scope: AuditScope,
    flt: AuditFilter,
    *,
    sort: str = "id",
    descending: bool = True,
    after: tuple[Any, int] | None = None,
    limit: int = PAGE_SIZE,
) -> list[AuditRow]:
    """One page of the trail after the keyset ``after`` = (sort value, event id); see
    :func:`audit_sort_value`."""
    rows = session.execute(_page_statement(scope, flt, sort, descending, after).limit(limit)).all()
    return [
        AuditRow(
            id=int(r[0]),
            at=r[1],
            actor=r[2],
            actor_name=r[3],
            action=r[4],
            entity_type=r[5],
            entity_id=r[6],
            details=_details(r[7]),
            details_json=r[7],
            prev_hash=r[8],
            hash=r[9],
        )
        for r in rows
    ]


def audit_count(session: Session, scope: AuditScope, flt: AuditFilter) -> int:
    stmt = select(func.count()).select_from(AuditEvent).where(*_conditions(scope, flt))
    return int(session.execute(stmt).scalar_one())


def iter_audit(
    session: Session,
    scope: AuditScope,
    flt: AuditFilter,
    *,
    sort: str = "id",
    descending: bool = True,
    batch: int = _EXPORT_BATCH,
) -> Iterator[AuditRow]:
    """Every matching event, a page at a time (memory stays flat on a large trail)."""
    after: tuple[Any, int] | None = None
    while True:
        rows = audit_page(session, scope, flt, sort=sort, descending=descending, after=after, limit=batch)
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]
        after = (audit_sort_value(last, sort), last.id)


def audit_choices(session: Session, scope: AuditScope) -> AuditChoices:
    """The distinct actions, entity types and actors, for the drop-downs.

    Actions come from the index on ``action``. Actors and entity types have no index: one
    scan of the table reads both (a few hundred milliseconds on a million events, on a
    worker); an index on them is the cure if that ever matters."""
    e = AuditEvent
    where = _conditions(scope, AuditFilter())
    actions = session.execute(select(e.action).where(*where).distinct().order_by(e.action)).scalars().all()
    pairs = session.execute(select(e.actor, e.entity_type).where(*where).distinct()).all()
    actors = sorted({p[0] for p in pairs})
    names: dict[str, str] = {}
    for start in range(0, len(actors), 500):
        chunk = actors[start : start + 500]
        for no, name in session.execute(
            select(Staff.employee_no, Staff.name).where(Staff.employee_no.in_(chunk))
        ):
            names[no] = name
    return AuditChoices(
        actions=tuple(actions),
        entity_types=tuple(sorted({p[1] for p in pairs})),
        actors=tuple((a, names.get(a)) for a in actors),
    )


def verify_status(session: Session) -> ChainStatus:
    """Verify the whole chain (``data.audit.verify``) and say when, in database time."""
    result = audit.verify(session)
    return ChainStatus(
        ok=result.ok,
        intact=result.events,
        first_bad_id=result.first_bad_id,
        problem=result.problem,
        checked_at=audit.database_now(session),
    )


# -- CSV export --------------------------------------------------------------------------------


def csv_safe(text: str) -> str:
    """A text cell as a spreadsheet may safely read it (OWASP "CSV Injection").

    A cell whose first character is ``=``, ``+``, ``-``, ``@``, a tab, a carriage return
    (OWASP's list), a line feed or NUL (ASVS 1.2.10), or the full-width ``＝＋－＠``, is
    prefixed with a single quote, which spreadsheets take as "this is text". So is a cell
    that reaches such a character after leading spaces, since some spreadsheets strip them
    before deciding. Only text cells are treated: numbers are written as numbers. Every
    text cell is also written in double quotes with inner quotes doubled (RFC 4180), as
    OWASP advises. The quote is visible to a program reading the CSV as plain text: the
    price of safety, said here so nobody "fixes" it.
    """
    if not text:
        return text
    stripped = text.lstrip(" \u3000")
    if text[0] in _FORMULA_STARTS or (stripped and stripped[0] in _FORMULA_STARTS):
        return "'" + text
    return text


def _fmt_utc(at: dt.datetime) -> str:
    # the form the chain hashes (data.audit), so the CSV can be checked on its own
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _csv_cells(row: AuditRow) -> list[Any]:
    texts = (
        row.at.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        _fmt_utc(row.at),
        row.actor,
        row.actor_name or "",
        row.action,
        row.entity_type,
        row.entity_id,
        row.details_json,
        row.prev_hash,
        row.hash,
    )
    return [row.id, *(csv_safe(t) for t in texts)]


def write_csv(
    rows: Iterable[AuditRow],
    path: str | os.PathLike[str],
    header: Sequence[str] | None = None,
    *,
    watermark: str | None = None,
    watermark_title: str = WATERMARK_COLUMN,
    before_replace: Callable[[int, str], None] | None = None,
) -> int:
    """Write ``rows`` to ``path`` as a UTF-8 CSV with a BOM, atomically; return how many.

    ``header``: titles for :data:`CSV_COLUMNS` (default: those names). ``watermark``: a
    last column (titled ``watermark_title``) carrying that text on every row (see
    :func:`export_audit_trail`). ``before_replace(rows, sha256)`` runs once the complete
    file is on disk and before it takes the target's place (the audit event is written
    there: if it fails, no file appears). The file appears only when complete; on any
    failure the temporary file is removed and the target, if it existed, is left as it
    was."""
    target = Path(path)
    titles = list(header) if header is not None else list(CSV_COLUMNS)
    if len(titles) != len(CSV_COLUMNS):
        raise ValueError(f"{len(CSV_COLUMNS)} column titles needed, got {len(titles)}")
    if watermark is not None:
        titles.append(watermark_title)
    mark = [csv_safe(watermark)] if watermark is not None else []
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
            writer.writerow([csv_safe(t) for t in titles])
            for row in rows:
                writer.writerow(_csv_cells(row) + mark)
                n += 1
            out.flush()
            os.fsync(out.fileno())
        if before_replace is not None:
            before_replace(n, hashlib.sha256(Path(tmp).read_bytes()).hexdigest())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def export_csv(
    session: Session,
    scope: AuditScope,
    flt: AuditFilter,
    path: str | os.PathLike[str],
    *,
    sort: str = "id",
    descending: bool = True,
    header: Sequence[str] | None = None,
) -> int:
    """Export every event ``scope`` and ``flt`` select, in the given order; return how many.
    Neither watermarked nor audited: what users export goes through
    :func:`export_audit_trail`."""
    return write_csv(iter_audit(session, scope, flt, sort=sort, descending=descending), path, header)


def watermark_text(employee_no: str, name: str, at: dt.datetime) -> str:
    """The viewer's watermark: who exported, and when (Beijing time). Data, not words: the
    same in every language."""
    return f"{employee_no} {name} {at.astimezone(_BEIJING):%Y-%m-%d %H:%M:%S} +08:00"


def export_audit_trail(
    session: Session,
    viewer: Any,
    flt: AuditFilter,
    path: str | os.PathLike[str],
    *,
    sort: str = "id",
    descending: bool = True,
    header: Sequence[str] | None = None,
    watermark_title: str = WATERMARK_COLUMN,
) -> int:
    """The audit trail screen's export, in the caller's write transaction: every event the
    viewer's scope (``viewer``: a ``data.auth.UserSession``) and ``flt`` select, each row
    watermarked with the viewer (:func:`watermark_text`, in a last column), and audited as
    ``EXPORT`` (who, what, the filter, how many rows, the file's name and SHA-256) before
    the file appears: no export without its audit event, no audit event without a file
    unless the commit itself fails.

    The watermark is a column, not a comment line: every row carries it (a row copied
    elsewhere keeps it), and Excel, pandas and any strict CSV reader open the file as they
    did before. Returns how many events were written."""
    scope = AuditScope(viewer.role, viewer.employee_no)
    now = audit.database_now(session)
    mark = watermark_text(viewer.employee_no, viewer.name, now)
    target = Path(path)

    def record(rows: int, digest: str) -> None:
        audit.append(
            session,
            viewer.employee_no,
            EXPORT_ACTION,
            "audit_trail",
            target.name[:100],
            {
                "what": "audit_trail",
                "rows": rows,
                "filter": {k: str(v) for k, v in vars(flt).items() if v is not None},
                "sort": sort,
                "descending": descending,
                "file": target.name,
                "sha256": digest,
                "watermark": mark,
            },
        )
        session.flush()

    return write_csv(
        iter_audit(session, scope, flt, sort=sort, descending=descending),
        target,
        header,
        watermark=mark,
        watermark_title=watermark_title,
        before_replace=record,
    )
