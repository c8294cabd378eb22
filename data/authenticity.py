"""Authenticity flags in the database: the facts each check needs, computed and kept.

The rules themselves are pure (``data.rules.authenticity``); this module loads what they
look at, stores what they find in ``inspection_flags`` and keeps it current.

What counts as evidence:

* Every revision, current or superseded, gets flags computed by the same rules, so a
  superseded revision keeps flags of its own (it is not wiped when its resubmission
  arrives). The *other* inspections a flag looks at are always current revisions of
  other bundles: a resubmission repeats its earlier revision's visit, photos and report,
  which must not count against it, and a superseded revision no longer speaks for its
  bundle.
* "Later" is later in visit time (``started_at``, then ``bundle_id``), never import
  order, so bundles arriving out of order end with the flags they would have had in order.

Keeping flags current: when bundles are imported, :func:`update_flags` runs in the same
transaction. It recomputes the new revisions and every inspection whose flags their
arrival (or the supersession of an earlier revision of the same bundle) can change: the
same inspector's next visit (whose previous check-out may now be this one), other
inspectors' visits on the same device within the sharing window, the same customer's
later reports that are alike enough to be copies of this one, the inspections holding a
matching photo, and any inspection whose flags name a revision of these bundles.
Recomputing replaces those inspections' flags whole, so the result never depends on the
order things arrived in: :func:`recompute_all` gives the same flags from scratch (the
tests check both on the demo). The bulk loader may skip the per-batch update and run
:func:`recompute_all` once at the end.

Near-duplicate photos are found through a :class:`PhotoHashIndex` (multi-index hashing
over the perceptual hashes), never by comparing with every stored photo.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from data import audit
from data.db import Database
from data.images import PhotoStore, fine_hash
from data.ingest.bundles import checklist_template
from data.models import (
    AppSetting,
    ChecklistAnswer,
    Customer,
    Inspection,
    InspectionFlag,
    Photo,
    PostLoanTask,
    TrackPoint,
    table,
)
from data.rules.authenticity import (
    Evidence,
    Finding,
    Fix,
    Peer,
    PhotoFacts,
    PhotoMatch,
    Thresholds,
    VisitFacts,
    assess,
    at_least_alike,
    normalise_text,
    visit_order,
)
from data.rules.phash_index import PhashIndex
from data.settings import get_setting, set_setting

THRESHOLDS_KEY = "authenticity_thresholds"
_CHUNK = 2000  # keys per IN (...): far under SQLite's and PostgreSQL's parameter limits
_T = TypeVar("_T")
Progress = Callable[[int, int, str], None]


# --- thresholds --------------------------------------------------------------------------


def load_thresholds_in(session: Session) -> Thresholds:
    """The thresholds every desktop on this database shares (defaults until saved)."""
    text = session.execute(
        select(AppSetting.value).where(AppSetting.key == THRESHOLDS_KEY)
    ).scalar_one_or_none()
    return Thresholds.from_json(text)


def load_thresholds(db: Database) -> Thresholds:
    return Thresholds.from_json(get_setting(db, THRESHOLDS_KEY))


def save_thresholds_in(session: Session, thresholds: Thresholds, actor: str) -> bool:
    """Store new thresholds for every desktop, audited with the old and new values, in the
    caller's transaction. Returns whether anything changed. Flags already stored keep the
    thresholds they were computed with until :func:`recompute_all` runs."""
    old = load_thresholds_in(session)
    if old == thresholds:
        return False
    row = session.get(AppSetting, THRESHOLDS_KEY)
    if row is None:
        session.add(AppSetting(key=THRESHOLDS_KEY, value=thresholds.to_json()))
    else:
        row.value = thresholds.to_json()
    before, after = json.loads(old.to_json()), json.loads(thresholds.to_json())
    changed = {k: {"old": before[k], "new": after[k]} for k in after if before.get(k) != after[k]}
    audit.append(session, actor, "SET_AUTHENTICITY_THRESHOLDS", "setting", THRESHOLDS_KEY, changed)
    return True


def save_thresholds(db: Database, thresholds: Thresholds) -> None:
    """Store the thresholds for every desktop. Flags already stored keep the thresholds
    they were computed with until :func:`recompute_all` runs (the caller decides when)."""
    set_setting(db, THRESHOLDS_KEY, thresholds.to_json())


# --- reading flags -----------------------------------------------------------------------


@dataclass(frozen=True)
class FlagRow:
    id: int
    inspection_id: int
    code: str
    severity: str
    detail: Mapping[str, Any]
    related_inspection_id: int | None
    computed_at: dt.datetime


_SEVERITY_RANK = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}


def flags_for(session: Session, inspection_ids: Iterable[int]) -> dict[int, tuple[FlagRow, ...]]:
    """The flags of each asked inspection (an empty tuple for one without any), most
    severe first."""
    ids = sorted(set(inspection_ids))
    out: dict[int, list[FlagRow]] = {i: [] for i in ids}
    f = table(InspectionFlag).c
    for part in _chunks(ids):
        rows = session.execute(
            select(
                f.id, f.inspection_id, f.code, f.severity, f.detail, f.related_inspection_id, f.computed_at
            ).where(f.inspection_id.in_(part))
        ).all()
        for row in rows:
            out[row.inspection_id].append(
                FlagRow(
                    int(row.id),
                    int(row.inspection_id),
                    row.code,
                    row.severity,
                    dict(row.detail or {}),
                    row.related_inspection_id,
                    row.computed_at,
                )
            )
    return {
        i: tuple(sorted(rows, key=lambda r: (_SEVERITY_RANK.get(r.severity, 9), r.code, r.id)))
        for i, rows in out.items()
    }


# --- the photo hash index ------------------------------------------------------------------


class PhotoHashIndex:
    """The perceptual hashes of the stored photos (keyed by photo id), for near-duplicate
    search, kept in memory and topped up from the database.

    Photos are only ever added, so :meth:`refresh` reads the rows above the last id it
    has read — and on PostgreSQL again the last ``RESCAN`` ids below it, because on a
    shared server ids are handed out before commit and a transaction that took a lower
    id may commit later. Rows of the caller's own, uncommitted transaction (ids from
    ``uncommitted_from`` on) are read again next time, so if it rolls back and SQLite
    hands their ids out again, the new rows are still read. Whatever the index returns
    is checked against the rows themselves (:func:`_photo_matches`), so an entry whose
    row never committed is harmless.
    """

    RESCAN = 1000

    def __init__(self, store: PhotoStore | None = None) -> None:
        #: where the photos are, to confirm a near match with their finer hashes (None:
        #: the 64-bit hash decides alone)
        self.store = store
        self._fine: dict[str, int | None] = {}
        self._index = PhashIndex()
        self._floor = 0  # every id at or below it has been read
        self._recent: dict[int, int] = {}  # id -> hash of what was read above the floor

    def __len__(self) -> int:
        return len(self._index)

    def refresh(self, session: Session, uncommitted_from: int | None = None) -> None:
        rows = session.execute(
            select(Photo.id, Photo.phash).where(Photo.id > self._floor).order_by(Photo.id)
        ).all()
        if not rows:
            return
        keys: list[int] = []
        hashes: list[int] = []
        for photo_id, phash in rows:
            value = _hash_value(phash)
            if value is None or self._recent.get(photo_id) == value:
                continue
            keys.append(photo_id)
            hashes.append(value)
            self._recent[photo_id] = value
        if len(keys) > 1000:
            self._index.add_arrays(keys, hashes)
        elif keys:
            self._index.add_many(zip(keys, hashes, strict=True))
        rescan = self.RESCAN if session.get_bind().dialect.name == "postgresql" else 0
        floor = int(rows[-1][0]) - rescan
        if uncommitted_from is not None:
            floor = min(floor, uncommitted_from - 1)
        floor = max(self._floor, floor)
        if floor > self._floor:
            self._recent = {k: v for k, v in self._recent.items() if k > floor}
            self._floor = floor

    def near(self, phash: int, max_distance: int) -> list[tuple[int, int]]:
        """(photo id, Hamming distance) of every indexed photo within ``max_distance``."""
        return self._index.query(phash, max_distance)

    def fine_distance(self, sha_a: str, sha_b: str) -> int | None:
        """Bits apart of the two photos' 256-bit hashes; None when there is no store or a
        file cannot be read (then the 64-bit hash decides). Hashes are kept per photo."""
        if self.store is None:
            return None
        values = []
        for sha in (sha_a, sha_b):
            if sha not in self._fine:
                try:
                    self._fine[sha] = fine_hash(self.store.read(sha))
                except (OSError, ValueError):
                    self._fine[sha] = None
            values.append(self._fine[sha])
        a, b = values
        return None if a is None or b is None else (a ^ b).bit_count()


def _hash_value(phash: str | None) -> int | None:
    try:
        return int(phash, 16) if phash else None
    except ValueError:
        return None


# --- computing -----------------------------------------------------------------------------


def update_flags(
    session: Session,
    inspection_ids: Iterable[int],
    *,
    photo_index: PhotoHashIndex | None = None,
    thresholds: Thresholds | None = None,
) -> set[int]:
    """Compute the flags of just-imported inspections and of every inspection whose flags
    their arrival can change (see the module docstring), in the caller's transaction.
    Returns the ids whose flags were replaced."""
    new_ids = set(inspection_ids)
    if not new_ids:
        return set()
    t = thresholds or load_thresholds_in(session)
    index = photo_index if photo_index is not None else PhotoHashIndex()
    p = table(Photo).c
    first_new = session.execute(select(func.min(p.id)).where(p.inspection_id.in_(sorted(new_ids)))).scalar()
    index.refresh(session, uncommitted_from=int(first_new) if first_new is not None else None)
    i = table(Inspection).c
    bundles = {b for (b,) in _rows_in(session, select(i.bundle_id), i.id, new_ids)}
    changed = _rows_in(
        session,
        select(
            i.id,
            i.bundle_id,
            i.inspector_no,
            i.device_id,
            i.customer_no,
            i.started_at,
            i.summary,
            i.follow_up,
        ),
        i.bundle_id,
        bundles,
    )
    targets = new_ids | _touched(session, changed, t, index)
    compute_flags(session, targets, photo_index=index, thresholds=t)
    return targets


def _touched(session: Session, changed: Sequence[Any], t: Thresholds, index: PhotoHashIndex) -> set[int]:
    """The inspections whose evidence includes (or may now include) one of ``changed``."""
    i = table(Inspection).c
    out: set[int] = set()
    changed_ids = {int(r.id) for r in changed}
    window = dt.timedelta(days=t.shared_device_days)
    for r in changed:
        # the inspector's next visits up to and including the next current one: their
        # previous check-out may be this one now (or no longer)
        after = session.execute(
            select(i.id, i.bundle_id, i.is_current)
            .where(
                i.inspector_no == r.inspector_no,
                or_(
                    i.started_at > r.started_at, and_(i.started_at == r.started_at, i.bundle_id > r.bundle_id)
                ),
            )
            .order_by(i.started_at, i.bundle_id)
            .limit(20)
        ).all()
        stop: str | None = None
        for row in after:
            if stop is not None and row.bundle_id != stop:
                break
            out.add(int(row.id))
            if row.is_current and stop is None:
                stop = row.bundle_id
        if r.device_id:
            # only another inspector's visits on the phone see this one as sharing it
            out.update(
                session.execute(
                    select(i.id).where(
                        i.device_id == r.device_id,
                        i.inspector_no != r.inspector_no,
                        i.started_at >= r.started_at - window,
                        i.started_at <= r.started_at + window,
                    )
                ).scalars()
            )
        # the customer's later reports that are alike enough to be copies of this one
        own_text = normalise_text(_conclusion(r.summary, r.follow_up))
        if len(own_text) >= t.copy_min_chars:
            later = session.execute(
                select(i.id, i.summary, i.follow_up).where(
                    i.customer_no == r.customer_no, i.started_at >= r.started_at, i.id != r.id
                )
            ).all()
            for row in later:
                text = normalise_text(_conclusion(row.summary, row.follow_up))
                if at_least_alike(own_text, text, t.copy_similarity) is not None:
                    out.add(int(row.id))
    f = table(InspectionFlag).c
    out.update(
        int(x) for (x,) in _rows_in(session, select(f.inspection_id), f.related_inspection_id, changed_ids)
    )
    # the inspections holding a photo that matches one of these
    p = table(Photo).c
    photos = _rows_in(session, select(p.id, p.sha256, p.phash), p.inspection_id, changed_ids)
    own = {int(row.id) for row in photos}
    candidates: set[int] = set()
    for row in photos:
        value = _hash_value(row.phash)
        if value is not None:
            candidates.update(pid for pid, _d in index.near(value, t.duplicate_max_distance))
    out.update(
        int(x) for (x,) in _rows_in(session, select(p.inspection_id), p.sha256, {r.sha256 for r in photos})
    )
    out.update(int(x) for (x,) in _rows_in(session, select(p.inspection_id), p.id, candidates - own))
    return out


def compute_flags(
    session: Session,
    inspection_ids: Iterable[int],
    *,
    photo_index: PhotoHashIndex | None = None,
    thresholds: Thresholds | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Compute and replace the flags of exactly these inspections (no others), in the
    caller's transaction. Returns the number of flags stored."""
    ids = sorted(set(inspection_ids))
    if not ids:
        return 0
    t = thresholds or load_thresholds_in(session)
    index = photo_index
    if index is None:
        index = PhotoHashIndex()
        index.refresh(session)
    visits, own_photos = _load_visits(session, ids)
    evidence = _load_evidence(session, list(visits.values()), own_photos, t, index)
    now = now or audit.database_now(session)
    rows: list[dict[str, Any]] = []
    for inspection_id, visit in visits.items():
        for finding in assess(visit, evidence.get(inspection_id, Evidence()), t):
            rows.append(_flag_row(inspection_id, finding, now))
    f = table(InspectionFlag)
    for part in _chunks(ids):
        session.execute(delete(f).where(f.c.inspection_id.in_(part)))
    if rows:
        session.execute(insert(f), rows)
    return len(rows)


