"""A date that may be left unset: a check box that switches a calendar date edit on.

Emits ``changed`` when it is switched on or off, and when its date changes while on;
``set_value`` shows a value without emitting.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget


class OptionalDateEdit(QWidget):
    changed = Signal()

    def __init__(self, label: str, default: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.check = QCheckBox(label)
        self.edit = QDateEdit(QDate(default.year, default.month, default.day))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setEnabled(False)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(self._on_date_changed)

    def _on_date_changed(self, _date: QDate) -> None:
        if self.check.isChecked():
            self.changed.emit()

    def set_label(self, label: str) -> None:
        self.check.setText(label)

    def value(self) -> dt.date | None:
        if not self.check.isChecked():
            return None
        d = self.edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def set_value(self, value: dt.date | None) -> None:
        self.blockSignals(True)
        try:
            self.check.setChecked(value is not None)
            if value is not None:
                self.edit.setDate(QDate(value.year, value.month, value.day))
        finally:
            self.blockSignals(False)
