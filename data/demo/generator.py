"""Demo data for LoanSight: a folder source exactly as INTERCHANGE.md describes, or the
same bundles yielded in process.

What ``write_demo_files`` writes under ``out_dir``:

* ``master/branches.csv``, ``master/staff.csv``, ``master/customers.csv`` and
  ``master/loans.csv`` (loan snapshot at the last month end before ``today``);
* ``history/<YYYY-MM-DD>/loans.csv``: the earlier month-end snapshots (each loan has two
  to four snapshots in all, none before disbursement);
* ``signals/signals-YYYYMMDD.csv`` and ``.jsonl``: one file a month (see
  ``data.demo.signals`` for which is GB18030, which has a BOM, which are JSON lines);
* ``bundles/<bundle_id>.zip`` and ``bundles/<bundle_id>-r2.zip`` for resubmissions
  (by default not for the ``bank`` scale, whose bundles are meant for
  ``iter_demo_bundles``).

Everything is a pure function of ``scale``, ``seed`` and ``today``: the same inputs give
byte-identical files on the same machine (photo bytes depend on the fonts installed).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from data.demo.bundles import BundleBuilder, DemoBundle
from data.demo.checklist import load_template
from data.demo.common import CST, money
from data.demo.photos import PhotoRenderer
from data.demo.plan import ExifMode, PlantedProblem, Problem, Visit, applicable, plan_visits
from data.demo.scales import ScaleConfig, scale_config
from data.demo.signals import Signal, build_signals, signal_files
from data.demo.world import World, build_world

DEFAULT_SEED = 20261128

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    """What a demo data set holds, and where the planted problems are.

    ``inspections`` counts distinct inspections (revision 1); ``resubmissions`` the
    revision-2 bundles on top of them. ``photos`` counts the photos of revision-1 bundles
    (a revision 2 repeats its revision 1's photos byte for byte). Each problem count is
    the number of bundles carrying it; ``planted`` lists them with their sources.
    """

    scale: str
    seed: int
    today: dt.date
    branches: int
    staff: int
    client_managers: int
    customers: int
    loans: int
    loan_snapshots: int
    signals: int
    unmatched_signals: int
    uscc_only_signals: int
    inspections: int
    resubmissions: int
    photos: int
    photos_without_exif: int
    photos_malformed_gps: int
    far_checkins: int
    reused_photos: int
    short_visits: int
    shared_device_bundles: int
    shared_devices: int
    copied_reports: int
    exif_mismatches: int
    planted: tuple[PlantedProblem, ...]
    signal_files: tuple[str, ...]
    gb18030_files: tuple[str, ...]
    files_written: int

    @property
    def bundles(self) -> int:
        return self.inspections + self.resubmissions


@dataclass(frozen=True)
class _Dataset:
    config: ScaleConfig
    seed: int
    world: World
    signals: list[Signal]
    visits: list[Visit]
    planted: list[PlantedProblem]


def _dataset(scale: str, seed: int, today: dt.date | None, signals: bool = True) -> _Dataset:
    config = scale_config(scale)
    today = today or dt.date.today()
    world = build_world(config, seed, today)
    visits, planted = plan_visits(world, load_template(), seed)
    return _Dataset(config, seed, world, build_signals(world, seed) if signals else [], visits, planted)


def demo_summary(scale: str = "small", seed: int = DEFAULT_SEED, today: dt.date | None = None) -> DemoSummary:
    """The summary of a demo data set without rendering or writing anything."""
    data = _dataset(scale, seed, today)
    files = signal_files(data.signals, data.world.today)
    return _summarise(
        data, tuple(f.path for f in files), tuple(f.path for f in files if f.encoding == "gb18030"), 0
    )


def write_demo_files(
    out_dir: Path,
    scale: str = "small",
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    progress: Progress | None = None,
    *,
    with_bundles: bool | None = None,
) -> DemoSummary:
    """Write the demo folder source under ``out_dir`` and return its summary.

    ``with_bundles`` defaults to True except for the ``bank`` scale, whose 200,000
    bundles are better fed to the importer through :func:`iter_demo_bundles`.
    ``progress(done, total)`` is called after the master data, after the signals and
    after every bundle.
    """
    data = _dataset(scale, seed, today)
    write_bundles = with_bundles if with_bundles is not None else scale != "bank"
    total = 2 + (len(data.visits) if write_bundles else 0)
    written = 0
    for relative, payload in _master_files(data.world):
        _write(out_dir / relative, payload)
        written += 1
    if progress:
        progress(1, total)
    files = signal_files(data.signals, data.world.today)
    for signal_file in files:
        _write(out_dir / signal_file.path, signal_file.data)
        written += 1
    if progress:
        progress(2, total)
    if write_bundles:
        folder = out_dir / "bundles"
        folder.mkdir(parents=True, exist_ok=True)
        builder = _builder(data)
        for done, visit in enumerate(data.visits, start=1):
            for bundle in builder.build(visit):
                (folder / bundle.name).write_bytes(bundle.zip_bytes())
                written += 1
            if progress:
                progress(2 + done, total)
    return _summarise(
        data,
        tuple(f.path for f in files),
        tuple(f.path for f in files if f.encoding == "gb18030"),
        written,
    )


def iter_demo_bundles(
    scale: str = "bank",
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Iterator[DemoBundle]:
    """Yield every bundle of the demo data set in submission order of their visits (a
    revision 2 right after its revision 1), exactly the bytes ``write_demo_files`` zips.
    ``progress(done, total)`` counts visits."""
    data = _dataset(scale, seed, today, signals=False)
    builder = _builder(data)
    total = len(data.visits)
    for done, visit in enumerate(data.visits, start=1):
        yield from builder.build(visit)
        if progress:
            progress(done, total)


@functools.lru_cache(maxsize=2)
def _cached_dataset(scale: str, seed: int, today: dt.date) -> _Dataset:
    return _dataset(scale, seed, today, signals=False)


def visit_count(scale: str = "bank", seed: int = DEFAULT_SEED, today: dt.date | None = None) -> int:
    return len(_cached_dataset(scale, seed, today or dt.date.today()).visits)


def iter_demo_bundle_range(
    start: int, stop: int, scale: str = "bank", seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> Iterator[DemoBundle]:
    """The bundles of visits ``start`` to ``stop`` (exclusive), byte for byte those that
    :func:`iter_demo_bundles` yields for them, so that processes can build disjoint ranges
    side by side. Earlier visits that a planted copy in the range copies from are built
    again, silently, to have what is copied."""
    data = _cached_dataset(scale, seed, today or dt.date.today())
    builder = _builder(data)
    visits = data.visits[start:stop]
    sources = {v.source for v in visits if v.source is not None and v.source < start}
    for visit in data.visits[:start]:
        if visit.index in sources:
            builder.build(visit)
    for visit in visits:
        yield from builder.build(visit)


@dataclass(frozen=True)
class DemoTask:
    """A post-loan task the workstation issued before the demo's visits (a row of
    ``post_loan_tasks``): one for each visit that answers a task, already done."""

    task_no: str
    customer_no: str
    loan_no: str | None
    kind: str
    tier: str
    due_on: dt.date
    assignee_no: str
    reason: str
    required_photos: tuple[str, ...]
    created_at: dt.datetime
    closed_at: dt.datetime


_TIERS = {
    "NORMAL": "NORMAL",
    "SPECIAL_MENTION": "YELLOW",
    "SUBSTANDARD": "ORANGE",
    "DOUBTFUL": "RED",
    "LOSS": "RED",
}
_TASK_REASONS = {
    "FIRST": "贷款发放后首次检查",
    "ROUTINE": "按期例行检查",
    "FOCUSED": "风险分类下调或预警信号,按期重点检查",
    "SPECIAL": "分行专项检查",
}
_TASK_DAYS = {"FIRST": 30, "ROUTINE": 30, "FOCUSED": 20, "SPECIAL": 25}


def demo_tasks(
    scale: str = "small", seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> list[DemoTask]:
    """The tasks the demo's bundles answer, in visit order: created 3 to 20 days before
    the visit, due 20 to 30 days after creation (every demo visit is on time), assigned
    to the inspector, asking for the photos the kind's required items ask for, and done
    when the bundle was submitted."""
    data = _cached_dataset(scale, seed, today or dt.date.today())
    template = load_template()
    largest_loan: dict[str, tuple[Decimal, str]] = {}
    for loan in data.world.loans:
        best = largest_loan.get(loan.customer_no)
        if best is None or (loan.amount, loan.loan_no) > best:
            largest_loan[loan.customer_no] = (loan.amount, loan.loan_no)
    tasks: list[DemoTask] = []
    for visit in data.visits:
        if visit.task_no is None or visit.task_created is None:
            continue
        customer = visit.customer
        tier = _TIERS[customer.classification]
        if tier == "NORMAL" and visit.kind == "FOCUSED":
            tier = "BLUE"
        photos: list[str] = []
        for item in template:
            if (
                item.photo
                and visit.kind in item.required
                and applicable(item.code, customer)
                and item.photo not in photos
            ):
                photos.append(item.photo)
        biggest = largest_loan.get(customer.customer_no)
        created = dt.datetime.combine(visit.task_created, dt.time(8, 30), CST)
        tasks.append(
            DemoTask(
                task_no=visit.task_no,
                customer_no=customer.customer_no,
                loan_no=biggest[1] if biggest else None,
                kind=visit.kind,
                tier=tier,
                due_on=visit.task_created + dt.timedelta(days=_TASK_DAYS[visit.kind]),
                assignee_no=visit.inspector.employee_no,
                reason=_TASK_REASONS[visit.kind],
                required_photos=tuple(photos),
                created_at=created.astimezone(dt.UTC),
                closed_at=visit.submitted.astimezone(dt.UTC),
            )
        )
    return tasks


def _builder(data: _Dataset) -> BundleBuilder:
    config = data.config
    renderer = PhotoRenderer(config.photo_size, config.jpeg_quality, data.seed)
    return BundleBuilder(data.visits, load_template(), data.seed, renderer, config.pretty_manifest)


def _write(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)


def _csv(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _master_files(world: World) -> list[tuple[str, bytes]]:
    files = [
        (
            "master/branches.csv",
            _csv(
                ("branch_code", "name", "level", "parent_code", "city", "lat", "lon", "crs"),
                [
                    (b.code, b.name, b.level, b.parent_code, b.city, f"{b.lat:.6f}", f"{b.lon:.6f}", "WGS84")
                    for b in world.branches
                ],
            ),
        ),
        (
            "master/staff.csv",
            _csv(
                ("employee_no", "name", "branch_code", "role", "phone", "active"),
                [(s.employee_no, s.name, s.branch_code, s.role, s.phone, "1") for s in world.staff],
            ),
        ),
        (
            "master/customers.csv",
            _csv(
                (
                    "customer_no",
                    "name",
                    "uscc",
                    "legal_rep",
                    "legal_rep_id",
                    "phone",
                    "industry",
                    "address",
                    "lat",
                    "lon",
                    "crs",
                    "branch_code",
                    "manager_no",
                ),
                [
                    (
                        c.customer_no,
                        c.name,
                        c.uscc,
                        c.legal_rep,
                        c.legal_rep_id,
                        c.phone,
                        c.industry,
                        c.address,
                        f"{c.lat:.6f}",
                        f"{c.lon:.6f}",
                        c.crs,
                        c.branch_code,
                        c.manager_no,
                    )
                    for c in world.customers
                ],
            ),
        ),
    ]
    header = (
        "loan_no",
        "customer_no",
        "product",
        "amount",
        "balance",
        "rate",
        "disbursed_on",
        "maturity_on",
        "guarantee",
        "payment",
        "purpose",
        "classification",
        "overdue_days",
        "as_of",
    )
    by_date: dict[dt.date, list[tuple[object, ...]]] = {}
    for loan in world.loans:
        for snap in loan.snapshots:
            by_date.setdefault(snap.as_of, []).append(
                (
                    loan.loan_no,
                    loan.customer_no,
                    loan.product,
                    money(loan.amount),
                    money(snap.balance),
                    loan.rate,
                    loan.disbursed_on.isoformat(),
                    loan.maturity_on.isoformat(),
                    loan.guarantee,
                    loan.payment,
                    loan.purpose,
                    snap.classification,
                    snap.overdue_days,
                    snap.as_of.isoformat(),
                )
            )
    for as_of in sorted(by_date):
        rows = by_date[as_of]
        path = "master/loans.csv" if as_of == world.as_of else f"history/{as_of}/loans.csv"
        files.append((path, _csv(header, rows)))
    return files


def _summarise(
    data: _Dataset, signal_paths: tuple[str, ...], gb18030: tuple[str, ...], written: int
) -> DemoSummary:
    world = data.world
    kinds = Counter(p.kind for p in data.planted)
    modes = Counter(mode for v in data.visits for mode in v.exif_modes)
    lenders = {
        v.device.employee_no
        for v in data.visits
        if v.problem is Problem.SHARED_DEVICE and v.device is not None
    }
    return DemoSummary(
        scale=data.config.name,
        seed=data.seed,
        today=world.today,
        branches=len(world.branches),
        staff=len(world.staff),
        client_managers=sum(1 for s in world.staff if s.role == "CLIENT_MANAGER"),
        customers=len(world.customers),
        loans=len(world.loans),
        loan_snapshots=sum(len(loan.snapshots) for loan in world.loans),
        signals=len(data.signals),
        unmatched_signals=sum(1 for s in data.signals if not s.matched),
        uscc_only_signals=sum(1 for s in data.signals if s.matched and not s.customer_no),
        inspections=len(data.visits),
        resubmissions=sum(1 for v in data.visits if v.resubmitted),
        photos=sum(len(v.categories) for v in data.visits),
        photos_without_exif=modes[ExifMode.NONE],
        photos_malformed_gps=modes[ExifMode.MALFORMED],
        far_checkins=kinds[Problem.FAR_CHECKIN],
        reused_photos=kinds[Problem.REUSED_PHOTO],
        short_visits=kinds[Problem.SHORT_VISIT],
        shared_device_bundles=kinds[Problem.SHARED_DEVICE],
        shared_devices=len(lenders),
        copied_reports=kinds[Problem.COPIED_REPORT],
        exif_mismatches=kinds[Problem.EXIF_MISMATCH],
        planted=tuple(data.planted),
        signal_files=signal_paths,
        gb18030_files=gb18030,
        files_written=written,
    )
