"""Authenticity checks of an inspection: pure rules over plain values.

Every imported inspection revision is checked for signs that the visit did not happen as
reported. Each finding is a flag with a ``code``, a ``severity`` and structured
``detail`` (codes, numbers and times only: the screens word them), and may name the
other inspection that is its evidence.

| code | raised when | severity |
| --- | --- | --- |
| ``OFF_SITE_CHECKIN`` | the check-in is farther than max(200 m, 2 × its accuracy) from the customer's registered place | HIGH: the visit may not have been at the customer at all |
| ``PHOTO_OFF_SITE`` | a photo's place (app-recorded, or its EXIF GPS when readable) is farther than max(300 m, 2 × the check-in accuracy) from the check-in | MEDIUM: one photo taken elsewhere |
| ``PHOTO_TIME_OUTSIDE_VISIT`` | a photo's time (app-recorded, or its EXIF original time) lies outside [check-in − 30 min, check-out + 30 min] | MEDIUM |
| ``DUPLICATE_PHOTO`` | a photo is byte-identical to, or a near-duplicate of (pHash within 10 bits in the same category, 6 across categories), a photo of another inspection; raised on the later one, naming the earlier | HIGH: evidence handed in twice |
| ``SHORT_VISIT`` | check-in to check-out took under 10 minutes | MEDIUM |
| ``IMPOSSIBLE_TRAVEL`` | reaching this check-in from the inspector's previous check-out needs more than 120 km/h in a straight line; raised on the later one | HIGH |
| ``SPOOFED_TRACK`` | an accuracy of exactly 0, 5 or more consecutive points identical to 6 decimals, or a jump faster than 300 km/h inside the track | HIGH: signs of a mock-location app |
| ``SHARED_DEVICE`` | the device was used by another inspector within 30 days; raised on every inspection involved | MEDIUM: the owner of the phone may be innocent |
| ``COPY_PASTE_REPORT`` | the conclusion is at least 90% similar to an earlier inspection of the same customer; raised on the later one | HIGH: the report was not written from this visit |
| ``MISSING_EVIDENCE`` | a checklist item (not answered NA) whose template asks for a photo category has no photo of that category | LOW |
| ``UNPLANNED`` | the bundle answers no known post-loan task | LOW |

Conventions the rules share:

* coordinates are WGS-84 (the database's), distances great-circle metres;
* "later" means later in visit time: inspections are ordered by ``started_at`` and, for
  the same start, by ``bundle_id`` (:func:`visit_order`), never by import order;
* speeds between two fixes give each fix the benefit of its reported accuracy: the
  straight-line distance less both accuracy radii (at least 0) is what must be covered,
  so GPS jitter of a phone standing still is never "travel";
* EXIF that is missing or malformed is absent evidence (``data.images`` stores it as
  None, never as a place at 0,0): only what is readable is checked.

The thresholds are a frozen :class:`Thresholds`; the database keeps one copy for every
desktop (``data.authenticity.load_thresholds``), as JSON (:meth:`Thresholds.to_json`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import itertools
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from data.rules.coords import haversine_m
from data.rules.phash_index import NEAR_DUPLICATE_MAX_DISTANCE


class FlagCode(StrEnum):
    OFF_SITE_CHECKIN = "OFF_SITE_CHECKIN"
    PHOTO_OFF_SITE = "PHOTO_OFF_SITE"
    PHOTO_TIME_OUTSIDE_VISIT = "PHOTO_TIME_OUTSIDE_VISIT"
    DUPLICATE_PHOTO = "DUPLICATE_PHOTO"
    SHORT_VISIT = "SHORT_VISIT"
    IMPOSSIBLE_TRAVEL = "IMPOSSIBLE_TRAVEL"
    SPOOFED_TRACK = "SPOOFED_TRACK"
    SHARED_DEVICE = "SHARED_DEVICE"
    COPY_PASTE_REPORT = "COPY_PASTE_REPORT"
    MISSING_EVIDENCE = "MISSING_EVIDENCE"
    UNPLANNED = "UNPLANNED"


class Severity(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


#: how seriously a supervisor takes each finding (see the module docstring for why)
SEVERITY: Mapping[FlagCode, Severity] = {
    FlagCode.OFF_SITE_CHECKIN: Severity.HIGH,
    FlagCode.PHOTO_OFF_SITE: Severity.MEDIUM,
    FlagCode.PHOTO_TIME_OUTSIDE_VISIT: Severity.MEDIUM,
    FlagCode.DUPLICATE_PHOTO: Severity.HIGH,
    FlagCode.SHORT_VISIT: Severity.MEDIUM,
    FlagCode.IMPOSSIBLE_TRAVEL: Severity.HIGH,
    FlagCode.SPOOFED_TRACK: Severity.HIGH,
    FlagCode.SHARED_DEVICE: Severity.MEDIUM,
    FlagCode.COPY_PASTE_REPORT: Severity.HIGH,
    FlagCode.MISSING_EVIDENCE: Severity.LOW,
    FlagCode.UNPLANNED: Severity.LOW,
}


@dataclass(frozen=True)
class Thresholds:
    """Where each rule draws its line. Distances in metres, times in minutes or days,
    speeds in km/h, similarity as a fraction."""

    checkin_min_m: float = 200.0
    checkin_accuracy_factor: float = 2.0
    photo_min_m: float = 300.0
    photo_accuracy_factor: float = 2.0
    photo_time_margin_min: float = 30.0
    duplicate_max_distance: int = NEAR_DUPLICATE_MAX_DISTANCE  # Hamming bits of 64
    #: across photo categories a near-duplicate must be closer. Passing a photo off as the
    #: same kind of evidence (a storefront as the storefront) is the usual reuse; a copy
    #: re-filed under another category is still caught when resized, re-compressed or
    #: stripped (which move a hash 4 bits at most), while chance matches between unrelated
    #: photos, about 1 in 80,000 pairs at 10 bits and 1 in 10 million at 6 on the demo's,
    #: stop outnumbering real ones among the seven in eight pairs that cross categories
    duplicate_cross_category_max_distance: int = 6
    #: a near (not identical) pair is confirmed by a finer 256-bit hash of both photos:
    #: copies stay within 66 bits (a 3 % crop), chance matches start at 90
    duplicate_confirm_max_distance: int = 80
    short_visit_min: float = 10.0
    max_travel_kmh: float = 120.0
    spoof_identical_points: int = 5
    spoof_max_kmh: float = 300.0
    shared_device_days: float = 30.0
    copy_similarity: float = 0.90
    #: conclusions shorter than this (after removing spaces) are too short to call copied:
    #: "经营正常" twice is a habit, not a pasted report
    copy_min_chars: int = 20

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Thresholds:
        """The thresholds a setting holds. Unknown keys are ignored and a missing or
        unusable value keeps its default, so an older or newer desktop's setting never
        stops the checks."""
        if not text:
            return cls()
        try:
            raw = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(raw, dict):
            return cls()
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            value = raw.get(f.name)
            default = f.default
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if isinstance(default, int) and not isinstance(default, bool):
                if float(value).is_integer() and value >= 0:
                    values[f.name] = int(value)
            elif value >= 0:
                values[f.name] = float(value)
        return cls(**values)


# --- the facts the rules look at -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fix:
    """A point of a track, WGS-84; ``orig_lat``/``orig_lon`` are the values as sent."""

    t: dt.datetime
    lat: float
    lon: float
    accuracy_m: float | None
    event: str
    orig_lat: float | None = None
    orig_lon: float | None = None


@dataclass(frozen=True, slots=True)
class PhotoFacts:
    key: str
    category: str
    sha256: str
    taken_at: dt.datetime | None
    lat: float | None
    lon: float | None
    exif_taken_at: dt.datetime | None
    exif_lat: float | None
    exif_lon: float | None


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """One inspection revision as the rules see it.

    ``photo_items`` pairs each checklist item that was answered (not NA) and whose
    template asks for a photo with that photo category."""

    inspection_id: int
    bundle_id: str
    customer_no: str
    inspector_no: str
    device_id: str
    started_at: dt.datetime
    finished_at: dt.datetime
    customer_lat: float | None
    customer_lon: float | None
    track: tuple[Fix, ...]
    photos: tuple[PhotoFacts, ...]
    photo_items: tuple[tuple[str, str], ...]
    task_no: str | None
    task_known: bool
    conclusion: str

    @property
    def order(self) -> tuple[dt.datetime, str]:
        return visit_order(self.started_at, self.bundle_id)

    def checkin(self) -> Fix | None:
        return next((f for f in self.track if f.event == "CHECKIN"), None)

    def checkout(self) -> Fix | None:
        return next((f for f in self.track if f.event == "CHECKOUT"), None)


@dataclass(frozen=True, slots=True)
class Peer:
    """Another inspection (a current revision of another bundle) as evidence.

    ``end`` is where and when its visit ended: its check-out, or without one its
    check-in at ``finished_at``."""

    inspection_id: int
    bundle_id: str
    inspector_no: str
    started_at: dt.datetime
    end: Fix | None = None
    conclusion: str = ""

    @property
    def order(self) -> tuple[dt.datetime, str]:
        return visit_order(self.started_at, self.bundle_id)


@dataclass(frozen=True, slots=True)
class PhotoMatch:
    """A photo of this inspection that matches one of ``other``'s."""

    photo_key: str
    other: Peer
    other_photo_key: str
    distance: int  # Hamming bits between the perceptual hashes
    identical: bool  # same SHA-256
    same_category: bool = True  # filed under the same photo category as the other


