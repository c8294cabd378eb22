"""A shared PostgreSQL server used by many desktops at once.

* migrations run once: two desktops opening a new database together both open it, and
  Alembic ran once; a desktop older than the server's schema is refused with both
  revisions named;
* losing the server mid-session: the task runner runs the whole unit of work again after
  a lost connection (reads always, writes only when the connection broke before COMMIT),
  a write whose connection broke during COMMIT is reported, not repeated, and when the
  server stays away the user gets ``DatabaseUnreachable`` with nothing half-written;
* two desktops importing the same bundle at once: one imports it, the other reports it
  ``unchanged``; an import running while another desktop pages through the list.

The connection tests end only their own sessions (``pg_terminate_backend`` of the
connections carrying this test's ``application_name``), never the server: other tests and
people use it at the same time.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, select, text

from data.approvals import decide
from data.audit import verify
from data.db import SCHEMA_HEAD, Database, open_database
from data.errors import DatabaseTooNew, DatabaseUnreachable
from data.models import AuditEvent, ImportFile, Inspection, InspectionDecision
from data.rules import approval as r
from tests.conftest import PG_URL
from tests.data._approval_bank import load_bank, state_of
from tests.data._bundles import EXAMPLES, build_bundle

# -- helpers ----------------------------------------------------------------------------------


class Server:
    """This test's view of the shared server: its own URL (a private schema and an
    ``application_name`` of its own) and the means to end its own sessions."""

    def __init__(self, url: str) -> None:
        self.app_name = f"ls_test_{uuid.uuid4().hex[:10]}"
        self.url = f"{url}&application_name={self.app_name}"
        assert PG_URL
        self._admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")

    def kill_all(self) -> int:
        """End every session this test opened (not the admin one, not anyone else's)."""
        with self._admin.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND application_name = :app"
                    ),
                    {"app": self.app_name},
                ).all()
            )

    def kill(self, pid: int) -> None:
        with self._admin.connect() as conn:
            assert conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE pid = :pid AND application_name = :app"
                ),
                {"pid": pid, "app": self.app_name},
            ).scalar_one()
        # the session is gone once the server no longer lists it
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with self._admin.connect() as conn:
                if not conn.execute(
                    text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                ).first():
                    return
            time.sleep(0.02)

    def dispose(self) -> None:
        self._admin.dispose()


def backend_pid(session: Any) -> int:
    return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


@pytest.fixture
def server(pg_url: str) -> Iterator[Server]:
    srv = Server(pg_url)
    try:
        yield srv
    finally:
        srv.dispose()


@pytest.fixture
def bank(server: Server, tmp_path: Path) -> Iterator[Any]:
    db = open_database(server.url, data_dir=tmp_path / "data")
    try:
        yield load_bank(db, tmp_path)
    finally:
        db.dispose()


@pytest.fixture
def runner_for(qtbot: Any) -> Iterator[Callable[[Database], Any]]:
    from desktop.tasks import TaskRunner

    made: list[Any] = []

    def make(db: Database) -> Any:
        runner = TaskRunner(db)
        runner.backoff = (0.05, 0.1, 0.2)
        runner.reported = []
        runner.known_error.connect(runner.reported.append)
        runner.unexpected_error.connect(runner.reported.append)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        qtbot.waitUntil(lambda r=runner: r.running() == 0, timeout=20_000)
        runner.shutdown(wait=True)


def through(qtbot: Any, runner: Any, kind: str, fn: Callable[[Any], Any]) -> tuple[str, Any]:
    """Run ``fn`` through the runner's ``read`` or ``write``; ("ok", result) or
    ("error", the error the caller's ``on_error`` got)."""
    out: list[tuple[str, Any]] = []
    getattr(runner, kind)(fn, lambda v: out.append(("ok", v)), lambda e: out.append(("error", e)))
    qtbot.waitUntil(lambda: bool(out), timeout=30_000)
    return out[0]


