"""The near-duplicate photo index: exactly the linear scan's answers, and a radius that
finds manipulated copies of a photo but not unrelated photos."""

from __future__ import annotations

import io
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.rules.phash_index import NEAR_DUPLICATE_MAX_DISTANCE, PhashIndex, linear_scan

MAX_RADIUS = 12


def _flip(rng: random.Random, phash: int, bits: int) -> int:
    for b in rng.sample(range(64), bits):
        phash ^= 1 << b
    return phash


def _clustered(rng: random.Random, n: int) -> list[tuple[int, int]]:
    """``n`` entries in clusters (so every radius has hits), with shared hashes and keys."""
    centres = [rng.getrandbits(64) for _ in range(max(1, n // 25))]
    items: list[tuple[int, int]] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.1 and items:
            items.append((rng.randrange(10**6), rng.choice(items)[1]))  # another key, same hash
        elif r < 0.15 and items:
            items.append((rng.choice(items)[0], rng.getrandbits(64)))  # a key seen before
        else:
            items.append((rng.randrange(10**6), _flip(rng, rng.choice(centres), rng.randint(0, 16))))
    return items


def _queries(rng: random.Random, items: list[tuple[int, int]], count: int) -> list[int]:
    out = []
    for k in range(count):
        if items and k % 4:
            out.append(_flip(rng, rng.choice(items)[1], rng.randint(0, MAX_RADIUS + 2)))
        else:
            out.append(rng.getrandbits(64))
    return out


@pytest.mark.parametrize("n", [0, 1, 50, 3000, 20_000])
def test_index_equals_linear_scan(n: int) -> None:
    rng = random.Random(n)
    items = _clustered(rng, n)
    index = PhashIndex()
    index.add_many(items)
    assert len(index) == n
    for phash in _queries(rng, items, 40):
        widest = linear_scan(items, phash, MAX_RADIUS)
        for radius in range(MAX_RADIUS + 1):
            expected = [(key, d) for key, d in widest if d <= radius]
            assert index.query(phash, radius) == expected, (phash, radius)


def test_index_equals_linear_scan_while_growing() -> None:
    """Entries added one at a time (the unindexed buffer), in batches and as arrays are
    all found, before and after the buffer is folded into the index."""
    rng = random.Random(7)
    items = _clustered(rng, 12_000)
    index = PhashIndex()
    index.add_many(items[:5000])
    for key, phash in items[5000:5300]:
        index.add(key, phash)
    seen = items[:5300]
    for phash in _queries(rng, seen, 10):
        for radius in (0, 4, 8, MAX_RADIUS):
            assert index.query(phash, radius) == linear_scan(seen, phash, radius)
    index.add_arrays([k for k, _ in items[5300:]], [h for _, h in items[5300:]])
    assert len(index) == len(items)
    for phash in _queries(rng, items, 10):
        for radius in (0, 6, 10, MAX_RADIUS):
            assert index.query(phash, radius) == linear_scan(items, phash, radius)


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 2**64 - 1)), max_size=40),
    phash=st.integers(0, 2**64 - 1),
    radius=st.integers(0, 64),
)
def test_index_equals_linear_scan_property(items: list[tuple[int, int]], phash: int, radius: int) -> None:
    index = PhashIndex()
    for key, h in items:
        index.add(key, h)
    queries = [phash] + [h for _, h in items[:3]]
    for q in queries:
        assert index.query(q, radius) == linear_scan(items, q, radius)


def test_large_radius_falls_back_to_a_scan_and_stays_exact() -> None:
    rng = random.Random(3)
    items = _clustered(rng, 5000)
    index = PhashIndex()
    index.add_many(items)
    for phash in _queries(rng, items, 3):
        for radius in (20, 30, 64):
            assert index.query(phash, radius) == linear_scan(items, phash, radius)


def test_keys_sharing_a_hash_and_a_key_added_twice() -> None:
    index = PhashIndex()
    h = 0x8F3C_0000_FFFF_1234
    index.add_many([(5, h), (3, h), (9, h ^ 0b11), (3, h ^ 0b1)])
    index.add(5, h)  # the same entry again: a multiset, found twice
    assert len(index) == 5
    assert index.query(h, 0) == [(3, 0), (5, 0), (5, 0)]
    assert index.query(h, 2) == [(3, 0), (5, 0), (5, 0), (3, 1), (9, 2)]


def test_empty_index() -> None:
    index = PhashIndex()
    assert len(index) == 0
    assert index.query(0, 0) == []
    assert index.query(2**64 - 1, 64) == []
    index.add_many([])
    assert len(index) == 0
    assert index.query(123, MAX_RADIUS) == []


