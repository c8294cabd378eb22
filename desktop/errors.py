"""Errors reach the user in one of two ways.

Known conditions (database unreachable, disk full, a file that cannot be read, a database
from a newer version) get a clear message in the user's language. Anything else is a bug:
it is logged with its traceback and shown in one error dialog whose details can be copied
for the support desk. Nothing fails silently.
"""

from __future__ import annotations

import errno
import logging
import sys
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


def _t(text: str) -> str:
    return QCoreApplication.translate("Errors", text)


def describe_known_error(error: BaseException) -> str | None:
    """A sentence for the user, or None when the error is not a known condition."""
    from sqlalchemy.exc import OperationalError

    from data.errors import LoanSightError

    if isinstance(error, LoanSightError):
        p = error.params
        if error.code == "DB_BUSY":
            return _t(
                "The database is busy: another program has held it for more than {timeout_s} s. "
                "Nothing was saved; try again in a moment."
            ).format(timeout_s=p.get("timeout_s", "?"))
        if error.code == "DB_UNREACHABLE":
            return _t("The database cannot be reached: {url}\n{reason}").format(**p)
        if error.code == "DB_TOO_NEW":
            return _t(
                "The database was upgraded by a newer LoanSight (schema {revision}); this desktop "
                "has schema {current}. Please install the newer version of LoanSight."
            ).format(revision=p.get("revision", "?"), current=p.get("current", "?"))
        if error.code == "DB_COMMIT_UNCERTAIN":
            return _t(
                "The connection to the database was lost while saving ({label}). LoanSight cannot "
                "tell whether the change was saved: look at the record again before repeating it."
            ).format(label=p.get("label", ""))
        if error.code == "PHOTO_STORE":
            return _t("The photo store cannot be written: {path}\n{reason}").format(**p)
        if error.code == "NOT_FOUND":
            return _t("This record no longer exists or is outside your scope.")
        if error.code == "FEED":
            return _t("The feed {url} failed: {reason}").format(**p)
        return str(error)
    if isinstance(error, OperationalError):
        return _t(
            "The database did not answer. Check the network or the server, then try again.\n{detail}"
        ).format(detail=str(error.orig))
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return _t("The disk is full: {path}").format(path=error.filename or "")
        return _t("A file could not be read or written: {path}\n{reason}").format(
            path=error.filename or "", reason=error.strerror or str(error)
        )
    return None


class ErrorDialog(QDialog):
    """The one dialog for unexpected errors, with details to copy."""

    def __init__(self, error: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_t("Unexpected error"))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        summary = QLabel(
            _t(
                "Something went wrong inside LoanSight. Your data is safe: the action was not "
                "completed. Please send the details below to the support desk."
            )
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlainText(
            "".join(traceback.format_exception(type(error), error, error.__traceback__))
        )
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(_t("Copy details"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self._copy)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _copy(self) -> None:
        QApplication.clipboard().setText(self.details.toPlainText())


def show_error(error: BaseException, parent: QWidget | None = None) -> None:
    """Tell the user about an error the way its kind deserves."""
    known = describe_known_error(error)
    if known is not None:
        QMessageBox.warning(parent, _t("LoanSight"), known)
        return
    log.error("unexpected error", exc_info=error)
    if QApplication.instance() is not None:
        ErrorDialog(error, parent).exec()


def install_excepthook(parent_getter: Any = None) -> None:
    """Route uncaught exceptions (from slots, timers…) to the log and the error dialog."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.critical("uncaught exception", exc_info=(kind, value, tb))
        try:
            show_error(value, parent_getter() if parent_getter else None)
        except Exception:  # the dialog itself failed: the log has it
            log.exception("could not show the error dialog")

    sys.excepthook = hook
