"""The customers screen: every customer in scope in a lazily paged table, and the profile
of the selected one (summary with the score explained in words, loans with their
classification history, the score trend, the signal timeline where an approver confirms or
dismisses each signal, inspections, open tasks, and the location: the registered place in
its tier colour and the check-ins of the recent inspections on a map, which starts
QtWebEngine only when that tab is first shown).

Every database read goes through the task runner; answers to superseded requests are
dropped. Reviewing a signal is a write (audited in the same transaction); the score
changes at the next health check.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any
from urllib.parse import urlencode

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Preferences, map_tile_provider
from desktop.tasks import Changes, Latest, TaskRunner
from views._links import PinnedFilters, iso_date, link_values, list_link
from views._signal_review import SignalReviewer
from widgets.choice_bar import ChoiceFilterBar
from widgets.labels import (
    TIER_COLOURS,
    TIERS,
    UNTIERED_COLOUR,
    classification_name,
    kind_name,
    local_time,
    money,
    opinion_name,
    tier_name,
)
from widgets.lazy_table import Column, KeysetTableModel, list_table
from widgets.risk_words import (
    breakdown_lines,
    issue_name,
    points_text,
    review_status_name,
    signal_type_name,
    source_name,
    task_reason_words,
)

FILTER_KEYS = (
    "tier",
    "branch_code",
    "manager_no",
    "text",
    "customer_no",
    "as_of",
    "previous_tier",
    "previous_as_of",
)
#: narrowing a link opens the list with that the drop-downs do not show
PINNED_KEYS = ("customer_no", "as_of", "previous_tier", "previous_as_of")
_DATE_KEYS = ("as_of", "previous_as_of")
UNMASK_ROLES = ("HEAD_RISK", "AUDITOR")  # as data.unmask.UNMASK_ROLES, which decides
_TIER_QCOLOURS = {k: QColor(v) for k, v in TIER_COLOURS.items()}
_LATE = QColor("#c62828")


def _t(text: str) -> str:
    return QCoreApplication.translate("Customers", text)


def filters_to_query(values: dict[str, Any]) -> str:
    """The URL-like state of the list: ``customers?tier=RED&branch_code=0311``."""
    return list_link("customers", FILTER_KEYS, values)


def filters_from_query(query: str) -> dict[str, Any]:
    return link_values(query, FILTER_KEYS, dict.fromkeys(_DATE_KEYS, iso_date))


def pinned_words(values: dict[str, Any]) -> str:
    """The narrowing a link opened the list with, in words (empty: none)."""
    parts = []
    if values.get("as_of"):
        parts.append(
            _t("Tiers and scores of the health check on {date}").format(date=values["as_of"].isoformat())
        )
    if values.get("previous_tier"):
        then = values.get("previous_as_of")
        parts.append(
            _t("tier {tier} on {date}").format(tier=tier_name(values["previous_tier"]), date=then.isoformat())
            if then
            else _t("tier {tier} at the check before").format(tier=tier_name(values["previous_tier"]))
        )
    if values.get("customer_no"):
        parts.append(_t("customer {number}").format(number=values["customer_no"]))
    return _t("Only: {what}").format(what="; ".join(parts)) if parts else ""


class CustomersView(SignalReviewer, PinnedFilters, QWidget):
    """Customers in scope, riskiest first, and the profile of one."""

    pinned_keys = PINNED_KEYS

    customer_selected = Signal(str)
    state_changed = Signal(str)
    open_requested = Signal(str)
    #: a signal review was written (signal id, decision)
    signal_reviewed = Signal(int, str)
    #: one field of a customer was unmasked, audited (customer number, field)
    unmasked = Signal(str, str)

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self._profile_latest = Latest()
        self._filters: dict[str, Any] = {}
        self.profile: Any = None
        self._plot: Any = None
        self.map: Any = None  # QtWebEngine starts when the Location tab is first shown
        self._map_customer: str | None = None  # whose points the map shows (fit on a change)
        self._masked_id = ""  # the profile's legal representative ID, masked
        self._revealed: dict[str, str] = {}  # field -> the full value unmasked for this profile
        self._build()
        self.runner.changed.connect(self._on_changed)
        self._load_choices()
        self.reload()

    @property
    def may_unmask(self) -> bool:
        """Head-office risk managers and auditors may unmask one record's personal data, for
        a reason, audited (data.unmask)."""
        return bool(self.user.role in UNMASK_ROLES)

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.filter_bar = ChoiceFilterBar(
            [
                ("tier", lambda: _t("Tier"), lambda: _t("All tiers")),
                ("branch_code", lambda: _t("Branch"), lambda: _t("All branches")),
                ("manager_no", lambda: _t("Client manager"), lambda: _t("All managers")),
            ],
            search_hint=_t("Customer name or number"),
        )
        self.filter_bar.set_choices(
            "tier", [*((t, tier_name(t)) for t in reversed(TIERS)), ("NONE", tier_name(None))]
        )
        self.filter_bar.filters_changed.connect(self._on_filters)
        self.filter_bar.pinned_cleared.connect(self._drop_pinned)
        layout.addWidget(self.filter_bar)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        from data.customers import customer_sort_value

        self.model = KeysetTableModel(
            self._columns(), keyset=lambda row, key: (customer_sort_value(row, key), row.customer_no)
        )
        self.model.sort_key = "score"
        from data.customers import customer_count, customer_page
        from views._paging import PagedList

        self.pages = PagedList(
            self.runner,
            self.model,
            self,
            self._criteria,
            customer_page,
            customer_count,
            name="customers",
            counted=self._show_count,
            first_page=self._on_first_page,
        )
        self.table = list_table(self.model)
        self.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        self.model.sort_requested.connect(lambda _k, _d: self.reload())
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_profile())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        self.count_label = QLabel()
        self.count_label.setContentsMargins(6, 2, 6, 4)
        layout.addWidget(self.count_label)

    def _columns(self) -> list[Column]:
        def next_due(r: Any) -> str:
            return r.next_due.isoformat() if r.next_due else ""

        return [
            Column("customer_no", lambda: _t("Number"), lambda r: r.customer_no, "customer_no", width=85),
            Column(
                "name",
                lambda: _t("Customer"),
                lambda r: r.name,
                "name",
                width=200,
                tooltip=lambda r: f"{r.customer_no} {r.name}",
            ),
            Column(
                "tier",
                lambda: _t("Tier"),
                lambda r: tier_name(r.tier),
                width=60,
                foreground=lambda r: _TIER_QCOLOURS.get(r.tier or "", QColor(UNTIERED_COLOUR)),
            ),
            Column(
                "score",
                lambda: _t("Score"),
                lambda r: "" if r.score is None else points_text(r.score),
                "score",
                numeric=True,
                width=60,
            ),
            Column(
                "balance",
                lambda: _t("Balance"),
                lambda r: money(r.balance),
                "balance",
                numeric=True,
                width=110,
            ),
            Column(
                "signals",
                lambda: _t("Signals"),
                lambda r: f"{r.signals} ({r.new_signals})" if r.new_signals else str(r.signals),
                "signals",
                numeric=True,
                width=70,
                tooltip=lambda r: _t("{n} signals count, {new} of them not reviewed").format(
                    n=r.signals, new=r.new_signals
                ),
            ),
            Column(
                "last_inspection",
                lambda: _t("Last inspection"),
                lambda r: local_time(r.last_inspection)[:10],
                "last_inspection",
                width=95,
            ),
            Column(
                "next_due",
                lambda: _t("Next task due"),
                next_due,
                "next_due",
                width=95,
                foreground=lambda r: _LATE if r.overdue else None,
                tooltip=lambda r: _t("Overdue") if r.overdue else None,
            ),
            Column("branch", lambda: _t("Branch"), lambda r: r.branch_name, "branch_name", width=90),
            Column(
                "manager", lambda: _t("Client manager"), lambda r: r.manager_name, "manager_name", width=80
            ),
        ]

    def _build_profile(self) -> QWidget:
        tabs = QTabWidget()
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        self.summary.anchorClicked.connect(self._on_summary_link)
        tabs.addTab(self.summary, _t("Summary"))
        self.loans = QTreeWidget()
        self.loans.setHeaderLabels(
            [_t("Loan / as of"), _t("Classification"), _t("Days past due"), _t("Balance"), _t("Matures")]
        )
        self.loans.setColumnWidth(0, 170)
        tabs.addTab(self.loans, _t("Loans"))
        self.trend_tab = QWidget()
        trend_layout = QVBoxLayout(self.trend_tab)
        trend_layout.setContentsMargins(0, 0, 0, 0)
        self.trend_note = QLabel()
        trend_layout.addWidget(self.trend_note)
        tabs.addTab(self.trend_tab, _t("Score trend"))
        signals = QWidget()
        sl = QVBoxLayout(signals)
        sl.setContentsMargins(0, 0, 0, 0)
        self.signals = QTreeWidget()
        self.signals.setHeaderLabels(
            [_t("Detected"), _t("Signal"), _t("Severity"), _t("Review"), _t("Title")]
        )
        self.signals.setRootIsDecorated(False)
        self.signals.setColumnWidth(0, 120)
        self.signals.setColumnWidth(1, 200)
        self.signals.setColumnWidth(2, 50)
        self.signals.setColumnWidth(3, 90)
        self.signals.currentItemChanged.connect(lambda *_a: self._update_review_buttons())
        sl.addWidget(self.signals, 1)
        buttons = QHBoxLayout()
        self.confirm_button = QPushButton(_t("Confirm"))
        self.confirm_button.setToolTip(_t("The signal is real: it counts fully at the next health check"))
        self.confirm_button.clicked.connect(lambda: self.review_selected("CONFIRMED"))
        self.dismiss_button = QPushButton(_t("Dismiss…"))
        self.dismiss_button.setToolTip(
            _t("The signal does not apply: it stops counting (a reason is required)")
        )
        self.dismiss_button.clicked.connect(lambda: self.review_selected("DISMISSED"))
        self.review_note = QLabel()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.review_note, 1)
        sl.addLayout(buttons)
        if not self.can_review:
            self.review_note.setText(_t("Read only: your role does not review signals."))
        tabs.addTab(signals, _t("Signals"))
        self.inspections = QTreeWidget()
        self.inspections.setHeaderLabels([_t("Submitted"), _t("Kind"), _t("Inspector"), _t("Opinion")])
        self.inspections.setRootIsDecorated(False)
        self.inspections.setColumnWidth(0, 130)
        self.inspections.itemActivated.connect(self._open_inspection)
        self.inspections.itemClicked.connect(self._open_inspection)
        tabs.addTab(self.inspections, _t("Inspections"))
        self.tasks = QTreeWidget()
        self.tasks.setHeaderLabels([_t("Due"), _t("Kind"), _t("Tier"), _t("Assignee"), _t("Reason")])
        self.tasks.setRootIsDecorated(False)
        tabs.addTab(self.tasks, _t("Open tasks"))
        self.location_tab = QWidget()
        location_layout = QVBoxLayout(self.location_tab)
        location_layout.setContentsMargins(0, 0, 0, 0)
        self.location_note = QLabel()
        self.location_note.setWordWrap(True)
        self.location_note.setContentsMargins(6, 4, 6, 4)
        self.location_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        location_layout.addWidget(self.location_note)
        tabs.addTab(self.location_tab, _t("Location"))
        tabs.currentChanged.connect(lambda _i: self._on_tab())
        self.order_button: QPushButton | None = None
        if self.user.role == "HEAD_RISK":
            self.order_button = QPushButton(_t("Supervision order…"))
            self.order_button.setToolTip(_t("Order the branch to act on this customer"))
            self.order_button.setEnabled(False)
            self.order_button.clicked.connect(self._order_customer)
            tabs.setCornerWidget(self.order_button, Qt.Corner.TopRightCorner)
        self.tabs = tabs
        self._update_review_buttons()
        self.summary.setHtml(html.escape(_t("Pick a customer in the list.")))
        return tabs

    # -- filters and paging -----------------------------------------------------------------

    def _load_choices(self) -> None:
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.customers import customer_managers
            from data.queries import filter_choices

            return filter_choices(session, scope)[0], customer_managers(session, scope)

        self.runner.read(load, self._show_choices, label="customer filter choices", owner=self)

    def _show_choices(self, choices: Any) -> None:
        branches, managers = choices
        self.filter_bar.set_choices("branch_code", [(c.value, c.label) for c in branches])
        self.filter_bar.set_choices("manager_no", [(c.value, c.label) for c in managers])
        self.filter_bar.set_values(self._filters)

    def query(self) -> str:
        return filters_to_query(self._filters)

    def open_query(self, query: str) -> None:
        """Open the list already filtered: ``customers?tier=RED&branch_code=0311``;
        ``customer_no=...`` also opens that customer's profile."""
        self._filters = filters_from_query(query)
        self.filter_bar.set_values(self._filters)
        self.filter_bar.set_pinned(pinned_words(self._filters))
        self.state_changed.emit(self.query())
        self.reload()
        if self._filters.get("customer_no"):
            self.show_customer(self._filters["customer_no"])

    def _filter(self) -> Any:
        from data.customers import CustomerFilter

        return CustomerFilter(**{k: v for k, v in self._filters.items() if k in FILTER_KEYS})

    def reload(self) -> None:
        self.pages.reload()

    def _criteria(self) -> tuple[Any, Any]:
        return self.user.scope, self._filter()

    def _show_count(self, n: int | None) -> None:
        self.count_label.setText(
            _t("Counting…") if n is None else _t("{n} customers").format(n=QLocale().toString(n))
        )

    def _on_first_page(self, rows: Any) -> None:
        if rows and not self.table.currentIndex().isValid() and self.profile is None:
            self.table.selectRow(0)

    def _on_changed(self, changes: Changes) -> None:
        # a signal review changes the counts in the list and the profile's timeline
        watched = {"customers", "loans", "health_scores", "post_loan_tasks", "inspections", "risk_signals"}
        if changes.tables & (watched | {"branches", "staff"}):
            self.reload()
        if self.profile is not None and changes.tables & watched:
            self.show_customer(self.profile.customer_no)

    # -- the profile -----------------------------------------------------------------------

    def _order_customer(self) -> None:
        if self.profile is not None:
            self.open_requested.emit(
                "orders?" + urlencode({"new": 1, "customer_no": self.profile.customer_no})
            )

    def _on_row(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            return
        row = self.model.row_at(current.row())
        if self.profile is not None and self.profile.customer_no == row.customer_no:
            return
        self.customer_selected.emit(row.customer_no)
        self.show_customer(row.customer_no)

    def show_customer(self, customer_no: str) -> None:
        token = self._profile_latest.next()
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.customers import customer_profile
            from data.unmask import masked

            profile = customer_profile(session, customer_no, scope)
            return profile, masked(session, scope, "customer", customer_no, "legal_rep_id")

        def done(answer: Any) -> None:
            if self._profile_latest.is_current(token):
                profile, self._masked_id = answer
                self._show_profile(profile)

        def failed(error: BaseException) -> None:
            from data.errors import NotFound

            if not self._profile_latest.is_current(token):
                return
            if isinstance(error, NotFound):
                self.profile = None
                if self.order_button is not None:
                    self.order_button.setEnabled(False)
                self.summary.setHtml(html.escape(_t("Customer {no} was not found.").format(no=customer_no)))
                return
            self.runner.report_error(error)

        self.runner.read(load, done, failed, label="customer profile", owner=self)

    def _show_profile(self, p: Any) -> None:
        if self.profile is None or self.profile.customer_no != p.customer_no:
            self._revealed = {}  # an unmasked value shows until the profile changes
        self.profile = p
        if self.order_button is not None:
            self.order_button.setEnabled(True)
        self._show_summary(p)
        self._show_loans(p)
        self._show_signals(p)
        self._show_inspections(p)
        self._show_tasks(p)
        self._show_trend()
        self._show_location()

    def _personal(self, field: str, masked_value: str) -> str:
        """A personal-data cell: the masked value, or the full one this profile unmasked,
        with a "Show…" link for the roles that may unmask (data.unmask)."""
        e = html.escape
        if field in self._revealed:
            return f"<b>{e(self._revealed[field])}</b>"
        if not masked_value or not self.may_unmask:
            return e(masked_value)
        link = f"<a href='unmask:{field}'>{e(_t('Show…'))}</a>"
        return f"{e(masked_value)}&nbsp;&nbsp;{link}"

    def _show_summary(self, p: Any) -> None:
        e = html.escape
        latest = p.latest
        colour = TIER_COLOURS.get(latest.tier if latest else "", UNTIERED_COLOUR)
        tier = tier_name(latest.tier if latest else None)
        parts = [
            f"<h3>{e(p.name)} <span style='color:#666;font-weight:normal'>{e(p.customer_no)}</span></h3>",
            f"<p><span style='background:{colour};color:white;padding:2px 8px;font-weight:bold'>"
            f"&nbsp;{e(tier)}&nbsp;</span>&nbsp; ",
        ]
        if latest is not None:
            parts.append(
                e(
                    _t("Score {score} on {date} (model v{version})").format(
                        score=points_text(latest.score),
                        date=latest.as_of.isoformat(),
                        version=latest.model_version,
                    )
                )
            )
        else:
            parts.append(e(_t("Not scored by a health check yet")))
        parts.append("</p>")
        if latest is not None:
            parts.append(f"<h4>{e(_t('Why'))}</h4><ul>")
            parts += [
                f"<li>{e(line.strip().lstrip('· '))}</li>"
                if not line.startswith("  ")
                else f"<li style='margin-left:16px;color:#444'>{e(line.strip().lstrip('· '))}</li>"
                for line in breakdown_lines(dict(latest.breakdown))
            ]
            parts.append("</ul>")
        if p.issues:
            parts.append(f"<h4>{e(_t('Open issues'))}</h4><ul>")
            parts += [
                f"<li>{e(issue_name(i.code))}{e(' · ' + i.loan_no if i.loan_no else '')} "
                f"({e(_t('since {date}').format(date=i.first_seen_on.isoformat()))})</li>"
                for i in p.issues
            ]
            parts.append("</ul>")
        balance = sum((ln.balance for ln in p.loans), start=0)
        rows = [
            (_t("Branch"), p.branch_name),
            (_t("Client manager"), f"{p.manager_name} {p.manager_no}"),
            (_t("Outstanding"), money(balance)),
            (_t("USCC"), p.uscc),
            (_t("Legal representative"), p.legal_rep),
        ]
        personal = [
            (_t("Legal representative ID"), self._personal("legal_rep_id", self._masked_id)),
            (_t("Phone"), self._personal("phone", p.phone)),
        ]
        more = [
            (_t("Address"), p.address),
            (
                _t("Location"),
                f"{p.lat:.6f}, {p.lon:.6f} (WGS-84)" if p.lat is not None and p.lon is not None else "—",
            ),
        ]
        cells = [(k, e(v)) for k, v in rows] + personal + [(k, e(v)) for k, v in more]
        parts.append("<table cellspacing='4'>")
        parts += [f"<tr><td style='color:#555'>{e(k)}</td><td>{v}</td></tr>" for k, v in cells]
        parts.append("</table>")
        self.summary.setHtml("".join(parts))

    def _show_loans(self, p: Any) -> None:
        self.loans.clear()
        for ln in p.loans:
            item = QTreeWidgetItem(
                self.loans,
                [
                    f"{ln.loan_no} {ln.product}",
                    classification_name(ln.classification),
                    str(ln.overdue_days),
                    money(ln.balance),
                    ln.maturity_on.isoformat(),
                ],
            )
            item.setToolTip(
                0,
                _t("Amount {amount}, disbursed {date}, rate {rate}").format(
                    amount=money(ln.amount), date=ln.disbursed_on.isoformat(), rate=ln.rate
                ),
            )
            previous = None
            for snap in reversed(ln.history):
                changed = previous is not None and previous != snap.classification
                child = QTreeWidgetItem(
                    [
                        snap.as_of.isoformat(),
                        classification_name(snap.classification),
                        str(snap.overdue_days),
                        money(snap.balance),
                        "",
                    ]
                )
                if changed:
                    child.setForeground(1, QBrush(_LATE))
                item.insertChild(0, child)
                previous = snap.classification
            item.setExpanded(True)

    def _show_signals(self, p: Any) -> None:
        self.signals.clear()
        for s in p.signals:
            review = review_status_name(s.status)
            item = QTreeWidgetItem(
                self.signals,
                [
                    local_time(s.detected_at),
                    f"{source_name(s.source)} · {signal_type_name(s.type)}",
                    str(s.severity),
                    review,
                    s.title,
                ],
            )
            item.setData(0, Qt.ItemDataRole.UserRole, s.id)
            tip = [s.title, s.detail]
            if s.status != "NEW":
                tip.append(
                    _t("{status} by {who} at {when}").format(
                        status=review, who=s.reviewed_by or "", when=local_time(s.reviewed_at)
                    )
                )
                if s.review_reason:
                    tip.append(_t("Reason: {reason}").format(reason=s.review_reason))
            item.setToolTip(3, "\n".join(t for t in tip if t))
            item.setToolTip(4, "\n".join(t for t in tip if t))
            if s.status == "DISMISSED":
                for col in range(5):
                    item.setForeground(col, QBrush(QColor("#9e9e9e")))
            elif s.status == "CONFIRMED":
                item.setForeground(3, QBrush(_LATE))
        self._update_review_buttons()

    def _show_inspections(self, p: Any) -> None:
        self.inspections.clear()
        for v in p.inspections:
            item = QTreeWidgetItem(
                self.inspections,
                [local_time(v.submitted_at), kind_name(v.kind), v.inspector_name, opinion_name(v.opinion)],
            )
            item.setData(0, Qt.ItemDataRole.UserRole, v.id)
            item.setToolTip(0, _t("Open this inspection"))

    def _show_tasks(self, p: Any) -> None:
        self.tasks.clear()
        for t in p.tasks:
            item = QTreeWidgetItem(
                self.tasks,
                [t.due_on.isoformat(), kind_name(t.kind), tier_name(t.tier), t.assignee_name, t.reason],
            )
            item.setForeground(2, QBrush(_TIER_QCOLOURS.get(t.tier, QColor(UNTIERED_COLOUR))))
            item.setToolTip(4, task_reason_words(t.reason).replace("; ", "\n"))
            if t.overdue:
                item.setForeground(0, QBrush(_LATE))
                item.setToolTip(0, _t("Overdue"))

    def _show_trend(self) -> None:
        if self.tabs.currentWidget() is not self.trend_tab:
            return
        p = self.profile
        points = list(reversed(p.scores)) if p is not None else []
        if len(points) < 2:
            self.trend_note.setText(
                _t("One health check so far: the trend shows from the second.") if points else ""
            )
        else:
            self.trend_note.setText("")
        import pyqtgraph as pg

        if self._plot is None:
            self._plot = pg.PlotWidget(background="w")
            self._plot.showGrid(x=False, y=True, alpha=0.3)
            self._plot.setLabel("left", _t("Score"))
            self._plot.setAxisItems({"bottom": pg.DateAxisItem()})
            self.trend_tab.layout().addWidget(self._plot, 1)
        self._plot.clear()
        if not points:
            return

        xs = [dt.datetime.combine(s.as_of, dt.time(12), dt.UTC).timestamp() for s in points]
        ys = [s.score for s in points]
        self._plot.plot(xs, ys, pen=pg.mkPen("#546e7a", width=2))
        brushes = [pg.mkBrush(TIER_COLOURS.get(s.tier, UNTIERED_COLOUR)) for s in points]
        self._plot.plot(xs, ys, pen=None, symbol="o", symbolSize=9, symbolBrush=brushes, symbolPen=None)

    # -- the location ----------------------------------------------------------------------

    def _on_tab(self) -> None:
        self._show_trend()
        self._show_location()

    def _location_points(self, p: Any) -> tuple[list[Any], list[Any]]:
        """The registered place (in the customer's tier colour) and the recent check-ins."""
        from views.maps import CHECKIN_COLOURS
        from widgets.map_scene import MapPoint

        place = []
        if p.lat is not None and p.lon is not None:
            tier = p.latest.tier if p.latest else None
            place.append(
                MapPoint(
                    p.customer_no,
                    p.lat,
                    p.lon,
                    TIER_COLOURS.get(tier or "", UNTIERED_COLOUR),
                    f"{p.name}\n{p.customer_no} · {p.address}\n{_t('Risk tier')}: {tier_name(tier)}",
                    "customer",
                )
            )
        checkins = [
            MapPoint(
                v.id,
                v.checkin_lat,
                v.checkin_lon,
                CHECKIN_COLOURS[None],
                f"{kind_name(v.kind)} · {v.inspector_name} · {local_time(v.submitted_at)}\n"
                f"{_t('Opinion')}: {opinion_name(v.opinion)}\n{_t('Click to open this inspection')}",
                "inspection",
            )
            for v in reversed(p.inspections)  # the newest drawn last, on top
            if v.checkin_lat is not None and v.checkin_lon is not None
        ]
        return place, checkins

    def _show_location(self) -> None:
        """Draw the profile's places, creating the map the first time the tab is shown."""
        if self.tabs.currentWidget() is not self.location_tab:
            return
        p = self.profile
        if p is None:
            self.location_note.setText(_t("Pick a customer in the list."))
            if self.map is not None:
                self.map.hide()
            return
        place, checkins = self._location_points(p)
        if not place and not checkins:
            self.location_note.setText(
                _t(
                    "{name} has no coordinates: neither the registered place nor any recent check-in has a location."
                ).format(name=p.name)
            )
            if self.map is not None:
                self.map.hide()
            return
        notes = []
        if place:
            notes.append(_t("Registered place: {lat:.6f}, {lon:.6f} (WGS-84).").format(lat=p.lat, lon=p.lon))
        else:
            notes.append(_t("The registered place has no coordinates."))
        notes.append(
            _t("{n} check-ins of recent inspections: click one to open the inspection.").format(
                n=len(checkins)
            )
        )
        self.location_note.setText(" ".join(notes))
        if self.map is None:
            from views._scenes import wgs84_to
            from widgets.map_view import MapView

            self.map = MapView(map_tile_provider(self.prefs), wgs84_to)
            self.map.customer_clicked.connect(self._open_customer_inspections)
            self.map.inspection_clicked.connect(self._open_checkin)
            self.location_tab.layout().addWidget(self.map, 1)
        self._set_location_legend()
        self.map.show()
        self.map.set_points("customer", place)
        self.map.set_points("checkins", checkins)
        if self._map_customer != p.customer_no:
            self._map_customer = p.customer_no
            self.map.fit_to_points()

    def _set_location_legend(self) -> None:
        from views.maps import CHECKIN_COLOURS
        from widgets.map_scene import LegendEntry

        tier = self.profile.latest.tier if self.profile is not None and self.profile.latest else None
        self.map.set_legend(
            [
                LegendEntry(
                    _t("Registered place, tier {tier}").format(tier=tier_name(tier)),
                    TIER_COLOURS.get(tier or "", UNTIERED_COLOUR),
                ),
                LegendEntry(_t("Check-in of an inspection"), CHECKIN_COLOURS[None]),
            ],
            _t("Legend"),
        )

    def _open_customer_inspections(self, customer_no: str) -> None:
        self.open_requested.emit("inspections?" + urlencode({"customer_no": customer_no}))

    def _open_checkin(self, inspection_id: int) -> None:
        if self.profile is None or inspection_id not in {v.id for v in self.profile.inspections}:
            return
        self.open_requested.emit(
            "inspections?" + urlencode({"customer_no": self.profile.customer_no, "inspection": inspection_id})
        )

    def refresh_map_provider(self) -> None:
        """The map settings changed: redraw with the new tile provider."""
        if self.map is not None:
            self.map.set_provider(map_tile_provider(self.prefs))

    # -- reviewing signals -----------------------------------------------------------------

    # -- personal data ---------------------------------------------------------------------

    def _on_summary_link(self, url: QUrl) -> None:
        if url.scheme() == "unmask":
            self.unmask_selected(url.path())

    def ask_unmask_reason(self, field: str) -> str | None:
        """Why the full value is needed (None: cancelled)."""
        what = _t("ID number") if field == "legal_rep_id" else _t("phone number")
        text, ok = QInputDialog.getText(
            self,
            _t("Show personal data"),
            _t("Why do you need the full {what}? (required; recorded in the audit trail)").format(what=what),
        )
        if not ok:
            return None
        return str(text).strip()

    def unmask_selected(self, field: str) -> None:
        """Ask a reason, then show the full value of ``field`` for this profile only."""
        if self.profile is None or not self.may_unmask:
            return
        reason = self.ask_unmask_reason(field)
        while reason is not None and not reason:
            reason = self.ask_unmask_reason(field)
        if reason is None:
            return
        self.unmask(field, reason)

    def unmask(self, field: str, reason: str) -> None:
        """Read the full value (a write: audited in the same transaction) and show it until
        the profile changes."""
        if self.profile is None:
            return
        user, customer_no = self.user, self.profile.customer_no

        def write(session: Any) -> Any:
            from data.unmask import unmask

            value = unmask(session, user, "customer", customer_no, field, reason)
            return value, Changes(frozenset({"audit_events"}), (customer_no,), "unmask personal data")

        def done(value: Any) -> None:
            if self.profile is not None and self.profile.customer_no == customer_no:
                self._revealed[field] = str(value)
                self._show_summary(self.profile)
                self.unmasked.emit(customer_no, field)

        self.runner.write(write, done, label="unmask personal data", owner=self)

    def selected_signal(self) -> Any:
        item = self.signals.currentItem()
        if item is None or self.profile is None:
            return None
        signal_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((s for s in self.profile.signals if s.id == signal_id), None)

    def _open_inspection(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        inspection_id = item.data(0, Qt.ItemDataRole.UserRole)
        if self.profile is None or inspection_id is None:
            return
        self.open_requested.emit(
            "inspections?" + urlencode({"customer_no": self.profile.customer_no, "inspection": inspection_id})
        )

    def retranslate(self) -> None:
        self.model.retranslate()
        self.filter_bar.set_pinned(pinned_words(self._filters))
        self._show_location()
