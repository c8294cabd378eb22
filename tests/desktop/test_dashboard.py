"""The dashboard: cards that equal independent SQL counts, the user's scope, clicks that
open the matching lists, and drill-down through the units."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import and_, exists, func, select

from data.health import run_health_check
from data.models import Customer, HealthScore, Inspection, InspectionFlag, Loan, PostLoanTask, RiskSignal

LAST = dt.date(2026, 10, 31)
AS_OF = dt.date(2026, 11, 28)
START = dt.date(2026, 9, 6)  # twelve weeks to AS_OF
BJ = dt.timezone(dt.timedelta(hours=8))


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), BJ).astimezone(dt.UTC)


@pytest.fixture
def scored(runner: Any) -> Any:
    """The examples scored twice (last month and now), so there is a trend and a migration."""
    run_health_check(runner.db, LAST)
    run_health_check(runner.db, AS_OF)
    return runner


def _dashboard(qtbot: Any, runner: Any, user: Any, prefs: Any) -> Any:
    from views.dashboard import DashboardView

    view = DashboardView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1500, 950)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.show()
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=20_000)
    return view


def _expected(db: Any, scope: frozenset[str] | None, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The cards' numbers, counted straight from the tables."""
    in_scope = Customer.branch_code.in_(sorted(scope)) if scope is not None else True
    with db.read_session() as s:
        tiers = dict(
            s.execute(
                select(HealthScore.tier, func.count())
                .join(Customer, Customer.customer_no == HealthScore.customer_no)
                .where(HealthScore.as_of == end, in_scope)
                .group_by(HealthScore.tier)
            ).all()
        )
        balances = dict(
            s.execute(
                select(HealthScore.tier, func.sum(Loan.balance))
                .join(Customer, Customer.customer_no == HealthScore.customer_no)
                .join(Loan, Loan.customer_no == Customer.customer_no)
                .where(HealthScore.as_of == end, in_scope)
                .group_by(HealthScore.tier)
            ).all()
        )
        week = s.execute(
            select(func.count())
            .select_from(RiskSignal)
            .join(Customer, Customer.customer_no == RiskSignal.customer_no)
            .where(
                RiskSignal.detected_at >= _utc(end - dt.timedelta(days=6)),
                RiskSignal.detected_at < _utc(end + dt.timedelta(days=1)),
                in_scope,
            )
        ).scalar_one()
        tasks = s.execute(
            select(PostLoanTask.status, PostLoanTask.due_on)
            .join(Customer, Customer.customer_no == PostLoanTask.customer_no)
            .where(in_scope)
        ).all()
        window = and_(
            Inspection.is_current.is_(True),
            Inspection.submitted_at >= _utc(start),
            Inspection.submitted_at < _utc(end + dt.timedelta(days=1)),
            in_scope,
        )
        flagged = s.execute(
            select(func.count())
            .select_from(Inspection)
            .join(Customer, Customer.customer_no == Inspection.customer_no)
            .where(window, exists().where(InspectionFlag.inspection_id == Inspection.id))
        ).scalar_one()
        high = s.execute(
            select(func.count(func.distinct(InspectionFlag.inspection_id)))
            .join(Inspection, Inspection.id == InspectionFlag.inspection_id)
            .join(Customer, Customer.customer_no == Inspection.customer_no)
            .where(window, InspectionFlag.severity == "HIGH")
        ).scalar_one()
    return {
        "tiers": tiers,
        "balances": balances,
        "week": week,
        "due": sum(1 for st, due in tasks if st != "REPLACED" and start <= due <= end),
        "overdue": sum(1 for st, due in tasks if st == "OPEN" and due < end),
        "flagged": flagged,
        "high": high,
    }


