"""Templates: a database built once (a SQLite file, or a PostgreSQL template database)
with its data folder, and cheap private copies of it for each test.

On PostgreSQL a copy is ``CREATE DATABASE … TEMPLATE …`` (the server copies the files;
the template must have no open connection, so builders dispose their engines) and is
dropped after the test; see ``tests/_pg.py``."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event

from data.db import Database, open_database
from tests.conftest import PG_URL


@dataclass(frozen=True)
class Template:
    """A built database to copy: a SQLite file (``db_file``) or a PostgreSQL template
    database (``pg_database``), and its data folder."""

    db_file: Path | None
    data_dir: Path
    pg_database: str | None = None


def _pg() -> Any:
    from tests._pg import pg_databases

    assert PG_URL, "a PostgreSQL template without LOANSIGHT_TEST_PG_URL"
    return pg_databases(PG_URL)


def clone(template: Template, folder: Path, *, share_photos: bool = False) -> Database:
    """A private copy of a template database (file or server database, and data folder),
    opened as shipped. Give it back with ``discard()``.

    ``share_photos`` links the template's photo store instead of copying its thousand-odd
    files, for tests that only read photos (thumbnails are still made per copy)."""
    folder.mkdir(parents=True)
    if template.pg_database is not None:
        pg = _pg()
        url = pg.url(pg.create(template=template.pg_database))
    else:
        assert template.db_file is not None
        db_file = folder / "loansight.db"
        shutil.copy2(template.db_file, db_file)
        url = f"sqlite:///{db_file}"
    if share_photos:
        (folder / "data").mkdir()
        (folder / "data" / "photos").symlink_to(template.data_dir / "photos", target_is_directory=True)
    else:
        shutil.copytree(template.data_dir, folder / "data")
    return open_database(url, data_dir=folder / "data")


def discard(db: Database) -> None:
    """Close a copy made by ``clone()``; a server copy is dropped."""
    db.dispose()
    if db.dialect == "postgresql":
        _pg().drop_later(str(db.engine.url.database))


def new_template(
    backend: str, root: Path, label: str, copy_of: Template | None = None
) -> tuple[Database, Template]:
    """A migrated database to build a template in, empty or a copy of ``copy_of``
    (durability relaxed)."""
    root.mkdir(parents=True, exist_ok=True)
    if copy_of is not None:
        shutil.copytree(copy_of.data_dir, root / "data")
    if backend == "postgresql":
        name = _pg().template(label, copy_of=copy_of.pg_database if copy_of else None)
        url = _pg().url(name)
        template = Template(None, root / "data", pg_database=name)
    else:
        if copy_of is not None:
            shutil.copy2(str(copy_of.db_file), root / "loansight.db")
        url = f"sqlite:///{root / 'loansight.db'}"
        template = Template(root / "loansight.db", root / "data")
    db = open_database(url, data_dir=root / "data")
    _fast_for_fixture_data(db)
    return db, template


def _fast_for_fixture_data(db: Database) -> None:
    @event.listens_for(db.engine, "connect")
    def _no_sync(dbapi_conn: Any, _record: Any) -> None:
        if db.dialect == "postgresql":
            from tests._pg import no_sync_on_connect

            no_sync_on_connect(dbapi_conn)
        else:
            dbapi_conn.execute("PRAGMA synchronous=OFF")

    db.engine.dispose()
