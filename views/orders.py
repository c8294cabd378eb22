"""The supervision orders (督导) screen: head office orders a branch, or one client manager,
to re-inspect, rectify or explain by a date; the branch answers; head office closes the
order or sends it back with a remark.

The list holds the orders in scope (a branch approver sees only their branch's), the most
urgent first; an open order past its due date is overdue and shown in red. Beside it the
selected order: its instruction, answer, remark and timeline, and what the user's role may
do with it: head office makes orders and closes or sends back answered ones, a branch
approver answers open ones, auditors and administrators read. Every write names the version
the user saw: if someone else changed the order first the user is told and the list is
refreshed. ``orders?new=1&customer_no=…&inspection_id=…`` opens the new-order dialog.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any
from urllib.parse import parse_qsl, urlencode

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Preferences
from desktop.tasks import Changes, Latest, TaskRunner
from views._links import PinnedFilters, link_values, list_link
from widgets.choice_bar import ChoiceFilterBar
from widgets.labels import local_time
from widgets.lazy_table import Column, KeysetTableModel, list_table

FILTER_KEYS = ("status", "branch_code", "action", "text", "manager_no", "customer_no", "inspection_id")
DEFAULT_FILTERS: dict[str, Any] = {}
#: narrowing a link opens the list with that the drop-downs do not show
PINNED_KEYS = ("manager_no", "customer_no", "inspection_id")
ACTIONS = ("REINSPECT", "RECTIFY", "EXPLAIN")
STATUSES = ("OPEN", "OVERDUE", "ANSWERED", "CLOSED")
#: how many days from today a new order is due unless the user picks another day
DEFAULT_DUE_DAYS = 7
OVERDUE_BACKGROUND = QColor("#fde2e1")
OVERDUE_TEXT = QColor("#c62828")
_STATUS_COLOURS = {"OPEN": QColor("#ef6c00"), "ANSWERED": QColor("#1565c0"), "CLOSED": QColor("#2e7d32")}
_LINK = QColor("#1565c0")
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_BEIJING = dt.timezone(dt.timedelta(hours=8))
_ERROR_STYLE = "color: #b71c1c;"
_OK_STYLE = "color: #1b5e20;"


def _t(text: str) -> str:
    return QCoreApplication.translate("Orders", text)


def action_name(action: str) -> str:
    return {
        "REINSPECT": _t("Re-inspect"),
        "RECTIFY": _t("Rectify"),
        "EXPLAIN": _t("Explain"),
    }.get(action, action)


def order_status_name(status: str) -> str:
    return {
        "OPEN": _t("Awaiting answer"),
        "OVERDUE": _t("Overdue"),
        "ANSWERED": _t("Answered"),
        "CLOSED": _t("Closed"),
    }.get(status, status)


def event_name(action: str) -> str:
    return {
        "ORDER_CREATE": _t("Ordered"),
        "ORDER_ANSWER": _t("Answered"),
        "ORDER_SEND_BACK": _t("Sent back"),
        "ORDER_CLOSE": _t("Closed"),
    }.get(action, action)


def refusal_words(code: str, params: dict[str, Any]) -> str:
    """Why the rules refused an order write, in words."""
    text = {
        "ROLE_MAY_NOT_ORDER": _t("Only head-office risk managers make supervision orders."),
        "UNKNOWN_ORDER_ACTION": _t("Unknown order action."),
        "INSTRUCTION_REQUIRED": _t("Write what the branch must do."),
        "DUE_IN_THE_PAST": _t("The due date {due_on} is in the past."),
        "UNKNOWN_CUSTOMER": _t("No customer {customer_no} in your scope."),
        "INSPECTION_NOT_OF_CUSTOMER": _t("Inspection {inspection_id} is not of this customer."),
        "ASSIGNEE_NOT_OF_BRANCH": _t("{assignee_no} does not work for the customer's branch."),
        "MAY_NOT_ANSWER": _t("Only a branch approver of the order's branch answers it."),
        "ANSWER_REQUIRED": _t("Write the branch's answer."),
        "ROLE_MAY_NOT_CLOSE": _t("Only head-office risk managers close or send back orders."),
        "REMARK_REQUIRED": _t("Say why the answer is sent back."),
        "UNKNOWN_ORDER": _t("There is no order {order_no}."),
    }.get(code)
    if text is None:
        return _t("The order was refused ({code}).").format(code=code)
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def filters_to_query(values: dict[str, Any]) -> str:
    """The URL-like state of the list: ``orders?status=OVERDUE&branch_code=0311``."""
    return list_link("orders", FILTER_KEYS, values)


def filters_from_query(query: str) -> dict[str, Any]:
    return link_values(query, FILTER_KEYS, {"inspection_id": lambda v: int(v) if v.isdigit() else None})


def pinned_words(values: dict[str, Any]) -> str:
    """The narrowing a link opened the list with, in words (empty: none)."""
    parts = []
    if values.get("manager_no"):
        parts.append(_t("client manager {number}").format(number=values["manager_no"]))
    if values.get("customer_no"):
        parts.append(_t("customer {number}").format(number=values["customer_no"]))
    if values.get("inspection_id"):
        parts.append(_t("inspection {number}").format(number=values["inspection_id"]))
    return _t("Only: {what}").format(what="; ".join(parts)) if parts else ""


def _snippet(text: str, limit: int = 40) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _today() -> dt.date:
    return dt.datetime.now(_BEIJING).date()


class OrderTableModel(KeysetTableModel):
    """The orders, paged; an overdue order's row has a red background."""

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == _BACKGROUND:
            r = index.row()
            if 0 <= r < self.rowCount() and self.row_at(r).overdue:
                return QBrush(OVERDUE_BACKGROUND)
            return None
        return super().data(index, role)