def test_the_cards_equal_independent_counts(qtbot: Any, scored: Any, user_for: Any, prefs: Any) -> None:
    from views.dashboard import yuan_short

    view = _dashboard(qtbot, scored, user_for("H0001"), prefs)
    assert view.period() == (START, AS_OF)  # the period ends on the latest scored date
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.set_period(dt.date(2025, 1, 1), AS_OF)  # every example inspection is in it
    want = _expected(scored.db, None, dt.date(2025, 1, 1), AS_OF)
    assert sum(want["tiers"].values()) == 6
    for tier, card in view.tier_cards.items():
        assert card.value() == f"{want['tiers'].get(tier, 0):,}"
        if want["tiers"].get(tier):
            assert yuan_short(want["balances"][tier]) in card.detail()
    assert view.signal_card.value() == f"{want['week']:,}"
    assert view.due_card.value() == f"{want['due']:,}"
    assert view.overdue_card.value() == f"{want['overdue']:,}"
    assert view.flag_card.value() == f"{want['flagged']:,}"
    assert want["flagged"] > 0, "the examples raise at least one flag"
    assert str(want["high"]) in view.flag_card.detail()
    # every example inspection waits for its branch approver; the card opens the queue
    with scored.db.read_session() as s:
        waiting = s.execute(
            select(func.count()).select_from(Inspection).where(Inspection.is_current.is_(True))
        ).scalar_one()
    assert view.approval_card.value() == f"{waiting:,}"
    opened: list[str] = []
    view.open_requested.connect(opened.append)
    qtbot.mouseClick(view.approval_card, Qt.MouseButton.LeftButton)
    assert opened[-1] == "approvals"
    assert view.order_card.value() == "0"
    qtbot.mouseClick(view.order_card, Qt.MouseButton.LeftButton)
    assert opened[-1] == "orders?status=OPEN"
    # the signals chart counts the same signals as the table does in the period
    with scored.db.read_session() as s:
        signals = s.execute(
            select(func.count()).select_from(RiskSignal).where(RiskSignal.customer_no.is_not(None))
        ).scalar_one()
    assert sum(sum(src.counts) for src in view.data.signals) == signals


def test_a_branch_approver_sees_only_their_branch(qtbot: Any, scored: Any, user_for: Any, prefs: Any) -> None:
    user = user_for("A0311")
    view = _dashboard(qtbot, scored, user, prefs)
    data = view.data
    assert data.unit.key == "0311"
    assert [u.key for u in data.path] == ["0311"]
    assert {u.unit.branch_code for u in data.unit_tiers} <= user.scope
    assert [view.unit_box.itemData(i) for i in range(view.unit_box.count())] == ["0311", "031101", "031102"]
    want = _expected(scored.db, user.scope, view.period()[0], AS_OF)
    assert {t.tier: t.customers for t in data.tiers if t.customers} == want["tiers"]
    assert sum(t.customers for t in data.tiers) < 6  # not the whole bank's six
    assert view.flag_card.value() == f"{want['flagged']:,}"
    # another branch is out of reach: asking for it shows their own
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.set_unit("0315")
    assert view.data.unit.key == "0311"
    assert view.data.tiers == data.tiers
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.set_unit(None)
    assert not view.up_button.isEnabled()


