"""A filter bar of drop-down choices and a text search, for the simpler lists.

It takes plain choices (value, label) per key and emits ``filters_changed`` with a plain
dict; typing in the search box waits 300 ms after the last key before emitting.

A list opened from a link (a chart's bar, a dashboard card) can be narrowed by more than the
drop-downs show, a date range say: ``set_pinned`` words that narrowing on a line under the
bar with a button to drop it (``pinned_cleared``: the owner drops that narrowing and reads
``values()`` again), so the user always sees why the list holds what it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget


def _t(text: str) -> str:
    return QCoreApplication.translate("ChoiceBar", text)


class ChoiceFilterBar(QWidget):
    filters_changed = Signal(dict)
    #: the user dropped the narrowing ``set_pinned`` showed
    pinned_cleared = Signal()

    def __init__(
        self,
        combos: Sequence[tuple[str, Callable[[], str], Callable[[], str]]],
        *,
        search_hint: str = "",
        parent: QWidget | None = None,
    ) -> None:
        """``combos``: (key, label, "all" label) per drop-down, in order."""
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        layout = QHBoxLayout()
        layout.setContentsMargins(4, 4, 4, 4)
        outer.addLayout(layout)
        self.combos: dict[str, QComboBox] = {}
        self._all_labels: dict[str, Callable[[], str]] = {}
        for key, label, all_label in combos:
            combo = QComboBox()
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.addItem(all_label(), None)
            combo.currentIndexChanged.connect(lambda _i: self._emit())
            layout.addWidget(QLabel(label()))
            layout.addWidget(combo)
            self.combos[key] = combo
            self._all_labels[key] = all_label
        self.search = QLineEdit()
        self.search.setPlaceholderText(search_hint)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        layout.addWidget(self.search, 1)
        self.clear_button = QToolButton()
        self.clear_button.setText(_t("Clear"))
        self.clear_button.setToolTip(_t("Clear all filters"))
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.clear_button)
        self.pinned = QWidget()
        pinned = QHBoxLayout(self.pinned)
        pinned.setContentsMargins(8, 0, 4, 4)
        self.pinned_label = QLabel()
        self.pinned_label.setStyleSheet("color: #1565c0;")
        self.pinned_clear = QToolButton()
        self.pinned_clear.setText(_t("Show all"))
        self.pinned_clear.setToolTip(_t("Drop this narrowing"))
        self.pinned_clear.clicked.connect(self.pinned_cleared)
        pinned.addWidget(self.pinned_label)
        pinned.addWidget(self.pinned_clear)
        pinned.addStretch(1)
        self.pinned.setVisible(False)
        outer.addWidget(self.pinned)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self._quiet = False
        self._wanted: dict[str, Any] = {}

    def set_pinned(self, text: str | None) -> None:
        """Word a narrowing the drop-downs do not show (None or empty: there is none)."""
        self.pinned_label.setText(text or "")
        self.pinned.setVisible(bool(text))

    def set_choices(self, key: str, choices: Sequence[tuple[str, str]]) -> None:
        combo = self.combos[key]
        current = combo.currentData() or self._wanted.get(key)
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self._all_labels[key](), None)
        for value, label in choices:
            combo.addItem(label, value)
        index = combo.findData(current) if current is not None else 0
        if index < 0 and current is not None:
            # a value the choices do not hold (e.g. opened from a link): keep it selectable
            combo.addItem(str(current), current)
            index = combo.count() - 1
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {key: combo.currentData() for key, combo in self.combos.items()}
        out["text"] = self.search.text().strip() or None
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        """Show a filter state (e.g. one a link opened the list with) without emitting."""
        self._quiet = True
        self._wanted = dict(values)
        try:
            for key, combo in self.combos.items():
                value = values.get(key)
                combo.blockSignals(True)
                index = combo.findData(value) if value is not None else 0
                if index < 0:
                    combo.addItem(str(value), value)
                    index = combo.count() - 1
                combo.setCurrentIndex(index)
                combo.blockSignals(False)
            self.search.blockSignals(True)
            self.search.setText(values.get("text") or "")
            self.search.blockSignals(False)
        finally:
            self._quiet = False

    def clear(self) -> None:
        """Clear every filter, the pinned narrowing too (one signal: the list reloads once)."""
        self.set_values({})
        if self.pinned.isVisibleTo(self):
            self.pinned_cleared.emit()
        else:
            self._emit()

    def _emit(self) -> None:
        if not self._quiet:
            self.filters_changed.emit(self.values())
