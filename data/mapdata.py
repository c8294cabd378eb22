"""Reads for the maps: an inspection's evidence in space and time, and the points of the
map screen. Plain frozen rows in WGS-84; whoever draws them converts for the tile provider.

Every read is scoped like the lists: a branch approver's map never holds another branch's
customer, check-in or branch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from data.errors import NotFound
from data.models import Branch, Customer, Inspection, Photo, Staff, TrackPoint
from data.rules.coords import haversine_m

_BEIJING = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class TrackFix:
    t: dt.datetime
    lat: float
    lon: float
    accuracy_m: float | None
    event: str  # TRACK, CHECKIN, CHECKOUT


@dataclass(frozen=True)
class PhotoPlace:
    """Where and when a photo says it was taken: by the app, and by its own EXIF."""

    photo_id: int
    photo_key: str
    seq: int
    category: str
    taken_at: dt.datetime | None
    lat: float | None
    lon: float | None
    exif_taken_at: dt.datetime | None
    exif_lat: float | None
    exif_lon: float | None
    to_checkin_m: float | None  # app-recorded place to the check-in
    exif_to_checkin_m: float | None  # EXIF place to the check-in


@dataclass(frozen=True)
class InspectionMapData:
    inspection_id: int
    customer_no: str
    customer_name: str
    customer_lat: float | None
    customer_lon: float | None
    branch_name: str
    branch_lat: float | None
    branch_lon: float | None
    started_at: dt.datetime
    finished_at: dt.datetime
    track: tuple[TrackFix, ...]
    photos: tuple[PhotoPlace, ...]

    @property
    def checkin(self) -> TrackFix | None:
        return next((p for p in self.track if p.event == "CHECKIN"), None)

    @property
    def checkout(self) -> TrackFix | None:
        return next((p for p in reversed(self.track) if p.event == "CHECKOUT"), None)

    @property
    def checkin_to_customer_m(self) -> float | None:
        checkin = self.checkin
        if checkin is None or self.customer_lat is None or self.customer_lon is None:
            return None
        return haversine_m(checkin.lat, checkin.lon, self.customer_lat, self.customer_lon)


def _distance(a: TrackFix | None, lat: float | None, lon: float | None) -> float | None:
    if a is None or lat is None or lon is None:
        return None
    return haversine_m(a.lat, a.lon, lat, lon)


def inspection_map_data(
    session: Session, inspection_id: int, scope: frozenset[str] | None
) -> InspectionMapData:
    """An inspection's track, photo places and customer location, with the distances a
    supervisor reads off the map (each photo to the check-in, the check-in to the customer)."""
    row = session.execute(
        select(Inspection, Customer, Branch)
        .join(Customer, Customer.customer_no == Inspection.customer_no)
        .join(Branch, Branch.code == Customer.branch_code)
        .where(Inspection.id == inspection_id)
    ).first()
    if row is None or (scope is not None and row.Customer.branch_code not in scope):
        raise NotFound(what="inspection", key=inspection_id)
    insp, customer, branch = row.Inspection, row.Customer, row.Branch
    track = tuple(
        TrackFix(p.t, p.lat, p.lon, p.accuracy_m, p.event)
        for p in session.execute(
            select(TrackPoint).where(TrackPoint.inspection_id == inspection_id).order_by(TrackPoint.seq)
        ).scalars()
    )
    checkin = next((p for p in track if p.event == "CHECKIN"), None)
    photos = tuple(
        PhotoPlace(
            p.id,
            p.photo_key,
            p.seq,
            p.category,
            p.taken_at,
            p.lat,
            p.lon,
            p.exif_taken_at,
            p.exif_lat,
            p.exif_lon,
            _distance(checkin, p.lat, p.lon),
            _distance(checkin, p.exif_lat, p.exif_lon),
        )
        for p in session.execute(
            select(Photo).where(Photo.inspection_id == inspection_id).order_by(Photo.seq)
        ).scalars()
    )
    return InspectionMapData(
        insp.id,
        customer.customer_no,
        customer.name,
        customer.lat,
        customer.lon,
        branch.name,
        branch.lat,
        branch.lon,
        insp.started_at,
        insp.finished_at,
        track,
        photos,
    )


# --- the map screen ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerPoint:
    customer_no: str
    name: str
    lat: float
    lon: float
    branch_name: str
    manager_name: str
    tier: str | None  # the risk tier once the health check exists; None draws grey


@dataclass(frozen=True)
class CheckinPoint:
    inspection_id: int
    customer_no: str
    customer_name: str
    lat: float
    lon: float
    at: dt.datetime
    inspector_name: str
    kind: str
    worst: str | None  # the most severe authenticity flag's severity, None when clean


@dataclass(frozen=True)
class BranchPoint:
    code: str
    name: str
    level: str
    lat: float
    lon: float


def _located(value: float | None) -> float:
    assert value is not None  # the query keeps located rows only
    return value


def _in_scope(
    session: Session, scope: frozenset[str] | None, branch_code: str | None
) -> frozenset[str] | None:
    """The branch codes to show: the user's scope narrowed to one unit and those below it."""
    if not branch_code:
        return scope
    from data.auth import branch_scope

    below = frozenset(branch_scope(session, branch_code))
    return below if scope is None else below & scope


