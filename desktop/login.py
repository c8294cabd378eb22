"""The login dialog, and the lock screen shown after the workstation has been idle.

Both check the password through the task runner (never on the GUI thread) with the same
lock-out rules: five failures lock the account for 15 minutes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.tasks import Changes, TaskRunner


def _t(text: str) -> str:
    return QCoreApplication.translate("Login", text)


def role_name(role: str) -> str:
    return {
        "HEAD_RISK": _t("Head-office risk manager"),
        "BRANCH_APPROVER": _t("Branch approver"),
        "AUDITOR": _t("Auditor"),
        "ADMIN": _t("Administrator"),
        "CLIENT_MANAGER": _t("Client manager"),
    }.get(role, role)


def login_error_text(result: Any) -> str:
    if result.error == "LOCKED":
        until = result.locked_until.astimezone().strftime("%H:%M") if result.locked_until else ""
        return _t("Too many failed attempts: the account is locked until {time}.").format(time=until)
    # the same words whether or not the employee exists: a count of attempts left would
    # tell a stranger which employee numbers are real
    return _t(
        "Wrong employee number or password. After 5 failed attempts the account is locked for 15 minutes."
    )


class LoginDialog(QDialog):
    """Employee number and password; in demo mode, the demo users to pick from."""

    logged_in = Signal(object)  # a data.auth.UserSession
    #: the user asked to connect to another database ("Database…")
    database_requested = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        *,
        demo_password: str | None = None,
        last_user: str = "",
        database: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user: Any = None
        self.setWindowTitle(_t("LoanSight — log in"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        title = QLabel(_t("LoanSight post-loan supervision workstation"))
        title.setStyleSheet("font-size: 16pt; font-weight: 600; margin: 8px 0;")
        layout.addWidget(title)
        form = QFormLayout()
        self.employee = QLineEdit(last_user)
        self.employee.setPlaceholderText(_t("e.g. H0001"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_t("Employee number"), self.employee)
        form.addRow(_t("Password"), self.password)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox()
        self.login_button = QPushButton(_t("Log in"))
        self.login_button.setDefault(True)
        self.buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.database_button = QPushButton(_t("Database…"))
        self.database_button.setToolTip(_t("This computer only, or the bank's database server"))
        self.buttons.addButton(self.database_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.database_button.clicked.connect(self._on_database_clicked)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.database_label = QLabel(_t("Database: {where}").format(where=database) if database else "")
        self.database_label.setStyleSheet("color: #666;")
        self.database_label.setWordWrap(True)
        layout.addWidget(self.database_label)
        self.demo_table: QTableWidget | None = None
        if demo_password is not None:
            self._add_demo_panel(layout, demo_password)
        (self.password if last_user else self.employee).setFocus()

    def _on_database_clicked(self) -> None:
        self.database_requested.emit()

    def _add_demo_panel(self, layout: QVBoxLayout, password: str) -> None:
        hint = QLabel(
            _t("Demo database. Every demo user's password is {password}; double-click a user.").format(
                password=password
            )
        )
        hint.setWordWrap(True)
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(hint)
        self.demo_table = QTableWidget(0, 3)
        self.demo_table.setHorizontalHeaderLabels([_t("Employee number"), _t("Name"), _t("Role")])
        self.demo_table.verticalHeader().setVisible(False)
        self.demo_table.horizontalHeader().setStretchLastSection(True)
        self.demo_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.demo_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.demo_table.setMinimumHeight(260)
        self.demo_table.cellDoubleClicked.connect(lambda row, _c: self._pick_demo(row, password))
        layout.addWidget(self.demo_table)

        def load(session: Any) -> list[Any]:
            from data.demo.install import demo_users_in

            return demo_users_in(session)

        self.runner.read(load, self._show_demo_users, label="demo users", owner=self)

    def _show_demo_users(self, users: list[Any]) -> None:
        if self.demo_table is None:
            return
        self.demo_table.setRowCount(len(users))
        for i, u in enumerate(users):
            for j, text in enumerate((u.employee_no, u.name, f"{role_name(u.role)} · {u.branch}")):
                self.demo_table.setItem(i, j, QTableWidgetItem(text))
        self.demo_table.resizeColumnsToContents()

    def _pick_demo(self, row: int, password: str) -> None:
        assert self.demo_table is not None
        item = self.demo_table.item(row, 0)
        if item is not None:
            self.employee.setText(item.text())
            self.password.setText(password)
            self._submit()

    def _submit(self) -> None:
        employee, password = self.employee.text().strip(), self.password.text()
        if not employee or not password:
            self.message.setText(_t("Enter your employee number and password."))
            return
        self.login_button.setEnabled(False)
        self.message.setText(_t("Checking…"))

        def check(session: Any) -> tuple[Any, Changes]:
            from data.auth import authenticate

            return authenticate(session, employee, password), Changes(frozenset({"audit_events"}))

        self.runner.write(check, self._on_result, self._on_error, label="login", owner=self)

    def _on_result(self, result: Any) -> None:
        self.login_button.setEnabled(True)
        if result.user is None:
            self.message.setText(login_error_text(result))
            self.password.clear()
            self.password.setFocus()
            return
        self.message.clear()
        self.user = result.user
        self.logged_in.emit(result.user)
        self.accept()

    def _on_error(self, error: BaseException) -> None:
        from desktop.errors import describe_known_error

        self.login_button.setEnabled(True)
        self.message.setText(describe_known_error(error) or str(error))


class LockScreen(QDialog):
    """Shown over the main window after the idle time; only the same user's password
    (or logging out) dismisses it, so nobody loses their place."""

    unlocked = Signal()
    logout_requested = Signal()

    def __init__(self, runner: TaskRunner, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.setWindowTitle(_t("LoanSight is locked"))
        self.setModal(True)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_t("The workstation was locked after a period without use.")))
        layout.addWidget(
            QLabel(
                _t("{name} ({no}), enter your password to continue.").format(
                    name=user.name, no=user.employee_no
                )
            )
        )
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(self.password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.unlock_button = QPushButton(_t("Unlock"))
        self.unlock_button.setDefault(True)
        logout = QPushButton(_t("Log out"))
        row.addStretch(1)
        row.addWidget(logout)
        row.addWidget(self.unlock_button)
        layout.addLayout(row)
        self.unlock_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        logout.clicked.connect(self._logout)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            return
        super().keyPressEvent(event)

    def _logout(self) -> None:
        self.logout_requested.emit()
        self.done(2)

    def _submit(self) -> None:
        password = self.password.text()
        no = self.user.employee_no
        self.unlock_button.setEnabled(False)

        def check(session: Any) -> tuple[Any, Changes]:
            from data.auth import authenticate

            return authenticate(session, no, password), Changes(frozenset({"audit_events"}))

        self.runner.write(check, self._on_result, label="unlock", owner=self)

    def _on_result(self, result: Any) -> None:
        self.unlock_button.setEnabled(True)
        if result.user is None:
            self.message.setText(login_error_text(result))
            self.password.clear()
            return
        self.unlocked.emit()
        self.accept()


def format_local(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""
