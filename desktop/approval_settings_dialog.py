"""The approval workflow's settings, one set for every desktop on the database: the SLA
deadlines in working days, the non-working weekdays and working weekend days, the share of
approvals head office samples, and the reason codes a return for rework picks from.

Head-office risk managers and administrators change them; everyone else reads them. Saving
is audited with the old and new values (``data.approvals.save_settings``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.tasks import Changes, TaskRunner

EDITORS = ("HEAD_RISK", "ADMIN")


def _t(text: str) -> str:
    return QCoreApplication.translate("ApprovalSettings", text)


def parse_dates(text: str) -> tuple[frozenset[dt.date], list[str]]:
    """ISO dates separated by spaces, commas or new lines; and the words that are not."""
    dates: set[dt.date] = set()
    bad: list[str] = []
    for word in text.replace(",", " ").replace("，", " ").split():
        try:
            dates.add(dt.date.fromisoformat(word))
        except ValueError:
            bad.append(word)
    return frozenset(dates), bad


class ApprovalSettingsDialog(QDialog):
    def __init__(self, runner: TaskRunner, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.editable = user.role in EDITORS
        self.setWindowTitle(_t("Approval workflow settings"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _t("These settings apply to every desktop on this database.")
            if self.editable
            else _t(
                "These settings apply to every desktop on this database; only head-office risk "
                "managers and administrators change them."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.branch_days = QSpinBox()
        self.branch_days.setRange(0, 30)
        self.branch_days.setSuffix(_t(" working days"))
        self.head_days = QSpinBox()
        self.head_days.setRange(0, 30)
        self.head_days.setSuffix(_t(" working days"))
        self.sample_rate = QDoubleSpinBox()
        self.sample_rate.setRange(0, 100)
        self.sample_rate.setDecimals(1)
        self.sample_rate.setSuffix(" %")
        self.sample_seed = QLineEdit()
        self.sample_seed.setToolTip(_t("Anyone with the seed can recompute which inspections were sampled"))
        self.holidays = QPlainTextEdit()
        self.holidays.setPlaceholderText("2027-01-01 2027-02-05 …")
        self.holidays.setFixedHeight(54)
        self.workdays = QPlainTextEdit()
        self.workdays.setPlaceholderText("2027-02-14 …")
        self.workdays.setFixedHeight(40)
        form.addRow(_t("Branch decision within"), self.branch_days)
        form.addRow(_t("Head-office review within"), self.head_days)
        form.addRow(_t("Random sample for head-office review, per branch and month"), self.sample_rate)
        form.addRow(_t("Sample seed"), self.sample_seed)
        form.addRow(_t("Public holidays on weekdays"), self.holidays)
        form.addRow(_t("Working weekend days"), self.workdays)
        layout.addLayout(form)
        layout.addWidget(QLabel(_t("Reasons for a return for rework")))
        self.reasons = QTableWidget(0, 3)
        self.reasons.setHorizontalHeaderLabels([_t("Code"), _t("Chinese"), _t("English")])
        self.reasons.horizontalHeader().setStretchLastSection(True)
        self.reasons.setColumnWidth(0, 110)
        self.reasons.setColumnWidth(1, 200)
        self.reasons.verticalHeader().setVisible(False)
        self.reasons.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout.addWidget(self.reasons, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(_t("Add reason"))
        self.add_button.clicked.connect(lambda: self._add_reason("", "", ""))
        self.remove_button = QPushButton(_t("Remove reason"))
        self.remove_button.clicked.connect(lambda: self.reasons.removeRow(self.reasons.currentRow()))
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #c62828;")
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
            if self.editable
            else QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for widget in (
            self.branch_days,
            self.head_days,
            self.sample_rate,
            self.sample_seed,
            self.holidays,
            self.workdays,
            self.add_button,
            self.remove_button,
        ):
            widget.setEnabled(self.editable)
        if not self.editable:
            self.reasons.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.loaded = False

        def load(session: Any) -> Any:
            from data.approvals import load_settings

            return load_settings(session)

        self.runner.read(load, self._show, label="approval settings", owner=self)

    def _add_reason(self, code: str, zh: str, en: str) -> None:
        n = self.reasons.rowCount()
        self.reasons.insertRow(n)
        for column, text in enumerate((code, zh, en)):
            self.reasons.setItem(n, column, QTableWidgetItem(text))

    def _show(self, settings: Any) -> None:
        self.branch_days.setValue(settings.branch_days)
        self.head_days.setValue(settings.head_days)
        self.sample_rate.setValue(settings.sample_rate * 100)
        self.sample_seed.setText(settings.sample_seed)
        self.holidays.setPlainText(" ".join(sorted(d.isoformat() for d in settings.holidays)))
        self.workdays.setPlainText(" ".join(sorted(d.isoformat() for d in settings.workdays)))
        self.reasons.setRowCount(0)
        for reason in settings.reason_codes:
            self._add_reason(reason.code, reason.zh, reason.en)
        self.loaded = True

    def values(self) -> Any:
        """The settings as edited; ``ValueError`` with a message naming the field."""
        from data.rules.approval import ApprovalSettings, ReasonCode

        holidays, bad = parse_dates(self.holidays.toPlainText())
        if bad:
            raise ValueError(
                _t("Public holidays: not a date (YYYY-MM-DD): {words}").format(words=" ".join(bad))
            )
        workdays, bad = parse_dates(self.workdays.toPlainText())
        if bad:
            raise ValueError(
                _t("Working weekend days: not a date (YYYY-MM-DD): {words}").format(words=" ".join(bad))
            )
        reasons = []
        for n in range(self.reasons.rowCount()):
            cells = [
                (self.reasons.item(n, c).text() if self.reasons.item(n, c) else "").strip() for c in range(3)
            ]
            if not any(cells):
                continue
            if not all(cells):
                raise ValueError(
                    _t("Reason on row {row}: code, Chinese and English are all required").format(row=n + 1)
                )
            reasons.append(ReasonCode(cells[0].upper(), cells[1], cells[2]))
        codes = [r.code for r in reasons]
        if not reasons:
            raise ValueError(_t("At least one reason for a return is required"))
        if len(set(codes)) != len(codes):
            raise ValueError(_t("Each reason code must be different"))
        seed = self.sample_seed.text().strip()
        if not seed:
            raise ValueError(_t("Sample seed: required"))
        return ApprovalSettings(
            branch_days=self.branch_days.value(),
            head_days=self.head_days.value(),
            sample_rate=round(self.sample_rate.value() / 100, 4),
            sample_seed=seed,
            reason_codes=tuple(reasons),
            holidays=holidays,
            workdays=workdays,
        )

    def _save(self) -> None:
        if not self.editable or not self.loaded:
            self.reject()
            return
        try:
            settings = self.values()
        except ValueError as exc:
            self.note.setText(str(exc))
            return
        actor = self.user.employee_no

        def save(session: Any) -> tuple[None, Changes]:
            from data.approvals import save_settings

            save_settings(session, settings, actor)
            return None, Changes(frozenset({"app_settings"}))

        self.runner.write(save, label="save approval settings")
        self.accept()
