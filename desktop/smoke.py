"""``LoanSight --smoke-test``: the whole workstation, start to finish, with nobody at it.

Run from the checkout (``python main.py --smoke-test``) and from a frozen build
(``LoanSight --smoke-test``), so a build that is missing a module, a translation, the
Leaflet files, the migrations or QtWebEngine's helper process fails here and not on a
branch's desktop. In a fresh temporary data folder it builds the ``tiny`` demo database
through the real importer, logs in as a head-office risk manager through
``data.auth.authenticate`` (as the login window does, on the task runner's writer), opens
the main window, shows every screen in turn and waits for its loads (and for a map screen's
page, which needs QtWebEngine), builds and issues an inspection report, and shuts down.

One line per step on stdout (``smoke-test: <step>: ok in 1.2 s (…)``); exit 0 when every step
passed, 1 naming the step that failed. Nothing of the user's is touched: the data folder,
the database and the preferences file are temporary and removed afterwards.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: how long one step may take before the smoke test gives up on it
STEP_TIMEOUT_S = 120.0
#: the runner must stay idle this long before a screen counts as loaded (a load finishing
#: often starts the next one from its result handler)
SETTLE_S = 0.3


class SmokeFailure(Exception):
    """A step did not complete; the message says what it saw."""


def prepare_environment() -> None:
    """Before Qt starts: offscreen on Linux when no platform is chosen (CI, a server), and
    QtWebEngine's sandbox off when running as root (Chromium refuses root otherwise)."""
    if sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if os.geteuid() == 0:
            os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def _say(line: str) -> None:
    print(f"smoke-test: {line}", flush=True)
    log.info("smoke-test: %s", line)


class SmokeTest:
    def __init__(self, app: Any, workdir: Path) -> None:
        self.app = app
        self.workdir = workdir
        self.errors: list[str] = []
        self.runner: Any = None
        self.db: Any = None
        self.window: Any = None
        self.user: Any = None

    # -- waiting ------------------------------------------------------------------------

    def _on_error(self, error: BaseException) -> None:
        self.errors.append("".join(traceback.format_exception(error)).strip())

    def _check_errors(self) -> None:
        if self.errors:
            raise SmokeFailure(self.errors[0])

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = STEP_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            self._check_errors()
            if time.monotonic() > deadline:
                raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")
            self.app.processEvents()
            time.sleep(0.01)
        self._check_errors()

    def settle(self, what: str) -> None:
        """Until the task runner has been idle for SETTLE_S (every load has come back)."""
        idle_since: list[float] = []

        def idle() -> bool:
            if self.runner.running() > 0:
                idle_since.clear()
                return False
            if not idle_since:
                idle_since.append(time.monotonic())
            return time.monotonic() - idle_since[0] >= SETTLE_S

        self.wait_until(idle, what)

    def on_runner(self, job: Callable[[Any], Any], what: str, *, write: bool = False) -> Any:
        """Run ``job(session)`` on the task runner (as the screens do) and return its result."""
        box: dict[str, Any] = {}

        def done(result: Any) -> None:
            box["result"] = result

        def failed(error: BaseException) -> None:
            box["error"] = error

        if write:
            self.runner.write(job, done, failed, label=f"smoke: {what}")
        else:
            self.runner.read(job, done, failed, label=f"smoke: {what}")
        self.wait_until(lambda: bool(box), what)
        if "error" in box:
            raise box["error"]
        return box["result"]

    # -- steps ----------------------------------------------------------------------------

    def open_database(self) -> str:
        from data.db import open_database
        from data.demo.install import build_demo
        from desktop.tasks import TaskRunner

        self.db = open_database(f"sqlite:///{self.workdir / 'loansight.db'}", self.workdir / "data")
        result = build_demo(self.db, scale="tiny")
        if result.exit_code != 0:
            raise SmokeFailure(f"the demo import reported problems (exit code {result.exit_code})")
        self.runner = TaskRunner(self.db)
        self.runner.known_error.connect(self._on_error)
        self.runner.unexpected_error.connect(self._on_error)
        return (
            f"tiny demo: {result.counts.get('customers', '?')} customers, "
            f"{result.counts.get('inspections', '?')} inspections"
        )

    def login(self) -> str:
        from data.auth import authenticate
        from data.demo.install import DEMO_PASSWORD, demo_users
        from desktop.tasks import Changes

        head = [u for u in demo_users(self.db) if u.role == "HEAD_RISK"]
        if not head:
            raise SmokeFailure("the demo has no head-office risk manager")
        employee = head[0].employee_no

        def check(session: Any) -> tuple[Any, Any]:
            return authenticate(session, employee, DEMO_PASSWORD), Changes(frozenset({"audit_events"}))

        result = self.on_runner(check, "login", write=True)
        if result.user is None:
            raise SmokeFailure(f"login refused for {employee}: {result}")
        self.user = result.user
        return f"{employee} ({self.user.role})"

    def main_window(self, prefs: Any) -> str:
        from desktop.mainwindow import MainWindow

        self.window = MainWindow(self.runner, self.user, prefs)
        self.window.show()
        self.settle("the first screen's loads")
        return f"{len(self.window.screens)} screens: {', '.join(self.window.screens)}"

    def show_screen(self, key: str) -> str:
        from widgets.map_view import MapView

        screen = self.window.show_screen(key)
        self.settle(f"the {key} screen's loads")
        maps = [m for m in screen.findChildren(MapView) if m.isVisible()]
        for view in maps:
            self.wait_until(view.is_ready, f"the {key} screen's map page (QtWebEngine)")
        self.settle(f"the {key} screen's loads")
        return f"{len(maps)} map page(s) ready" if maps else "loaded"

    def report(self) -> str:
        from sqlalchemy import select

        from data.models import Inspection
        from data.reports.inspection import make_inspection_report

        def first(session: Any) -> int | None:
            found = session.execute(
                select(Inspection.id)
                .where(Inspection.is_current.is_(True))
                .order_by(Inspection.started_at.desc())
                .limit(1)
            ).scalar_one_or_none()
            return None if found is None else int(found)

        inspection_id = self.on_runner(first, "an inspection to report")
        if inspection_id is None:
            raise SmokeFailure("the demo has no inspection")
        number, content, pages = make_inspection_report(self.db, inspection_id, self.user, issue=True)
        if not content.startswith(b"%PDF") or pages < 1:
            raise SmokeFailure(f"report {number} is not a PDF")
        from data.reports.common import report_font

        font = report_font()
        return f"{number}: {pages} pages, {len(content):,} bytes, font {Path(font.path).name if font.path else font.name}"

    def shutdown(self) -> str:
        from widgets.map_view import release_all_maps

        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        self.app.processEvents()
        release_all_maps()
        if self.runner is not None:
            self.runner.shutdown(wait=True)
        if self.db is not None:
            self.db.dispose()
        return "closed"


