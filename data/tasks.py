"""Post-loan tasks after the health check created them: answered by bundles, exported for
the mobile app.

Rules:

* An inspection bundle answers a task by ``task_no``. Importing it closes the task (DONE,
  ``closed_at``, the inspection that answered it) in the same transaction that stores the
  bundle, if the task is OPEN and is for the bundle's customer. A task already DONE (a
  resubmitted revision answers it again) or REPLACED stays as it is.
* A bundle naming a task the workstation issued is planned, whatever the task's status
  now (``data.ingest.bundles``; the UNPLANNED authenticity flag says the same).
* Overdue is a fact of the date, not a status: an OPEN task whose ``due_on`` has passed
  (:func:`overdue_filter`, ``PostLoanTask.is_overdue``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any, TextIO

from sqlalchemy import ColumnElement, and_, bindparam, select, update
from sqlalchemy.orm import Session

from data.audit import AuditRecord
from data.models import PostLoanTask, table

CST = dt.timezone(dt.timedelta(hours=8))


def close_answered(
    session: Session, answers: Iterable[tuple[str | None, str, int]], now: dt.datetime, actor: str
) -> list[AuditRecord]:
    """Close the OPEN tasks that (task_no, customer_no, inspection_id) answers name, in the
    caller's transaction; returns the audit records for the caller to append."""
    wanted: dict[str, tuple[str, int]] = {}
    for task_no, customer_no, inspection_id in answers:
        if task_no and task_no not in wanted:
            wanted[task_no] = (customer_no, inspection_id)
    if not wanted:
        return []
    t = table(PostLoanTask).c
    keys = sorted(wanted)
    closing: list[dict[str, Any]] = []
    for start in range(0, len(keys), 2000):
        row: Any
        for row in session.execute(
            select(t.task_no, t.customer_no).where(
                t.task_no.in_(keys[start : start + 2000]), t.status == "OPEN"
            )
        ):
            if wanted[row.task_no][0] == row.customer_no:
                closing.append({"_no": row.task_no, "_insp": wanted[row.task_no][1]})
    if not closing:
        return []
    session.connection().execute(
        update(table(PostLoanTask))
        .where(t.task_no == bindparam("_no"), t.status == "OPEN")
        .values(status="DONE", closed_at=now, closed_by_inspection_id=bindparam("_insp")),
        closing,
    )
    return [
        AuditRecord(actor, "CLOSE_TASK", "post_loan_task", c["_no"], {"inspection_id": c["_insp"]})
        for c in closing
    ]


def overdue_filter(today: dt.date) -> ColumnElement[bool]:
    """The SQL condition for an overdue task (OPEN and past its due date)."""
    return and_(PostLoanTask.status == "OPEN", PostLoanTask.due_on < today)


def _iso_cst(at: dt.datetime) -> str:
    return at.astimezone(CST).isoformat(timespec="seconds")


def open_task_lines(session: Session) -> list[dict[str, Any]]:
    """The open tasks as INTERCHANGE.md writes them for the mobile app, by task number."""
    t = table(PostLoanTask).c
    rows = session.execute(
        select(
            t.task_no,
            t.customer_no,
            t.loan_no,
            t.kind,
            t.tier,
            t.due_on,
            t.assignee_no,
            t.reason,
            t.required_photos,
            t.created_at,
        )
        .where(t.status == "OPEN")
        .order_by(t.task_no)
    ).all()
    return [
        {
            "task_no": r.task_no,
            "customer_no": r.customer_no,
            "loan_no": r.loan_no,
            "kind": r.kind,
            "tier": r.tier,
            "due_on": r.due_on.isoformat(),
            "assignee": r.assignee_no,
            "reason": r.reason,
            "required_photos": list(r.required_photos or []),
            "created_at": _iso_cst(r.created_at),
        }
        for r in rows
    ]


def export_open_tasks(
    session: Session, out: TextIO, actor: str, *, target: str = "-", context: dict[str, Any] | None = None
) -> int:
    """Write the open tasks, one JSON object a line, and audit the export (``EXPORT``: who,
    what, how many rows, where to, and the SHA-256 of the text written) in the caller's
    write transaction; returns how many.

    The lines are exactly INTERCHANGE.md's: the file is the mobile app's input, so it
    carries no watermark (any extra line or field would change that contract); who took it
    is in the audit trail, which the file's hash ties to it. ``context`` adds facts for the
    event (the command line's operating-system account, say)."""
    from data import audit
    from data.audit_trail import EXPORT_ACTION

    lines = open_task_lines(session)
    text = "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)
    details: dict[str, Any] = {
        "what": "open_tasks",
        "format": "jsonl",
        "rows": len(lines),
        "file": target,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    details.update(context or {})
    audit.append(session, actor, EXPORT_ACTION, "post_loan_task", "open_tasks", details)
    session.flush()
    out.write(text)
    return len(lines)


def default_export_name(today: dt.date) -> str:
    return f"tasks-{today:%Y%m%d}.jsonl"