def _flag_row(inspection_id: int, finding: Finding, now: dt.datetime) -> dict[str, Any]:
    return {
        "inspection_id": inspection_id,
        "code": str(finding.code),
        "severity": str(finding.severity),
        "detail": dict(finding.detail),
        "related_inspection_id": finding.related_inspection_id,
        "computed_at": now,
    }


# --- loading the facts ---------------------------------------------------------------------


def _chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rows_in(session: Session, stmt: Any, column: Any, keys: Iterable[Any]) -> list[Any]:
    """``stmt`` restricted to ``column IN keys``, asked in chunks."""
    out: list[Any] = []
    for part in _chunks(sorted(set(keys))):
        out.extend(session.execute(stmt.where(column.in_(part))).all())
    return out


def _photo_items() -> dict[str, str]:
    return {code: item.photo for code, item in checklist_template().items() if item.photo}


def _conclusion(summary: str | None, follow_up: str | None) -> str:
    return "\n".join(part for part in (summary or "", follow_up or "") if part)


@dataclass(frozen=True, slots=True)
class _OwnPhoto:
    photo_id: int
    key: str
    sha256: str
    phash: int | None
    category: str = ""


def _load_visits(
    session: Session, ids: Sequence[int]
) -> tuple[dict[int, VisitFacts], dict[int, list[_OwnPhoto]]]:
    """Everything each inspection's own checks need, in a handful of queries; and the
    hashes of its photos, for the duplicate search."""
    i = table(Inspection).c
    rows = _rows_in(
        session,
        select(
            i.id,
            i.bundle_id,
            i.inspector_no,
            i.device_id,
            i.customer_no,
            i.started_at,
            i.finished_at,
            i.task_no,
            i.summary,
            i.follow_up,
        ),
        i.id,
        ids,
    )
    c = table(Customer).c
    places = {
        r.customer_no: (r.lat, r.lon)
        for r in _rows_in(
            session, select(c.customer_no, c.lat, c.lon), c.customer_no, {r.customer_no for r in rows}
        )
    }
    task = table(PostLoanTask).c
    known_tasks = {
        x
        for (x,) in _rows_in(
            session, select(task.task_no), task.task_no, {r.task_no for r in rows if r.task_no}
        )
    }
    tp = table(TrackPoint).c
    tracks: dict[int, list[tuple[int, Fix]]] = defaultdict(list)
    for r in _rows_in(
        session,
        select(
            tp.inspection_id,
            tp.seq,
            tp.t.label("at"),
            tp.lat,
            tp.lon,
            tp.accuracy_m,
            tp.event,
            tp.orig_lat,
            tp.orig_lon,
        ),
        tp.inspection_id,
        ids,
    ):
        fix = Fix(r.at, r.lat, r.lon, r.accuracy_m, r.event, r.orig_lat, r.orig_lon)
        tracks[r.inspection_id].append((r.seq, fix))
    p = table(Photo).c
    photos: dict[int, list[tuple[int, PhotoFacts]]] = defaultdict(list)
    own: dict[int, list[_OwnPhoto]] = defaultdict(list)
    for r in _rows_in(
        session,
        select(
            p.id,
            p.phash,
            p.inspection_id,
            p.seq,
            p.photo_key,
            p.category,
            p.sha256,
            p.taken_at,
            p.lat,
            p.lon,
            p.exif_taken_at,
            p.exif_lat,
            p.exif_lon,
        ),
        p.inspection_id,
        ids,
    ):
        photos[r.inspection_id].append(
            (
                r.seq,
                PhotoFacts(
                    r.photo_key,
                    r.category,
                    r.sha256,
                    r.taken_at,
                    r.lat,
                    r.lon,
                    r.exif_taken_at,
                    r.exif_lat,
                    r.exif_lon,
                ),
            )
        )
        own[r.inspection_id].append(
            _OwnPhoto(int(r.id), r.photo_key, r.sha256, _hash_value(r.phash), r.category)
        )
    wants = _photo_items()
    a = table(ChecklistAnswer).c
    items: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for r in _rows_in(
        session,
        select(a.inspection_id, a.seq, a.code).where(a.answer != "NA", a.code.in_(sorted(wants))),
        a.inspection_id,
        ids,
    ):
        items[r.inspection_id].append((r.seq, r.code, wants[r.code]))
    out: dict[int, VisitFacts] = {}
    for r in rows:
        lat, lon = places.get(r.customer_no, (None, None))
        out[int(r.id)] = VisitFacts(
            inspection_id=int(r.id),
            bundle_id=r.bundle_id,
            customer_no=r.customer_no,
            inspector_no=r.inspector_no,
            device_id=r.device_id or "",
            started_at=r.started_at,
            finished_at=r.finished_at,
            customer_lat=lat,
            customer_lon=lon,
            track=tuple(fix for _seq, fix in sorted(tracks.get(int(r.id), []), key=lambda x: x[0])),
            photos=tuple(ph for _seq, ph in sorted(photos.get(int(r.id), []), key=lambda x: x[0])),
            photo_items=tuple((code, cat) for _seq, code, cat in sorted(items.get(int(r.id), []))),
            task_no=r.task_no,
            task_known=r.task_no is not None and r.task_no in known_tasks,
            conclusion=_conclusion(r.summary, r.follow_up),
        )
    return out, own


