"""Benchmark: the risk health check over a whole bank.

``run_health_benchmark(db_url)`` times ``data.health.run_health_check`` on the database at
``db_url`` (migrating it first, which is timed apart): a first run for a date (scores,
issues and tasks written) and a second run for the same date (idempotent: it reads and
compares everything and writes nothing). It also times a model preview, which scores
everyone without writing.

Target (issue "risk health check, post-loan tasks"): 50,000 customers with their signals
under 60 s. The run writes to the database: point it at a copy of a bank-scale demo
(``python main.py demo --scale bank``), never at a database anyone uses.

Run ``python -m tests.benchmarks.bench_health sqlite:////path/to/copy.db [YYYY-MM-DD]``
from the checkout root; it prints JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Any


def run_health_benchmark(db_url: str, as_of: dt.date | None = None) -> dict[str, Any]:
    from sqlalchemy import func, select

    from data.db import open_database
    from data.health import create_model_version, preview_model, run_health_check, today_cst
    from data.models import Customer, RiskSignal
    from data.rules.health import HealthModel

    day = as_of or today_cst()
    started = time.perf_counter()
    db = open_database(db_url)
    migrate_s = time.perf_counter() - started
    try:
        with db.read_session() as s:
            customers = int(s.execute(select(func.count()).select_from(Customer)).scalar_one())
            signals = int(s.execute(select(func.count()).select_from(RiskSignal)).scalar_one())
        t0 = time.perf_counter()
        first = run_health_check(db, day, actor="bench")
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = run_health_check(db, day, actor="bench")
        second_s = time.perf_counter() - t0
        with db.write_session() as s:
            version = create_model_version(
                s, HealthModel(half_life_days=60.0), actor="bench", note="benchmark"
            )
        t0 = time.perf_counter()
        with db.read_session() as s:
            preview = preview_model(s, version, day)
        preview_s = time.perf_counter() - t0
    finally:
        db.dispose()
    moved = sum(
        n for branch in preview.values() for frm, tos in branch.items() for to, n in tos.items() if frm != to
    )
    return {
        "health.customers": customers,
        "health.signals": signals,
        "health.migrate_s": round(migrate_s, 2),
        "health.first_run_s": round(first_s, 2),
        "health.second_run_s": round(second_s, 2),
        "health.second_run_changed": second.changed,
        "health.preview_s": round(preview_s, 2),
        "health.preview_moved": moved,
        "health.tiers": first.tiers,
        "health.tasks_created": first.tasks_created,
        "health.tasks_replaced": first.tasks_replaced,
        "health.issues_opened": first.issues_opened,
        "health.target_s": 60,
        "health.ok": first_s < 60,
    }


if __name__ == "__main__":
    url = sys.argv[1]
    when = dt.date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else None
    print(json.dumps(run_health_benchmark(url, when), ensure_ascii=False, indent=1))
