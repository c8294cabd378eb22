"""Issued reports: stored with their bytes and SHA-256, listed within scope, downloaded
again exactly as issued (the hash checked on the way out); issuing and downloading are
audited in the same transaction.

A report's number is its prefix, the Beijing date and time and three random digits: JC for
an inspection report (检查), DB for a supervision report (督报).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import audit
from data.models import IssuedReport, Staff

CST = dt.timezone(dt.timedelta(hours=8))
PREFIX = {"INSPECTION": "JC", "SUPERVISION": "DB"}
Scope = frozenset[str] | None


class ReportNotFound(LookupError):
    """No such report, or not within the user's scope."""

    code = "REPORT_NOT_FOUND"


class ReportTampered(RuntimeError):
    """The stored bytes no longer match the hash recorded when the report was issued."""

    code = "REPORT_TAMPERED"


def next_report_no(session: Session, kind: str, at: dt.datetime) -> str:
    """The number a report of ``kind`` made now will carry (printed on its pages before it
    is stored): the prefix, the Beijing date and time to the second and three random
    digits, so two desktops issuing at the same moment do not collide (the unique key
    refuses the one-in-a-thousand that would)."""
    del session  # the number needs nothing stored: no read, no race
    stamp = at.astimezone(CST).strftime("%Y%m%d%H%M%S")
    return f"{PREFIX[kind]}{stamp}{secrets.randbelow(1000):03d}"


def issue(
    session: Session,
    actor: str,
    *,
    report_no: str,
    kind: str,
    file_format: str,
    title: str,
    branch_code: str,
    content: bytes,
    period: str = "",
    subject: str = "",
    pages: int = 0,
    params: dict[str, Any] | None = None,
) -> int:
    """Store an issued report in the caller's transaction and audit it; returns its id."""
    digest = hashlib.sha256(content).hexdigest()
    now = audit.database_now(session)
    row = IssuedReport(
        report_no=report_no,
        kind=kind,
        file_format=file_format,
        title=title,
        branch_code=branch_code,
        period=period,
        subject=subject,
        params=audit.canonical_json(params or {}),
        sha256=digest,
        size=len(content),
        pages=pages,
        issued_by=actor,
        issued_at=now,
        content=content,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor,
        "ISSUE_REPORT",
        "issued_report",
        report_no,
        {
            "kind": kind,
            "format": file_format,
            "branch_code": branch_code,
            "period": period,
            "subject": subject,
            "sha256": digest,
            "size": len(content),
            "pages": pages,
        },
    )
    return row.id


@dataclass(frozen=True)
class IssuedRow:
    id: int
    report_no: str
    kind: str
    file_format: str
    title: str
    branch_code: str
    period: str
    subject: str
    sha256: str
    size: int
    pages: int
    issued_by: str
    issued_by_name: str
    issued_at: dt.datetime


def issued_reports(
    session: Session, scope: Scope, *, kind: str | None = None, limit: int = 500
) -> list[IssuedRow]:
    """The reports issued within scope, newest first (without their bytes)."""
    r = IssuedReport
    stmt = (
        select(
            r.id,
            r.report_no,
            r.kind,
            r.file_format,
            r.title,
            r.branch_code,
            r.period,
            r.subject,
            r.sha256,
            r.size,
            r.pages,
            r.issued_by,
            Staff.name,
            r.issued_at,
        )
        .join(Staff, Staff.employee_no == r.issued_by)
        .order_by(r.issued_at.desc(), r.id.desc())
        .limit(limit)
    )
    if scope is not None:
        stmt = stmt.where(r.branch_code.in_(sorted(scope)))
    if kind:
        stmt = stmt.where(r.kind == kind)
    return [IssuedRow(*row) for row in session.execute(stmt).all()]  # type: ignore[call-arg]


def download(session: Session, scope: Scope, report_id: int, actor: str) -> tuple[IssuedRow, bytes]:
    """A stored report's bytes, checked against its hash, in the caller's (write)
    transaction: the download is audited."""
    stmt = select(IssuedReport).where(IssuedReport.id == report_id)
    if scope is not None:
        stmt = stmt.where(IssuedReport.branch_code.in_(sorted(scope)))
    row = session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise ReportNotFound(report_id)
    content = bytes(row.content)
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise ReportTampered(row.report_no)
    audit.append(session, actor, "DOWNLOAD_REPORT", "issued_report", row.report_no, {"sha256": row.sha256})
    name = session.execute(select(Staff.name).where(Staff.employee_no == row.issued_by)).scalar_one()
    return (
        IssuedRow(
            row.id,
            row.report_no,
            row.kind,
            row.file_format,
            row.title,
            row.branch_code,
            row.period,
            row.subject,
            row.sha256,
            row.size,
            row.pages,
            row.issued_by,
            name,
            row.issued_at,
        ),
        content,
    )


_TITLES = {
    "INSPECTION": ("贷后检查报告 {name}", "Inspection report {name}"),
    "SUPERVISION": ("督导报告 {name} {period}", "Supervision report {name} {period}"),
}


def describe(session: Session, kind: str, params: dict[str, Any]) -> tuple[str, str, str, str]:
    """(branch code, title, subject, period) of a report made from ``params``
    (``inspection_id`` or ``unit`` and ``period``, and ``lang``): what its history row and
    its scope are."""
    from data.models import Branch, Customer, Inspection

    zh = params.get("lang", "zh") == "zh"
    if kind == "INSPECTION":
        row = session.execute(
            select(Inspection.bundle_id, Customer.branch_code, Customer.name)
            .join(Customer, Customer.customer_no == Inspection.customer_no)
            .where(Inspection.id == params["inspection_id"])
        ).one()
        title = _TITLES[kind][0 if zh else 1].format(name=row.name)
        return row.branch_code, title, row.bundle_id, ""
    name = session.execute(select(Branch.name).where(Branch.code == params["unit"])).scalar_one()
    title = _TITLES[kind][0 if zh else 1].format(name=name, period=params["period"])
    return params["unit"], title, "", params["period"]
