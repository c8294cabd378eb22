"""The post-loan tasks screen: every task in scope by due date, filterable by status
(open, overdue, done, replaced), tier, unit and client manager; overdue rows highlighted.

Overdue is a fact of the date, not a status: an open task past its due date. A click on a
task's customer opens the customer's profile.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.settings import Preferences
from desktop.tasks import Changes, TaskRunner
from views._links import PinnedFilters, iso_date, link_values, list_link
from widgets.choice_bar import ChoiceFilterBar
from widgets.labels import TIER_COLOURS, TIERS, UNTIERED_COLOUR, kind_name, local_time, tier_name
from widgets.lazy_table import Column, KeysetTableModel, list_table
from widgets.risk_words import task_reason_words

FILTER_KEYS = (
    "status",
    "tier",
    "branch_code",
    "manager_no",
    "kind",
    "text",
    "customer_no",
    "due_from",
    "due_to",
)
DEFAULT_FILTERS = {"status": "OPEN"}
#: narrowing a link opens the list with that the drop-downs do not show
PINNED_KEYS = ("customer_no", "due_from", "due_to")
KINDS = ("FIRST", "ROUTINE", "FOCUSED", "SPECIAL")
OVERDUE_BACKGROUND = QColor("#fde2e1")
_TIER_QCOLOURS = {k: QColor(v) for k, v in TIER_COLOURS.items()}
_LINK = QColor("#1565c0")
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)


def _t(text: str) -> str:
    return QCoreApplication.translate("Tasks", text)


def task_status_name(status: str) -> str:
    return {
        "OPEN": _t("Open"),
        "OVERDUE": _t("Overdue"),
        "DONE": _t("Done"),
        "REPLACED": _t("Replaced"),
    }.get(status, status)


def filters_to_query(values: dict[str, Any]) -> str:
    """The URL-like state of the list: ``tasks?status=OVERDUE&branch_code=0311``."""
    return list_link("tasks", FILTER_KEYS, values)


def pinned_words(values: dict[str, Any]) -> str:
    """The narrowing a link opened the list with, in words (empty: none)."""
    parts = []
    first, last = values.get("due_from"), values.get("due_to")
    if first and last:
        parts.append(_t("due {first} – {last}").format(first=first.isoformat(), last=last.isoformat()))
    elif first:
        parts.append(_t("due from {first}").format(first=first.isoformat()))
    elif last:
        parts.append(_t("due by {last}").format(last=last.isoformat()))
    if values.get("customer_no"):
        parts.append(_t("customer {number}").format(number=values["customer_no"]))
    return _t("Only: {what}").format(what="; ".join(parts)) if parts else ""


def filters_from_query(query: str) -> dict[str, Any]:
    return link_values(query, FILTER_KEYS, {"due_from": iso_date, "due_to": iso_date})


class TaskTableModel(KeysetTableModel):
    """The tasks, paged; an overdue task's row has a red background."""

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == _BACKGROUND:
            r = index.row()
            if 0 <= r < self.rowCount() and self.row_at(r).overdue:
                return QBrush(OVERDUE_BACKGROUND)
            return None
        return super().data(index, role)


