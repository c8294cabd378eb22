"""How big each demo data set is.

* ``tiny``: for tests. One city branch, two sub-branches, twenty customers, forty
  inspections, and still at least one of every planted problem.
* ``small``: the demo a salesperson shows. Three city branches, eight sub-branches,
  600 customers, 2,000 inspections with full-size photos.
* ``bank``: a whole city commercial bank for load testing. Eleven city branches, sixty
  sub-branches, 50,000 customers, 200,000 inspections with thumbnail-size photos. Its
  bundles are meant to be fed to the importer in process (see ``iter_demo_bundles``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemQuota:
    """How many inspections carry each planted problem (each inspection carries at most
    one), how many manager pairs share a device, and how many photos have EXIF that
    disagrees with what the app recorded."""

    far_checkin: int
    reused_photo: int
    short_visit: int
    shared_device: int
    shared_device_pairs: int
    copied_report: int
    exif_mismatch: int


@dataclass(frozen=True)
class ScaleConfig:
    """The size of a demo data set. ``cities`` pairs a city branch code with its number of
    sub-branches; every sub-branch gets ``managers_per_sub`` client managers."""

    name: str
    cities: tuple[tuple[str, int], ...]
    managers_per_sub: int
    customers: int
    loans: int
    signals: int
    unmatched_signals: int
    inspections: int
    photos_min: int
    photos_max: int
    photo_size: tuple[int, int]
    jpeg_quality: int
    pretty_manifest: bool
    resubmissions: int
    problems: ProblemQuota


SCALES: dict[str, ScaleConfig] = {
    "tiny": ScaleConfig(
        name="tiny",
        cities=(("0311", 2),),
        managers_per_sub=3,
        customers=20,
        loans=30,
        signals=60,
        unmatched_signals=3,
        inspections=40,
        photos_min=3,
        photos_max=4,
        photo_size=(320, 240),
        jpeg_quality=80,
        pretty_manifest=True,
        resubmissions=2,
        problems=ProblemQuota(2, 2, 2, 2, 1, 2, 2),
    ),
    "small": ScaleConfig(
        name="small",
        cities=(("0311", 3), ("0315", 3), ("0312", 2)),
        managers_per_sub=3,
        customers=600,
        loans=900,
        signals=1500,
        unmatched_signals=8,
        inspections=2000,
        photos_min=3,
        photos_max=6,
        photo_size=(640, 480),
        jpeg_quality=78,
        pretty_manifest=True,
        resubmissions=20,
        problems=ProblemQuota(16, 16, 16, 16, 3, 16, 16),
    ),
    "bank": ScaleConfig(
        name="bank",
        cities=(
            ("0311", 8),
            ("0315", 7),
            ("0312", 7),
            ("0310", 6),
            ("0317", 6),
            ("0319", 5),
            ("0316", 5),
            ("0318", 4),
            ("0335", 4),
            ("0313", 4),
            ("0314", 4),
        ),
        managers_per_sub=10,
        customers=50_000,
        loans=70_000,
        signals=125_000,
        unmatched_signals=300,
        inspections=200_000,
        photos_min=3,
        photos_max=3,
        photo_size=(160, 120),
        jpeg_quality=75,
        pretty_manifest=False,
        resubmissions=2_000,
        problems=ProblemQuota(1_650, 1_650, 1_650, 1_650, 60, 1_650, 1_650),
    ),
}


def scale_config(name: str) -> ScaleConfig:
    """The configuration of a named scale; an unknown name is a ``ValueError``."""
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown demo scale {name!r}; expected one of {sorted(SCALES)}") from None
