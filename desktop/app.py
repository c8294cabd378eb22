"""Starting the workstation: application set-up, the database, login, the main window.

The login appears fast: pandas, pyqtgraph, folium and QtWebEngine are imported only by the
screens that need them. Opening (and migrating) the database, building the first-run demo
and checking passwords all happen off the GUI thread.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, Qt, QTranslator, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from desktop.settings import APPLICATION, IDLE_LOCK_MINUTES, LANGUAGE, LAST_USER, ORGANISATION, Preferences
from desktop.tasks import TaskRunner

log = logging.getLogger(__name__)
TRANSLATIONS = Path(__file__).resolve().parent.parent / "resources" / "i18n"
APP_ICON = Path(__file__).resolve().parent.parent / "resources" / "app" / "loansight.png"


def _t(text: str) -> str:
    return QCoreApplication.translate("App", text)


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Load LoanSight's and Qt's own translations for ``language`` (zh_CN or en)."""
    for old in getattr(app, "_loansight_translators", []):
        app.removeTranslator(old)
    translators: list[QTranslator] = []
    locale = (
        QLocale(QLocale.Language.Chinese, QLocale.Country.China)
        if language == "zh_CN"
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    )
    QLocale.setDefault(locale)
    if language == "zh_CN":
        ours = QTranslator(app)
        if ours.load(str(TRANSLATIONS / "loansight_zh_CN.qm")):
            app.installTranslator(ours)
            translators.append(ours)
        else:
            log.warning("the zh_CN translation is missing from %s", TRANSLATIONS)
        qt = QTranslator(app)
        if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            translators.append(qt)
    app._loansight_translators = translators  # type: ignore[attr-defined]
    return translators


