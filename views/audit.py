"""The audit trail screen: every audited event, newest first, filterable by actor, action,
entity and Beijing day; the hash chain's verification status above it; a CSV export of
every matching event (not only the loaded pages), safe to open in a spreadsheet.

Who sees what is decided in ``data.audit_trail`` (auditors, head-office risk managers and
administrators see the whole trail; anyone else only their own events); the shell offers
this screen to those three roles. Every read runs on a worker; verifying the chain walks
the whole table, so it runs once when the screen opens and again on request, not after
every change.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Preferences
from desktop.tasks import Changes, Latest, TaskRunner
from views._links import PinnedFilters, iso_date, link_values, list_link
from widgets.choice_bar import ChoiceFilterBar
from widgets.lazy_table import Column, KeysetTableModel, list_table
from widgets.optional_date import OptionalDateEdit

FILTER_KEYS = ("actor", "action", "entity_type", "entity_id", "time_from", "time_to", "text")
#: narrowing a link opens the list with that the drop-downs do not show
PINNED_KEYS = ("entity_id",)
_DATE_KEYS = ("time_from", "time_to")
_BEIJING = dt.timezone(dt.timedelta(hours=8))
_LINK = QColor("#1565c0")
_OK_STYLE = "background: #e8f5e9; color: #1b5e20; border: 1px solid #a5d6a7; padding: 6px;"
_BROKEN_STYLE = "background: #fde2e1; color: #b71c1c; border: 1px solid #ef9a9a; padding: 6px;"
_BUSY_STYLE = "background: #eceff1; color: #37474f; border: 1px solid #cfd8dc; padding: 6px;"


def _t(text: str) -> str:
    return QCoreApplication.translate("Audit", text)


def action_name(code: str) -> str:
    """An action code in words; an unknown code as it is."""
    return {
        "LOGIN": _t("Logged in"),
        "LOGIN_FAILED": _t("Login failed"),
        "ACCOUNT_LOCKED": _t("Account locked"),
        "SET_PASSWORD": _t("Password set"),
        "SET_DEMO_PASSWORDS": _t("Demo passwords set"),
        "REVIEW_SIGNAL": _t("Signal reviewed"),
        "SET_AUTHENTICITY_THRESHOLDS": _t("Authenticity thresholds set"),
        "SET_TASK_SCHEDULE": _t("Task schedule set"),
        "IMPORT_FILE": _t("File imported"),
        "IMPORT_BUNDLE": _t("Inspection imported"),
        "QUARANTINE_BUNDLE": _t("Bundle quarantined"),
        "REJECT_BUNDLE": _t("Bundle rejected"),
        "RELEASE_QUARANTINE": _t("Released from quarantine"),
        "UNKNOWN_SIGNAL": _t("Signal for an unknown customer"),
        "CREATE_HEALTH_MODEL": _t("Health model created"),
        "APPLY_HEALTH_MODEL": _t("Health model applied"),
        "HEALTH_CHECK": _t("Health check run"),
        "CLOSE_TASK": _t("Task closed"),
        "CREATE_DEMO_TASKS": _t("Demo tasks created"),
        "REOPEN_TASK": _t("Task reopened"),
        "INSPECTION_APPROVE": _t("Inspection approved"),
        "INSPECTION_RETURN": _t("Inspection returned for rework"),
        "INSPECTION_REJECT": _t("Inspection rejected"),
        "INSPECTION_ESCALATE": _t("Inspection escalated to head office"),
        "INSPECTION_CONFIRM": _t("Inspection confirmed by head office"),
        "INSPECTION_SEND_BACK": _t("Inspection sent back to the branch"),
        "SET_APPROVAL_SETTINGS": _t("Approval settings set"),
        "ORDER_CREATE": _t("Supervision order issued"),
        "ORDER_ANSWER": _t("Supervision order answered"),
        "ORDER_CLOSE": _t("Supervision order closed"),
        "ORDER_SEND_BACK": _t("Supervision order sent back"),
        "ISSUE_REPORT": _t("Report issued"),
        "DOWNLOAD_REPORT": _t("Report downloaded"),
        "FLAG_CHECK_FAILED": _t("Authenticity checks failed"),
    }.get(code, code)


def entity_type_name(code: str) -> str:
    """An entity type in words; an unknown one as it is."""
    return {
        "staff": _t("Staff member"),
        "customer": _t("Customer"),
        "inspection": _t("Inspection"),
        "risk_signal": _t("Risk signal"),
        "quarantine": _t("Quarantine"),
        "import_file": _t("Imported file"),
        "setting": _t("Setting"),
        "health_model": _t("Health model"),
        "health_check": _t("Health check"),
        "post_loan_task": _t("Post-loan task"),
        "supervision_order": _t("Supervision order"),
        "issued_report": _t("Issued report"),
        "app_setting": _t("Setting"),
    }.get(code, code)


def actor_words(actor: str, name: str | None) -> str:
    return f"{actor} {name}" if name else actor


def event_time(at: dt.datetime) -> str:
    """An event's time in Beijing time, to the second (order matters in a trail)."""
    return at.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def details_summary(details: Any) -> str:
    """The details on one line, for the table."""
    if isinstance(details, dict):
        text = ", ".join(f"{k}: {_compact(v)}" for k, v in details.items())
    else:
        text = str(details)
    return text if len(text) <= 300 else text[:299] + "…"


