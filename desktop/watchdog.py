"""A watchdog for the GUI thread: every stall over a threshold is logged with what the
GUI thread was doing at the time, in production too.

A timer on the GUI thread beats every 20 ms; a monitor thread notices when the beat is
late by more than the threshold, samples the GUI thread's stack once while it is still
stuck, and logs the stall with that stack when the beat resumes.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)


class StallWatchdog(QObject):
    def __init__(self, threshold_ms: float = 100.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = threshold_ms / 1000
        self.longest_ms = 0.0
        self.stalls: list[tuple[float, str]] = []
        self._gui_thread_id = threading.get_ident()
        self._last_beat = time.monotonic()
        self._stop = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._beat)
        self._monitor = threading.Thread(target=self._watch, name="gui-watchdog", daemon=True)

    def start(self) -> None:
        self._last_beat = time.monotonic()
        self._timer.start()
        self._monitor.start()

    def stop(self) -> None:
        self._stop.set()
        self._timer.stop()

    def _beat(self) -> None:
        now = time.monotonic()
        gap = now - self._last_beat - 0.020
        self._last_beat = now
        if gap * 1000 > self.longest_ms:
            self.longest_ms = gap * 1000

    def _watch(self) -> None:
        stack = ""
        while not self._stop.wait(self.threshold / 2):
            late = time.monotonic() - self._last_beat - 0.020
            if late > self.threshold and not stack:
                frame = sys._current_frames().get(self._gui_thread_id)
                stack = "".join(traceback.format_stack(frame)) if frame else "(no Python frame)"
                stalled_since = self._last_beat
            elif late <= self.threshold and stack:
                ms = (self._last_beat - stalled_since) * 1000
                self.stalls.append((ms, stack))
                log.warning("GUI thread stalled for %.0f ms; it was running:\n%s", ms, stack)
                stack = ""
