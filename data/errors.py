"""Errors the core raises for known conditions.

The core never words a message for the user: each error carries a stable ``code`` and
its ``params``; the UI (or the command line) turns them into text. ``str()`` gives an
English fallback for logs.
"""

from __future__ import annotations

from typing import Any


class LoanSightError(Exception):
    """A known condition (bad input, environment problem), not a bug."""

    code = "ERROR"
    template = "{code}"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.template.format(code=self.code, **params))


class DatabaseTooNew(LoanSightError):
    code = "DB_TOO_NEW"
    template = (
        "the database {url} has schema revision {revision}, which this version of LoanSight "
        "does not know: it was written by a newer version; upgrade LoanSight"
    )


class DatabaseUnreachable(LoanSightError):
    code = "DB_UNREACHABLE"
    template = "cannot open the database {url}: {reason}"


class DatabaseBusy(DatabaseUnreachable):
    """SQLite: another program held the database's write lock for longer than the busy
    timeout. Nothing was written; the same action succeeds once the lock is released. A
    kind of unreachable database, so that whatever handles that (the importer ends its
    run) handles this too."""

    code = "DB_BUSY"
    template = (
        "the database {url} is busy: another program has held its write lock for more than "
        "{timeout_s} s; nothing was written, try again"
    )


class PhotoStoreError(LoanSightError):
    code = "PHOTO_STORE"
    template = "cannot write to the photo store {path}: {reason}"


class FeedError(LoanSightError):
    code = "FEED"
    template = "feed {url}: {reason}"


class NotFound(LoanSightError):
    """The record does not exist, or the user may not see it: the same answer, so that
    scope never leaks what exists elsewhere."""

    code = "NOT_FOUND"
    template = "{what} {key} was not found"
