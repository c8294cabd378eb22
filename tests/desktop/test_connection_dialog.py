"""The database connection dialog: the server's settings in the preferences, the password
in the credential store only (an in-memory keyring here: CI has no real one), the
connection test on a worker with a clear failure, reachable from the login window and
from Settings; a database upgraded by a newer LoanSight refused at start-up with both
schema revisions named."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data.db import SCHEMA_HEAD, open_database
from desktop.connection_dialog import (
    DB_HOST,
    DB_KIND,
    KEYRING_SERVICE,
    ConnectionDialog,
    ServerConnection,
    configured_url,
    saved_connection,
)
from tests.conftest import PG_URL

SECRET = "S3cret:p@ss/word#1"


class MemoryKeyring(KeyringBackend):
    """A credential store that lives in this process only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def vault() -> Any:
    before = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    try:
        yield store
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def bare_runner(make_runner: Any) -> Any:
    """A runner with no database yet, as at start-up."""
    return make_runner(None)


def fill(
    dialog: ConnectionDialog,
    *,
    host: str,
    port: int,
    database: str,
    user: str,
    sslmode: str = "prefer",
    password: str = "",
) -> None:
    dialog.shared.setChecked(True)
    dialog.host.setText(host)
    dialog.port.setValue(port)
    dialog.database.setText(database)
    dialog.user.setText(user)
    dialog.sslmode.setCurrentIndex(dialog.sslmode.findData(sslmode))
    dialog.password.setText(password)


def test_save_keeps_the_server_in_the_preferences_and_the_password_in_the_credential_store(
    qtbot: Any, prefs: Any, bare_runner: Any, vault: MemoryKeyring, tmp_path: Path
) -> None:
    dialog = ConnectionDialog(prefs, bare_runner)
    qtbot.addWidget(dialog)
    assert dialog.local.isChecked()  # the default: this computer only
    assert not dialog.server_group.isEnabled()
    fill(
        dialog,
        host="db.bank.internal",
        port=6432,
        database="loansight",
        user="supervisor",
        sslmode="verify-full",
        password=SECRET,
    )
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    server = saved_connection(prefs)
    assert server == ServerConnection("db.bank.internal", 6432, "loansight", "supervisor", "verify-full")
    assert vault.entries == {(KEYRING_SERVICE, "supervisor@db.bank.internal:6432/loansight"): SECRET}
    # the password is in the URL handed over (in memory), escaped, and nowhere on disk
    url = make_url(dialog.chosen_url())
    assert (url.host, url.port, url.database, url.username, url.password) == (
        "db.bank.internal",
        6432,
        "loansight",
        "supervisor",
        SECRET,
    )
    assert url.query["sslmode"] == "verify-full"
    prefs.qs.sync()
    on_disk = (tmp_path / "prefs.ini").read_bytes()
    assert b"db.bank.internal" in on_disk
    assert SECRET.encode() not in on_disk
    assert b"S3cret" not in on_disk
    assert make_url(configured_url(prefs)).password == SECRET


def test_an_empty_password_field_keeps_the_stored_password(
    qtbot: Any, prefs: Any, bare_runner: Any, vault: MemoryKeyring
) -> None:
    vault.set_password(KEYRING_SERVICE, "u@h:5432/d", SECRET)
    dialog = ConnectionDialog(prefs, bare_runner)
    qtbot.addWidget(dialog)
    fill(dialog, host="h", port=5432, database="d", user="u")
    dialog.save_button.click()
    assert make_url(dialog.chosen_url()).password == SECRET
    assert vault.entries == {(KEYRING_SERVICE, "u@h:5432/d"): SECRET}


