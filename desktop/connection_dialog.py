"""Where this desktop's database is: this computer only (SQLite), or the bank's server.

A shared deployment points every desktop at one PostgreSQL server. The server, port,
database, user and TLS mode are preferences (QSettings, under ``prefs/db_*``); the
password is kept only in the operating system's credential store (Windows Credential
Manager, macOS Keychain, the Secret Service on Linux) through ``keyring``, never in a
file. The URL handed to SQLAlchemy carries the password in memory only.

"Test connection" connects once on a worker (the task runner), so the window never waits
for a server that does not answer; a failure names the host and port and gives the
server's own reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Option, Preferences
from desktop.tasks import TaskRunner

log = logging.getLogger(__name__)

#: "sqlite" (this computer only, the default) or "server"
DB_KIND: Option[str] = Option("prefs/db_kind", "sqlite", str)
DB_HOST: Option[str] = Option("prefs/db_host", "", str)
DB_PORT: Option[int] = Option("prefs/db_port", 5432, int)
DB_NAME: Option[str] = Option("prefs/db_name", "loansight", str)
DB_USER: Option[str] = Option("prefs/db_user", "", str)
DB_SSLMODE: Option[str] = Option("prefs/db_sslmode", "prefer", str)
#: the credential store's service name; the entry's name is user@host:port/database
KEYRING_SERVICE = "LoanSight database"


def _t(text: str) -> str:
    return QCoreApplication.translate("Connection", text)


@dataclass(frozen=True)
class ServerConnection:
    """A PostgreSQL server as the user set it up, without the password."""

    host: str
    port: int = 5432
    database: str = "loansight"
    user: str = ""
    sslmode: str = "prefer"

    @property
    def credential_name(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str | None) -> str:
        """The SQLAlchemy URL, password included: keep it in memory, never write it."""
        from data.db import server_url

        return server_url(
            host=self.host,
            port=self.port,
            database=self.database,
            user=self.user,
            password=password,
            sslmode=self.sslmode,
        )

    def describe(self) -> str:
        return f"{self.host}:{self.port}/{self.database}"


def saved_connection(prefs: Preferences) -> ServerConnection | None:
    """The server this desktop is set to use, or None for this computer only (SQLite)."""
    if prefs.get(DB_KIND) != "server" or not prefs.get(DB_HOST):
        return None
    return ServerConnection(
        prefs.get(DB_HOST), prefs.get(DB_PORT), prefs.get(DB_NAME), prefs.get(DB_USER), prefs.get(DB_SSLMODE)
    )


def save_connection(prefs: Preferences, server: ServerConnection | None) -> None:
    """Remember the choice; None goes back to this computer only (the fields are kept so
    that switching back is quick; the password is not)."""
    if server is None:
        prefs.set(DB_KIND, "sqlite")
        return
    prefs.set(DB_HOST, server.host)
    prefs.set(DB_PORT, server.port)
    prefs.set(DB_NAME, server.database)
    prefs.set(DB_USER, server.user)
    prefs.set(DB_SSLMODE, server.sslmode)
    prefs.set(DB_KIND, "server")


class CredentialStoreError(Exception):
    """The operating system's credential store is missing or refused."""


