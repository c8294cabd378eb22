"""The tamper-evident audit trail.

Rule: every state change is written with its audit event in the same transaction. Each
event is chained to the one before it: ``hash = SHA-256(prev_hash | at | actor | action |
entity_type | entity_id | details)``. The time is the database's, not the desktop's, so a
wrong clock on one workstation cannot reorder history. Appends are serialised (an
advisory lock on PostgreSQL; SQLite write transactions are ``BEGIN IMMEDIATE``), and the
unique ``prev_hash`` makes a fork impossible even if that were bypassed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from data.models import AuditEvent, table

GENESIS = "0" * 64
_APPEND_LOCK_KEY = 7_316_002
SYSTEM_ACTOR = "system"


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _fmt_time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    prev_hash: str,
    at: dt.datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    details: str,
) -> str:
    payload = "|".join((prev_hash, _fmt_time(at), actor, action, entity_type, entity_id, details))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def database_now(session: Session) -> dt.datetime:
    """The database server's current time, in UTC."""
    if session.get_bind().dialect.name == "postgresql":
        value: Any = session.execute(text("SELECT clock_timestamp()")).scalar_one()
        assert isinstance(value, dt.datetime)
        return value.astimezone(dt.UTC)
    raw: Any = session.execute(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")).scalar_one()
    return dt.datetime.fromisoformat(str(raw)).replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class AuditRecord:
    actor: str
    action: str
    entity_type: str
    entity_id: str
    details: dict[str, Any]


def append(
    session: Session,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    details: dict[str, Any] | None = None,
) -> str:
    """Append one event in the caller's transaction; return its hash."""
    return append_many(session, [AuditRecord(actor, action, entity_type, entity_id, details or {})])


def append_many(session: Session, records: Iterable[AuditRecord], at: dt.datetime | None = None) -> str:
    """Append several events in order, in the caller's transaction; return the last hash.

    ``at`` is the database time the caller already read in this transaction, if any."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _APPEND_LOCK_KEY})
    prev = (
        session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar_one_or_none()
        or GENESIS
    )
    at = at or database_now(session)
    rows = []
    for rec in records:
        details = canonical_json(rec.details)
        digest = event_hash(prev, at, rec.actor, rec.action, rec.entity_type, rec.entity_id, details)
        rows.append(
            {
                "at": at,
                "actor": rec.actor,
                "action": rec.action,
                "entity_type": rec.entity_type,
                "entity_id": rec.entity_id,
                "details": details,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    if rows:
        session.execute(insert(table(AuditEvent)), rows)
    return prev


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    first_bad_id: int | None = None
    problem: str | None = None  # "hash" (event altered) or "link" (event missing/inserted)


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; name the first event whose hash or link does not hold."""
    prev = GENESIS
    count = 0
    last_id = 0
    while True:
        events = (
            session.execute(
                select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
            )
            .scalars()
            .all()
        )
        if not events:
            return VerifyResult(ok=True, events=count)
        for ev in events:
            if ev.prev_hash != prev:
                return VerifyResult(False, count, ev.id, "link")
            expected = event_hash(
                ev.prev_hash, ev.at, ev.actor, ev.action, ev.entity_type, ev.entity_id, ev.details
            )
            if expected != ev.hash:
                return VerifyResult(False, count, ev.id, "hash")
            prev = ev.hash
            count += 1
            last_id = ev.id
        session.expunge_all()
