"""The main window: navigation bar, the screens, menus, shortcuts and the status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from desktop.login import role_name
from desktop.settings import Preferences
from desktop.tasks import Changes, TaskRunner

log = logging.getLogger(__name__)


def _t(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


@dataclass(frozen=True)
class Screen:
    key: str
    title: Callable[[], str]
    icon: str  # a qtawesome name
    factory: Callable[[], QWidget]
    roles: tuple[str, ...] = ("HEAD_RISK", "BRANCH_APPROVER", "AUDITOR", "ADMIN")


class MainWindow(QMainWindow):
    lock_requested = Signal()
    logout_requested = Signal()
    settings_requested = Signal()

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self.setWindowTitle(_t("LoanSight post-loan supervision workstation"))
        self.resize(1500, 920)
        self.screens: dict[str, QWidget] = {}
        self._screen_keys: list[str] = []
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setFixedWidth(150)
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setStyleSheet(
            "QListWidget { background: #24364d; color: #e8eef5; border: none; font-size: 11pt; }"
            "QListWidget::item { padding: 10px 8px; }"
            "QListWidget::item:selected { background: #3d6fa8; color: white; }"
        )
        self.stack = QStackedWidget()
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self._build_status_bar()
        self._build_screens()
        self._build_menus()
        geometry = prefs.window_state("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        runner.busy_changed.connect(self._on_busy)
        runner.changed.connect(self._on_changed)
        self._refresh_last_pull()

    # -- screens ---------------------------------------------------------------------------

    def _available_screens(self) -> list[Screen]:
        from views.approvals import ApprovalsView
        from views.audit import AuditView
        from views.customers import CustomersView
        from views.dashboard import DashboardView
        from views.imports import ImportsView
        from views.inspections import InspectionsView
        from views.maps import MapScreen
        from views.orders import OrdersView
        from views.reports import ReportsView
        from views.signals import SignalsView
        from views.tasks import TasksView

        return [
            Screen(
                "dashboard",
                lambda: _t("Dashboard"),
                "fa5s.tachometer-alt",
                lambda: DashboardView(self.runner, self.user, self.prefs),
            ),
            Screen(
                "approvals",
                lambda: _t("Approvals"),
                "fa5s.stamp",
                lambda: ApprovalsView(self.runner, self.user, self.prefs),
                roles=("HEAD_RISK", "BRANCH_APPROVER", "AUDITOR"),
            ),
            Screen(
                "inspections",
                lambda: _t("Inspections"),
                "fa5s.clipboard-check",
                lambda: InspectionsView(self.runner, self.user, self.prefs),
            ),
            Screen(
                "customers",
                lambda: _t("Customers"),
                "fa5s.building",
                lambda: CustomersView(self.runner, self.user, self.prefs),
            ),
            Screen(
                "signals",
                lambda: _t("Signals"),
                "fa5s.bell",
                lambda: SignalsView(self.runner, self.user, self.prefs),
            ),
            Screen(
                "tasks",
                lambda: _t("Tasks"),
                "fa5s.tasks",
                lambda: TasksView(self.runner, self.user, self.prefs),
            ),
            Screen(
                "orders",
                lambda: _t("Orders"),
                "fa5s.gavel",
                lambda: OrdersView(self.runner, self.user, self.prefs),
                roles=("HEAD_RISK", "BRANCH_APPROVER", "AUDITOR"),
            ),
            Screen(
                "reports",
                lambda: _t("Reports"),
                "fa5s.file-pdf",
                lambda: ReportsView(self.runner, self.user, self.prefs),
                roles=("HEAD_RISK", "BRANCH_APPROVER", "AUDITOR"),
            ),
            Screen(
                "maps",
                lambda: _t("Map"),
                "fa5s.map-marked-alt",
                lambda: MapScreen(self.runner, self.user, self.prefs),
            ),
            Screen(
                "audit",
                lambda: _t("Audit trail"),
                "fa5s.history",
                lambda: AuditView(self.runner, self.user, self.prefs),
                roles=("HEAD_RISK", "AUDITOR", "ADMIN"),
            ),
            Screen(
                "imports",
                lambda: _t("Imports"),
                "fa5s.file-import",
                lambda: ImportsView(self.runner, self.user, self.prefs),
                roles=("HEAD_RISK", "AUDITOR", "ADMIN"),
            ),
        ]

    def _build_screens(self) -> None:
        import qtawesome as qta

        for screen in self._available_screens():
            if self.user.role not in screen.roles:
                continue
            widget = screen.factory()
            opener = getattr(widget, "open_requested", None)
            if opener is not None:
                opener.connect(self.open_query)
            self.screens[screen.key] = widget
            self._screen_keys.append(screen.key)
            self.stack.addWidget(widget)
            item = QListWidgetItem(qta.icon(screen.icon, color="#e8eef5"), screen.title())
            self.nav.addItem(item)
        self.nav.setCurrentRow(0)

    def show_screen(self, key: str) -> QWidget:
        index = self._screen_keys.index(key)
        self.nav.setCurrentRow(index)
        return self.screens[key]

    def refresh_map_provider(self) -> None:
        """The map settings changed: every screen with a map redraws on the new tiles."""
        for screen in self.screens.values():
            refresh = getattr(screen, "refresh_map_provider", None)
            if refresh is not None:
                refresh()

    def current_screen(self) -> str:
        return self._screen_keys[self.nav.currentRow()]

    def open_query(self, query: str) -> None:
        """Open a screen in a given state, e.g. ``inspections?kind=FOCUSED``. A screen this
        user does not have (or that does not exist yet) is logged and ignored."""
        key = query.partition("?")[0]
        if key not in self.screens:
            log.info("no %r screen to open %r", key, query)
            return
        screen = self.show_screen(key)
        opener = getattr(screen, "open_query", None)
        if opener is not None:
            opener(query)

    # -- menus -----------------------------------------------------------------------------

    def _action(self, menu: Any, text: str, slot: Callable[[], Any], shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_t("&File"))
        if "imports" in self.screens:
            self._action(file_menu, _t("&Pull now"), self._pull_now, "Ctrl+I")
        self._action(
            file_menu, _t("&Settings…"), self.settings_requested.emit, QKeySequence.StandardKey.Preferences
        )
        file_menu.addSeparator()
        self._action(file_menu, _t("&Lock"), self.lock_requested.emit, "Ctrl+L")
        self._action(file_menu, _t("Log &out"), self.logout_requested.emit)
        self._action(file_menu, _t("E&xit"), self.close, QKeySequence.StandardKey.Quit)
        view_menu = bar.addMenu(_t("&View"))
        for i, key in enumerate(self._screen_keys):
            title = self.nav.item(i).text()
            # Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth screen; any further screen has none
            shortcut = f"Ctrl+{(i + 1) % 10}" if i < 10 else None
            self._action(view_menu, title, lambda _checked=False, k=key: self.show_screen(k), shortcut)
        view_menu.addSeparator()
        self._action(view_menu, _t("&Refresh"), self._refresh, QKeySequence.StandardKey.Refresh)
        help_menu = bar.addMenu(_t("&Help"))
        self._action(help_menu, _t("Open the log folder"), self._open_log_folder)
        self._action(help_menu, _t("&About LoanSight"), self._about)

    def _pull_now(self) -> None:
        screen = self.show_screen("imports")
        screen.pull_now()  # type: ignore[attr-defined]

    def _refresh(self) -> None:
        screen = self.screens[self.current_screen()]
        for name in ("reload", "refresh"):
            method = getattr(screen, name, None)
            if method is not None:
                method()
                return

    def _open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.runner.db.data_dir)))

    def _about(self) -> None:
        QMessageBox.about(
            self,
            _t("About LoanSight"),
            _t("LoanSight post-loan supervision workstation\nDatabase: {db}").format(
                db=self.runner.db.describe()
            ),
        )

    # -- status bar -----------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        scope = _t("whole bank") if self.user.scope is None else self.user.branch_name
        self.user_label = QLabel(f"{self.user.name} ({self.user.employee_no}) · {role_name(self.user.role)}")
        self.scope_label = QLabel(_t("Scope: {scope}").format(scope=scope))
        self.db_label = QLabel(_t("Database: {db}").format(db=self.runner.db.describe()))
        self.pull_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setMaximumWidth(120)
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        for w in (self.user_label, self.scope_label, self.db_label, self.pull_label):
            bar.addWidget(w)
        bar.addPermanentWidget(self.busy)

    def _on_busy(self, running: int) -> None:
        self.busy.setVisible(running > 0)

    def _on_changed(self, changes: Changes) -> None:
        if "import_runs" in changes.tables:
            self._refresh_last_pull()

    def _refresh_last_pull(self) -> None:
        def load(session: Any) -> Any:
            from data.queries import last_successful_pull

            return last_successful_pull(session)

        def show(moment: Any) -> None:
            from widgets.labels import local_time

            self.pull_label.setText(_t("Last pull: {time}").format(time=local_time(moment) or _t("never")))

        self.runner.read(load, show, label="last pull", owner=self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.prefs.set_window_state("main/geometry", self.saveGeometry())
        super().closeEvent(event)