@dataclass(frozen=True)
class Evidence:
    """What other inspections say about this one (each a current revision of another
    bundle): the inspector's previous visit, visits on the same device around this one,
    earlier inspections of the same customer, and photo matches."""

    previous: Peer | None = None
    device_peers: tuple[Peer, ...] = ()
    customer_peers: tuple[Peer, ...] = ()
    photo_matches: tuple[PhotoMatch, ...] = ()


@dataclass(frozen=True)
class Finding:
    code: FlagCode
    detail: Mapping[str, Any] = field(default_factory=dict)
    related_inspection_id: int | None = None

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.code]


def visit_order(started_at: dt.datetime, bundle_id: str) -> tuple[dt.datetime, str]:
    """The order of visits: by start, then (the same start) by bundle id."""
    return (started_at, bundle_id)


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat(timespec="seconds")


def _m(value: float) -> float:
    return round(value, 1)


def _effective_m(a: Fix, b: Fix) -> float:
    """The distance between two fixes that certainly had to be covered."""
    d = haversine_m(a.lat, a.lon, b.lat, b.lon)
    return max(0.0, d - (a.accuracy_m or 0.0) - (b.accuracy_m or 0.0))


def _speed_kmh(a: Fix, b: Fix) -> tuple[float, float | None]:
    """(effective metres, km/h from ``a`` to ``b``; None for "no time at all")."""
    metres = _effective_m(a, b)
    seconds = (b.t - a.t).total_seconds()
    if metres == 0.0:
        return metres, 0.0
    if seconds <= 0:
        return metres, None
    return metres, metres / seconds * 3.6


