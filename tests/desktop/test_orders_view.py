"""The supervision orders screen: head office orders (audited), the branch answers, head
office sends back and closes; scope; overdue orders in red; the conflict message when
another desktop changed the order first; read only for auditors; the link that opens the
new-order dialog prefilled."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from data.models import AuditEvent, Inspection, SupervisionOrder

BEIJING = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.datetime.now(BEIJING).date()


def _settle(qtbot: Any, view: Any) -> None:
    qtbot.waitUntil(lambda: view.runner.running() == 0 and not view.model.loading, timeout=20_000)


def _orders(qtbot: Any, runner: Any, user: Any, prefs: Any) -> Any:
    from views.orders import OrdersView

    view = OrdersView(runner, user, prefs)
    qtbot.addWidget(view)
    view.resize(1500, 800)
    view.show()
    qtbot.waitExposed(view)
    _settle(qtbot, view)
    return view


def _make(db: Any, user: Any, customer_no: str = "C0001000", **kw: Any) -> str:
    from data.orders import create_order

    values: dict[str, Any] = {"action": "RECTIFY", "instruction": "补充照片", "due_on": TODAY}
    values.update(kw)
    with db.write_session() as s:
        return create_order(s, user, customer_no=customer_no, **values)


def _row(view: Any, order_no: str) -> Any:
    return next((r for r in view.model.rows() if r.order_no == order_no), None)


def _select(qtbot: Any, view: Any, order_no: str) -> None:
    assert view.select_order(order_no)
    _settle(qtbot, view)
    assert view._order.order_no == order_no


def _ok(dialog: Any) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_order_answer_send_back_and_close(
    qtbot: Any, qtmodeltester: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    head = _orders(qtbot, runner, user_for("H0001"), prefs)
    qtmodeltester.check(head.model)
    assert head.model.rowCount() == 0
    assert head.count_label.text() == "0 orders, 0 overdue"
    assert head.new_button.isVisible()
    assert not head.answer_button.isVisible()
    dialog = head.new_order()
    assert dialog is not None
    assert dialog.isVisible()
    # the due date is a week ahead by default, and can not be set in the past
    assert dialog.values()["due_on"] == TODAY + dt.timedelta(days=7)
    assert dialog.due.minimumDate().toPython() == TODAY
    dialog.instruction.setPlainText("请于一周内补充 <抵押物> 照片")
    assert not _ok(dialog).isEnabled()  # the customer is not checked yet
    dialog.customer_no.setText("C9999999")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, head)
    assert dialog.customer is None
    assert not _ok(dialog).isEnabled()
    dialog.customer_no.setText("C0001000")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.customer is not None, timeout=20_000)
    assert "石家庄达源服饰有限公司" in dialog.customer_label.text()
    assert [dialog.assignee.itemData(i) for i in range(dialog.assignee.count())] == [None, "E00101"]
    dialog.assignee.setCurrentIndex(1)
    dialog.action.setCurrentIndex(dialog.action.findData("REINSPECT"))
    assert _ok(dialog).isEnabled()
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: head.model.rowCount() == 1, timeout=20_000)
    _settle(qtbot, head)
    order_no = head.model.row_at(0).order_no
    assert head.message.text() == f"Order {order_no} made."
    with examples_db.read_session() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.entity_id == order_no)).scalar_one()
        order = s.execute(select(SupervisionOrder).where(SupervisionOrder.order_no == order_no)).scalar_one()
    assert (event.action, event.actor) == ("ORDER_CREATE", "H0001")
    assert json.loads(event.details)["assignee_no"] == "E00101"
    assert (order.action, order.assignee_no, order.due_on) == (
        "REINSPECT",
        "E00101",
        TODAY + dt.timedelta(days=7),
    )
    _select(qtbot, head, order_no)
    # the instruction is shown as text, not markup
    assert "请于一周内补充 <抵押物> 照片" in head.detail.toPlainText()
    assert not head.close_button.isEnabled()  # nothing to close before the branch answers
    assert not head.send_back_button.isEnabled()

    branch = _orders(qtbot, runner, user_for("A0311"), prefs)
    assert [r.order_no for r in branch.model.rows()] == [order_no]
    assert not branch.new_button.isVisible()
    assert branch.answer_button.isVisible()
    _select(qtbot, branch, order_no)
    assert branch.answer_button.isEnabled()
    text = branch.answer_selected()
    assert text is not None
    assert not _ok(text).isEnabled()  # an answer is required
    text.text.setPlainText("已补充抵押物照片 & 说明")
    qtbot.mouseClick(_ok(text), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: branch.message.text() == "Answer sent.", timeout=20_000)
    _settle(qtbot, branch)
    _settle(qtbot, head)
    assert _row(branch, order_no).status == "ANSWERED"
    assert not branch.answer_button.isEnabled()
    # head office's list was refreshed by the write's broadcast
    assert _row(head, order_no).status == "ANSWERED"
    assert _row(head, order_no).answer == "已补充抵押物照片 & 说明"
    _select(qtbot, head, order_no)
    assert head.close_button.isEnabled()
    assert head.send_back_button.isEnabled()
    back = head.send_back_selected()
    assert back is not None
    assert not _ok(back).isEnabled()  # a remark is required
    back.text.setPlainText("照片不清晰")
    qtbot.mouseClick(_ok(back), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: head.message.text() == "Sent back to the branch.", timeout=20_000)
    _settle(qtbot, head)
    _settle(qtbot, branch)
    assert (_row(head, order_no).status, _row(head, order_no).remark) == ("OPEN", "照片不清晰")
    _select(qtbot, branch, order_no)
    assert "照片不清晰" in branch.detail.toPlainText()
    branch.answer(branch._order.order_no, branch._order.version, "已重新拍摄")
    qtbot.waitUntil(
        lambda: _row(head, order_no) is not None and _row(head, order_no).status == "ANSWERED", timeout=20_000
    )
    _settle(qtbot, head)
    _select(qtbot, head, order_no)
    qtbot.mouseClick(head.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: head.message.text() == "Order closed.", timeout=20_000)
    _settle(qtbot, head)
    assert _row(head, order_no).status == "CLOSED"
    assert not head.close_button.isEnabled()
    timeline = head.detail.toPlainText()
    for word in ("Ordered", "Answered", "Sent back", "Closed", "已补充抵押物照片 & 说明"):
        assert word in timeline
    with examples_db.read_session() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == order_no).order_by(AuditEvent.id)
        ).all()
    assert actions == ["ORDER_CREATE", "ORDER_ANSWER", "ORDER_SEND_BACK", "ORDER_ANSWER", "ORDER_CLOSE"]


def test_scope_overdue_in_red_and_links(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from views.orders import OVERDUE_BACKGROUND, OVERDUE_TEXT

    head_user = user_for("H0001")
    late = _make(
        examples_db, head_user, due_on=TODAY - dt.timedelta(days=3), today=TODAY - dt.timedelta(days=10)
    )
    due = _make(examples_db, head_user, "C0001001", action="EXPLAIN", due_on=TODAY + dt.timedelta(days=3))
    tangshan = _make(examples_db, head_user, "C0001004")
    view = _orders(qtbot, runner, user_for("A0311"), prefs)
    assert [r.order_no for r in view.model.rows()] == [late, due]  # the soonest due first
    assert view.count_label.text() == "2 orders, 1 overdue"
    status = next(i for i, c in enumerate(view.model.columns()) if c.key == "status")
    late_status = view.model.index(0, status)
    assert late_status.data() == "Overdue"
    assert late_status.data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE_TEXT
    assert late_status.data(Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND
    assert view.model.index(1, status).data() == "Awaiting answer"
    assert view.model.index(1, status).data(Qt.ItemDataRole.BackgroundRole) is None
    view.open_query("orders?status=OVERDUE&branch_code=0311")
    _settle(qtbot, view)
    assert [r.order_no for r in view.model.rows()] == [late]
    assert view.query() == "orders?status=OVERDUE&branch_code=0311"
    assert view.filter_bar.combos["status"].currentData() == "OVERDUE"
    # the dashboard's card for one client manager (a link-only narrowing, shown and kept)
    view.open_query("orders?status=OPEN&branch_code=031101&manager_no=E00102")
    _settle(qtbot, view)
    assert [r.order_no for r in view.model.rows()] == [due]
    assert view.filter_bar.pinned_label.text() == "Only: client manager E00102"
    view.filter_bar.combos["status"].setCurrentIndex(0)
    _settle(qtbot, view)
    assert view.query() == "orders?branch_code=031101&manager_no=E00102"
    view.open_query("orders?status=ANSWERED")
    _settle(qtbot, view)
    assert view.count_label.text() == "0 orders, 0 overdue"

    other = _orders(qtbot, runner, user_for("A0315"), prefs)
    assert [r.order_no for r in other.model.rows()] == [tangshan]
    other.open_query("orders?branch_code=0311")
    _settle(qtbot, other)
    assert other.model.rowCount() == 0
    other.open_query(f"orders?text={late}")
    _settle(qtbot, other)
    assert other.model.rowCount() == 0

    # a double-click on an order opens its customer
    view.open_query("orders")
    _settle(qtbot, view)
    customer = next(i for i, c in enumerate(view.model.columns()) if c.key == "customer")
    with qtbot.waitSignal(view.open_requested) as opened:
        view.table.doubleClicked.emit(view.model.index(0, customer))
    assert opened.args == ["customers?customer_no=C0001000"]


def test_a_link_opens_the_new_order_dialog_prefilled(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    with examples_db.read_session() as s:
        inspection_id, customer_no = s.execute(select(Inspection.id, Inspection.customer_no).limit(1)).one()
    view = _orders(qtbot, runner, user_for("H0001"), prefs)
    view.open_query(f"orders?new=1&customer_no={customer_no}&inspection_id={inspection_id}")
    dialog = view.new_dialog
    assert dialog is not None
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.customer is not None, timeout=20_000)
    assert dialog.customer_no.text() == customer_no
    assert dialog.values()["inspection_id"] == inspection_id
    assert view.query() == f"orders?customer_no={customer_no}&inspection_id={inspection_id}"
    assert view.filter_bar.pinned.isVisibleTo(view)
    dialog.instruction.setPlainText("重新检查")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=20_000)
    assert view.model.row_at(0).inspection_id == inspection_id
    _settle(qtbot, view)


def test_someone_else_changed_the_order_first(
    qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any
) -> None:
    from data.orders import answer_order, close_order

    head_user = user_for("H0001")
    order_no = _make(examples_db, head_user)
    with examples_db.write_session() as s:
        answer_order(s, user_for("A0311"), order_no, 0, "已处理")
    view = _orders(qtbot, runner, head_user, prefs)
    _select(qtbot, view, order_no)
    assert view.close_button.isEnabled()
    # another head-office desktop closes it first (not through this runner: no broadcast)
    with examples_db.write_session() as s:
        close_order(s, head_user, order_no, 1, "另一台电脑")
    qtbot.mouseClick(view.send_back_button, Qt.MouseButton.LeftButton)
    back = view.text_dialog
    assert back is not None
    back.text.setPlainText("退回")
    qtbot.mouseClick(_ok(back), Qt.MouseButton.LeftButton)
    expected = "Someone else changed this order first (now Closed); the list has been refreshed."
    qtbot.waitUntil(lambda: view.message.text() == expected, timeout=20_000)
    _settle(qtbot, view)
    assert _row(view, order_no).status == "CLOSED"
    assert view._order.status == "CLOSED"
    assert not view.send_back_button.isEnabled()
    with examples_db.read_session() as s:
        row = s.execute(select(SupervisionOrder).where(SupervisionOrder.order_no == order_no)).scalar_one()
    assert (row.status, row.remark) == ("CLOSED", "另一台电脑")


def test_the_auditor_reads_only(qtbot: Any, examples_db: Any, runner: Any, user_for: Any, prefs: Any) -> None:
    order_no = _make(examples_db, user_for("H0001"))
    view = _orders(qtbot, runner, user_for("H0002"), prefs)
    assert [r.order_no for r in view.model.rows()] == [order_no]
    for button in (view.new_button, view.answer_button, view.close_button, view.send_back_button):
        assert not button.isVisible()
    assert view.read_only_note.isVisible()
    assert view.new_order() is None
    view.open_query("orders?new=1&customer_no=C0001000")
    assert view.new_dialog is None
    _settle(qtbot, view)
    _select(qtbot, view, order_no)
    assert view.answer_selected() is None
    assert view.send_back_selected() is None
    assert "补充照片" in view.detail.toPlainText()
