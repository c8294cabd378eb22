"""Opening a database: where it lives, the engine, sessions, and schema migration.

The embedded default is a SQLite file in the user's data folder; a shared deployment
points every desktop at one PostgreSQL server with any SQLAlchemy URL. Opening a database
migrates it to the current schema (Alembic); a database written by a newer LoanSight is
refused rather than guessed at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from data.errors import DatabaseBusy, DatabaseTooNew, DatabaseUnreachable

APP_NAME = "LoanSight"
SQLITE_BUSY_TIMEOUT_MS = 10_000
_MIGRATION_LOCK_KEY = 7_316_001  # PostgreSQL advisory lock: one desktop migrates at a time
#: the first half of a two-key advisory lock that serialises writers of one named thing
#: (a bundle being imported) across desktops; the second half is a hash of the name
_NAMED_LOCK_SPACE = 7_316_002
#: how long a desktop waits for the server to accept a connection before saying so
PG_CONNECT_TIMEOUT_S = 10
#: PostgreSQL's ``application_name`` unless the URL sets one: a DBA sees who is connected
PG_APPLICATION_NAME = "LoanSight"
#: the TLS modes the connection dialog offers (libpq ``sslmode``)
SSL_MODES = ("disable", "prefer", "require", "verify-full")
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def default_data_dir() -> Path:
    """``LOANSIGHT_DATA_DIR``, else the per-user data folder of the platform.

    platformdirs gives %LOCALAPPDATA%\\LoanSight on Windows and ~/.local/share/LoanSight
    on Linux, which is where a desktop application's data belongs.
    """
    env = os.environ.get("LOANSIGHT_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_url(data_dir: Path | None = None) -> str:
    """``LOANSIGHT_DB``, else ``loansight.db`` in the data folder."""
    env = os.environ.get("LOANSIGHT_DB")
    if env:
        return env
    return f"sqlite:///{(data_dir or default_data_dir()) / 'loansight.db'}"


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine with the pragmas and transaction behaviour LoanSight relies on.

    SQLite: WAL (readers never block the writer), ``synchronous=FULL`` (a commit survives
    a power cut), foreign keys on, a busy timeout; and transactions that write start with
    ``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way with
    ``SQLITE_BUSY``. PostgreSQL: a pre-ping so a restarted server is reconnected.
    """
    if _is_sqlite(url):
        db_path = make_url(url).database
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, pool_pre_ping=False
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            write = conn.get_execution_options().get("loansight_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    query = make_url(url).query
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    if "application_name" not in query:
        connect_args["application_name"] = PG_APPLICATION_NAME
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args=connect_args)


def server_url(
    *, host: str, port: int, database: str, user: str, password: str | None = None, sslmode: str = "prefer"
) -> str:
    """The SQLAlchemy URL of a PostgreSQL server (psycopg 3), with every part escaped.

    The password goes into the returned string only: the caller keeps it in memory and
    never writes it anywhere (the desktop keeps it in the operating system's credential
    store). Without one, libpq's own means apply (``PGPASSWORD``, a ``.pgpass`` file)."""
    if sslmode not in SSL_MODES:
        raise ValueError(f"unknown sslmode {sslmode!r}")
    return URL.create(
        "postgresql+psycopg",
        username=user or None,
        password=password or None,
        host=host,
        port=port,
        database=database,
        query={"sslmode": sslmode},
    ).render_as_string(hide_password=False)


@dataclass(frozen=True)
class ServerInfo:
    """What a connection test learnt: the server's version and the schema it holds."""

    server_version: str
    #: the schema revision in the database, None for an empty database (it will be created)
    revision: str | None
    #: this desktop's newest schema revision
    desktop_revision: str

    @property
    def too_new(self) -> bool:
        return self.revision is not None and self.revision not in known_revisions()


