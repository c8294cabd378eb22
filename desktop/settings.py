"""Typed preferences over QSettings, declared once; window state kept apart.

Each option is declared once with its key, type and default (as MusicBrainz Picard does),
so nothing reads a raw QSettings key with a guessed type. User preferences live under
``prefs/``; window geometry and table layouts under ``window/``, so resetting one never
touches the other. ``prefs/version`` allows upgrades of stored values later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

if TYPE_CHECKING:
    from widgets.map_tiles import TileProvider

T = TypeVar("T")

ORGANISATION = "LoanSight"
APPLICATION = "LoanSight"
PREFS_VERSION = 1


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    default: T
    kind: type

    def decode(self, raw: Any) -> T:
        if raw is None:
            return self.default
        try:
            if self.kind is bool:
                value: Any = raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")
            elif self.kind is int:
                value = int(raw)
            elif self.kind is list:
                value = json.loads(raw) if isinstance(raw, str) else list(raw)
            else:
                value = self.kind(raw)
        except (TypeError, ValueError, json.JSONDecodeError):
            return self.default
        return value  # type: ignore[no-any-return]

    def encode(self, value: T) -> Any:
        return json.dumps(value, ensure_ascii=False) if self.kind is list else value


LANGUAGE: Option[str] = Option("prefs/language", "zh_CN", str)
SOURCES: Option[list[str]] = Option("prefs/import_sources", [], list)
IDLE_LOCK_MINUTES: Option[int] = Option("prefs/idle_lock_minutes", 15, int)
LAST_USER: Option[str] = Option("prefs/last_user", "", str)
#: the map's tile provider: none (offline grid), tianditu, autonavi, osm or custom
MAP_PROVIDER: Option[str] = Option("prefs/map_provider", "none", str)
TIANDITU_KEY: Option[str] = Option("prefs/tianditu_key", "", str)
#: an intranet XYZ template, e.g. https://tiles.bank.example/{z}/{x}/{y}.png
CUSTOM_TILE_URL: Option[str] = Option("prefs/custom_tile_url", "", str)
#: the datum the intranet tiles are drawn in: WGS84, GCJ02 or BD09
CUSTOM_TILE_CRS: Option[str] = Option("prefs/custom_tile_crs", "WGS84", str)
ALL_OPTIONS: tuple[Option[Any], ...] = (
    LANGUAGE,
    SOURCES,
    IDLE_LOCK_MINUTES,
    LAST_USER,
    MAP_PROVIDER,
    TIANDITU_KEY,
    CUSTOM_TILE_URL,
    CUSTOM_TILE_CRS,
)
LANGUAGES = {"zh_CN": "中文", "en": "English"}


class Preferences:
    """The user's preferences. Pass it to whoever needs it; there is no global."""

    def __init__(self, qsettings: QSettings) -> None:
        self.qs = qsettings
        if self.qs.value("prefs/version") is None:
            self.qs.setValue("prefs/version", PREFS_VERSION)

    @classmethod
    def for_user(cls) -> Preferences:
        """The real store: the registry on Windows, an ini file elsewhere."""
        return cls(
            QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)
        )

    @classmethod
    def in_file(cls, path: Path) -> Preferences:
        """A private ini file (tests, portable use)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def get(self, option: Option[T]) -> T:
        return option.decode(self.qs.value(option.key))

    def set(self, option: Option[T], value: T) -> None:
        self.qs.setValue(option.key, option.encode(value))
        self.qs.sync()

    # -- window state, kept apart from preferences ------------------------------------

    def window_state(self, name: str) -> QByteArray | None:
        value = self.qs.value(f"window/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_window_state(self, name: str, value: QByteArray) -> None:
        self.qs.setValue(f"window/{name}", value)


def map_tile_provider(prefs: Preferences) -> TileProvider:
    """The map's tile provider as the user configured it (the offline grid when unusable)."""
    from widgets.map_tiles import tile_provider

    return tile_provider(
        prefs.get(MAP_PROVIDER),
        tianditu_key=prefs.get(TIANDITU_KEY),
        custom_url=prefs.get(CUSTOM_TILE_URL),
        custom_crs=prefs.get(CUSTOM_TILE_CRS),
    )
