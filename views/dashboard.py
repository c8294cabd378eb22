"""The dashboard: risk tiers, signals, tasks and inspections of one organisation unit over
a period, at a glance.

The unit is the bank, a branch, a sub-branch or a client manager, within the user's scope
(a branch approver starts at, and never leaves, their own branch). Clicking a unit's bar
in "tiers per unit" drills down into it; double-clicking opens its customers. Every other
bar, point, cell and card opens the matching list already filtered
(``open_requested``: ``inspections?flag=HIGH&branch_code=…``, ``customers?tier=RED…``,
``tasks?status=OVERDUE…``). One colour a tier everywhere (``widgets.labels.TIER_COLOURS``).

All numbers come from ``data.dashboard.dashboard_data`` on a worker; pyqtgraph is
imported when the screen is first shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Preferences
from desktop.tasks import Changes, Latest, TaskRunner
from views._links import link
from widgets.kpi_card import KpiCard
from widgets.labels import TIER_COLOURS, TIERS, tier_name
from widgets.risk_words import source_name

DEFAULT_WEEKS = 12
#: nine signal sources in colours no tier uses, so a source never reads as a tier
SOURCE_COLOURS = {
    "CREDIT_BUREAU": "#5c6bc0",
    "JUDICIAL": "#8d6e63",
    "BUSINESS_REGISTRY": "#26a69a",
    "TAX": "#ab47bc",
    "ADMIN_PENALTY": "#ec407a",
    "ACCOUNT_FLOW": "#00838f",
    "UTILITIES": "#9e9d24",
    "COLLATERAL": "#6d4c41",
    "PUBLIC_OPINION": "#78909c",
}
TASK_COLOURS = {"DONE": "#26a69a", "OPEN": "#b0bec5", "OVERDUE": "#ad1457"}


def _t(text: str) -> str:
    return QCoreApplication.translate("Dashboard", text)


def task_state_name(state: str) -> str:
    return {"DONE": _t("Done"), "OPEN": _t("Open, not yet due"), "OVERDUE": _t("Overdue")}.get(state, state)


def level_name(level: str) -> str:
    return {
        "HEAD": _t("Bank"),
        "BRANCH": _t("Branch"),
        "SUB": _t("Sub-branch"),
        "MANAGER": _t("Client manager"),
    }.get(level, level)


def yuan_short(value: Any) -> str:
    """A balance as bankers read it: in Chinese 亿元 from a hundred million, else 万元; in
    English millions (or thousands) of yuan."""
    amount = float(value)
    # English readers count in millions; the Chinese UI in 万 and 亿 (its translation loaded)
    if _t("{amount} ten thousand yuan") == "{amount} ten thousand yuan":
        if abs(amount) >= 1e6:
            return _t("CNY {amount} million").format(amount=f"{amount / 1e6:,.1f}")
        return _t("CNY {amount} thousand").format(amount=f"{amount / 1e3:,.0f}")
    if abs(amount) >= 1e8:
        return _t("{amount} hundred million yuan").format(amount=f"{amount / 1e8:,.2f}")
    return _t("{amount} ten thousand yuan").format(amount=f"{amount / 1e4:,.0f}")


def _query(screen: str, **pairs: Any) -> str:
    return link(screen, pairs.items())


class DashboardView(QWidget):
    """KPI cards and five charts for a unit and period, within the user's scope."""

    #: open another screen in a given state, e.g. ``inspections?flag=HIGH&branch_code=0311``
    open_requested = Signal(str)
    #: the unit shown (its key) after a load
    unit_changed = Signal(str)
    loaded = Signal(object)  # the DashboardData shown

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self._latest = Latest()
        self._unit: str | None = None
        self.data: Any = None
        self.charts: dict[str, Any] = {}
        self._period_set = False
        self._build()
        self.runner.changed.connect(self._on_changed)

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.unit_label = QLabel()
        self.unit_box = QComboBox()
        self.unit_box.setMinimumContentsLength(16)
        self.up_button = QPushButton()
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-7 * DEFAULT_WEEKS + 1))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.period_label = QLabel()
        self.to_label = QLabel()
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #607d8b;")
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 2)
        for widget in (
            self.unit_label,
            self.unit_box,
            self.up_button,
            self.period_label,
            self.date_from,
            self.to_label,
            self.date_to,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.status_label)

        self.tier_cards = {t: KpiCard(accent=TIER_COLOURS[t]) for t in TIERS}
        self.signal_card = KpiCard(accent="#5c6bc0")
        self.due_card = KpiCard(accent=TASK_COLOURS["DONE"])
        self.overdue_card = KpiCard(accent=TASK_COLOURS["OVERDUE"])
        self.approval_card = KpiCard(accent="#00897b")
        self.order_card = KpiCard(accent="#6d4c41")
        self.flag_card = KpiCard(accent="#8e24aa")
        tier_row = QHBoxLayout()
        for tier, card in self.tier_cards.items():
            card.clicked.connect(lambda t=tier: self._open_tier(t))
            tier_row.addWidget(card)
        activity_row = QHBoxLayout()
        for card in (
            self.signal_card,
            self.due_card,
            self.overdue_card,
            self.flag_card,
            self.approval_card,
            self.order_card,
        ):
            activity_row.addWidget(card)
        self.approval_card.clicked.connect(self._open_approvals)
        self.order_card.clicked.connect(self._open_orders)
        self.signal_card.clicked.connect(self._open_new_signals)
        self.due_card.clicked.connect(lambda: self._open_tasks("OPEN"))
        self.overdue_card.clicked.connect(lambda: self._open_tasks("OVERDUE", whole_period=False))
        self.flag_card.clicked.connect(self._open_flagged)

        self._charts_grid = QGridLayout()
        self._charts_grid.setSpacing(8)
        body = QWidget()
        body.setObjectName("DashboardBody")
        body.setStyleSheet("QWidget#DashboardBody { background: #f4f6f8; }")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(8, 4, 8, 8)
        inner.setSpacing(8)
        inner.addLayout(tier_row)
        inner.addLayout(activity_row)
        inner.addLayout(self._charts_grid, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)
        self.unit_box.activated.connect(self._on_unit_picked)
        self.up_button.clicked.connect(self.go_up)
        self.date_from.dateChanged.connect(lambda _d: self.reload())
        self.date_to.dateChanged.connect(lambda _d: self.reload())
        self._set_texts()

    def _set_texts(self) -> None:
        self.unit_label.setText(_t("Unit"))
        self.up_button.setText(_t("Up"))
        self.up_button.setToolTip(_t("Show the unit above"))
        self.period_label.setText(_t("Period"))
        self.to_label.setText(_t("to"))
        for tier, card in self.tier_cards.items():
            card.set_title(_t("Tier {tier}").format(tier=tier_name(tier)))
        self.signal_card.set_title(_t("New signals this week"))
        self.due_card.set_title(_t("Tasks due in the period"))
        self.overdue_card.set_title(_t("Overdue tasks"))
        self.flag_card.set_title(_t("Inspections with flags"))
        self.approval_card.set_title(_t("Awaiting approval"))
        self.order_card.set_title(_t("Supervision orders open"))
        titles = {
            "units": (
                _t("Tiers per unit"),
                _t("Click a bar to drill down; double-click to open its customers"),
            ),
            "trend": (_t("Tier trend, last 12 months"), _t("Click a point to open that tier's customers")),
            "migration": (_t("Tier migration: last month → now"), _t("Click a cell to open those customers")),
            "signals": (_t("Risk signals by source, per week"), _t("Click a bar to open those signals")),
            "tasks": (_t("Tasks due in the period, per unit"), _t("Click a bar to open those tasks")),
        }
        for key, (title, hint) in titles.items():
            if key in self.charts:
                self.charts[key].set_title(title, hint)

    def _make_charts(self) -> None:
        from widgets.charts import LineChart, MatrixChart, StackedBarChart

        self.charts = {
            "units": StackedBarChart(double_click=True),
            "trend": LineChart(),
            "migration": MatrixChart(),
            "signals": StackedBarChart(),
            "tasks": StackedBarChart(),
        }
        for key, (row, col, span) in {
            "units": (0, 0, 1),
            "trend": (0, 1, 1),
            "migration": (0, 2, 1),
            "signals": (1, 0, 2),
            "tasks": (1, 2, 1),
        }.items():
            self._charts_grid.addWidget(self.charts[key], row, col, 1, span)
        for col in range(3):
            self._charts_grid.setColumnStretch(col, 1)
        for row in range(2):
            self._charts_grid.setRowStretch(row, 1)
        self.charts["units"].bar_clicked.connect(self._on_unit_bar_clicked)
        self.charts["units"].bar_double_clicked.connect(self._on_unit_bar_double_clicked)
        self.charts["trend"].point_clicked.connect(self._on_trend_clicked)
        self.charts["migration"].cell_clicked.connect(self._on_migration_clicked)
        self.charts["signals"].bar_clicked.connect(self._on_signal_clicked)
        self.charts["tasks"].bar_clicked.connect(self._on_task_clicked)
        self._set_texts()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self.charts:
            self._make_charts()
            self._first_load()

    # -- loading ----------------------------------------------------------------------------

    def _first_load(self) -> None:
        """The period ends on the latest scored date (or today), so a quiet database still
        shows something; then the dashboard loads."""

        def load(session: Any) -> Any:
            from data.health import latest_as_of

            return latest_as_of(session)

        def done(day: Any) -> None:
            if day is not None and not self._period_set:
                self._period_set = True
                self.set_period(day - dt.timedelta(days=7 * DEFAULT_WEEKS - 1), day)
            else:
                self.reload()

        self.runner.read(load, done, label="dashboard period", owner=self)

    def period(self) -> tuple[dt.date, dt.date]:
        start: dt.date = self.date_from.date().toPython()  # type: ignore[assignment]
        end: dt.date = self.date_to.date().toPython()  # type: ignore[assignment]
        return (start, end) if start <= end else (end, start)

    def set_period(self, start: dt.date, end: dt.date) -> None:
        for edit, day in ((self.date_from, start), (self.date_to, end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self.reload()

    def set_unit(self, unit: str | None) -> None:
        """Show another unit (a branch code, or ``sub-branch/employee`` for a manager); one
        outside the scope shows the top of the scope instead."""
        self._unit = unit
        self.reload()

    def go_up(self) -> None:
        if self.data is not None and len(self.data.path) > 1:
            self.set_unit(self.data.path[-2].key)

    def reload(self) -> None:
        if not self.charts:
            return  # not shown yet: the first show loads
        token = self._latest.next()
        scope, unit = self.user.scope, self._unit
        start, end = self.period()
        self.status_label.setText(_t("Loading…"))

        def load(session: Any) -> Any:
            from data.dashboard import dashboard_data

            return dashboard_data(session, scope, unit, start, end)

        def done(data: Any) -> None:
            if self._latest.is_current(token):
                self._show(data)

        self.runner.read(load, done, label="dashboard", owner=self)

    def _on_changed(self, changes: Changes) -> None:
        watched = {"health_scores", "post_loan_tasks", "risk_signals", "inspections", "inspection_flags"}
        if changes.tables & watched:
            self.reload()

    # -- showing ----------------------------------------------------------------------------

    def _show(self, data: Any) -> None:
        self.data = data
        self._unit = data.unit.key
        self._fill_unit_box(data)
        self.up_button.setEnabled(len(data.path) > 1)
        self.status_label.setText(
            _t("Tiers as scored on {date}").format(date=data.as_of.isoformat())
            if data.as_of is not None
            else _t("No health check has been run yet")
        )
        self._show_cards(data)
        self._show_charts(data)
        self.unit_changed.emit(data.unit.key)
        self.loaded.emit(data)

    def _fill_unit_box(self, data: Any) -> None:
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        for depth, unit in enumerate(data.path):
            self.unit_box.addItem("    " * depth + f"{unit.name} · {level_name(unit.level)}", unit.key)
        self.unit_box.setCurrentIndex(len(data.path) - 1)
        depth = len(data.path)
        for unit in data.children:
            self.unit_box.addItem("    " * depth + f"{unit.name} · {level_name(unit.level)}", unit.key)
        self.unit_box.blockSignals(False)

    def _show_cards(self, data: Any) -> None:
        total = sum(t.customers for t in data.tiers) or 1
        for count in data.tiers:
            self.tier_cards[count.tier].set_value(
                f"{count.customers:,}",
                _t("{share} of customers · {balance}").format(
                    share=f"{100 * count.customers / total:.1f}%", balance=yuan_short(count.balance)
                ),
                _t("Open the customers of tier {tier}").format(tier=tier_name(count.tier)),
            )
        self.signal_card.set_value(
            f"{data.new_signals_week:,}",
            _t("detected {start} to {end}").format(
                start=(data.period_end - dt.timedelta(days=6)).strftime("%m-%d"),
                end=data.period_end.strftime("%m-%d"),
            ),
            _t("Open these signals"),
        )
        tasks = data.tasks
        self.due_card.set_value(
            f"{tasks.due:,}",
            _t("{done} done · {open} open · {overdue} late").format(
                done=f"{tasks.done:,}", open=f"{tasks.open:,}", overdue=f"{tasks.overdue:,}"
            ),
            _t("Open the open tasks due in the period"),
        )
        self.overdue_card.set_value(
            f"{data.overdue_tasks:,}",
            _t("open and past their due date"),
            _t("Open the overdue tasks"),
        )
        found = data.inspections
        self.flag_card.set_value(
            f"{found.flagged:,}",
            _t("{high} with a high-severity flag · of {submitted} submitted").format(
                high=f"{found.high:,}", submitted=f"{found.submitted:,}"
            ),
            _t("Open the inspections of the period with a high-severity flag"),
        )
        waiting = data.approvals
        self.approval_card.set_value(
            f"{waiting.waiting:,}",
            _t("{overdue} past the deadline").format(overdue=f"{waiting.overdue:,}"),
            _t("Open the approval queue of this unit"),
        )
        orders = data.orders
        self.order_card.set_value(
            f"{orders.open:,}",
            _t("{overdue} overdue · {answered} answered, to close").format(
                overdue=f"{orders.overdue:,}", answered=f"{orders.answered:,}"
            ),
            _t("Open this unit's supervision orders still to be answered"),
        )

    def _show_charts(self, data: Any) -> None:
        tier_series = [(t, tier_name(t), TIER_COLOURS[t]) for t in TIERS]
        units = data.unit_tiers
        self.charts["units"].set_data(
            [(u.unit.key, u.unit.name) for u in units],
            tier_series,
            [[dict(u.counts)[t] for u in units] for t in TIERS],
            _t("No tiered customers in this unit"),
        )
        self.charts["trend"].set_data(
            [(m.month, m.month) for m in data.trend],
            tier_series,
            [[dict(m.counts)[t] for m in data.trend] for t in TIERS],
            _t("No health check has been run yet"),
        )
        moves = {(m.from_tier, m.to_tier): m.customers for m in data.migration}
        self.charts["migration"].set_data(
            [(t, tier_name(t)) for t in TIERS],
            tier_series,
            [[moves.get((f, t), 0) for t in TIERS] for f in TIERS],
            _t("Last month"),
            _t("Now"),
            _t("Needs health checks in two months"),
        )
        sources = [s.source for s in data.signals]
        self.charts["signals"].set_data(
            [(w.isoformat(), w.strftime("%m-%d")) for w in data.weeks],
            [(s, source_name(s), SOURCE_COLOURS.get(s, "#9e9e9e")) for s in sources],
            [list(s.counts) for s in data.signals],
            _t("No signals in the period"),
        )
        states = ("DONE", "OPEN", "OVERDUE")
        self.charts["tasks"].set_data(
            [(u.unit.key, u.unit.name) for u in data.unit_tasks],
            [(s, task_state_name(s), TASK_COLOURS[s]) for s in states],
            [
                [u.progress.done for u in data.unit_tasks],
                [u.progress.open for u in data.unit_tasks],
                [u.progress.overdue for u in data.unit_tasks],
            ],
            _t("No tasks due in the period"),
        )

    # -- what a click opens -----------------------------------------------------------------

    def _unit_of(self, key: str) -> Any:
        if self.data is None:
            return None
        for unit in (*self.data.path, *self.data.children, *(u.unit for u in self.data.unit_tiers)):
            if unit.key == key:
                return unit
        return None

    def _where(self, unit: Any = None) -> dict[str, str]:
        """The list filters naming a unit: its branch, and for a manager their number."""
        unit = unit or (self.data.unit if self.data is not None else None)
        if unit is None or unit.level == "HEAD":
            return {}  # the whole bank: nothing to narrow
        pairs = {"branch_code": unit.branch_code}
        if unit.manager_no:
            pairs["manager_no"] = unit.manager_no
        return pairs

    def _open(self, query: str) -> None:
        self.open_requested.emit(query)

    def _open_tier(self, tier: str, unit: Any = None) -> None:
        self._open(_query("customers", tier=tier, **self._where(unit)))

    def _open_new_signals(self) -> None:
        _start, end = self.period()
        self._open(_query("signals", **self._where(), date_from=end - dt.timedelta(days=6), date_to=end))

    def _open_tasks(self, status: str, unit: Any = None, whole_period: bool = True) -> None:
        start, end = self.period()
        dates = {"due_from": start, "due_to": end} if whole_period else {}
        self._open(_query("tasks", status=status, **self._where(unit), **dates))

    def _open_approvals(self) -> None:
        self._open(_query("approvals", **self._where()))

    def _open_orders(self) -> None:
        self._open(_query("orders", status="OPEN", **self._where()))

    def _open_flagged(self) -> None:
        start, end = self.period()
        where = self._where()
        unit = self.data.unit if self.data is not None else None
        # the inspections list filters by branch and inspector, not by client manager:
        # a manager's inspections are the ones they made
        pairs = {"flag": "HIGH", "branch_code": where.get("branch_code", "")}
        if unit is not None and unit.manager_no:
            pairs["inspector_no"] = unit.manager_no
        self._open(_query("inspections", **pairs, date_from=start, date_to=end))

    def _on_unit_picked(self, index: int) -> None:
        self.set_unit(self.unit_box.itemData(index))

    def _on_unit_bar_clicked(self, unit_key: str, tier: str) -> None:
        unit = self._unit_of(unit_key)
        if unit is not None and unit.level != "MANAGER":
            self.set_unit(unit_key)  # drill down
        else:
            self._open_tier(tier, unit)

    def _on_unit_bar_double_clicked(self, unit_key: str, tier: str) -> None:
        self._open_tier(tier, self._unit_of(unit_key))

    def _on_trend_clicked(self, month: str, tier: str) -> None:
        day = next((m.as_of for m in self.data.trend if m.month == month), None) if self.data else None
        self._open(_query("customers", tier=tier, **self._where(), as_of=day))

    def _on_migration_clicked(self, from_tier: str, to_tier: str) -> None:
        self._open(
            _query(
                "customers",
                tier=to_tier,
                previous_tier=from_tier,
                **self._where(),
                as_of=self.data.as_of if self.data else None,
                previous_as_of=self.data.previous_as_of if self.data else None,
            )
        )

    def _on_signal_clicked(self, week: str, source: str) -> None:
        first = dt.date.fromisoformat(week)
        _start, end = self.period()
        last = min(first + dt.timedelta(days=6), end)
        self._open(_query("signals", source=source, **self._where(), date_from=first, date_to=last))

    def _on_task_clicked(self, unit_key: str, state: str) -> None:
        self._open_tasks(state, self._unit_of(unit_key), whole_period=True)

    def retranslate(self) -> None:
        self._set_texts()
        if self.data is not None:
            self._show(self.data)
