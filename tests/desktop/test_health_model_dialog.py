"""The risk model dialog: a head-office risk manager edits, previews and applies a new
model version (audited, everyone re-scored); other roles only read the active one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

AS_OF = dt.date(2026, 11, 28)


def _scored(db: Any) -> int:
    from data.health import run_health_check

    run_health_check(db, AS_OF)
    from data.models import HealthScore

    with db.read_session() as s:
        return int(
            s.execute(
                select(func.count()).select_from(HealthScore).where(HealthScore.as_of == AS_OF)
            ).scalar_one()
        )


def test_flatten_and_unflatten_round_trip_every_number() -> None:
    from data.rules.health import HealthModel
    from desktop.health_model_dialog import flatten, unflatten

    params = HealthModel().to_dict()
    rows = flatten(params)
    keys = [k for k, _v in rows]
    assert keys[:5] == [
        "tier_thresholds.BLUE",
        "tier_thresholds.YELLOW",
        "tier_thresholds.ORANGE",
        "tier_thresholds.RED",
        "half_life_days",
    ]
    assert "overdue_bands.2.days_over" in keys
    assert "trend_bands.1.points" in keys
    assert not any(k.startswith("classification_floors") for k in keys)
    assert unflatten(params, dict(rows)) == params
    edited = unflatten(params, {"tier_thresholds.BLUE": 12.0, "overdue_bands.0.points": 16.0})
    model = HealthModel.from_dict(edited)
    assert model.tier_thresholds["BLUE"] == 12.0
    assert model.overdue_bands[0] == (0, 16.0)


def test_a_head_office_risk_manager_previews_and_applies_a_new_version(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from data.audit import verify
    from data.models import AuditEvent, HealthModelVersion, HealthScore
    from desktop.settings_dialog import SettingsDialog

    scored = _scored(runner.db)
    assert scored > 0
    settings = SettingsDialog(prefs, runner, user_for("H0001"))
    qtbot.addWidget(settings)
    dialog = settings.open_health_model()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=20_000)
    assert dialog.editable
    assert dialog.active.version == 1
    assert dialog.preview_button.isEnabled()
    assert not dialog.apply_button.isEnabled()
    assert dialog.editors["tier_thresholds.BLUE"].value() == 20.0
    assert dialog.editors["half_life_days"].value() == 90.0

    # a threshold that would break the order is refused before anything is stored
    dialog.editors["tier_thresholds.BLUE"].setValue(45.0)
    dialog.run_preview()
    assert "tier_thresholds" in dialog.message.text()
    assert not dialog.busy

    dialog.editors["tier_thresholds.BLUE"].setValue(0.5)
    dialog.note_edit.setText("lower blue line")
    dialog.run_preview()
    assert dialog.busy
    assert dialog.busy_label.text()
    assert not dialog.preview_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.preview is not None and not dialog.busy, timeout=60_000)
    preview = dialog.preview
    assert preview.version == 2
    assert preview.as_of == AS_OF
    assert preview.total == scored == preview.scored
    shown = sum(int(dialog.moves.item(r, 3).text()) for r in range(dialog.moves.rowCount()))
    assert shown == scored
    assert preview.moved > 0  # some customers rise from NORMAL to BLUE
    assert dialog.apply_button.isEnabled()

    # editing again invalidates the preview; previewing the same numbers reuses the draft
    dialog.editors["tier_thresholds.BLUE"].setValue(1.0)
    assert not dialog.apply_button.isEnabled()
    dialog.editors["tier_thresholds.BLUE"].setValue(0.5)
    assert dialog.apply_button.isEnabled()
    dialog.preview = None
    dialog.run_preview()
    qtbot.waitUntil(lambda: dialog.preview is not None and not dialog.busy, timeout=60_000)
    assert dialog.preview.version == 2

    with qtbot.waitSignal(
        runner.changed,
        timeout=60_000,
        check_params_cb=lambda c: {"health_scores", "post_loan_tasks"} <= c.tables,
    ):
        dialog.apply()
    qtbot.waitUntil(lambda: dialog.loaded and not dialog.busy, timeout=20_000)
    assert dialog.active.version == 2
    assert "2" in dialog.version_label.text()
    assert dialog.editors["tier_thresholds.BLUE"].value() == 0.5
    assert not dialog.apply_button.isEnabled()
    with runner.db.read_session() as s:
        statuses = dict(s.execute(select(HealthModelVersion.version, HealthModelVersion.status)).all())
        assert statuses == {1: "RETIRED", 2: "ACTIVE"}
        assert s.get(HealthModelVersion, 2).note == "lower blue line"
        versions = set(s.scalars(select(HealthScore.model_version).where(HealthScore.as_of == AS_OF)))
        assert versions == {2}
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "APPLY_HEALTH_MODEL")).all()
        assert [(e.actor, e.entity_id) for e in events] == [("H0001", "2")]
        drafts = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "CREATE_HEALTH_MODEL", AuditEvent.entity_id == "2")
        ).all()
        assert len(drafts) == 1
        assert verify(s).ok


def test_a_branch_approver_sees_the_active_model_read_only(qtbot: Any, runner: Any, user_for: Any) -> None:
    from data.models import HealthModelVersion
    from desktop.health_model_dialog import HealthModelDialog

    _scored(runner.db)
    dialog = HealthModelDialog(runner, user_for("A0311"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=20_000)
    assert not dialog.editable
    assert dialog.active is not None
    assert dialog.active.version == 1
    assert dialog.editors
    assert not any(box.isEnabled() for box in dialog.editors.values())
    assert dialog.note_edit.isReadOnly()
    assert dialog.preview_button.isHidden()
    assert dialog.apply_button.isHidden()
    assert not dialog.preview_button.isEnabled()
    assert not dialog.apply_button.isEnabled()
    dialog.run_preview()
    dialog.apply()
    assert not dialog.busy
    with runner.db.read_session() as s:
        assert s.execute(select(func.count()).select_from(HealthModelVersion)).scalar_one() == 1