# --- the rules -------------------------------------------------------------------------------


def check_checkin(visit: VisitFacts, t: Thresholds) -> list[Finding]:
    """OFF_SITE_CHECKIN: the check-in is farther than max(200 m, 2 × its reported
    accuracy) from the customer's registered place. No place, no check."""
    checkin = visit.checkin()
    if checkin is None or visit.customer_lat is None or visit.customer_lon is None:
        return []
    distance = haversine_m(checkin.lat, checkin.lon, visit.customer_lat, visit.customer_lon)
    limit = max(t.checkin_min_m, t.checkin_accuracy_factor * (checkin.accuracy_m or 0.0))
    if distance <= limit:
        return []
    return [
        Finding(
            FlagCode.OFF_SITE_CHECKIN,
            {"distance_m": _m(distance), "limit_m": _m(limit), "accuracy_m": checkin.accuracy_m},
        )
    ]


def check_photo_places(visit: VisitFacts, t: Thresholds) -> list[Finding]:
    """PHOTO_OFF_SITE, one flag a photo: its app-recorded place or its readable EXIF GPS
    is farther than max(300 m, 2 × the check-in accuracy) from the check-in."""
    checkin = visit.checkin()
    if checkin is None:
        return []
    limit = max(t.photo_min_m, t.photo_accuracy_factor * (checkin.accuracy_m or 0.0))
    out: list[Finding] = []
    for photo in visit.photos:
        places: list[dict[str, Any]] = []
        for source, lat, lon in (("APP", photo.lat, photo.lon), ("EXIF", photo.exif_lat, photo.exif_lon)):
            if lat is None or lon is None:
                continue
            distance = haversine_m(lat, lon, checkin.lat, checkin.lon)
            if distance > limit:
                places.append({"source": source, "distance_m": _m(distance)})
        if places:
            out.append(
                Finding(
                    FlagCode.PHOTO_OFF_SITE,
                    {"photo": photo.key, "category": photo.category, "limit_m": _m(limit), "places": places},
                )
            )
    return out


