"""The inspection records browser: a lazily paged table, a filter bar, and the detail of
the selected inspection (summary with its authenticity flags, checklist, photos, the map of
the visit, revisions).

Every database read goes through the task runner; answers to superseded requests (the
user has since typed, sorted or picked another row) are dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Preferences
from desktop.tasks import Changes, TaskRunner
from views._inspection_detail import InspectionDetailPanel
from views._links import list_link
from widgets.filter_bar import FilterBar
from widgets.flag_words import CODES, SEVERITY_COLOURS, flag_name, severity_name
from widgets.labels import (
    TIER_COLOURS,
    kind_name,
    local_time,
    status_name,
    tier_name,
)
from widgets.lazy_table import Column, KeysetTableModel, list_table
from widgets.photos import PhotoGallery, PhotoViewer

KINDS = ("FIRST", "ROUTINE", "FOCUSED", "SPECIAL")
FILTER_KEYS = (
    "date_from",
    "date_to",
    "branch_code",
    "inspector_no",
    "kind",
    "status",
    "flag",
    "text",
    "customer_no",
)
_ABNORMAL = QColor("#fde2e1")


#: findings worded in the summary; the rest are listed beside the map (most severe first)
_FLAGS_SHOWN = 12
_SEVERITY_QCOLOURS = {k: QColor(v) for k, v in SEVERITY_COLOURS.items()}
_TIER_QCOLOURS = {k: QColor(v) for k, v in TIER_COLOURS.items()}


def _t(text: str) -> str:
    return QCoreApplication.translate("Inspections", text)


def _flags_text(row: Any) -> str:
    """The most severe flag by name, and how many more: "Check-in away from the customer +2"."""
    if not row.flags:
        return ""
    first = flag_name(row.flags[0][0])
    return first if len(row.flags) == 1 else f"{first} +{len(row.flags) - 1}"


def filters_to_query(values: dict[str, Any]) -> str:
    """The URL-like state of the list: ``inspections?kind=FOCUSED&branch_code=0311``."""
    return list_link("inspections", FILTER_KEYS, values)


def filters_from_query(query: str) -> dict[str, Any]:
    _, _, qs = query.partition("?")
    values: dict[str, Any] = {}
    for key, value in parse_qsl(qs):
        if key not in FILTER_KEYS:
            continue
        if key in ("date_from", "date_to"):
            try:
                values[key] = dt.date.fromisoformat(value)
            except ValueError:
                continue
        else:
            values[key] = value
    return values


class InspectionsView(QWidget):
    """The screen supervisors live in: every inspection within the user's scope."""

    inspection_selected = Signal(int)
    state_changed = Signal(str)  # the URL-like filter state
    #: open another screen in a given state (the report of the inspection shown)
    open_requested = Signal(str)

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self._filters: dict[str, Any] = {}
        self._build()
        self.runner.changed.connect(self._on_changed)
        self._load_choices()
        self.reload()

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.count_label = QLabel()
        self.count_label.setContentsMargins(6, 2, 6, 4)
        self.filter_bar = FilterBar()
        self.filter_bar.filters_changed.connect(self._on_filters)
        layout.addWidget(self.filter_bar)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = KeysetTableModel(self._columns(), keyset=lambda row, key: (getattr(row, key), row.id))
        from data.queries import inspection_count, inspection_page
        from views._paging import PagedList

        self.pages = PagedList(
            self.runner,
            self.model,
            self,
            self._criteria,
            inspection_page,
            inspection_count,
            name="inspections",
            counted=self._show_count,
            first_page=self._on_first_page,
        )
        self.table = list_table(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        # connected only now: turning sorting on sorts once, and __init__ loads anyway
        self.model.sort_requested.connect(lambda _k, _d: self.reload())
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        splitter.addWidget(self.table)
        self.detail = InspectionDetailPanel(self.runner, self.user, self.prefs)
        self.detail.open_requested.connect(self.open_requested)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)
        state = self.prefs.window_state("inspections/header")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)
        self.table.horizontalHeader().sectionResized.connect(self._save_header)
        self.table.horizontalHeader().sectionMoved.connect(self._save_header)

    def _save_header(self, *_args: Any) -> None:
        self.prefs.set_window_state("inspections/header", self.table.horizontalHeader().saveState())

    def _columns(self) -> list[Column]:
        return [
            Column(
                "submitted",
                lambda: _t("Submitted"),
                lambda r: local_time(r.submitted_at),
                "submitted_at",
                width=130,
            ),
            Column(
                "customer",
                lambda: _t("Customer"),
                lambda r: f"{r.customer_name}",
                "customer_name",
                width=200,
                tooltip=lambda r: f"{r.customer_no} {r.customer_name}",
            ),
            Column(
                "tier",
                lambda: _t("Tier"),
                lambda r: tier_name(r.tier) if r.tier else "",
                width=64,
                foreground=lambda r: _TIER_QCOLOURS.get(r.tier or ""),
            ),
            Column("branch", lambda: _t("Branch"), lambda r: r.branch_name, "branch_name", width=90),
            Column(
                "inspector", lambda: _t("Inspector"), lambda r: r.inspector_name, "inspector_name", width=80
            ),
            Column("kind", lambda: _t("Kind"), lambda r: kind_name(r.kind), "kind", width=70),
            Column(
                "status",
                lambda: _t("Status"),
                lambda r: status_name(r.status) + (f" ({_t('rev.')} {r.revision})" if r.revision > 1 else ""),
                width=90,
            ),
            Column(
                "flags",
                lambda: _t("Flags"),
                _flags_text,
                width=190,
                tooltip=lambda r: (
                    "\n".join(f"{severity_name(s)} · {flag_name(c)}" for c, s in r.flags) or None
                ),
                foreground=lambda r: _SEVERITY_QCOLOURS.get(r.worst or ""),
            ),
            Column("photos", lambda: _t("Photos"), lambda r: str(r.photos), numeric=True, width=60),
        ]

    def _load_choices(self) -> None:
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.queries import filter_choices

            return filter_choices(session, scope)

        self.runner.read(load, self._show_choices, label="filter choices", owner=self)

    def _show_choices(self, choices: Any) -> None:
        branches, staff = choices
        self.filter_bar.set_choices(
            branches=[(c.value, c.label) for c in branches],
            inspectors=[(c.value, c.label) for c in staff],
            kinds=[(k, kind_name(k)) for k in KINDS],
            statuses=[("SUPERSEDED", status_name("SUPERSEDED"))],
            flags=[
                ("HIGH", _t("Any high-severity flag")),
                ("MEDIUM", _t("Any medium-severity flag")),
                ("LOW", _t("Any low-severity flag")),
                *((code, flag_name(code)) for code in CODES),
            ],
        )
        self.filter_bar.set_values(self._filters)

    def _on_filters(self, values: dict[str, Any]) -> None:
        self._filters = {k: v for k, v in values.items() if v}
        self.state_changed.emit(self.query())
        self.reload()

    def query(self) -> str:
        return filters_to_query(self._filters)

    def open_query(self, query: str) -> None:
        """Open the list already filtered (e.g. from a chart): ``inspections?kind=FOCUSED``;
        ``inspection=ID`` also opens that inspection's detail (e.g. from the map)."""
        self._filters = filters_from_query(query)
        self.filter_bar.set_values(self._filters)
        self.state_changed.emit(self.query())
        self.reload()
        wanted = dict(parse_qsl(query.partition("?")[2])).get("inspection", "")
        if wanted.isdigit():
            self.show_inspection(int(wanted))

    def _filter(self) -> Any:
        from data.queries import InspectionFilter

        return InspectionFilter(**{k: v for k, v in self._filters.items() if k in FILTER_KEYS})

    def reload(self) -> None:
        self.pages.reload()

    def _criteria(self) -> tuple[Any, Any]:
        return self.user.scope, self._filter()

    def _show_count(self, n: int | None) -> None:
        self.count_label.setText(
            _t("Counting…") if n is None else _t("{n} inspections").format(n=QLocale().toString(n))
        )

    def _on_first_page(self, rows: Any) -> None:
        if rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _on_changed(self, changes: Changes) -> None:
        if changes.tables & {"inspections", "customers", "branches", "staff", "inspection_flags"}:
            self.detail.forget_scene()
            self.reload()

    # -- detail ---------------------------------------------------------------------------

    def _on_row(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            return
        row = self.model.row_at(current.row())
        self.inspection_selected.emit(row.id)
        self.show_inspection(row.id)

    def show_inspection(self, inspection_id: int) -> None:
        self.detail.show_inspection(inspection_id)

    def refresh_map_provider(self) -> None:
        """The map settings changed: redraw with the new tile provider."""
        self.detail.refresh_map_provider()

    # the detail panel's parts, reachable as they were before the panel was shared

    @property
    def _detail(self) -> Any:
        return self.detail.detail

    @property
    def summary(self) -> QTextBrowser:
        return self.detail.summary

    @property
    def checklist(self) -> QTreeWidget:
        return self.detail.checklist

    @property
    def gallery(self) -> PhotoGallery:
        return self.detail.gallery

    @property
    def tabs(self) -> QTabWidget:
        return self.detail.tabs

    @property
    def map_tab(self) -> QWidget:
        return self.detail.map_tab

    @property
    def map_panel(self) -> Any:
        return self.detail.map_panel

    def open_viewer(self, index: int) -> PhotoViewer:
        return self.detail.open_viewer(index)

    def retranslate(self) -> None:
        self.model.retranslate()
