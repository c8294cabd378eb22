"""Fixtures for the desktop tests: databases with data in them, a task runner, fresh
preferences and logged-in users.

Building data is the slow part, so it is built once per test session and backend as
*templates* (a SQLite file, or a PostgreSQL template database, and its data folder) and
every test gets its own copy (a file copy, or ``CREATE DATABASE … TEMPLATE …``, dropped
after the test):

* the examples template: the spec's example files imported, and passwords set for the
  users who log in (H0001 head-office risk, A0311 / A0315 branch approvers, H0002 auditor);
* the big template: the examples plus 430 generated inspections (250 under 0315 唐山分行,
  180 under 0311 石家庄分行, every kind), enough for three pages of 200 in the list.

Only the template builds relax durability (no fsync, ``synchronous=OFF``, PostgreSQL's
``synchronous_commit=off``): they are fixture data. The databases the tests use are opened
by ``open_database`` as shipped.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from sqlalchemy import select

from data.db import Database
from tests._templates import Template, clone, discard, new_template
from tests.conftest import EXAMPLES

PASSWORD = "Correct-Horse-42"
LOGIN_USERS = ("H0001", "A0311", "A0315", "H0002")
TEMPLATE_KINDS = ("ROUTINE", "FOCUSED", "SPECIAL", "FIRST")
#: generated inspections in the big template, per customer (0315: C0001004/5; 0311: the rest)
BIG_PER_CUSTOMER = {
    "C0001000": 45,
    "C0001001": 45,
    "C0001002": 45,
    "C0001003": 45,
    "C0001004": 125,
    "C0001005": 125,
}
BIG_TOTAL = 3 + sum(BIG_PER_CUSTOMER.values())  # the three example bundles + generated ones


def _import_quickly(db: Database, sources: list[str]) -> Any:
    from data.ingest.runner import Importer

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "fsync", lambda _fd: None)
        mp.delenv("LOANSIGHT_PHOTO_DIR", raising=False)
        return Importer(db).run(sources)


def kind_edit(kind: str) -> Callable[[dict[str, Any]], None]:
    """A manifest edit that makes a bundle of ``kind``, answering every item that kind
    requires with the template's healthy answer."""
    from data.paths import resource

    items = json.loads(resource("checklist-template.json").read_text("utf-8"))["items"]

    def edit(manifest: dict[str, Any]) -> None:
        manifest["kind"] = kind
        have = {item["code"] for item in manifest["checklist"]}
        for item in items:
            if kind in item["required"] and item["code"] not in have:
                entry: dict[str, Any] = {"code": item["code"], "answer": item["answer"], "abnormal": False}
                entry["remark"] = "正常"
                if item["answer"] == "NUMBER":
                    entry["value"] = "100000.00"
                manifest["checklist"].append(entry)

    return edit


@pytest.fixture(scope="session")
def _templates() -> dict[tuple[str, str], Template]:
    """The templates built so far this session, by (what, backend)."""
    return {}


def _examples_template(
    backend: str, templates: dict[tuple[str, str], Template], tmp_path_factory: pytest.TempPathFactory
) -> Template:
    if ("examples", backend) in templates:
        return templates["examples", backend]
    if not EXAMPLES.is_dir():
        pytest.skip(f"the spec's examples are not at {EXAMPLES}")
    from data.commands import set_password

    root = tmp_path_factory.mktemp(f"examples-template-{backend}")
    source = root / "examples"
    shutil.copytree(EXAMPLES, source)
    db, template = new_template(backend, root, "examples")
    try:
        report = _import_quickly(db, [str(source)])
        assert report.exit_code == 0, report.as_dict()
        with db.write_session() as s:
            for no in LOGIN_USERS:
                set_password(s, no, PASSWORD, actor="ADMIN")
    finally:
        db.dispose()  # CREATE DATABASE … TEMPLATE needs the template to have no connection
    templates["examples", backend] = template
    return template


@pytest.fixture(scope="session")
def examples_template(
    backend: str, _templates: dict[tuple[str, str], Template], tmp_path_factory: pytest.TempPathFactory
) -> Template:
    return _examples_template(backend, _templates, tmp_path_factory)


@pytest.fixture(scope="session")
def big_template(
    backend: str,
    _templates: dict[tuple[str, str], Template],
    tmp_path_factory: pytest.TempPathFactory,
    examples_template: Template,
) -> Template:
    if ("big", backend) in _templates:
        return _templates["big", backend]
    from tests.data._bundles import build_bundle

    root = tmp_path_factory.mktemp(f"big-template-{backend}")
    bundles = root / "bundles"
    n = 0
    for customer, count in BIG_PER_CUSTOMER.items():
        for _ in range(count):
            build_bundle(
                n % 3,
                seed=7000 + n,
                customer_no=customer,
                photo_size=(64, 48),
                edit=kind_edit(TEMPLATE_KINDS[n % len(TEMPLATE_KINDS)]),
            ).write(bundles, f"b{n:04d}.zip")
            n += 1
    db, template = new_template(backend, root / "db", "big", copy_of=examples_template)
    try:
        report = _import_quickly(db, [str(bundles)])
        assert report.exit_code == 0, [(f.path, f.errors) for f in report.files if f.status != "imported"]
    finally:
        db.dispose()
    _templates["big", backend] = template
    return template