def visit_window(visit: VisitFacts, t: Thresholds) -> tuple[dt.datetime, dt.datetime]:
    """[check-in − margin, check-out + margin]; without a check-out point the visit ends
    at ``finished_at``, without a check-in point it starts at ``started_at``."""
    checkin, checkout = visit.checkin(), visit.checkout()
    start = checkin.t if checkin else visit.started_at
    end = checkout.t if checkout else visit.finished_at
    margin = dt.timedelta(minutes=t.photo_time_margin_min)
    return start - margin, end + margin


def check_photo_times(visit: VisitFacts, t: Thresholds) -> list[Finding]:
    """PHOTO_TIME_OUTSIDE_VISIT, one flag a photo: its app-recorded time or its EXIF
    original time (Beijing time unless the EXIF states its offset) lies outside the visit
    window (:func:`visit_window`)."""
    lo, hi = visit_window(visit, t)
    out: list[Finding] = []
    for photo in visit.photos:
        times: list[dict[str, Any]] = []
        for source, when in (("APP", photo.taken_at), ("EXIF", photo.exif_taken_at)):
            if when is None or lo <= when <= hi:
                continue
            off = (lo - when) if when < lo else (when - hi)
            times.append(
                {
                    "source": source,
                    "at": _iso(when),
                    "minutes_outside": round(off.total_seconds() / 60, 1),
                }
            )
        if times:
            out.append(
                Finding(
                    FlagCode.PHOTO_TIME_OUTSIDE_VISIT,
                    {
                        "photo": photo.key,
                        "category": photo.category,
                        "window_from": _iso(lo),
                        "window_to": _iso(hi),
                        "times": times,
                    },
                )
            )
    return out


def check_duplicates(visit: VisitFacts, matches: Iterable[PhotoMatch], t: Thresholds) -> list[Finding]:
    """DUPLICATE_PHOTO, one flag per earlier inspection: photos identical to, or within
    ``duplicate_max_distance`` bits of the perceptual hash of, photos of an earlier
    inspection (of another bundle). The earlier one is not flagged for it."""
    by_other: dict[int, tuple[Peer, list[dict[str, Any]]]] = {}
    for match in matches:
        other = match.other
        if other.bundle_id == visit.bundle_id or other.order >= visit.order:
            continue
        limit = t.duplicate_max_distance if match.same_category else t.duplicate_cross_category_max_distance
        if not match.identical and match.distance > limit:
            continue
        _peer, pairs = by_other.setdefault(other.inspection_id, (other, []))
        pairs.append(
            {
                "photo": match.photo_key,
                "other_photo": match.other_photo_key,
                "distance": match.distance,
                "identical": match.identical,
            }
        )
    out = []
    for other_id, (other, pairs) in sorted(by_other.items(), key=lambda kv: kv[1][0].order):
        pairs.sort(key=lambda p: (p["photo"], p["other_photo"]))
        out.append(
            Finding(
                FlagCode.DUPLICATE_PHOTO,
                {"other_started_at": _iso(other.started_at), "photos": pairs},
                other_id,
            )
        )
    return out


def check_duration(visit: VisitFacts, t: Thresholds) -> list[Finding]:
    """SHORT_VISIT: check-in to check-out (or ``finished_at``) under the minimum."""
    checkin, checkout = visit.checkin(), visit.checkout()
    start = checkin.t if checkin else visit.started_at
    end = checkout.t if checkout else visit.finished_at
    minutes = (end - start).total_seconds() / 60
    if minutes >= t.short_visit_min:
        return []
    return [Finding(FlagCode.SHORT_VISIT, {"minutes": round(minutes, 1), "limit_min": t.short_visit_min})]