def decisions(db: Database, inspection_id: int) -> list[tuple[str, str, int]]:
    with db.read_session() as s:
        return [
            (d.actor, d.action, d.from_version)
            for d in s.execute(
                select(InspectionDecision)
                .where(InspectionDecision.inspection_id == inspection_id)
                .order_by(InspectionDecision.id)
            ).scalars()
        ]


def audit_count(db: Database) -> int:
    with db.read_session() as s:
        return int(s.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


# -- schema versions --------------------------------------------------------------------------


@pytest.mark.pg
def test_two_desktops_opening_a_new_database_together_migrate_it_once(pg_url, tmp_path):
    barrier = threading.Barrier(3)
    out: list[Any] = [None, None, None]

    def open_one(k: int) -> None:
        barrier.wait()
        try:
            out[k] = open_database(pg_url, data_dir=tmp_path / f"desk{k}")
        except Exception as exc:
            out[k] = exc

    threads = [threading.Thread(target=open_one, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    try:
        assert all(isinstance(o, Database) for o in out), out
        with out[0].read_session() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [SCHEMA_HEAD]
    finally:
        for o in out:
            if isinstance(o, Database):
                o.dispose()


@pytest.mark.pg
def test_a_desktop_older_than_the_servers_schema_is_refused_with_both_revisions(pg_url, tmp_path):
    open_database(pg_url, data_dir=tmp_path).dispose()
    stamp = create_engine(pg_url)
    with stamp.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    stamp.dispose()
    with pytest.raises(DatabaseTooNew) as info:
        open_database(pg_url, data_dir=tmp_path)
    assert info.value.params["revision"] == "0099"
    assert info.value.params["current"] == SCHEMA_HEAD
    assert "postgresql" in info.value.params["url"]


@pytest.mark.pg
def test_the_advisory_lock_is_held_while_migrating(pg_url, tmp_path, monkeypatch):
    """While one desktop migrates, a second one waits for it instead of migrating too."""
    from alembic import command

    import data.db as dbmod

    real = command.upgrade
    upgrading = threading.Event()
    release = threading.Event()
    calls: list[str] = []

    def slow_upgrade(cfg: Any, rev: str) -> None:
        calls.append(rev)
        upgrading.set()
        release.wait(10)
        real(cfg, rev)

    monkeypatch.setattr(command, "upgrade", slow_upgrade)
    first: list[Any] = []
    t = threading.Thread(target=lambda: first.append(open_database(pg_url, data_dir=tmp_path / "a")))
    t.start()
    assert upgrading.wait(30)
    second: list[Any] = []
    t2 = threading.Thread(target=lambda: second.append(open_database(pg_url, data_dir=tmp_path / "b")))
    t2.start()
    time.sleep(0.5)
    assert not second, "the second desktop did not wait for the first one's migration"
    release.set()
    t.join(60)
    t2.join(60)
    try:
        assert calls == ["head"]  # the second found the schema current once it had the lock
        assert head_of(second[0]) == dbmod.SCHEMA_HEAD
    finally:
        for d in first + second:
            d.dispose()


def head_of(db: Database) -> str:
    with db.read_session() as s:
        return str(s.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


# -- losing the server mid-session ------------------------------------------------------------


@pytest.mark.pg
def test_after_the_sessions_are_killed_the_next_read_and_write_succeed(qtbot, server, bank, runner_for):
    runner = runner_for(bank.db)
    i = bank.ids["ex1001"]
    state = through(
        qtbot,
        runner,
        "read",
        lambda s: s.execute(select(Inspection.state).where(Inspection.id == i)).scalar_one(),
    )
    assert state == ("ok", r.SUBMITTED)
    assert through(qtbot, runner, "read", backend_pid)[0] == "ok"
    assert server.kill_all() >= 1
    status, version = through(
        qtbot,
        runner,
        "read",
        lambda s: s.execute(select(Inspection.state_version).where(Inspection.id == i)).scalar_one(),
    )
    assert status == "ok"
    assert server.kill_all() >= 1
    user = bank.user("A0311")

    def approve(s: Any) -> tuple[Any, Any]:
        from desktop.tasks import Changes

        return decide(s, user, i, r.APPROVE, expected_version=version, **KW), Changes(
            frozenset({"inspections"})
        )

    status, result = through(qtbot, runner, "write", approve)
    assert status == "ok", result
    assert decisions(bank.db, i)[-1] == ("A0311", r.APPROVE, version)
    assert runner.reported == []


KW = {"comment": "断线重试", "reason_code": "PHOTOS"}


@pytest.mark.pg
def test_a_write_whose_connection_dies_mid_transaction_runs_again_once_cleanly(
    qtbot, server, bank, runner_for
):
    runner = runner_for(bank.db)
    i = bank.ids["ex1002"]
    _state, version = state_of(bank.db, i)
    before = decisions(bank.db, i)
    events = audit_count(bank.db)
    user = bank.user("A0311")
    attempts: list[int] = []

    def approve(s: Any) -> tuple[Any, Any]:
        from desktop.tasks import Changes

        attempts.append(backend_pid(s))
        result = decide(s, user, i, r.APPROVE, expected_version=version, **KW)
        if len(attempts) == 1:
            server.kill(attempts[0])  # the decision is written, not committed: the server dies
            s.execute(text("SELECT 1"))
        return result, Changes(frozenset({"inspections"}))

    status, result = through(qtbot, runner, "write", approve)
    assert status == "ok", result
    assert len(attempts) == 2
    assert attempts[0] != attempts[1]
    assert result.to_state in (r.CLOSED, r.APPROVED)
    assert decisions(bank.db, i) == [*before, ("A0311", r.APPROVE, version)]  # once, not twice
    assert state_of(bank.db, i)[1] == version + 1
    assert audit_count(bank.db) == events + 1
    with bank.db.read_session() as s:
        assert verify(s).ok
    assert runner.reported == []


@pytest.mark.pg
def test_a_write_whose_connection_dies_during_commit_is_reported_not_repeated(
    qtbot, server, bank, runner_for
):
    from desktop.tasks import Changes, CommitUncertain

    runner = runner_for(bank.db)
    i = bank.ids["t1001"]
    before_state = state_of(bank.db, i)
    before = decisions(bank.db, i)
    user = bank.user("A0311")
    attempts: list[int] = []

    def on_commit(conn: Any) -> None:
        if attempts and len(attempts) == 1:
            server.kill(attempts[0])  # COMMIT is about to be sent on a dead session

    event.listen(bank.db.engine, "commit", on_commit)
    try:

        def approve(s: Any) -> tuple[Any, Any]:
            attempts.append(backend_pid(s))
            return decide(s, user, i, r.APPROVE, expected_version=before_state[1], **KW), Changes()

        status, error = through(qtbot, runner, "write", approve)
    finally:
        event.remove(bank.db.engine, "commit", on_commit)
    assert status == "error"
    assert isinstance(error, CommitUncertain), error
    assert error.params["label"] == "approve"
    assert error.params["url"].startswith("postgresql")
    assert len(attempts) == 1  # not run again blindly
    # here the server never saw the COMMIT: nothing was written, which the user can check
    assert decisions(bank.db, i) == before
    assert state_of(bank.db, i) == before_state
    with bank.db.read_session() as s:
        assert verify(s).ok


@pytest.mark.pg
def test_a_server_that_stays_away_gives_a_clear_message_and_nothing_half_written(
    qtbot, server, bank, runner_for
):
    from desktop.errors import describe_known_error
    from desktop.tasks import Changes

    runner = runner_for(bank.db)
    i = bank.ids["t1004"]
    before_state = state_of(bank.db, i)
    events = audit_count(bank.db)
    user = bank.user("A0315")
    attempts: list[int] = []

    def approve(s: Any) -> tuple[Any, Any]:
        attempts.append(backend_pid(s))
        result = decide(s, user, i, r.APPROVE, expected_version=before_state[1], **KW)
        server.kill(attempts[-1])
        s.execute(text("SELECT 1"))
        return result, Changes()

    runner.write(approve, label="approve")
    qtbot.waitUntil(lambda: bool(runner.reported), timeout=30_000)
    (error,) = runner.reported
    assert isinstance(error, DatabaseUnreachable)
    assert len(attempts) == runner.retries + 1
    assert "terminat" in error.params["reason"]
    assert describe_known_error(error).startswith("The database cannot be reached")
    assert state_of(bank.db, i) == before_state
    assert audit_count(bank.db) == events
    runner.reported.clear()


@pytest.mark.pg
def test_a_failing_unit_of_work_that_is_not_a_lost_connection_is_not_repeated(qtbot, bank, runner_for):
    runner = runner_for(bank.db)
    calls: list[int] = []

    def bad(s: Any) -> Any:
        calls.append(1)
        s.execute(text("SELECT * FROM no_such_table"))

    status, error = through(qtbot, runner, "read", bad)
    assert status == "error"
    assert type(error).__name__ == "ProgrammingError"
    assert calls == [1]


# -- two desktops at once ---------------------------------------------------------------------


@pytest.fixture
def two_desks(db_url: str, tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    """Two desktops (engines) on one database holding the example master data."""
    from data.ingest.runner import Importer

    one = open_database(db_url, data_dir=tmp_path / "desk1")
    other = open_database(db_url, data_dir=tmp_path / "desk2", migrate_schema=False)
    try:
        report = Importer(one).run([str(EXAMPLES / "master")])
        assert report.exit_code == 0, report.as_dict()
        yield one, other
    finally:
        other.dispose()
        one.dispose()


def test_two_desktops_importing_the_same_bundle_at_once_import_it_once(two_desks, tmp_path):
    from data.ingest.runner import Importer

    desks = two_desks
    for n in range(3):
        built = build_bundle(n, seed=500 + n)
        path = built.write(tmp_path / f"incoming{n}")
        barrier = threading.Barrier(2)
        out: list[Any] = [None, None]

        def run(
            k: int, path: Path = path, barrier: threading.Barrier = barrier, out: list[Any] = out
        ) -> None:
            importer = Importer(desks[k], actor=f"desk{k}")
            barrier.wait()
            try:
                out[k] = importer.run([str(path)])
            except Exception as exc:
                out[k] = exc

        threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        statuses = sorted(o.files[0].status for o in out)
        assert statuses == ["imported", "unchanged"], [
            o.as_dict() if hasattr(o, "as_dict") else o for o in out
        ]
        assert all(o.exit_code == 0 for o in out)
        with desks[0].read_session() as s:
            assert (
                s.execute(
                    select(func.count())
                    .select_from(Inspection)
                    .where(Inspection.bundle_id == built.bundle_id)
                ).scalar_one()
                == 1
            )
            assert (
                s.execute(
                    select(func.count())
                    .select_from(ImportFile)
                    .where(ImportFile.sha256 == out[0].files[0].sha256, ImportFile.status == "imported")
                ).scalar_one()
                == 1
            )
            assert verify(s).ok


def test_an_import_while_another_desktop_reads_the_list(two_desks, tmp_path):
    from data.ingest.runner import Importer
    from data.queries import InspectionFilter, inspection_page

    writer, reader = two_desks
    folder = tmp_path / "bundles"
    for n in range(24):
        build_bundle(n % 3, seed=900 + n, photo_size=(64, 48)).write(folder, f"b{n:03d}.zip")
    done = threading.Event()
    result: list[Any] = []
    pages: list[int] = []
    errors: list[BaseException] = []

    def importing() -> None:
        try:
            result.append(Importer(writer).run([str(folder)]))
        finally:
            done.set()

    t = threading.Thread(target=importing)
    t.start()
    try:
        while not done.is_set() or len(pages) < 3:
            try:
                with reader.read_session() as s:
                    rows = inspection_page(s, None, InspectionFilter(), limit=50)
                pages.append(len(rows))
            except Exception as exc:
                errors.append(exc)
                break
            time.sleep(0.01)
    finally:
        t.join(180)
    assert errors == []
    assert result
    assert result[0].exit_code == 0, result[0].as_dict()
    assert pages == sorted(pages)  # each page saw a committed state, never a smaller one
    assert pages[-1] == 24
