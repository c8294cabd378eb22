"""The main window: which screens each role gets, switching between them (navigation bar,
View menu, Ctrl+1/Ctrl+2), the status bar, opening a filtered list, screens reacting to a
pull, and window state kept in the preferences."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction

from data.queries import InspectionFilter, inspection_count
from desktop.mainwindow import MainWindow
from tests.desktop.conftest import log_in
from views.imports import ImportsView
from views.inspections import InspectionsView


def _window(qtbot: Any, runner: Any, user: Any, prefs: Any, *, show: bool = True) -> MainWindow:
    window = MainWindow(runner, user, prefs)
    qtbot.addWidget(window)
    if show:
        window.show()
        qtbot.waitExposed(window)
    return window


def _activate(qtbot: Any, window: MainWindow) -> None:
    """Shortcuts reach the active window only."""
    window.activateWindow()
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow)


def _menu(window: MainWindow, title: str) -> list[QAction]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    return [a for a in menu.actions() if not a.isSeparator()]


def _settle(qtbot: Any, runner: Any) -> None:
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=20_000)


HEAD_SCREENS = [
    ("dashboard", "Dashboard"),
    ("approvals", "Approvals"),
    ("inspections", "Inspections"),
    ("customers", "Customers"),
    ("signals", "Signals"),
    ("tasks", "Tasks"),
    ("orders", "Orders"),
    ("reports", "Reports"),
    ("maps", "Map"),
    ("audit", "Audit trail"),
    ("imports", "Imports"),
]


def test_head_office_gets_every_screen(qtbot: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    window = _window(qtbot, runner, user_for("H0001"), prefs)
    assert list(window.screens) == [key for key, _title in HEAD_SCREENS]
    assert isinstance(window.screens["inspections"], InspectionsView)
    assert isinstance(window.screens["imports"], ImportsView)
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [t for _k, t in HEAD_SCREENS]
    assert window.stack.count() == len(HEAD_SCREENS)
    assert window.current_screen() == "dashboard"
    assert window.stack.currentWidget() is window.screens["dashboard"]
    assert "&Pull now" in [a.text() for a in _menu(window, "&File")]
    # Ctrl+1 … Ctrl+9, and Ctrl+0 for the tenth screen (the eleventh has Ctrl+I to pull)
    screens = [a for a in _menu(window, "&View") if a.shortcut().toString().startswith("Ctrl+")]
    assert [(a.text(), a.shortcut().toString()) for a in screens] == [
        (title, f"Ctrl+{(n + 1) % 10}") for n, (_key, title) in enumerate(HEAD_SCREENS[:10])
    ]


@pytest.mark.parametrize("employee", ["A0311", "A0315"])
def test_a_branch_approver_gets_the_queue_but_not_the_audit_trail_or_imports(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, employee: str
) -> None:
    window = _window(qtbot, runner, user_for(employee), prefs)
    expected = [k for k, _t in HEAD_SCREENS if k not in ("audit", "imports")]
    assert list(window.screens) == expected
    assert window.nav.count() == window.stack.count() == len(expected)
    assert "&Pull now" not in [a.text() for a in _menu(window, "&File")]
    screens = [a for a in _menu(window, "&View") if a.shortcut().toString().startswith("Ctrl+")]
    assert [(a.text(), a.shortcut().toString()) for a in screens][:3] == [
        ("Dashboard", "Ctrl+1"),
        ("Approvals", "Ctrl+2"),
        ("Inspections", "Ctrl+3"),
    ]


def test_an_auditor_reads_the_queue_and_the_audit_trail(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    window = _window(qtbot, runner, user_for("H0002"), prefs)
    assert "approvals" in window.screens
    assert "audit" in window.screens
    assert "orders" in window.screens


def test_show_screen_and_the_navigation_bar_switch_the_stack(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    window = _window(qtbot, runner, user_for("H0001"), prefs)
    assert window.show_screen("imports") is window.screens["imports"]
    assert window.stack.currentWidget() is window.screens["imports"]
    assert window.nav.currentRow() == len(HEAD_SCREENS) - 1
    assert window.current_screen() == "imports"
    window.nav.setCurrentRow(2)
    assert window.stack.currentWidget() is window.screens["inspections"]
    assert window.current_screen() == "inspections"


def test_view_menu_and_ctrl_number_shortcuts_switch_screens(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    window = _window(qtbot, runner, user_for("H0001"), prefs)
    _activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() == "audit"
    assert window.stack.currentWidget() is window.screens["audit"]
    qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() == "maps"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() == "approvals"
    # the same actions from the View menu
    by_text = {a.text(): a for a in _menu(window, "&View")}
    by_text["Imports"].trigger()
    assert window.current_screen() == "imports"
    by_text["Inspections"].trigger()
    assert window.current_screen() == "inspections"


def test_ctrl_l_asks_to_lock(qtbot: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    window = _window(qtbot, runner, user_for("A0311"), prefs)
    _activate(qtbot, window)
    with qtbot.waitSignal(window.lock_requested, timeout=2000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


@pytest.mark.parametrize(
    ("employee", "who", "scope"),
    [
        ("H0001", "徐强静 (H0001) · Head-office risk manager", "Scope: whole bank"),
        ("A0311", "赵静明 (A0311) · Branch approver", "Scope: 石家庄分行"),
        ("H0002", "林芳静 (H0002) · Auditor", "Scope: whole bank"),
    ],
)
def test_status_bar_shows_user_role_scope_and_database(
    qtbot: Any,
    runner: Any,
    examples_db: Any,
    user_for: Any,
    prefs: Any,
    employee: str,
    who: str,
    scope: str,
) -> None:
    window = _window(qtbot, runner, user_for(employee), prefs)
    assert window.user_label.text() == who
    assert window.scope_label.text() == scope
    if examples_db.dialect == "sqlite":
        where = examples_db.url.removeprefix("sqlite:///")
    else:  # server, port and database; never the user or a password
        url = examples_db.engine.url
        where = f"postgresql://{url.host}:{url.port}/{url.database}"
    assert window.db_label.text() == f"Database: {where}"
    # the examples were imported when the database was made: the last pull has a time
    qtbot.waitUntil(lambda: window.pull_label.text().startswith("Last pull: 20"), timeout=10_000)
    shown = [w.text() for w in (window.user_label, window.scope_label, window.db_label, window.pull_label)]
    assert all(w.isVisible() for w in (window.user_label, window.scope_label, window.db_label)), shown


def test_open_query_opens_the_list_filtered(
    qtbot: Any, big_runner: Any, big_db: Any, user_for: Any, prefs: Any
) -> None:
    window = _window(qtbot, big_runner, user_for("H0001"), prefs)
    window.show_screen("imports")
    window.open_query("inspections?kind=ROUTINE")
    view = window.screens["inspections"]
    assert window.current_screen() == "inspections"
    assert view.query() == "inspections?kind=ROUTINE"
    with big_db.read_session() as s:
        routine = inspection_count(s, None, InspectionFilter(kind="ROUTINE"))
        everything = inspection_count(s, None, InspectionFilter())
    assert 0 < routine < everything
    # the filter bar shows it once its choices have arrived
    qtbot.waitUntil(lambda: view.filter_bar.kind.currentData() == "ROUTINE", timeout=10_000)
    assert view.filter_bar.kind.currentText() == "Routine"
    _settle(qtbot, big_runner)
    while view.model.canFetchMore():
        before = view.model.rowCount()
        view.table.scrollToBottom()
        qtbot.waitUntil(lambda b=before: view.model.rowCount() > b, timeout=20_000)
        _settle(qtbot, big_runner)
    rows = view.model.rows()
    assert len(rows) == routine
    assert {r.kind for r in rows} == {"ROUTINE"}
    assert view.count_label.text() == f"{routine} inspections"

    # a second query replaces the first, and combines its filters
    window.open_query("inspections?kind=FOCUSED&branch_code=0315")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=10_000)
    _settle(qtbot, big_runner)
    rows = view.model.rows()
    assert {r.kind for r in rows} == {"FOCUSED"}
    assert {r.branch_code for r in rows} <= {"0315", "031501"}
    assert view.filter_bar.branch.currentData() == "0315"


def test_a_pull_in_the_imports_screen_refreshes_the_inspections_list(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, tmp_path: Any
) -> None:
    """A write broadcasts what changed; the inspections screen re-queries by itself."""
    from tests.data._bundles import build_bundle

    window = _window(qtbot, runner, user_for("H0001"), prefs)
    inspections = window.screens["inspections"]
    qtbot.waitUntil(lambda: inspections.model.rowCount() == 3, timeout=10_000)
    _settle(qtbot, runner)
    before = window.pull_label.text()
    folder = tmp_path / "new"
    build_bundle(0, seed=5, customer_no="C0001004").write(folder)
    imports = window.show_screen("imports")
    with qtbot.waitSignal(imports.pull_finished, timeout=30_000) as pulled:
        imports.start_import([str(folder)])
    assert pulled.args[0].exit_code == 0
    qtbot.waitUntil(lambda: inspections.model.rowCount() == 4, timeout=10_000)
    _settle(qtbot, runner)
    assert "C0001004" in {r.customer_no for r in inspections.model.rows()}
    assert inspections.count_label.text() == "4 inspections"
    assert window.pull_label.text().startswith("Last pull: 20")
    assert window.pull_label.text() >= before


def test_window_geometry_is_saved_on_close_and_restored(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, tmp_path: Any
) -> None:
    from desktop.settings import Preferences

    user = user_for("H0001")
    assert prefs.window_state("main/geometry") is None
    window = _window(qtbot, runner, user, prefs)
    window.resize(1600, 900)
    qtbot.waitUntil(lambda: window.size() == QSize(1600, 900))
    window.close()
    state = prefs.window_state("main/geometry")
    assert state is not None
    # a new window opens with that geometry (the offscreen test screen is 800×600, so
    # Qt fits it to the screen: compare with the same state applied by hand)
    again = _window(qtbot, runner, user, prefs, show=False)
    by_hand = _window(qtbot, runner, user, Preferences.in_file(tmp_path / "other.ini"), show=False)
    default = by_hand.geometry()
    assert by_hand.restoreGeometry(state)
    assert by_hand.geometry() != default
    assert again.geometry() == by_hand.geometry()


def test_column_layout_of_the_list_is_kept(qtbot: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    user = user_for("H0001")
    first = InspectionsView(runner, user, prefs)
    qtbot.addWidget(first)
    first.table.setColumnWidth(1, 321)
    assert prefs.window_state("inspections/header") is not None
    second = InspectionsView(runner, user, prefs)
    qtbot.addWidget(second)
    assert second.table.columnWidth(1) == 321


def test_logging_out_while_a_screen_is_loading_shows_no_error(
    qtbot: Any, workstation: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logging out (or switching the language) deletes the main window at once; answers
    to the reads its screens still had running must be dropped, not raise into the
    "unexpected error" dialog."""
    import shiboken6

    import data.queries

    ws = workstation
    log_in(qtbot, ws, "H0001")
    qtbot.waitUntil(lambda: ws.runner.running() == 0, timeout=20_000)
    gate = threading.Event()
    real_count = data.queries.inspection_count

    def slow_count(*args: Any, **kwargs: Any) -> Any:
        gate.wait(20)
        return real_count(*args, **kwargs)

    monkeypatch.setattr(data.queries, "inspection_count", slow_count)
    view = ws.window.screens["inspections"]
    view.reload()  # a count and a first page now in flight
    ws.logout()
    qtbot.waitUntil(lambda: not shiboken6.isValid(view), timeout=10_000)
    gate.set()
    qtbot.waitUntil(lambda: ws.runner.running() == 0, timeout=20_000)
    shown = list(ws.errors_shown)
    ws.errors_shown.clear()
    assert shown == []
    assert ws.login.isVisible()


def test_glyph_warmer_draws_the_common_characters_in_slices(qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop.warmup import GlyphWarmer, common_han

    han = common_han()
    assert len(han) == 3755
    assert han[0] == "啊"
    assert {"石", "家", "庄"} <= set(han)
    warmer = GlyphWarmer(QApplication.font(), slice_chars=500, interval_ms=1)
    warmer.start()
    qtbot.waitUntil(lambda: warmer.done, timeout=10_000)
    image = warmer._image  # it draws into an image of its own, never on screen
    inked = sum(image.pixelColor(x, y).alpha() > 0 for x in range(0, 400, 2) for y in range(0, 64, 2))
    assert inked > 100


def test_open_query_ignores_a_screen_that_is_not_there(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    window = _window(qtbot, runner, user_for("A0311"), prefs)
    window.show_screen("maps")
    window.open_query("imports?x=1")  # not for a branch approver
    window.open_query("settings?tab=map")  # no such screen
    assert window.current_screen() == "maps"
