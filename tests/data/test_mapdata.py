"""The map reads: an inspection's evidence with its distances, and the map screen's points,
always within the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from data.errors import NotFound
from data.ingest.runner import Importer
from data.mapdata import (
    branch_points,
    checkin_points,
    customer_points,
    inspection_map_data,
    latest_submission_day,
)
from data.models import Inspection, Photo, TrackPoint
from data.rules.coords import haversine_m

SHIJIAZHUANG = frozenset({"0311", "031101", "031102"})
TANGSHAN = frozenset({"0315", "031501"})


@pytest.fixture
def imported(db, examples_dir):
    assert Importer(db).run([str(examples_dir)]).exit_code == 0
    return db


def test_inspection_map_data_carries_track_photos_and_distances(imported):
    with imported.read_session() as s:
        insp = s.execute(select(Inspection).order_by(Inspection.id)).scalars().first()
        data = inspection_map_data(s, insp.id, None)
        points = (
            s.execute(select(TrackPoint).where(TrackPoint.inspection_id == insp.id).order_by(TrackPoint.seq))
            .scalars()
            .all()
        )
        photos = s.execute(select(Photo).where(Photo.inspection_id == insp.id)).scalars().all()
    assert [p.event for p in data.track] == [p.event for p in points]
    assert data.checkin is not None
    assert data.checkin.event == "CHECKIN"
    assert data.checkout is not None
    assert len(data.photos) == len(photos)
    # distances are measured in WGS-84 between what is stored, whatever the app sent
    expected = haversine_m(data.checkin.lat, data.checkin.lon, data.customer_lat, data.customer_lon)
    assert data.checkin_to_customer_m == pytest.approx(expected)
    for photo in data.photos:
        if photo.lat is not None:
            assert photo.to_checkin_m == pytest.approx(
                haversine_m(data.checkin.lat, data.checkin.lon, photo.lat, photo.lon)
            )
        if photo.exif_lat is None:
            assert photo.exif_to_checkin_m is None


def test_inspection_map_data_is_scoped(imported):
    with imported.read_session() as s:
        rows = s.execute(select(Inspection.id, Inspection.customer_no)).all()
        for inspection_id, customer_no in rows:
            tangshan = customer_no in {"C0001004", "C0001005"}
            allowed, barred = (TANGSHAN, SHIJIAZHUANG) if tangshan else (SHIJIAZHUANG, TANGSHAN)
            assert inspection_map_data(s, inspection_id, allowed).inspection_id == inspection_id
            with pytest.raises(NotFound):
                inspection_map_data(s, inspection_id, barred)
        with pytest.raises(NotFound):
            inspection_map_data(s, 999_999, None)


def test_customer_and_branch_points_are_scoped(imported):
    with imported.read_session() as s:
        everyone = customer_points(s, None)
        tangshan = customer_points(s, TANGSHAN)
        narrowed = customer_points(s, None, branch_code="031102")
        branches = branch_points(s, TANGSHAN)
    assert len(everyone) == 6
    assert all(p.tier is None for p in everyone)
    assert {p.customer_no for p in tangshan} == {"C0001004", "C0001005"}
    assert {p.customer_no for p in narrowed} == {"C0001002", "C0001003"}
    assert {b.code for b in branches} == {"0315", "031501"}


def test_checkin_points_cover_the_period_within_scope(imported):
    with imported.read_session() as s:
        last = latest_submission_day(s, None)
        assert last is not None
        year = checkin_points(s, None, last - dt.timedelta(days=365), last)
        none_before = checkin_points(s, None, dt.date(2000, 1, 1), dt.date(2000, 1, 31))
        tangshan = checkin_points(s, TANGSHAN, last - dt.timedelta(days=365), last)
        current = s.execute(select(Inspection.id).where(Inspection.is_current.is_(True))).scalars().all()
    assert {p.inspection_id for p in year} == set(current)
    assert none_before == []
    assert all(p.customer_no in {"C0001004", "C0001005"} for p in tangshan)
    assert len(tangshan) < len(year)
