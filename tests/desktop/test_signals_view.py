"""The risk signals screen: the paged model, scope, a dashboard link's filters (the date
range kept and shown), links to the customer, and signal review (audited; read only for
auditors; another branch's signal refused)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select

from data.errors import NotFound
from data.models import AuditEvent, RiskSignal

BEIJING = dt.timezone(dt.timedelta(hours=8))
#: the examples' three signals are about 石家庄 customers; these add one for 唐山 and one
#: matched to nobody
EXTRA = (
    ("TAX", "T-0315", "C0001004", dt.datetime(2026, 11, 5, 10, 0, tzinfo=BEIJING)),
    ("TAX", "T-NONE", None, dt.datetime(2026, 11, 5, 11, 0, tzinfo=BEIJING)),
)


@pytest.fixture
def signals_db(examples_db: Any) -> Any:
    with examples_db.write_session() as s:
        for source, signal_id, customer_no, at in EXTRA:
            s.add(
                RiskSignal(
                    source=source,
                    signal_id=signal_id,
                    customer_no=customer_no,
                    sent_customer_no=customer_no or "X0009999",
                    type="TAX_ARREARS",
                    severity=3,
                    occurred_at=at,
                    detected_at=at,
                    title="欠税",
                    imported_at=at,
                )
            )
    return examples_db


def _settle(qtbot: Any, view: Any) -> None:
    qtbot.waitUntil(lambda: view.runner.running() == 0 and not view.model.loading, timeout=20_000)


def _signals(qtbot: Any, runner: Any, user: Any, prefs: Any) -> Any:
    from views.signals import SignalsView

    view = SignalsView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitExposed(view)
    _settle(qtbot, view)
    return view


def _ids(db: Any, *where: Any) -> set[int]:
    with db.read_session() as s:
        return set(s.execute(select(RiskSignal.id).where(*where)).scalars())


def test_the_model_passes_the_tester_and_the_scope_holds(
    qtbot: Any, qtmodeltester: Any, signals_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    head = _signals(qtbot, runner, user_for("H0001"), prefs)
    qtmodeltester.check(head.model)
    _settle(qtbot, head)
    assert {r.id for r in head.model.rows()} == _ids(signals_db, RiskSignal.customer_no.is_not(None))
    assert head.count_label.text() == "4 signals"
    assert not head.dates_row.isVisible()
    # unmatched signals: the whole bank, when asked
    head.open_query("signals?unmatched=1")
    _settle(qtbot, head)
    assert [r.customer_no for r in head.model.rows()] == [None]
    for employee, branches in (("A0311", {"031101", "031102"}), ("A0315", {"031501"})):
        user = user_for(employee)
        view = _signals(qtbot, runner, user, prefs)
        assert view.model.rowCount() > 0
        assert {r.branch_code for r in view.model.rows()} <= branches
        assert "unmatched" not in view.filter_bar.combos
        # another branch by link, or unmatched ones, narrow to nothing
        other = "0315" if employee == "A0311" else "0311"
        view.open_query(f"signals?branch_code={other}")
        _settle(qtbot, view)
        assert view.model.rowCount() == 0
        view.open_query("signals?unmatched=1")
        _settle(qtbot, view)
        assert view.query() == "signals"
        assert {r.branch_code for r in view.model.rows()} <= branches


def test_a_dashboard_link_filters_and_shows_its_dates(
    qtbot: Any, signals_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    view = _signals(qtbot, runner, user_for("H0001"), prefs)
    query = (
        "signals?source=JUDICIAL&branch_code=0311&manager_no=E00101&date_from=2026-11-02&date_to=2026-11-08"
    )
    with qtbot.waitSignal(view.state_changed) as blocker:
        view.open_query(query)
    assert blocker.args == [query]
    assert view.query() == query
    _settle(qtbot, view)
    # JUD-7-0-0 was detected on 11-07; JUD-7-0-1 at 00:00 on 11-13 Beijing time
    assert [r.title for r in view.model.rows()] == ["DISHONEST_DEBTOR 信号"]
    assert view.model.row_at(0).detected_at.astimezone(BEIJING).date() == dt.date(2026, 11, 7)
    assert view.filter_bar.values()["source"] == "JUDICIAL"
    assert view.filter_bar.values()["manager_no"] == "E00101"
    assert view.dates_row.isVisible()
    assert view.dates_label.text() == "Detected 2026-11-02 – 2026-11-08"
    assert view.count_label.text() == "1 signals"
    # a change in the bar keeps the dates it does not show
    view.filter_bar.combos["status"].setCurrentIndex(view.filter_bar.combos["status"].findData("NEW"))
    _settle(qtbot, view)
    assert "date_from=2026-11-02" in view.query()
    assert "status=NEW" in view.query()
    assert view.model.rowCount() == 1
    with qtbot.waitSignal(view.state_changed):
        view.clear_dates_button.click()
    _settle(qtbot, view)
    assert not view.dates_row.isVisible()
    assert view.query() == "signals?source=JUDICIAL&status=NEW&branch_code=0311&manager_no=E00101"
    assert view.model.rowCount() == 2


def test_a_click_on_the_customer_opens_their_profile(
    qtbot: Any, signals_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    view = _signals(qtbot, runner, user_for("H0001"), prefs)
    row = view.model.row_at(0)
    with qtbot.waitSignal(view.open_requested) as blocker:
        view.table.doubleClicked.emit(view.model.index(0, 0))
    assert blocker.args == [f"customers?customer_no={row.customer_no}"]
    column = next(i for i, c in enumerate(view.model.columns()) if c.key == "customer")
    with qtbot.waitSignal(view.open_requested) as blocker:
        view.table.clicked.emit(view.model.index(0, column))
    assert blocker.args == [f"customers?customer_no={row.customer_no}"]


def test_an_approver_confirms_and_dismisses_a_signal(
    qtbot: Any, signals_db: Any, runner: Any, user_for: Any, prefs: Any, monkeypatch: Any
) -> None:
    view = _signals(qtbot, runner, user_for("A0311"), prefs)
    assert not view.confirm_button.isEnabled()  # nothing selected
    view.table.selectRow(0)
    signal = view.model.row_at(0)
    assert view.confirm_button.isVisible()
    assert view.confirm_button.isEnabled()
    monkeypatch.setattr(view, "ask_reason", lambda _decision: "")
    with qtbot.waitSignal(view.signal_reviewed, timeout=20_000) as blocker:
        view.confirm_button.click()
    assert blocker.args == [signal.id, "CONFIRMED"]
    qtbot.waitUntil(
        lambda: any(r.id == signal.id and r.status == "CONFIRMED" for r in view.model.rows()), timeout=20_000
    )
    _settle(qtbot, view)
    status = next(i for i, c in enumerate(view.model.columns()) if c.key == "status")
    at = next(i for i, r in enumerate(view.model.rows()) if r.id == signal.id)
    assert view.model.data(view.model.index(at, status)) == "Confirmed"
    with signals_db.read_session() as s:
        row = s.get(RiskSignal, signal.id)
        assert (row.status, row.reviewed_by) == ("CONFIRMED", "A0311")
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "REVIEW_SIGNAL")).scalar_one()
        assert (event.actor, event.entity_id) == ("A0311", str(signal.id))
        assert json.loads(event.details)["new"] == "CONFIRMED"
    # dismissing asks again until there is a reason
    view.table.selectRow(0)
    target = view.model.row_at(0)
    answers = iter(["", "another company of the same name"])
    monkeypatch.setattr(view, "ask_reason", lambda _decision: next(answers))
    with qtbot.waitSignal(view.signal_reviewed, timeout=20_000):
        view.dismiss_button.click()
    _settle(qtbot, view)
    with signals_db.read_session() as s:
        row = s.get(RiskSignal, target.id)
        assert (row.status, row.review_reason) == ("DISMISSED", "another company of the same name")


def test_another_branchs_signal_is_refused(
    qtbot: Any, signals_db: Any, make_runner: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    (tangshan,) = _ids(signals_db, RiskSignal.customer_no == "C0001004")
    view = _signals(qtbot, runner, user_for("A0311"), prefs)
    errors = make_runner.errors_of(runner)
    view.review(tangshan, "CONFIRMED", "")
    qtbot.waitUntil(lambda: bool(errors), timeout=20_000)
    assert isinstance(errors[0], NotFound)
    errors.clear()
    with signals_db.read_session() as s:
        assert s.get(RiskSignal, tangshan).status == "NEW"
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "REVIEW_SIGNAL")).first() is None


def test_auditors_read_only(qtbot: Any, signals_db: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    view = _signals(qtbot, runner, user_for("H0002"), prefs)
    assert not view.can_review
    assert view.model.rowCount() > 0
    view.table.selectRow(0)
    assert not view.confirm_button.isVisible()
    assert not view.dismiss_button.isVisible()
    assert not view.confirm_button.isEnabled()
    assert not view.dismiss_button.isEnabled()
    assert view.review_note.text() == "Read only: your role does not review signals."
    with pytest.raises(PermissionError):
        view.review(1, "CONFIRMED", "")
