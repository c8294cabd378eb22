"""A filter bar: date range, branch, inspector, kind, status, flag and a text search.

It takes plain choices (value, label) and emits ``filters_changed`` with a plain dict;
typing in the search box waits 300 ms after the last key before emitting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)


def _t(text: str) -> str:
    return QCoreApplication.translate("FilterBar", text)


class _OptionalDate(QWidget):
    changed = Signal()

    def __init__(self, label: str, default: QDate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(label)
        self.edit = QDateEdit(default)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setEnabled(False)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(self.changed)
        self.edit.dateChanged.connect(lambda _d: self.check.isChecked() and self.changed.emit())

    def value(self) -> dt.date | None:
        return self.edit.date().toPython() if self.check.isChecked() else None  # type: ignore[no-any-return]

    def set_value(self, value: dt.date | None) -> None:
        self.blockSignals(True)
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))
        self.blockSignals(False)


class FilterBar(QWidget):
    filters_changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        today = QDate.currentDate()
        self.date_from = _OptionalDate(_t("From"), today.addMonths(-3))
        self.date_to = _OptionalDate(_t("to"), today)
        self.branch = QComboBox()
        self.branch.setMinimumContentsLength(10)
        self.inspector = QComboBox()
        self.inspector.setMinimumContentsLength(10)
        self.kind = QComboBox()
        self.status = QComboBox()
        self.flag = QComboBox()
        self.flag.setMinimumContentsLength(8)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_t("Customer name or number"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self.clear_button = QToolButton()
        self.clear_button.setText(_t("Clear"))
        self.clear_button.setToolTip(_t("Clear all filters"))
        for widget in (self.date_from, self.date_to):
            layout.addWidget(widget)
        for label, combo in (
            (_t("Branch"), self.branch),
            (_t("Inspector"), self.inspector),
            (_t("Kind"), self.kind),
            (_t("Status"), self.status),
            (_t("Flag"), self.flag),
        ):
            layout.addWidget(QLabel(label))
            layout.addWidget(combo)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.clear_button)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.branch, self.inspector, self.kind, self.status, self.flag):
            combo.currentIndexChanged.connect(lambda _i: self._emit())
        self.date_from.changed.connect(self._emit)
        self.date_to.changed.connect(self._emit)
        self.clear_button.clicked.connect(self.clear)
        self._quiet = False

    @staticmethod
    def _fill(combo: QComboBox, choices: Sequence[tuple[str, str]], all_label: str) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_label, None)
        for value, label in choices:
            combo.addItem(label, value)
        index = combo.findData(current)
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def set_choices(
        self,
        *,
        branches: Sequence[tuple[str, str]],
        inspectors: Sequence[tuple[str, str]],
        kinds: Sequence[tuple[str, str]],
        statuses: Sequence[tuple[str, str]],
        flags: Sequence[tuple[str, str]] = (),
    ) -> None:
        self._fill(self.branch, branches, _t("All branches"))
        self._fill(self.inspector, inspectors, _t("All inspectors"))
        self._fill(self.kind, kinds, _t("All kinds"))
        self._fill(self.status, statuses, _t("Current"))
        self._fill(self.flag, flags, _t("All"))

    def values(self) -> dict[str, Any]:
        return {
            "date_from": self.date_from.value(),
            "date_to": self.date_to.value(),
            "branch_code": self.branch.currentData(),
            "inspector_no": self.inspector.currentData(),
            "kind": self.kind.currentData(),
            "status": self.status.currentData(),
            "flag": self.flag.currentData(),
            "text": self.search.text().strip() or None,
        }

    def set_values(self, values: dict[str, Any]) -> None:
        """Show a filter state (e.g. one a chart opened the list with) without re-emitting."""
        self._quiet = True
        self.date_from.set_value(values.get("date_from"))
        self.date_to.set_value(values.get("date_to"))
        for key, combo in (
            ("branch_code", self.branch),
            ("inspector_no", self.inspector),
            ("kind", self.kind),
            ("status", self.status),
            ("flag", self.flag),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(values.get(key))))
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(values.get("text") or "")
        self.search.blockSignals(False)
        self._quiet = False

    def clear(self) -> None:
        self.set_values({})
        self._emit()

    def _emit(self) -> None:
        if not self._quiet:
            self.filters_changed.emit(self.values())