def test_choosing_this_computer_goes_back_to_sqlite_and_forgets_the_password(
    qtbot: Any, prefs: Any, bare_runner: Any, vault: MemoryKeyring
) -> None:
    dialog = ConnectionDialog(prefs, bare_runner)
    qtbot.addWidget(dialog)
    fill(dialog, host="h", port=5432, database="d", user="u", password=SECRET)
    dialog.save_button.click()
    assert prefs.get(DB_KIND) == "server"

    again = ConnectionDialog(prefs, bare_runner)
    qtbot.addWidget(again)
    assert again.shared.isChecked()
    assert again.host.text() == "h"
    assert again.password.text() == ""  # never shown
    again.local.setChecked(True)
    assert not again.server_group.isEnabled()
    assert not again.test_button.isEnabled()
    again.save_button.click()
    assert again.result() == 1
    assert again.chosen_url() is None
    assert saved_connection(prefs) is None
    assert configured_url(prefs) is None
    assert prefs.get(DB_HOST) == "h"  # kept for switching back
    assert vault.entries == {}


def test_missing_fields_are_named_before_anything_is_saved(
    qtbot: Any, prefs: Any, bare_runner: Any, vault: Any
) -> None:
    dialog = ConnectionDialog(prefs, bare_runner)
    qtbot.addWidget(dialog)
    fill(dialog, host="", port=5432, database="d", user="u")
    dialog.save_button.click()
    assert dialog.result() == 0
    assert "server" in dialog.message.text()
    dialog.host.setText("h")
    dialog.user.setText("")
    dialog.test_button.click()
    assert "user" in dialog.message.text()
    assert saved_connection(prefs) is None


