"""The map screen: every customer in scope, and the check-ins of a chosen period.

Customers are coloured by risk tier (grey until the health check has tiered them);
check-ins by their most severe authenticity flag, so a supervisor sees where the doubtful
visits are. A click opens the customer's inspections, or the inspection, in the list.
Points are built on a worker thread; the page draws them on a canvas.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Preferences, map_tile_provider
from desktop.tasks import Changes, Latest, TaskRunner
from widgets.flag_words import severity_name
from widgets.labels import TIER_COLOURS, TIERS, UNTIERED_COLOUR, kind_name, local_time, tier_name

#: check-ins in colours no tier uses, so a check-in never reads as a customer's tier
CHECKIN_COLOURS = {None: "#37474f", "LOW": "#00acc1", "MEDIUM": "#ec407a", "HIGH": "#8e24aa"}
DEFAULT_DAYS = 30


def _t(text: str) -> str:
    return QCoreApplication.translate("Maps", text)


def customer_markers(points: list[Any]) -> list[Any]:
    """Customers as map points, the riskiest drawn last (on top where they crowd)."""
    from widgets.map_scene import MapPoint

    order = {tier: i for i, tier in enumerate(TIER_COLOURS)}
    ranked = sorted(points, key=lambda p: order.get(p.tier or "", -1))
    return [
        MapPoint(
            p.customer_no,
            p.lat,
            p.lon,
            TIER_COLOURS.get(p.tier or "", UNTIERED_COLOUR),
            f"{p.name}\n{p.customer_no} · {p.branch_name}\n{_t('Client manager')}: {p.manager_name}\n"
            f"{_t('Risk tier')}: {tier_name(p.tier)}",
            "customer",
        )
        for p in ranked
    ]


def checkin_markers(points: list[Any]) -> list[Any]:
    """Check-ins as map points, coloured by their most severe flag, the worst on top."""
    from widgets.map_scene import MapPoint

    rank = {None: 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3}
    out = []
    for p in sorted(points, key=lambda p: rank.get(p.worst, 0)):
        verdict = severity_name(p.worst) if p.worst else _t("no findings")
        out.append(
            MapPoint(
                p.inspection_id,
                p.lat,
                p.lon,
                CHECKIN_COLOURS.get(p.worst, CHECKIN_COLOURS[None]),
                f"{p.customer_name}\n{kind_name(p.kind)} · {p.inspector_name} · {local_time(p.at)}\n"
                f"{_t('Checks')}: {verdict}",
                "inspection",
            )
        )
    return out


class MapScreen(QWidget):
    """Customers and check-ins on a map, within the user's scope."""

    #: open another screen in a given state, e.g. ``inspections?customer_no=C1``
    open_requested = Signal(str)
    loaded = Signal(int, int)  # customers, check-ins drawn

    def __init__(
        self, runner: TaskRunner, user: Any, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.user = user
        self.prefs = prefs
        self._latest = Latest()
        self._period_set = False
        self._counts = (0, 0)
        self._build()
        self.runner.changed.connect(self._on_changed)
        self._load_choices()

    def _build(self) -> None:
        self.branch = QComboBox()
        self.branch.setMinimumContentsLength(12)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-DEFAULT_DAYS))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.show_customers = QCheckBox(_t("Customers"))
        self.show_customers.setChecked(True)
        self.show_checkins = QCheckBox(_t("Check-ins"))
        self.show_checkins.setChecked(True)
        self.flagged_only = QCheckBox(_t("Flagged check-ins only"))
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        self.branch_label = QLabel(_t("Branch"))
        self.period_label = QLabel(_t("Check-ins from"))
        self.to_label = QLabel(_t("to"))
        for widget in (
            self.branch_label,
            self.branch,
            self.period_label,
            self.date_from,
            self.to_label,
            self.date_to,
            self.show_customers,
            self.show_checkins,
            self.flagged_only,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        self.map: Any = None  # QtWebEngine starts when the screen is first shown
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        self._layout = layout
        self.branch.currentIndexChanged.connect(lambda _i: self.reload())
        self.date_from.dateChanged.connect(lambda _d: self.reload())
        self.date_to.dateChanged.connect(lambda _d: self.reload())
        for box in (self.show_customers, self.show_checkins, self.flagged_only):
            box.toggled.connect(lambda _on: self.reload())
        self._fit_next = True
        self._checkin_ids: dict[int, str] = {}

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.map is None:
            from views._scenes import wgs84_to
            from widgets.map_view import MapView

            self.map = MapView(map_tile_provider(self.prefs), wgs84_to)
            self.map.customer_clicked.connect(self._open_customer)
            self.map.inspection_clicked.connect(self._open_inspection)
            self._layout.addWidget(self.map, 1)
            self._set_legend()
            self.reload()

    def _set_legend(self) -> None:
        from widgets.map_scene import LegendEntry

        entries = [
            *(
                LegendEntry(_t("Customer, tier {tier}").format(tier=tier_name(t)), TIER_COLOURS[t])
                for t in TIERS
            ),
            LegendEntry(_t("Customer (not yet tiered)"), UNTIERED_COLOUR),
            LegendEntry(_t("Check-in, no findings"), CHECKIN_COLOURS[None]),
            *(
                LegendEntry(
                    _t("Check-in, {severity} severity").format(severity=severity_name(s)), CHECKIN_COLOURS[s]
                )
                for s in ("HIGH", "MEDIUM", "LOW")
            ),
        ]
        self.map.set_legend(entries, _t("Legend"))

    # -- loading ----------------------------------------------------------------------------

    def _load_choices(self) -> None:
        scope = self.user.scope

        def load(session: Any) -> Any:
            from data.mapdata import latest_submission_day
            from data.queries import filter_choices

            branches, _staff = filter_choices(session, scope)
            return branches, latest_submission_day(session, scope)

        self.runner.read(load, self._show_choices, label="map choices", owner=self)

    def _show_choices(self, result: Any) -> None:
        branches, last_day = result
        self.branch.blockSignals(True)
        self.branch.clear()
        self.branch.addItem(_t("All branches in scope"), None)
        for choice in branches:
            self.branch.addItem(choice.label, choice.value)
        self.branch.blockSignals(False)
        if last_day is not None and not self._period_set:
            # the period ends at the newest inspection, so a quiet database still shows some
            self._period_set = True
            for edit, day in (
                (self.date_to, last_day),
                (self.date_from, last_day - dt.timedelta(days=DEFAULT_DAYS)),
            ):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.reload()

    def period(self) -> tuple[dt.date, dt.date]:
        start: dt.date = self.date_from.date().toPython()  # type: ignore[assignment]
        end: dt.date = self.date_to.date().toPython()  # type: ignore[assignment]
        return (start, end) if start <= end else (end, start)

    def reload(self) -> None:
        if self.map is None:
            return  # not shown yet: the first show loads
        token = self._latest.next()
        scope, branch = self.user.scope, self.branch.currentData()
        start, end = self.period()
        want_customers, want_checkins = self.show_customers.isChecked(), self.show_checkins.isChecked()
        flagged_only = self.flagged_only.isChecked()
        crs = self.map.provider.crs
        self.count_label.setText(_t("Loading…"))

        def load(session: Any) -> Any:
            from data.mapdata import checkin_points, customer_points
            from views._scenes import wgs84_to
            from widgets.map_scene import prepare_points

            customers = customer_markers(customer_points(session, scope, branch)) if want_customers else []
            found = checkin_points(session, scope, start, end, branch) if want_checkins else []
            if flagged_only:
                found = [c for c in found if c.worst is not None]
            checkins = checkin_markers(found)
            # the page's form is made here too: 70,000 points take a few hundred ms
            prepared = prepare_points(customers, crs, wgs84_to), prepare_points(checkins, crs, wgs84_to)
            return customers, checkins, prepared, {c.inspection_id: c.customer_no for c in found}

        def done(result: Any) -> None:
            if not self._latest.is_current(token):
                return
            customers, checkins, prepared, owners = result
            self._checkin_ids = owners
            self.map.set_points("customers", customers, prepared[0])
            self.map.set_points("checkins", checkins, prepared[1])
            if self._fit_next and (customers or checkins):
                self._fit_next = False
                self.map.fit_to_points()
            self._counts = (len(customers), len(checkins))
            self.count_label.setText(
                _t("{customers} customers, {checkins} check-ins").format(
                    customers=f"{len(customers):,}", checkins=f"{len(checkins):,}"
                )
            )
            self.loaded.emit(len(customers), len(checkins))

        self.runner.read(load, done, label="map points", owner=self)

    @property
    def counts(self) -> tuple[int, int]:
        return self._counts

    def _on_changed(self, changes: Changes) -> None:
        if changes.tables & {"inspections", "customers", "branches", "inspection_flags"}:
            self.reload()

    # -- clicks -----------------------------------------------------------------------------

    def _open_customer(self, customer_no: str) -> None:
        from urllib.parse import urlencode

        self.open_requested.emit("inspections?" + urlencode({"customer_no": customer_no}))

    def _open_inspection(self, inspection_id: int) -> None:
        from urllib.parse import urlencode

        pairs = {"inspection": str(inspection_id)}
        owner = self._checkin_ids.get(inspection_id)
        if owner:
            pairs = {"customer_no": owner, **pairs}
        self.open_requested.emit("inspections?" + urlencode(pairs))

    def refresh_map_provider(self) -> None:
        """The map settings changed: redraw with the new tile provider."""
        if self.map is not None:
            self.map.set_provider(map_tile_provider(self.prefs))

    def retranslate(self) -> None:
        self.branch_label.setText(_t("Branch"))
        self.period_label.setText(_t("Check-ins from"))
        self.to_label.setText(_t("to"))
        self.show_customers.setText(_t("Customers"))
        self.show_checkins.setText(_t("Check-ins"))
        self.flagged_only.setText(_t("Flagged check-ins only"))
        if self.map is not None:
            self._set_legend()
            self.reload()
