"""Scoring the authenticity flags of a demo database against what the demo planted.

The unit is (inspection revision, flag code). Expected are:

* each planted problem's flag on its bundle: FAR_CHECKIN → OFF_SITE_CHECKIN,
  REUSED_PHOTO → DUPLICATE_PHOTO (naming the source), SHORT_VISIT → SHORT_VISIT,
  SHARED_DEVICE → SHARED_DEVICE, COPIED_REPORT → COPY_PASTE_REPORT (naming the source),
  EXIF_MISMATCH → PHOTO_TIME_OUTSIDE_VISIT (shifted time) or PHOTO_OFF_SITE (shifted place);
* SHARED_DEVICE on the phone owner's own visits on that phone within the window of a
  planted use (the rule raises it on every inspection involved);
* UNPLANNED on every visit that answers no task.

Allowed but not required (neither a hit nor a false positive): a reused photo carries the
EXIF of the visit it came from, so the reusing inspection may also get
PHOTO_TIME_OUTSIDE_VISIT / PHOTO_OFF_SITE for that photo. Everything else is a false
positive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from data.authenticity import flags_for
from data.db import Database
from data.demo.generator import _cached_dataset
from data.demo.plan import ExifMode, Problem
from data.models import Inspection

_PLANTED_CODE = {
    Problem.FAR_CHECKIN: "OFF_SITE_CHECKIN",
    Problem.REUSED_PHOTO: "DUPLICATE_PHOTO",
    Problem.SHORT_VISIT: "SHORT_VISIT",
    Problem.SHARED_DEVICE: "SHARED_DEVICE",
    Problem.COPIED_REPORT: "COPY_PASTE_REPORT",
}


@dataclass
class Score:
    expected: set[tuple[str, int, str]] = field(default_factory=set)
    allowed: set[tuple[str, int, str]] = field(default_factory=set)
    found: set[tuple[str, int, str]] = field(default_factory=set)
    wrong_related: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def true_positives(self) -> set[tuple[str, int, str]]:
        return self.found & self.expected

    @property
    def false_positives(self) -> set[tuple[str, int, str]]:
        return self.found - self.expected - self.allowed

    @property
    def missed(self) -> set[tuple[str, int, str]]:
        return self.expected - self.found

    @property
    def precision(self) -> float:
        counted = len(self.true_positives) + len(self.false_positives)
        return len(self.true_positives) / counted if counted else 1.0

    @property
    def recall(self) -> float:
        return len(self.true_positives) / len(self.expected) if self.expected else 1.0

    def by_code(self) -> dict[str, tuple[int, int, int]]:
        """code -> (expected, found among expected, false positives)."""
        codes = {k[2] for k in self.expected | self.found}
        return {
            code: (
                sum(1 for k in self.expected if k[2] == code),
                sum(1 for k in self.true_positives if k[2] == code),
                sum(1 for k in self.false_positives if k[2] == code),
            )
            for code in sorted(codes)
        }


def score_demo(db: Database, scale: str, seed: int, today: dt.date, window_days: float = 30.0) -> Score:
    data = _cached_dataset(scale, seed, today)
    visits = data.visits
    score = Score()
    related_expected: dict[tuple[str, int, str], str] = {}
    window = dt.timedelta(days=window_days)
    shared = [v for v in visits if v.problem is Problem.SHARED_DEVICE]
    for v in visits:
        revisions = (1, 2) if v.resubmitted else (1,)
        for rev in revisions:
            key = (v.bundle_id, rev)
            if v.task_no is None:
                score.expected.add((*key, "UNPLANNED"))
            if v.problem in _PLANTED_CODE:
                score.expected.add((*key, _PLANTED_CODE[v.problem]))
                if v.source is not None and v.problem in (Problem.REUSED_PHOTO, Problem.COPIED_REPORT):
                    related_expected[(*key, _PLANTED_CODE[v.problem])] = visits[v.source].bundle_id
            if v.problem is Problem.EXIF_MISMATCH:
                if ExifMode.SHIFTED_TIME in v.exif_modes:
                    score.expected.add((*key, "PHOTO_TIME_OUTSIDE_VISIT"))
                if ExifMode.SHIFTED_PLACE in v.exif_modes:
                    score.expected.add((*key, "PHOTO_OFF_SITE"))
            if v.problem is Problem.REUSED_PHOTO:
                score.allowed.add((*key, "PHOTO_TIME_OUTSIDE_VISIT"))
                score.allowed.add((*key, "PHOTO_OFF_SITE"))
            # the phone's owner's own visits around a planted use of it
            device = v.device or v.inspector
            if v.problem is not Problem.SHARED_DEVICE and any(
                (u.device or u.inspector).device_id == device.device_id
                and u.inspector.employee_no != v.inspector.employee_no
                and abs(u.start - v.start) <= window
                for u in shared
            ):
                score.expected.add((*key, "SHARED_DEVICE"))
    with db.read_session() as s:
        rows = s.execute(select(Inspection.id, Inspection.bundle_id, Inspection.revision)).all()
        bundle_of = {int(r.id): r.bundle_id for r in rows}
        flags = flags_for(s, bundle_of)
    key_of = {int(r.id): (r.bundle_id, int(r.revision)) for r in rows}
    for inspection_id, found in flags.items():
        for flag in found:
            key = (*key_of[inspection_id], flag.code)
            score.found.add(key)
            wanted = related_expected.get(key)
            if wanted is not None and bundle_of.get(flag.related_inspection_id or -1) != wanted:
                score.wrong_related.append(key)
    return score