@contextmanager
def _step(name: str, failures: list[str]) -> Iterator[dict[str, str]]:
    started = time.monotonic()
    detail: dict[str, str] = {}
    try:
        yield detail
    except BaseException as exc:
        failures.append(name)
        message = str(exc) if isinstance(exc, SmokeFailure) else "".join(traceback.format_exception(exc))
        _say(f"{name}: FAILED after {time.monotonic() - started:.1f} s: {message.strip()}")
        raise
    _say(f"{name}: ok in {time.monotonic() - started:.1f} s ({detail.get('text', '')})")


def run_smoke_test(argv: list[str] | None = None) -> int:
    """The smoke test; the process's exit code."""
    prepare_environment()
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="loansight-smoke-"))
    # the environment must not point this run at someone's database or photo share
    for name in ("LOANSIGHT_DB", "LOANSIGHT_PHOTO_DIR"):
        os.environ.pop(name, None)
    os.environ["LOANSIGHT_DATA_DIR"] = str(workdir / "data")
    failures: list[str] = []
    smoke: SmokeTest | None = None
    try:
        with _step("start", failures) as d:
            from desktop.app import create_application, install_translators
            from desktop.logsetup import setup_logging
            from desktop.settings import LANGUAGE, Preferences

            app = create_application(argv or [sys.argv[0]])
            (workdir / "data").mkdir(parents=True, exist_ok=True)
            setup_logging(workdir / "data")
            prefs = Preferences.in_file(workdir / "settings.ini")
            translators = install_translators(app, prefs.get(LANGUAGE))
            if not translators:
                raise SmokeFailure("the zh_CN translation did not load")
            frozen = "frozen" if getattr(sys, "frozen", False) else "from the checkout"
            d["text"] = f"{frozen}, Qt platform {app.platformName()}, data in {workdir}"
        smoke = SmokeTest(app, workdir)
        # a bug in a slot reaches sys.excepthook (the error dialog in the real app): here it fails the step
        previous_hook = sys.excepthook
        sys.excepthook = lambda t, e, tb: smoke.errors.append("".join(traceback.format_exception(t, e, tb)))
        try:
            with _step("database", failures) as d:
                d["text"] = smoke.open_database()
            with _step("login", failures) as d:
                d["text"] = smoke.login()
            with _step("main window", failures) as d:
                d["text"] = smoke.main_window(prefs)
            for key in list(smoke.window.screens):
                with _step(f"screen {key}", failures) as d:
                    d["text"] = smoke.show_screen(key)
            with _step("report", failures) as d:
                d["text"] = smoke.report()
            with _step("shutdown", failures) as d:
                d["text"] = smoke.shutdown()
        finally:
            sys.excepthook = previous_hook
        _say(f"passed in {time.monotonic() - started:.1f} s")
        return 0
    except BaseException:
        if smoke is not None:
            try:
                smoke.shutdown()
            except BaseException:
                log.exception("smoke test: shutting down after a failure")
        _say(f"FAILED at step '{failures[-1] if failures else '?'}' (its log is kept in {workdir / 'data'})")
        logging.shutdown()
        return 1
    finally:
        if not failures:
            logging.shutdown()
            shutil.rmtree(workdir, ignore_errors=True)
