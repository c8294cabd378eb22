"""The URL-like state of the screens (``tasks?status=OVERDUE&branch_code=0311``): writing it,
reading it back, and keeping the narrowing a link brought that a filter bar does not show.

Shared by the list screens and the dashboard; not a screen itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

#: reads one value of a link; None drops it (a bad value in a link narrows nothing)
Parser = Callable[[str], Any]


def link(screen: str, pairs: Iterable[tuple[str, Any]]) -> str:
    """``screen?key=value&…`` of the pairs with a value, dates written as ISO dates."""
    items = [(k, v.isoformat() if isinstance(v, dt.date) else str(v)) for k, v in pairs if v]
    return screen + ("?" + urlencode(items) if items else "")


def list_link(screen: str, keys: Iterable[str], values: Mapping[str, Any]) -> str:
    """A list's state: its filter ``values``, in the order of ``keys``."""
    return link(screen, ((key, values.get(key)) for key in keys))


def iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def link_values(
    query: str, keys: Collection[str], parsers: Mapping[str, Parser] | None = None
) -> dict[str, Any]:
    """The filter values a link carries: only ``keys``, empty ones left out, each read
    with its parser (plain text otherwise)."""
    parsers = parsers or {}
    values: dict[str, Any] = {}
    for key, text in parse_qsl(query.partition("?")[2]):
        if key not in keys or not text:
            continue
        value = parsers[key](text) if key in parsers else text
        if value is not None:
            values[key] = value
    return values


class PinnedFilters:
    """A list whose link may narrow it by keys its filter bar does not show
    (``pinned_keys``: a customer, a date range): a change of the bar keeps them, and the
    bar's "Show all" drops them. For a screen with ``_filters``, ``filter_bar``,
    ``state_changed``, ``query()`` and ``reload()``."""

    pinned_keys: tuple[str, ...] = ()
    _filters: dict[str, Any]
    filter_bar: Any
    state_changed: Any
    query: Callable[[], str]
    reload: Callable[[], None]

    def _on_filters(self, values: dict[str, Any]) -> None:
        kept = {k: v for k, v in self._filters.items() if k in self.pinned_keys}
        self._filters = {**kept, **{k: v for k, v in values.items() if v}}
        self.state_changed.emit(self.query())
        self.reload()

    def _drop_pinned(self) -> None:
        self._filters = {k: v for k, v in self._filters.items() if k not in self.pinned_keys}
        self.filter_bar.set_pinned(None)
        self._on_filters(self.filter_bar.values())
