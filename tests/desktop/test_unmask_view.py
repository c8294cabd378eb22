"""The customer profile's "Show…" links: the ID number and phone are masked; head office
and auditors may show one in full for a reason (asked, required, audited), and it stays
shown until the profile changes; other roles get no link."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from sqlalchemy import select

from data.models import AuditEvent, Customer
from data.rules.idcodes import mask_id, mask_phone


def _settle(qtbot: Any, view: Any) -> None:
    qtbot.waitUntil(lambda: view.runner.running() == 0 and not view.model.loading, timeout=20_000)


def _profile(qtbot: Any, runner: Any, user: Any, prefs: Any, customer_no: str) -> Any:
    from views.customers import CustomersView

    view = CustomersView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    _settle(qtbot, view)
    view.open_query(f"customers?customer_no={customer_no}")
    qtbot.waitUntil(
        lambda: view.profile is not None and view.profile.customer_no == customer_no, timeout=20_000
    )
    _settle(qtbot, view)
    return view


def _customer(db: Any, no: str) -> Customer:
    with db.read_session() as s:
        customer = s.get(Customer, no)
        assert customer is not None
        return customer


def _unmask_events(db: Any) -> list[AuditEvent]:
    with db.read_session() as s:
        return list(
            s.execute(select(AuditEvent).where(AuditEvent.action == "UNMASK_PERSONAL_DATA")).scalars()
        )


@pytest.mark.parametrize("employee", ["H0001", "H0002"])
def test_head_office_and_auditors_show_one_value_for_a_reason(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any, monkeypatch: Any, employee: str
) -> None:
    customer = _customer(examples_db, "C0001000")
    view = _profile(qtbot, runner, user_for(employee), prefs, "C0001000")
    text = view.summary.toPlainText()
    assert mask_phone(customer.phone) in text
    assert mask_id(customer.legal_rep_id) in text
    assert customer.phone not in text
    assert customer.legal_rep_id not in text
    assert view.summary.toHtml().count("unmask:") == 2  # a link beside each
    assert text.count("Show…") == 2

    answers = iter(["", "  需电话核实经营情况  "])  # an empty reason is asked again
    asked: list[str] = []

    def ask(field: str) -> str:
        asked.append(field)
        return next(answers)

    monkeypatch.setattr(view, "ask_unmask_reason", ask)
    with qtbot.waitSignal(view.unmasked, timeout=20_000) as shown:
        view.summary.anchorClicked.emit(QUrl("unmask:phone"))
    assert shown.args == ["C0001000", "phone"]
    assert asked == ["phone", "phone"]
    _settle(qtbot, view)
    text = view.summary.toPlainText()
    assert customer.phone in text
    assert customer.legal_rep_id not in text  # one field only
    assert text.count("Show…") == 1
    (event,) = _unmask_events(examples_db)
    assert (event.actor, event.entity_type, event.entity_id) == (employee, "customer", "C0001000")
    details = json.loads(event.details)
    assert (details["field"], details["reason"]) == ("phone", "需电话核实经营情况")
    assert customer.phone not in event.details

    # the same profile re-read (another screen's write) keeps it shown; another customer hides it
    view.show_customer("C0001000")
    qtbot.waitUntil(lambda: view.runner.running() == 0, timeout=20_000)
    assert customer.phone in view.summary.toPlainText()
    view.open_query("customers?customer_no=C0001004")
    qtbot.waitUntil(lambda: view.profile.customer_no == "C0001004", timeout=20_000)
    _settle(qtbot, view)
    view.open_query("customers?customer_no=C0001000")
    qtbot.waitUntil(lambda: view.profile.customer_no == "C0001000", timeout=20_000)
    _settle(qtbot, view)
    assert customer.phone not in view.summary.toPlainText()
    assert mask_phone(customer.phone) in view.summary.toPlainText()


def test_the_reason_dialog_and_a_cancel(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QInputDialog

    customer = _customer(examples_db, "C0001004")
    view = _profile(qtbot, runner, user_for("H0002"), prefs, "C0001004")
    prompts: list[str] = []

    def cancelled(_parent: Any, _title: str, label: str, *_a: Any, **_k: Any) -> tuple[str, bool]:
        prompts.append(label)
        return "", False

    monkeypatch.setattr(QInputDialog, "getText", cancelled)
    view.unmask_selected("legal_rep_id")
    _settle(qtbot, view)
    assert prompts
    assert "ID number" in prompts[0]
    assert _unmask_events(examples_db) == []

    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("审计抽查", True))
    with qtbot.waitSignal(view.unmasked, timeout=20_000):
        view.unmask_selected("legal_rep_id")
    _settle(qtbot, view)
    assert customer.legal_rep_id in view.summary.toPlainText()
    assert [json.loads(e.details)["field"] for e in _unmask_events(examples_db)] == ["legal_rep_id"]


@pytest.mark.parametrize("employee", ["A0311"])
def test_other_roles_see_the_mask_and_no_link(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any, monkeypatch: Any, employee: str
) -> None:
    customer = _customer(examples_db, "C0001000")
    view = _profile(qtbot, runner, user_for(employee), prefs, "C0001000")
    assert not view.may_unmask
    assert mask_phone(customer.phone) in view.summary.toPlainText()
    assert mask_id(customer.legal_rep_id) in view.summary.toPlainText()
    assert "unmask:" not in view.summary.toHtml()
    monkeypatch.setattr(view, "ask_unmask_reason", lambda _f: pytest.fail("asked a reason"))
    view.summary.anchorClicked.emit(QUrl("unmask:phone"))
    _settle(qtbot, view)
    assert customer.phone not in view.summary.toPlainText()
    assert _unmask_events(examples_db) == []
