"""Every export carries the viewer's watermark where its format can, and is audited
(``EXPORT``: who, what, how many rows) in a write transaction:

* the audit trail CSV: a last column ``exported_by`` on every row (readable as before by
  Excel, pandas and the csv module), the event names the file's SHA-256;
* the open tasks for the mobile app (JSONL): INTERCHANGE.md's lines exactly, no watermark
  (the contract has no place for one), the event names the text's SHA-256 so the file is
  tied to who took it;
* reports: watermarked on every page or sheet and audited as ``ISSUE_REPORT`` and
  ``DOWNLOAD_REPORT`` (tested with the reports; checked again here).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from data import audit
from data.audit_trail import (
    CSV_COLUMNS,
    EXPORT_ACTION,
    WATERMARK_COLUMN,
    AuditFilter,
    audit_count,
    export_audit_trail,
)
from data.auth import user_session
from data.health import run_health_check
from data.ingest.runner import Importer
from data.models import AuditEvent, Staff
from data.tasks import export_open_tasks, open_task_lines

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def bank(db: Any, examples_dir: Path) -> Any:
    assert Importer(db).run([str(examples_dir)]).exit_code == 0
    import datetime as dt

    run_health_check(db, dt.date(2026, 11, 28))
    return db


def _user(db: Any, employee_no: str) -> Any:
    with db.read_session() as s:
        return user_session(s, s.get(Staff, employee_no))


def _last_event(db: Any) -> AuditEvent:
    with db.read_session() as s:
        return s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()


def _count(db: Any) -> int:
    with db.read_session() as s:
        return len(s.execute(select(AuditEvent.id)).all())


# -- the audit trail CSV ----------------------------------------------------------------------


def test_the_audit_trail_export_is_watermarked_and_audited(bank: Any, tmp_path: Path) -> None:
    auditor = _user(bank, "H0002")
    target = tmp_path / "审计.csv"
    with bank.read_session() as s:
        expected = audit_count(s, auditor_scope(auditor), AuditFilter())
    with bank.write_session() as s:
        n = export_audit_trail(s, auditor, AuditFilter(), target, descending=False)
    assert n == expected
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens the Chinese intact
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [*CSV_COLUMNS, WATERMARK_COLUMN]
    assert len(rows) == n + 1
    marks = {r[-1] for r in rows[1:]}
    assert len(marks) == 1
    (mark,) = marks
    assert mark.startswith("H0002 林芳静 ")
    assert mark.endswith(" +08:00")

    import pandas as pd

    frame = pd.read_csv(target, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == [*CSV_COLUMNS, WATERMARK_COLUMN]
    assert len(frame) == n
    assert set(frame[WATERMARK_COLUMN]) == {mark}

    event = _last_event(bank)
    assert (event.actor, event.action, event.entity_type, event.entity_id) == (
        "H0002",
        EXPORT_ACTION,
        "audit_trail",
        "审计.csv",
    )
    details = json.loads(event.details)
    assert details["what"] == "audit_trail"
    assert details["rows"] == n
    assert details["sha256"] == hashlib.sha256(raw).hexdigest()  # the file is tied to its event
    assert details["watermark"] == mark
    assert details["filter"] == {}
    with bank.read_session() as s:
        assert audit.verify(s).ok


def auditor_scope(user: Any) -> Any:
    from data.audit_trail import AuditScope

    return AuditScope(user.role, user.employee_no)


def test_the_export_names_its_filter_and_a_branch_approver_exports_only_their_own(
    bank: Any, tmp_path: Path
) -> None:
    approver = _user(bank, "A0315")
    with bank.write_session() as s:  # something of their own to export
        audit.append(s, "A0315", "LOGIN", "staff", "A0315", {})
    with bank.write_session() as s:
        n = export_audit_trail(s, approver, AuditFilter(action="LOGIN"), tmp_path / "mine.csv")
    assert n == 1
    with (tmp_path / "mine.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["actor"] for r in rows] == ["A0315"]
    assert rows[0][WATERMARK_COLUMN].startswith("A0315 刘勇 ")
    details = json.loads(_last_event(bank).details)
    assert (details["rows"], details["filter"]) == (1, {"action": "LOGIN"})


def test_a_translated_title_and_a_failed_export_leave_no_event_and_no_file(
    bank: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    auditor = _user(bank, "H0002")
    with bank.write_session() as s:
        export_audit_trail(
            s,
            auditor,
            AuditFilter(),
            tmp_path / "a.csv",
            header=[c.upper() for c in CSV_COLUMNS],
            watermark_title="导出人",
        )
    with (tmp_path / "a.csv").open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f))[-2:] == ["HASH", "导出人"]
    before = _count(bank)
    missing = tmp_path / "no such folder" / "a.csv"
    with pytest.raises(FileNotFoundError), bank.write_session() as s:
        export_audit_trail(s, auditor, AuditFilter(), missing)
    assert not missing.parent.exists()
    # the audit event cannot be written (here: the transaction fails after it): no file
    target = tmp_path / "b.csv"

    def broken(*_a: Any, **_k: Any) -> str:
        raise RuntimeError("the audit table refused the event")

    import data.audit_trail as trail

    monkeypatch.setattr(trail.audit, "append", broken)
    with pytest.raises(RuntimeError), bank.write_session() as s:
        export_audit_trail(s, auditor, AuditFilter(), target)
    monkeypatch.undo()
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert _count(bank) == before


# -- the open tasks for the mobile app --------------------------------------------------------


def test_the_task_export_keeps_the_contract_and_is_audited(bank: Any) -> None:
    with bank.read_session() as s:
        expected = open_task_lines(s)
    assert expected
    out = io.StringIO()
    with bank.write_session() as s:
        n = export_open_tasks(s, out, "H0001", target="/tmp/tasks.jsonl", context={"os_user": "alice"})
    text = out.getvalue()
    assert n == len(expected)
    # exactly INTERCHANGE.md's lines: one task a line, no watermark line or field
    assert [json.loads(line) for line in text.splitlines()] == expected
    event = _last_event(bank)
    assert (event.actor, event.action, event.entity_type, event.entity_id) == (
        "H0001",
        EXPORT_ACTION,
        "post_loan_task",
        "open_tasks",
    )
    assert json.loads(event.details) == {
        "what": "open_tasks",
        "format": "jsonl",
        "rows": n,
        "file": "/tmp/tasks.jsonl",
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "os_user": "alice",
    }


def test_the_command_line_task_export_is_audited(bank: Any, tmp_path: Path) -> None:
    url = bank.url if isinstance(bank.url, str) else str(bank.url)
    if "postgresql" in url:
        pytest.skip("the command line is exercised on SQLite; the function above runs on both")
    target = tmp_path / "tasks-20261128.jsonl"
    before = _count(bank)
    bank.dispose()
    done = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "tasks", "export", "--out", str(target), "--db", url],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    piped = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "tasks", "export", "--out", "-", "--db", url],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == target.read_text("utf-8")
    assert not target.with_name(target.name + ".part").exists()
    with bank.read_session() as s:
        events = list(
            s.execute(select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id)).scalars()
        )
    assert [(e.actor, e.action) for e in events] == [("cli", EXPORT_ACTION), ("cli", EXPORT_ACTION)]
    first, second = (json.loads(e.details) for e in events)
    lines = target.read_text("utf-8").splitlines()
    assert first["rows"] == second["rows"] == len(lines) > 0
    assert first["file"] == str(target.resolve())
    assert second["file"] == "-"
    assert first["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert "os_user" in first


# -- reports ------------------------------------------------------------------------------------


def test_reports_are_watermarked_and_issuing_and_downloading_are_audited(bank: Any) -> None:
    from openpyxl import load_workbook

    from data.reports.store import download
    from data.reports.supervision import make_supervision_report

    head = _user(bank, "H0001")
    number, content, _pages = make_supervision_report(bank, head, "0315", "2026-11", "xlsx")
    issued = _last_event(bank)
    assert (issued.actor, issued.action, issued.entity_id) == ("H0001", "ISSUE_REPORT", number)
    assert json.loads(issued.details)["size"] == len(content)
    book = load_workbook(io.BytesIO(content))
    assert "H0001" in (book.properties.creator or "")
    with bank.read_session() as s:
        from data.models import IssuedReport

        report_id = s.execute(select(IssuedReport.id).where(IssuedReport.report_no == number)).scalar_one()
    with bank.write_session() as s:
        download(s, None, report_id, "H0002")
    downloaded = _last_event(bank)
    assert (downloaded.actor, downloaded.action, downloaded.entity_id) == ("H0002", "DOWNLOAD_REPORT", number)
