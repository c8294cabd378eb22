"""Synthetic inspection photos: real JPEGs with a scene, a burned-in watermark and EXIF.

Rules:

* Each photo draws a scene for its category (a shop front, a workshop, shelves of
  stock, a machine, a building or yard, a document on a desk, people at a table) and a
  foreground object or two, with random layout and colours, over a grainy gradient
  background picked from a pre-rendered pool, under patches of shadow or sun and a soft
  field of dappled light. Different photos therefore differ in bytes and, by well more
  than a near-duplicate search's radius, in perceptual hash.
* The watermark (time, employee, address) is burned into the lower left over a dark
  band, in a CJK font if the system has one (Noto CJK, WenQuanYi, Microsoft YaHei,
  SimSun, PingFang); otherwise only its ASCII characters are drawn. Photo bytes are
  therefore identical for one seed on one machine, not across machines with other fonts.
* EXIF is written by hand (a little-endian TIFF block): DateTimeOriginal with its
  +08:00 offset, GPS in WGS-84 as degrees/minutes/seconds rationals, camera make and
  model, and a unique image id. "Malformed" EXIF has 0/0 rationals for latitude and
  longitude, as some phones write when they have no fix.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import random
import struct
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/msyh.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
)
_BACKGROUNDS_PER_CATEGORY = 24
_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
_RGB = tuple[int, int, int]


def find_cjk_font() -> Path | None:
    """The first CJK-capable font found in the usual places on Linux, Windows and macOS."""
    for candidate in _FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


class _Watermark:
    """Draws watermark lines from cached glyph and word masks, which is many times faster
    than asking FreeType to lay out every string."""

    def __init__(self, font_path: Path | None, size: int) -> None:
        self.cjk = font_path is not None
        font: _Font
        if font_path is not None:
            font = ImageFont.truetype(str(font_path), size)
        else:
            font = ImageFont.load_default(size)
        self._font = font
        ascent, descent = font.getmetrics() if isinstance(font, ImageFont.FreeTypeFont) else (size, size // 4)
        self.line_height = ascent + descent + 1
        self._glyphs: dict[str, tuple[Image.Image | None, int, int, int]] = {}
        self._words: dict[str, Image.Image] = {}

    def _glyph(self, char: str) -> tuple[Image.Image | None, int, int, int]:
        cached = self._glyphs.get(char)
        if cached is None:
            left, top, right, bottom = (int(v) for v in self._font.getbbox(char))
            advance = round(self._font.getlength(char))
            mask: Image.Image | None = None
            if right > left and bottom > top:
                mask = Image.new("L", (right - left, bottom - top), 0)
                ImageDraw.Draw(mask).text((-left, -top), char, fill=255, font=self._font)
            cached = (mask, left, top, advance)
            self._glyphs[char] = cached
        return cached

    def _word(self, word: str) -> Image.Image:
        cached = self._words.get(word)
        if cached is not None:
            return cached
        glyphs = [self._glyph(c) for c in word]
        out = Image.new("L", (max(1, sum(g[3] for g in glyphs)), self.line_height), 0)
        x = 0
        for mask, left, top, advance in glyphs:
            if mask is not None:
                out.paste(255, (x + left, top), mask)
            x += advance
        if len(self._words) > 20_000:
            self._words.clear()
        self._words[word] = out
        return out

    def line(self, text: str) -> Image.Image:
        """A mask of one line of text, composed word by word (dates, times, employee
        numbers and addresses repeat a lot, so their masks are cached)."""
        if not self.cjk:
            text = "".join(c for c in text if c.isascii())
        words = [self._word(word) for word in text.split()]
        space = self._glyph(" ")[3]
        width = max(1, sum(w.width for w in words) + space * (len(words) - 1) + 2)
        out = Image.new("L", (width, self.line_height), 0)
        x = 1
        for word in words:
            out.paste(word, (x, 0))
            x += word.width + space
        return out


class PhotoRenderer:
    """Renders inspection photos of one size. Reuse one renderer for many photos: it keeps
    the background pool and the glyph cache."""

    def __init__(
        self,
        size: tuple[int, int],
        quality: int,
        seed: int,
        font_path: Path | None = None,
        find_font: bool = True,
    ) -> None:
        self.width, self.height = size
        self.quality = quality
        if font_path is None and find_font:
            font_path = find_cjk_font()
        self.font_path = font_path
        self._wm = _Watermark(font_path, max(9, self.height // 26))
        self._band_alpha: dict[tuple[int, int], Image.Image] = {}
        self._shades: dict[tuple[int, int], Image.Image] = {}
        rng = random.Random(f"{seed}/photo-backgrounds")
        # Pillow's effect_noise draws from the C library's unseeded rand(): use our RNG.
        grain_size = (self.width + 64, self.height + 64)
        grain = Image.frombytes("L", grain_size, rng.randbytes(grain_size[0] * grain_size[1]))
        grain = Image.merge("RGB", (grain, grain, grain))
        self._backgrounds: dict[str, list[Image.Image]] = {}
        for category in SCENE_CATEGORIES:
            pool = [
                _background(rng, category, self.width, self.height, grain)
                for _ in range(_BACKGROUNDS_PER_CATEGORY)
            ]
            pool += [image.transpose(Image.Transpose.FLIP_LEFT_RIGHT) for image in pool]
            self._backgrounds[category] = pool

    @property
    def cjk(self) -> bool:
        """Whether watermarks are drawn with a CJK font (else ASCII only)."""
        return self._wm.cjk

    def render(
        self,
        rng: random.Random,
        category: str,
        watermark_lines: Sequence[str],
        exif: bytes | None,
    ) -> bytes:
        """A JPEG of ``category`` with the watermark burned in and ``exif`` (or none)."""
        w, h = self.width, self.height
        pool = self._backgrounds.get(category) or self._backgrounds["OTHER"]
        image = rng.choice(pool).copy()
        draw = ImageDraw.Draw(image)
        draw_scene(draw, rng, category, w, h)
        self._lighting(image, rng)
        self._burn_watermark(image, watermark_lines)
        out = io.BytesIO()
        if exif is None:
            image.save(out, format="JPEG", quality=self.quality)
        else:
            image.save(out, format="JPEG", quality=self.quality, exif=exif)
        return out.getvalue()

    def _lighting(self, image: Image.Image, rng: random.Random) -> None:
        """A patch of shadow or sunlight: what makes two shots of similar scenes differ
        most to a perceptual hash."""
        w, h = self.width, self.height
        for _ in range(rng.randint(1, 2)):
            # Sizes in sixteenths keep the cache of shade masks small.
            bw, bh = w * rng.randint(5, 13) // 16, h * rng.randint(5, 13) // 16
            x, y = rng.randint(-bw // 3, w - bw // 2), rng.randint(-bh // 3, h - bh // 2)
            shade = self._shades.get((bw, bh))
            if shade is None:
                shade = Image.new("L", (bw, bh), 70)
                self._shades[(bw, bh)] = shade
            colour = (0, 0, 0) if rng.random() < 0.6 else (255, 250, 235)
            image.paste(colour, (x, y), shade)
        # Dappled light over the whole frame (a soft 8×8 field of shade): its energy sits
        # in exactly the low frequencies a perceptual hash reads, so two shots of similar
        # scenes stay well apart in hash (at least 14 bits in 400 shots of a category)
        # instead of a few landing within a near-duplicate search's radius.
        cells = Image.frombytes("L", (8, 8), rng.randbytes(64))
        strength = rng.uniform(0.5, 0.7)
        field = cells.resize((w, h), Image.Resampling.BICUBIC).point(lambda v: int(v * strength))
        image.paste((0, 0, 0), (0, 0), field)

    def _burn_watermark(self, image: Image.Image, lines: Sequence[str]) -> None:
        masks = [self._wm.line(text) for text in lines if text]
        if not masks:
            return
        pad = max(2, self.height // 80)
        band_w = min(self.width, max(m.width for m in masks) + 2 * pad)
        band_h = min(self.height, sum(m.height for m in masks) + 2 * pad)
        top = self.height - band_h
        alpha = self._band_alpha.get((band_w, band_h))
        if alpha is None:
            alpha = Image.new("L", (band_w, band_h), 110)
            self._band_alpha[(band_w, band_h)] = alpha
        image.paste((0, 0, 0), (0, top), alpha)
        y = top + pad
        for mask in masks:
            if mask.width > self.width - pad:
                mask = mask.crop((0, 0, self.width - pad, mask.height))
            image.paste((255, 255, 255), (pad, y), mask)
            y += mask.height


# --- EXIF -------------------------------------------------------------------------------

_ASCII, _BYTE, _LONG, _RATIONAL = 2, 1, 4, 5


def _entry(tag: int, kind: int, count: int, payload: bytes) -> tuple[int, int, int, bytes]:
    return tag, kind, count, payload


def _ascii(tag: int, text: str) -> tuple[int, int, int, bytes]:
    data = text.encode("ascii") + b"\0"
    return _entry(tag, _ASCII, len(data), data)


def _rationals(tag: int, pairs: Sequence[tuple[int, int]]) -> tuple[int, int, int, bytes]:
    data = b"".join(struct.pack("<II", n, d) for n, d in pairs)
    return _entry(tag, _RATIONAL, len(pairs), data)


def _ifd(entries: list[tuple[int, int, int, bytes]], start: int) -> bytes:
    """One IFD at absolute offset ``start`` followed by its out-of-line values."""
    entries = sorted(entries)
    data_at = start + 2 + 12 * len(entries) + 4
    head = [struct.pack("<H", len(entries))]
    data: list[bytes] = []
    for tag, kind, count, payload in entries:
        if len(payload) <= 4:
            head.append(struct.pack("<HHI", tag, kind, count) + payload.ljust(4, b"\0"))
        else:
            head.append(struct.pack("<HHII", tag, kind, count, data_at))
            padded = payload + (b"\0" if len(payload) % 2 else b"")
            data.append(padded)
            data_at += len(padded)
    head.append(b"\0\0\0\0")
    return b"".join(head) + b"".join(data)


def _dms(value: float) -> list[tuple[int, int]]:
    value = abs(value)
    degrees = int(value)
    minutes_f = (value - degrees) * 60
    minutes = int(minutes_f)
    seconds = round((minutes_f - minutes) * 60 * 10_000)
    return [(degrees, 1), (minutes, 1), (seconds, 10_000)]


def build_exif(
    *,
    taken: dt.datetime,
    gps: tuple[float, float] | None,
    malformed_gps: bool,
    make: str,
    model: str,
    unique_id: str,
) -> bytes:
    """An APP1 EXIF payload (``Exif\\0\\0`` + TIFF). ``taken`` is local (+08:00) time;
    ``gps`` is WGS-84 (lat, lon) or None for no GPS block; ``malformed_gps`` writes 0/0
    rationals for latitude and longitude instead."""
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif_entries = [
        _ascii(0x9003, stamp),  # DateTimeOriginal
        _ascii(0x9004, stamp),  # DateTimeDigitized
        _ascii(0x9011, "+08:00"),  # OffsetTimeOriginal
        _ascii(0xA420, unique_id),  # ImageUniqueID
    ]
    gps_entries: list[tuple[int, int, int, bytes]] = []
    if malformed_gps:
        zero = [(0, 0), (0, 0), (0, 0)]
        gps_entries = [
            _entry(0x0000, _BYTE, 4, bytes((2, 3, 0, 0))),
            _ascii(0x0001, "N"),
            _rationals(0x0002, zero),
            _ascii(0x0003, "E"),
            _rationals(0x0004, zero),
        ]
    elif gps is not None:
        lat, lon = gps
        gps_entries = [
            _entry(0x0000, _BYTE, 4, bytes((2, 3, 0, 0))),
            _ascii(0x0001, "N" if lat >= 0 else "S"),
            _rationals(0x0002, _dms(lat)),
            _ascii(0x0003, "E" if lon >= 0 else "W"),
            _rationals(0x0004, _dms(lon)),
            _ascii(0x0012, "WGS-84"),
        ]
    ifd0_entries = [
        _ascii(0x010F, make),
        _ascii(0x0110, model),
        _ascii(0x0132, stamp),
        _entry(0x8769, _LONG, 1, struct.pack("<I", 0)),
    ]
    if gps_entries:
        ifd0_entries.append(_entry(0x8825, _LONG, 1, struct.pack("<I", 0)))
    # Offsets are relative to the TIFF header; pointer values are fixed-size, so one
    # pass with zero pointers gives every block's size.
    ifd0_len = len(_ifd(ifd0_entries, 8))
    exif_at = 8 + ifd0_len
    exif_block = _ifd(exif_entries, exif_at)
    gps_at = exif_at + len(exif_block)
    ifd0_entries[3] = _entry(0x8769, _LONG, 1, struct.pack("<I", exif_at))
    if gps_entries:
        ifd0_entries[4] = _entry(0x8825, _LONG, 1, struct.pack("<I", gps_at))
    tiff = b"II*\0" + struct.pack("<I", 8) + _ifd(ifd0_entries, 8) + exif_block
    if gps_entries:
        tiff += _ifd(gps_entries, gps_at)
    return b"Exif\0\0" + tiff


# --- scenes -----------------------------------------------------------------------------


def _colour(rng: random.Random, low: int = 0, high: int = 255) -> _RGB:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def _shade(rng: random.Random, base: _RGB, spread: int) -> _RGB:
    r, g, b = base
    return (
        max(0, min(255, r + rng.randint(-spread, spread))),
        max(0, min(255, g + rng.randint(-spread, spread))),
        max(0, min(255, b + rng.randint(-spread, spread))),
    )


_PALETTES: dict[str, tuple[_RGB, ...]] = {
    "STOREFRONT": ((150, 190, 230), (200, 205, 210), (120, 160, 210)),
    "PREMISES": ((170, 170, 160), (120, 125, 130), (200, 195, 180)),
    "INVENTORY": ((150, 140, 120), (110, 105, 95), (180, 170, 150)),
    "EQUIPMENT": ((120, 130, 140), (90, 95, 100), (160, 165, 170)),
    "COLLATERAL": ((160, 200, 235), (140, 150, 130), (190, 190, 180)),
    "DOCUMENT": ((140, 95, 60), (170, 120, 80), (110, 80, 55)),
    "MEETING": ((220, 215, 200), (190, 180, 160), (235, 230, 220)),
    "OTHER": ((128, 128, 128), (90, 110, 130), (170, 150, 120)),
}


def _background(rng: random.Random, category: str, w: int, h: int, grain: Image.Image) -> Image.Image:
    """A soft gradient in the category's palette with film grain (a random crop of a
    shared noise layer) baked in."""
    palette = _PALETTES.get(category, _PALETTES["OTHER"])
    seeds = Image.new("RGB", (3, 3))
    seeds.putdata([_shade(rng, rng.choice(palette), 45) for _ in range(9)])
    image = seeds.resize((w, h), Image.Resampling.BILINEAR)
    gx, gy = rng.randrange(grain.width - w + 1), rng.randrange(grain.height - h + 1)
    return Image.blend(image, grain.crop((gx, gy, gx + w, gy + h)), rng.uniform(0.04, 0.08))


_Scene = Callable[[ImageDraw.ImageDraw, random.Random, int, int], None]


def _boxes(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int, n: int) -> None:
    for _ in range(n):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        bw, bh = rng.uniform(w * 0.05, w * 0.35), rng.uniform(h * 0.05, h * 0.35)
        d.rectangle((x, y, x + bw, y + bh), fill=_colour(rng, 30, 230))


def _scene_storefront(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    ground = h * rng.uniform(0.6, 0.95)
    d.rectangle((0, ground, w, h), fill=_shade(rng, (110, 110, 105), 60))
    # One to three buildings side by side, the shop's somewhere among them.
    edges = sorted(rng.uniform(-0.1, 1.1) * w for _ in range(rng.randint(2, 4)))
    for x0, x1 in itertools.pairwise(edges):
        top = h * rng.uniform(0.0, 0.45)
        d.rectangle((x0, top, x1, ground), fill=_shade(rng, (190, 180, 165), 70))
    x0, x1 = edges[0], edges[-1]
    if x1 - x0 < w * 0.3:
        x0, x1 = w * 0.1, w * 0.9
    top = h * rng.uniform(0.02, 0.4)
    shop_x0 = rng.uniform(x0, x0 + (x1 - x0) * 0.4)
    shop_x1 = rng.uniform(shop_x0 + (x1 - x0) * 0.4, x1)
    d.rectangle((shop_x0, top, shop_x1, ground), fill=_shade(rng, (200, 190, 175), 60))
    sign_h = h * rng.uniform(0.08, 0.2)
    sign = _shade(rng, rng.choice(((180, 30, 30), (30, 70, 160), (30, 120, 60), (200, 140, 20))), 40)
    d.rectangle((shop_x0, top, shop_x1, top + sign_h), fill=sign)
    chars = rng.randint(3, 9)
    step = (shop_x1 - shop_x0) * 0.9 / chars
    for i in range(chars):
        cx = shop_x0 + (shop_x1 - shop_x0) * 0.05 + i * step
        d.rectangle((cx, top + sign_h * 0.2, cx + step * 0.7, top + sign_h * 0.8), fill=(250, 245, 230))
    door_w = (shop_x1 - shop_x0) * rng.uniform(0.15, 0.4)
    door_x = rng.uniform(shop_x0, shop_x1 - door_w)
    lowest = ground - h * 0.1
    door_top = rng.uniform(min(top + sign_h + h * 0.02, lowest), lowest)
    d.rectangle((door_x, door_top, door_x + door_w, ground), fill=_colour(rng, 10, 120))
    for _ in range(rng.randint(0, 4)):
        wx = rng.uniform(shop_x0, shop_x1 - w * 0.08)
        wy = rng.uniform(top + sign_h, ground - h * 0.12)
        d.rectangle(
            (wx, wy, wx + w * rng.uniform(0.05, 0.15), wy + h * rng.uniform(0.05, 0.15)),
            fill=_shade(rng, (120, 160, 190), 50),
        )
    if rng.random() < 0.6:
        tx = rng.uniform(-0.05, 0.9) * w
        size = rng.uniform(0.1, 0.25)
        d.ellipse((tx, ground - h * size * 2, tx + w * size, ground), fill=_shade(rng, (50, 110, 50), 30))


def _scene_premises(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    horizon = h * rng.uniform(0.35, 0.6)
    d.polygon(
        ((0, h), (w, h), (w * rng.uniform(0.6, 0.9), horizon), (w * rng.uniform(0.1, 0.4), horizon)),
        fill=_shade(rng, (150, 150, 140), 30),
    )
    for _ in range(rng.randint(2, 6)):
        x = rng.uniform(0, w * 0.85)
        y = rng.uniform(horizon - h * 0.1, h * 0.8)
        d.rectangle(
            (x, y, x + rng.uniform(w * 0.08, w * 0.3), y + rng.uniform(h * 0.1, h * 0.25)),
            fill=_shade(rng, rng.choice(((70, 100, 150), (150, 150, 160), (60, 130, 90))), 30),
        )
    for _ in range(rng.randint(2, 5)):
        x = rng.uniform(0, w)
        d.ellipse((x, h * 0.02, x + w * 0.06, h * 0.05), fill=(250, 250, 230))
    for _ in range(rng.randint(1, 3)):
        x = rng.uniform(0, w)
        d.rectangle((x, 0, x + w * 0.04, horizon + h * 0.1), fill=_shade(rng, (190, 185, 175), 20))


def _scene_inventory(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    rows, cols = rng.randint(2, 4), rng.randint(3, 7)
    x0, y0 = w * rng.uniform(0.0, 0.15), h * rng.uniform(0.05, 0.2)
    cell_w, cell_h = (w * 0.95 - x0) / cols, (h * 0.9 - y0) / rows
    for r in range(rows):
        shelf_y = y0 + (r + 1) * cell_h
        d.rectangle((x0, shelf_y - h * 0.015, w * 0.95, shelf_y), fill=(60, 70, 90))
        for c in range(cols):
            if rng.random() < 0.15:
                continue
            bh = cell_h * rng.uniform(0.4, 0.9)
            bx = x0 + c * cell_w + cell_w * 0.05
            d.rectangle(
                (bx, shelf_y - h * 0.015 - bh, bx + cell_w * rng.uniform(0.6, 0.9), shelf_y - h * 0.015),
                fill=_shade(rng, (190, 150, 100), 35),
            )


def _scene_equipment(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    x0, y0 = w * rng.uniform(0.05, 0.3), h * rng.uniform(0.15, 0.4)
    x1, y1 = w * rng.uniform(0.65, 0.95), h * rng.uniform(0.75, 0.92)
    body = _shade(rng, rng.choice(((40, 90, 160), (200, 120, 30), (90, 140, 90), (160, 160, 165))), 25)
    d.rectangle((x0, y0, x1, y1), fill=body)
    px = x0 + (x1 - x0) * rng.uniform(0.05, 0.5)
    d.rectangle((px, y0 + h * 0.05, px + w * 0.15, y0 + h * 0.2), fill=(30, 30, 35))
    for i in range(rng.randint(2, 5)):
        bx = px + w * 0.02 + i * w * 0.03
        d.ellipse(
            (bx, y0 + h * 0.22, bx + w * 0.02, y0 + h * 0.25),
            fill=rng.choice(((220, 40, 40), (40, 200, 60), (240, 220, 40))),
        )
    gx = x0 + (x1 - x0) * rng.uniform(0.55, 0.8)
    r = w * rng.uniform(0.04, 0.08)
    d.ellipse((gx, y0 + h * 0.05, gx + r, y0 + h * 0.05 + r), fill=(235, 235, 230), outline=(20, 20, 20))
    for _ in range(rng.randint(1, 3)):
        y = rng.uniform(h * 0.05, y0)
        d.line((0, y, x0 + rng.uniform(0, x1 - x0), y), fill=(90, 90, 95), width=max(2, h // 40))
    d.rectangle((0, y1, w, h), fill=_shade(rng, (120, 120, 115), 20))


def _scene_collateral(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    ground = h * rng.uniform(0.65, 0.85)
    d.rectangle((0, ground, w, h), fill=_shade(rng, (120, 125, 100), 25))
    if rng.random() < 0.6:  # a building
        floors = rng.randint(2, 6)
        x0, x1 = w * rng.uniform(0.05, 0.35), w * rng.uniform(0.6, 0.95)
        top = ground - floors * h * rng.uniform(0.08, 0.12)
        d.rectangle((x0, top, x1, ground), fill=_shade(rng, (210, 200, 185), 30))
        floor_h = (ground - top) / floors
        for f in range(floors):
            for c in range(4):
                wx = x0 + (x1 - x0) * (c + 0.25) / 4
                wy = top + f * floor_h + floor_h * 0.25
                d.rectangle((wx, wy, wx + (x1 - x0) / 10, wy + floor_h * 0.45), fill=(90, 120, 150))
    else:  # a yard with a fence and a truck
        for i in range(rng.randint(10, 30)):
            fx = i * w / 20
            d.line((fx, ground - h * 0.12, fx, ground), fill=(80, 80, 80), width=max(1, w // 200))
        tx = rng.uniform(0, w * 0.6)
        d.rectangle((tx, ground - h * 0.2, tx + w * 0.3, ground - h * 0.04), fill=_colour(rng, 60, 220))
        for wheel in (tx + w * 0.04, tx + w * 0.22):
            d.ellipse((wheel, ground - h * 0.07, wheel + w * 0.05, ground), fill=(20, 20, 20))


def _scene_document(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    for _ in range(rng.randint(1, 2)):
        cx, cy = w * rng.uniform(0.2, 0.8), h * rng.uniform(0.25, 0.75)
        pw, ph = w * rng.uniform(0.3, 0.65), h * rng.uniform(0.5, 1.0)
        angle = rng.uniform(-0.5, 0.5)
        cos, sin = math.cos(angle), math.sin(angle)

        def corner(
            dx: float, dy: float, cx: float = cx, cy: float = cy, cos: float = cos, sin: float = sin
        ) -> tuple[float, float]:
            return cx + dx * cos - dy * sin, cy + dx * sin + dy * cos

        d.polygon(
            [
                corner(-pw / 2, -ph / 2),
                corner(pw / 2, -ph / 2),
                corner(pw / 2, ph / 2),
                corner(-pw / 2, ph / 2),
            ],
            fill=_shade(rng, (245, 243, 235), 10),
        )
        dy = -ph / 2 + ph * 0.1
        d.line([corner(-pw * 0.2, dy), corner(pw * 0.2, dy)], fill=(40, 40, 40), width=max(2, h // 40))
        dy += ph * 0.08
        while dy < ph / 2 - ph * 0.15:
            length = pw * rng.uniform(0.4, 0.85)
            d.line(
                [corner(-pw * 0.42, dy), corner(-pw * 0.42 + length, dy)],
                fill=(70, 70, 75),
                width=max(1, h // 160),
            )
            dy += ph * rng.uniform(0.04, 0.07)
        if rng.random() < 0.8:
            sx, sy = corner(pw * rng.uniform(0.0, 0.25), ph * rng.uniform(0.2, 0.35))
            r = w * rng.uniform(0.04, 0.08)
            d.ellipse((sx, sy, sx + r, sy + r), outline=(200, 30, 30), width=max(2, w // 160))


def _scene_meeting(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    if rng.random() < 0.6:
        wx = rng.uniform(0, w * 0.7)
        d.rectangle((wx, h * 0.08, wx + w * 0.25, h * 0.45), fill=(170, 200, 230))
    people = rng.randint(2, 4)
    for i in range(people):
        px = w * (i + 0.5) / people + rng.uniform(-w * 0.05, w * 0.05)
        head = w * rng.uniform(0.05, 0.07)
        py = h * rng.uniform(0.3, 0.42)
        d.ellipse((px - head / 2, py - head, px + head / 2, py), fill=_shade(rng, (225, 190, 160), 20))
        d.rectangle(
            (px - head, py + h * 0.01, px + head, py + h * 0.3),
            fill=_shade(rng, rng.choice(((40, 45, 60), (70, 70, 75), (30, 60, 110), (200, 200, 205))), 20),
        )
    table_y = h * rng.uniform(0.6, 0.72)
    d.rectangle((0, table_y, w, h), fill=_shade(rng, (130, 90, 60), 25))
    for _ in range(rng.randint(1, 4)):
        x = rng.uniform(0, w * 0.85)
        d.rectangle((x, table_y + h * 0.05, x + w * 0.12, table_y + h * 0.12), fill=(245, 245, 240))


def _clutter(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    """One or two things in the foreground (a person, a cart, a parcel) so that photos of
    the same kind differ in their coarse structure, not just in detail."""
    for _ in range(rng.randint(1, 2)):
        x, y = rng.uniform(-0.1 * w, 0.9 * w), rng.uniform(0.2 * h, 0.9 * h)
        bw, bh = rng.uniform(0.1 * w, 0.3 * w), rng.uniform(0.1 * h, 0.35 * h)
        fill = _colour(rng, 20, 235)
        if rng.random() < 0.5:
            d.rectangle((x, y, x + bw, y + bh), fill=fill)
        else:
            d.ellipse((x, y, x + bw, y + bh), fill=fill)


def _scene_other(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    _boxes(d, rng, w, h, rng.randint(4, 10))
    for _ in range(rng.randint(1, 4)):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(w * 0.05, w * 0.2)
        d.ellipse((x, y, x + r, y + r), fill=_colour(rng, 40, 220))


def draw_scene(d: ImageDraw.ImageDraw, rng: random.Random, category: str, w: int, h: int) -> None:
    """Draw a ``w`` × ``h`` scene for a photo category (unknown categories get random
    shapes), with a foreground object or two."""
    _SCENES.get(category, _scene_other)(d, rng, w, h)
    _clutter(d, rng, w, h)


_SCENES: dict[str, _Scene] = {
    "STOREFRONT": _scene_storefront,
    "PREMISES": _scene_premises,
    "INVENTORY": _scene_inventory,
    "EQUIPMENT": _scene_equipment,
    "COLLATERAL": _scene_collateral,
    "DOCUMENT": _scene_document,
    "MEETING": _scene_meeting,
    "OTHER": _scene_other,
}

#: The photo categories that have a scene of their own.
SCENE_CATEGORIES = tuple(_SCENES)