class Workstation:
    """Owns the objects of one running workstation and moves it through its states:
    opening the database → (first run: building the demo) → login → main window."""

    def __init__(self, app: QApplication, prefs: Preferences, db_url: str | None, data_dir: Path) -> None:
        from desktop.idle import IdleMonitor

        self.app = app
        self.prefs = prefs
        self.db_url = db_url
        self.data_dir = data_dir
        self.runner = TaskRunner(None)
        self.runner.known_error.connect(self._on_known_error)
        self.runner.unexpected_error.connect(self._on_unexpected_error)
        self.window: Any = None
        self.login: Any = None
        self.user: Any = None
        self.demo_password: str | None = None
        self.idle = IdleMonitor(prefs.get(IDLE_LOCK_MINUTES))
        self.idle.idle.connect(self.lock)
        self._lock_screen: Any = None
        self._warmed = False
        self._glyphs: Any = None
        self._progress: QProgressDialog | None = None

    # -- start-up -------------------------------------------------------------------------

    def start(self) -> None:
        """Open the database: the one given (``--db``, ``LOANSIGHT_DB``), else the server
        saved in the connection dialog (its password from the credential store, read on
        the worker), else this computer's own SQLite file."""
        from data.db import default_db_url
        from desktop.connection_dialog import saved_connection, stored_password

        server = None if self.db_url or os.environ.get("LOANSIGHT_DB") else saved_connection(self.prefs)
        url = self.db_url or default_db_url(self.data_dir)
        first_run = (
            server is None
            and url.startswith("sqlite:///")
            and not Path(url.removeprefix("sqlite:///")).exists()
        )
        self._progress = QProgressDialog(_t("Opening the database…"), "", 0, 0)
        self._progress.setCancelButton(None)
        self._progress.setWindowTitle("LoanSight")
        self._progress.setMinimumDuration(400)

        relay = _ProgressRelay()
        relay.progressed.connect(self._on_demo_progress)
        self._relay = relay

        def open_db() -> Any:
            from data.db import open_database

            target = server.url(stored_password(server)) if server is not None else url
            db = open_database(target, self.data_dir)
            if first_run:
                from data.demo.install import build_demo

                build_demo(db, scale="small", progress=lambda d, t, label: relay.progressed.emit(d, t, label))
            return db

        if first_run:
            self._progress.setLabelText(_t("First start: building the demo database (about two minutes)…"))
        self.runner.run(open_db, self._on_open, self._on_open_failed, label="open database")

    def _on_demo_progress(self, done: int, total: int, label: str) -> None:
        if self._progress is None:
            return
        self._progress.setRange(0, total)
        self._progress.setValue(done)
        phase = (
            _t("Generating demo files")
            if label == "generating"
            else _t("Importing {file}").format(file=label)
        )
        self._progress.setLabelText(_t("First start: building the demo database…") + "\n" + phase)

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.close()
            self._progress = None

    def _on_open(self, db: Any) -> None:
        self.runner.db = db

        def demo(session: Any) -> bool:
            from data.demo.install import is_demo

            return is_demo(session)

        self.runner.read(demo, self._show_login, label="demo check")

    def _on_open_failed(self, error: BaseException) -> None:
        """The database cannot be opened (server unreachable, wrong password, a schema
        from a newer LoanSight): say why, and offer to choose another connection."""
        from desktop.errors import describe_known_error

        self._close_progress()
        log.error("cannot open the database", exc_info=error)
        if self.offer_connection_dialog(describe_known_error(error) or repr(error)):
            return
        self.app.exit(2)

    def offer_connection_dialog(self, message: str) -> bool:
        """Show why the database cannot be opened, with "Database…" and "Quit"; True when
        the user chose another connection (being opened now)."""
        box = QMessageBox(QMessageBox.Icon.Critical, "LoanSight", message)
        change = box.addButton(_t("Database…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(_t("Quit"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is change and self.choose_database(None)

    def choose_database(self, parent: QWidget | None) -> bool:
        """The connection dialog; when the user saves a choice, open that database (from
        the login window: the login comes back on the new database)."""
        from desktop.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self.prefs, self.runner, parent)
        if not dialog.exec():
            return False
        self.reopen(dialog.chosen_url())
        return True

    def reopen(self, url: str | None) -> None:
        """Leave the current database (before anyone logged in) and open ``url`` (None:
        this computer's own). The password in ``url`` stays in memory."""
        if self.login is not None:
            self.login.hide()  # hidden, not rejected: rejecting the login quits
            self.login.deleteLater()
            self.login = None
        old, self.runner.db = self.runner.db, None
        if old is not None:
            old.dispose()
        self.db_url = url
        self.start()

    def _show_login(self, demo: bool) -> None:
        from data.demo.install import DEMO_PASSWORD
        from desktop.login import LoginDialog

        self._close_progress()
        self.demo_password = DEMO_PASSWORD if demo else None
        self.login = LoginDialog(
            self.runner,
            demo_password=self.demo_password,
            last_user=self.prefs.get(LAST_USER),
            database=self.runner.db.describe(),
        )
        self.login.logged_in.connect(self._on_logged_in)
        self.login.database_requested.connect(lambda: self.choose_database(self.login))
        self.login.rejected.connect(self._on_login_cancelled)
        self.login.show()
        log.info("login shown %.2f s after start", time.monotonic() - _STARTED)
        if not self._warmed:
            from desktop.warmup import warm_up

            self._warmed = True
            db = self.runner.db
            self.runner.run(lambda: warm_up(db), label="warm-up")
            from desktop.warmup import GlyphWarmer

            self._glyphs = GlyphWarmer(self.app.font())
            self._glyphs.start()

    def _on_login_cancelled(self) -> None:
        if self.window is None:
            self.app.quit()

    def _on_logged_in(self, user: Any) -> None:
        from desktop.mainwindow import MainWindow

        self.user = user
        self.prefs.set(LAST_USER, user.employee_no)
        self.window = MainWindow(self.runner, user, self.prefs)
        self.window.lock_requested.connect(self.lock)
        self.window.logout_requested.connect(self.logout)
        self.window.settings_requested.connect(self.open_settings)
        self.window.show()
        self.idle.reset()
        self.idle.start(self.app)

    # -- session --------------------------------------------------------------------------

    def lock(self) -> None:
        from desktop.login import LockScreen

        if self.window is None or self._lock_screen is not None:
            return
        self._lock_screen = LockScreen(self.runner, self.user, self.window)
        self._lock_screen.unlocked.connect(self._on_unlocked)
        self._lock_screen.logout_requested.connect(self.logout)
        self._lock_screen.show()

    def _on_unlocked(self) -> None:
        self._lock_screen = None
        self.idle.reset()

    def logout(self) -> None:
        self.idle.stop(self.app)
        if self._lock_screen is not None:
            self._lock_screen.close()
            self._lock_screen = None
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        self.user = None
        self._show_login(self.demo_password is not None)

    def open_settings(self) -> None:
        from desktop.settings_dialog import SettingsDialog

        before = self.prefs.get(LANGUAGE)
        dialog = SettingsDialog(self.prefs, self.runner, self.user, self.window)
        if dialog.exec():
            self.idle.set_minutes(self.prefs.get(IDLE_LOCK_MINUTES))
            if self.prefs.get(LANGUAGE) != before:
                self.switch_language(self.prefs.get(LANGUAGE))
            elif self.window is not None:
                self.window.refresh_map_provider()

    def switch_language(self, language: str) -> None:
        """Apply a new language at once: the main window is rebuilt where the user was."""
        install_translators(self.app, language)
        if self.window is None:
            return
        from desktop.mainwindow import MainWindow

        current = self.window.current_screen()
        old = self.window
        self.window = MainWindow(self.runner, self.user, self.prefs)
        self.window.lock_requested.connect(self.lock)
        self.window.logout_requested.connect(self.logout)
        self.window.settings_requested.connect(self.open_settings)
        self.window.setGeometry(old.geometry())
        self.window.show_screen(current)
        self.window.show()
        old.close()
        old.deleteLater()

    # -- errors ---------------------------------------------------------------------------

    def _parent(self) -> QWidget | None:
        return self.window or self.login

    def _on_known_error(self, error: BaseException) -> None:
        from desktop.errors import show_error

        show_error(error, self._parent())

    def _on_unexpected_error(self, error: BaseException) -> None:
        from desktop.errors import show_error

        show_error(error, self._parent())

    def shutdown(self) -> None:
        self.runner.shutdown(wait=False)
        if self.runner.db is not None:
            self.runner.db.dispose()


class _ProgressRelay(QObject):
    """Brings progress from a worker thread to the GUI thread (a queued signal)."""

    progressed = Signal(int, int, str)


_STARTED = time.monotonic()


#: how long a thread may hold the interpreter while another waits for it (Python's default
#: is 5 ms). The GUI thread calls into Python for every table cell it paints; with a worker
#: busy building the next page, each call could wait that long, and a repaint of a few
#: hundred cells stalled 60 to 80 ms on the bank demo. At 1 ms it stays under 50.
GUI_SWITCH_INTERVAL_S = 0.001


def tune_interpreter() -> None:
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, set up as every LoanSight process needs it.

    High-DPI: Qt 6 always scales by the screen's factor; the factor is passed through
    unrounded (set before the application exists), so a 125 % or 150 % Windows display gets
    crisp text at its true size instead of 100 % or 200 %. The organisation and application
    names place QSettings: HKEY_CURRENT_USER\\Software\\LoanSight\\LoanSight on Windows,
    ~/.config/LoanSight/LoanSight.conf on Linux."""
    existing = QApplication.instance()
    if existing is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv or sys.argv)
    else:
        assert isinstance(existing, QApplication)
        app = existing
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("LoanSight")
    if APP_ICON.is_file():  # the taskbar's and every window's icon (the .exe has the .ico)
        app.setWindowIcon(QIcon(str(APP_ICON)))
    return app


def run_gui(db_url: str | None = None, argv: list[str] | None = None) -> int:
    from data.db import default_data_dir
    from desktop.errors import install_excepthook
    from desktop.logsetup import setup_logging
    from desktop.watchdog import StallWatchdog

    tune_interpreter()
    app = create_application(argv)
    data_dir = default_data_dir()
    setup_logging(data_dir)
    prefs = Preferences.for_user()
    install_translators(app, prefs.get(LANGUAGE))
    workstation = Workstation(app, prefs, db_url, data_dir)
    install_excepthook(workstation._parent)
    watchdog = StallWatchdog(100)
    watchdog.start()
    app.setQuitOnLastWindowClosed(True)
    workstation.start()
    try:
        return app.exec()
    finally:
        watchdog.stop()
        workstation.shutdown()