def test_clicks_open_the_matching_lists(qtbot: Any, scored: Any, user_for: Any, prefs: Any) -> None:
    view = _dashboard(qtbot, scored, user_for("H0001"), prefs)
    start, end = view.period()
    opened: list[str] = []
    view.open_requested.connect(opened.append)
    qtbot.mouseClick(view.flag_card, Qt.MouseButton.LeftButton)
    assert opened[-1] == f"inspections?flag=HIGH&date_from={start}&date_to={end}"
    qtbot.mouseClick(view.overdue_card, Qt.MouseButton.LeftButton)
    assert opened[-1] == "tasks?status=OVERDUE"
    qtbot.mouseClick(view.tier_cards["RED"], Qt.MouseButton.LeftButton)
    assert opened[-1] == "customers?tier=RED"
    # a point of the trend: that month's customers of that tier
    trend = view.charts["trend"]
    tier, n = max(view.data.trend[-1].counts, key=lambda tn: tn[1])
    assert n > 0
    with qtbot.waitSignal(trend.point_clicked, timeout=5_000) as clicked:
        qtbot.mouseClick(
            trend.plot.viewport(), Qt.MouseButton.LeftButton, pos=trend.element_center("2026-11", tier)
        )
    assert clicked.args == ["2026-11", tier]
    assert opened[-1] == f"customers?tier={tier}&as_of={AS_OF}"
    # a cell of the migration matrix: customers who moved from one tier to another
    move = max(view.data.migration, key=lambda m: m.customers)
    matrix = view.charts["migration"]
    qtbot.mouseClick(
        matrix.plot.viewport(),
        Qt.MouseButton.LeftButton,
        pos=matrix.element_center(move.from_tier, move.to_tier),
    )
    assert opened[-1] == (
        f"customers?tier={move.to_tier}&previous_tier={move.from_tier}&as_of={AS_OF}&previous_as_of={LAST}"
    )
    # a double-click on a unit's bar opens that unit's customers of that tier
    units = view.charts["units"]
    target, tier = next((u, t) for u in view.data.unit_tiers for t, n in u.counts if n)
    pos = units.element_center(target.unit.key, tier)
    with qtbot.waitSignal(units.bar_double_clicked, timeout=5_000):
        # a double-click as a mouse makes it: press, release, double-click press, release
        qtbot.mouseClick(units.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseDClick(units.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseRelease(units.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert opened[-1] == f"customers?tier={tier}&branch_code={target.unit.key}"
    assert view.data.unit.key == "000"  # a double-click does not drill down
    # the inspections list understands what the dashboard asks of it
    from views.inspections import filters_from_query

    assert filters_from_query(f"inspections?flag=HIGH&branch_code=0311&date_from={start}") == {
        "flag": "HIGH",
        "branch_code": "0311",
        "date_from": start,
    }


def test_clicking_a_unit_drills_down_and_up_goes_back(
    qtbot: Any, scored: Any, user_for: Any, prefs: Any
) -> None:
    view = _dashboard(qtbot, scored, user_for("H0001"), prefs)
    assert view.data.unit.key == "000"
    assert [u.key for u in view.data.children] == ["0311", "0315"]
    units = view.charts["units"]
    branch = next(u for u in view.data.unit_tiers if u.unit.key == "0311")
    tier = next(t for t, n in branch.counts if n)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        qtbot.mouseClick(
            units.plot.viewport(), Qt.MouseButton.LeftButton, pos=units.element_center("0311", tier)
        )
    assert view.data.unit.key == "0311"
    assert [u.key for u in view.data.path] == ["000", "0311"]
    assert view.unit_box.currentData() == "0311"
    # the flagged-inspections card now opens the branch's list
    opened: list[str] = []
    view.open_requested.connect(opened.append)
    qtbot.mouseClick(view.flag_card, Qt.MouseButton.LeftButton)
    assert "branch_code=0311" in opened[-1]
    # on to a sub-branch (its client managers), then back up
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.unit_box.activated.emit(view.unit_box.findData("031101"))
    assert view.data.unit.level == "SUB"
    assert all(u.unit.level == "MANAGER" for u in view.data.unit_tiers)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        qtbot.mouseClick(view.up_button, Qt.MouseButton.LeftButton)
    assert view.data.unit.key == "0311"


def _all_rows(qtbot: Any, view: Any) -> list[Any]:
    qtbot.waitUntil(lambda: view.runner.running() == 0 and not view.model.loading, timeout=20_000)
    while view.model.canFetchMore():
        view.model.fetchMore()
        qtbot.waitUntil(lambda: view.runner.running() == 0 and not view.model.loading, timeout=20_000)
    return [view.model.row_at(i) for i in range(view.model.rowCount())]


def test_trend_points_and_migration_cells_open_exactly_their_customers(
    qtbot: Any, scored: Any, user_for: Any, prefs: Any
) -> None:
    """A chart's number and the list its click opens agree: last month's point opens the
    customers of that tier on last month's check, and a migration cell the customers who
    moved from one tier to the other, and the list says it is narrowed."""
    from views.customers import CustomersView

    user = user_for("H0001")
    dash = _dashboard(qtbot, scored, user, prefs)
    opened: list[str] = []
    dash.open_requested.connect(opened.append)
    customers = CustomersView(scored, user, prefs)
    qtbot.addWidget(customers)
    customers.show()

    month = next(m for m in dash.data.trend if m.as_of == LAST)
    tier, n = max(month.counts, key=lambda tn: tn[1])
    dash._on_trend_clicked(month.month, tier)
    assert opened[-1] == f"customers?tier={tier}&as_of={LAST}"
    customers.open_query(opened[-1])
    rows = _all_rows(qtbot, customers)
    assert len(rows) == n
    assert {r.tier for r in rows} == {tier}
    assert customers.filter_bar.pinned.isVisibleTo(customers)
    assert LAST.isoformat() in customers.filter_bar.pinned_label.text()

    with scored.db.read_session() as s:
        query = select(HealthScore.customer_no, HealthScore.tier).where(HealthScore.as_of == LAST)
        then = {no: tier for no, tier in s.execute(query).all()}
    for move in dash.data.migration:
        dash._on_migration_clicked(move.from_tier, move.to_tier)
        customers.open_query(opened[-1])
        rows = _all_rows(qtbot, customers)
        assert len(rows) == move.customers, move
        assert all(then[r.customer_no] == move.from_tier and r.tier == move.to_tier for r in rows)
    # dropping the narrowing shows the latest tiers of everyone again
    customers.filter_bar.pinned_clear.click()
    assert not customers.filter_bar.pinned.isVisibleTo(customers)
    assert "as_of" not in customers.query()
    assert "previous_tier" not in customers.query()