class OrderTextDialog(QDialog):
    """Asks for one required text: the branch's answer, or why an answer is sent back."""

    def __init__(self, title: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        prompt = QLabel(label)
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.text = QPlainTextEdit()
        layout.addWidget(self.text, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.text.textChanged.connect(self._update)
        self._update()

    def value(self) -> str:
        return self.text.toPlainText().strip()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.value()))

    def accept(self) -> None:
        if self.value():
            super().accept()


class NewOrderDialog(QDialog):
    """A new supervision order: the customer (checked to exist in scope), what to do, the
    instruction, a due date not in the past, and who answers (the branch, or the
    customer's client manager)."""

    #: the user asked to look up this customer number; the owner answers ``show_customer``
    lookup_requested = Signal(str)

    def __init__(
        self,
        *,
        customer_no: str = "",
        inspection_id: int | None = None,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_t("New supervision order"))
        self.setMinimumWidth(520)
        self.inspection_id = inspection_id
        self.customer: Any = None
        today = today or _today()
        form = QFormLayout()
        row = QHBoxLayout()
        self.customer_no = QLineEdit(customer_no)
        self.customer_no.setPlaceholderText(_t("Customer number, e.g. C0001000"))
        self.check_button = QPushButton(_t("Check"))
        self.check_button.setToolTip(_t("Look the customer up"))
        row.addWidget(self.customer_no, 1)
        row.addWidget(self.check_button)
        form.addRow(_t("Customer"), row)
        self.customer_label = QLabel()
        self.customer_label.setWordWrap(True)
        form.addRow("", self.customer_label)
        if inspection_id is not None:
            form.addRow(_t("Inspection"), QLabel(str(inspection_id)))
        self.action = QComboBox()
        for action in ACTIONS:
            self.action.addItem(action_name(action), action)
        form.addRow(_t("Action"), self.action)
        self.instruction = QPlainTextEdit()
        self.instruction.setPlaceholderText(_t("What the branch must do, and what to report"))
        self.instruction.setMinimumHeight(90)
        form.addRow(_t("Instruction"), self.instruction)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setMinimumDate(QDate(today.year, today.month, today.day))
        due = today + dt.timedelta(days=DEFAULT_DUE_DAYS)
        self.due.setDate(QDate(due.year, due.month, due.day))
        form.addRow(_t("Due"), self.due)
        self.assignee = QComboBox()
        form.addRow(_t("Answered by"), self.assignee)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_t("Issue the order"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.check_button.clicked.connect(self._on_check)
        self.customer_no.returnPressed.connect(self._on_check)
        self.customer_no.textEdited.connect(lambda _text: self.show_customer(None, checked=False))
        self.instruction.textChanged.connect(self._update)
        self.show_customer(None, checked=False)

    def _on_check(self) -> None:
        number = self.customer_no.text().strip()
        if number:
            self.customer_label.setText(_t("Looking up…"))
            self.lookup_requested.emit(number)

    def show_customer(self, customer: Any, *, checked: bool = True) -> None:
        """The lookup's answer: an ``OrderCustomer``, or None (not found, or not yet
        looked up when ``checked`` is False)."""
        self.customer = customer
        self.assignee.clear()
        if customer is None:
            self.customer_label.setStyleSheet(_ERROR_STYLE if checked else "")
            self.customer_label.setText(
                _t("No such customer in your scope.") if checked else _t("Check the customer number.")
            )
        else:
            self.customer_label.setStyleSheet(_OK_STYLE)
            self.customer_label.setText(
                _t("{name}, {branch}").format(name=customer.name, branch=customer.branch_name)
            )
            self.assignee.addItem(_t("The branch ({branch})").format(branch=customer.branch_name), None)
            if customer.manager_no:
                self.assignee.addItem(
                    _t("Client manager {name} ({number})").format(
                        name=customer.manager_name or "", number=customer.manager_no
                    ),
                    customer.manager_no,
                )
        self._update()

    def values(self) -> dict[str, Any]:
        due = self.due.date()
        return {
            "customer_no": self.customer.customer_no if self.customer is not None else "",
            "inspection_id": self.inspection_id,
            "action": self.action.currentData(),
            "instruction": self.instruction.toPlainText().strip(),
            "due_on": dt.date(due.year(), due.month(), due.day()),
            "assignee_no": self.assignee.currentData(),
        }

    def _ready(self) -> bool:
        return self.customer is not None and bool(self.instruction.toPlainText().strip())

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self._ready())

    def accept(self) -> None:
        if self._ready():
            super().accept()


