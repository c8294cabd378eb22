"""A KPI card: a title, one big number, a line of detail; clickable when it leads somewhere.

Plain values in, a ``clicked`` signal out. A card can also say that its number is not
available (yet), which is better than showing a made-up zero.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

_VALUE = "color: {colour}; font-size: 18pt; font-weight: 600; background: transparent;"


class KpiCard(QFrame):
    """One number with a title; a coloured strip on the left says what it is about (a
    risk tier's colour, for instance)."""

    clicked = Signal()

    def __init__(self, title: str = "", accent: str = "#546e7a", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KpiCard")
        self._accent = accent
        self._clickable = True
        self.title_label = QLabel(title)
        self.value_label = QLabel("–")
        self.detail_label = QLabel("")
        self.title_label.setStyleSheet("color: #455a64; font-size: 10pt; background: transparent;")
        self.value_label.setStyleSheet(_VALUE.format(colour="#1c2833"))
        self.detail_label.setStyleSheet("color: #607d8b; font-size: 9pt; background: transparent;")
        self.detail_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.detail_label)
        layout.addStretch(1)
        self.setMinimumWidth(150)
        self._style()

    def _style(self) -> None:
        hover = "QFrame#KpiCard:hover { background: #f1f6fb; }" if self._clickable else ""
        self.setStyleSheet(
            "QFrame#KpiCard { background: white; border: 1px solid #d5dde5; "
            f"border-left: 5px solid {self._accent}; border-radius: 4px; }}" + hover
        )
        self.setCursor(Qt.CursorShape.PointingHandCursor if self._clickable else Qt.CursorShape.ArrowCursor)

    def set_title(self, title: str) -> None:
        self.title_label.setText(title)

    def set_value(self, value: str, detail: str = "", tooltip: str = "") -> None:
        self.value_label.setStyleSheet(_VALUE.format(colour="#1c2833"))
        self.value_label.setText(value)
        self.detail_label.setText(detail)
        self.setToolTip(tooltip)

    def set_unavailable(self, message: str, tooltip: str = "") -> None:
        """No number to show: the value reads as a dash and the card does not click."""
        self.value_label.setStyleSheet(_VALUE.format(colour="#90a4ae"))
        self.value_label.setText("—")
        self.detail_label.setText(message)
        self.setToolTip(tooltip)
        self.set_clickable(False)

    def set_clickable(self, on: bool) -> None:
        self._clickable = on
        self._style()

    def value(self) -> str:
        return self.value_label.text()

    def detail(self) -> str:
        return self.detail_label.text()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if (
            self._clickable
            and event.button() == Qt.MouseButton.LeftButton
            and self.rect().contains(event.position().toPoint())
        ):
            self.clicked.emit()

    def sizeHint(self) -> Any:
        hint = super().sizeHint()
        hint.setHeight(max(hint.height(), 80))
        return hint