#: how far back the inspector's visits are read at once when looking for the previous
#: one; a previous visit further back is asked for on its own
_LOOKBACK = dt.timedelta(days=45)


def _peer_columns() -> list[Any]:
    i = table(Inspection).c
    return [i.id, i.bundle_id, i.inspector_no, i.started_at, i.finished_at]


def _peer(row: Any, end: Fix | None = None, conclusion: str = "") -> Peer:
    return Peer(int(row.id), row.bundle_id, row.inspector_no, row.started_at, end, conclusion)


def _load_evidence(
    session: Session,
    visits: list[VisitFacts],
    own_photos: Mapping[int, list[_OwnPhoto]],
    t: Thresholds,
    index: PhotoHashIndex,
) -> dict[int, Evidence]:
    """What current revisions of other bundles say about each visit (see ``Evidence``)."""
    if not visits:
        return {}
    previous = _previous_visits(session, visits)
    devices = _device_peers(session, visits, t)
    customers = _customer_peers(session, visits)
    matches = _photo_matches(session, visits, own_photos, t, index)
    return {
        v.inspection_id: Evidence(
            previous=previous.get(v.inspection_id),
            device_peers=devices.get(v.inspection_id, ()),
            customer_peers=customers.get(v.inspection_id, ()),
            photo_matches=matches.get(v.inspection_id, ()),
        )
        for v in visits
    }


