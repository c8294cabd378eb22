"""``data.dashboard.dashboard_data`` on both backends: its numbers against the health
check's own read functions, units and scope, and the hand-written benchmark's SQL."""

from __future__ import annotations

import datetime as dt

import pytest

from data import risk_queries
from data.dashboard import dashboard_data, weeks_of
from data.health import run_health_check
from data.ingest.runner import Importer

LAST = dt.date(2026, 10, 31)
AS_OF = dt.date(2026, 11, 28)
START = AS_OF - dt.timedelta(days=83)
SHIJIAZHUANG = frozenset({"0311", "031101", "031102"})


@pytest.fixture
def bank(db, examples_dir):
    report = Importer(db).run([str(examples_dir / "master"), str(examples_dir / "signals")])
    assert report.exit_code == 0
    run_health_check(db, LAST)
    run_health_check(db, AS_OF)
    return db


def test_dashboard_numbers_match_the_read_functions(bank):
    with bank.read_session() as s:
        data = dashboard_data(s, None, None, START, AS_OF)
        assert data.unit.key == "000"
        assert data.as_of == AS_OF
        assert data.previous_as_of == LAST
        assert data.tiers == risk_queries.tier_summary(s, None, AS_OF).tiers
        assert data.trend == risk_queries.tier_trend(s, None, 12, AS_OF)
        assert data.migration == risk_queries.tier_migration(s, None, LAST, AS_OF)
        counts = risk_queries.task_counts(s, None, AS_OF)
        assert data.overdue_tasks == counts.overdue
        assert data.weeks == weeks_of(START, AS_OF)
        assert len(data.weeks) == 12
        assert sum(sum(src.counts) for src in data.signals) > 0
        # the per-unit split adds up to the unit
        for tier in data.tiers:
            assert sum(dict(u.counts)[tier.tier] for u in data.unit_tiers) == tier.customers
        assert sum(u.progress.due for u in data.unit_tasks) == data.tasks.due


def test_units_stay_within_the_scope(bank):
    with bank.read_session() as s:
        branch = dashboard_data(s, SHIJIAZHUANG, None, START, AS_OF)
        assert branch.unit.key == "0311"
        assert branch.tiers == risk_queries.tier_summary(s, SHIJIAZHUANG, AS_OF).tiers
        assert dashboard_data(s, SHIJIAZHUANG, "0315", START, AS_OF).unit.key == "0311"
        assert dashboard_data(s, SHIJIAZHUANG, "000", START, AS_OF).unit.key == "0311"
        sub = dashboard_data(s, SHIJIAZHUANG, "031101", START, AS_OF)
        assert [u.key for u in sub.path] == ["0311", "031101"]
        assert sub.children
        assert all(u.level == "MANAGER" for u in sub.children)
        manager = dashboard_data(s, SHIJIAZHUANG, sub.children[0].key, START, AS_OF)
        assert manager.unit == sub.children[0]
        assert sum(t.customers for t in manager.tiers) == sum(
            sub.unit_tiers[0].counts[i][1] for i in range(5)
        )


def test_the_benchmark_sql_computes_the_same_numbers(bank):
    from tests.benchmarks.bench_dashboard import _agree, _as_numbers, hand_written

    with bank.read_session() as s:
        data = dashboard_data(s, None, None, START, AS_OF)
        assert _agree(_as_numbers(data), hand_written(s, START, AS_OF))
