"""Who visits whom, when, and which visits carry the problems supervisors hunt for.

Planning happens before any bundle is built, so the summary (counts, planted problems)
is known without rendering a photo, and bundles can be built one at a time in order.

Rules of the schedule:

* Inspections span the twelve months before ``today`` (the last on the day before).
* A customer whose first loan was disbursed inside that window gets a first inspection
  (首次检查) 7 to 25 days after disbursement. The other visits are spread over the
  months the customer has been borrowing, troubled customers (关注 and worse) visited
  more often and mostly as focused inspections (重点检查); two campaign months bring
  special inspections (专项检查).
* Visits happen on working days (some Saturdays) in four time slots per day, so one
  manager's visits, and the drive to each, never overlap. A companion is another
  manager of the same sub-branch who is free in that slot.
* About 70% of visits answer a post-loan task (``PLT`` + creation date + sequence),
  created 3 to 20 days before the visit; the others are unplanned.

Planted problems: each planted inspection carries exactly one, and the inspections a
problem copies from (sources) carry none and are never resubmitted:

* ``FAR_CHECKIN``: the check-in and the whole visit are 2.5 to 6 km from the customer.
* ``REUSED_PHOTO``: the shop-front photo is byte for byte the one from an earlier
  inspection (the same customer's previous visit, or another customer of the same
  manager).
* ``SHORT_VISIT``: check-in to check-out takes about three minutes.
* ``SHARED_DEVICE``: submitted from another manager's phone (same sub-branch), within
  ``SHARED_DEVICE_DAYS`` of one of that manager's own visits.
* ``COPIED_REPORT``: checklist answers, remarks and conclusion copied word for word from
  the customer's previous inspection (of the same kind).
* ``EXIF_MISMATCH``: one photo's EXIF time (days earlier) or GPS (far away) disagrees
  with what the app recorded.

A few clean inspections are also resubmitted as revision 2 after rework.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from data.demo.checklist import PHOTO_ORDER, TemplateItem
from data.demo.common import CST
from data.demo.scales import ScaleConfig
from data.demo.world import Customer, StaffMember, World


class Problem(StrEnum):
    FAR_CHECKIN = "FAR_CHECKIN"
    REUSED_PHOTO = "REUSED_PHOTO"
    SHORT_VISIT = "SHORT_VISIT"
    SHARED_DEVICE = "SHARED_DEVICE"
    COPIED_REPORT = "COPIED_REPORT"
    EXIF_MISMATCH = "EXIF_MISMATCH"


class ExifMode(StrEnum):
    """What a photo's own EXIF says."""

    FULL = "FULL"  # time and GPS agree with the app
    NONE = "NONE"  # no EXIF at all
    MALFORMED = "MALFORMED"  # time, but GPS latitude/longitude are 0/0 rationals
    SHIFTED_TIME = "SHIFTED_TIME"  # planted: taken days before the visit
    SHIFTED_PLACE = "SHIFTED_PLACE"  # planted: GPS far from the visit


# Slot (start, latest end) in minutes after midnight; starts fall in the first 20 minutes
# and the drive there takes at most 30, so a slot never overlaps its neighbours.
_SLOTS = (
    (8 * 60 + 40, 10 * 60 + 5),
    (10 * 60 + 40, 11 * 60 + 55),
    (13 * 60 + 50, 15 * 60 + 15),
    (15 * 60 + 50, 17 * 60 + 20),
)
_VISIT_WEIGHT = {
    "NORMAL": 1.0,
    "SPECIAL_MENTION": 1.8,
    "SUBSTANDARD": 2.4,
    "DOUBTFUL": 2.4,
    "LOSS": 2.0,
}
_NOT_APPLICABLE = {
    "COL-01": "has_collateral",
    "COL-02": "has_collateral",
    "COL-03": "has_guarantor",
    "USE-03": "entrusted_payment",
}
_PHOTO_PRIORITY = (
    "STOREFRONT",
    "MEETING",
    "PREMISES",
    "DOCUMENT",
    "COLLATERAL",
    "INVENTORY",
    "EQUIPMENT",
    "OTHER",
)
_EXTRA_PHOTOS = ("OTHER", "PREMISES", "INVENTORY", "EQUIPMENT", "STOREFRONT")
MAX_PHOTO_CATEGORIES = 6
#: a planted shared device is used by its borrower within this many days of one of its
#: owner's own visits (the authenticity check looks 30 days either side)
SHARED_DEVICE_DAYS = 25


@dataclass(slots=True)
class Visit:
    """One planned inspection. ``device`` is whose phone submits it (the inspector's own
    unless planted otherwise); ``source`` is the index of the visit a planted copy or
    reuse comes from."""

    index: int
    customer: Customer
    inspector: StaffMember
    day: dt.date
    kind: str
    slot: int = 0
    start: dt.datetime = field(default_factory=lambda: dt.datetime(2000, 1, 1, tzinfo=CST))
    duration_s: int = 0
    submit_delay_s: int = 0
    bundle_id: str = ""
    task_no: str | None = None
    task_created: dt.date | None = None
    companion: StaffMember | None = None
    device: StaffMember | None = None
    items: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    exif_modes: list[ExifMode] = field(default_factory=list)
    problem: Problem | None = None
    source: int | None = None
    far_m: float = 0.0
    is_source: bool = False
    resubmitted: bool = False

    @property
    def finish(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.duration_s)

    @property
    def submitted(self) -> dt.datetime:
        return self.finish + dt.timedelta(seconds=self.submit_delay_s)

    @property
    def clean(self) -> bool:
        return self.problem is None and not self.is_source and not self.resubmitted


@dataclass(frozen=True)
class PlantedProblem:
    """One planted problem: the bundle carrying it and, where it copies, the source."""

    kind: Problem
    bundle_id: str
    source_bundle_id: str | None
    detail: str


def plan_visits(
    world: World, template: tuple[TemplateItem, ...], seed: int
) -> tuple[list[Visit], list[PlantedProblem]]:
    """The whole inspection schedule in chronological order, with problems planted."""
    rng = random.Random(f"{seed}/plan")
    config = world.config
    visits = _schedule(world, rng)
    _assign_slots(visits, world, rng)
    visits.sort(key=lambda v: (v.start, v.customer.customer_no))
    task_seq = 0
    for index, visit in enumerate(visits):
        visit.index = index
        visit.bundle_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        visit.device = visit.inspector
        if rng.random() < 0.7:
            task_seq += 1
            created = visit.day - dt.timedelta(days=rng.randint(3, 20))
            visit.task_no = f"PLT{created:%Y%m%d}{task_seq:06d}"
            visit.task_created = created
        _choose_photos(visit, template, config, rng)
    planted = _plant_problems(visits, world, template, rng)
    candidates = [v for v in visits if v.clean and v.day <= world.today - dt.timedelta(days=10)]
    for visit in rng.sample(candidates, min(config.resubmissions, len(candidates))):
        visit.resubmitted = True
    return visits, planted


def _schedule(world: World, rng: random.Random) -> list[Visit]:
    config = world.config
    window_end = world.today - dt.timedelta(days=1)
    window_start = world.today - dt.timedelta(days=365)
    campaign_months = {(window_start + dt.timedelta(days=offset)).month for offset in (105, 255)}
    managers = world.staff_by_no()
    visits: list[Visit] = []
    periods: list[tuple[Customer, dt.date, float]] = []
    for customer in world.customers:
        inspector = managers[customer.manager_no]
        first_day = customer.first_disbursed + dt.timedelta(days=rng.randint(7, 25))
        if customer.first_disbursed >= window_start and first_day <= window_end:
            visits.append(Visit(0, customer, inspector, _working_day(first_day, rng), "FIRST"))
            begin = first_day + dt.timedelta(days=30)
        else:
            begin = max(window_start, customer.first_disbursed + dt.timedelta(days=30))
        if begin < window_end:
            span = (window_end - begin).days / 365
            periods.append((customer, begin, _VISIT_WEIGHT[customer.classification] * span))
    if len(visits) > config.inspections:
        visits = sorted(rng.sample(visits, config.inspections), key=lambda v: v.customer.customer_no)
    remaining = config.inspections - len(visits)

    # Largest-remainder allocation of the remaining visits by weight.
    total = sum(weight for _, _, weight in periods) or 1.0
    shares = [remaining * weight / total for _, _, weight in periods]
    counts = [int(share) for share in shares]
    order = sorted(range(len(periods)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: remaining - sum(counts)]:
        counts[i] += 1

    for (customer, begin, _), count in zip(periods, counts, strict=True):
        if count == 0:
            continue
        inspector = managers[customer.manager_no]
        troubled = customer.classification != "NORMAL"
        step = (window_end - begin).days / count
        for k in range(count):
            day = begin + dt.timedelta(days=int(step * k + rng.uniform(0, step)))
            day = _working_day(min(day, window_end), rng)
            roll = rng.random()
            if day.month in campaign_months and roll < 0.35:
                kind = "SPECIAL"
            elif troubled:
                kind = "FOCUSED" if roll < 0.7 else "ROUTINE" if roll < 0.96 else "SPECIAL"
            else:
                kind = "ROUTINE" if roll < 0.95 else "FOCUSED" if roll < 0.98 else "SPECIAL"
            visits.append(Visit(0, customer, inspector, day, kind))
    return visits


def _working_day(day: dt.date, rng: random.Random) -> dt.date:
    """Sunday moves back to Friday; most Saturdays move back to Friday too."""
    if day.weekday() == 6 or (day.weekday() == 5 and rng.random() < 0.8):
        return day - dt.timedelta(days=day.weekday() - 4)
    return day


def _assign_slots(visits: list[Visit], world: World, rng: random.Random) -> None:
    """Give each visit a free slot of its inspector (moving it to a nearby working day if
    that day is full), a start time, a duration and a submission delay; then add
    companions who are free in the same slot."""
    window_end = world.today - dt.timedelta(days=1)
    busy: set[tuple[str, dt.date, int]] = set()
    visits.sort(key=lambda v: (v.day, v.customer.customer_no))
    for visit in visits:
        no = visit.inspector.employee_no
        placed = False
        for shift in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8):
            day = visit.day + dt.timedelta(days=shift)
            if day > window_end or day.weekday() == 6:
                continue
            free = [s for s in range(len(_SLOTS)) if (no, day, s) not in busy]
            if free:
                visit.day, visit.slot = day, rng.choice(free)
                placed = True
                break
        if not placed:  # a manager booked solid for two weeks: take any slot of the day
            visit.slot = rng.randrange(len(_SLOTS))
        busy.add((no, visit.day, visit.slot))
        slot_start, slot_end = _SLOTS[visit.slot]
        start_min = slot_start + rng.randint(0, 19)
        visit.start = dt.datetime.combine(visit.day, dt.time(0, 0), CST) + dt.timedelta(
            minutes=start_min, seconds=rng.randint(0, 59)
        )
        longest = min(100, slot_end - start_min)
        visit.duration_s = rng.randint(25 * 60, longest * 60)
        if rng.random() < 0.1:  # submitted from home in the evening
            evening = dt.datetime.combine(visit.day, dt.time(19, 0), CST)
            visit.submit_delay_s = int((evening - visit.finish).total_seconds()) + rng.randint(0, 7_200)
        else:
            visit.submit_delay_s = rng.randint(60, 25 * 60)

    managers = world.managers_by_sub()
    for visit in visits:
        if rng.random() >= 0.4:
            continue
        colleagues = [
            m
            for m in managers[visit.customer.branch_code]
            if m.employee_no != visit.inspector.employee_no
            and (m.employee_no, visit.day, visit.slot) not in busy
        ]
        if colleagues:
            companion = rng.choice(colleagues)
            visit.companion = companion
            busy.add((companion.employee_no, visit.day, visit.slot))


def checklist_items(kind: str, template: tuple[TemplateItem, ...], rng: random.Random) -> tuple[str, ...]:
    """The items a manager fills in: all required for the kind, and now and then an
    optional one (a routine visit that also counts stock)."""
    return tuple(item.code for item in template if kind in item.required or rng.random() < 0.08)


def applicable(code: str, customer: Customer) -> bool:
    """Collateral items apply only with collateral, the guarantor item only with a
    guarantor, the entrusted-payment item only with entrusted payment."""
    attribute = _NOT_APPLICABLE.get(code)
    return attribute is None or bool(getattr(customer, attribute))


def _choose_photos(
    visit: Visit, template: tuple[TemplateItem, ...], config: ScaleConfig, rng: random.Random
) -> None:
    """Photos follow the checklist: one per photo category its applicable items ask for
    (a clean inspection never lacks the photo an item asks for), padded with extra shots
    to the scale's photo count. An optional item that would need a seventh category is
    left out: the app takes at most ``MAX_PHOTO_CATEGORIES`` kinds of photo a visit."""
    if not visit.items:
        visit.items = checklist_items(visit.kind, template, rng)
    wanted: list[str] = []
    dropped: set[str] = set()
    for required in (True, False):
        for item in template:
            category = item.photo
            if (
                item.code not in visit.items
                or (visit.kind in item.required) != required
                or not category
                or category in wanted
                or not applicable(item.code, visit.customer)
            ):
                continue
            if not required and len(wanted) >= MAX_PHOTO_CATEGORIES:
                dropped.add(item.code)
                continue
            wanted.append(category)
    if dropped:
        visit.items = tuple(code for code in visit.items if code not in dropped)
    count = rng.randint(config.photos_min, config.photos_max)
    wanted.sort(key=_PHOTO_PRIORITY.index)
    chosen = list(wanted)
    while len(chosen) < count:
        chosen.append(rng.choice(_EXTRA_PHOTOS))
    chosen.sort(key=PHOTO_ORDER.index)
    visit.categories = tuple(chosen)
    modes: list[ExifMode] = []
    for _ in chosen:
        roll = rng.random()
        modes.append(ExifMode.MALFORMED if roll < 0.03 else ExifMode.NONE if roll < 0.14 else ExifMode.FULL)
    visit.exif_modes = modes


