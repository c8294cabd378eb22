"""Whole databases on the test PostgreSQL server, for tests that need more than a schema.

Template fixtures are built once per session into a *template database*; each test gets
its own copy with ``CREATE DATABASE … TEMPLATE …`` (a file copy on the server, far faster
than importing again) and drops it afterwards.

Every database made here is named ``loansight_t…`` followed by a stamp of the session
that made it (``<epoch>_<host>_<pid>``), so a later session can tell leftovers of a
crashed one from databases a concurrent session is still using: it drops only those
made before it started by a process that is gone (same host) or more than a day old.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import re
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import create_engine, make_url, text

PREFIX = "loansight_t"
_NAME = re.compile(rf"^{PREFIX}(?:pl|)_(\d+)_([0-9a-f]{{6}})_(\d+)_[0-9a-z_]+$")
_STALE_AFTER_S = 24 * 3600
_DROP_TOGETHER = 8


def _host_tag() -> str:
    return hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PgDatabases:
    """Creates, copies and drops this session's databases on the server at ``base_url``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.started = int(time.time())
        self.stamp = f"{self.started}_{_host_tag()}_{os.getpid()}"
        self.admin = create_engine(
            base_url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=_DROP_TOGETHER
        )
        self.mine: set[str] = set()
        self._lock = threading.Lock()
        self._to_drop: queue.Queue[str | None] = queue.Queue()
        self._dropper: threading.Thread | None = None

    def url(self, name: str) -> str:
        return make_url(self.base_url).set(database=name).render_as_string(hide_password=False)

    def _run(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def create(self, *, template: str | None = None, kind: str = "") -> str:
        """A new database (an empty one, or a copy of ``template``); its name."""
        name = f"{PREFIX}{kind}_{self.stamp}_{uuid.uuid4().hex[:10]}"
        sql = f'CREATE DATABASE "{name}"'
        if template is not None:
            sql += f' TEMPLATE "{template}"'
        self._run(sql)
        with self._lock:
            self.mine.add(name)
        return name

    def template(self, label: str, *, copy_of: str | None = None) -> str:
        """A new database to build a template in, empty or a copy of ``copy_of``
        (``label`` says what it will hold)."""
        name = f"{PREFIX}pl_{self.stamp}_{label}"
        sql = f'CREATE DATABASE "{name}"'
        if copy_of is not None:
            sql += f' TEMPLATE "{copy_of}"'
        self._run(sql)
        with self._lock:
            self.mine.add(name)
        return name

    def drop(self, name: str) -> None:
        if not name.startswith(PREFIX):
            raise ValueError(f"not a test database: {name}")
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        with self._lock:
            self.mine.discard(name)

    def drop_later(self, name: str) -> None:
        """Drop ``name`` on a background thread. Each drop makes the server checkpoint (a
        second or two on a busy disk): the next test need not wait for it, and drops
        queued meanwhile go together, sharing one checkpoint."""
        if not name.startswith(PREFIX):
            raise ValueError(f"not a test database: {name}")
        if self._dropper is None:
            self._dropper = threading.Thread(
                target=self._drop_queued, name="drop test databases", daemon=True
            )
            self._dropper.start()
        self._to_drop.put(name)

    def _drop_queued(self) -> None:
        with ThreadPoolExecutor(max_workers=_DROP_TOGETHER, thread_name_prefix="drop") as pool:
            while True:
                batch = [self._to_drop.get()]
                while len(batch) < _DROP_TOGETHER and not self._to_drop.empty():
                    batch.append(self._to_drop.get())
                names = [n for n in batch if n is not None]
                for future in [pool.submit(self.drop, n) for n in names]:
                    with contextlib.suppress(Exception):  # close() drops whatever is left
                        future.result()
                if len(names) < len(batch):
                    return

    def drop_leftovers(self) -> list[str]:
        """Drop databases of earlier sessions that are gone; the names dropped."""
        with self.admin.connect() as conn:
            names = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": PREFIX + "%"}
            ).scalars()
            names = list(names)
        here, now, dropped = _host_tag(), time.time(), []
        for name in names:
            m = _NAME.match(name)
            if m is None:
                continue
            epoch, host, pid = int(m[1]), m[2], int(m[3])
            if epoch >= self.started or pid == os.getpid():
                continue
            gone = (host == here and not _alive(pid)) or now - epoch > _STALE_AFTER_S
            if gone:
                self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                dropped.append(name)
        return dropped

    def close(self) -> None:
        if self._dropper is not None:
            self._to_drop.put(None)
            self._dropper.join()
        for name in sorted(self.mine):
            self.drop(name)
        self.admin.dispose()


_instance: PgDatabases | None = None


def pg_databases(base_url: str) -> PgDatabases:
    """This session's ``PgDatabases`` (made, and leftovers cleaned up, on first use)."""
    global _instance
    if _instance is None:
        _instance = PgDatabases(base_url)
        _instance.drop_leftovers()
    return _instance


def close_pg_databases() -> None:
    global _instance
    if _instance is not None:
        _instance.close()
        _instance = None


def no_sync_on_connect(dbapi_conn: Any) -> None:
    """Fixture data only: commits need not wait for the disk."""
    dbapi_conn.execute("SET synchronous_commit TO off")