def test_without_a_credential_store_the_password_is_used_for_this_session_only(
    qtbot: Any, prefs: Any, bare_runner: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    warned: list[str] = []
    monkeypatch.setattr(
        "desktop.connection_dialog.QMessageBox.warning", lambda _p, _title, text: warned.append(text)
    )
    try:
        dialog = ConnectionDialog(prefs, bare_runner)
        qtbot.addWidget(dialog)
        fill(dialog, host="h", port=5432, database="d", user="u", password=SECRET)
        dialog.save_button.click()
    finally:
        keyring.set_keyring(before)
    assert dialog.result() == 1
    assert len(warned) == 1
    assert "credential store" in warned[0]
    assert make_url(dialog.chosen_url()).password == SECRET
    prefs.qs.sync()
    assert b"S3cret" not in (tmp_path / "prefs.ini").read_bytes()


def test_a_failed_test_names_the_host_and_port_and_the_reason_without_blocking(
    qtbot: Any, prefs: Any, bare_runner: Any, vault: Any
) -> None:
    dialog = ConnectionDialog(prefs, bare_runner)
    qtbot.addWidget(dialog)
    fill(dialog, host="127.0.0.1", port=1, database="d", user="u", sslmode="disable", password="x")
    started = time.perf_counter()
    dialog.test_button.click()
    assert time.perf_counter() - started < 0.5  # the GUI thread did not wait for the server
    assert "Connecting to 127.0.0.1:1" in dialog.message.text()
    assert not dialog.test_button.isEnabled()
    qtbot.waitUntil(lambda: "Cannot connect" in dialog.message.text(), timeout=20_000)
    text_ = dialog.message.text()
    assert text_.startswith("Cannot connect to 127.0.0.1:1: ")
    assert "refused" in text_.lower()
    assert dialog.test_button.isEnabled()


def test_an_answer_to_an_older_test_is_dropped_after_an_edit(
    qtbot: Any, prefs: Any, bare_runner: Any, vault: Any
) -> None:
    dialog = ConnectionDialog(prefs, bare_runner)
    qtbot.addWidget(dialog)
    fill(dialog, host="127.0.0.1", port=1, database="d", user="u", sslmode="disable")
    dialog.test_button.click()
    dialog.host.textEdited.emit("127.0.0.2")  # the user typed while it was testing
    qtbot.waitUntil(lambda: bare_runner.running() == 0, timeout=20_000)
    assert dialog.message.text() == ""


def _pg_parts() -> dict[str, Any]:
    if not PG_URL:
        pytest.skip("LOANSIGHT_TEST_PG_URL is not set")
    url = make_url(PG_URL)
    return {
        "host": url.host or "localhost",
        "port": url.port or 5432,
        "database": url.database,
        "user": url.username,
    }


@pytest.mark.pg
def test_a_successful_test_tells_the_server_version_and_schema(
    qtbot: Any, prefs: Any, bare_runner: Any, vault: Any
) -> None:
    dialog = ConnectionDialog(prefs, bare_runner)
    qtbot.addWidget(dialog)
    fill(dialog, sslmode="prefer", **_pg_parts())
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Connected to" in dialog.message.text(), timeout=20_000)
    assert "PostgreSQL 1" in dialog.message.text()


@pytest.mark.pg
def test_the_servers_reason_is_shown_for_an_unknown_user(
    qtbot: Any, prefs: Any, bare_runner: Any, vault: Any
) -> None:
    parts = _pg_parts()
    parts["user"] = "no_such_loansight_user"
    dialog = ConnectionDialog(prefs, bare_runner)
    qtbot.addWidget(dialog)
    fill(dialog, sslmode="disable", password="wrong", **parts)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Cannot connect" in dialog.message.text(), timeout=20_000)
    text_ = dialog.message.text()
    assert f"{parts['host']}:{parts['port']}" in text_
    assert "no_such_loansight_user" in text_
    assert "wrong" not in text_  # the password is never echoed


def test_the_login_window_has_a_database_button(qtbot: Any, runner: Any) -> None:
    from desktop.login import LoginDialog

    login = LoginDialog(runner, database="/tmp/x/loansight.db")
    qtbot.addWidget(login)
    assert "/tmp/x/loansight.db" in login.database_label.text()
    with qtbot.waitSignal(login.database_requested):
        login.database_button.click()


def test_settings_opens_the_connection_dialog(
    qtbot: Any, runner: Any, user_for: Any, prefs: Any, vault: Any
) -> None:
    from desktop.settings_dialog import SettingsDialog

    settings = SettingsDialog(prefs, runner, user_for("A0311"))
    qtbot.addWidget(settings)
    dialog = settings.open_connection()
    assert isinstance(dialog, ConnectionDialog)
    assert dialog.isVisible()
    dialog.local.setChecked(True)
    dialog.save_button.click()
    assert "next time LoanSight starts" in settings.note.text()


@pytest.mark.pg
def test_choosing_a_server_from_the_login_window_opens_it(
    qtbot: Any, workstation: Any, pg_url: str, monkeypatch: Any
) -> None:
    def choose(dialog: ConnectionDialog) -> int:
        dialog._chosen = pg_url  # a private schema: what Save hands over
        return 1

    monkeypatch.setattr(ConnectionDialog, "exec", choose)
    first = workstation.login
    first.database_button.click()
    qtbot.waitUntil(
        lambda: (
            workstation.login is not None and workstation.login is not first and workstation.login.isVisible()
        ),
        timeout=60_000,
    )
    assert workstation.runner.db.dialect == "postgresql"
    assert "postgresql://" in workstation.login.database_label.text()
    assert workstation.login.demo_table is None  # an empty server database, not the demo


def _stamp_newer(url: str, tmp_path: Path) -> None:
    open_database(url, data_dir=tmp_path / "first").dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()


def test_start_up_on_a_database_upgraded_by_a_newer_loansight_says_so(
    qtbot: Any, qapp: Any, prefs: Any, db_url: str, tmp_path: Path, monkeypatch: Any
) -> None:
    from desktop.app import Workstation

    _stamp_newer(db_url, tmp_path)
    offered: list[str] = []
    monkeypatch.setattr(
        Workstation, "offer_connection_dialog", lambda self, message: offered.append(message) or False
    )
    ws = Workstation(qapp, prefs, db_url, tmp_path / "data")
    exits: list[int] = []
    ws.app = SimpleNamespace(exit=exits.append)
    ws.start()
    qtbot.waitUntil(lambda: bool(exits), timeout=30_000)
    ws.runner.shutdown(wait=True)
    assert exits == [2]
    (message,) = offered
    assert message == (
        f"The database was upgraded by a newer LoanSight (schema 0099); this desktop has schema {SCHEMA_HEAD}. "
        "Please install the newer version of LoanSight."
    )
    assert ws.login is None
