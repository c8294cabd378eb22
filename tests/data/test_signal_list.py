"""The risk signals list, on both backends: filters in SQL, scope (a branch approver sees
no other branch's signals, nobody narrowed to a unit sees unmatched ones), keyset paging
over every sort key, the count, and agreement with the dashboard's signal numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from data.commands import review_signal
from data.dashboard import dashboard_data
from data.errors import NotFound
from data.ingest.runner import Importer
from data.models import RiskSignal
from data.signal_list import (
    SIGNAL_SORT_KEYS,
    SignalFilter,
    check_signal_visible,
    signal_count,
    signal_page,
    signal_sort_value,
)

BEIJING = dt.timezone(dt.timedelta(hours=8))
SHIJIAZHUANG = frozenset({"0311", "031101", "031102"})
TANGSHAN = frozenset({"0315", "031501"})
SOURCES = ("JUDICIAL", "TAX", "CREDIT_BUREAU", "PUBLIC_OPINION", "COLLATERAL")
CUSTOMERS = ("C0001000", "C0001001", "C0001002", "C0001003", "C0001004", "C0001005")


def _signal(n: int, customer_no: str | None, at: dt.datetime, **kw: object) -> RiskSignal:
    values: dict[str, object] = {
        "source": SOURCES[n % len(SOURCES)],
        "signal_id": f"T-{n}",
        "customer_no": customer_no,
        "type": "NEGATIVE_NEWS",
        "severity": 1 + n % 4,
        "occurred_at": at - dt.timedelta(hours=3),
        "detected_at": at,
        "title": f"signal {n}",
        "imported_at": at,
    }
    values.update(kw)
    return RiskSignal(**values)


@pytest.fixture
def bank(db, examples_dir):
    """The examples' master data and three signals, and 60 more over six weeks (some on
    either side of a Beijing midnight, ties in detected time, two unmatched)."""
    report = Importer(db).run([str(examples_dir / "master"), str(examples_dir / "signals")])
    assert report.exit_code == 0
    start = dt.datetime(2026, 10, 5, 9, 0, tzinfo=BEIJING)
    with db.write_session() as s:
        for n in range(60):
            at = start + dt.timedelta(hours=17 * n)
            if n % 7 == 0:
                at = start + dt.timedelta(hours=17 * (n - 1))  # a tie with the one before
            s.add(_signal(n, CUSTOMERS[n % 6], at.astimezone(dt.UTC)))
        # either side of Beijing midnight starting 2026-11-02 (16:00 UTC on 11-01)
        s.add(_signal(100, "C0001001", dt.datetime(2026, 11, 1, 23, 59, tzinfo=BEIJING), source="TAX"))
        s.add(_signal(101, "C0001002", dt.datetime(2026, 11, 2, 0, 0, tzinfo=BEIJING), source="TAX"))
        s.add(_signal(102, "C0001004", dt.datetime(2026, 11, 8, 23, 59, tzinfo=BEIJING), source="TAX"))
        s.add(_signal(103, "C0001004", dt.datetime(2026, 11, 9, 0, 0, tzinfo=BEIJING), source="TAX"))
        for n in (104, 105):
            s.add(
                _signal(
                    n,
                    None,
                    dt.datetime(2026, 11, 4, 10, 0, tzinfo=BEIJING),
                    source="TAX",
                    sent_customer_no="X0009999",
                )
            )
    with db.write_session() as s:
        first = s.execute(select(RiskSignal.id).where(RiskSignal.signal_id == "T-1")).scalar_one()
        review_signal(s, first, "DISMISSED", "not our customer", "H0001")
        second = s.execute(select(RiskSignal.id).where(RiskSignal.signal_id == "T-2")).scalar_one()
        review_signal(s, second, "CONFIRMED", "", "H0001")
    return db


def _all(s, scope, flt, sort, descending, limit=7):
    rows, after = [], None
    while True:
        page = signal_page(s, scope, flt, sort=sort, descending=descending, after=after, limit=limit)
        rows += page
        if len(page) < limit:
            return rows
        after = (signal_sort_value(page[-1], sort), page[-1].id)


def test_pages_cover_every_signal_once_in_order(bank):
    with bank.read_session() as s:
        matched = s.execute(
            select(func.count()).select_from(RiskSignal).where(RiskSignal.customer_no.is_not(None))
        ).scalar_one()
        assert matched == 3 + 60 + 4
        for sort in SIGNAL_SORT_KEYS:
            for descending in (True, False):
                rows = _all(s, None, SignalFilter(), sort, descending)
                assert len(rows) == matched == len({r.id for r in rows}), sort
                keys = [(signal_sort_value(r, sort), r.id) for r in rows]
                assert keys == sorted(keys, reverse=descending), sort
        assert signal_count(s, None, SignalFilter()) == matched
        # the unmatched ones page too (their missing names sort as "")
        for sort in SIGNAL_SORT_KEYS:
            rows = _all(s, None, SignalFilter(unmatched=True), sort, True, limit=1)
            assert len(rows) == 2 == len({r.id for r in rows})


def test_rows_hold_the_facts(bank):
    with bank.read_session() as s:
        rows = {r.title: r for r in _all(s, None, SignalFilter(), "detected_at", True)}
        one = rows["signal 1"]
        assert (one.status, one.reviewed_by, one.review_reason) == ("DISMISSED", "H0001", "not our customer")
        assert rows["signal 2"].status == "CONFIRMED"
        assert rows["signal 0"].customer_no == "C0001000"
        assert rows["signal 0"].customer_name == "石家庄达源服饰有限公司"
        assert rows["signal 0"].branch_name == "长安支行"
        assert rows["signal 0"].manager_name == "黄伟"
        assert rows["signal 0"].detected_at.tzinfo is not None
        unmatched = _all(s, None, SignalFilter(unmatched=True), "detected_at", True)
        assert {(r.customer_no, r.customer_name, r.sent_customer_no) for r in unmatched} == {
            (None, "", "X0009999")
        }


def test_filters(bank):
    with bank.read_session() as s:
        every = _all(s, None, SignalFilter(), "detected_at", True)

        def expect(flt, keep):
            rows = _all(s, None, flt, "detected_at", True)
            assert [r.id for r in rows] == [r.id for r in every if keep(r)], flt
            assert signal_count(s, None, flt) == len(rows)
            return rows

        assert expect(SignalFilter(source="TAX"), lambda r: r.source == "TAX")
        assert expect(SignalFilter(severity=4), lambda r: r.severity == 4)
        assert expect(SignalFilter(status="NEW"), lambda r: r.status == "NEW")
        assert len(expect(SignalFilter(status="DISMISSED"), lambda r: r.status == "DISMISSED")) == 1
        assert expect(SignalFilter(branch_code="0311"), lambda r: r.branch_code in SHIJIAZHUANG)
        assert expect(SignalFilter(branch_code="031102"), lambda r: r.branch_code == "031102")
        assert expect(SignalFilter(manager_no="E00105"), lambda r: r.manager_no == "E00105")
        assert expect(SignalFilter(customer_no="C0001003"), lambda r: r.customer_no == "C0001003")
        assert expect(SignalFilter(text="唐山"), lambda r: r.customer_no in ("C0001004", "C0001005"))
        assert expect(SignalFilter(text="C0001002"), lambda r: r.customer_no == "C0001002")
        assert signal_count(s, None, SignalFilter(text="%")) == 0
        assert expect(
            SignalFilter(source="TAX", branch_code="0315", status="NEW"),
            lambda r: r.source == "TAX" and r.branch_code in TANGSHAN and r.status == "NEW",
        )
        # dates are Beijing dates, inclusive at both ends
        week = expect(
            SignalFilter(date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 8)),
            lambda r: (
                dt.date(2026, 11, 2) <= r.detected_at.astimezone(BEIJING).date() <= dt.date(2026, 11, 8)
            ),
        )
        titles = {r.title for r in week}
        assert {"signal 101", "signal 102"} <= titles
        assert not {"signal 100", "signal 103"} & titles
        one_day = _all(
            s,
            None,
            SignalFilter(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 1)),
            "title",
            False,
        )
        assert "signal 100" in {r.title for r in one_day}


def test_scope(bank):
    with bank.read_session() as s:
        mine = _all(s, SHIJIAZHUANG, SignalFilter(), "detected_at", True)
        assert mine
        assert all(r.branch_code in SHIJIAZHUANG for r in mine)
        assert {r.customer_no for r in mine} == {"C0001000", "C0001001", "C0001002", "C0001003"}
        theirs = _all(s, TANGSHAN, SignalFilter(), "detected_at", True)
        assert theirs
        assert all(r.branch_code in TANGSHAN for r in theirs)
        assert len(mine) + len(theirs) == signal_count(s, None, SignalFilter())
        # another branch named in the filter narrows to nothing, never widens the scope
        assert signal_count(s, SHIJIAZHUANG, SignalFilter(branch_code="0315")) == 0
        assert signal_count(s, SHIJIAZHUANG, SignalFilter(customer_no="C0001004")) == 0
        assert signal_count(s, SHIJIAZHUANG, SignalFilter(manager_no="E00105")) == 0
        assert _all(s, SHIJIAZHUANG, SignalFilter(text="唐山"), "detected_at", True) == []
        # unmatched signals: the whole bank only
        assert signal_count(s, None, SignalFilter(unmatched=True)) == 2
        assert signal_count(s, SHIJIAZHUANG, SignalFilter(unmatched=True)) == 0
        assert signal_count(s, None, SignalFilter(unmatched=True, branch_code="0311")) == 0
        # reviewing follows the same scope
        tangshan_id = theirs[0].id
        unmatched_id = _all(s, None, SignalFilter(unmatched=True), "detected_at", True)[0].id
        check_signal_visible(s, tangshan_id, TANGSHAN)
        check_signal_visible(s, tangshan_id, None)
        check_signal_visible(s, unmatched_id, None)
        with pytest.raises(NotFound):
            check_signal_visible(s, tangshan_id, SHIJIAZHUANG)
        with pytest.raises(NotFound):
            check_signal_visible(s, unmatched_id, SHIJIAZHUANG)
        with pytest.raises(NotFound):
            check_signal_visible(s, 10**9, None)


def _where(unit):
    """What the dashboard puts in the list's query for a unit (views.dashboard._where)."""
    if unit.level == "HEAD":
        return {}
    return {"branch_code": unit.branch_code, "manager_no": unit.manager_no}


