"""The audit chain, and opening databases: migration, pragmas, refusing newer schemas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from data import audit
from data.db import head_revision, open_database
from data.errors import DatabaseTooNew
from data.ingest.runner import Importer

REPO = Path(__file__).resolve().parents[2]


def _append_some(db, n=5):
    for i in range(n):
        with db.write_session() as s:
            audit.append(s, "tester", "TEST", "thing", str(i), {"i": i, "名称": "测试"})


def test_chain_verifies_and_times_come_from_the_database(db):
    _append_some(db)
    with db.read_session() as s:
        result = audit.verify(s)
        events = s.execute(text("SELECT prev_hash, hash FROM audit_events ORDER BY id")).all()
    assert result.ok
    assert result.events == 5
    assert events[0][0] == audit.GENESIS
    assert all(events[i][0] == events[i - 1][1] for i in range(1, 5))


def test_audit_rows_cannot_be_updated_or_deleted(db):
    _append_some(db, 2)
    for statement in ("UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), db.write_session() as s:
            s.execute(text(statement))
    with db.read_session() as s:
        assert audit.verify(s).ok


def _drop_guard(db):
    """What an attacker with database rights would do first: remove the triggers."""
    with db.write_session() as s:
        if db.dialect == "postgresql":
            s.execute(text("DROP TRIGGER audit_events_no_update ON audit_events"))
        else:
            s.execute(text("DROP TRIGGER audit_events_no_update"))
            s.execute(text("DROP TRIGGER audit_events_no_delete"))


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ("UPDATE audit_events SET details = '{\"i\": 99}' WHERE id = 3", "hash"),
        ("UPDATE audit_events SET actor = 'mallory' WHERE id = 3", "hash"),
        ("DELETE FROM audit_events WHERE id = 3", "link"),
    ],
    ids=["details-altered", "actor-altered", "event-deleted"],
)
def test_verify_names_the_first_broken_event(db, statement, problem):
    _append_some(db)
    _drop_guard(db)
    with db.write_session() as s:
        s.execute(text(statement))
    with db.read_session() as s:
        result = audit.verify(s)
    assert not result.ok
    assert result.problem == problem
    assert result.first_bad_id == (3 if problem == "hash" else 4)
    assert result.events == 2


def test_cli_audit_verify(db_url, tmp_path, examples_dir):
    url = db_url
    db = open_database(url, data_dir=tmp_path / "d")
    Importer(db).run([str(examples_dir)])
    ok = subprocess.run(
        [sys.executable, "main.py", "audit", "verify", "--db", url],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    _drop_guard(db)
    with db.write_session() as s:
        s.execute(text("UPDATE audit_events SET entity_id = 'x' WHERE id = 4"))
    db.dispose()
    bad = subprocess.run(
        [sys.executable, "main.py", "audit", "verify", "--db", url],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "event 4" in bad.stdout


@pytest.mark.sqlite_only  # SQLite's pragmas
def test_sqlite_pragmas(sqlite_db):
    with sqlite_db.read_session() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


@pytest.mark.sqlite_only  # the default database is a SQLite file
def test_default_location_is_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LOANSIGHT_DATA_DIR", str(tmp_path / "my data"))
    db = open_database()
    try:
        assert Path(db.describe()) == tmp_path / "my data" / "loansight.db"
    finally:
        db.dispose()
    monkeypatch.setenv("LOANSIGHT_DB", f"sqlite:///{tmp_path / 'other.db'}")
    db = open_database()
    try:
        assert Path(db.describe()) == tmp_path / "other.db"
    finally:
        db.dispose()


def test_reopening_is_a_no_op_and_newer_schema_is_refused(db_url, tmp_path):
    db = open_database(db_url, data_dir=tmp_path)
    with db.read_session() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    db.dispose()
    db = open_database(db_url, data_dir=tmp_path)  # already current
    with db.write_session() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    db.dispose()
    with pytest.raises(DatabaseTooNew, match="9999_from_the_future") as info:
        open_database(db_url, data_dir=tmp_path)
    assert info.value.code == "DB_TOO_NEW"


def test_the_fast_path_knows_the_newest_migration():
    """open_database skips Alembic for a database at SCHEMA_HEAD: it must be the real head."""
    from data.db import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD
