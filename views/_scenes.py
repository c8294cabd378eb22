"""Turning an inspection's map data and flags into what the map widget draws.

Shared by the screens that show an inspection on a map; not a screen itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from widgets.flag_words import evidence, flag_name
from widgets.labels import category_name, local_time
from widgets.map_scene import (
    CHECK_IN,
    CHECK_OUT,
    CUSTOMER,
    TRACK,
    InspectionScene,
    PlaceMark,
    SceneFlag,
    ScenePhoto,
    TrackPoint,
    photo_ref,
)

EXIF_PLACE_NOISE_M = 30.0


def wgs84_to(crs: str, lat: float, lon: float) -> tuple[float, float]:
    """The map widget's transform: stored WGS-84 to the tile provider's datum."""
    from data.rules.coords import from_wgs84

    return from_wgs84(lat, lon, crs)


def _related(code: str, detail: Any, photo_ids: dict[str, int]) -> tuple[str, ...]:
    """Which elements of the map a flag is about, so selecting it can highlight them."""
    if code == "OFF_SITE_CHECKIN":
        return (CHECK_IN, CUSTOMER)
    if code in ("PHOTO_OFF_SITE", "PHOTO_TIME_OUTSIDE_VISIT"):
        key = detail.get("photo")
        return (photo_ref(photo_ids[key]), CHECK_IN) if key in photo_ids else (CHECK_IN,)
    if code == "DUPLICATE_PHOTO":
        keys = {p.get("photo") for p in detail.get("photos", ())}
        return tuple(photo_ref(photo_ids[k]) for k in sorted(k for k in keys if k in photo_ids))
    if code == "SHORT_VISIT":
        return (CHECK_IN, CHECK_OUT)
    if code == "IMPOSSIBLE_TRAVEL":
        return (CHECK_IN,)
    if code == "SPOOFED_TRACK":
        return (TRACK,)
    return ()


def photo_caption(category: str, seq: int) -> str:
    return f"{category_name(category)} #{seq}"


def build_scene(data: Any, flags: Sequence[Any], geofence_m: float) -> InspectionScene:
    """``data`` is a ``data.mapdata.InspectionMapData``; ``flags`` its ``FlagRow``s."""
    photo_ids = {p.photo_key: p.photo_id for p in data.photos}
    captions = {p.photo_key: photo_caption(p.category, p.seq) for p in data.photos}
    checkin, checkout = data.checkin, data.checkout
    to_customer = data.checkin_to_customer_m

    def mark(fix: Any, distance: float | None) -> PlaceMark | None:
        if fix is None:
            return None
        return PlaceMark(fix.lat, fix.lon, fix.t, fix.accuracy_m, distance)

    from data.rules.coords import haversine_m

    photos = []
    for p in data.photos:
        if p.lat is None or p.lon is None:
            continue
        exif_distance = None
        if p.exif_lat is not None and p.exif_lon is not None:
            exif_distance = haversine_m(p.lat, p.lon, p.exif_lat, p.exif_lon)
        # a few metres between two fixes of one phone is GPS noise, not a second place
        exif_differs = exif_distance is not None and exif_distance > EXIF_PLACE_NOISE_M
        photos.append(
            ScenePhoto(
                p.photo_id,
                captions[p.photo_key] + (f" · {local_time(p.taken_at)}" if p.taken_at else ""),
                p.lat,
                p.lon,
                p.exif_lat if exif_differs else None,
                p.exif_lon if exif_differs else None,
                exif_distance if exif_differs else None,
                p.taken_at,
            )
        )
    scene_flags = tuple(
        SceneFlag(
            f.code,
            flag_name(f.code),
            f.severity.lower(),
            evidence(f.code, f.detail, lambda key: captions.get(key, str(key))),
            _related(f.code, f.detail, photo_ids),
        )
        for f in flags
    )
    return InspectionScene(
        inspection_id=data.inspection_id,
        customer_name=data.customer_name,
        customer_lat=data.customer_lat,
        customer_lon=data.customer_lon,
        geofence_m=geofence_m,
        check_in=mark(checkin, to_customer),
        check_out=mark(checkout, None),
        track=tuple(TrackPoint(f.t, f.lat, f.lon) for f in data.track),
        photos=tuple(photos),
        flags=scene_flags,
    )
