"""Idle lock: after N minutes without keyboard or mouse input the workstation locks."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleMonitor(QObject):
    """Watches the whole application's input; emits ``idle`` once per idle period."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None, *, check_ms: int = 5000) -> None:
        super().__init__(parent)
        self.seconds = minutes * 60
        self._last_input = time.monotonic()
        self._fired = False
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.check)

    def start(self, app: QObject) -> None:
        app.installEventFilter(self)
        self._timer.start()

    def stop(self, app: QObject) -> None:
        app.removeEventFilter(self)
        self._timer.stop()

    def set_minutes(self, minutes: float) -> None:
        self.seconds = minutes * 60

    def reset(self) -> None:
        self._last_input = time.monotonic()
        self._fired = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._last_input = time.monotonic()
        return False

    def idle_for(self) -> float:
        return time.monotonic() - self._last_input

    def check(self) -> None:
        if self.seconds > 0 and not self._fired and self.idle_for() >= self.seconds:
            self._fired = True
            self.idle.emit()