def _current_in_range(
    session: Session, column: Any, keys: Iterable[str], lo: dt.datetime, hi: dt.datetime
) -> list[Any]:
    i = table(Inspection).c
    stmt = select(*_peer_columns(), column.label("group_key")).where(
        i.is_current.is_(True), i.started_at >= lo, i.started_at <= hi
    )
    return _rows_in(session, stmt, column, keys)


def _previous_visits(session: Session, visits: list[VisitFacts]) -> dict[int, Peer]:
    """The inspector's previous visit (a current revision of another bundle) before each
    visit, with where and when it ended."""
    i = table(Inspection).c
    lo = min(v.started_at for v in visits) - _LOOKBACK
    hi = max(v.started_at for v in visits)
    by_inspector: dict[str, list[Any]] = defaultdict(list)
    for row in _current_in_range(session, i.inspector_no, {v.inspector_no for v in visits}, lo, hi):
        by_inspector[row.inspector_no].append(row)
    orders_of: dict[str, list[tuple[dt.datetime, str]]] = {}
    for inspector, rows in by_inspector.items():
        rows.sort(key=lambda r: visit_order(r.started_at, r.bundle_id))
        orders_of[inspector] = [visit_order(r.started_at, r.bundle_id) for r in rows]
    found: dict[int, Any] = {}
    for v in visits:
        rows = by_inspector.get(v.inspector_no, [])
        at = bisect_left(orders_of.get(v.inspector_no, []), v.order)
        row = next((r for r in reversed(rows[:at]) if r.bundle_id != v.bundle_id), None)
        if row is None or row.started_at < v.started_at - _LOOKBACK + dt.timedelta(days=1):
            row = session.execute(
                select(*_peer_columns())
                .where(
                    i.inspector_no == v.inspector_no,
                    i.is_current.is_(True),
                    i.bundle_id != v.bundle_id,
                    or_(
                        i.started_at < v.started_at,
                        and_(i.started_at == v.started_at, i.bundle_id < v.bundle_id),
                    ),
                )
                .order_by(i.started_at.desc(), i.bundle_id.desc())
                .limit(1)
            ).first()
        if row is not None:
            found[v.inspection_id] = row
    ends: dict[int, dict[str, Fix]] = defaultdict(dict)
    tp = table(TrackPoint).c
    for r in _rows_in(
        session,
        select(tp.inspection_id, tp.t.label("at"), tp.lat, tp.lon, tp.accuracy_m, tp.event).where(
            tp.event.in_(("CHECKIN", "CHECKOUT"))
        ),
        tp.inspection_id,
        {int(row.id) for row in found.values()},
    ):
        ends[r.inspection_id][r.event] = Fix(r.at, r.lat, r.lon, r.accuracy_m, r.event)
    out: dict[int, Peer] = {}
    for inspection_id, row in found.items():
        points = ends.get(int(row.id), {})
        end = points.get("CHECKOUT")
        if end is None and "CHECKIN" in points:
            checkin = points["CHECKIN"]  # no check-out: it ended where it checked in
            end = Fix(row.finished_at, checkin.lat, checkin.lon, checkin.accuracy_m, "CHECKIN")
        out[inspection_id] = _peer(row, end)
    return out


