"""Coordinate reference systems used by Chinese map providers, and distances.

Everything is stored as WGS-84. The mobile app and the map providers may speak GCJ-02
(the obfuscated "Mars" datum every licensed Chinese map uses) or BD-09 (Baidu's further
offset of GCJ-02). The forward transforms are the published formulas; their inverses
have no closed form, so we invert them by fixed-point iteration, which converges to
well under a millimetre in a handful of steps inside China.

CGCS2000 differs from WGS-84 by centimetres and is treated as WGS-84, as the interchange
contract says.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum


class Crs(StrEnum):
    WGS84 = "WGS84"
    GCJ02 = "GCJ02"
    BD09 = "BD09"
    CGCS2000 = "CGCS2000"


_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared
_Forward = Callable[[float, float], tuple[float, float]]
_X_PI = math.pi * 3000.0 / 180.0
EARTH_RADIUS_M = 6371008.8

#: China's bounding box from the interchange contract: outside it a point is suspicious.
CHINA_BBOX = (3.0, 54.0, 73.0, 136.0)  # lat_min, lat_max, lon_min, lon_max


def in_valid_range(lat: float, lon: float) -> bool:
    """A point must be on Earth: latitude −90..90 and longitude −180..180."""
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def in_china_bbox(lat: float, lon: float) -> bool:
    lat_min, lat_max, lon_min, lon_max = CHINA_BBOX
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def _out_of_china(lat: float, lon: float) -> bool:
    # The GCJ-02 offset is only applied inside this coarse box (the providers' own rule).
    return not (0.8293 <= lat <= 55.8271 and 72.004 <= lon <= 137.8347)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if _out_of_china(lat, lon):
        return lat, lon
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lat + dlat, lon + dlon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _bd09_to_gcj02_approx(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def _invert(forward: _Forward, lat: float, lon: float, start: tuple[float, float]) -> tuple[float, float]:
    """Solve forward(p) == (lat, lon) for p by fixed-point iteration from ``start``."""
    g_lat, g_lon = start
    for _ in range(30):
        f_lat, f_lon = forward(g_lat, g_lon)
        d_lat, d_lon = f_lat - lat, f_lon - lon
        g_lat, g_lon = g_lat - d_lat, g_lon - d_lon
        if abs(d_lat) < 1e-10 and abs(d_lon) < 1e-10:  # ~0.01 mm
            break
    return g_lat, g_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Inverse of :func:`wgs84_to_gcj02`, accurate to far under a metre."""
    if _out_of_china(lat, lon):
        return lat, lon
    return _invert(wgs84_to_gcj02, lat, lon, (lat, lon))


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """Inverse of :func:`gcj02_to_bd09` (the usual closed form refined by iteration)."""
    return _invert(gcj02_to_bd09, lat, lon, _bd09_to_gcj02_approx(lat, lon))


def wgs84_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))


def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


def to_wgs84(lat: float, lon: float, crs: Crs | str) -> tuple[float, float]:
    """Convert a point given in ``crs`` to WGS-84."""
    crs = Crs(crs)
    if crs is Crs.GCJ02:
        return gcj02_to_wgs84(lat, lon)
    if crs is Crs.BD09:
        return bd09_to_wgs84(lat, lon)
    return lat, lon


def from_wgs84(lat: float, lon: float, crs: Crs | str) -> tuple[float, float]:
    """Convert a WGS-84 point to ``crs`` (for drawing on a provider in that system)."""
    crs = Crs(crs)
    if crs is Crs.GCJ02:
        return wgs84_to_gcj02(lat, lon)
    if crs is Crs.BD09:
        return wgs84_to_bd09(lat, lon)
    return lat, lon


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
