"""Benchmark: the dashboard's data for the whole bank.

``run_dashboard_benchmark(db_url)`` times ``data.dashboard.dashboard_data`` (head office
scope, the bank as the unit, the twelve weeks up to the latest scored date) and, in the
same run on the same connection pool, a hand-written SQL aggregate computing the same
numbers (tiers with balances per branch, the tier trend and migration, signals by source
per week, tasks due / done / overdue per branch, flagged inspections). It checks the two
agree, and reports both times and their ratio.

Targets (issue 5): under 500 ms, and no more than 1.5 × the hand-written SQL.
It only reads. Run ``python -m tests.benchmarks.bench_dashboard sqlite:////path/to/db``
from the checkout root; it prints JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

TARGET_S = 0.5
TARGET_RATIO = 1.5
WEEKS = 12


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def hand_written(session: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The dashboard's numbers for the whole bank in plain SQL (SQLite or PostgreSQL)."""
    from sqlalchemy import text

    from data.dashboard import weeks_of

    sqlite = session.get_bind().dialect.name == "sqlite"
    bj = dt.timezone(dt.timedelta(hours=8))

    def utc(day: dt.date) -> Any:
        return stamp(dt.datetime.combine(day, dt.time(), bj))

    def stamp(at: dt.datetime) -> Any:
        moment = at.astimezone(dt.UTC).replace(tzinfo=None)
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment

    def day(d: dt.date) -> Any:
        return d.isoformat() if sqlite else d

    def as_date(v: Any) -> dt.date:
        return dt.date.fromisoformat(v) if isinstance(v, str) else v

    q = session.execute
    days = sorted(
        as_date(r[0])
        for r in q(text("SELECT DISTINCT as_of FROM health_scores WHERE as_of <= :d"), {"d": day(end)})
    )
    last_of: dict[str, dt.date] = {}
    for d in days:
        last_of[f"{d:%Y-%m}"] = d
    months = sorted(last_of.items())[-12:]
    as_of = days[-1] if days else None
    previous = months[-2][1] if len(months) >= 2 else None
    parents = dict(q(text("SELECT code, parent_code FROM branches")).all())
    top = next(c for c, p in parents.items() if p is None)

    def branch_of(code: str) -> str:
        while parents.get(code) not in (top, None):
            code = parents[code]
        return code

    tiers: dict[tuple[str, str], list[Any]] = {}
    if as_of is not None:
        for code, tier, n, bal in q(
            text(
                "SELECT c.branch_code, h.tier, COUNT(*), SUM(b.balance) FROM health_scores h "
                "JOIN customers c ON c.customer_no = h.customer_no "
                "LEFT JOIN (SELECT customer_no, SUM(balance) AS balance FROM loans GROUP BY customer_no) b "
                "ON b.customer_no = h.customer_no WHERE h.as_of = :d GROUP BY c.branch_code, h.tier"
            ),
            {"d": day(as_of)},
        ):
            slot = tiers.setdefault((branch_of(code), tier), [0, 0])
            slot[0] += n
            slot[1] += bal or 0
    trend = {}
    if months:
        dates = [day(d) for _m, d in months]
        marks = ", ".join(f":d{i}" for i in range(len(dates)))
        for d, tier, n in q(
            text(
                "SELECT h.as_of, h.tier, COUNT(*) FROM health_scores h "
                f"WHERE h.as_of IN ({marks}) GROUP BY h.as_of, h.tier"
            ),
            {f"d{i}": v for i, v in enumerate(dates)},
        ):
            trend[(as_date(d), tier)] = n
    migration = {}
    if previous is not None and as_of is not None:
        for frm, to, n in q(
            text(
                "SELECT o.tier, h.tier, COUNT(*) FROM health_scores h "
                "JOIN health_scores o ON o.customer_no = h.customer_no AND o.as_of = :b "
                "WHERE h.as_of = :a GROUP BY o.tier, h.tier"
            ),
            {"a": day(as_of), "b": day(previous)},
        ):
            migration[(frm, to)] = n
    weeks = weeks_of(start, end)
    week_sql = (
        "CAST((julianday(s.detected_at) - julianday(:w0)) / 7 AS INTEGER)"
        if sqlite
        else "CAST(FLOOR(EXTRACT(EPOCH FROM (s.detected_at - :w0)) / 604800) AS INTEGER)"
    )
    signals = {}
    for source, week, n in q(
        text(
            f"SELECT s.source, {week_sql} AS week, COUNT(*) FROM risk_signals s "
            "WHERE s.customer_no IS NOT NULL AND s.detected_at >= :w0 AND s.detected_at < :w1 GROUP BY s.source, week"
        ),
        {"w0": utc(weeks[0]), "w1": utc(end + dt.timedelta(days=1))},
    ):
        signals[(source, int(week))] = n
    tasks: dict[str, list[int]] = {}
    overdue_all = 0
    for code, status, due, late_in, late in q(
        text(
            "SELECT c.branch_code, t.status, "
            "SUM(CASE WHEN t.due_on >= :s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN t.due_on >= :s AND t.status = 'OPEN' AND t.due_on < :e THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN t.status = 'OPEN' AND t.due_on < :e THEN 1 ELSE 0 END) "
            "FROM post_loan_tasks t JOIN customers c ON c.customer_no = t.customer_no "
            "WHERE t.status <> 'REPLACED' AND ((t.due_on >= :s AND t.due_on <= :e) "
            "OR (t.status = 'OPEN' AND t.due_on < :e)) GROUP BY c.branch_code, t.status"
        ),
        {"s": day(start), "e": day(end)},
    ):
        overdue_all += late or 0
        slot = tasks.setdefault(branch_of(code), [0, 0, 0, 0])
        slot[0] += due or 0
        if status == "DONE":
            slot[1] += due or 0
        else:
            slot[2] += (due or 0) - (late_in or 0)
            slot[3] += late_in or 0
    submitted, flagged, high = q(
        text(
            "SELECT COUNT(*), "
            "SUM(CASE WHEN EXISTS (SELECT 1 FROM inspection_flags f WHERE f.inspection_id = i.id) THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN EXISTS (SELECT 1 FROM inspection_flags f WHERE f.inspection_id = i.id "
            "AND f.severity = 'HIGH') THEN 1 ELSE 0 END) "
            "FROM inspections i WHERE i.is_current AND i.submitted_at >= :a AND i.submitted_at < :b"
        ),
        {"a": utc(start), "b": utc(end + dt.timedelta(days=1))},
    ).one()
    from data.approvals import load_settings
    from data.rules.approval import overdue_before

    settings = load_settings(session)
    now = dt.datetime.now(dt.UTC)
    waiting = q(
        text(
            "SELECT COUNT(*), SUM(CASE WHEN (state IN ('SUBMITTED', 'REOPENED') AND COALESCE(state_at, submitted_at) < :bc) "
            "OR (state IN ('APPROVED', 'ESCALATED') AND COALESCE(state_at, submitted_at) < :hc) THEN 1 ELSE 0 END) "
            "FROM inspections WHERE is_current AND state IN ('SUBMITTED', 'REOPENED', 'APPROVED', 'ESCALATED')"
        ),
        {
            "bc": stamp(overdue_before(now, settings.branch_days, settings)),
            "hc": stamp(overdue_before(now, settings.head_days, settings)),
        },
    ).one()
    today = now.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    orders = {
        status: (n, late or 0)
        for status, n, late in q(
            text(
                "SELECT status, COUNT(*), SUM(CASE WHEN due_on < :t THEN 1 ELSE 0 END) "
                "FROM supervision_orders GROUP BY status"
            ),
            {"t": day(today)},
        )
    }
    return {
        "approvals": (waiting[0], waiting[1] or 0),
        "orders": (orders.get("OPEN", (0, 0)), orders.get("ANSWERED", (0, 0))[0]),
        "tiers": {k: (v[0], Decimal(v[1]).scaleb(-2)) for k, v in tiers.items()},
        "trend": trend,
        "migration": migration,
        "signals": signals,
        "tasks": tasks,
        "overdue_all": overdue_all,
        "inspections": (submitted, flagged or 0, high or 0),
    }


