"""How the screens word an authenticity flag: its name, its severity, and its evidence.

The core stores each flag as a code, a severity and structured detail (codes, numbers and
times, never sentences); this module turns them into the words a supervisor reads, in the
user's language. Plain values in, text out: no database here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from widgets.labels import category_name, local_time

SEVERITY_ORDER = ("HIGH", "MEDIUM", "LOW")
SEVERITY_COLOURS = {"HIGH": "#c62828", "MEDIUM": "#ef6c00", "LOW": "#1565c0"}
CODES = (
    "OFF_SITE_CHECKIN",
    "PHOTO_OFF_SITE",
    "PHOTO_TIME_OUTSIDE_VISIT",
    "DUPLICATE_PHOTO",
    "SHORT_VISIT",
    "IMPOSSIBLE_TRAVEL",
    "SPOOFED_TRACK",
    "SHARED_DEVICE",
    "COPY_PASTE_REPORT",
    "MISSING_EVIDENCE",
    "UNPLANNED",
)


def _t(text: str) -> str:
    return QCoreApplication.translate("Flags", text)


def flag_name(code: str) -> str:
    names = {
        "OFF_SITE_CHECKIN": _t("Check-in away from the customer"),
        "PHOTO_OFF_SITE": _t("Photo taken elsewhere"),
        "PHOTO_TIME_OUTSIDE_VISIT": _t("Photo time outside the visit"),
        "DUPLICATE_PHOTO": _t("Photo reused from another inspection"),
        "SHORT_VISIT": _t("Visit too short"),
        "IMPOSSIBLE_TRAVEL": _t("Impossible travel"),
        "SPOOFED_TRACK": _t("Signs of a mock location"),
        "SHARED_DEVICE": _t("Device shared with another inspector"),
        "COPY_PASTE_REPORT": _t("Report copied from an earlier one"),
        "MISSING_EVIDENCE": _t("Required photo missing"),
        "UNPLANNED": _t("Unplanned"),
    }
    return names.get(code, code)


def severity_name(severity: str) -> str:
    return {"HIGH": _t("High"), "MEDIUM": _t("Medium"), "LOW": _t("Low")}.get(severity, severity)


def _metres(value: Any) -> str:
    if value is None:
        return "—"
    metres = float(value)
    if metres >= 1000:
        return _t("{km:.1f} km").format(km=metres / 1000)
    return _t("{m:.0f} m").format(m=metres)


def _when(value: Any) -> str:
    if not value:
        return "—"
    try:
        return local_time(dt.datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _source(value: Any) -> str:
    return _t("EXIF") if value == "EXIF" else _t("app")


def evidence(code: str, detail: Mapping[str, Any], photo_label: Any = None) -> str:
    """One or two sentences saying why the flag was raised. ``photo_label(key)`` names a
    photo of this inspection (default: its key)."""
    name = photo_label or (lambda key: str(key))
    d = detail
    if code == "OFF_SITE_CHECKIN":
        return _t("The check-in is {distance} from the customer's registered place (limit {limit}).").format(
            distance=_metres(d.get("distance_m")), limit=_metres(d.get("limit_m"))
        )
    if code == "PHOTO_OFF_SITE":
        places = "; ".join(
            _t("{source} place {distance} from the check-in").format(
                source=_source(p.get("source")), distance=_metres(p.get("distance_m"))
            )
            for p in d.get("places", ())
        )
        return _t("{photo}: {places} (limit {limit}).").format(
            photo=name(d.get("photo")), places=places, limit=_metres(d.get("limit_m"))
        )
    if code == "PHOTO_TIME_OUTSIDE_VISIT":
        times = "; ".join(
            _t("{source} time {at}, {minutes:.0f} min outside").format(
                source=_source(x.get("source")),
                at=_when(x.get("at")),
                minutes=float(x.get("minutes_outside", 0)),
            )
            for x in d.get("times", ())
        )
        return _t("{photo}: {times} (visit {start} to {end}).").format(
            photo=name(d.get("photo")),
            times=times,
            start=_when(d.get("window_from")),
            end=_when(d.get("window_to")),
        )
    if code == "DUPLICATE_PHOTO":
        pairs = d.get("photos", ())
        identical = sum(1 for p in pairs if p.get("identical"))
        return _t(
            "{n} photo(s) match photos of the inspection of {other} ({identical} identical, the rest near-duplicates)."
        ).format(n=len(pairs), other=_when(d.get("other_started_at")), identical=identical)
    if code == "SHORT_VISIT":
        return _t("Check-in to check-out took {minutes:.0f} min (minimum {limit:.0f} min).").format(
            minutes=float(d.get("minutes", 0)), limit=float(d.get("limit_min", 0))
        )
    if code == "IMPOSSIBLE_TRAVEL":
        speed = d.get("speed_kmh")
        return _t(
            "{distance} from the previous visit's end ({at}) in {minutes:.0f} min: {speed} (limit {limit:.0f} km/h)."
        ).format(
            distance=_metres(d.get("distance_m")),
            at=_when(d.get("previous_end_at")),
            minutes=float(d.get("minutes", 0)),
            speed=_t("{v:.0f} km/h").format(v=float(speed)) if speed is not None else _t("no time at all"),
            limit=float(d.get("limit_kmh", 0)),
        )
    if code == "SPOOFED_TRACK":
        signs = []
        for s in d.get("signs", ()):
            if s.get("sign") == "ZERO_ACCURACY":
                signs.append(_t("{n} point(s) report an accuracy of exactly 0").format(n=s.get("points", 0)))
            elif s.get("sign") == "FROZEN_POSITION":
                signs.append(
                    _t("{n} consecutive points at the identical position").format(n=s.get("points", 0))
                )
            elif s.get("sign") == "JUMP":
                speed = s.get("speed_kmh")
                signs.append(
                    _t("a jump of {distance} at {speed}").format(
                        distance=_metres(s.get("distance_m")),
                        speed=_t("{v:.0f} km/h").format(v=float(speed))
                        if speed is not None
                        else _t("no time at all"),
                    )
                )
        return "; ".join(signs) + "."
    if code == "SHARED_DEVICE":
        inspectors = ", ".join(str(x) for x in d.get("other_inspectors", ()))
        return _t("Device {device} was also used by {inspectors} within {days:.0f} days.").format(
            device=d.get("device_id", ""), inspectors=inspectors, days=float(d.get("window_days", 0))
        )
    if code == "COPY_PASTE_REPORT":
        return _t("The conclusion is {pct:.0f}% alike that of the inspection of {other}.").format(
            pct=100 * float(d.get("similarity", 0)), other=_when(d.get("other_started_at"))
        )
    if code == "MISSING_EVIDENCE":
        return _t("Item {item} asks for a {category} photo; there is none.").format(
            item=d.get("item", ""), category=category_name(str(d.get("category", "")))
        )
    if code == "UNPLANNED":
        task = d.get("task_no")
        return (
            _t("The bundle names task {task}, which was never issued.").format(task=task)
            if task
            else _t("The bundle answers no post-loan task.")
        )
    return ""
