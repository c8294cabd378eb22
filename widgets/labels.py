"""Display texts for codes and values, in the user's language and locale.

Plain functions over plain values, shared by the screens: kinds, opinions,
classifications and photo categories worded for people; times in Beijing time and money
with thousands separators, as the locale writes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def kind_name(kind: str) -> str:
    return {
        "FIRST": _t("First check"),
        "ROUTINE": _t("Routine"),
        "FOCUSED": _t("Focused"),
        "SPECIAL": _t("Special"),
    }.get(kind, kind)


def opinion_name(opinion: str | None) -> str:
    return {"NORMAL": _t("Normal"), "ATTENTION": _t("Needs attention"), "RISK": _t("Risk")}.get(
        opinion or "", opinion or ""
    )


def classification_name(value: str | None) -> str:
    return {
        "NORMAL": _t("Normal"),
        "SPECIAL_MENTION": _t("Special mention"),
        "SUBSTANDARD": _t("Substandard"),
        "DOUBTFUL": _t("Doubtful"),
        "LOSS": _t("Loss"),
    }.get(value or "", value or "")


def category_name(value: str) -> str:
    return {
        "STOREFRONT": _t("Storefront"),
        "PREMISES": _t("Premises"),
        "INVENTORY": _t("Inventory"),
        "EQUIPMENT": _t("Equipment"),
        "COLLATERAL": _t("Collateral"),
        "DOCUMENT": _t("Document"),
        "MEETING": _t("Meeting"),
        "OTHER": _t("Other"),
    }.get(value, value)


def answer_name(value: str) -> str:
    return {
        "YES": _t("Yes"),
        "NO": _t("No"),
        "NA": _t("N/A"),
        "TEXT": _t("Text"),
        "NUMBER": _t("Number"),
    }.get(value, value)


#: one colour a risk tier, everywhere it is drawn (tables, charts, maps, reports)
TIERS = ("NORMAL", "BLUE", "YELLOW", "ORANGE", "RED")
TIER_COLOURS = {
    "NORMAL": "#43a047",
    "BLUE": "#1e88e5",
    "YELLOW": "#f9a825",
    "ORANGE": "#ef6c00",
    "RED": "#d32f2f",
}
UNTIERED_COLOUR = "#78909c"


def tier_name(tier: str | None) -> str:
    names = {
        "NORMAL": _t("Normal"),
        "BLUE": _t("Blue"),
        "YELLOW": _t("Yellow"),
        "ORANGE": _t("Orange"),
        "RED": _t("Red"),
    }
    return names.get(tier or "", _t("Not tiered"))


def status_name(value: str) -> str:
    return {"CURRENT": _t("Current"), "SUPERSEDED": _t("Superseded")}.get(value, value)


_BEIJING = dt.timezone(dt.timedelta(hours=8))


def local_time(moment: dt.datetime | None) -> str:
    """A UTC time as the user's locale writes it, in Beijing time."""
    if moment is None:
        return ""
    # one numeric form in every language (as the bank's own systems write it), so plain
    # strftime: a QLocale call costs ten times as much in a table of thousands of rows
    return moment.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M")


def money(value: Any) -> str:
    return QLocale().toString(float(value), "f", 2)


def number(value: Any) -> str:
    """A decimal value with the locale's grouping, keeping its decimals (e.g. 9,546,000.00)."""
    text = str(value)
    places = len(text.split(".", 1)[1]) if "." in text else 0
    return QLocale().toString(float(text), "f", places)


def file_kind_name(kind: str) -> str:
    return {
        "branches": _t("Branches"),
        "staff": _t("Staff"),
        "customers": _t("Customers"),
        "loans": _t("Loans"),
        "signals": _t("Risk signals"),
        "bundle": _t("Inspection bundle"),
        "unknown": _t("Unknown"),
    }.get(kind, kind)