def check_travel(visit: VisitFacts, previous: Peer | None, t: Thresholds) -> list[Finding]:
    """IMPOSSIBLE_TRAVEL: from the end of the inspector's previous visit to this check-in
    in a straight line faster than ``max_travel_kmh`` (accuracies allowed for; a check-in
    before the previous visit ended at another place counts as impossible)."""
    checkin = visit.checkin()
    if checkin is None or previous is None or previous.end is None:
        return []
    _metres, kmh = _speed_kmh(previous.end, checkin)
    if kmh is not None and kmh <= t.max_travel_kmh:
        return []
    return [
        Finding(
            FlagCode.IMPOSSIBLE_TRAVEL,
            {
                "distance_m": _m(haversine_m(previous.end.lat, previous.end.lon, checkin.lat, checkin.lon)),
                "minutes": round((checkin.t - previous.end.t).total_seconds() / 60, 1),
                "speed_kmh": round(kmh, 1) if kmh is not None else None,
                "limit_kmh": t.max_travel_kmh,
                "previous_end_at": _iso(previous.end.t),
            },
            previous.inspection_id,
        )
    ]


def check_track(visit: VisitFacts, t: Thresholds) -> list[Finding]:
    """SPOOFED_TRACK: any point reporting an accuracy of exactly 0; a run of
    ``spoof_identical_points`` or more consecutive points whose coordinates as sent are
    identical to 6 decimals (a real receiver always wanders); or a jump between two
    consecutive points (by time) faster than ``spoof_max_kmh``."""
    signs: list[dict[str, Any]] = []
    zero = [i for i, f in enumerate(visit.track) if f.accuracy_m == 0]
    if zero:
        signs.append({"sign": "ZERO_ACCURACY", "points": len(zero)})
    run = best = 1
    prev: tuple[float, float] | None = None
    for f in visit.track:
        here = (
            round(f.orig_lat if f.orig_lat is not None else f.lat, 6),
            round(f.orig_lon if f.orig_lon is not None else f.lon, 6),
        )
        run = run + 1 if here == prev else 1
        best = max(best, run)
        prev = here
    if best >= t.spoof_identical_points:
        signs.append({"sign": "FROZEN_POSITION", "points": best})
    ordered = sorted(visit.track, key=lambda f: f.t)
    jumps: list[tuple[float, float]] = []  # (km/h, infinite for no time at all; metres)
    for a, b in itertools.pairwise(ordered):
        metres, kmh = _speed_kmh(a, b)
        if kmh is None or kmh > t.spoof_max_kmh:
            jumps.append((math.inf if kmh is None else kmh, metres))
    if jumps:
        kmh, metres = max(jumps)
        signs.append(
            {
                "sign": "JUMP",
                "speed_kmh": round(kmh, 1) if math.isfinite(kmh) else None,
                "distance_m": _m(metres),
                "limit_kmh": t.spoof_max_kmh,
            }
        )
    return [Finding(FlagCode.SPOOFED_TRACK, {"signs": signs})] if signs else []


def check_device(visit: VisitFacts, peers: Iterable[Peer], t: Thresholds) -> list[Finding]:
    """SHARED_DEVICE: another inspector used this device within ``shared_device_days`` of
    this visit (either side). Raised on every inspection involved, the phone's owner's
    too: which of them lent it is for the supervisor to ask. Names the nearest other."""
    if not visit.device_id:
        return []
    window = dt.timedelta(days=t.shared_device_days)
    others = sorted(
        (
            p
            for p in peers
            if p.bundle_id != visit.bundle_id
            and p.inspector_no != visit.inspector_no
            and abs(p.started_at - visit.started_at) <= window
        ),
        key=lambda p: (abs(p.started_at - visit.started_at), p.order),
    )
    if not others:
        return []
    return [
        Finding(
            FlagCode.SHARED_DEVICE,
            {
                "device_id": visit.device_id,
                "window_days": t.shared_device_days,
                "others": [
                    {
                        "inspection_id": p.inspection_id,
                        "inspector": p.inspector_no,
                        "days_apart": round((p.started_at - visit.started_at).total_seconds() / 86400, 1),
                    }
                    for p in others[:20]
                ],
                "other_inspectors": sorted({p.inspector_no for p in others}),
            },
            others[0].inspection_id,
        )
    ]