def probe_server(url: str) -> ServerInfo:
    """Connect once (no pool, no migration) and tell what is there.

    Raises ``DatabaseUnreachable`` with the server's own reason (wrong password, no such
    database, refused, timed out) and the address without the password."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar_one())
        revision = _current_revision(engine)
    except DBAPIError as exc:
        raise DatabaseUnreachable(url=_safe_url(engine), reason=_server_reason(exc)) from exc
    finally:
        engine.dispose()
    return ServerInfo(version, revision, SCHEMA_HEAD)


_LIBPQ_PREFIX = re.compile(
    r'^(connection failed: )?(connection to server (at|on) "[^"]*"( \([^)]*\))?, port \d+ failed: )?'
    r"(FATAL: +)?"
)


def _server_reason(exc: DBAPIError) -> str:
    """The server's (or libpq's) reason, without the address the caller names anyway:
    'Connection refused. Is the server running…', 'password authentication failed…'."""
    lines = [line.strip() for line in str(exc.orig).splitlines() if line.strip()]
    if lines:
        lines[0] = _LIBPQ_PREFIX.sub("", lines[0])
        lines[0] = lines[0][:1].upper() + lines[0][1:]
    text_ = " ".join(line if line.endswith((".", "?", "!")) else line + "." for line in lines if line)
    return text_ or type(exc.orig).__name__


def is_connection_lost(exc: BaseException) -> bool:
    """The database connection broke (the server restarted, the network dropped, an
    administrator ended the session), as opposed to the database refusing the work.

    SQLAlchemy marks an error it recognised as a disconnect with
    ``connection_invalidated``; psycopg raises ``OperationalError`` for a connection that
    died. SQLite's ``OperationalError`` (a locked database, a full disk) is never a lost
    connection: there is no connection to lose."""
    orig: BaseException | None
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = exc.orig
    else:
        orig = exc
    if orig is None or not type(orig).__module__.startswith("psycopg"):
        return False
    import psycopg

    if not isinstance(orig, psycopg.OperationalError):
        return False
    # the server answered, with a transaction-level refusal: not a lost connection
    return not is_transient_conflict(exc)


def is_transient_conflict(exc: BaseException) -> bool:
    """PostgreSQL rolled the transaction back because of another one (deadlock,
    serialization failure): running the whole unit of work again is the cure."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(orig, "sqlstate", None) in ("40001", "40P01")


def lock_named(session: Session, name: str) -> None:
    """Serialise the writers of one named thing across desktops until the transaction
    ends: on PostgreSQL a transaction-level advisory lock; on SQLite nothing, a write
    transaction (``BEGIN IMMEDIATE``) already holds the whole database."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(:name))"),
            {"space": _NAMED_LOCK_SPACE, "name": name},
        )


def _alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


#: the newest migration in data/migrations/versions (a test keeps the two in step); a
#: database already at it opens without importing Alembic at all, which keeps start-up fast
SCHEMA_HEAD = "0008"


def _current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            rows: list[Any] = list(
                conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            )
    except OperationalError:
        return None  # no table yet (a new database), or no database: the full path tells
    except Exception as exc:  # PostgreSQL: undefined table is a ProgrammingError
        if type(exc).__name__ != "ProgrammingError":
            raise
        return None
    return rows[0] if len(rows) == 1 else None


def migrate(engine: Engine) -> None:
    """Bring the schema to the current revision; refuse a database from a newer version.

    Migrations run once per server: on PostgreSQL the upgrade runs under an advisory lock
    held by its transaction, so of two desktops starting together one migrates and the
    other waits, then finds the schema current (it reads the revision after the lock).
    A revision this desktop does not know was written by a newer LoanSight: refused with
    both revisions named, never guessed at."""
    if _current_revision(engine) == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    known = known_revisions()
    with engine.execution_options(loansight_write=True).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
        current = MigrationContext.configure(conn).get_current_heads()
        unknown = [rev for rev in current if rev not in known]
        if unknown:
            raise DatabaseTooNew(url=_safe_url(engine), revision=", ".join(unknown), current=SCHEMA_HEAD)
        if set(current) != {head_revision()}:
            command.upgrade(_alembic_config(conn), "head")


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _is_sqlite_busy(exc: OperationalError) -> bool:
    """SQLITE_BUSY: the busy timeout ran out waiting for another connection's lock."""
    name = getattr(exc.orig, "sqlite_errorname", "")
    return name.startswith("SQLITE_BUSY") or "database is locked" in str(exc.orig)


@dataclass
class Database:
    """An open database and what goes with it: sessions and the data folder.

    ``read_session()`` is for queries; ``write_session()`` opens a unit of work that
    commits on success and rolls back on any exception. Objects stay usable after commit
    (``expire_on_commit=False``) so results can be turned into frozen rows.
    """

    url: str
    engine: Engine
    data_dir: Path
    _reader: sessionmaker[Session] = field(init=False, repr=False)
    _writer: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(loansight_write=True), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """What the status bar shows: the file path, or server/database for a server."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return str(url.database)
        return f"{url.get_backend_name()}://{url.host or 'localhost'}:{url.port or ''}/{url.database}"

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        try:
            with self._writer() as session, session.begin():
                yield session
        except OperationalError as exc:
            if _is_sqlite_busy(exc):
                raise DatabaseBusy(
                    url=_safe_url(self.engine),
                    timeout_s=SQLITE_BUSY_TIMEOUT_MS / 1000,
                    reason="another program holds its write lock",
                ) from exc
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(
    url: str | None = None, data_dir: Path | None = None, *, migrate_schema: bool = True
) -> Database:
    """Open (and by default migrate) the database at ``url`` or the default location."""
    data_dir = data_dir or default_data_dir()
    url = url or default_db_url(data_dir)
    engine = make_engine(url)
    try:
        if migrate_schema:
            migrate(engine)
        else:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseUnreachable(url=_safe_url(engine), reason=str(exc.orig)) from exc
    except Exception:
        engine.dispose()
        raise
    return Database(url=url, engine=engine, data_dir=data_dir)