def test_bad_values_are_refused() -> None:
    index = PhashIndex()
    with pytest.raises(ValueError, match="64-bit"):
        index.add(1, -1)
    with pytest.raises(ValueError, match="64-bit"):
        index.add(1, 2**64)
    with pytest.raises(ValueError, match="key"):
        index.add(2**63, 0)
    with pytest.raises(ValueError, match="64-bit"):
        index.query(2**64, 3)
    assert index.query(5, -1) == []
    assert len(index) == 0


# --- real photos --------------------------------------------------------------------

PHOTOS = 12
CATEGORIES = ("STOREFRONT", "PREMISES", "INVENTORY", "MEETING", "DOCUMENT", "EQUIPMENT")


def _hash(jpeg: bytes) -> int:
    from data.images import inspect_jpeg

    return int(inspect_jpeg(jpeg).phash, 16)  # exactly as the importer hashes a photo


def _save(img: object, quality: int, exif: bytes | None) -> bytes:
    out = io.BytesIO()
    if exif:
        img.save(out, "JPEG", quality=quality, exif=exif)  # type: ignore[attr-defined]
    else:
        img.save(out, "JPEG", quality=quality)  # type: ignore[attr-defined]
    return out.getvalue()


def _strip_app1(jpeg: bytes) -> bytes:
    """The JPEG without its APP1 (EXIF) segments, pixels untouched (as exiftool does)."""
    out, i = bytearray(jpeg[:2]), 2
    while i < len(jpeg):
        marker = jpeg[i + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            out += jpeg[i:]
            break
        length = int.from_bytes(jpeg[i + 2 : i + 4], "big")
        if marker != 0xE1:
            out += jpeg[i : i + 2 + length]
        i += 2 + length
    return bytes(out)


def _copies(jpeg: bytes) -> dict[str, bytes]:
    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as img:
        img.load()
        exif = img.info.get("exif")
        w, h = img.size
        crop = round(w * 0.03), round(h * 0.03)
        return {
            "resized 50%": _save(img.resize((w // 2, h // 2), Image.Resampling.LANCZOS), 90, exif),
            "quality 60": _save(img, 60, exif),
            "EXIF stripped": _strip_app1(jpeg),
            "EXIF stripped, re-saved": _save(img, 95, None),
            "cropped 3%": _save(img.crop((crop[0], crop[1], w - crop[0], h - crop[1])), 90, exif),
        }


@pytest.fixture(scope="module")
def photos() -> list[bytes]:
    import datetime as dt

    from data.demo.photos import PhotoRenderer, build_exif

    renderer = PhotoRenderer((320, 240), 80, seed=20260501)
    rng = random.Random(1)
    out = []
    for k in range(PHOTOS):
        taken = dt.datetime(2026, 5, 1, 9, 0) + dt.timedelta(minutes=37 * k)
        exif = build_exif(
            taken=taken,
            gps=(38.04, 114.51),
            malformed_gps=False,
            make="HUAWEI",
            model="P60",
            unique_id=f"u{k}",
        )
        lines = [f"{taken:%Y-%m-%d %H:%M}", "A0101 张伟", "石家庄市长安区中山东路1号"]
        out.append(renderer.render(rng, CATEGORIES[k % len(CATEGORIES)], lines, exif))
    return out


def test_manipulated_copies_are_found(photos: list[bytes]) -> None:
    index = PhashIndex()
    index.add_many((key, _hash(jpeg)) for key, jpeg in enumerate(photos))
    crops_found = 0
    for key, jpeg in enumerate(photos):
        for name, copy in _copies(jpeg).items():
            hits = dict(index.query(_hash(copy), NEAR_DUPLICATE_MAX_DISTANCE))
            if name == "cropped 3%":
                crops_found += key in hits
            else:
                # re-encoding, resizing and stripping EXIF move a hash by a few bits at most
                assert hits.get(key, 99) <= NEAR_DUPLICATE_MAX_DISTANCE - 4, (key, name, hits)
    # cropping moves the DCT's frequencies: most 3% crops stay inside the radius, not all
    assert crops_found >= PHOTOS * 3 // 4


def test_unrelated_photos_are_not_near_duplicates(photos: list[bytes]) -> None:
    hashes = [_hash(jpeg) for jpeg in photos]
    index = PhashIndex()
    index.add_many(enumerate(hashes))
    for key, phash in enumerate(hashes):
        assert index.query(phash, NEAR_DUPLICATE_MAX_DISTANCE) == [(key, 0)]