class TasksView(PinnedFilters, QWidget):
    """Post-loan tasks in scope, the most urgent first."""

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
        self._filters: dict[str, Any] = dict(DEFAULT_FILTERS)
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
                ("tier", lambda: _t("Tier"), lambda: _t("All tiers")),
                ("branch_code", lambda: _t("Branch"), lambda: _t("All branches")),
                ("manager_no", lambda: _t("Client manager"), lambda: _t("All managers")),
                ("kind", lambda: _t("Kind"), lambda: _t("All kinds")),
            ],
            search_hint=_t("Customer name or number"),
        )
        self.filter_bar.set_choices(
            "status", [(s, task_status_name(s)) for s in ("OPEN", "OVERDUE", "DONE", "REPLACED")]
        )
        self.filter_bar.set_choices("tier", [(t, tier_name(t)) for t in reversed(TIERS)])
        self.filter_bar.set_choices("kind", [(k, kind_name(k)) for k in KINDS])
        self.filter_bar.filters_changed.connect(self._on_filters)
        self.filter_bar.pinned_cleared.connect(self._drop_pinned)
        layout.addWidget(self.filter_bar)
        from data.customers import task_sort_value

        self.model = TaskTableModel(
            self._columns(), keyset=lambda row, key: (task_sort_value(row, key), row.task_no)
        )
        self.model.sort_key = "due_on"
        self.model.descending = False
        from data.customers import task_count, task_page
        from views._paging import PagedList

        self.pages = PagedList(
            self.runner,
            self.model,
            self,
            self._criteria,
            task_page,
            task_count,
            name="tasks",
            counted=self._show_count,
        )
        self.table = list_table(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.model.sort_requested.connect(lambda _k, _d: self.reload())
        self.table.clicked.connect(self._on_clicked)
        self.table.doubleClicked.connect(self._on_double_clicked)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        self.count_label.setContentsMargins(6, 2, 6, 4)
        layout.addWidget(self.count_label)

    def _columns(self) -> list[Column]:
        def status(r: Any) -> str:
            return task_status_name("OVERDUE" if r.overdue else r.status)

        return [
            Column("due", lambda: _t("Due"), lambda r: r.due_on.isoformat(), "due_on", width=90),
            Column(
                "customer",
                lambda: _t("Customer"),
                lambda r: r.customer_name,
                "customer_name",
                width=220,
                tooltip=lambda r: _t("{no} {name}: open the customer").format(
                    no=r.customer_no, name=r.customer_name
                ),
                foreground=lambda _r: _LINK,
            ),
            Column(
                "tier",
                lambda: _t("Tier"),
                lambda r: tier_name(r.tier),
                "tier_rank",
                width=60,
                foreground=lambda r: _TIER_QCOLOURS.get(r.tier, QColor(UNTIERED_COLOUR)),
            ),
            Column("kind", lambda: _t("Kind"), lambda r: kind_name(r.kind), "kind", width=80),
            Column("status", lambda: _t("Status"), status, "status", width=70),
            Column("branch", lambda: _t("Branch"), lambda r: r.branch_name, "branch_name", width=90),
            Column(
                "manager", lambda: _t("Client manager"), lambda r: r.manager_name, "manager_name", width=110
            ),
            Column("closed", lambda: _t("Closed"), lambda r: local_time(r.closed_at), width=120),
            Column("task_no", lambda: _t("Task"), lambda r: r.task_no, "task_no", width=150),
            Column(
                "reason",
                lambda: _t("Reason"),
                lambda r: task_reason_words(r.reason),
                width=300,
                tooltip=lambda r: task_reason_words(r.reason).replace("; ", "\n") or None,
            ),
        ]

    # -- filters and paging -----------------------------------------------------------------

    def _load_choices(self) -> None:
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.customers import task_managers
            from data.queries import filter_choices

            return filter_choices(session, scope)[0], task_managers(session, scope)

        self.runner.read(load, self._show_choices, label="task filter choices", owner=self)

    def _show_choices(self, choices: Any) -> None:
        branches, managers = choices
        self.filter_bar.set_choices("branch_code", [(c.value, c.label) for c in branches])
        self.filter_bar.set_choices("manager_no", [(c.value, c.label) for c in managers])
        self.filter_bar.set_values(self._filters)

    def query(self) -> str:
        return filters_to_query(self._filters)

    def open_query(self, query: str) -> None:
        """Open the list already filtered: ``tasks?status=OVERDUE&branch_code=0311``."""
        self._filters = filters_from_query(query)
        self.filter_bar.set_values(self._filters)
        self.filter_bar.set_pinned(pinned_words(self._filters))
        self.state_changed.emit(self.query())
        self.reload()

    def _filter(self) -> Any:
        from data.customers import TaskFilter

        return TaskFilter(**{k: v for k, v in self._filters.items() if k in FILTER_KEYS})

    def reload(self) -> None:
        self.pages.reload()

    def _criteria(self) -> tuple[Any, Any]:
        return self.user.scope, self._filter()

    def _show_count(self, n: int | None) -> None:
        self.count_label.setText(
            _t("Counting…") if n is None else _t("{n} tasks").format(n=QLocale().toString(n))
        )

    def _on_changed(self, changes: Changes) -> None:
        if changes.tables & {
            "post_loan_tasks",
            "customers",
            "health_scores",
            "inspections",
            "branches",
            "staff",
        }:
            self.reload()

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and self.model.columns()[index.column()].key == "customer":
            self.open_customer(self.model.row_at(index.row()).customer_no)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_customer(self.model.row_at(index.row()).customer_no)

    def open_customer(self, customer_no: str) -> None:
        self.open_requested.emit("customers?" + urlencode({"customer_no": customer_no}))

    def retranslate(self) -> None:
        self.model.retranslate()
        self.filter_bar.set_pinned(pinned_words(self._filters))