def _device_peers(session: Session, visits: list[VisitFacts], t: Thresholds) -> dict[int, tuple[Peer, ...]]:
    """Current revisions of other bundles on the same device within the window."""
    i = table(Inspection).c
    with_device = [v for v in visits if v.device_id]
    if not with_device:
        return {}
    window = dt.timedelta(days=t.shared_device_days)
    lo = min(v.started_at for v in with_device) - window
    hi = max(v.started_at for v in with_device) + window
    by_device: dict[str, list[Peer]] = defaultdict(list)
    for row in _current_in_range(session, i.device_id, {v.device_id for v in with_device}, lo, hi):
        by_device[row.group_key].append(_peer(row))
    starts_of: dict[str, list[dt.datetime]] = {}
    for device, peers in by_device.items():
        peers.sort(key=lambda p: p.started_at)
        starts_of[device] = [p.started_at for p in peers]
    out: dict[int, tuple[Peer, ...]] = {}
    for v in with_device:
        peers = by_device.get(v.device_id, [])
        starts = starts_of.get(v.device_id, [])
        near = peers[
            bisect_left(starts, v.started_at - window) : bisect_left(
                starts, v.started_at + window + dt.timedelta(microseconds=1)
            )
        ]
        others = tuple(p for p in near if p.bundle_id != v.bundle_id and p.inspector_no != v.inspector_no)
        if others:
            out[v.inspection_id] = others
    return out


