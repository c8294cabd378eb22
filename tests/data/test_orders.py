"""Supervision orders (督导), on both backends: who may order, answer, close and send back;
the required texts; no due date in the past; scope; the version each write names (a second
session that acts on what it saw earlier is refused, and a race has exactly one winner);
the audit event written with each step; the list's filters, counts and keyset paging."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import threading

import pytest
from sqlalchemy import select

from data.auth import user_session
from data.ingest.runner import Importer
from data.models import AuditEvent, Inspection, Staff, SupervisionOrder
from data.orders import (
    ORDER_SORT_KEYS,
    OrderConflict,
    OrderFilter,
    OrderRefused,
    answer_order,
    close_order,
    create_order,
    order_count,
    order_counts,
    order_customer,
    order_history,
    order_page,
    order_row,
    order_sort_value,
    send_back_order,
)

TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
SHIJIAZHUANG = "C0001000"  # 031101 under 0311, managed by E00101
TANGSHAN = "C0001004"  # 031501 under 0315


@pytest.fixture
def bank(db, examples_dir):
    report = Importer(db).run([str(examples_dir)])
    assert report.exit_code == 0
    return db


@pytest.fixture
def users(bank):
    with bank.read_session() as s:
        out = {no: user_session(s, s.get(Staff, no)) for no in ("H0001", "H0002", "A0311", "A0315")}
    out["ADMIN"] = dataclasses.replace(out["H0002"], employee_no="H0002", role="ADMIN")
    return out


def _create(db, user, customer_no=SHIJIAZHUANG, **kw):
    values = {"action": "RECTIFY", "instruction": "补充抵押物照片", "due_on": TODAY + dt.timedelta(days=7)}
    values.update(kw)
    with db.write_session() as s:
        return create_order(s, user, customer_no=customer_no, **values)


def _version(db, order_no):
    with db.read_session() as s:
        return s.execute(
            select(SupervisionOrder.version).where(SupervisionOrder.order_no == order_no)
        ).scalar_one()


def _refused(db, fn, code):
    with pytest.raises(OrderRefused) as caught, db.write_session() as s:
        fn(s)
    assert caught.value.code == code
    return caught.value


def test_only_head_office_orders_and_every_field_is_checked(bank, users):
    head = users["H0001"]
    due = TODAY + dt.timedelta(days=7)
    for who in ("A0311", "H0002", "ADMIN"):
        _refused(
            bank,
            lambda s, u=users[who]: create_order(
                s, u, customer_no=SHIJIAZHUANG, action="RECTIFY", instruction="x", due_on=due
            ),
            "ROLE_MAY_NOT_ORDER",
        )

    def attempt(**kw):
        values = {"customer_no": SHIJIAZHUANG, "action": "RECTIFY", "instruction": "x", "due_on": due}
        values.update(kw)
        return lambda s: create_order(s, head, **values)

    _refused(bank, attempt(action="PRAY"), "UNKNOWN_ORDER_ACTION")
    _refused(bank, attempt(instruction="  \n "), "INSTRUCTION_REQUIRED")
    error = _refused(bank, attempt(due_on=TODAY - dt.timedelta(days=1)), "DUE_IN_THE_PAST")
    assert error.params == {"due_on": (TODAY - dt.timedelta(days=1)).isoformat()}
    _refused(bank, attempt(customer_no="C9999999"), "UNKNOWN_CUSTOMER")
    _refused(bank, attempt(assignee_no="E00105"), "ASSIGNEE_NOT_OF_BRANCH")  # a Tangshan manager
    _refused(bank, attempt(assignee_no="NOBODY"), "ASSIGNEE_NOT_OF_BRANCH")
    with bank.read_session() as s:
        other = s.execute(
            select(Inspection.id).where(Inspection.customer_no != SHIJIAZHUANG).limit(1)
        ).scalar_one()
    _refused(bank, attempt(inspection_id=other), "INSPECTION_NOT_OF_CUSTOMER")
    _refused(bank, attempt(inspection_id=10**9), "INSPECTION_NOT_OF_CUSTOMER")
    with bank.read_session() as s:
        assert s.execute(select(SupervisionOrder)).first() is None  # nothing refused was kept

    # due today is allowed; the day is head office's (Beijing), not the machine's
    order_no = _create(bank, head, due_on=TODAY, assignee_no="E00101", action="REINSPECT")
    assert re.fullmatch(r"DD\d{8}\d{6}", order_no)
    with bank.read_session() as s:
        row = order_row(s, None, order_no)
        event = s.execute(select(AuditEvent).where(AuditEvent.entity_id == order_no)).scalar_one()
    assert row is not None
    assert (row.status, row.version, row.branch_code, row.assignee_no) == ("OPEN", 0, "031101", "E00101")
    assert (row.action, row.instruction, row.due_on, row.created_by) == (
        "REINSPECT",
        "补充抵押物照片",
        TODAY,
        "H0001",
    )
    assert (event.action, event.actor) == ("ORDER_CREATE", "H0001")
    assert json.loads(event.details)["customer_no"] == SHIJIAZHUANG


def test_two_orders_in_one_transaction_get_their_own_numbers(bank, users):
    with bank.write_session() as s:
        first = create_order(
            s, users["H0001"], customer_no=SHIJIAZHUANG, action="EXPLAIN", instruction="a", due_on=TODAY
        )
        second = create_order(
            s, users["H0001"], customer_no=SHIJIAZHUANG, action="EXPLAIN", instruction="b", due_on=TODAY
        )
    assert first != second


def test_an_order_of_an_inspection_of_its_customer(bank, users):
    with bank.read_session() as s:
        inspection_id, customer_no = s.execute(select(Inspection.id, Inspection.customer_no).limit(1)).one()
    order_no = _create(bank, users["H0001"], customer_no, inspection_id=inspection_id)
    with bank.read_session() as s:
        assert [r.order_no for r in order_page(s, None, OrderFilter(inspection_id=inspection_id))] == [
            order_no
        ]


def test_the_branch_answers_and_head_office_sends_back_then_closes(bank, users):
    head, approver, other = users["H0001"], users["A0311"], users["A0315"]
    order_no = _create(bank, head)
    # only a branch approver of the order's branch answers, with a text
    for who in (other, head, users["H0002"], users["ADMIN"]):
        _refused(bank, lambda s, u=who: answer_order(s, u, order_no, 0, "done"), "MAY_NOT_ANSWER")
    _refused(bank, lambda s: answer_order(s, approver, order_no, 0, "   "), "ANSWER_REQUIRED")
    # nothing to close or send back while it is open
    with pytest.raises(OrderConflict) as conflict, bank.write_session() as s:
        close_order(s, head, order_no, 0)
    assert conflict.value.status == "OPEN"
    with bank.write_session() as s:
        answer_order(s, approver, order_no, 0, "已补充照片")
    with bank.read_session() as s:
        row = order_row(s, None, order_no)
    assert (row.status, row.version, row.answer, row.answered_by) == ("ANSWERED", 1, "已补充照片", "A0311")
    assert row.answered_at is not None
    # only head office closes or sends back; sending back needs a remark
    for who in (approver, users["H0002"], users["ADMIN"]):
        _refused(bank, lambda s, u=who: close_order(s, u, order_no, 1), "ROLE_MAY_NOT_CLOSE")
        _refused(bank, lambda s, u=who: send_back_order(s, u, order_no, 1, "no"), "ROLE_MAY_NOT_CLOSE")
    _refused(bank, lambda s: send_back_order(s, head, order_no, 1, " "), "REMARK_REQUIRED")
    with bank.write_session() as s:
        send_back_order(s, head, order_no, 1, "照片不清晰")
    with bank.read_session() as s:
        row = order_row(s, None, order_no)
    assert (row.status, row.version, row.remark) == ("OPEN", 2, "照片不清晰")
    with bank.write_session() as s:
        answer_order(s, approver, order_no, 2, "已重新拍摄")
    with bank.write_session() as s:
        close_order(s, head, order_no, 3, "认可")
    with bank.read_session() as s:
        row = order_row(s, None, order_no)
        history = order_history(s, None, order_no)
        assert order_history(s, other.scope, order_no) == []
    assert (row.status, row.version, row.remark, row.answer) == ("CLOSED", 4, "认可", "已重新拍摄")
    assert row.closed_at is not None
    assert [(e.action, e.actor, e.text) for e in history] == [
        ("ORDER_CREATE", "H0001", "补充抵押物照片"),
        ("ORDER_ANSWER", "A0311", "已补充照片"),
        ("ORDER_SEND_BACK", "H0001", "照片不清晰"),
        ("ORDER_ANSWER", "A0311", "已重新拍摄"),
        ("ORDER_CLOSE", "H0001", "认可"),
    ]
    assert history[0].actor_name == "徐强静"
    # a closed order takes nothing more
    with pytest.raises(OrderConflict), bank.write_session() as s:
        send_back_order(s, head, order_no, 4, "again")
    _refused(bank, lambda s: close_order(s, head, "DD000", 0), "UNKNOWN_ORDER")
    _refused(bank, lambda s: answer_order(s, approver, "DD000", 0, "x"), "UNKNOWN_ORDER")


def test_a_second_session_acting_on_what_it_saw_is_refused(bank, users):
    head, approver = users["H0001"], users["A0311"]
    order_no = _create(bank, head)
    seen = _version(bank, order_no)  # two desktops show the order at version 0
    with bank.write_session() as s:
        answer_order(s, approver, order_no, seen, "first")
    with pytest.raises(OrderConflict) as conflict, bank.write_session() as s:
        answer_order(s, approver, order_no, seen, "second")
    assert (conflict.value.order_no, conflict.value.status) == (order_no, "ANSWERED")
    # head office on two desktops: one closes, the other's send-back is refused
    seen = _version(bank, order_no)
    with bank.write_session() as s:
        close_order(s, head, order_no, seen)
    with pytest.raises(OrderConflict) as conflict, bank.write_session() as s:
        send_back_order(s, head, order_no, seen, "redo")
    assert conflict.value.status == "CLOSED"
    with bank.read_session() as s:
        row = order_row(s, None, order_no)
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == order_no)).all()
    assert (row.answer, row.remark) == ("first", "")
    assert actions == ["ORDER_CREATE", "ORDER_ANSWER", "ORDER_CLOSE"]  # refused writes left no event


def test_a_race_has_exactly_one_winner(bank, users):
    order_no = _create(bank, users["H0001"])
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def answer(text: str) -> None:
        barrier.wait()
        try:
            with bank.write_session() as s:
                answer_order(s, users["A0311"], order_no, 0, text)
            outcomes.append("answered")
        except OrderConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=answer, args=(f"answer {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["answered", "conflict", "conflict", "conflict"]
    assert _version(bank, order_no) == 1


def test_scope_filters_and_counts(bank, users):
    head = users["H0001"]
    mine = [_create(bank, head, SHIJIAZHUANG, action=a) for a in ("RECTIFY", "EXPLAIN", "REINSPECT")]
    theirs = _create(bank, head, TANGSHAN)
    with bank.write_session() as s:
        answer_order(s, users["A0311"], mine[1], 0, "ok")
    later = TODAY + dt.timedelta(days=8)  # the open ones are overdue by then
    shijiazhuang, tangshan = users["A0311"].scope, users["A0315"].scope
    with bank.read_session() as s:

        def numbers(scope, today=None, **kw):
            return {r.order_no for r in order_page(s, scope, OrderFilter(**kw), today=today)}

        assert numbers(shijiazhuang) == set(mine)
        assert numbers(tangshan) == {theirs}
        assert numbers(None) == {*mine, theirs}
        assert numbers(None, branch_code="0315") == {theirs}
        assert numbers(shijiazhuang, branch_code="0315") == set()
        assert numbers(None, status="ANSWERED") == {mine[1]}
        assert numbers(None, status="OPEN") == {mine[0], mine[2], theirs}
        assert numbers(None, status="OVERDUE") == set()
        assert numbers(None, later, status="OVERDUE") == {mine[0], mine[2], theirs}
        assert numbers(shijiazhuang, later, status="OVERDUE") == {mine[0], mine[2]}
        assert numbers(None, action="EXPLAIN") == {mine[1]}
        assert numbers(None, customer_no=TANGSHAN) == {theirs}
        assert numbers(None, text="达源") == set(mine)
        assert numbers(None, text=theirs) == {theirs}
        assert numbers(None, text="%") == set()
        assert all(r.overdue for r in order_page(s, None, OrderFilter(status="OPEN"), today=later))
        assert not any(r.overdue for r in order_page(s, None, OrderFilter(status="ANSWERED"), today=later))
        assert order_count(s, shijiazhuang, OrderFilter()) == 3
        assert order_count(s, None, OrderFilter(status="OVERDUE"), today=later) == 3
        assert order_count(s, None, OrderFilter(text="达源")) == 3
        counts = order_counts(s, None, later)
        assert (counts.open, counts.overdue, counts.answered, counts.closed) == (3, 3, 1, 0)
        counts = order_counts(s, tangshan, TODAY)
        assert (counts.open, counts.overdue, counts.answered, counts.closed) == (1, 0, 0, 0)
        # one order, and the customer a new order would be for, only within scope
        assert order_row(s, tangshan, mine[0]) is None
        assert order_row(s, shijiazhuang, mine[0]) is not None
        customer = order_customer(s, None, SHIJIAZHUANG)
        assert (customer.branch_code, customer.manager_no, customer.manager_name) == (
            "031101",
            "E00101",
            "黄伟",
        )
        assert order_customer(s, tangshan, SHIJIAZHUANG) is None
        assert order_customer(s, None, "C9999999") is None


def test_keyset_pages_return_every_order_once_in_order(bank, users):
    head = users["H0001"]
    customers = (SHIJIAZHUANG, "C0001001", "C0001002", TANGSHAN, "C0001005")
    made = []
    for n in range(13):
        # few distinct due dates and customers: ties the order number must break
        due = TODAY + dt.timedelta(days=n % 3)
        made.append(_create(bank, head, customers[n % len(customers)], due_on=due, instruction=f"#{n}"))
    with bank.write_session() as s:
        for order_no in made[:4]:
            answer_order(s, users["A0311" if order_no in made[:3] else "A0315"], order_no, 0, "ok")
    with bank.read_session() as s:
        for sort in ORDER_SORT_KEYS:
            for descending in (False, True):
                everything = order_page(s, None, OrderFilter(), sort=sort, descending=descending, limit=100)
                pages, after = [], None
                while True:
                    page = order_page(
                        s, None, OrderFilter(), sort=sort, descending=descending, after=after, limit=2
                    )
                    pages.extend(page)
                    if len(page) < 2:
                        break
                    after = (order_sort_value(page[-1], sort), page[-1].order_no)
                got = [r.order_no for r in pages]
                assert got == [r.order_no for r in everything], (sort, descending)
                assert sorted(got) == sorted(made), (sort, descending)
                keys = [(order_sort_value(r, sort), r.order_no) for r in pages]
                assert keys == sorted(keys, reverse=descending), (sort, descending)
