"""The customers and tasks screens: the paged models, scope, signal review (audited, read
only for auditors), the overdue filter and the URL-like state."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from data.health import run_health_check, today_cst
from data.models import AuditEvent, Customer, PostLoanTask, RiskSignal

#: far enough back that the tasks the health check creates are overdue today
SCORED_ON = today_cst() - dt.timedelta(days=200)


@pytest.fixture
def scored(examples_db: Any) -> Any:
    run_health_check(examples_db, SCORED_ON)
    return examples_db


def _settle(qtbot: Any, view: Any) -> None:
    qtbot.waitUntil(lambda: view.runner.running() == 0 and not view.model.loading, timeout=20_000)


def _customers(qtbot: Any, runner: Any, user: Any, prefs: Any) -> Any:
    from views.customers import CustomersView

    view = CustomersView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=20_000)
    _settle(qtbot, view)
    return view


def _tasks(qtbot: Any, runner: Any, user: Any, prefs: Any) -> Any:
    from views.tasks import TasksView

    view = TasksView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitExposed(view)
    _settle(qtbot, view)
    return view


def test_models_pass_the_model_tester(
    qtbot: Any, qtmodeltester: Any, scored: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    customers = _customers(qtbot, runner, user_for("H0001"), prefs)
    qtmodeltester.check(customers.model)
    _settle(qtbot, customers)
    assert customers.model.rowCount() == 6
    tasks = _tasks(qtbot, runner, user_for("H0001"), prefs)
    qtmodeltester.check(tasks.model)
    _settle(qtbot, tasks)
    assert tasks.model.rowCount() > 0


def test_a_branch_approver_sees_only_their_branch(
    qtbot: Any, scored: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    user = user_for("A0311")
    with scored.read_session() as s:
        theirs = set(
            s.execute(
                select(Customer.customer_no).where(Customer.branch_code.in_(sorted(user.scope)))
            ).scalars()
        )
    customers = _customers(qtbot, runner, user, prefs)
    assert {r.customer_no for r in customers.model.rows()} == theirs
    assert all(r.branch_code in user.scope for r in customers.model.rows())
    tasks = _tasks(qtbot, runner, user, prefs)
    tasks.open_query("tasks")
    _settle(qtbot, tasks)
    assert tasks.model.rowCount() > 0
    assert all(r.branch_code in user.scope for r in tasks.model.rows())
    # another branch's customer does not open, even by link
    customers.open_query("customers?customer_no=C0001004")
    _settle(qtbot, customers)
    assert customers.model.rowCount() == 0
    qtbot.waitUntil(lambda: customers.profile is None or customers.profile.customer_no != "C0001004")
    assert "C0001004" in customers.summary.toPlainText()


def _signal_item(view: Any, signal_id: int) -> Any:
    for i in range(view.signals.topLevelItemCount()):
        item = view.signals.topLevelItem(i)
        if item.data(0, Qt.ItemDataRole.UserRole) == signal_id:
            return item
    raise AssertionError(f"signal {signal_id} not in the timeline")


def test_an_approver_dismisses_a_signal_with_a_reason(
    qtbot: Any, scored: Any, runner: Any, user_for: Any, prefs: Any, monkeypatch: Any
) -> None:
    with scored.read_session() as s:
        signal = s.execute(
            select(RiskSignal.id, RiskSignal.customer_no).where(RiskSignal.customer_no.is_not(None)).limit(1)
        ).one()
    view = _customers(qtbot, runner, user_for("H0001"), prefs)
    view.open_query(f"customers?customer_no={signal.customer_no}")
    qtbot.waitUntil(lambda: view.profile is not None and view.profile.customer_no == signal.customer_no)
    _settle(qtbot, view)
    item = _signal_item(view, signal.id)
    view.signals.setCurrentItem(item)
    assert view.confirm_button.isEnabled()
    assert view.dismiss_button.isEnabled()
    answers = iter(["", "another company of the same name"])  # an empty reason is asked again
    monkeypatch.setattr(view, "ask_reason", lambda _decision: next(answers))
    with qtbot.waitSignal(view.signal_reviewed, timeout=20_000):
        view.dismiss_button.click()
    qtbot.waitUntil(lambda: _signal_item(view, signal.id).text(3) == "Dismissed", timeout=20_000)
    _settle(qtbot, view)
    with scored.read_session() as s:
        row = s.get(RiskSignal, signal.id)
        assert (row.status, row.reviewed_by, row.review_reason) == (
            "DISMISSED",
            "H0001",
            "another company of the same name",
        )
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "REVIEW_SIGNAL")).scalar_one()
        assert json.loads(event.details)["new"] == "DISMISSED"
    # the next health check no longer counts it
    run_health_check(scored, SCORED_ON + dt.timedelta(days=1))
    view.show_customer(signal.customer_no)
    qtbot.waitUntil(lambda: view.profile.latest.as_of == SCORED_ON + dt.timedelta(days=1), timeout=20_000)
    items = view.profile.latest.breakdown["signals"]["items"]
    assert signal.id not in [i["id"] for i in items]


def test_auditors_and_admins_cannot_review(
    qtbot: Any, scored: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    view = _customers(qtbot, runner, user_for("H0002"), prefs)
    assert not view.can_review
    qtbot.waitUntil(lambda: view.profile is not None, timeout=20_000)
    if view.signals.topLevelItemCount():
        view.signals.setCurrentItem(view.signals.topLevelItem(0))
    assert not view.confirm_button.isVisible()
    assert not view.dismiss_button.isVisible()
    assert not view.confirm_button.isEnabled()
    with pytest.raises(PermissionError):
        view.review(1, "CONFIRMED", "")


def test_the_overdue_filter_matches_an_independent_count(
    qtbot: Any, scored: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    with scored.read_session() as s:
        expected = s.execute(
            select(func.count())
            .select_from(PostLoanTask)
            .where(PostLoanTask.status == "OPEN", PostLoanTask.due_on < today_cst())
        ).scalar_one()
    assert expected > 0
    view = _tasks(qtbot, runner, user_for("H0001"), prefs)
    view.open_query("tasks?status=OVERDUE")
    _settle(qtbot, view)
    while view.model.canFetchMore():
        view.model.fetchMore()
        _settle(qtbot, view)
    assert view.model.rowCount() == expected
    assert view.count_label.text().startswith(str(expected))
    from views.tasks import OVERDUE_BACKGROUND

    index = view.model.index(0, 0)
    assert view.model.data(index, Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND


def test_open_query_round_trips(qtbot: Any, scored: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    customers = _customers(qtbot, runner, user_for("H0001"), prefs)
    for query in (
        "customers?tier=RED&branch_code=0311",
        "customers",
        "customers?manager_no=E00101&text=%E7%9F%B3",
    ):
        with qtbot.waitSignal(customers.state_changed) as blocker:
            customers.open_query(query)
        assert blocker.args == [query]
        assert customers.query() == query
        _settle(qtbot, customers)
    customers.open_query("customers?tier=RED&branch_code=0311")
    _settle(qtbot, customers)
    assert customers.filter_bar.values()["tier"] == "RED"
    assert customers.filter_bar.values()["branch_code"] == "0311"
    assert all(r.tier == "RED" and r.branch_code.startswith("0311") for r in customers.model.rows())
    tasks = _tasks(qtbot, runner, user_for("H0001"), prefs)
    assert tasks.query() == "tasks?status=OPEN"  # open tasks by default
    for query in (
        "tasks?status=OVERDUE&branch_code=0311",
        "tasks?status=DONE&tier=RED&kind=FOCUSED",
        "tasks",
    ):
        tasks.open_query(query)
        assert tasks.query() == query
        _settle(qtbot, tasks)
    tasks.open_query("tasks?status=OVERDUE&branch_code=0311")
    _settle(qtbot, tasks)
    assert tasks.filter_bar.values()["status"] == "OVERDUE"
    assert all(r.overdue and r.branch_code.startswith("0311") for r in tasks.model.rows())


def test_links_to_other_screens(qtbot: Any, scored: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    tasks = _tasks(qtbot, runner, user_for("H0001"), prefs)
    assert tasks.model.rowCount() > 0
    row = tasks.model.row_at(0)
    column = next(i for i, c in enumerate(tasks.model.columns()) if c.key == "customer")
    with qtbot.waitSignal(tasks.open_requested) as blocker:
        tasks.table.clicked.emit(tasks.model.index(0, column))
    assert blocker.args == [f"customers?customer_no={row.customer_no}"]
    customers = _customers(qtbot, runner, user_for("H0001"), prefs)
    with scored.read_session() as s:
        from data.models import Inspection

        visit = s.execute(select(Inspection.id, Inspection.customer_no).limit(1)).one()
    customers.open_query(f"customers?customer_no={visit.customer_no}")
    qtbot.waitUntil(lambda: customers.inspections.topLevelItemCount() > 0, timeout=20_000)
    item = customers.inspections.topLevelItem(0)
    with qtbot.waitSignal(customers.open_requested) as blocker:
        customers.inspections.itemClicked.emit(item, 0)
    assert blocker.args == [f"inspections?customer_no={visit.customer_no}&inspection={visit.id}"]
    # head office orders the branch to act on the customer (branch approvers cannot)
    assert customers.order_button is not None
    with qtbot.waitSignal(customers.open_requested) as blocker:
        customers.order_button.click()
    assert blocker.args == [f"orders?new=1&customer_no={visit.customer_no}"]
    _settle(qtbot, customers)
    approver = _customers(qtbot, runner, user_for("A0311"), prefs)
    assert approver.order_button is None


def test_the_profile_words_the_score_and_draws_the_trend(
    qtbot: Any, scored: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    run_health_check(scored, SCORED_ON + dt.timedelta(days=31))
    view = _customers(qtbot, runner, user_for("H0001"), prefs)
    view.open_query("customers?customer_no=C0001004")
    qtbot.waitUntil(lambda: view.profile is not None and len(view.profile.scores) == 2, timeout=20_000)
    text = view.summary.toPlainText()
    assert "Risk signals" in text
    assert "Score" in text
    assert view.loans.topLevelItemCount() >= 1
    view.tabs.setCurrentWidget(view.trend_tab)
    assert view._plot is not None
    _settle(qtbot, view)


def test_the_location_tab_maps_the_place_and_the_check_ins(
    qtbot: Any, scored: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from data.models import Inspection, TrackPoint
    from widgets.labels import TIER_COLOURS, UNTIERED_COLOUR

    with scored.read_session() as s:
        visit = s.execute(
            select(Inspection.id, Inspection.customer_no)
            .join(TrackPoint, (TrackPoint.inspection_id == Inspection.id) & (TrackPoint.event == "CHECKIN"))
            .where(Inspection.is_current.is_(True))
            .limit(1)
        ).one()
        checked_in = set(
            s.execute(
                select(Inspection.id)
                .join(
                    TrackPoint, (TrackPoint.inspection_id == Inspection.id) & (TrackPoint.event == "CHECKIN")
                )
                .where(Inspection.customer_no == visit.customer_no, Inspection.is_current.is_(True))
            ).scalars()
        )
    view = _customers(qtbot, runner, user_for("H0001"), prefs)
    view.open_query(f"customers?customer_no={visit.customer_no}")
    qtbot.waitUntil(lambda: view.profile is not None and view.profile.customer_no == visit.customer_no)
    _settle(qtbot, view)
    assert view.map is None  # QtWebEngine has not started for the other tabs
    drawn: set[str] = set()
    view.tabs.setCurrentWidget(view.location_tab)
    assert view.map is not None
    view.map.drawn.connect(lambda what, _n: drawn.add(what))
    qtbot.waitUntil(lambda: {"points:customer", "points:checkins"} <= drawn, timeout=30_000)
    p = view.profile
    tier = p.latest.tier if p.latest else None
    [place] = view.map._points["customer"]
    assert (place.id, place.lat, place.lon) == (p.customer_no, p.lat, p.lon)
    assert place.colour == TIER_COLOURS.get(tier or "", UNTIERED_COLOUR)
    assert {pt.id for pt in view.map._points["checkins"]} == checked_in
    assert checked_in <= {v.id for v in p.inspections}
    with qtbot.waitSignal(view.open_requested, timeout=5_000) as opened:
        view.map.inspection_clicked.emit(visit.id)
    assert opened.args == [f"inspections?customer_no={visit.customer_no}&inspection={visit.id}"]
    # another customer's inspection id is not this profile's: nothing opens
    with qtbot.assertNotEmitted(view.open_requested):
        view.map.inspection_clicked.emit(-1)
    view.refresh_map_provider()  # same settings: nothing to reload
    _settle(qtbot, view)


def test_the_location_tab_says_so_when_there_are_no_coordinates(
    qtbot: Any, scored: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from sqlalchemy import update

    from data.models import Inspection, TrackPoint

    with scored.write_session() as s:
        s.execute(update(Customer).where(Customer.customer_no == "C0001004").values(lat=None, lon=None))
        ids = select(Inspection.id).where(Inspection.customer_no == "C0001004").scalar_subquery()
        s.execute(update(TrackPoint).where(TrackPoint.inspection_id.in_(ids)).values(event="TRACK"))
    view = _customers(qtbot, runner, user_for("H0001"), prefs)
    view.open_query("customers?customer_no=C0001004")
    qtbot.waitUntil(lambda: view.profile is not None and view.profile.customer_no == "C0001004")
    _settle(qtbot, view)
    view.tabs.setCurrentWidget(view.location_tab)
    assert view.map is None
    assert "no coordinates" in view.location_note.text()