def normalise_text(text: str) -> str:
    return "".join(text.split())


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0..1 (difflib's ratio over the texts without spaces)."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@functools.lru_cache(maxsize=8192)
def _char_counts(text: str) -> dict[str, int]:
    return dict(Counter(text))


def at_least_alike(a: str, b: str, threshold: float) -> float | None:
    """``similarity(a, b)`` when it reaches ``threshold``, else None. Two cheap upper
    bounds of difflib's ratio rule most pairs out first: the lengths, and the characters
    the texts share (each text's character counts are kept, since a customer's reports
    are compared with each other again and again)."""
    total = len(a) + len(b)
    if total == 0:
        return 1.0 if threshold <= 1.0 else None
    if 2.0 * min(len(a), len(b)) / total < threshold:
        return None
    ca, cb = _char_counts(a), _char_counts(b)
    if len(ca) > len(cb):
        ca, cb = cb, ca
    shared = sum(min(n, cb.get(ch, 0)) for ch, n in ca.items())
    if 2.0 * shared / total < threshold:
        return None
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return ratio if ratio >= threshold else None


def check_copy(visit: VisitFacts, peers: Iterable[Peer], t: Thresholds) -> list[Finding]:
    """COPY_PASTE_REPORT: the conclusion (summary and follow-up) is at least
    ``copy_similarity`` alike an earlier inspection's of the same customer (another
    bundle: a resubmission naturally repeats its own earlier revision). Names the most
    alike, the latest of equals."""
    own = normalise_text(visit.conclusion)
    if len(own) < t.copy_min_chars:
        return []
    best: tuple[float, tuple[dt.datetime, str], Peer] | None = None
    for peer in peers:
        if peer.bundle_id == visit.bundle_id or peer.order >= visit.order:
            continue
        other = normalise_text(peer.conclusion)
        if len(other) < t.copy_min_chars:
            continue
        ratio = at_least_alike(own, other, t.copy_similarity)
        if ratio is not None and (best is None or (ratio, peer.order) > best[:2]):
            best = (ratio, peer.order, peer)
    if best is None:
        return []
    ratio, _order, peer = best
    return [
        Finding(
            FlagCode.COPY_PASTE_REPORT,
            {
                "similarity": round(ratio, 3),
                "limit": t.copy_similarity,
                "other_started_at": _iso(peer.started_at),
            },
            peer.inspection_id,
        )
    ]


def check_evidence(visit: VisitFacts) -> list[Finding]:
    """MISSING_EVIDENCE, one flag an item: a checklist item answered (not NA) whose
    template asks for a photo category, while the inspection has no photo of it."""
    have = {p.category for p in visit.photos}
    return [
        Finding(FlagCode.MISSING_EVIDENCE, {"item": code, "category": category})
        for code, category in visit.photo_items
        if category not in have
    ]


def check_planned(visit: VisitFacts) -> list[Finding]:
    """UNPLANNED: the bundle names no task, or one the workstation never issued."""
    if visit.task_known:
        return []
    return [Finding(FlagCode.UNPLANNED, {"task_no": visit.task_no})]


def assess(visit: VisitFacts, evidence: Evidence, thresholds: Thresholds) -> tuple[Finding, ...]:
    """Every finding about one inspection revision, in a stable order."""
    t = thresholds
    return (
        *check_checkin(visit, t),
        *check_photo_places(visit, t),
        *check_photo_times(visit, t),
        *check_duplicates(visit, evidence.photo_matches, t),
        *check_duration(visit, t),
        *check_travel(visit, evidence.previous, t),
        *check_track(visit, t),
        *check_device(visit, evidence.device_peers, t),
        *check_copy(visit, evidence.customer_peers, t),
        *check_evidence(visit),
        *check_planned(visit),
    )