def stored_password(server: ServerConnection) -> str | None:
    """The server's password from the credential store; None when there is none (or no
    store: libpq's own means, a ``.pgpass`` file, may still let the user in)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, server.credential_name)
    except KeyringError as exc:
        log.warning("the credential store could not be read: %s", exc)
        return None


def store_password(server: ServerConnection, password: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, server.credential_name, password)
    except KeyringError as exc:
        raise CredentialStoreError(str(exc) or type(exc).__name__) from exc


def forget_password(server: ServerConnection) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, server.credential_name)
    except PasswordDeleteError:
        pass  # there was none
    except KeyringError as exc:
        log.warning("the credential store could not forget %s: %s", server.credential_name, exc)


def configured_url(prefs: Preferences) -> str | None:
    """The URL of the saved server with its stored password, or None for SQLite. Reads
    the credential store: call it off the GUI thread (a store may ask the user)."""
    server = saved_connection(prefs)
    if server is None:
        return None
    return server.url(stored_password(server))


def ssl_mode_names() -> dict[str, str]:
    return {
        "disable": _t("Off (disable)"),
        "prefer": _t("If the server offers it (prefer)"),
        "require": _t("Required (require)"),
        "verify-full": _t("Required, certificate and name checked (verify-full)"),
    }


class ConnectionDialog(QDialog):
    """Choose this computer only (SQLite) or a PostgreSQL server; test it; save it.

    After ``accept()``, ``chosen_url()`` is the URL to open now (the password in it is in
    memory only), or None for this computer's own database."""

    def __init__(self, prefs: Preferences, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.runner = runner
        self._chosen: str | None = None
        self._tests = 0  # answers to an older test (fields since edited) are dropped
        self.setWindowTitle(_t("Database connection"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.local = QRadioButton(_t("This computer only (SQLite)"))
        self.shared = QRadioButton(_t("The bank's database server (PostgreSQL), shared by every desktop"))
        kinds = QButtonGroup(self)
        kinds.addButton(self.local)
        kinds.addButton(self.shared)
        layout.addWidget(self.local)
        layout.addWidget(self.shared)

        self.server_group = QGroupBox(_t("Server"))
        form = QFormLayout(self.server_group)
        saved = ServerConnection(
            prefs.get(DB_HOST),
            prefs.get(DB_PORT),
            prefs.get(DB_NAME),
            prefs.get(DB_USER),
            prefs.get(DB_SSLMODE),
        )
        self.host = QLineEdit(saved.host)
        self.host.setPlaceholderText(_t("e.g. db.bank.internal or 10.1.2.3"))
        form.addRow(_t("Server"), self.host)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(saved.port)
        form.addRow(_t("Port"), self.port)
        self.database = QLineEdit(saved.database)
        form.addRow(_t("Database"), self.database)
        self.user = QLineEdit(saved.user)
        form.addRow(_t("User"), self.user)
        self.sslmode = QComboBox()
        for code, name in ssl_mode_names().items():
            self.sslmode.addItem(name, code)
        self.sslmode.setCurrentIndex(max(0, self.sslmode.findData(saved.sslmode)))
        form.addRow(_t("Encryption (TLS)"), self.sslmode)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_t("Password"), self.password)
        note = QLabel(
            _t(
                "The password is kept in this computer's credential store, never in a file. "
                "Leave it empty to keep the stored one."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        form.addRow("", note)
        layout.addWidget(self.server_group)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(48)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.test_button = QPushButton(_t("Test connection"))
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self.test_connection)
        layout.addWidget(buttons)

        (self.shared if prefs.get(DB_KIND) == "server" else self.local).setChecked(True)
        self.shared.toggled.connect(self._on_kind_changed)
        for edit in (self.host, self.database, self.user, self.password):
            edit.textEdited.connect(self._on_edited)
        self.port.valueChanged.connect(self._on_edited)
        self.sslmode.currentIndexChanged.connect(self._on_edited)
        self._on_kind_changed()

    # -- what the fields say ------------------------------------------------------------

    def server(self) -> ServerConnection:
        return ServerConnection(
            self.host.text().strip(),
            self.port.value(),
            self.database.text().strip(),
            self.user.text().strip(),
            str(self.sslmode.currentData()),
        )

    def _problem(self) -> str | None:
        server = self.server()
        if not server.host:
            return _t("Enter the server's name or address.")
        if not server.database:
            return _t("Enter the database's name.")
        if not server.user:
            return _t("Enter the user name.")
        return None

    def chosen_url(self) -> str | None:
        return self._chosen

    def _on_kind_changed(self) -> None:
        self.server_group.setEnabled(self.shared.isChecked())
        self.test_button.setEnabled(self.shared.isChecked())
        self._on_edited()

    def _on_edited(self) -> None:
        self._tests += 1
        self._say("")
        self.test_button.setEnabled(self.shared.isChecked())

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)

    # -- test -----------------------------------------------------------------------------

    def test_connection(self) -> None:
        problem = self._problem()
        if problem:
            self._say(problem, error=True)
            return
        server = self.server()
        typed = self.password.text()
        self._tests += 1
        token = self._tests
        self.test_button.setEnabled(False)
        self._say(_t("Connecting to {host}:{port}…").format(host=server.host, port=server.port))

        def probe() -> Any:
            from data.db import probe_server

            return probe_server(server.url(typed or stored_password(server)))

        self.runner.run(
            probe,
            lambda info: self._on_tested(token, server, info),
            lambda error: self._on_test_failed(token, server, error),
            label="test database connection",
            owner=self,
        )

    def _on_tested(self, token: int, server: ServerConnection, info: Any) -> None:
        if token != self._tests:
            return
        self.test_button.setEnabled(True)
        reached = _t("Connected to {host}:{port} (PostgreSQL {version}).").format(
            host=server.host, port=server.port, version=info.server_version
        )
        if info.revision is None:
            self._say(
                reached
                + " "
                + _t("The database is empty: LoanSight will create its tables when it opens it.")
            )
        elif info.too_new:
            self._say(
                reached
                + " "
                + _t(
                    "The database was upgraded by a newer LoanSight (schema {revision}); this desktop has "
                    "schema {current}. Please install the newer version of LoanSight."
                ).format(revision=info.revision, current=info.desktop_revision),
                error=True,
            )
        elif info.revision != info.desktop_revision:
            self._say(
                reached
                + " "
                + _t(
                    "Its schema ({revision}) will be upgraded to this desktop's ({current}) when it opens."
                ).format(revision=info.revision, current=info.desktop_revision)
            )
        else:
            self._say(
                reached + " " + _t("The schema is current ({revision}).").format(revision=info.revision)
            )

    def _on_test_failed(self, token: int, server: ServerConnection, error: BaseException) -> None:
        if token != self._tests:
            return
        self.test_button.setEnabled(True)
        from data.errors import DatabaseUnreachable

        if not isinstance(error, DatabaseUnreachable):
            log.error("testing the connection failed", exc_info=error)
        reason = error.params["reason"] if isinstance(error, DatabaseUnreachable) else str(error)
        self._say(
            _t("Cannot connect to {host}:{port}: {reason}").format(
                host=server.host, port=server.port, reason=reason
            ),
            error=True,
        )

    # -- save -----------------------------------------------------------------------------

    def _save(self) -> None:
        if self.local.isChecked():
            previous = saved_connection(self.prefs)
            save_connection(self.prefs, None)
            if previous is not None:
                forget_password(previous)
            self._chosen = None
            self.accept()
            return
        problem = self._problem()
        if problem:
            self._say(problem, error=True)
            return
        server = self.server()
        password = self.password.text()
        if password:
            try:
                store_password(server, password)
            except CredentialStoreError as exc:
                # the password is not written anywhere else: it is used for this session
                # only, and asked for again next time
                log.warning("the credential store refused the password: %s", exc)
                QMessageBox.warning(
                    self,
                    _t("Database connection"),
                    _t(
                        "The password could not be kept in this computer's credential store ({reason}). "
                        "It is used until LoanSight closes and asked for again next time."
                    ).format(reason=exc),
                )
        save_connection(self.prefs, server)
        self._chosen = server.url(password or stored_password(server))
        self.accept()
