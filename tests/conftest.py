"""Shared fixtures: a fresh database per test on each backend, fresh data folders, and
the spec's example files.

The backends a run covers: ``--backend=sqlite|postgresql|both`` (or the environment
variable ``LOANSIGHT_TEST_BACKEND``; default ``both``). PostgreSQL needs
``LOANSIGHT_TEST_PG_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``);
without it the PostgreSQL runs are skipped. Every test that asks for a database (``db``,
and the desktop tests' copies of the template databases) runs once per backend, as
``test_x[sqlite]`` and ``test_x[postgresql]``; tests that are about SQLite itself are
marked ``sqlite_only`` and tests about the server ``pg``: ``--backend=postgresql`` leaves
out the first, ``--backend=sqlite`` the second."""

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
BACKEND_CHOICES = ("sqlite", "postgresql", "both")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKEND_CHOICES,
        default=None,
        help="database backend(s) the tests run on (default: $LOANSIGHT_TEST_BACKEND, else both; "
        "PostgreSQL needs LOANSIGHT_TEST_PG_URL)",
    )


def selected_backends(config: pytest.Config) -> tuple[str, ...]:
    choice = config.getoption("--backend") or os.environ.get("LOANSIGHT_TEST_BACKEND") or "both"
    if choice not in BACKEND_CHOICES:
        raise pytest.UsageError(f"LOANSIGHT_TEST_BACKEND={choice!r}: use one of {', '.join(BACKEND_CHOICES)}")
    return ("sqlite", "postgresql") if choice == "both" else (choice,)


def pytest_configure(config: pytest.Config) -> None:
    selected_backends(config)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that needs a database (through the ``backend`` fixture) runs on each
    selected backend."""
    if "backend" in metafunc.fixturenames:
        params = [
            pytest.param(b, marks=pytest.mark.pg) if b == "postgresql" else b
            for b in selected_backends(metafunc.config)
        ]
        metafunc.parametrize("backend", params, indirect=True, scope="session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    backends = selected_backends(config)
    keep, drop = [], []
    for item in items:
        if ("postgresql" not in backends and item.get_closest_marker("pg")) or (
            "sqlite" not in backends and item.get_closest_marker("sqlite_only")
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests._pg import close_pg_databases

    close_pg_databases()


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: the backend this run of the test is on."""
    if request.param == "postgresql" and not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    return str(request.param)


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


@pytest.fixture
def db_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """A fresh database URL on each backend."""
    if backend == "sqlite":
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
    """A SQLite database whatever the backend (for tests about SQLite itself)."""
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}", data_dir=tmp_path / "data")
    try:
        yield database
    finally:
        database.dispose()
