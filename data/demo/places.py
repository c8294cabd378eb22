"""Real places the demo bank sits in: Hebei's cities and county seats.

The coordinates come from ``resources/places/hebei_admin_centers.csv`` (administrative
centres with both their GCJ-02 and WGS-84 positions). Branches are placed at the WGS-84
position, which is what master data stores.

Each city branch takes the city's telephone area code as its branch code (石家庄 0311,
唐山 0315, …) and its sub-branches append two digits (031101, 031102, …).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AdminCentre:
    """One administrative centre (city or county seat) with its WGS-84 position."""

    adcode: str
    name: str
    level: str
    lat: float
    lon: float


@dataclass(frozen=True)
class CityPlan:
    """A city branch of the demo bank and, in order of preference, its sub-branch counties."""

    branch_code: str
    city_adcode: str
    short_name: str
    counties: tuple[str, ...]


#: The eleven prefecture-level cities of Hebei, each a city branch. The counties are the
#: seats of the sub-branches, urban districts first; a scale takes the first few of each.
CITY_PLANS: tuple[CityPlan, ...] = (
    CityPlan(
        "0311",
        "130100",
        "石家庄",
        ("130102", "130104", "130108", "130105", "130109", "130110", "130123", "130181"),
    ),
    CityPlan(
        "0315",
        "130200",
        "唐山",
        ("130203", "130202", "130208", "130204", "130205", "130207", "130283"),
    ),
    CityPlan(
        "0312",
        "130600",
        "保定",
        ("130602", "130606", "130607", "130608", "130609", "130681", "130682"),
    ),
    CityPlan("0310", "130400", "邯郸", ("130402", "130403", "130404", "130406", "130408", "130481")),
    CityPlan("0317", "130900", "沧州", ("130902", "130903", "130921", "130981", "130982", "130983")),
    CityPlan("0319", "130500", "邢台", ("130502", "130503", "130505", "130528", "130581")),
    CityPlan("0316", "131000", "廊坊", ("131002", "131003", "131022", "131081", "131082")),
    CityPlan("0318", "131100", "衡水", ("131102", "131103", "131121", "131182")),
    CityPlan("0335", "130300", "秦皇岛", ("130302", "130303", "130304", "130322")),
    CityPlan("0313", "130700", "张家口", ("130702", "130703", "130705", "130730")),
    CityPlan("0314", "130800", "承德", ("130802", "130803", "130821", "130881")),
)

_SUFFIXES = ("矿区", "区", "县", "市")


def resources_dir() -> Path:
    """The repository's ``resources/`` folder (this file lives in ``data/demo/``)."""
    return Path(__file__).resolve().parents[2] / "resources"


def load_admin_centres(path: Path | None = None) -> dict[str, AdminCentre]:
    """Read the admin-centre table, keyed by adcode."""
    path = path or resources_dir() / "places" / "hebei_admin_centers.csv"
    centres: dict[str, AdminCentre] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            centres[row["adcode"]] = AdminCentre(
                adcode=row["adcode"],
                name=row["name"],
                level=row["level"],
                lat=float(row["wgs84_lat"]),
                lon=float(row["wgs84_lng"]),
            )
    return centres


def short_county_name(name: str) -> str:
    """长安区 → 长安, 辛集市 → 辛集, but 赵县 stays 赵县 (a one-character stem is too short)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name