@pytest.mark.parametrize(
    ("scope", "unit"),
    [
        (None, None),
        (None, "0315"),
        (None, "031101"),
        (None, "031101/E00101"),
        (SHIJIAZHUANG, None),
        (SHIJIAZHUANG, "031102"),
        (TANGSHAN, None),
    ],
)
def test_the_list_counts_what_the_dashboard_counts(bank, scope, unit):
    """Every bar of "signals by source per week", and "new signals this week", opens a list
    of exactly that many signals (the dashboard's query: source, unit, week's dates)."""
    with bank.read_session() as s:
        grand = 0
        for start, end in (
            (dt.date(2026, 10, 1), dt.date(2026, 11, 8)),
            (dt.date(2026, 10, 12), dt.date(2026, 11, 28)),
            (dt.date(2026, 11, 2), dt.date(2026, 11, 2)),
        ):
            data = dashboard_data(s, scope, unit, start, end)
            where = _where(data.unit)
            total = 0
            for series in data.signals:
                for week, n in zip(data.weeks, series.counts, strict=True):
                    flt = SignalFilter(
                        source=series.source,
                        date_from=week,
                        date_to=min(week + dt.timedelta(days=6), end),
                        **where,
                    )
                    assert signal_count(s, scope, flt) == n, (series.source, week)
                    assert len(_all(s, scope, flt, "detected_at", True, limit=50)) == n
                    total += n
            grand += total
            week_flt = SignalFilter(date_from=end - dt.timedelta(days=6), date_to=end, **where)
            assert signal_count(s, scope, week_flt) == data.new_signals_week
        assert grand > 0
