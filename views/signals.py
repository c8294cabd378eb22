"""The risk signals screen: every signal in scope, newest first, filterable by source,
severity, review status, unit and client manager, and by a detected-date range when a
link (a dashboard bar) opened it with one.

A branch approver sees only their branch's customers' signals; signals matched to no
customer only a whole-bank user sees, when they ask for them. A click on a signal's
customer opens the customer's profile, where its signals are reviewed in context; a risk
manager or branch approver may also confirm or dismiss the selected signal here (a write,
audited in the same transaction; the score changes at the next health check).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Preferences
from desktop.tasks import Changes, TaskRunner
from views._links import iso_date, link_values, list_link
from views._signal_review import SignalReviewer
from widgets.choice_bar import ChoiceFilterBar
from widgets.labels import local_time
from widgets.lazy_table import Column, KeysetTableModel, list_table
from widgets.risk_words import review_status_name, signal_type_name, source_name

FILTER_KEYS = (
    "source",
    "severity",
    "status",
    "branch_code",
    "manager_no",
    "unmatched",
    "text",
    "customer_no",
    "date_from",
    "date_to",
)
#: filters a link may set that the bar does not show: kept when the bar changes
KEPT_KEYS = ("customer_no", "date_from", "date_to")
SEVERITY_COLOURS = {4: QColor("#c62828"), 3: QColor("#ef6c00"), 2: QColor("#a67c00"), 1: QColor("#1565c0")}
_LINK = QColor("#1565c0")
_MUTED = QColor("#757575")


def _t(text: str) -> str:
    return QCoreApplication.translate("Signals", text)


def severity_name(severity: int) -> str:
    return {
        4: _t("Red (4)"),
        3: _t("Orange (3)"),
        2: _t("Yellow (2)"),
        1: _t("Blue (1)"),
    }.get(severity, str(severity))


def filters_to_query(values: dict[str, Any]) -> str:
    """The URL-like state of the list: ``signals?source=TAX&date_from=2026-11-02``."""
    return list_link("signals", FILTER_KEYS, values)


def filters_from_query(query: str) -> dict[str, Any]:
    return link_values(
        query,
        FILTER_KEYS,
        {
            "date_from": iso_date,
            "date_to": iso_date,
            "severity": lambda v: v if v.isdigit() else None,
            "unmatched": lambda v: "1" if v in ("1", "true", "yes") else None,
        },
    )


class SignalsView(SignalReviewer, QWidget):
    """Risk signals in scope, the newest first."""

    state_changed = Signal(str)
    open_requested = Signal(str)
    #: a signal review was written (signal id, decision)
    signal_reviewed = Signal(int, str)

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self._filters: dict[str, Any] = {}
        self._build()
        self.filter_bar.set_values(self._filters)
        self.runner.changed.connect(self._on_changed)
        self._load_choices()
        self.reload()

    @property
    def whole_bank(self) -> bool:
        return self.user.scope is None

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        from data.signal_list import REVIEW_STATUSES, SEVERITIES, SIGNAL_SOURCES

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        combos = [
            ("source", lambda: _t("Source"), lambda: _t("All sources")),
            ("severity", lambda: _t("Severity"), lambda: _t("All severities")),
            ("status", lambda: _t("Review"), lambda: _t("All reviews")),
            ("branch_code", lambda: _t("Branch"), lambda: _t("All branches")),
            ("manager_no", lambda: _t("Client manager"), lambda: _t("All managers")),
        ]
        if self.whole_bank:
            combos.append(("unmatched", lambda: _t("Customer"), lambda: _t("Matched")))
        self.filter_bar = ChoiceFilterBar(combos, search_hint=_t("Customer name or number"))
        self.filter_bar.set_choices("source", [(s, source_name(s)) for s in SIGNAL_SOURCES])
        self.filter_bar.set_choices("severity", [(str(n), severity_name(n)) for n in SEVERITIES])
        self.filter_bar.set_choices("status", [(s, review_status_name(s)) for s in REVIEW_STATUSES])
        if self.whole_bank:
            self.filter_bar.set_choices("unmatched", [("1", _t("Not matched"))])
        self.filter_bar.filters_changed.connect(self._on_filters)
        layout.addWidget(self.filter_bar)

        dates = QHBoxLayout()
        dates.setContentsMargins(6, 0, 6, 0)
        self.dates_label = QLabel()
        self.clear_dates_button = QToolButton()
        self.clear_dates_button.setText(_t("Clear dates"))
        self.clear_dates_button.setToolTip(_t("Show signals detected on any date"))
        self.clear_dates_button.clicked.connect(self.clear_dates)
        dates.addWidget(self.dates_label)
        dates.addWidget(self.clear_dates_button)
        dates.addStretch(1)
        self.dates_row = QWidget()
        self.dates_row.setLayout(dates)
        layout.addWidget(self.dates_row)

        from data.signal_list import signal_count, signal_page, signal_sort_value
        from views._paging import PagedList

        self.model = KeysetTableModel(
            self._columns(), keyset=lambda row, key: (signal_sort_value(row, key), row.id)
        )
        self.model.sort_key = "detected_at"
        self.model.descending = True
        self.pages = PagedList(
            self.runner,
            self.model,
            self,
            self._criteria,
            signal_page,
            signal_count,
            name="signals",
            counted=self._show_count,
        )
        self.table = list_table(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.model.sort_requested.connect(lambda _k, _d: self.reload())
        self.table.clicked.connect(self._on_clicked)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_review_buttons())
        self.model.modelReset.connect(self._update_review_buttons)
        layout.addWidget(self.table, 1)

        bottom = QHBoxLayout()
        bottom.setContentsMargins(6, 2, 6, 4)
        self.count_label = QLabel()
        self.confirm_button = QPushButton(_t("Confirm"))
        self.confirm_button.setToolTip(_t("The signal is real: it counts fully at the next health check"))
        self.confirm_button.clicked.connect(lambda: self.review_selected("CONFIRMED"))
        self.dismiss_button = QPushButton(_t("Dismiss…"))
        self.dismiss_button.setToolTip(
            _t("The signal does not apply: it stops counting (a reason is required)")
        )
        self.dismiss_button.clicked.connect(lambda: self.review_selected("DISMISSED"))
        self.review_note = QLabel()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.review_note)
        bottom.addWidget(self.confirm_button)
        bottom.addWidget(self.dismiss_button)
        layout.addLayout(bottom)
        if not self.can_review:
            self.review_note.setText(_t("Read only: your role does not review signals."))
        self._show_dates()
        self._update_review_buttons()

    def _columns(self) -> list[Column]:
        def customer(r: Any) -> str:
            if r.customer_no is None:
                return _t("Not matched ({sent})").format(sent=r.sent_customer_no or r.sent_uscc or "—")
            return str(r.customer_name)

        def customer_tip(r: Any) -> str:
            if r.customer_no is None:
                return _t("Not matched to any customer: the source sent {no} {uscc}").format(
                    no=r.sent_customer_no or "", uscc=r.sent_uscc or ""
                )
            return _t("{no} {name}: open the customer").format(no=r.customer_no, name=r.customer_name)

        def review_tip(r: Any) -> str | None:
            return _t("Reason: {reason}").format(reason=r.review_reason) if r.review_reason else None

        return [
            Column(
                "detected",
                lambda: _t("Detected"),
                lambda r: local_time(r.detected_at),
                "detected_at",
                width=130,
            ),
            Column("source", lambda: _t("Source"), lambda r: source_name(r.source), "source", width=110),
            Column(
                "type",
                lambda: _t("Signal"),
                lambda r: signal_type_name(r.signal_type),
                "signal_type",
                width=170,
            ),
            Column(
                "severity",
                lambda: _t("Severity"),
                lambda r: severity_name(r.severity),
                "severity",
                width=80,
                foreground=lambda r: SEVERITY_COLOURS.get(r.severity),
            ),
            Column(
                "customer",
                lambda: _t("Customer"),
                customer,
                "customer_name",
                width=220,
                tooltip=customer_tip,
                foreground=lambda r: _MUTED if r.customer_no is None else _LINK,
            ),
            Column(
                "title", lambda: _t("Title"), lambda r: r.title, "title", width=220, tooltip=lambda r: r.title
            ),
            Column(
                "status",
                lambda: _t("Review"),
                lambda r: review_status_name(r.status),
                "status",
                width=90,
                tooltip=review_tip,
            ),
            Column(
                "reviewed_by",
                lambda: _t("Reviewed by"),
                lambda r: r.reviewed_by or "",
                "reviewed_by",
                width=90,
                tooltip=review_tip,
            ),
            Column("branch", lambda: _t("Branch"), lambda r: r.branch_name, "branch_name", width=100),
            Column(
                "manager", lambda: _t("Client manager"), lambda r: r.manager_name, "manager_name", width=110
            ),
        ]

    # -- filters and paging -----------------------------------------------------------------

    def _load_choices(self) -> None:
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.customers import customer_managers
            from data.queries import filter_choices

            return filter_choices(session, scope)[0], customer_managers(session, scope)

        self.runner.read(load, self._show_choices, label="signal filter choices", owner=self)

    def _show_choices(self, choices: Any) -> None:
        branches, managers = choices
        self.filter_bar.set_choices("branch_code", [(c.value, c.label) for c in branches])
        self.filter_bar.set_choices("manager_no", [(c.value, c.label) for c in managers])
        self.filter_bar.set_values(self._filters)

    def _on_filters(self, values: dict[str, Any]) -> None:
        kept = {k: v for k, v in self._filters.items() if k in KEPT_KEYS}
        self._filters = {**kept, **{k: v for k, v in values.items() if v}}
        self._changed()

    def _changed(self) -> None:
        self._show_dates()
        self.state_changed.emit(self.query())
        self.reload()

    def query(self) -> str:
        return filters_to_query(self._filters)

    def open_query(self, query: str) -> None:
        """Open the list already filtered, e.g. from a dashboard bar:
        ``signals?source=TAX&branch_code=0311&date_from=2026-11-02&date_to=2026-11-08``."""
        self._filters = filters_from_query(query)
        if not self.whole_bank:
            self._filters.pop("unmatched", None)
        self.filter_bar.set_values(self._filters)
        self._changed()

    def clear_dates(self) -> None:
        """Drop the detected-date range (the other filters stay)."""
        self._filters.pop("date_from", None)
        self._filters.pop("date_to", None)
        self._changed()

    def _show_dates(self) -> None:
        start, end = self._filters.get("date_from"), self._filters.get("date_to")
        if start and end:
            text = _t("Detected {start} – {end}").format(start=start.isoformat(), end=end.isoformat())
        elif start:
            text = _t("Detected on or after {start}").format(start=start.isoformat())
        elif end:
            text = _t("Detected on or before {end}").format(end=end.isoformat())
        else:
            text = ""
        self.dates_label.setText(text)
        self.dates_row.setVisible(bool(text))

    def _filter(self) -> Any:
        from data.signal_list import SignalFilter

        f = self._filters
        severity = f.get("severity")
        return SignalFilter(
            source=f.get("source"),
            severity=int(severity) if severity else None,
            status=f.get("status"),
            branch_code=f.get("branch_code"),
            manager_no=f.get("manager_no"),
            date_from=f.get("date_from"),
            date_to=f.get("date_to"),
            customer_no=f.get("customer_no"),
            text=f.get("text"),
            unmatched=bool(f.get("unmatched")),
        )

    def reload(self) -> None:
        self.pages.reload()

    def _criteria(self) -> tuple[Any, Any]:
        return self.user.scope, self._filter()

    def _show_count(self, n: int | None) -> None:
        self.count_label.setText(
            _t("Counting…") if n is None else _t("{n} signals").format(n=QLocale().toString(n))
        )

    def _on_changed(self, changes: Changes) -> None:
        if changes.tables & {"risk_signals", "customers", "branches", "staff"}:
            self.reload()

    # -- opening the customer ---------------------------------------------------------------

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and self.model.columns()[index.column()].key == "customer":
            self.open_customer(self.model.row_at(index.row()).customer_no)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_customer(self.model.row_at(index.row()).customer_no)

    def open_customer(self, customer_no: str | None) -> None:
        if customer_no:  # an unmatched signal has no customer to open
            self.open_requested.emit("customers?" + urlencode({"customer_no": customer_no}))

    # -- reviewing signals -----------------------------------------------------------------

    def selected_signal(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid() or not (0 <= index.row() < self.model.rowCount()):
            return None
        return self.model.row_at(index.row())

    def retranslate(self) -> None:
        self.model.retranslate()
        self._show_dates()
