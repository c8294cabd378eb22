"""Warm-up while the login screen waits for the password.

Importing the data layer and compiling the first SQL statements takes a few hundred
milliseconds of CPU; done on a worker thread while the user types, it no longer competes
with the first screen for the interpreter when that screen opens.
"""

from __future__ import annotations

from typing import Any

_FIRST_SCREENS_IMPORT = (
    "data.authenticity",
    "data.checklist",
    "data.mapdata",
    "data.settings",
    "views.imports",
    "views.inspections",
    "views.maps",
    "widgets.flag_words",
    "widgets.photos",
)


def warm_up(db: Any) -> None:
    """Import what the screens will need and run their first queries once."""
    from data.queries import InspectionFilter, filter_choices, inspection_count, inspection_page

    with db.read_session() as session:
        inspection_page(session, None, InspectionFilter(), limit=1)
        inspection_count(session, frozenset({"-"}), InspectionFilter())
        filter_choices(session, frozenset({"-"}))
    # what the first screens import on their workers: an import holds the interpreter for
    # its whole length (PySide's import hook even reads each module's source), which the
    # GUI thread would feel as a stall of 100 ms and more
    import importlib

    for name in _FIRST_SCREENS_IMPORT:
        importlib.import_module(name)


def common_han() -> str:
    """The 3,755 most common Chinese characters (GB 2312 level 1), in that standard's order."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # the unassigned tail of row 55
    return "".join(chars)


class GlyphWarmer:
    """Rasterises the common Chinese characters in the table font while the login waits.

    The first time Qt draws a character it looks up a fallback font and rasterises the
    glyph: a page of customer names never seen before cost 90 to 140 ms of GUI-thread time,
    the same page drawn again 5 ms. Drawing the common characters once into an image fills
    the same glyph cache the screens use (the raster engine shares it per font), in slices
    of a few milliseconds on the GUI thread so typing the password stays smooth.
    """

    def __init__(self, font: Any, slice_chars: int = 40, interval_ms: int = 15) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtGui import QImage

        self._font = font
        # Latin, digits and the punctuation the tables show (the ellipsis of an elided
        # cell among them: resolving a fallback font for it cost 100 ms the first time)
        latin = "".join(chr(c) for c in range(0x20, 0x7F))
        self._text = latin + "…·—–×‰（）【】《》，。：；、？！“”‘’" + common_han()
        self._pos = 0
        self._slice = slice_chars
        self._image = QImage(40 * (slice_chars + 1), 64, QImage.Format.Format_ARGB32_Premultiplied)
        self._image.fill(0)
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.step)

    def start(self) -> None:
        self._timer.start()

    @property
    def done(self) -> bool:
        return self._pos >= len(self._text)

    def step(self) -> None:
        from PySide6.QtGui import QPainter

        if self.done:
            self._timer.stop()
            return
        painter = QPainter(self._image)
        painter.setFont(self._font)
        painter.drawText(0, 40, self._text[self._pos : self._pos + self._slice])
        painter.end()
        self._pos += self._slice

    def run_to_end(self) -> None:
        """All at once (the benchmark, which has no login to wait at)."""
        while not self.done:
            self.step()