def _customer_peers(session: Session, visits: list[VisitFacts]) -> dict[int, tuple[Peer, ...]]:
    """Earlier current revisions of other bundles of the same customer, with their
    conclusions."""
    i = table(Inspection).c
    by_customer: dict[str, list[Peer]] = defaultdict(list)
    for row in _rows_in(
        session,
        select(*_peer_columns(), i.customer_no, i.summary, i.follow_up).where(i.is_current.is_(True)),
        i.customer_no,
        {v.customer_no for v in visits},
    ):
        by_customer[row.customer_no].append(_peer(row, conclusion=_conclusion(row.summary, row.follow_up)))
    out: dict[int, tuple[Peer, ...]] = {}
    for v in visits:
        earlier = tuple(
            p for p in by_customer.get(v.customer_no, []) if p.bundle_id != v.bundle_id and p.order < v.order
        )
        if earlier:
            out[v.inspection_id] = earlier
    return out


def _photo_matches(
    session: Session,
    visits: list[VisitFacts],
    own_photos: Mapping[int, list[_OwnPhoto]],
    t: Thresholds,
    index: PhotoHashIndex,
) -> dict[int, tuple[PhotoMatch, ...]]:
    """Photos of current revisions of other bundles that are identical to (same SHA-256)
    or near (perceptual hash within the threshold) each visit's photos. Candidates come
    from the index and the SHA-256 column's index, and are checked against their rows."""
    near_by_hash: dict[int, list[int]] = {}
    candidates: set[int] = set()
    for photos in own_photos.values():
        for ph in photos:
            if ph.phash is None:
                continue
            hits = near_by_hash.get(ph.phash)
            if hits is None:
                hits = [pid for pid, _d in index.near(ph.phash, t.duplicate_max_distance)]
                near_by_hash[ph.phash] = hits
            # a photo always finds itself; anything else may be another inspection's
            candidates.update(pid for pid in hits if pid != ph.photo_id)
    p = table(Photo).c
    i = table(Inspection).c
    shas = {ph.sha256 for photos in own_photos.values() for ph in photos}
    by_sha: dict[str, list[int]] = defaultdict(list)
    for pid, sha in _rows_in(session, select(p.id, p.sha256), p.sha256, shas):
        by_sha[sha].append(int(pid))
    for photos in own_photos.values():
        for ph in photos:
            candidates.update(pid for pid in by_sha.get(ph.sha256, ()) if pid != ph.photo_id)
    if not candidates:
        return {}
    rows = {
        int(r.id): r
        for r in _rows_in(
            session,
            select(
                p.id,
                p.photo_key,
                p.sha256,
                p.phash,
                p.category,
                p.inspection_id,
                i.bundle_id,
                i.inspector_no,
                i.started_at,
            )
            .join(table(Inspection), i.id == p.inspection_id)
            .where(i.is_current.is_(True)),
            p.id,
            candidates,
        )
    }
    out: dict[int, tuple[PhotoMatch, ...]] = {}
    by_id = {v.inspection_id: v for v in visits}
    for inspection_id, photos in own_photos.items():
        visit = by_id.get(inspection_id)
        if visit is None:
            continue
        found: list[PhotoMatch] = []
        for ph in photos:
            seen: set[int] = set()
            pool = (near_by_hash.get(ph.phash, []) if ph.phash is not None else []) + by_sha.get(
                ph.sha256, []
            )
            for pid in pool:
                row = rows.get(pid)
                if row is None or pid in seen or pid == ph.photo_id or row.bundle_id == visit.bundle_id:
                    continue
                seen.add(pid)
                other = _hash_value(row.phash)
                distance = (
                    (other ^ ph.phash).bit_count() if other is not None and ph.phash is not None else 64
                )
                identical = row.sha256 == ph.sha256
                if not identical and distance <= t.duplicate_max_distance:
                    fine = index.fine_distance(ph.sha256, row.sha256)
                    if fine is not None and fine > t.duplicate_confirm_max_distance:
                        continue  # alike at 64 bits by chance, not a copy
                if identical or distance <= t.duplicate_max_distance:
                    peer = Peer(int(row.inspection_id), row.bundle_id, row.inspector_no, row.started_at)
                    found.append(
                        PhotoMatch(ph.key, peer, row.photo_key, distance, identical, row.category == ph.category)
                    )
        if found:
            out[inspection_id] = tuple(found)
    return out


