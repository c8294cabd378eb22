"""The approval workflow's settings: head office edits them (audited), bad input is named
and stores nothing, branch approvers read them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select


def _open(qtbot: Any, runner: Any, prefs: Any, user: Any) -> Any:
    from desktop.settings_dialog import SettingsDialog

    settings = SettingsDialog(prefs, runner, user)
    qtbot.addWidget(settings)
    dialog = settings.open_approval_settings()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=20_000)
    return dialog


def test_head_office_changes_the_settings_and_it_is_audited(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from data.approvals import load_settings
    from data.models import AuditEvent

    dialog = _open(qtbot, runner, prefs, user_for("H0001"))
    assert dialog.editable
    assert dialog.branch_days.value() == 2
    assert dialog.head_days.value() == 3
    assert dialog.sample_rate.value() == 5.0
    assert dialog.reasons.rowCount() >= 5
    dialog.branch_days.setValue(1)
    dialog.sample_rate.setValue(10)
    dialog.holidays.setPlainText("2027-01-01, 2027-02-08")
    dialog.workdays.setPlainText("2027-02-07")
    dialog._add_reason("signature", "签字缺失", "Signature missing")
    with qtbot.waitSignal(runner.changed, timeout=20_000):
        dialog._save()
    with runner.db.read_session() as s:
        saved = load_settings(s)
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "SET_APPROVAL_SETTINGS")).scalar_one()
    assert saved.branch_days == 1
    assert saved.head_days == 3
    assert saved.sample_rate == 0.1
    assert saved.holidays == {dt.date(2027, 1, 1), dt.date(2027, 2, 8)}
    assert saved.workdays == {dt.date(2027, 2, 7)}
    assert saved.reason("SIGNATURE") is not None
    details = json.loads(event.details)
    assert details["old"] is None
    assert details["new"]["branch_days"] == 1
    assert event.actor == "H0001"


def test_bad_input_is_named_and_nothing_is_stored(qtbot: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    from data.models import AppSetting

    dialog = _open(qtbot, runner, prefs, user_for("H0001"))
    dialog.holidays.setPlainText("2027-01-01 2027-13-01")
    dialog._save()
    assert "2027-13-01" in dialog.note.text()
    dialog.holidays.setPlainText("")
    dialog._add_reason("ONLY", "", "Only a code")
    dialog._save()
    assert str(dialog.reasons.rowCount()) in dialog.note.text()
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=20_000)
    with runner.db.read_session() as s:
        assert s.get(AppSetting, "approval") is None


def test_a_branch_approver_reads_them_only(qtbot: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    dialog = _open(qtbot, runner, prefs, user_for("A0311"))
    assert not dialog.editable
    assert not dialog.branch_days.isEnabled()
    assert not dialog.add_button.isEnabled()
    assert dialog.reasons.rowCount() >= 5
