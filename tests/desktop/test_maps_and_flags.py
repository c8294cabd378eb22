"""The authenticity flags in the inspections list and detail, the map of a visit, and the
map screen: scoped points, clicks that open the inspection."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from data.authenticity import flags_for
from data.models import Customer, Inspection, InspectionFlag, TrackPoint


def _settle(qtbot: Any, view: Any) -> None:
    qtbot.waitUntil(lambda: view.runner.running() == 0 and not view.model.loading, timeout=20_000)


def _inspections(qtbot: Any, runner: Any, user: Any, prefs: Any) -> Any:
    from views.inspections import InspectionsView

    view = InspectionsView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=20_000)
    _settle(qtbot, view)
    return view


def _flag_counts(db: Any) -> dict[str, int]:
    with db.read_session() as s:
        current = select(Inspection.id).where(Inspection.is_current.is_(True))
        rows = s.execute(
            select(InspectionFlag.code, func.count(func.distinct(InspectionFlag.inspection_id)))
            .where(InspectionFlag.inspection_id.in_(current))
            .group_by(InspectionFlag.code)
        ).all()
    return dict(rows)


def test_flags_column_names_the_worst_flag_and_the_filter_narrows_by_flag(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from widgets.flag_words import flag_name

    view = _inspections(qtbot, runner, user_for("H0001"), prefs)
    column = next(i for i, c in enumerate(view.model.columns()) if c.key == "flags")
    with runner.db.read_session() as s:
        expected = flags_for(s, [view.model.row_at(r).id for r in range(view.model.rowCount())])
    for r in range(view.model.rowCount()):
        row = view.model.row_at(r)
        flags = expected[row.id]
        text = view.model.data(view.model.index(r, column))
        assert [(f.code, f.severity) for f in flags] == list(row.flags)
        if flags:
            assert text.startswith(flag_name(flags[0].code))
        else:
            assert text == ""
    counts = _flag_counts(runner.db)
    assert counts, "the examples raise at least one flag"
    code, n = sorted(counts.items())[0]
    view.filter_bar.flag.setCurrentIndex(view.filter_bar.flag.findData(code))
    qtbot.waitUntil(lambda: view.model.rowCount() == n, timeout=20_000)
    _settle(qtbot, view)
    assert all(code in {c for c, _s in view.model.row_at(r).flags} for r in range(view.model.rowCount()))
    assert f"flag={code}" in view.query()


def test_detail_lists_the_flags_and_the_map_tab_draws_the_visit(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from widgets.flag_words import flag_name

    view = _inspections(qtbot, runner, user_for("H0001"), prefs)
    flagged = next(r for r in range(view.model.rowCount()) if view.model.row_at(r).flags)
    inspection_id = view.model.row_at(flagged).id
    view.table.selectRow(flagged)
    qtbot.waitUntil(lambda: view._detail is not None and view._detail.id == inspection_id, timeout=20_000)
    with runner.db.read_session() as s:
        flags = flags_for(s, [inspection_id])[inspection_id]
        track = s.execute(select(func.count()).where(TrackPoint.inspection_id == inspection_id)).scalar_one()
    summary = view.summary.toPlainText()
    for f in flags:
        assert flag_name(f.code) in summary

    view.tabs.setCurrentWidget(view.map_tab)
    qtbot.waitUntil(
        lambda: (
            view.map_panel is not None
            and view.map_panel.scene() is not None
            and view.map_panel.scene().inspection_id == inspection_id
        ),
        timeout=30_000,
    )
    scene = view.map_panel.scene()
    assert [f.code for f in scene.flags] == [f.code for f in flags]
    assert len(scene.track) == track
    assert scene.check_in is not None
    assert scene.customer_lat is not None
    assert view.map_panel.flags.count() == len(flags)
    # the page draws it (QtWebEngine, offscreen, no network)
    with qtbot.waitSignal(
        view.map_panel.map.drawn, timeout=30_000, check_params_cb=lambda w, _n: w == "scene"
    ):
        view.map_panel.set_scene(scene)


def test_map_screen_shows_only_the_scope_and_a_click_opens_the_inspection(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from views.maps import MapScreen

    user = user_for("A0311")  # 石家庄分行: its sub-branches hold C0001000 to C0001003
    screen = MapScreen(runner, user, prefs)
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    with qtbot.waitSignal(screen.loaded, timeout=30_000):
        screen.show()
    with runner.db.read_session() as s:
        customers = s.execute(
            select(func.count()).select_from(Customer).where(Customer.branch_code.in_(sorted(user.scope)))
        ).scalar_one()
        mine = s.execute(
            select(Inspection.id, Inspection.customer_no)
            .join(Customer, Customer.customer_no == Inspection.customer_no)
            .where(Customer.branch_code.in_(sorted(user.scope)), Inspection.is_current.is_(True))
        ).all()
    assert screen.counts == (customers, len(mine))
    assert screen.counts[0] == 4
    assert set(screen._checkin_ids) == {i for i, _c in mine}
    qtbot.waitUntil(lambda: screen.map.is_ready(), timeout=30_000)

    inspection_id, customer_no = mine[0]
    with qtbot.waitSignal(screen.open_requested, timeout=5_000) as opened:
        screen.map.inspection_clicked.emit(inspection_id)
    assert opened.args == [f"inspections?customer_no={customer_no}&inspection={inspection_id}"]
    view = _inspections(qtbot, runner, user, prefs)
    view.open_query(opened.args[0])
    qtbot.waitUntil(lambda: view._detail is not None and view._detail.id == inspection_id, timeout=20_000)
    _settle(qtbot, view)
    assert {view.model.row_at(r).customer_no for r in range(view.model.rowCount())} == {customer_no}

    with qtbot.waitSignal(screen.open_requested, timeout=5_000) as opened:
        screen.map.customer_clicked.emit(customer_no)
    assert opened.args == [f"inspections?customer_no={customer_no}"]


def test_thresholds_are_shared_audited_and_saving_recomputes_the_flags(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from data.audit import verify
    from data.authenticity import load_thresholds
    from data.models import AuditEvent
    from desktop.settings_dialog import SettingsDialog

    settings = SettingsDialog(prefs, runner, user_for("H0001"))
    qtbot.addWidget(settings)
    dialog = settings.open_thresholds()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=20_000)
    assert dialog.editable
    assert dialog.editors["short_visit_min"].value() == 10
    with runner.db.read_session() as s:
        before = s.execute(
            select(func.count()).select_from(InspectionFlag).where(InspectionFlag.code == "SHORT_VISIT")
        ).scalar_one()
    # every example visit lasts 45 minutes: a 50-minute minimum makes them all short
    dialog.editors["short_visit_min"].setValue(50)
    with qtbot.waitSignal(
        runner.changed, timeout=60_000, check_params_cb=lambda c: "inspection_flags" in c.tables
    ):
        dialog._save()
    assert load_thresholds(runner.db).short_visit_min == 50
    with runner.db.read_session() as s:
        short = s.execute(
            select(func.count()).select_from(InspectionFlag).where(InspectionFlag.code == "SHORT_VISIT")
        ).scalar_one()
        events = (
            s.execute(select(AuditEvent).where(AuditEvent.action == "SET_AUTHENTICITY_THRESHOLDS"))
            .scalars()
            .all()
        )
        assert verify(s).ok
    assert before == 0
    assert short == 3
    assert len(events) == 1
    assert events[0].actor == "H0001"


def test_a_branch_approver_reads_the_thresholds_and_changes_nothing(
    qtbot: Any, runner: Any, user_for: Any
) -> None:
    from desktop.thresholds_dialog import ThresholdsDialog

    dialog = ThresholdsDialog(runner, user_for("A0311"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=20_000)
    assert not dialog.editable
    assert not any(box.isEnabled() for box in dialog.editors.values())


def test_the_list_and_the_map_show_each_customers_latest_tier(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    import datetime as dt

    from data.health import run_health_check
    from data.models import HealthScore
    from views.maps import MapScreen
    from widgets.labels import TIER_COLOURS, tier_name

    run_health_check(runner.db, dt.date(2026, 11, 28))
    with runner.db.read_session() as s:
        tiers = {no: tier for no, tier in s.execute(select(HealthScore.customer_no, HealthScore.tier))}
    view = _inspections(qtbot, runner, user_for("H0001"), prefs)
    column = next(i for i, c in enumerate(view.model.columns()) if c.key == "tier")
    for r in range(view.model.rowCount()):
        row = view.model.row_at(r)
        assert row.tier == tiers[row.customer_no]
        assert view.model.data(view.model.index(r, column)) == tier_name(row.tier)

    screen = MapScreen(runner, user_for("H0001"), prefs)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.loaded, timeout=30_000):
        screen.show()
    with qtbot.waitSignal(
        screen.map.drawn, timeout=30_000, check_params_cb=lambda w, _n: w == "points:customers"
    ):
        pass
    drawn = {p.id: p.colour for p in screen.map._points["customers"]}
    assert drawn == {no: TIER_COLOURS[tier] for no, tier in tiers.items()}