@pytest.fixture(scope="session")
def _users(
    _templates: dict[tuple[str, str], Template], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The users' sessions: plain values, the same on every backend (read from SQLite)."""
    from data.auth import user_session
    from data.models import Staff

    template = _examples_template("sqlite", _templates, tmp_path_factory)
    db = clone(template, tmp_path_factory.mktemp("users") / "db")
    try:
        with db.read_session() as s:
            return {staff.employee_no: user_session(s, staff) for staff in s.scalars(select(Staff))}
    finally:
        discard(db)


@pytest.fixture
def user_for(_users: dict[str, Any]) -> Callable[[str], Any]:
    """``user_for("A0311")`` → that employee's ``UserSession`` (plain, frozen value)."""
    return _users.__getitem__


def _stop_runners_on(request: pytest.FixtureRequest, database: Database) -> None:
    """Stop the test's runners on ``database`` before it goes: a task still running
    would hold a connection past the end of its database."""
    factory = request.node.funcargs.get("make_runner")
    if isinstance(factory, RunnerFactory):
        factory.stop_runners_on(database)


@pytest.fixture
def examples_db(
    examples_template: Template, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Database]:
    database = clone(examples_template, tmp_path / "examples-db")
    try:
        yield database
    finally:
        _stop_runners_on(request, database)
        discard(database)


@pytest.fixture
def big_db(big_template: Template, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A copy of the big database; its photo store is the template's (read it only)."""
    database = clone(big_template, tmp_path / "big-db", share_photos=True)
    try:
        yield database
    finally:
        _stop_runners_on(request, database)
        discard(database)


@pytest.fixture
def prefs(tmp_path: Path) -> Any:
    from desktop.settings import Preferences

    return Preferences.in_file(tmp_path / "prefs.ini")


class RunnerFactory:
    """Makes task runners and, at teardown, lets their work settle, shuts them down and
    fails the test if any of them reported an error nobody handled."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.runners: list[tuple[Any, list[BaseException]]] = []

    def __call__(self, db: Any) -> Any:
        from desktop.tasks import TaskRunner

        runner = TaskRunner(db)
        errors: list[BaseException] = []
        runner.known_error.connect(errors.append)
        runner.unexpected_error.connect(errors.append)
        self.runners.append((runner, errors))
        return runner

    def errors_of(self, runner: Any) -> list[BaseException]:
        return next(errors for r, errors in self.runners if r is runner)

    def settle(self) -> None:
        """Wait until every task has been answered (and its answer shown)."""
        for runner, _errors in self.runners:
            self.qtbot.waitUntil(lambda r=runner: r.running() == 0, timeout=20_000)

    def stop_runners_on(self, db: Any) -> None:
        for runner, _errors in self.runners:
            if runner.db is db:
                self.qtbot.waitUntil(lambda r=runner: r.running() == 0, timeout=20_000)
                runner.shutdown(wait=True)

    def close(self) -> None:
        self.settle()
        for runner, _errors in self.runners:
            runner.shutdown(wait=True)
        problems = [e for _r, errors in self.runners for e in errors]
        assert not problems, f"errors reported through the task runner: {problems!r}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Let the runners' work settle while the test's widgets still exist: pytest-qt closes
    and deletes them before fixtures are torn down."""
    yield
    factory = getattr(item, "funcargs", {}).get("make_runner")
    if isinstance(factory, RunnerFactory):
        factory.settle()


@pytest.fixture
def make_runner(qtbot: Any) -> Iterator[RunnerFactory]:
    factory = RunnerFactory(qtbot)
    try:
        yield factory
    finally:
        factory.close()


@pytest.fixture
def runner(make_runner: RunnerFactory, examples_db: Database) -> Any:
    """A TaskRunner over a copy of the examples database."""
    return make_runner(examples_db)


@pytest.fixture
def big_runner(make_runner: RunnerFactory, big_db: Database) -> Any:
    """A TaskRunner over a copy of the big database (433 inspections)."""
    return make_runner(big_db)


@pytest.fixture
def workstation(qtbot: Any, qapp: Any, prefs: Any, examples_db: Any, monkeypatch: Any) -> Any:
    """A Workstation started on a copy of the examples database; errors it would show in a
    dialog are collected instead (and must not happen)."""
    from desktop.app import Workstation

    shown: list[BaseException] = []
    monkeypatch.setattr("desktop.errors.show_error", lambda error, parent=None: shown.append(error))
    ws = Workstation(qapp, prefs, examples_db.url, examples_db.data_dir)
    ws.errors_shown = shown
    ws.start()
    qtbot.waitUntil(lambda: ws.login is not None and ws.login.isVisible(), timeout=20_000)
    yield ws
    ws.idle.stop(qapp)
    widgets = [w for w in (ws._lock_screen, ws.window, ws.login) if w is not None]
    for widget in widgets:
        widget.hide()
    qtbot.waitUntil(lambda: ws.runner.running() == 0, timeout=20_000)
    ws.runner.shutdown(wait=True)
    if ws.runner.db is not None:
        ws.runner.db.dispose()
    # the workstation's signal connections keep it (and its windows) alive: delete its Qt
    # objects now, not at interpreter exit after the QApplication is gone
    for obj in (*widgets, ws.idle, ws.runner):
        obj.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert shown == []


def log_in(qtbot: Any, ws: Any, employee: str) -> None:
    """Log in through the workstation's login dialog and wait for the main window."""
    ws.login.employee.setText(employee)
    ws.login.password.setText(PASSWORD)
    qtbot.keyClick(ws.login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.window is not None and ws.window.isVisible(), timeout=20_000)
