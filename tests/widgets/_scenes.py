"""Synthetic map content for the widget tests and the map benchmark."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from widgets.map_scene import (
    CHECK_IN,
    CUSTOMER,
    InspectionScene,
    MapPoint,
    PlaceMark,
    SceneFlag,
    ScenePhoto,
    TrackPoint,
    photo_ref,
    track_ref,
)

#: a customer's registered place in Shijiazhuang (WGS-84)
HOME = (38.0428, 114.5149)
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / 111_320, lon + east_m / (111_320 * math.cos(math.radians(lat)))


def make_scene(track_points: int = 2000, *, customer_name: str = "石家庄恒达机械有限公司") -> InspectionScene:
    """A 45-minute visit: the manager walks in from 600 m away, around the site, and out."""
    start = datetime(2024, 5, 14, 9, 30, 0)
    track = []
    for i in range(track_points):
        f = i / max(1, track_points - 1)
        if f < 0.3:  # walking in from the south-west
            north, east = -600 * (1 - f / 0.3), -400 * (1 - f / 0.3)
        elif f < 0.8:  # around the premises
            a = (f - 0.3) / 0.5 * 2 * math.pi
            north, east = 80 * math.sin(a), 120 * math.sin(a / 2) + 30 * math.cos(3 * a)
        else:  # leaving to the east
            north, east = 20 * (f - 0.8) / 0.2, 500 * (f - 0.8) / 0.2
        lat, lon = _offset(*HOME, north, east)
        track.append(TrackPoint(start + timedelta(seconds=2700 * f), lat, lon))
    check_in = PlaceMark(
        *_offset(*HOME, 260, -180), time=track[int(0.3 * track_points)].time, accuracy_m=35, distance_m=316
    )
    check_out = PlaceMark(
        *_offset(*HOME, 10, 60), time=track[int(0.8 * track_points)].time, accuracy_m=12, distance_m=61
    )
    photos = (
        ScenePhoto(101, "门头照", *_offset(*HOME, 30, 20), taken_at=start + timedelta(minutes=15)),
        ScenePhoto(
            102,
            "生产车间",
            *_offset(*HOME, -40, 60),
            *_offset(*HOME, -45, 70),
            exif_distance_m=11,
            taken_at=start + timedelta(minutes=20),
        ),
        ScenePhoto(
            103,
            "库存 " + HOSTILE,
            *_offset(*HOME, 50, -70),
            *_offset(*HOME, 1500, 1800),
            exif_distance_m=2343,
            taken_at=start + timedelta(minutes=24),
        ),
    )
    n = track_points
    flags = (
        SceneFlag(
            "CHECKIN_OUTSIDE_FENCE",
            "签到位置在地理围栏外",
            "high",
            "签到点距登记地址 316 米，超出 200 米围栏",
            (CHECK_IN, CUSTOMER),
        ),
        SceneFlag(
            "EXIF_FAR",
            "照片 EXIF 位置与 App 记录相距 2.3 公里",
            "high",
            "照片 103 的 EXIF 位置距 App 记录位置 2,343 米",
            (photo_ref(103),),
        ),
        SceneFlag(
            "TRACK_JUMP",
            "轨迹跳变",
            "medium",
            "两点间 9 秒移动 300 米",
            (track_ref(int(0.4 * n), int(0.45 * n)),),
        ),
        SceneFlag("NOTE " + HOSTILE, "低风险提示 " + HOSTILE, "low", HOSTILE, ()),
    )
    return InspectionScene(
        inspection_id=7,
        customer_name=customer_name,
        customer_lat=HOME[0],
        customer_lon=HOME[1],
        geofence_m=200,
        check_in=check_in,
        check_out=check_out,
        track=tuple(track),
        photos=photos,
        flags=flags,
    )


def make_points(count: int, *, kind: str = "customer") -> list[MapPoint]:
    """``count`` points spread over Hebei, on a deterministic pseudo-random pattern."""
    colours = ("#d7191c", "#fdae61", "#2c7bb6", "#1a9641")
    points = []
    for i in range(count):
        lat = 36.5 + 5.0 * ((i * 0.6180339887) % 1.0)
        lon = 114.0 + 4.5 * ((i * 0.7548776662) % 1.0)
        ident: str | int = f"C{i:07d}" if kind == "customer" else i + 1
        points.append(MapPoint(ident, lat, lon, colours[i % 4], f"客户 {i}\n风险 {i % 4}", kind))
    return points
