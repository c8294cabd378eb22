"""The authenticity rules as pure functions: each one on both sides of its threshold."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.demo.common import offset_point
from data.rules.authenticity import (
    SEVERITY,
    Evidence,
    Fix,
    FlagCode,
    Peer,
    PhotoFacts,
    PhotoMatch,
    Severity,
    Thresholds,
    VisitFacts,
    assess,
    check_checkin,
    check_copy,
    check_device,
    check_duplicates,
    check_duration,
    check_evidence,
    check_photo_places,
    check_photo_times,
    check_planned,
    check_track,
    check_travel,
)
from data.rules.phash_index import NEAR_DUPLICATE_MAX_DISTANCE

T = Thresholds()
HOME = (38.03, 114.52)
START = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 Beijing
END = START + dt.timedelta(minutes=45)
NORTH, EAST = 0.0, 1.5707963267948966


def at(metres: float, bearing: float = NORTH, origin: tuple[float, float] = HOME) -> tuple[float, float]:
    return offset_point(*origin, metres, bearing)


def fix(
    t: dt.datetime, where: tuple[float, float] = HOME, acc: float | None = 10.0, event: str = "TRACK"
) -> Fix:
    return Fix(t, where[0], where[1], acc, event, round(where[0], 6), round(where[1], 6))


def photo(key: str = "p1", category: str = "STOREFRONT", **kw: Any) -> PhotoFacts:
    base: dict[str, Any] = {
        "key": key,
        "category": category,
        "sha256": key * 32,
        "taken_at": START + dt.timedelta(minutes=5),
        "lat": HOME[0],
        "lon": HOME[1],
        "exif_taken_at": START + dt.timedelta(minutes=5),
        "exif_lat": HOME[0],
        "exif_lon": HOME[1],
    }
    base.update(kw)
    return PhotoFacts(**base)


def visit(**kw: Any) -> VisitFacts:
    base: dict[str, Any] = {
        "inspection_id": 10,
        "bundle_id": "b-10",
        "customer_no": "C1",
        "inspector_no": "E1",
        "device_id": "DEV-1",
        "started_at": START,
        "finished_at": END,
        "customer_lat": HOME[0],
        "customer_lon": HOME[1],
        "track": (
            fix(START - dt.timedelta(minutes=20), at(2000)),
            fix(START, event="CHECKIN"),
            fix(START + dt.timedelta(minutes=20), at(15)),
            fix(END, at(5), event="CHECKOUT"),
        ),
        "photos": (photo("p1"), photo("p2", "PREMISES"), photo("p3", "MEETING")),
        "photo_items": (("OPS-01", "PREMISES"), ("OPS-02", "STOREFRONT"), ("MGT-01", "MEETING")),
        "task_no": "PLT1",
        "task_known": True,
        "conclusion": "企业经营正常,近三月回款约539万元,车间开工正常,工人在岗,建议维持正常分类。\n下季度例行检查",
    }
    base.update(kw)
    return VisitFacts(**base)


def with_checkin(v: VisitFacts, where: tuple[float, float], acc: float | None = 10.0) -> VisitFacts:
    track = tuple(
        dataclasses.replace(f, lat=where[0], lon=where[1], accuracy_m=acc, orig_lat=None, orig_lon=None)
        if f.event == "CHECKIN"
        else f
        for f in v.track
    )
    return dataclasses.replace(v, track=track)


def codes(findings: Any) -> list[str]:
    return [str(f.code) for f in findings]


def test_a_clean_visit_raises_nothing() -> None:
    assert assess(visit(), Evidence(), T) == ()


def test_every_code_has_a_severity() -> None:
    assert set(SEVERITY) == set(FlagCode)
    assert SEVERITY[FlagCode.DUPLICATE_PHOTO] is Severity.HIGH
    assert SEVERITY[FlagCode.UNPLANNED] is Severity.LOW


# --- OFF_SITE_CHECKIN ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metres", "acc", "flagged"),
    [
        (190, 10, False),
        (210, 10, True),
        (210, None, True),
        (390, 200, False),  # 2 × accuracy = 400 m
        (410, 200, True),
    ],
)
def test_checkin_distance_from_the_customer(metres: float, acc: float | None, flagged: bool) -> None:
    findings = check_checkin(with_checkin(visit(), at(metres, EAST), acc), T)
    assert codes(findings) == (["OFF_SITE_CHECKIN"] if flagged else [])
    if flagged:
        assert findings[0].detail["distance_m"] == pytest.approx(metres, abs=2)
        assert findings[0].detail["limit_m"] == max(200, 2 * (acc or 0))


def test_no_registered_place_means_no_checkin_check() -> None:
    v = with_checkin(visit(customer_lat=None, customer_lon=None), at(5000))
    assert check_checkin(v, T) == []


# --- PHOTO_OFF_SITE ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "metres", "flagged"),
    [("APP", 290, False), ("APP", 310, True), ("EXIF", 290, False), ("EXIF", 310, True)],
)
def test_photo_place_against_the_checkin(source: str, metres: float, flagged: bool) -> None:
    lat, lon = at(metres, EAST)
    fields = {"lat": lat, "lon": lon} if source == "APP" else {"exif_lat": lat, "exif_lon": lon}
    findings = check_photo_places(visit(photos=(photo("p1", **fields),)), T)
    assert codes(findings) == (["PHOTO_OFF_SITE"] if flagged else [])
    if flagged:
        assert findings[0].detail["photo"] == "p1"
        assert [p["source"] for p in findings[0].detail["places"]] == [source]


def test_photo_limit_grows_with_the_checkin_accuracy() -> None:
    lat, lon = at(500, EAST)
    v = with_checkin(visit(photos=(photo("p1", lat=lat, lon=lon),)), HOME, acc=260)  # 520 m
    assert check_photo_places(v, T) == []
    v = with_checkin(v, HOME, acc=240)  # 480 m
    assert codes(check_photo_places(v, T)) == ["PHOTO_OFF_SITE"]


def test_unreadable_exif_place_is_not_a_place() -> None:
    v = visit(photos=(photo("p1", exif_lat=None, exif_lon=None, exif_taken_at=None),), photo_items=())
    assert assess(v, Evidence(), T) == ()


# --- PHOTO_TIME_OUTSIDE_VISIT ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "offset_min", "flagged"),
    [
        ("APP", -29, False),
        ("APP", -31, True),
        ("APP", 45 + 29, False),
        ("APP", 45 + 31, True),
        ("EXIF", -29, False),
        ("EXIF", -31, True),
        ("EXIF", 45 + 31, True),
        ("EXIF", -3 * 24 * 60, True),
    ],
)
def test_photo_time_against_the_visit(source: str, offset_min: int, flagged: bool) -> None:
    when = START + dt.timedelta(minutes=offset_min)
    fields = {"taken_at": when} if source == "APP" else {"exif_taken_at": when}
    findings = check_photo_times(visit(photos=(photo("p1", **fields),)), T)
    assert codes(findings) == (["PHOTO_TIME_OUTSIDE_VISIT"] if flagged else [])
    if flagged:
        assert [x["source"] for x in findings[0].detail["times"]] == [source]


def test_photo_without_any_time_is_not_checked() -> None:
    v = visit(photos=(photo("p1", taken_at=None, exif_taken_at=None),))
    assert check_photo_times(v, T) == []


# --- DUPLICATE_PHOTO ---------------------------------------------------------------------------


def peer(inspection_id: int = 5, started: dt.datetime = START - dt.timedelta(days=3), **kw: Any) -> Peer:
    base: dict[str, Any] = {
        "inspection_id": inspection_id,
        "bundle_id": f"b-{inspection_id}",
        "inspector_no": "E1",
        "started_at": started,
    }
    base.update(kw)
    return Peer(**base)


@pytest.mark.parametrize(
    ("distance", "identical", "flagged"),
    [
        (0, True, True),
        (NEAR_DUPLICATE_MAX_DISTANCE, False, True),
        (NEAR_DUPLICATE_MAX_DISTANCE + 1, False, False),
    ],
)
def test_duplicate_photo_of_an_earlier_inspection(distance: int, identical: bool, flagged: bool) -> None:
    match = PhotoMatch("p1", peer(), "p2", distance, identical)
    findings = check_duplicates(visit(), [match], T)
    assert codes(findings) == (["DUPLICATE_PHOTO"] if flagged else [])
    if flagged:
        assert findings[0].related_inspection_id == 5
        assert findings[0].detail["photos"] == [
            {"photo": "p1", "other_photo": "p2", "distance": distance, "identical": identical}
        ]


@pytest.mark.parametrize(
    ("distance", "identical", "flagged"),
    [
        (0, True, True),
        (T.duplicate_cross_category_max_distance, False, True),
        (T.duplicate_cross_category_max_distance + 1, False, False),
        (NEAR_DUPLICATE_MAX_DISTANCE, False, False),
    ],
)
def test_across_categories_a_near_duplicate_must_be_closer(
    distance: int, identical: bool, flagged: bool
) -> None:
    match = PhotoMatch("p1", peer(), "p2", distance, identical, same_category=False)
    assert codes(check_duplicates(visit(), [match], T)) == (["DUPLICATE_PHOTO"] if flagged else [])


def test_duplicate_is_raised_on_the_later_one_only() -> None:
    later = PhotoMatch("p1", peer(started=START + dt.timedelta(days=1)), "p2", 0, True)
    assert check_duplicates(visit(), [later], T) == []
    # the same start: the bundle id decides, never the import order
    same_a = PhotoMatch("p1", peer(started=START, bundle_id="a"), "p2", 0, True)
    same_z = PhotoMatch("p1", peer(started=START, bundle_id="z"), "p2", 0, True)
    assert codes(check_duplicates(visit(), [same_a], T)) == ["DUPLICATE_PHOTO"]
    assert check_duplicates(visit(), [same_z], T) == []


def test_a_revision_of_the_same_bundle_is_no_duplicate() -> None:
    sibling = PhotoMatch("p1", peer(bundle_id="b-10"), "p1", 0, True)
    assert check_duplicates(visit(), [sibling], T) == []


# --- SHORT_VISIT -------------------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "flagged"), [(9.9, True), (10.0, False), (3, True), (45, False)])
def test_short_visit(minutes: float, flagged: bool) -> None:
    end = START + dt.timedelta(minutes=minutes)
    track = (fix(START, event="CHECKIN"), fix(end, event="CHECKOUT"))
    findings = check_duration(visit(track=track, finished_at=end), T)
    assert codes(findings) == (["SHORT_VISIT"] if flagged else [])


# --- IMPOSSIBLE_TRAVEL -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("km", "minutes", "flagged"),
    [(20, 30, False), (60, 29, True), (59, 30, False), (118, 60, False), (122, 60, True)],
)
def test_travel_from_the_previous_checkout(km: float, minutes: float, flagged: bool) -> None:
    # accuracies of 0 so the straight line is exactly the distance
    v = with_checkin(visit(), HOME, acc=0.0)
    end = fix(START - dt.timedelta(minutes=minutes), at(km * 1000, EAST), acc=0.0, event="CHECKOUT")
    findings = check_travel(v, peer(end=end), T)
    assert codes(findings) == (["IMPOSSIBLE_TRAVEL"] if flagged else [])
    if flagged:
        assert findings[0].related_inspection_id == 5
        assert findings[0].detail["speed_kmh"] == pytest.approx(km / minutes * 60, rel=0.02)


def test_overlapping_visits_at_different_places_are_impossible() -> None:
    end = fix(START + dt.timedelta(minutes=5), at(3000, EAST), event="CHECKOUT")
    findings = check_travel(visit(), peer(end=end), T)
    assert codes(findings) == ["IMPOSSIBLE_TRAVEL"]
    assert findings[0].detail["speed_kmh"] is None


def test_gps_jitter_is_no_travel() -> None:
    """A next visit next door a minute later: within the two accuracies, no travel."""
    end = fix(START - dt.timedelta(seconds=30), at(15, EAST), acc=10.0, event="CHECKOUT")
    assert check_travel(visit(), peer(end=end), T) == []


# --- SPOOFED_TRACK -----------------------------------------------------------------------------


def test_zero_accuracy_is_a_mock_location_sign() -> None:
    track = (fix(START, acc=0.0, event="CHECKIN"), fix(END, at(5), event="CHECKOUT"))
    findings = check_track(visit(track=track), T)
    assert codes(findings) == ["SPOOFED_TRACK"]
    assert findings[0].detail["signs"][0]["sign"] == "ZERO_ACCURACY"
    track = (fix(START, acc=0.1, event="CHECKIN"), fix(END, at(5), event="CHECKOUT"))
    assert check_track(visit(track=track), T) == []


@pytest.mark.parametrize(("run", "flagged"), [(4, False), (5, True)])
def test_frozen_position(run: int, flagged: bool) -> None:
    frozen = tuple(fix(START + dt.timedelta(minutes=i), at(3)) for i in range(run))
    track = (fix(START, event="CHECKIN"), *frozen, fix(END, at(20), event="CHECKOUT"))
    findings = check_track(visit(track=track), T)
    assert codes(findings) == (["SPOOFED_TRACK"] if flagged else [])
    if flagged:
        assert findings[0].detail["signs"] == [{"sign": "FROZEN_POSITION", "points": run}]


@pytest.mark.parametrize(("km", "flagged"), [(4.9, False), (5.1, True)])
def test_jump_inside_the_track(km: float, flagged: bool) -> None:
    """A minute between two points: 300 km/h is 5 km (no accuracy reported)."""
    a = fix(START, acc=None, event="CHECKIN")
    b = fix(START + dt.timedelta(minutes=1), at(km * 1000, EAST), acc=None)
    findings = check_track(visit(track=(a, b)), T)
    assert codes(findings) == (["SPOOFED_TRACK"] if flagged else [])


# --- SHARED_DEVICE -----------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "flagged"), [(29.9, True), (30.1, False), (-29.9, True), (-30.1, False)])
def test_device_used_by_another_inspector(days: float, flagged: bool) -> None:
    other = peer(started=START + dt.timedelta(days=days), inspector_no="E2")
    findings = check_device(visit(), [other], T)
    assert codes(findings) == (["SHARED_DEVICE"] if flagged else [])
    if flagged:
        assert findings[0].detail["other_inspectors"] == ["E2"]
        assert findings[0].related_inspection_id == 5


def test_own_visits_and_unknown_devices_share_nothing() -> None:
    own = peer(inspector_no="E1", started=START - dt.timedelta(days=1))
    assert check_device(visit(), [own], T) == []
    other = peer(inspector_no="E2", started=START - dt.timedelta(days=1))
    assert check_device(visit(device_id=""), [other], T) == []


# --- COPY_PASTE_REPORT -------------------------------------------------------------------------


def test_copied_conclusion_of_an_earlier_inspection() -> None:
    v = visit()
    same = peer(conclusion=v.conclusion)
    findings = check_copy(v, [same], T)
    assert codes(findings) == ["COPY_PASTE_REPORT"]
    assert findings[0].detail["similarity"] == 1.0
    # raised on the later one only, never against a revision of the same bundle
    assert check_copy(v, [peer(conclusion=v.conclusion, started=START + dt.timedelta(days=1))], T) == []
    assert check_copy(v, [peer(conclusion=v.conclusion, bundle_id="b-10")], T) == []


def test_copy_similarity_threshold() -> None:
    base = "企业经营正常,近三月回款约539万元,车间开工正常,工人在岗,仓库库存充足,建议维持正常分类。"
    near = base.replace("539", "541")  # two characters of 45 differ: about 95%
    far = "企业经营出现波动,近三月回款约120万元,两条产线停产检修,建议列入关注名单,加强跟踪。"
    v = visit(conclusion=base)
    assert codes(check_copy(v, [peer(conclusion=near)], T)) == ["COPY_PASTE_REPORT"]
    assert check_copy(v, [peer(conclusion=far)], T) == []
    strict = Thresholds(copy_similarity=0.99)
    assert check_copy(v, [peer(conclusion=near)], strict) == []


def test_short_conclusions_are_not_called_copies() -> None:
    v = visit(conclusion="经营正常")
    assert check_copy(v, [peer(conclusion="经营正常")], T) == []


# --- MISSING_EVIDENCE and UNPLANNED ------------------------------------------------------------


def test_item_asking_for_a_photo_category_without_one() -> None:
    v = visit(photo_items=(("OPS-01", "PREMISES"), ("COL-01", "COLLATERAL")))
    findings = check_evidence(v)
    assert codes(findings) == ["MISSING_EVIDENCE"]
    assert findings[0].detail == {"item": "COL-01", "category": "COLLATERAL"}
    assert check_evidence(visit(photo_items=(("OPS-01", "PREMISES"),))) == []


def test_unplanned() -> None:
    assert check_planned(visit()) == []
    assert codes(check_planned(visit(task_no=None, task_known=False))) == ["UNPLANNED"]
    findings = check_planned(visit(task_no="PLT-NEVER-ISSUED", task_known=False))
    assert findings[0].detail == {"task_no": "PLT-NEVER-ISSUED"}


# --- thresholds ----------------------------------------------------------------------------------


def test_thresholds_round_trip_and_tolerate_bad_settings() -> None:
    custom = Thresholds(checkin_min_m=150.0, duplicate_max_distance=6, copy_similarity=0.95)
    assert Thresholds.from_json(custom.to_json()) == custom
    assert Thresholds.from_json(None) == Thresholds()
    assert Thresholds.from_json("not json") == Thresholds()
    assert Thresholds.from_json("[1, 2]") == Thresholds()
    mixed = json.dumps(
        {"checkin_min_m": 250, "short_visit_min": "ten", "unknown": 1, "spoof_identical_points": 4.5}
    )
    loaded = Thresholds.from_json(mixed)
    assert loaded.checkin_min_m == 250.0
    assert loaded.short_visit_min == Thresholds().short_visit_min
    assert loaded.spoof_identical_points == Thresholds().spoof_identical_points
    assert Thresholds().duplicate_max_distance == NEAR_DUPLICATE_MAX_DISTANCE


def test_details_are_plain_json() -> None:
    end = fix(START + dt.timedelta(minutes=5), at(3000, EAST), event="CHECKOUT")
    v = with_checkin(
        visit(
            task_no=None, task_known=False, photos=(photo("p1", exif_taken_at=START - dt.timedelta(days=2)),)
        ),
        at(900),
    )
    findings = assess(v, Evidence(previous=peer(end=end)), T)
    assert {str(f.code) for f in findings} >= {"OFF_SITE_CHECKIN", "IMPOSSIBLE_TRAVEL", "UNPLANNED"}
    for f in findings:
        assert json.loads(json.dumps(f.detail)) == f.detail


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="甲乙丙丁戊己庚辛，。", max_size=40),
    st.text(alphabet="甲乙丙丁戊己庚辛，。", max_size=40),
    st.sampled_from([0.5, 0.8, 0.9, 0.95]),
)
def test_the_cheap_bounds_never_change_the_copy_verdict(a: str, b: str, threshold: float) -> None:
    from data.rules.authenticity import at_least_alike, similarity

    full = similarity(a, b)
    got = at_least_alike(a, b, threshold)
    assert (got is not None) == (full >= threshold)
    if got is not None:
        assert got == full
