"""Small helpers shared by the demo generator modules: Beijing time, calendar months,
moving a point on the ground, and money formatting."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

#: Beijing time. Every time the demo writes carries this offset.
CST = dt.timezone(dt.timedelta(hours=8))

_M_PER_DEG_LAT = 111_320.0
_CENT = Decimal("0.01")


def iso(moment: dt.datetime) -> str:
    """ISO 8601 to the second with the +08:00 offset, e.g. ``2026-11-02T09:12:05+08:00``."""
    return moment.astimezone(CST).isoformat(timespec="seconds")


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def previous_month_ends(today: dt.date, count: int) -> list[dt.date]:
    """The last ``count`` month ends strictly before the month of ``today``, newest first."""
    ends: list[dt.date] = []
    year, month = today.year, today.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        ends.append(month_end(year, month))
    return ends


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's last day (Jan 31 + 1 → Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 if ``end`` is before the first month ends)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(0, months)


def offset_point(lat: float, lon: float, distance_m: float, bearing: float) -> tuple[float, float]:
    """The point ``distance_m`` metres from (lat, lon) towards ``bearing`` (radians from
    north); a flat-earth step, accurate to a few metres over the distances used here."""
    d_lat = distance_m * math.cos(bearing) / _M_PER_DEG_LAT
    d_lon = distance_m * math.sin(bearing) / (_M_PER_DEG_LAT * math.cos(math.radians(lat)))
    return lat + d_lat, lon + d_lon


def jitter_point(rng: random.Random, lat: float, lon: float, radius_m: float) -> tuple[float, float]:
    """A point within ``radius_m`` of (lat, lon), uniform over the disc."""
    distance = radius_m * math.sqrt(rng.random())
    return offset_point(lat, lon, distance, rng.uniform(0.0, 2.0 * math.pi))


def money(value: Decimal) -> str:
    """Yuan with exactly two decimals, rounded half up: ``Decimal('1250000')`` → ``1250000.00``."""
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def weighted_index(rng: random.Random, cumulative: Sequence[float]) -> int:
    """Index drawn with probabilities given by a cumulative weight table."""
    target = rng.random() * cumulative[-1]
    low, high = 0, len(cumulative) - 1
    while low < high:
        mid = (low + high) // 2
        if cumulative[mid] > target:
            high = mid
        else:
            low = mid + 1
    return low


def cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    out: list[float] = []
    for weight in weights:
        total += weight
        out.append(total)
    return out
