"""The reports screen: one click makes and issues an inspection's report (stored with its
hash, audited, previewed); a supervision report as PDF or Excel; the history downloads a
report exactly as issued; a branch approver sees and makes only their branch's."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select

from data.models import AuditEvent, Inspection, IssuedReport

CST = dt.timezone(dt.timedelta(hours=8))


def _view(qtbot: Any, runner: Any, user: Any, prefs: Any) -> Any:
    from views.reports import ReportsView

    view = ReportsView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=20_000)
    return view


def _issued(db: Any) -> list[IssuedReport]:
    with db.read_session() as s:
        return list(s.execute(select(IssuedReport).order_by(IssuedReport.id)).scalars())


def test_one_click_makes_issues_and_previews_the_inspection_report(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, tmp_path: Path
) -> None:
    with runner.db.read_session() as s:
        inspection_id = s.execute(
            select(Inspection.id).where(Inspection.customer_no == "C0001000")
        ).scalar_one()
    view = _view(qtbot, runner, user_for("H0001"), prefs)
    with qtbot.waitSignal(view.issued, timeout=60_000) as issued:
        view.open_query(f"reports?inspection={inspection_id}")
    number = issued.args[0]
    assert number.startswith("JC")
    assert view.preview.pixmap() is not None
    assert not view.preview.pixmap().isNull()
    assert number in view.status.text()
    (stored,) = _issued(runner.db)
    assert stored.report_no == number
    assert stored.kind == "INSPECTION"
    assert stored.branch_code == "031101"
    _number, _fmt, content = view.current
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    saved = view.save_current(str(tmp_path / "报告 副本.pdf"))  # a Chinese file name
    assert saved is not None
    assert saved.read_bytes() == content
    qtbot.waitUntil(lambda: view.history.rowCount() == 1, timeout=20_000)
    assert view.history.item(0, 1).text() == number
    with runner.db.read_session() as s:
        assert s.execute(
            select(AuditEvent).where(AuditEvent.action == "ISSUE_REPORT", AuditEvent.entity_id == number)
        ).scalar_one()

    # the history downloads it again, exactly as issued, and the download is audited
    view.history.selectRow(0)
    target = tmp_path / "again.pdf"
    view.download_selected(str(target))
    qtbot.waitUntil(target.exists, timeout=20_000)
    assert target.read_bytes() == content
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=20_000)
    with runner.db.read_session() as s:
        assert s.execute(
            select(AuditEvent).where(AuditEvent.action == "DOWNLOAD_REPORT", AuditEvent.entity_id == number)
        ).scalar_one()


def test_a_supervision_workbook_for_a_branch(qtbot: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    import io

    import pandas as pd

    view = _view(qtbot, runner, user_for("A0311"), prefs)
    assert view.unit_box.findData("0315") < 0  # another branch is not offered
    month = dt.datetime.now(CST).strftime("%Y-%m")
    view.open_query(f"reports?unit=0311&period={month}")
    assert view.unit_box.currentData() == "0311"
    view.format_box.setCurrentIndex(view.format_box.findData("xlsx"))
    with qtbot.waitSignal(view.issued, timeout=60_000):
        view.make()
    _number, fmt, content = view.current
    assert fmt == "xlsx"
    sheets = pd.read_excel(io.BytesIO(content), sheet_name=None)
    assert len(sheets) > 1
    assert "Excel" in view.preview.text()
    (stored,) = _issued(runner.db)
    assert (stored.kind, stored.file_format, stored.branch_code, stored.period) == (
        "SUPERVISION",
        "xlsx",
        "0311",
        month,
    )


def test_a_branch_approver_does_not_see_another_branchs_reports(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    with runner.db.read_session() as s:
        inspection_id = s.execute(
            select(Inspection.id).where(Inspection.customer_no == "C0001000")
        ).scalar_one()
    head = _view(qtbot, runner, user_for("H0001"), prefs)
    with qtbot.waitSignal(head.issued, timeout=60_000):
        head.open_query(f"reports?inspection={inspection_id}")
    other = _view(qtbot, runner, user_for("A0315"), prefs)
    assert other.history.rowCount() == 0
    mine = _view(qtbot, runner, user_for("A0311"), prefs)
    assert mine.history.rowCount() == 1
    # and A0315 cannot make a report of 0311's inspection
    other.open_query(f"reports?inspection={inspection_id}")
    assert other.busy
    qtbot.waitUntil(lambda: not other.busy, timeout=30_000)
    assert other.current is None
    assert "could not be made" in other.status.text()
    assert len(_issued(runner.db)) == 1


def test_the_inspection_detail_has_the_one_click_report(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from views.inspections import InspectionsView

    view = InspectionsView(runner, user_for("H0001"), prefs)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=20_000)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.detail.detail is not None, timeout=20_000)
    assert view.detail.report_button.isEnabled()
    with qtbot.waitSignal(view.open_requested) as opened:
        view.detail.report_button.click()
    assert opened.args == [f"reports?inspection={view.detail.detail.id}"]


def test_an_auditor_reads_the_issued_reports_and_issues_none(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    with runner.db.read_session() as s:
        inspection_id = s.execute(
            select(Inspection.id).where(Inspection.customer_no == "C0001000")
        ).scalar_one()
    head = _view(qtbot, runner, user_for("H0001"), prefs)
    with qtbot.waitSignal(head.issued, timeout=60_000):
        head.open_query(f"reports?inspection={inspection_id}")
    auditor = _view(qtbot, runner, user_for("H0002"), prefs)
    assert auditor.history.rowCount() == 1
    assert not auditor.make_button.isEnabled()
    assert "Read only" in auditor.status.text()
    auditor.open_query(f"reports?inspection={inspection_id}")
    assert not auditor.busy
    assert len(_issued(runner.db)) == 1
