"""Logging in (lock-out after five failures, who may log in, audit), the idle monitor and
the lock screen, alone and inside the running workstation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLineEdit, QPushButton
from sqlalchemy import select

from data.auth import LOCK_MINUTES, MAX_FAILED_LOGINS
from data.models import AuditEvent, Staff
from desktop.login import LockScreen, LoginDialog
from tests.desktop.conftest import PASSWORD, log_in


def _dialog(qtbot: Any, runner: Any) -> LoginDialog:
    dialog = LoginDialog(runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _attempt(qtbot: Any, dialog: LoginDialog, employee: str, password: str) -> str:
    """Type a login, press Enter, and return the message once the answer is in (no login)."""
    dialog.employee.setText(employee)
    dialog.password.setText(password)
    with qtbot.assertNotEmitted(dialog.logged_in, wait=0):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert not dialog.login_button.isEnabled()  # the check runs off the GUI thread
        qtbot.waitUntil(dialog.login_button.isEnabled)
    assert dialog.user is None
    assert dialog.isVisible()
    assert dialog.password.text() == ""  # a refused password is not left in the field
    return dialog.message.text()


def _actions(db: Any, employee_no: str) -> list[str]:
    with db.read_session() as s:
        return list(
            s.scalars(
                select(AuditEvent.action)
                .where(
                    AuditEvent.entity_id == employee_no,
                    AuditEvent.action.in_(("LOGIN", "LOGIN_FAILED", "ACCOUNT_LOCKED")),
                )
                .order_by(AuditEvent.id)
            )
        )


# --- the login dialog -----------------------------------------------------------------------


def test_good_password_logs_in_a_branch_approver_with_their_branch_scope(
    qtbot: Any, runner: Any, examples_db: Any, user_for: Any
) -> None:
    dialog = _dialog(qtbot, runner)
    dialog.employee.setText("A0311")
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.logged_in, timeout=10_000) as blocker:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    user = blocker.args[0]
    assert user == user_for("A0311")
    assert (user.employee_no, user.role, user.branch_code) == ("A0311", "BRANCH_APPROVER", "0311")
    assert user.scope is not None
    assert {"0311", "031101", "031102"} <= user.scope
    assert "0315" not in user.scope
    assert "031501" not in user.scope
    assert "000" not in user.scope
    assert dialog.user == user
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert _actions(examples_db, "A0311") == ["LOGIN"]


def test_head_office_risk_manager_sees_the_whole_bank(qtbot: Any, runner: Any) -> None:
    dialog = _dialog(qtbot, runner)
    dialog.employee.setText(" H0001 ")  # stray spaces around the number are forgiven
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.logged_in, timeout=10_000) as blocker:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    user = blocker.args[0]
    assert user.role == "HEAD_RISK"
    assert user.scope is None
    assert user.whole_bank


def test_empty_fields_ask_for_both_without_a_database_round_trip(qtbot: Any, runner: Any) -> None:
    dialog = _dialog(qtbot, runner)
    dialog.employee.setText("H0001")
    with qtbot.assertNotEmitted(runner.busy_changed, wait=0):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.login_button.isEnabled()
    assert "Enter your employee number and password" in dialog.message.text()


def test_wrong_password_warns_of_the_lock_without_counting(qtbot: Any, runner: Any, examples_db: Any) -> None:
    """The message warns that five failures lock the account, but gives no count of
    attempts left: a count would tell a stranger which employee numbers exist."""
    dialog = _dialog(qtbot, runner)
    message = _attempt(qtbot, dialog, "H0001", "not-the-password")
    assert "Wrong employee number or password" in message
    assert f"{MAX_FAILED_LOGINS} failed attempts" in message
    assert "attempts left" not in message
    assert _actions(examples_db, "H0001") == ["LOGIN_FAILED"]


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    qtbot: Any, runner: Any, examples_db: Any
) -> None:
    dialog = _dialog(qtbot, runner)
    messages = [_attempt(qtbot, dialog, "H0001", f"wrong-{i}") for i in range(MAX_FAILED_LOGINS)]
    for message in messages[:-1]:
        assert "Wrong employee number or password" in message
        assert "locked until" not in message
    with examples_db.read_session() as s:
        locked_until = s.get(Staff, "H0001").locked_until
    assert locked_until is not None
    # the lock lasts LOCK_MINUTES from now (database time, UTC)
    remaining = locked_until - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=LOCK_MINUTES - 1) < remaining <= dt.timedelta(minutes=LOCK_MINUTES)
    until = locked_until.astimezone().strftime("%H:%M")
    assert "locked" in messages[-1]
    assert until in messages[-1]

    # while locked, the right password is refused with the same lock message
    refused = _attempt(qtbot, dialog, "H0001", PASSWORD)
    assert "locked" in refused
    assert until in refused
    assert _actions(examples_db, "H0001")[:MAX_FAILED_LOGINS] == ["LOGIN_FAILED"] * (
        MAX_FAILED_LOGINS - 1
    ) + ["ACCOUNT_LOCKED"]

    # once the lock has run out, the right password works again
    with examples_db.write_session() as s:
        s.get(Staff, "H0001").locked_until = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    dialog.employee.setText("H0001")
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.logged_in, timeout=10_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert _actions(examples_db, "H0001")[-1] == "LOGIN"


def test_an_attempt_on_a_locked_account_is_audited(qtbot: Any, runner: Any, examples_db: Any) -> None:
    """data/auth.py: "every success, failure and lock is audited" — a login refused
    because the account is locked is a failure, and the only trace of someone still
    trying passwords during the lock-out."""
    dialog = _dialog(qtbot, runner)
    for i in range(MAX_FAILED_LOGINS):
        _attempt(qtbot, dialog, "H0002", f"wrong-{i}")
    before = _actions(examples_db, "H0002")
    assert before[-1] == "ACCOUNT_LOCKED"
    _attempt(qtbot, dialog, "H0002", PASSWORD)
    assert _actions(examples_db, "H0002") == [*before, "LOGIN_FAILED"]


def test_unknown_employee_gets_the_same_message_as_a_wrong_password(
    qtbot: Any, runner: Any, examples_db: Any
) -> None:
    """Whether an employee number exists must not show: a first wrong password for a
    real user and any password for a made-up number read the same."""
    dialog = _dialog(qtbot, runner)
    wrong_password = _attempt(qtbot, dialog, "A0315", "not-the-password")
    unknown = _attempt(qtbot, dialog, "Z9999", "not-the-password")
    assert "Wrong employee number or password" in unknown
    assert unknown == wrong_password
    with examples_db.read_session() as s:
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == "Z9999")) == "LOGIN_FAILED"


def test_a_client_manager_cannot_log_in_even_with_a_password_hash(
    qtbot: Any, runner: Any, examples_db: Any
) -> None:
    from data.commands import RoleCannotLogIn, set_password
    from data.security import hash_password

    with pytest.raises(RoleCannotLogIn), examples_db.write_session() as s:
        set_password(s, "E00101", PASSWORD, actor="ADMIN")
    dialog = _dialog(qtbot, runner)
    no_password = _attempt(qtbot, dialog, "E00101", PASSWORD)
    # even a hash planted straight into the table does not let the role in
    with examples_db.write_session() as s:
        s.get(Staff, "E00101").password_hash = hash_password(PASSWORD)
    planted = _attempt(qtbot, dialog, "E00101", PASSWORD)
    unknown = _attempt(qtbot, dialog, "Z9998", PASSWORD)
    assert no_password == planted == unknown
    assert "LOGIN" not in _actions(examples_db, "E00101")


# --- the idle monitor ---------------------------------------------------------------------------


@pytest.fixture
def monitors(qapp: Any) -> Any:
    from desktop.idle import IdleMonitor

    made: list[IdleMonitor] = []

    def make(minutes: float, check_ms: int) -> IdleMonitor:
        monitor = IdleMonitor(minutes, check_ms=check_ms)
        made.append(monitor)
        return monitor

    yield make
    for monitor in made:
        monitor.stop(qapp)


def test_idle_monitor_fires_once_after_the_idle_time(qtbot: Any, qapp: Any, monitors: Any) -> None:
    monitor = monitors(0.001, 10)  # 60 ms
    monitor.start(qapp)
    with qtbot.waitSignal(monitor.idle, timeout=3000):
        pass
    assert monitor.idle_for() >= monitor.seconds
    # once per idle period: it does not fire again until reset
    fired: list[bool] = []
    monitor.idle.connect(lambda: fired.append(True))
    qtbot.waitUntil(lambda: monitor.idle_for() >= 3 * monitor.seconds)
    monitor.check()
    assert fired == []
    monitor.reset()
    with qtbot.waitSignal(monitor.idle, timeout=3000):
        pass


def test_key_presses_keep_the_workstation_awake(qtbot: Any, qapp: Any, monitors: Any) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    monitor = monitors(0.5 / 60, 10)  # idle after 0.5 s without input
    monitor.start(qapp)
    presses = 0

    def press() -> None:
        nonlocal presses
        qtbot.keyClick(edit, Qt.Key.Key_A)
        presses += 1

    typing = QTimer()
    typing.setInterval(50)
    typing.timeout.connect(press)
    typing.start()
    try:
        # typing for 1.5 s, three idle periods, never reaches the idle time
        with qtbot.assertNotEmitted(monitor.idle, wait=0):
            qtbot.waitUntil(lambda: presses >= 30, timeout=10_000)
            assert monitor.idle_for() < monitor.seconds
    finally:
        typing.stop()
    assert edit.text().startswith("aaaa")
    with qtbot.waitSignal(monitor.idle, timeout=5000):
        pass


# --- the lock screen -------------------------------------------------------------------------


def _lock_screen(qtbot: Any, runner: Any, user: Any) -> LockScreen:
    screen = LockScreen(runner, user)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _type_unlock(qtbot: Any, screen: LockScreen, password: str) -> None:
    screen.password.setText(password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)


def test_lock_screen_refuses_a_wrong_password_and_stays(qtbot: Any, runner: Any, user_for: Any) -> None:
    screen = _lock_screen(qtbot, runner, user_for("A0311"))
    with qtbot.assertNotEmitted(screen.unlocked, wait=0):
        _type_unlock(qtbot, screen, "not-the-password")
        assert not screen.unlock_button.isEnabled()
        qtbot.waitUntil(screen.unlock_button.isEnabled)
    assert screen.isVisible()
    assert "Wrong employee number or password" in screen.message.text()
    assert screen.password.text() == ""


def test_lock_screen_ignores_escape(qtbot: Any, runner: Any, user_for: Any) -> None:
    screen = _lock_screen(qtbot, runner, user_for("A0311"))
    with qtbot.assertNotEmitted(screen.rejected, wait=0):
        qtbot.keyClick(screen, Qt.Key.Key_Escape)
        qtbot.keyClick(screen.password, Qt.Key.Key_Escape)
    assert screen.isVisible()


def test_lock_screen_unlocks_with_the_users_password(qtbot: Any, runner: Any, user_for: Any) -> None:
    screen = _lock_screen(qtbot, runner, user_for("A0311"))
    assert "A0311" in "".join(w.text() for w in screen.findChildren(type(screen.message)))
    with qtbot.waitSignal(screen.unlocked, timeout=10_000):
        _type_unlock(qtbot, screen, PASSWORD)
    assert not screen.isVisible()
    assert screen.result() == QDialog.DialogCode.Accepted


# --- the whole flow inside the workstation ------------------------------------------------------


def test_workstation_locks_when_idle_and_unlocks_with_the_password(qtbot: Any, workstation: Any) -> None:
    from desktop.settings import LAST_USER

    ws = workstation
    log_in(qtbot, ws, "A0315")
    assert ws.user.employee_no == "A0315"
    assert ws.prefs.get(LAST_USER) == "A0315"

    with qtbot.waitSignal(ws.idle.idle):  # from its own timer or the check below
        ws.idle.set_minutes(0.001)
        qtbot.waitUntil(lambda: ws.idle.idle_for() >= ws.idle.seconds)
        ws.idle.check()
    lock = ws._lock_screen
    assert lock is not None
    assert lock.isVisible()
    assert lock.user == ws.user

    # a wrong password keeps it locked, with a message; Escape does not dismiss it
    with qtbot.assertNotEmitted(lock.unlocked, wait=0):
        _type_unlock(qtbot, lock, "not-the-password")
        qtbot.waitUntil(lock.unlock_button.isEnabled)
        qtbot.keyClick(lock, Qt.Key.Key_Escape)
    assert lock.isVisible()
    assert "Wrong employee number or password" in lock.message.text()
    assert ws._lock_screen is lock

    ws.idle.set_minutes(15)
    with qtbot.waitSignal(lock.unlocked, timeout=10_000):
        _type_unlock(qtbot, lock, PASSWORD)
    assert ws._lock_screen is None
    assert not lock.isVisible()
    assert ws.window.isVisible()
    assert ws.idle.idle_for() < 60


def test_workstation_lock_screen_can_log_out(qtbot: Any, workstation: Any) -> None:
    ws = workstation
    log_in(qtbot, ws, "H0001")
    # the main window's first loads are answered first (logging out in the middle of them
    # is test_shell.py::test_logging_out_while_a_screen_is_loading_shows_no_error)
    qtbot.waitUntil(lambda: ws.runner.running() == 0, timeout=20_000)
    first_login = ws.login
    window = ws.window
    ws.window.lock_requested.emit()  # File › Lock (Ctrl+L)
    lock = ws._lock_screen
    assert lock is not None
    assert lock.isVisible()
    next(b for b in lock.findChildren(QPushButton) if b.text() == "Log out").click()
    assert ws.window is None
    assert ws.user is None
    assert ws._lock_screen is None
    assert not window.isVisible()
    qtbot.waitUntil(lambda: ws.login is not first_login and ws.login.isVisible(), timeout=10_000)
    assert ws.login.employee.text() == "H0001"  # the last user is offered again


# --- the rules themselves, and how passwords are kept -----------------------------------------


def test_the_lock_rule_is_five_failures_for_fifteen_minutes() -> None:
    """The tests above use the constants; this pins the constants to the rule."""
    assert (MAX_FAILED_LOGINS, LOCK_MINUTES) == (5, 15)


def test_passwords_are_kept_as_salted_argon2id_hashes(examples_db: Any) -> None:
    from argon2 import PasswordHasher

    from data.security import hash_password, verify_password

    with examples_db.read_session() as s:
        hashes = {no: s.get(Staff, no).password_hash for no in ("H0001", "A0315")}
    for stored in hashes.values():
        assert stored is not None
        assert stored.startswith("$argon2id$")  # the algorithm is named in the hash itself
        assert PASSWORD not in stored
        assert verify_password(stored, PASSWORD)
        assert not verify_password(stored, PASSWORD + " ")
        assert not PasswordHasher().check_needs_rehash(stored)  # today's parameters
    assert hashes["H0001"] != hashes["A0315"]  # the same password, salted apart
    assert hash_password(PASSWORD) != hash_password(PASSWORD)
    # a password written into the column in clear (or any non-hash) never verifies
    for not_a_hash in (PASSWORD, "", None, "$argon2id$v=19$broken"):
        assert not verify_password(not_a_hash, PASSWORD)


def test_the_lock_screen_counts_failures_like_the_login(examples_db: Any) -> None:
    """Unlocking after idle is a login: five wrong passwords lock the account there too."""
    from data.auth import check_password

    for _ in range(MAX_FAILED_LOGINS):
        with examples_db.write_session() as s:
            assert not check_password(s, "A0315", "wrong")
    with examples_db.write_session() as s:
        assert not check_password(s, "A0315", PASSWORD)
        assert s.get(Staff, "A0315").locked_until is not None
    with examples_db.write_session() as s:
        s.get(Staff, "A0315").locked_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with examples_db.write_session() as s:
        assert check_password(s, "A0315", PASSWORD)


def test_a_hash_made_with_weaker_settings_is_upgraded_at_the_next_login(runner: Any) -> None:
    """argon2's parameters rise over the years: a password hashed with old, weaker ones is
    rehashed with today's when its owner next logs in (the password is at hand only then)."""
    from argon2 import PasswordHasher

    from data.auth import authenticate
    from data.models import Staff
    from data.security import needs_rehash
    from tests.desktop.conftest import PASSWORD

    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    with runner.db.write_session() as s:
        s.get(Staff, "A0311").password_hash = weak
    assert needs_rehash(weak)
    with runner.db.write_session() as s:
        assert authenticate(s, "A0311", PASSWORD).user is not None
    with runner.db.read_session() as s:
        upgraded = s.get(Staff, "A0311").password_hash
    assert upgraded != weak
    assert not needs_rehash(upgraded)
    with runner.db.write_session() as s:
        assert authenticate(s, "A0311", PASSWORD).user is not None