def _plant_problems(
    visits: list[Visit], world: World, template: tuple[TemplateItem, ...], rng: random.Random
) -> list[PlantedProblem]:
    quota = world.config.problems
    planted: list[PlantedProblem] = []
    previous_of: dict[int, int] = {}
    last_by_customer: dict[str, int] = {}
    for visit in visits:
        earlier = last_by_customer.get(visit.customer.customer_no)
        if earlier is not None:
            previous_of[visit.index] = earlier
        last_by_customer[visit.customer.customer_no] = visit.index

    def pick(candidates: list[Visit], count: int) -> list[Visit]:
        return rng.sample(candidates, min(count, len(candidates)))

    # Copied reports: from the customer's previous visit, which keeps its kind.
    copyable = [
        v
        for v in visits
        if v.clean
        and v.index in previous_of
        and visits[previous_of[v.index]].clean
        and visits[previous_of[v.index]].kind != "FIRST"
    ]
    for visit in pick(copyable, quota.copied_report):
        source = visits[previous_of[visit.index]]
        if not (visit.clean and source.clean):
            continue
        visit.problem, visit.source, source.is_source = Problem.COPIED_REPORT, source.index, True
        visit.kind, visit.items = source.kind, source.items
        _choose_photos(visit, template, world.config, rng)
        planted.append(
            PlantedProblem(
                Problem.COPIED_REPORT, visit.bundle_id, source.bundle_id, "checklist and conclusion copied"
            )
        )

    # Shared devices: in a few sub-branches one manager submits from a colleague's phone.
    managers = world.managers_by_sub()
    subs = sorted(code for code, team in managers.items() if len(team) >= 2)
    pairs = []
    for sub in rng.sample(subs, min(quota.shared_device_pairs, len(subs))):
        lender, borrower = rng.sample(managers[sub], 2)
        pairs.append((lender, borrower))
    per_pair = math.ceil(quota.shared_device / max(1, len(pairs)))
    shared_left = quota.shared_device
    by_inspector: dict[str, list[Visit]] = {}
    for visit in visits:
        by_inspector.setdefault(visit.inspector.employee_no, []).append(visit)
    near = dt.timedelta(days=SHARED_DEVICE_DAYS)
    for lender, borrower in pairs:
        lender_starts = [v.start for v in by_inspector.get(lender.employee_no, [])]
        own = [
            v
            for v in by_inspector.get(borrower.employee_no, [])
            if v.clean and any(abs(v.start - start) <= near for start in lender_starts)
        ]
        for visit in pick(own, min(per_pair, shared_left)):
            visit.problem, visit.device = Problem.SHARED_DEVICE, lender
            shared_left -= 1
            planted.append(
                PlantedProblem(
                    Problem.SHARED_DEVICE,
                    visit.bundle_id,
                    None,
                    f"device {lender.device_id} of {lender.employee_no} used by {borrower.employee_no}",
                )
            )

    # Reused photos: the shop-front photo of an earlier inspection.
    last_by_inspector: dict[str, list[int]] = {}
    reuse_sources: dict[int, int] = {}
    for visit in visits:
        history = last_by_inspector.setdefault(visit.inspector.employee_no, [])
        same_customer = previous_of.get(visit.index)
        other = next(
            (i for i in reversed(history[-6:]) if visits[i].customer is not visit.customer),
            None,
        )
        choice = same_customer if (visit.index % 2 == 0 or other is None) else other
        if choice is not None:
            reuse_sources[visit.index] = choice
        history.append(visit.index)
    reusable = [v for v in visits if v.clean and v.index in reuse_sources]
    rng.shuffle(reusable)
    done = 0
    for visit in reusable:
        if done >= quota.reused_photo:
            break
        source = visits[reuse_sources[visit.index]]
        if not (visit.clean and source.clean):
            continue
        visit.problem, visit.source, source.is_source = Problem.REUSED_PHOTO, source.index, True
        # The copied photo carries the source's EXIF, whatever this visit would have had.
        src_mode = source.exif_modes[source.categories.index("STOREFRONT")]
        visit.exif_modes[visit.categories.index("STOREFRONT")] = src_mode
        done += 1
        planted.append(
            PlantedProblem(Problem.REUSED_PHOTO, visit.bundle_id, source.bundle_id, "STOREFRONT photo reused")
        )

    for visit in pick([v for v in visits if v.clean], quota.far_checkin):
        visit.problem = Problem.FAR_CHECKIN
        visit.far_m = rng.uniform(2_500.0, 6_000.0)
        planted.append(
            PlantedProblem(
                Problem.FAR_CHECKIN,
                visit.bundle_id,
                None,
                f"check-in about {visit.far_m:.0f} m from the customer",
            )
        )

    for visit in pick([v for v in visits if v.clean], quota.short_visit):
        visit.problem = Problem.SHORT_VISIT
        visit.duration_s = rng.randint(170, 190)
        planted.append(
            PlantedProblem(Problem.SHORT_VISIT, visit.bundle_id, None, f"visit lasted {visit.duration_s} s")
        )

    with_exif = [v for v in visits if v.clean and ExifMode.FULL in v.exif_modes]
    for n, visit in enumerate(pick(with_exif, quota.exif_mismatch)):
        visit.problem = Problem.EXIF_MISMATCH
        position = visit.exif_modes.index(ExifMode.FULL)
        mode = ExifMode.SHIFTED_TIME if n % 2 == 0 else ExifMode.SHIFTED_PLACE
        visit.exif_modes[position] = mode
        planted.append(
            PlantedProblem(
                Problem.EXIF_MISMATCH, visit.bundle_id, None, f"photo p{position + 1}: {mode.value}"
            )
        )
    return planted
