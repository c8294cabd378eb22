"""What a map shows, as plain values: points for the map screen, an inspection's scene.

All coordinates are WGS-84 (as stored); the map converts them for its tile provider when it
draws them. Texts are plain text: the page shows them as text, never as HTML. Distances are
the caller's (computed by the rules); they are only formatted here.

Scene elements are named by *refs*, which flags use to say what they are about:
``check_in``, ``check_out``, ``customer``, ``track`` (the whole track),
``photo:<id>`` (a photo's app place and EXIF place) and ``track:<first>-<last>`` (a stretch
of the track, indexes into ``InspectionScene.track``, inclusive).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

#: (target coordinate system, WGS-84 lat, lon) → (lat, lon) drawn on that system's tiles
Transform = Callable[[str, float, float], tuple[float, float]]
Project = Callable[[float, float], tuple[float, float]]

CHECK_IN = "check_in"
CHECK_OUT = "check_out"
CUSTOMER = "customer"
TRACK = "track"
SEVERITIES = ("high", "medium", "low")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _t(text: str) -> str:
    return QCoreApplication.translate("Map", text)


def photo_ref(photo_id: int) -> str:
    return f"photo:{photo_id}"


def track_ref(first: int, last: int) -> str:
    """A stretch of the track: points ``first`` to ``last`` (inclusive)."""
    return f"track:{first}-{last}"


@dataclass(frozen=True)
class MapPoint:
    """One point on the map screen. ``kind`` says what a click on it means: ``customer``
    (``id`` is the customer number) or ``inspection`` (``id`` is the inspection id)."""

    id: str | int
    lat: float
    lon: float
    colour: str  # "#rrggbb"
    tooltip: str
    kind: str = "customer"

    def __post_init__(self) -> None:
        if not _COLOUR.match(self.colour):
            raise ValueError(f"colour must be #rrggbb, not {self.colour!r}")


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str  # "#rrggbb"

    def __post_init__(self) -> None:
        if not _COLOUR.match(self.colour):
            raise ValueError(f"colour must be #rrggbb, not {self.colour!r}")


@dataclass(frozen=True)
class TrackPoint:
    time: datetime
    lat: float
    lon: float


@dataclass(frozen=True)
class PlaceMark:
    """A check-in or check-out: where the app says the phone was, and how sure it was."""

    lat: float
    lon: float
    time: datetime | None = None
    accuracy_m: float | None = None
    distance_m: float | None = None  # from the customer's registered location


@dataclass(frozen=True)
class ScenePhoto:
    id: int
    caption: str
    lat: float  # where the app recorded it
    lon: float
    exif_lat: float | None = None  # where the photo's EXIF says it was taken, if anywhere else
    exif_lon: float | None = None
    exif_distance_m: float | None = None  # app place → EXIF place
    taken_at: datetime | None = None


@dataclass(frozen=True)
class SceneFlag:
    """An authenticity flag: what it is, how bad, why, and which scene elements it is about."""

    code: str
    label: str
    severity: str  # "high", "medium" or "low"
    evidence: str = ""
    related: tuple[str, ...] = ()  # refs, see the module's docstring


@dataclass(frozen=True)
class InspectionScene:
    inspection_id: int
    customer_name: str = ""
    customer_lat: float | None = None  # the registered location
    customer_lon: float | None = None
    geofence_m: float | None = None
    check_in: PlaceMark | None = None
    check_out: PlaceMark | None = None
    track: tuple[TrackPoint, ...] = ()
    photos: tuple[ScenePhoto, ...] = ()
    flags: tuple[SceneFlag, ...] = field(default=())

    @property
    def track_seconds(self) -> float:
        """How long the track lasts, first point to last."""
        if len(self.track) < 2:
            return 0.0
        return (self.track[-1].time - self.track[0].time).total_seconds()


def format_distance(metres: float) -> str:
    if metres < 1000:
        return _t("{value} m").format(value=f"{metres:,.0f}")
    return _t("{value} km").format(
        value=f"{metres / 1000:,.1f}" if metres < 100_000 else f"{metres / 1000:,.0f}"
    )


def _clock(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S") if when else ""


def _lines(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def points_payload(points: list[MapPoint], project: Project) -> list[list[Any]]:
    """The compact form the page draws: ``[id, lat, lon, colour, tooltip, kind]``."""
    out: list[list[Any]] = []
    for p in points:
        lat, lon = project(p.lat, p.lon)
        out.append([p.id, round(lat, 7), round(lon, 7), p.colour, p.tooltip, p.kind])
    return out


def _place(place: PlaceMark, title: str, project: Project) -> dict[str, Any]:
    lat, lon = project(place.lat, place.lon)
    accuracy = (
        _t("Accuracy ±{distance}").format(distance=format_distance(place.accuracy_m))
        if place.accuracy_m is not None
        else ""
    )
    away = (
        _t("{distance} from the registered location").format(distance=format_distance(place.distance_m))
        if place.distance_m is not None
        else ""
    )
    return {
        "lat": lat,
        "lon": lon,
        "acc": place.accuracy_m or None,
        "tip": _lines(title, _clock(place.time), accuracy, away),
        "label": format_distance(place.distance_m) if place.distance_m is not None else "",
    }


def scene_payload(scene: InspectionScene, project: Project) -> dict[str, Any]:
    """The scene as the page draws it, in the provider's coordinates, texts worded."""
    payload: dict[str, Any] = {"customer": None, "checkIn": None, "checkOut": None, "photos": []}
    if scene.customer_lat is not None and scene.customer_lon is not None:
        lat, lon = project(scene.customer_lat, scene.customer_lon)
        fence = (
            _t("Geofence {distance}").format(distance=format_distance(scene.geofence_m))
            if scene.geofence_m
            else ""
        )
        payload["customer"] = {
            "lat": lat,
            "lon": lon,
            "radius": scene.geofence_m or None,
            "tip": _lines(scene.customer_name, _t("Registered location"), fence),
        }
    if scene.check_in is not None:
        payload["checkIn"] = _place(scene.check_in, _t("Check-in"), project)
    if scene.check_out is not None:
        payload["checkOut"] = _place(scene.check_out, _t("Check-out"), project)
    start = scene.track[0].time if scene.track else None
    lats: list[float] = []
    lons: list[float] = []
    seconds: list[float] = []
    for point in scene.track:
        lat, lon = project(point.lat, point.lon)
        lats.append(round(lat, 7))
        lons.append(round(lon, 7))
        seconds.append((point.time - start).total_seconds() if start else 0.0)
    payload["track"] = {"lat": lats, "lon": lons, "t": seconds}
    for photo in scene.photos:
        lat, lon = project(photo.lat, photo.lon)
        item: dict[str, Any] = {
            "id": photo.id,
            "lat": lat,
            "lon": lon,
            "tip": _lines(photo.caption, _clock(photo.taken_at), _t("Place recorded by the app")),
            "exif": None,
        }
        exif = (photo.exif_lat, photo.exif_lon)
        if exif[0] is not None and exif[1] is not None and exif != (photo.lat, photo.lon):
            exif_lat, exif_lon = project(exif[0], exif[1])
            distance = format_distance(photo.exif_distance_m) if photo.exif_distance_m is not None else ""
            item["exif"] = {
                "lat": exif_lat,
                "lon": exif_lon,
                "label": _t("EXIF {distance}").format(distance=distance) if distance else "",
                "tip": _lines(
                    photo.caption,
                    _t("Place in the photo's EXIF"),
                    _t("{distance} from the place recorded by the app").format(distance=distance)
                    if distance
                    else "",
                ),
            }
        payload["photos"].append(item)
    return payload


@dataclass(frozen=True)
class PreparedPoints:
    """Points in the page's form for one datum, as JSON."""

    crs: str
    json: str


def prepare_points(points: Sequence[MapPoint], crs: str, transform: Transform | None) -> PreparedPoints:
    """The page's form of ``points`` on a ``crs`` map; pure, so any thread may call it."""

    def project(lat: float, lon: float) -> tuple[float, float]:
        if crs == "WGS84" or transform is None:
            return lat, lon
        return transform(crs, lat, lon)

    return PreparedPoints(crs, json.dumps(points_payload(list(points), project), ensure_ascii=False))
