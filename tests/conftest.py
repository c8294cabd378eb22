"""Shared fixtures: a fresh database per test (SQLite file, or PostgreSQL when
``LOANSIGHT_TEST_PG_URL`` is set), fresh data folders, and the spec's example files."""

from __future__ import annotations

import os

# Qt runs offscreen in tests; QtWebEngine refuses to run as root without this.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.db import Database, open_database

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLES = SHARED / "spec" / "examples"
PG_URL = os.environ.get("LOANSIGHT_TEST_PG_URL")
PG_SKIP_REASON = "LOANSIGHT_TEST_PG_URL is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data folder; no test sees the user's real one."""
    monkeypatch.setenv("LOANSIGHT_DATA_DIR", str(tmp_path / "userdata"))
    monkeypatch.delenv("LOANSIGHT_DB", raising=False)
    monkeypatch.delenv("LOANSIGHT_PHOTO_DIR", raising=False)


@pytest.fixture
def examples_dir(tmp_path: Path) -> Path:
    """A private copy of the spec's example files (tests may add to it)."""
    if not EXAMPLES.is_dir():
        pytest.skip(f"the spec's examples are not at {EXAMPLES}")
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to an empty, private PostgreSQL schema, dropped afterwards."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(PG_URL, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> Iterator[Database]:
    """An open, migrated database on each backend, with its own data folder."""
    database = open_database(db_url, data_dir=tmp_path / "data")
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}", data_dir=tmp_path / "data")
    try:
        yield database
    finally:
        database.dispose()
