"""The customers and tasks reads, on both backends: keyset paging over every sort key,
filters in SQL, scope, the profile, and the overdue filter against an independent count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from data.commands import review_signal
from data.customers import (
    CUSTOMER_SORT_KEYS,
    TASK_SORT_KEYS,
    CustomerFilter,
    TaskFilter,
    customer_count,
    customer_page,
    customer_profile,
    customer_sort_value,
    signal_customer,
    task_count,
    task_page,
    task_sort_value,
)
from data.errors import NotFound
from data.health import run_health_check
from data.ingest.runner import Importer
from data.models import Customer, Inspection, Loan, PostLoanTask, RiskSignal, TrackPoint

AS_OF = dt.date(2026, 11, 28)
SHIJIAZHUANG = frozenset({"0311", "031101", "031102"})


@pytest.fixture
def bank(db, examples_dir):
    """The spec's examples (six customers, their loans, signals and three bundles), scored
    twice a month apart."""
    report = Importer(db).run([str(examples_dir)])
    assert report.exit_code == 0
    run_health_check(db, AS_OF - dt.timedelta(days=31))
    with db.write_session() as s:
        s.execute(
            update(Loan)
            .where(Loan.customer_no == "C0001004")
            .values(overdue_days=200, classification="DOUBTFUL")
        )
        s.execute(
            update(Loan)
            .where(Loan.customer_no == "C0001005")
            .values(overdue_days=100, classification="NORMAL")
        )
    run_health_check(db, AS_OF)
    return db


def _all_customers(s, scope, flt, sort, descending, limit=2):
    rows, after = [], None
    while True:
        page = customer_page(
            s, scope, flt, sort=sort, descending=descending, after=after, limit=limit, today=AS_OF
        )
        rows += page
        if len(page) < limit:
            return rows
        after = (customer_sort_value(page[-1], sort), page[-1].customer_no)


def _all_tasks(s, scope, flt, sort, descending, limit=2):
    rows, after = [], None
    while True:
        page = task_page(
            s, scope, flt, sort=sort, descending=descending, after=after, limit=limit, today=AS_OF
        )
        rows += page
        if len(page) < limit:
            return rows
        after = (task_sort_value(page[-1], sort), page[-1].task_no)


def test_customer_pages_cover_every_customer_once_in_order(bank):
    with bank.read_session() as s:
        total = s.execute(select(func.count()).select_from(Customer)).scalar_one()
        for sort in CUSTOMER_SORT_KEYS:
            for descending in (True, False):
                rows = _all_customers(s, None, CustomerFilter(), sort, descending)
                assert len(rows) == total == len({r.customer_no for r in rows}), sort
                keys = [(customer_sort_value(r, sort), r.customer_no) for r in rows]
                assert keys == sorted(keys, reverse=descending), sort
        assert customer_count(s, None, CustomerFilter()) == total


def test_customer_rows_hold_the_facts(bank):
    with bank.read_session() as s:
        rows = {r.customer_no: r for r in _all_customers(s, None, CustomerFilter(), "score", True)}
        balances: dict[str, Decimal] = dict(
            (r[0], r[1])
            for r in s.execute(
                select(Loan.customer_no, func.sum(Loan.balance))
                .where(Loan.balance > 0)
                .group_by(Loan.customer_no)
            ).all()
        )
        counted: dict[str, int] = dict(
            (r[0], r[1])
            for r in s.execute(
                select(RiskSignal.customer_no, func.count())
                .where(RiskSignal.status.in_(("NEW", "CONFIRMED")), RiskSignal.customer_no.is_not(None))
                .group_by(RiskSignal.customer_no)
            ).all()
        )
        due: dict[str, dt.date] = dict(
            (r[0], r[1])
            for r in s.execute(
                select(PostLoanTask.customer_no, func.min(PostLoanTask.due_on))
                .where(PostLoanTask.status == "OPEN")
                .group_by(PostLoanTask.customer_no)
            ).all()
        )
    assert rows["C0001004"].tier == "RED"  # the DOUBTFUL floor
    assert all(r.score is not None for r in rows.values())
    for no, row in rows.items():
        assert row.balance == Decimal(balances.get(no, 0)).quantize(Decimal("0.01"))
        assert row.signals == counted.get(no, 0)
        assert row.next_due == due.get(no)
    assert sum(1 for r in rows.values() if r.last_inspection is not None) >= 1


def test_customer_filters_and_scope(bank):
    with bank.read_session() as s:
        scoped = _all_customers(s, SHIJIAZHUANG, CustomerFilter(), "name", False)
        assert {r.customer_no for r in scoped} == {"C0001000", "C0001001", "C0001002", "C0001003"}
        # a unit outside the scope narrows to nothing, never widens the scope
        assert customer_count(s, SHIJIAZHUANG, CustomerFilter(branch_code="0315")) == 0
        assert {
            r.customer_no for r in _all_customers(s, None, CustomerFilter(branch_code="0315"), "name", False)
        } == {
            "C0001004",
            "C0001005",
        }
        red = _all_customers(s, None, CustomerFilter(tier="RED"), "score", True)
        assert "C0001004" in {r.customer_no for r in red}
        assert all(r.tier == "RED" for r in red)
        assert customer_count(s, None, CustomerFilter(tier="RED")) == len(red)
        assert [
            r.customer_no for r in _all_customers(s, None, CustomerFilter(manager_no="E00103"), "name", True)
        ] == ["C0001002"]
        assert {
            r.customer_no for r in _all_customers(s, None, CustomerFilter(text="唐山"), "name", True)
        } == {
            "C0001004",
            "C0001005",
        }
        assert customer_count(s, None, CustomerFilter(text="C000100")) == 6
        assert customer_count(s, None, CustomerFilter(text="%")) == 0


def test_profile_and_its_scope(bank):
    with bank.read_session() as s:
        p = customer_profile(s, "C0001004", None, today=AS_OF)
        assert p.loans
        assert all(ln.history for ln in p.loans)
        assert [sc.as_of for sc in p.scores] == [AS_OF, AS_OF - dt.timedelta(days=31)]
        assert p.latest is not None
        assert p.latest.tier == "RED"
        assert p.tasks
        assert all(t.due_on >= AS_OF for t in p.tasks)
        assert p.issues == ()  # 200 days past due and DOUBTFUL passes every check
        late = customer_profile(s, "C0001005", None, today=AS_OF)
        assert {i.code for i in late.issues} >= {"OVERDUE_STILL_NORMAL", "OVERDUE_90_NOT_SUBSTANDARD"}
        assert p.lat is not None
        with pytest.raises(NotFound):
            customer_profile(s, "C0001004", SHIJIAZHUANG)
        with pytest.raises(NotFound):
            customer_profile(s, "NOBODY", None)
        signal_id = (
            s.execute(select(RiskSignal.id).where(RiskSignal.customer_no == "C0001004")).scalars().first()
        )
        if signal_id is not None:
            assert signal_customer(s, signal_id, None) == "C0001004"
            with pytest.raises(NotFound):
                signal_customer(s, signal_id, SHIJIAZHUANG)


def test_the_profile_carries_each_visits_check_in_point(bank):
    with bank.read_session() as s:
        rows = s.execute(
            select(Inspection.customer_no, Inspection.id, TrackPoint.lat, TrackPoint.lon)
            .join(TrackPoint, (TrackPoint.inspection_id == Inspection.id) & (TrackPoint.event == "CHECKIN"))
            .where(Inspection.is_current.is_(True))
        ).all()
        assert rows, "the example bundles have check-ins"
        expected: dict[str, dict[int, tuple[float, float]]] = {}
        for no, iid, lat, lon in rows:
            expected.setdefault(no, {})[iid] = (lat, lon)
        for no, points in expected.items():
            p = customer_profile(s, no, None)
            got = {v.id: (v.checkin_lat, v.checkin_lon) for v in p.inspections if v.checkin_lat is not None}
            assert got == points
            assert all(v.checkin_lon is not None for v in p.inspections if v.checkin_lat is not None)


def test_a_review_shows_in_the_profile(bank):
    with bank.read_session() as s:
        signal_id = (
            s.execute(select(RiskSignal.id).where(RiskSignal.customer_no.is_not(None))).scalars().first()
        )
        customer_no = s.get(RiskSignal, signal_id).customer_no
    with bank.write_session() as s:
        review_signal(s, signal_id, "DISMISSED", "same name, another company", actor="H0001")
    with bank.read_session() as s:
        p = customer_profile(s, customer_no, None)
        row = next(sig for sig in p.signals if sig.id == signal_id)
        assert (row.status, row.reviewed_by, row.review_reason) == (
            "DISMISSED",
            "H0001",
            "same name, another company",
        )
        assert next(
            r for r in _all_customers(s, None, CustomerFilter(customer_no=customer_no), "name", True)
        ).signals == (
            s.execute(
                select(func.count()).where(
                    RiskSignal.customer_no == customer_no, RiskSignal.status.in_(("NEW", "CONFIRMED"))
                )
            ).scalar_one()
        )


def test_task_pages_sorts_and_filters(bank):
    with bank.write_session() as s:
        # make some tasks overdue and one done, so every status is there
        nos = s.execute(select(PostLoanTask.task_no).order_by(PostLoanTask.task_no)).scalars().all()
        s.execute(
            update(PostLoanTask)
            .where(PostLoanTask.task_no.in_(nos[:3]))
            .values(due_on=AS_OF - dt.timedelta(days=2))
        )
        s.execute(update(PostLoanTask).where(PostLoanTask.task_no == nos[-1]).values(status="DONE"))
    with bank.read_session() as s:
        total = s.execute(select(func.count()).select_from(PostLoanTask)).scalar_one()
        for sort in TASK_SORT_KEYS:
            for descending in (False, True):
                rows = _all_tasks(s, None, TaskFilter(), sort, descending)
                assert len(rows) == total == len({r.task_no for r in rows}), sort
                keys = [(task_sort_value(r, sort), r.task_no) for r in rows]
                assert keys == sorted(keys, reverse=descending), sort
        overdue = _all_tasks(s, None, TaskFilter(status="OVERDUE"), "due_on", False)
        independent = s.execute(
            select(func.count())
            .select_from(PostLoanTask)
            .where(PostLoanTask.status == "OPEN", PostLoanTask.due_on < AS_OF)
        ).scalar_one()
        assert (
            len(overdue) == independent == task_count(s, None, TaskFilter(status="OVERDUE"), today=AS_OF) >= 1
        )
        assert all(r.overdue and r.status == "OPEN" for r in overdue)
        done = _all_tasks(s, None, TaskFilter(status="DONE"), "due_on", False)
        assert [r.task_no for r in done] == [nos[-1]]
        assert not done[0].overdue
        scoped = _all_tasks(s, SHIJIAZHUANG, TaskFilter(), "due_on", False)
        assert scoped
        assert all(r.branch_code in SHIJIAZHUANG for r in scoped)
        assert task_count(s, SHIJIAZHUANG, TaskFilter(branch_code="0315")) == 0
        red = _all_tasks(s, None, TaskFilter(tier="RED"), "due_on", False)
        assert red
        assert all(r.tier == "RED" for r in red)
        first = scoped[0]
        assert all(
            r.manager_no == first.manager_no
            for r in _all_tasks(s, None, TaskFilter(manager_no=first.manager_no), "due_on", False)
        )
        window = _all_tasks(
            s, None, TaskFilter(due_from=AS_OF, due_to=AS_OF + dt.timedelta(days=30)), "due_on", False
        )
        assert all(AS_OF <= r.due_on <= AS_OF + dt.timedelta(days=30) for r in window)
        kinds = {r.kind for r in _all_tasks(s, None, TaskFilter(), "kind", False)}
        for kind in kinds:
            assert task_count(s, None, TaskFilter(kind=kind)) == sum(
                1 for r in _all_tasks(s, None, TaskFilter(), "kind", False) if r.kind == kind
            )
