"""The task runner: every database access of the GUI goes through here.

Rules:
* reads run on a small thread pool, each with its own session;
* writes run one at a time on a single writer thread, each inside one transaction;
* results come back on the GUI thread as plain frozen values (never ORM objects);
* a known error (``LoanSightError``: database unreachable, bad file) goes to the caller's
  ``on_error`` or, by default, to the shell's message handler; anything else is a bug and
  goes to the shell's error dialog;
* after a write the runner broadcasts what changed (``changed``), and each screen decides
  whether to re-query;
* a lost database connection (a shared server restarted, the network dropped) is retried
  by running the WHOLE unit of work again with a fresh session — never one statement —
  a bounded number of times with a short pause; see ``TaskRunner._attempts`` for when a
  write may be run again and when it must not.

A screen keeps a ``Latest`` counter per kind of request and drops answers to requests it
has since superseded (the user typed another letter, picked another row).
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from data.errors import LoanSightError

log = logging.getLogger(__name__)
T = TypeVar("T")
Callback = Callable[[Any], None]


@dataclass(frozen=True)
class Changes:
    """What a write changed, broadcast to every screen after it commits."""

    tables: frozenset[str] = frozenset()
    ids: tuple[Any, ...] = ()
    note: str = ""


@dataclass
class _Done:
    on_done: Callback | None
    on_error: Callback | None
    owner: QObject | None = None
    result: Any = None
    error: BaseException | None = None
    changes: Changes | None = None
    label: str = ""
    started: float = field(default_factory=time.monotonic)


class CommitUncertain(LoanSightError):
    """The connection was lost while the database was committing a write: the server may
    or may not have committed it, and nothing on this side can tell which. Not retried
    (that could do the work twice); the user is told to look before doing it again."""

    code = "DB_COMMIT_UNCERTAIN"
    template = "the connection to {url} was lost while saving ({label}): {reason}"


class Latest:
    """Hands out request numbers; only the newest is current."""

    def __init__(self) -> None:
        self._n = 0

    def next(self) -> int:
        self._n += 1
        return self._n

    def is_current(self, token: int) -> bool:
        return token == self._n


class TaskRunner(QObject):
    """Runs database work off the GUI thread. Created by the shell, handed to each view."""

    _results_ready = Signal()
    #: how many tasks are running (for the status bar's progress indicator)
    busy_changed = Signal(int)
    #: a write committed; the payload is a ``Changes``
    changed = Signal(object)
    #: a known error nobody handled (message for the user), and an unexpected one (a bug)
    known_error = Signal(object)
    unexpected_error = Signal(object)

    #: how many times a unit of work is run again after a lost connection, and the pause
    #: before each new attempt (seconds; a server restart takes a few)
    retries = 3
    backoff = (0.2, 1.0, 3.0)

    def __init__(self, db: Any, *, readers: int = 3, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._readers = ThreadPoolExecutor(
            max_workers=readers, thread_name_prefix="loansight-read", initializer=_yield_to_gui
        )
        self._writer = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="loansight-write", initializer=_yield_to_gui
        )
        self._lock = threading.Lock()
        self._pending: list[_Done] = []
        self._running = 0
        self._ids = itertools.count(1)
        self._closed = False
        self._results_ready.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # -- public API --------------------------------------------------------------------

    def read(
        self,
        fn: Callable[[Any], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callback | None = None,
        *,
        label: str = "",
        owner: QObject | None = None,
    ) -> Future[Any]:
        """Run ``fn(session)`` on a reader thread with a fresh read session.

        ``owner``: the widget the answer is for; if it has been deleted by the time the
        answer arrives (the user logged out, the language was switched), the answer is
        dropped instead of reaching a dead object."""

        def attempt() -> Any:
            with self.db.read_session() as session:
                return fn(session)

        def job() -> Any:
            return self._attempts(attempt, label or _name(fn), write=False)

        return self._submit(self._readers, job, on_done, on_error, label, write=False, owner=owner)

    def write(
        self,
        fn: Callable[[Any], tuple[T, Changes]],
        on_done: Callable[[T], None] | None = None,
        on_error: Callback | None = None,
        *,
        label: str = "",
        owner: QObject | None = None,
    ) -> Future[Any]:
        """Run ``fn(session)`` on the writer thread in one transaction.

        ``fn`` returns ``(result, changes)``; ``changes`` is broadcast after the commit.
        ``fn`` may run more than once (after a lost connection, with a fresh session and
        nothing of the earlier attempt kept), so it must do all its work through the
        session it is given.
        """

        def attempt() -> Any:
            committing = False
            try:
                with self.db.write_session() as session:
                    out = fn(session)
                    session.flush()  # every statement is sent before COMMIT is
                    committing = True
            except BaseException as exc:
                if committing and _connection_broke(exc):
                    raise CommitUncertain(
                        url=self._safe_url(), label=label or _name(fn), reason=_reason(exc)
                    ) from exc
                raise
            return out

        def job() -> Any:
            return self._attempts(attempt, label or _name(fn), write=True)

        return self._submit(self._writer, job, on_done, on_error, label, write=True, owner=owner)

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callback | None = None,
        *,
        label: str = "",
        exclusive: bool = False,
        owner: QObject | None = None,
    ) -> Future[Any]:
        """Run a job that manages its own sessions (an import); ``exclusive`` queues it
        behind the writes, as a long writer should."""
        pool = self._writer if exclusive else self._readers
        return self._submit(pool, fn, on_done, on_error, label, write=False, owner=owner)

    def running(self) -> int:
        return self._running

    def _attempts(self, attempt: Callable[[], T], label: str, *, write: bool) -> T:
        """Run one unit of work, again from the start after a lost connection.

        The rule for running a write again: a transaction whose connection broke before
        COMMIT was sent cannot have committed (the server rolls back a transaction whose
        session ended), so running the whole unit again is safe; so is one PostgreSQL
        rolled back for a deadlock or serialization conflict. A connection that broke
        while COMMIT was on its way is different: the server may have committed and only
        the answer was lost, so the write is not run again (it could happen twice) and
        the user gets ``CommitUncertain``, which tells them to check first. ``fn`` is
        flushed before COMMIT so that "before COMMIT" covers every statement it made.
        Reads are always safe to run again. When the attempts are used up the user gets
        ``DatabaseUnreachable``; nothing was written.
        """
        from data.errors import DatabaseUnreachable

        tries = 0
        while True:
            try:
                return attempt()
            except CommitUncertain:
                raise
            except Exception as exc:
                if not _worth_another_attempt(exc):
                    raise
                if tries >= self.retries or self._closed:
                    log.warning("%s: the database is still unreachable after %d attempts", label, tries + 1)
                    raise DatabaseUnreachable(url=self._safe_url(), reason=_reason(exc)) from exc
                pause = self.backoff[min(tries, len(self.backoff) - 1)]
                tries += 1
                log.warning(
                    "%s (%s): %s; running it again from the start in %.1f s (attempt %d of %d)",
                    label,
                    "write" if write else "read",
                    _reason(exc),
                    pause,
                    tries + 1,
                    self.retries + 1,
                )
                time.sleep(pause)

    def _safe_url(self) -> str:
        engine = getattr(self.db, "engine", None)
        return engine.url.render_as_string(hide_password=True) if engine is not None else ""

    def shutdown(self, wait: bool = True) -> None:
        self._closed = True
        self._readers.shutdown(wait=wait, cancel_futures=True)
        self._writer.shutdown(wait=wait, cancel_futures=True)

    # -- plumbing ------------------------------------------------------------------------

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        job: Callable[[], Any],
        on_done: Callback | None,
        on_error: Callback | None,
        label: str,
        *,
        write: bool,
        owner: QObject | None = None,
    ) -> Future[Any]:
        self._running += 1
        self.busy_changed.emit(self._running)
        done = _Done(on_done, on_error, owner, label=label or getattr(job, "__name__", "task"))

        def wrapped() -> None:
            try:
                result = job()
                if write:
                    done.result, done.changes = result
                else:
                    done.result = result
            except BaseException as exc:  # delivered to the GUI thread, never swallowed
                done.error = exc
            with self._lock:
                self._pending.append(done)
            if not self._closed:
                self._results_ready.emit()

        return pool.submit(wrapped)

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        for done in batch:
            self._running -= 1
            self.busy_changed.emit(self._running)
            if done.owner is not None and not shiboken6.isValid(done.owner):
                continue  # the screen that asked is gone: nobody is waiting for this
            if done.error is not None:
                self._fail(done)
                continue
            if done.changes is not None:
                self.changed.emit(done.changes)
            if done.on_done is not None:
                try:
                    done.on_done(done.result)
                except Exception as exc:  # a bug in a screen's handler
                    log.exception("handler for %s failed", done.label)
                    self.unexpected_error.emit(exc)

    def _fail(self, done: _Done) -> None:
        assert done.error is not None
        if done.on_error is not None:
            done.on_error(done.error)
        else:
            self.report_error(done.error, done.label)

    def report_error(self, error: BaseException, label: str = "") -> None:
        """Hand an error to the shell: a known condition as a message, a bug as a bug."""
        from data.errors import LoanSightError

        if isinstance(error, LoanSightError) or _is_environment_error(error):
            log.warning("%s: %s", label, error)
            self.known_error.emit(error)
        else:
            log.error("%s failed", label, exc_info=error)
            self.unexpected_error.emit(error)


def _yield_to_gui() -> None:
    """Run this worker thread at a lower scheduling priority than the GUI thread, so that
    on a busy two-core desktop the window keeps answering while queries run."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetThreadPriority(kernel32.GetCurrentThread(), -1)  # BELOW_NORMAL
        elif hasattr(os, "setpriority"):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)  # Linux: per thread
    except (OSError, AttributeError):
        log.debug("could not lower the priority of %s", threading.current_thread().name)


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", "task")


def _connection_broke(exc: BaseException) -> bool:
    from data.db import is_connection_lost

    return is_connection_lost(exc)


def _worth_another_attempt(exc: BaseException) -> bool:
    from data.db import is_connection_lost, is_transient_conflict

    return is_connection_lost(exc) or is_transient_conflict(exc)


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return " ".join(str(orig).split()) or type(orig).__name__


def _is_environment_error(error: BaseException) -> bool:
    """Database unreachable, disk full, a file that cannot be read: not a bug."""
    from sqlalchemy.exc import OperationalError

    return isinstance(error, OperationalError | OSError)