def customer_points(
    session: Session, scope: frozenset[str] | None, branch_code: str | None = None
) -> list[CustomerPoint]:
    """Every located customer within scope (50,000 at the bank scale)."""
    from data.models import HealthScore

    codes = _in_scope(session, scope, branch_code)
    latest = select(func.max(HealthScore.as_of)).scalar_subquery()
    query = (
        select(
            Customer.customer_no, Customer.name, Customer.lat, Customer.lon, Branch.name, Staff.name, HealthScore.tier
        )
        .join(Branch, Branch.code == Customer.branch_code)
        .join(Staff, Staff.employee_no == Customer.manager_no)
        .outerjoin(
            HealthScore, (HealthScore.customer_no == Customer.customer_no) & (HealthScore.as_of == latest)
        )
        .where(Customer.lat.is_not(None), Customer.lon.is_not(None))
        .order_by(Customer.customer_no)
    )
    if codes is not None:
        query = query.where(Customer.branch_code.in_(sorted(codes)))
    return [
        CustomerPoint(no, name, _located(lat), _located(lon), b, m, tier)
        for no, name, lat, lon, b, m, tier in session.execute(query)
    ]


def checkin_points(
    session: Session,
    scope: frozenset[str] | None,
    date_from: dt.date,
    date_to: dt.date,
    branch_code: str | None = None,
    limit: int = 50_000,
) -> list[CheckinPoint]:
    """The check-ins of current inspections submitted between two Beijing dates (inclusive),
    newest first, at most ``limit``."""
    from data.models import InspectionFlag

    codes = _in_scope(session, scope, branch_code)
    rank = case((InspectionFlag.severity == "HIGH", 0), (InspectionFlag.severity == "MEDIUM", 1), else_=2)
    # looked up per check-in through the index, not aggregated over every flag in the bank
    worst = (
        select(func.min(rank)).where(InspectionFlag.inspection_id == Inspection.id).scalar_subquery()
    )
    start = dt.datetime.combine(date_from, dt.time(), _BEIJING).astimezone(dt.UTC)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), _BEIJING).astimezone(dt.UTC)
    query = (
        select(
            Inspection.id,
            Customer.customer_no,
            Customer.name,
            TrackPoint.lat,
            TrackPoint.lon,
            TrackPoint.t,
            Staff.name,
            Inspection.kind,
            worst,
        )
        .select_from(Inspection)
        .join(Customer, Customer.customer_no == Inspection.customer_no)
        .join(Staff, Staff.employee_no == Inspection.inspector_no)
        .join(TrackPoint, (TrackPoint.inspection_id == Inspection.id) & (TrackPoint.event == "CHECKIN"))
        .where(
            Inspection.is_current.is_(True),
            Inspection.submitted_at >= start,
            Inspection.submitted_at < end,
        )
        .order_by(Inspection.submitted_at.desc(), Inspection.id.desc())
        .limit(limit)
    )
    if codes is not None:
        query = query.where(Customer.branch_code.in_(sorted(codes)))
    severities = ("HIGH", "MEDIUM", "LOW")
    rows: list[Any] = list(session.execute(query))
    return [
        CheckinPoint(iid, no, name, lat, lon, at, who, kind, None if rank is None else severities[int(rank)])
        for iid, no, name, lat, lon, at, who, kind, rank in rows
    ]


def branch_points(session: Session, scope: frozenset[str] | None) -> list[BranchPoint]:
    query = select(Branch.code, Branch.name, Branch.level, Branch.lat, Branch.lon).where(
        Branch.lat.is_not(None), Branch.lon.is_not(None)
    )
    if scope is not None:
        query = query.where(Branch.code.in_(sorted(scope)))
    return [
        BranchPoint(code, name, level, _located(lat), _located(lon))
        for code, name, level, lat, lon in session.execute(query.order_by(Branch.code))
    ]


def latest_submission_day(session: Session, scope: frozenset[str] | None) -> dt.date | None:
    """The Beijing date of the newest inspection in scope: the map screen's default period
    ends there, so a database that stopped receiving bundles still shows something."""
    query = select(func.max(Inspection.submitted_at)).join(
        Customer, Customer.customer_no == Inspection.customer_no
    )
    if scope is not None:
        query = query.where(Customer.branch_code.in_(sorted(scope)))
    newest = session.execute(query).scalar()
    return None if newest is None else newest.astimezone(_BEIJING).date()