def _compact(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def opened_query(row: Any) -> str | None:
    """The screen an event's entity opens, if a screen understands it (None: none)."""
    if row.entity_type == "inspection" and row.entity_id.isdigit():
        return "inspections?" + urlencode({"inspection": row.entity_id})
    if row.entity_type == "customer" and row.entity_id:
        return "customers?" + urlencode({"customer_no": row.entity_id})
    customer = row.details.get("customer_no") if isinstance(row.details, dict) else None
    if row.entity_type == "risk_signal" and isinstance(customer, str) and customer:
        return "customers?" + urlencode({"customer_no": customer})
    return None


def filters_to_query(values: dict[str, Any]) -> str:
    """The URL-like state of the list: ``audit?actor=A0311&action=REVIEW_SIGNAL``."""
    return list_link("audit", FILTER_KEYS, values)


def filters_from_query(query: str) -> dict[str, Any]:
    return link_values(query, FILTER_KEYS, dict.fromkeys(_DATE_KEYS, iso_date))


def pinned_words(values: dict[str, Any]) -> str:
    if values.get("entity_id"):
        return _t("Only: entity {id}").format(id=values["entity_id"])
    return ""


def chain_words(status: Any) -> str:
    """The chain's verification in words."""
    if status.ok:
        return _t("Chain verified: {n} events intact (checked {time})").format(
            n=QLocale().toString(status.intact), time=event_time(status.checked_at)
        )
    reason = {
        "hash": _t("the event was changed after it was written"),
        "link": _t("an event before it is missing, or one was inserted"),
    }.get(status.problem or "", status.problem or "")
    return _t(
        "Chain broken at event #{id}: {reason}. {n} events before it are intact (checked {time})"
    ).format(
        id=status.first_bad_id,
        reason=reason,
        n=QLocale().toString(status.intact),
        time=event_time(status.checked_at),
    )


def csv_header() -> list[str]:
    """Titles for ``data.audit_trail.CSV_COLUMNS``, in the user's language."""
    return [
        _t("Event"),
        _t("Time (Beijing)"),
        _t("Time (UTC, as hashed)"),
        _t("Actor"),
        _t("Actor name"),
        _t("Action"),
        _t("Entity type"),
        _t("Entity ID"),
        _t("Details"),
        _t("Previous hash"),
        _t("Hash"),
    ]


def _hash_html(digest: str) -> str:
    """A SHA-256 in hex on two lines of 32, so the pane need not scroll sideways."""
    halves = (digest[:32], digest[32:]) if len(digest) > 32 else (digest,)
    return "<br>".join(f"<code>{html.escape(h)}</code>" for h in halves)


class AuditView(PinnedFilters, QWidget):
    """The audit trail, newest first, with the chain's status and a CSV export."""

    pinned_keys = PINNED_KEYS

    state_changed = Signal(str)
    open_requested = Signal(str)
    #: a CSV export finished: (path, events written)
    exported = Signal(str, int)
    #: the chain was verified (its ``data.audit_trail.ChainStatus``)
    verified = Signal(object)

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self._filters: dict[str, Any] = {}
        self._verify_latest = Latest()
        self._chain: Any = None
        self._exporting = False
        self._build()
        self.runner.changed.connect(self._on_changed)
        self._load_choices()
        self.reload()
        self.verify_chain()

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        banner = QWidget()
        banner_row = QHBoxLayout(banner)
        banner_row.setContentsMargins(4, 4, 4, 0)
        self.chain_label = QLabel()
        self.chain_label.setWordWrap(True)
        self.verify_button = QPushButton()
        self.verify_button.clicked.connect(self.verify_chain)
        banner_row.addWidget(self.chain_label, 1)
        banner_row.addWidget(self.verify_button)
        layout.addWidget(banner)

        self.filter_bar = ChoiceFilterBar(
            [
                ("actor", lambda: _t("Actor"), lambda: _t("All actors")),
                ("action", lambda: _t("Action"), lambda: _t("All actions")),
                ("entity_type", lambda: _t("Entity"), lambda: _t("All entities")),
            ],
            search_hint=_t("Details or entity ID"),
        )
        self.filter_bar.filters_changed.connect(self._on_filters)
        self.filter_bar.pinned_cleared.connect(self._drop_pinned)
        self.filter_bar.clear_button.clicked.connect(self._clear_dates)
        layout.addWidget(self.filter_bar)

        dates = QWidget()
        date_row = QHBoxLayout(dates)
        date_row.setContentsMargins(4, 0, 4, 4)
        today = dt.datetime.now(_BEIJING).date()
        self.date_from = OptionalDateEdit(_t("From"), today - dt.timedelta(days=30))
        self.date_to = OptionalDateEdit(_t("to"), today)
        self.date_from.changed.connect(self._on_dates)
        self.date_to.changed.connect(self._on_dates)
        self.days_note = QLabel()
        self.days_note.setStyleSheet("color: #607d8b;")
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self._on_export_clicked)
        date_row.addWidget(self.date_from)
        date_row.addWidget(self.date_to)
        date_row.addWidget(self.days_note)
        date_row.addStretch(1)
        date_row.addWidget(self.export_button)
        layout.addWidget(dates)

        from data.audit_trail import audit_count, audit_page, audit_sort_value
        from views._paging import PagedList

        self.model = KeysetTableModel(
            self._columns(), keyset=lambda row, key: (audit_sort_value(row, key), row.id)
        )
        self.model.sort_key = "id"
        self.model.descending = True
        self.pages = PagedList(
            self.runner,
            self.model,
            self,
            self._criteria,
            audit_page,
            audit_count,
            name="audit events",
            counted=self._show_count,
        )
        self.table = list_table(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.model.sort_requested.connect(lambda _k, _d: self.reload())
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setMinimumWidth(280)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 360])
        layout.addWidget(splitter, 1)

        footer = QWidget()
        footer_row = QHBoxLayout(footer)
        footer_row.setContentsMargins(6, 2, 6, 4)
        self.count_label = QLabel()
        self.status_label = QLabel()
        footer_row.addWidget(self.count_label)
        footer_row.addStretch(1)
        footer_row.addWidget(self.status_label)
        layout.addWidget(footer)
        self._word_static()
        self._show_chain()

    def _word_static(self) -> None:
        self.verify_button.setText(_t("Verify again"))
        self.verify_button.setToolTip(_t("Walk the whole hash chain again"))
        self.export_button.setText(_t("Export CSV…"))
        self.export_button.setToolTip(_t("Export every event the filters select, not only those loaded"))
        self.date_from.set_label(_t("From"))
        self.date_to.set_label(_t("to"))
        self.days_note.setText(_t("(Beijing days, inclusive)"))
        self.details.setPlaceholderText(_t("Select an event to see its details and hashes."))

    def _columns(self) -> list[Column]:
        def entity(r: Any) -> str:
            return f"{entity_type_name(r.entity_type)} {r.entity_id}".strip()

        def entity_tip(r: Any) -> str | None:
            return _t("Double-click to open it") if opened_query(r) else None

        return [
            Column("id", lambda: _t("#"), lambda r: str(r.id), "id", numeric=True, width=70),
            Column("at", lambda: _t("Time"), lambda r: event_time(r.at), "id", width=140),
            Column(
                "actor", lambda: _t("Actor"), lambda r: actor_words(r.actor, r.actor_name), "actor", width=130
            ),
            Column(
                "action",
                lambda: _t("Action"),
                lambda r: action_name(r.action),
                "action",
                width=170,
                tooltip=lambda r: r.action,
            ),
            Column(
                "entity",
                lambda: _t("Entity"),
                entity,
                "entity_type",
                width=190,
                tooltip=entity_tip,
                foreground=lambda r: _LINK if opened_query(r) else None,
            ),
            Column("details", lambda: _t("Details"), lambda r: details_summary(r.details), width=400),
        ]

    # -- filters and paging -----------------------------------------------------------------

    def _load_choices(self) -> None:
        scope = self._scope()

        def load(session: Any) -> Any:
            from data.audit_trail import audit_choices

            return audit_choices(session, scope)

        self.runner.read(load, self._show_choices, label="audit filter choices", owner=self)

    def _show_choices(self, choices: Any) -> None:
        self.filter_bar.set_choices("actor", [(a, actor_words(a, name)) for a, name in choices.actors])
        self.filter_bar.set_choices("action", [(a, action_name(a)) for a in choices.actions])
        self.filter_bar.set_choices("entity_type", [(e, entity_type_name(e)) for e in choices.entity_types])
        self.filter_bar.set_values(self._filters)

    def _on_filters(self, values: dict[str, Any]) -> None:
        kept = {k: v for k, v in self._filters.items() if k in self.pinned_keys}
        dates = {"time_from": self.date_from.value(), "time_to": self.date_to.value()}
        self._filters = {k: v for k, v in {**kept, **values, **dates}.items() if v}
        self.state_changed.emit(self.query())
        self.reload()

    def _on_dates(self) -> None:
        self._on_filters(self.filter_bar.values())

    def _clear_dates(self) -> None:
        """The bar's Clear clears the dates too (the bar itself does not know them)."""
        if self.date_from.value() or self.date_to.value():
            self.date_from.set_value(None)
            self.date_to.set_value(None)
            self._on_dates()

    def query(self) -> str:
        return filters_to_query(self._filters)

    def open_query(self, query: str) -> None:
        """Open the trail already filtered: ``audit?actor=A0311&action=REVIEW_SIGNAL``."""
        self._filters = filters_from_query(query)
        self.filter_bar.set_values(self._filters)
        self.filter_bar.set_pinned(pinned_words(self._filters))
        self.date_from.set_value(self._filters.get("time_from"))
        self.date_to.set_value(self._filters.get("time_to"))
        self.state_changed.emit(self.query())
        self.reload()

    def _scope(self) -> Any:
        from data.audit_trail import AuditScope

        return AuditScope(self.user.role, self.user.employee_no)

    def _filter(self) -> Any:
        from data.audit_trail import AuditFilter

        return AuditFilter(**{k: v for k, v in self._filters.items() if k in FILTER_KEYS})

    def _criteria(self) -> tuple[Any, Any]:
        return self._scope(), self._filter()

    def reload(self) -> None:
        self._show_event(None)
        self.pages.reload()

    def _show_count(self, n: int | None) -> None:
        self.count_label.setText(
            _t("Counting…") if n is None else _t("{n} events").format(n=QLocale().toString(n))
        )

    def _on_changed(self, changes: Changes) -> None:
        # every write is audited in its transaction, so any write added events
        if changes.tables:
            self._load_choices()
            self.reload()

    # -- the chain ---------------------------------------------------------------------------

    def verify_chain(self) -> None:
        """Walk the whole chain on a worker; the banner says "Verifying…" until it is done."""
        token = self._verify_latest.next()
        self._chain = None
        self._show_chain()
        self.verify_button.setEnabled(False)

        def check(session: Any) -> Any:
            from data.audit_trail import verify_status

            return verify_status(session)

        def done(status: Any) -> None:
            if self._verify_latest.is_current(token):
                self._chain = status
                self.verify_button.setEnabled(True)
                self._show_chain()
                self.verified.emit(status)

        def failed(error: BaseException) -> None:
            if self._verify_latest.is_current(token):
                self.verify_button.setEnabled(True)
                self.chain_label.setText(_t("The chain could not be verified."))
                self.chain_label.setStyleSheet(_BROKEN_STYLE)
            self.runner.report_error(error, "verify audit chain")

        self.runner.read(check, done, failed, label="verify audit chain", owner=self)

    def _show_chain(self) -> None:
        status = self._chain
        if status is None:
            self.chain_label.setText(_t("Verifying the hash chain…"))
            self.chain_label.setStyleSheet(_BUSY_STYLE)
        else:
            self.chain_label.setText(chain_words(status))
            self.chain_label.setStyleSheet(_OK_STYLE if status.ok else _BROKEN_STYLE)

    @property
    def chain_status(self) -> Any:
        """The last verification (``data.audit_trail.ChainStatus``; None while verifying)."""
        return self._chain

    # -- the selected event ------------------------------------------------------------------

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_event(self.model.row_at(current.row()) if current.isValid() else None)

    def _show_event(self, row: Any) -> None:
        if row is None:
            self.details.clear()
            return
        e = html.escape
        if isinstance(row.details, dict):
            pretty = json.dumps(row.details, ensure_ascii=False, indent=2, sort_keys=True)
        else:
            pretty = str(row.details)
        facts = [
            (_t("Event"), f"#{row.id}"),
            (_t("Time"), event_time(row.at)),
            (_t("Actor"), actor_words(row.actor, row.actor_name)),
            (_t("Action"), f"{action_name(row.action)} ({row.action})"),
            (_t("Entity"), f"{entity_type_name(row.entity_type)} {row.entity_id}"),
        ]
        rows = "".join(
            f"<tr><td style='color:#607d8b; padding-right:8px'>{e(k)}</td><td>{e(v)}</td></tr>"
            for k, v in facts
        )
        self.details.setHtml(
            f"<table>{rows}</table>"
            f"<h4>{e(_t('Details'))}</h4><pre>{e(pretty)}</pre>"
            f"<h4>{e(_t('Hash chain'))}</h4>"
            f"<p><span style='color:#607d8b'>{e(_t('Previous hash'))}</span><br>{_hash_html(row.prev_hash)}</p>"
            f"<p><span style='color:#607d8b'>{e(_t('Hash'))}</span><br>{_hash_html(row.hash)}</p>"
        )

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            wanted = opened_query(self.model.row_at(index.row()))
            if wanted:
                self.open_requested.emit(wanted)

    # -- export ------------------------------------------------------------------------------

    def _ask_export_path(self) -> str:
        name = f"audit-{dt.datetime.now(_BEIJING):%Y%m%d-%H%M}.csv"
        path, _filter = QFileDialog.getSaveFileName(
            self, _t("Export the audit trail"), str(Path.home() / name), _t("CSV files (*.csv)")
        )
        return path

    def _on_export_clicked(self) -> None:
        path = self._ask_export_path()
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Export every event the filters select to ``path`` on a worker."""
        if self._exporting:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        _scope, flt = self._criteria()
        viewer = self.user
        sort, descending = self.model.sort_key, self.model.descending
        header = csv_header()
        mark_title = _t("Exported by")
        self._exporting = True
        self.export_button.setEnabled(False)
        self.status_label.setText(_t("Exporting…"))

        def export(session: Any) -> tuple[int, Changes]:
            # a write: the export is audited (and watermarked) in the same transaction
            from data.audit_trail import export_audit_trail

            n = export_audit_trail(
                session,
                viewer,
                flt,
                path,
                sort=sort,
                descending=descending,
                header=header,
                watermark_title=mark_title,
            )
            return n, Changes(frozenset({"audit_events"}), (), "export audit trail")

        def done(n: int) -> None:
            self._export_ended()
            self.status_label.setText(
                _t("Exported {n} events to {path}").format(n=QLocale().toString(n), path=path)
            )
            self.exported.emit(path, n)

        def failed(error: BaseException) -> None:
            self._export_ended()
            self.status_label.setText(_t("The export failed; no file was written."))
            self.runner.report_error(error, "export audit trail")

        self.runner.write(export, done, failed, label="export audit trail", owner=self)

    def _export_ended(self) -> None:
        self._exporting = False
        self.export_button.setEnabled(True)

    def retranslate(self) -> None:
        self._word_static()
        self.model.retranslate()
        self.filter_bar.set_pinned(pinned_words(self._filters))
        self._show_chain()
        self._load_choices()