def _as_numbers(data: Any) -> dict[str, Any]:
    """``DashboardData`` in the hand-written query's shape, to check they agree."""
    return {
        "tiers": {(u.unit.key, t): n for u in data.unit_tiers for t, n in u.counts if n},
        "balance": sum((t.balance for t in data.tiers), Decimal(0)),
        "trend": {(m.as_of, t): n for m in data.trend for t, n in m.counts if n},
        "migration": {(m.from_tier, m.to_tier): m.customers for m in data.migration},
        "signals": {(s.source, w): n for s in data.signals for w, n in enumerate(s.counts) if n},
        "tasks": {
            u.unit.key: [u.progress.due, u.progress.done, u.progress.open, u.progress.overdue]
            for u in data.unit_tasks
            if u.progress.due or u.progress.overdue
        },
        "overdue_all": data.overdue_tasks,
        "inspections": (data.inspections.submitted, data.inspections.flagged, data.inspections.high),
        "approvals": (data.approvals.waiting, data.approvals.overdue),
        "orders": ((data.orders.open, data.orders.overdue), data.orders.answered),
    }


def _agree(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    tiers = {k: v[0] for k, v in theirs["tiers"].items() if v[0]}
    balance = sum((v[1] for v in theirs["tiers"].values()), Decimal(0))
    tasks = {k: v for k, v in theirs["tasks"].items() if v[0] or v[3]}
    return (
        ours["tiers"] == tiers
        and ours["balance"] == balance
        and ours["trend"] == {k: v for k, v in theirs["trend"].items() if v}
        and ours["migration"] == theirs["migration"]
        and ours["signals"] == theirs["signals"]
        and ours["tasks"] == tasks
        and ours["overdue_all"] == theirs["overdue_all"]
        and ours["inspections"] == theirs["inspections"]
        and ours["approvals"] == theirs["approvals"]
        and ours["orders"] == theirs["orders"]
    )


def run_dashboard_benchmark(db_url: str, repeat: int = 5) -> dict[str, Any]:
    from sqlalchemy import func, select

    from data.dashboard import dashboard_data
    from data.db import open_database
    from data.models import HealthScore

    db = open_database(db_url)
    try:
        with db.read_session() as s:
            end = s.execute(select(func.max(HealthScore.as_of))).scalar_one() or dt.date.today()
        start = end - dt.timedelta(days=7 * WEEKS - 1)
        with db.read_session() as s:  # warm the page cache for both alike
            dashboard_data(s, None, None, start, end)
            hand_written(s, start, end)
        with db.read_session() as s:
            ours_s, ours = _timed(lambda: dashboard_data(s, None, None, start, end), repeat)
            sql_s, theirs = _timed(lambda: hand_written(s, start, end), repeat)
    finally:
        db.dispose()
    ratio = ours_s / sql_s if sql_s else float("inf")
    return {
        "dashboard.period": f"{start}..{end}",
        "dashboard.customers": sum(t.customers for t in ours.tiers),
        "dashboard.s": round(ours_s, 4),
        "dashboard.sql_s": round(sql_s, 4),
        "dashboard.ratio": round(ratio, 2),
        "dashboard.same_numbers": _agree(_as_numbers(ours), theirs),
        "dashboard.target_s": TARGET_S,
        "dashboard.target_ratio": TARGET_RATIO,
        "dashboard.ok": ours_s < TARGET_S and ratio <= TARGET_RATIO,
    }


if __name__ == "__main__":
    print(json.dumps(run_dashboard_benchmark(sys.argv[1]), indent=1, default=str))