# --- from scratch ----------------------------------------------------------------------------


def recompute_all(db: Database, *, progress: Progress | None = None, chunk: int = 3000) -> int:
    """Compute the flags of every inspection revision again, from scratch (after the
    thresholds change, or to fill a database that predates the checks). Work goes in
    chunks of about ``chunk`` inspections, one transaction each, grouped by inspector so
    each chunk's evidence (the inspectors' own visits, their devices and customers) is
    read once; the photo hash index is read once for the whole run. Returns the number
    of flags stored."""
    from data.settings import photo_store_for

    index = PhotoHashIndex(photo_store_for(db))
    with db.read_session() as s:
        index.refresh(s)
        t = load_thresholds_in(s)
        i = table(Inspection).c
        order: list[tuple[int, str]] = [
            (int(r.id), str(r.inspector_no))
            for r in s.execute(select(i.id, i.inspector_no).order_by(i.inspector_no, i.started_at, i.id))
        ]
    groups: list[list[int]] = []
    current: list[int] = []
    last: str | None = None
    for inspection_id, inspector in order:
        if inspector != last and len(current) >= chunk:
            groups.append(current)
            current = []
        current.append(inspection_id)
        last = inspector
    if current:
        groups.append(current)
    total = 0
    started = time.monotonic()
    for done, ids in enumerate(groups, start=1):
        with db.write_session() as s:
            total += compute_flags(s, ids, photo_index=index, thresholds=t)
        if progress:
            progress(done, len(groups), f"{time.monotonic() - started:.0f} s")
    return total
