"""Benchmark: the approval queue on the bank-scale demo.

``run_queue_benchmark(db_url)`` (read only) times opening the whole bank's queue of
pending inspections (over 10,000 in the bank demo, which leaves twenty days of backlog):
its first page of rows, and its count, each on a fresh session, the median of a few runs.

``run_approval_benchmark(db_url)`` (writes: give it a COPY of the bank demo) times one
approval as the queue screen does it, on a real ``ApprovalsView``: from the Approve
shortcut to the refreshed row in the queue (the decision written on the writer thread,
the row re-read, the model updated), for several approvals in a row.

Targets (issue 6): first rows under 300 ms; one approval under 100 ms on SQLite.
Run ``python -m tests.benchmarks.bench_approvals sqlite:////path/to/copy.db`` from the
checkout root; it prints JSON.
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


if __name__ == "__main__":
    print(json.dumps(run_queue_benchmark(sys.argv[1]), indent=1, default=str))
