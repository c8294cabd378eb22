"""Benchmark: the approval queue on the bank-scale demo.

``run_queue_benchmark(db_url)`` (read only) times opening the whole bank's queue of
pending inspections (over 10,000 in the bank demo, which leaves twenty days of backlog):
its first page of rows, and its count, each on a fresh session, the median of a few runs.

``run_approval_benchmark(db_url)`` (writes: give it a COPY of the bank demo) times one
approval as the queue screen does it, on a real ``ApprovalsView``: from the Approve
shortcut to the refreshed row in the queue (the decision written on the writer thread,
the row re-read, the model updated), for several approvals in a row.

Targets (issue 6): first rows under 300 ms; one approval under 100 ms on SQLite.
Run ``python -m tests.benchmarks.bench_approvals sqlite:////path/to/copy.db [--write]``
from the checkout root; it prints JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

FIRST_ROWS_TARGET_S = 0.3
APPROVAL_TARGET_S = 0.1


def run_queue_benchmark(db_url: str, repeat: int = 5) -> dict[str, Any]:
    from data.approvals import QueueFilter, queue_count, queue_page
    from data.db import open_database

    db = open_database(db_url)
    try:
        with db.read_session() as s:  # warm the page cache, as a desktop that has been running
            queue_page(s, None, QueueFilter())
        first, counts = [], []
        n = rows = 0
        for _ in range(repeat):
            with db.read_session() as s:
                t0 = time.perf_counter()
                rows = len(queue_page(s, None, QueueFilter()))
                first.append(time.perf_counter() - t0)
            with db.read_session() as s:
                t0 = time.perf_counter()
                n = queue_count(s, None, QueueFilter())
                counts.append(time.perf_counter() - t0)
        with db.read_session() as s:
            t0 = time.perf_counter()
            overdue = queue_count(s, None, QueueFilter(overdue=True))
            overdue_s = time.perf_counter() - t0
    finally:
        db.dispose()
    first_s = statistics.median(first)
    return {
        "queue.pending": n,
        "queue.first_rows": rows,
        "queue.first_rows_s": round(first_s, 4),
        "queue.count_s": round(statistics.median(counts), 4),
        "queue.overdue": overdue,
        "queue.overdue_count_s": round(overdue_s, 4),
        "queue.target_s": FIRST_ROWS_TARGET_S,
        "queue.ok": first_s < FIRST_ROWS_TARGET_S and n >= 10_000,
    }


def run_approval_benchmark(db_url: str, approvals: int = 10) -> dict[str, Any]:
    """Approve ``approvals`` inspections in a row on the queue screen, as the branch
    approver with the longest queue, each timed from the shortcut to the refreshed queue.
    WRITES decisions: a copy of the bank demo only."""
    import os
    import tempfile
    from pathlib import Path

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from data.approvals import QueueFilter, queue_count
    from data.auth import user_session
    from data.db import open_database
    from data.models import Staff
    from desktop.app import install_translators, tune_interpreter
    from desktop.settings import Preferences
    from desktop.tasks import TaskRunner
    from desktop.warmup import warm_up
    from tests.benchmarks.bench_gui import _spin_until
    from views.approvals import ApprovalsView

    tune_interpreter()
    app = QApplication.instance() or QApplication([])
    install_translators(app, "zh_CN")
    tmp = Path(tempfile.mkdtemp(prefix="loansight-approvalbench-"))
    db = open_database(db_url, data_dir=tmp)
    warm_up(db)
    with db.read_session() as s:
        approvers = [
            user_session(s, st) for st in s.scalars(select(Staff).where(Staff.role == "BRANCH_APPROVER"))
        ]
        user = max(approvers, key=lambda u: queue_count(s, u.scope, QueueFilter(stage="BRANCH")))
        waiting = queue_count(s, user.scope, QueueFilter(stage="BRANCH"))
    runner = TaskRunner(db)
    view = ApprovalsView(runner, user, Preferences.in_file(tmp / "prefs.ini"))
    view.resize(1500, 900)
    view.show()
    _spin_until(app, lambda: view.model.rowCount() > 0 and runner.running() == 0, 60)
    times: list[float] = []
    decided: list[int] = []
    view.decided.connect(lambda inspection_id, _action: decided.append(inspection_id))
    for _ in range(approvals):
        row = view.selected_row()
        while row is not None and "APPROVE" not in view.allowed(row):
            view.move_selection(1)
            row = view.selected_row()
        if row is None:
            break
        before = len(decided)
        t0 = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
        if not _spin_until(app, lambda b=before: len(decided) > b, 30):
            break
        times.append(time.perf_counter() - t0)
        _spin_until(app, lambda: runner.running() == 0, 30)
    view.close()
    runner.shutdown()
    db.dispose()
    median = statistics.median(times) if times else float("inf")
    return {
        "approval.approver": user.employee_no,
        "approval.queue": waiting,
        "approval.decisions": len(times),
        "approval.median_ms": round(median * 1000, 1),
        "approval.max_ms": round(max(times) * 1000, 1) if times else None,
        "approval.target_ms": APPROVAL_TARGET_S * 1000,
        "approval.ok": bool(times) and median < APPROVAL_TARGET_S,
    }


if __name__ == "__main__":
    results = run_queue_benchmark(sys.argv[1])
    if "--write" in sys.argv:
        results.update(run_approval_benchmark(sys.argv[1]))
    print(json.dumps(results, indent=1, default=str))