class OrdersView(PinnedFilters, QWidget):
    """Supervision orders in scope, the soonest due first, with the selected one beside."""

    pinned_keys = PINNED_KEYS

    state_changed = Signal(str)
    open_requested = Signal(str)

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self.can_order = user.role == "HEAD_RISK"
        self.can_answer = user.role == "BRANCH_APPROVER"
        self._filters: dict[str, Any] = dict(DEFAULT_FILTERS)
        self._order: Any = None  # the selected order (an OrderRow), as last read
        self._history: list[Any] = []
        self._detail_latest = Latest()
        self._overdue_latest = Latest()
        self._lookup_latest = Latest()
        self._count: int | None = None
        self._overdue: int | None = None
        self.new_dialog: NewOrderDialog | None = None
        self.text_dialog: OrderTextDialog | None = None
        self._build()
        self.filter_bar.set_values(self._filters)
        self.runner.changed.connect(self._on_changed)
        self._load_choices()
        self.reload()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.filter_bar = ChoiceFilterBar(
            [
                ("status", lambda: _t("Status"), lambda: _t("All statuses")),
                ("action", lambda: _t("Action"), lambda: _t("All actions")),
                ("branch_code", lambda: _t("Branch"), lambda: _t("All branches")),
            ],
            search_hint=_t("Order number, customer name or number"),
        )
        self.filter_bar.set_choices("status", [(s, order_status_name(s)) for s in STATUSES])
        self.filter_bar.set_choices("action", [(a, action_name(a)) for a in ACTIONS])
        self.filter_bar.filters_changed.connect(self._on_filters)
        self.filter_bar.pinned_cleared.connect(self._drop_pinned)
        layout.addWidget(self.filter_bar)
        from data.orders import order_count, order_page, order_sort_value
        from views._paging import PagedList

        self.model = OrderTableModel(
            self._columns(), keyset=lambda row, key: (order_sort_value(row, key), row.order_no)
        )
        self.model.sort_key = "due_on"
        self.model.descending = False
        self.pages = PagedList(
            self.runner,
            self.model,
            self,
            self._criteria,
            order_page,
            order_count,
            name="orders",
            counted=self._on_counted,
            first_page=self._on_first_page,
        )
        self.table = list_table(self.model)
        due_column = next(i for i, c in enumerate(self.model.columns()) if c.key == "due")
        self.table.horizontalHeader().setSortIndicator(due_column, Qt.SortOrder.AscendingOrder)
        self.model.sort_requested.connect(lambda _k, _d: self.reload())
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.doubleClicked.connect(self._on_double_clicked)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([1050, 450])
        layout.addWidget(splitter, 1)
        self.count_label = QLabel()
        self.count_label.setContentsMargins(6, 2, 6, 4)
        layout.addWidget(self.count_label)

    def _build_detail(self) -> QWidget:
        pane = QWidget()
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(4, 4, 4, 4)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(lambda url: self.open_customer(url.toString()))
        layout.addWidget(self.detail, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_t("New order…"))
        self.new_button.setToolTip(_t("Order a branch to re-inspect, rectify or explain"))
        self.new_button.clicked.connect(lambda: self.new_order())
        self.answer_button = QPushButton(_t("Answer…"))
        self.answer_button.setToolTip(_t("Answer the selected order for your branch"))
        self.answer_button.clicked.connect(self.answer_selected)
        self.close_button = QPushButton(_t("Close"))
        self.close_button.setToolTip(_t("Accept the branch's answer and close the order"))
        self.close_button.clicked.connect(self.close_selected)
        self.send_back_button = QPushButton(_t("Send back…"))
        self.send_back_button.setToolTip(_t("Do not accept the answer: the branch must answer again"))
        self.send_back_button.clicked.connect(self.send_back_selected)
        for button in (self.new_button, self.answer_button, self.close_button, self.send_back_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.new_button.setVisible(self.can_order)
        self.close_button.setVisible(self.can_order)
        self.send_back_button.setVisible(self.can_order)
        self.answer_button.setVisible(self.can_answer)
        self.read_only_note = QLabel(_t("Read only: your role does not act on supervision orders."))
        self.read_only_note.setVisible(not (self.can_order or self.can_answer))
        buttons.addWidget(self.read_only_note)
        layout.addLayout(buttons)
        self._show_detail()
        return pane

    def _columns(self) -> list[Column]:
        def status(r: Any) -> str:
            return order_status_name("OVERDUE" if r.overdue else r.status)

        def status_colour(r: Any) -> QColor | None:
            return OVERDUE_TEXT if r.overdue else _STATUS_COLOURS.get(r.status)

        return [
            Column("order_no", lambda: _t("Order no."), lambda r: r.order_no, "order_no", width=150),
            Column("status", lambda: _t("Status"), status, "status", width=110, foreground=status_colour),
            Column("action", lambda: _t("Action"), lambda r: action_name(r.action), width=80),
            Column(
                "customer",
                lambda: _t("Customer"),
                lambda r: r.customer_name,
                "customer_name",
                width=210,
                tooltip=lambda r: _t("{no} {name}: double-click to open the customer").format(
                    no=r.customer_no, name=r.customer_name
                ),
                foreground=lambda _r: _LINK,
            ),
            Column(
                "due",
                lambda: _t("Due"),
                lambda r: r.due_on.isoformat(),
                "due_on",
                width=90,
                foreground=lambda r: OVERDUE_TEXT if r.overdue else None,
            ),
            Column("branch", lambda: _t("Branch"), lambda r: r.branch_name, "branch_name", width=90),
            Column(
                "assignee",
                lambda: _t("Answered by"),
                lambda r: r.assignee_name or r.assignee_no or _t("The branch"),
                width=90,
            ),
            Column("created_by", lambda: _t("Ordered by"), lambda r: r.created_by_name, width=80),
            Column(
                "created_at",
                lambda: _t("Ordered at"),
                lambda r: local_time(r.created_at),
                "created_at",
                width=120,
            ),
            Column(
                "answer",
                lambda: _t("Answer"),
                lambda r: _snippet(r.answer),
                width=260,
                tooltip=lambda r: r.answer or None,
            ),
        ]

    # -- filters and paging -----------------------------------------------------------------

    def _load_choices(self) -> None:
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.queries import filter_choices

            return filter_choices(session, scope)[0]

        self.runner.read(load, self._show_choices, label="order filter choices", owner=self)

    def _show_choices(self, branches: Any) -> None:
        self.filter_bar.set_choices("branch_code", [(c.value, c.label) for c in branches])
        self.filter_bar.set_values(self._filters)

    def query(self) -> str:
        return filters_to_query(self._filters)

    def open_query(self, query: str) -> None:
        """Open the list filtered: ``orders?status=OVERDUE&branch_code=0311``;
        ``orders?new=1&customer_no=C0001000&inspection_id=3`` also opens the new-order
        dialog for that customer (and inspection), for head office."""
        _, _, qs = query.partition("?")
        wanted = dict(parse_qsl(qs))
        self._filters = filters_from_query(query)
        self.filter_bar.set_values(self._filters)
        self.filter_bar.set_pinned(pinned_words(self._filters))
        self.state_changed.emit(self.query())
        self.reload()
        if wanted.get("new") == "1" and self.can_order:
            self.new_order(
                customer_no=self._filters.get("customer_no", ""),
                inspection_id=self._filters.get("inspection_id"),
            )

    def _filter(self) -> Any:
        from data.orders import OrderFilter

        return OrderFilter(**{k: v for k, v in self._filters.items() if k in FILTER_KEYS})

    def reload(self) -> None:
        self.pages.reload()
        self._count_overdue()

    def _criteria(self) -> tuple[Any, Any]:
        return self.user.scope, self._filter()

    def _count_overdue(self) -> None:
        """How many of the listed orders are overdue (none when the list holds only
        answered or closed ones)."""
        token = self._overdue_latest.next()
        self._overdue = None
        scope, flt = self._criteria()

        def count(session: Any) -> int:
            from dataclasses import replace

            from data.orders import order_count

            if flt.status not in (None, "OPEN", "OVERDUE"):
                return 0
            return order_count(session, scope, replace(flt, status="OVERDUE"))

        def done(n: int) -> None:
            if self._overdue_latest.is_current(token):
                self._overdue = n
                self._show_count()

        self.runner.read(count, done, label="count overdue orders", owner=self)

    def _on_counted(self, n: int | None) -> None:
        self._count = n
        self._show_count()

    def _show_count(self) -> None:
        if self._count is None or self._overdue is None:
            self.count_label.setText(_t("Counting…"))
            return
        locale = QLocale()
        self.count_label.setText(
            _t("{n} orders, {m} overdue").format(
                n=locale.toString(self._count), m=locale.toString(self._overdue)
            )
        )

    def _on_first_page(self, rows: Any) -> None:
        """Keep the selected order selected when the list is read again."""
        if self._order is None:
            return
        for i, row in enumerate(rows):
            if row.order_no == self._order.order_no:
                self.table.selectRow(i)
                return

    def _on_changed(self, changes: Changes) -> None:
        if changes.tables & {"supervision_orders", "customers", "branches", "staff"}:
            self.reload()
            if self._order is not None:
                self.show_order(self._order.order_no)

    # -- the selected order -----------------------------------------------------------------

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.row_at(current.row())
        if self._order is None or row.order_no != self._order.order_no or row.version != self._order.version:
            if self._order is None or row.order_no != self._order.order_no:
                # what was said about the last order does not belong to another one
                self.message.clear()
                self._history = []
            self._order = row
            self._show_detail()
            self.show_order(row.order_no)

    def select_order(self, order_no: str) -> bool:
        """Select a loaded order in the list (False: it is not among the loaded rows)."""
        for i in range(self.model.rowCount()):
            if self.model.row_at(i).order_no == order_no:
                self.table.selectRow(i)
                return True
        return False

    def show_order(self, order_no: str) -> None:
        """Read the order afresh (and its timeline) and show it beside the list."""
        token = self._detail_latest.next()
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.orders import order_history, order_row

            return order_row(session, scope, order_no), order_history(session, scope, order_no)

        def done(found: Any) -> None:
            if not self._detail_latest.is_current(token):
                return
            self._order, self._history = found
            self._show_detail()
            if self._order is not None:
                self.select_order(self._order.order_no)

        self.runner.read(load, done, label="supervision order", owner=self)

    def _show_detail(self) -> None:
        order = self._order
        self._update_buttons()
        if order is None:
            self.detail.setHtml(html.escape(_t("Pick an order in the list.")))
            return
        e = html.escape
        status = order_status_name("OVERDUE" if order.overdue else order.status)
        colour = (OVERDUE_TEXT if order.overdue else _STATUS_COLOURS.get(order.status, QColor("#000"))).name()
        parts = [
            f"<h3>{e(order.order_no)} · <span style='color:{colour}'>{e(status)}</span></h3>",
            "<table cellspacing='0' cellpadding='2'>",
        ]

        def line(label: str, value: str) -> None:
            parts.append(f"<tr><td style='color:#555'>{e(label)}</td><td>{value}</td></tr>")

        line(_t("Action"), e(action_name(order.action)))
        line(
            _t("Customer"),
            f"<a href='{e(order.customer_no)}'>{e(order.customer_name)}</a> ({e(order.customer_no)})",
        )
        if order.inspection_id is not None:
            line(_t("Inspection"), e(str(order.inspection_id)))
        line(_t("Branch"), e(order.branch_name))
        line(_t("Answered by"), e(order.assignee_name or order.assignee_no or _t("The branch")))
        due = e(order.due_on.isoformat())
        line(_t("Due"), f"<span style='color:{OVERDUE_TEXT.name()}'>{due}</span>" if order.overdue else due)
        line(_t("Ordered by"), e(f"{order.created_by_name} · {local_time(order.created_at)}"))
        parts.append("</table>")

        def block(title: str, text: str) -> None:
            parts.append(f"<h4>{e(title)}</h4><p>{e(text).replace(chr(10), '<br>')}</p>")

        block(_t("Instruction"), order.instruction)
        if order.answer:
            block(_t("Answer"), order.answer)
        if order.remark:
            block(_t("Head office's remark"), order.remark)
        parts.append(f"<h4>{e(_t('Timeline'))}</h4><ul>")
        for event in self._timeline(order):
            parts.append(f"<li>{event}</li>")
        parts.append("</ul>")
        self.detail.setHtml("".join(parts))

    def _timeline(self, order: Any) -> list[str]:
        e = html.escape
        if self._history:
            out = []
            for event in self._history:
                who = event.actor_name or event.actor
                head = f"<b>{e(local_time(event.at))}</b> {e(event_name(event.action))} · {e(who)}"
                if event.text and event.action != "ORDER_CREATE":
                    head += f"<br><span style='color:#555'>{e(_snippet(event.text, 120))}</span>"
                out.append(head)
            return out
        # not read yet: what the row itself says
        out = [
            f"<b>{e(local_time(order.created_at))}</b> {e(event_name('ORDER_CREATE'))} · {e(order.created_by_name)}"
        ]
        if order.answered_at is not None:
            out.append(f"<b>{e(local_time(order.answered_at))}</b> {e(event_name('ORDER_ANSWER'))}")
        if order.closed_at is not None:
            out.append(f"<b>{e(local_time(order.closed_at))}</b> {e(event_name('ORDER_CLOSE'))}")
        return out

    def _update_buttons(self) -> None:
        order = self._order
        self.answer_button.setEnabled(self.can_answer and order is not None and order.status == "OPEN")
        answered = self.can_order and order is not None and order.status == "ANSWERED"
        self.close_button.setEnabled(answered)
        self.send_back_button.setEnabled(answered)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_customer(self.model.row_at(index.row()).customer_no)

    def open_customer(self, customer_no: str) -> None:
        if customer_no:
            self.open_requested.emit("customers?" + urlencode({"customer_no": customer_no}))

    # -- writes -----------------------------------------------------------------------------

    def new_order(self, customer_no: str = "", inspection_id: int | None = None) -> NewOrderDialog | None:
        """Open the new-order dialog (head office only); the order is written when the user
        accepts it."""
        if not self.can_order:
            return None
        if self.new_dialog is not None:
            self.new_dialog.close()
            self.new_dialog.deleteLater()
        dialog = NewOrderDialog(customer_no=customer_no, inspection_id=inspection_id, parent=self)
        dialog.lookup_requested.connect(self.lookup_customer)
        dialog.accepted.connect(lambda: self.make_order(dialog.values()))
        self.new_dialog = dialog
        dialog.open()
        if customer_no:
            self.lookup_customer(customer_no)
        return dialog

    def lookup_customer(self, customer_no: str) -> None:
        token = self._lookup_latest.next()
        scope = self.user.scope
        dialog = self.new_dialog

        def load(session: Any) -> Any:
            from data.orders import order_customer

            return order_customer(session, scope, customer_no)

        def done(customer: Any) -> None:
            if self._lookup_latest.is_current(token) and dialog is not None and dialog is self.new_dialog:
                dialog.show_customer(customer)

        self.runner.read(load, done, label="order customer", owner=self)

    def make_order(self, values: dict[str, Any]) -> None:
        """Write a new order (audited); the list shows it when the write commits."""
        user = self.user

        def write(session: Any) -> Any:
            from data.orders import create_order

            order_no = create_order(session, user, **values)
            return order_no, Changes(frozenset({"supervision_orders"}), (order_no,), "create order")

        def done(order_no: str) -> None:
            self._say(_t("Order {number} made.").format(number=order_no))
            self._order = None
            self.show_order(order_no)

        self.runner.write(write, done, self._on_write_failed, label="create order", owner=self)

    def _ask_text(self, title: str, label: str, then: Any) -> OrderTextDialog:
        if self.text_dialog is not None:
            self.text_dialog.close()
            self.text_dialog.deleteLater()
        dialog = OrderTextDialog(title, label, self)
        dialog.accepted.connect(lambda: then(dialog.value()))
        self.text_dialog = dialog
        dialog.open()
        return dialog

    def answer_selected(self) -> OrderTextDialog | None:
        order = self._order
        if order is None or not self.can_answer or order.status != "OPEN":
            return None
        number, version = order.order_no, order.version
        return self._ask_text(
            _t("Answer order {number}").format(number=number),
            _t("What the branch did, or why:"),
            lambda text: self.answer(number, version, text),
        )

    def send_back_selected(self) -> OrderTextDialog | None:
        order = self._order
        if order is None or not self.can_order or order.status != "ANSWERED":
            return None
        number, version = order.order_no, order.version
        return self._ask_text(
            _t("Send back order {number}").format(number=number),
            _t("Why the answer is not accepted (the branch sees this):"),
            lambda text: self.send_back(number, version, text),
        )

    def close_selected(self) -> None:
        order = self._order
        if order is None or not self.can_order or order.status != "ANSWERED":
            return
        self.close_order(order.order_no, order.version)

    def answer(self, order_no: str, version: int, text: str) -> None:
        self._move("answer_order", order_no, version, text, _t("Answer sent."))

    def send_back(self, order_no: str, version: int, remark: str) -> None:
        self._move("send_back_order", order_no, version, remark, _t("Sent back to the branch."))

    def close_order(self, order_no: str, version: int, remark: str = "") -> None:
        self._move("close_order", order_no, version, remark, _t("Order closed."))

    def _move(self, command: str, order_no: str, version: int, text: str, said: str) -> None:
        user = self.user

        def write(session: Any) -> Any:
            from data import orders

            getattr(orders, command)(session, user, order_no, version, text)
            return order_no, Changes(frozenset({"supervision_orders"}), (order_no,), command)

        def done(_order_no: str) -> None:
            self._say(said)

        self.runner.write(write, done, self._on_write_failed, label=command, owner=self)

    def _on_write_failed(self, error: BaseException) -> None:
        from data.orders import OrderConflict, OrderRefused

        if isinstance(error, OrderConflict):
            self._say(
                _t(
                    "Someone else changed this order first (now {status}); the list has been refreshed."
                ).format(status=order_status_name(error.status)),
                error=True,
            )
            self.reload()
            self.show_order(error.order_no)
        elif isinstance(error, OrderRefused):
            self._say(refusal_words(error.code, dict(error.params)), error=True)
        else:
            self.runner.report_error(error, "supervision order")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(_ERROR_STYLE if error else _OK_STYLE)
        self.message.setText(text)

    def retranslate(self) -> None:
        self.model.retranslate()
        self.filter_bar.set_pinned(pinned_words(self._filters))
        self._show_detail()
