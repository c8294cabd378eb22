"""Benchmark: near-duplicate photo search over a million perceptual hashes.

``run_phash_benchmark(n, queries)`` builds a ``PhashIndex`` of ``n`` hashes and times
``queries`` searches at the near-duplicate radius against two linear scans of the same
hashes, in the same run:

* ``numpy`` — XOR and ``np.bitwise_count`` over one contiguous ``uint64`` array, the
  fastest scan Python can do (the strong baseline);
* ``python`` — ``data.rules.phash_index.linear_scan``, a Python loop with
  ``int.bit_count`` (the naive baseline; timed on a few queries only, it takes seconds).

Target (issue "near-duplicate photos"): under 5 ms a query at 1,000,000 hashes, and at
least 100× faster than a linear scan.

The hashes are pHash-like, not uniform: real perceptual hashes are far from uniform (the
DC bit is always set, each hash has exactly 32 bits set because it compares 64 DCT
coefficients with their median, and neighbouring coefficients are correlated), which
crowds the index's buckets. ``phash_like_hashes`` draws them from a Gaussian model of the
64 DCT coefficients fitted to photos of the demo's own renderer, then hashes them the way
pHash does (one Gaussian per photo category, a mixture). The queries are a mix: half are indexed hashes with a few coefficients
disturbed (near-duplicates, each with a match), half are fresh hashes (new photos).

Query times are wall-clock (``perf_counter``) and, beside them, the thread's CPU time
(``thread_time``), which a busy machine's scheduler does not inflate.

``run_distance_study()`` is the evidence for ``NEAR_DUPLICATE_MAX_DISTANCE``: the Hamming
distance between photos and their manipulated copies, and between unrelated photos.

Run ``python -m tests.benchmarks.bench_phash [n] [queries]`` from the checkout root (or
``... bench_phash study [demo.db]`` for the distance study); it prints JSON.
"""

from __future__ import annotations

import gc
import io
import json
import resource
import sys
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from data.ingest.bundles import PHOTO_CATEGORIES as _CATEGORIES


def _rss_mb() -> float:
    """The current resident set size in MB (Linux ``/proc``; else the peak)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _release_free_memory() -> None:
    """Give freed heap back to the system (glibc), so RSS growth measures what is kept."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name and sys.platform.startswith("linux"):
        ctypes.CDLL(name).malloc_trim(0)


# --- pHash-like hashes ---------------------------------------------------------------


def _dct_coefficients(jpeg: bytes) -> npt.NDArray[np.float64]:
    """The 64 low-frequency DCT coefficients pHash compares, for a JPEG prepared exactly
    as the importer prepares it (``data.images.perceptual_hash``)."""
    import scipy.fftpack
    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as img:
        img.load()
        grey = img.convert("L")
        factor = min(grey.size) // 128
        if factor > 1:
            grey = grey.reduce(factor)
        small = grey.resize((32, 32), Image.Resampling.LANCZOS)
    pixels = np.asarray(small, dtype=np.float64)
    dct = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)
    return np.asarray(dct[:8, :8], dtype=np.float64).ravel()


def _pack(bits: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint64]:
    """Rows of 64 booleans to integers, the first the most significant (ImageHash's order)."""
    weights = np.uint64(1) << np.arange(63, -1, -1, dtype=np.uint64)
    return np.bitwise_or.reduce(np.where(bits, weights, np.uint64(0)), axis=1)


def _hash_coefficients(coeffs: npt.NDArray[np.float64]) -> npt.NDArray[np.uint64]:
    return _pack(coeffs > np.median(coeffs, axis=1, keepdims=True))


_Model = list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]


def fit_phash_model(photos_per_category: int = 96, seed: int = 2026) -> _Model:
    """A Gaussian mixture over pHash's 64 DCT coefficients: one component (mean and
    covariance) per photo category, fitted to photos drawn by the demo's renderer
    (640×480). Checks that hashing the coefficients reproduces ``inspect_jpeg``'s hash."""
    import random

    from data.demo.photos import PhotoRenderer
    from data.images import inspect_jpeg

    renderer = PhotoRenderer((640, 480), 80, seed)
    rng = random.Random(seed)
    model: _Model = []
    for category in _CATEGORIES:
        rows = []
        for k in range(photos_per_category):
            jpeg = renderer.render(rng, category, ["2026-05-01 10:00", "A0101"], None)
            coeffs = _dct_coefficients(jpeg)
            if k < 3:
                assert int(_hash_coefficients(coeffs[None, :])[0]) == int(inspect_jpeg(jpeg).phash, 16)
            rows.append(coeffs)
        data = np.array(rows)
        cov = np.cov(data, rowvar=False)
        # a little ridge keeps the sampled covariance positive definite
        model.append((data.mean(axis=0), cov + np.eye(64) * 1e-6 * np.trace(cov)))
    return model


def phash_like_hashes(n: int, model: _Model, seed: int = 1) -> npt.NDArray[np.uint64]:
    """``n`` hashes of coefficient vectors drawn from the mixture ``model`` (components
    equally likely)."""
    rng = np.random.default_rng(seed)
    component = rng.integers(len(model), size=n)
    out = np.empty(n, dtype=np.uint64)
    for c, (mean, cov) in enumerate(model):
        rows = np.flatnonzero(component == c)
        if rows.size:
            coeffs = rng.multivariate_normal(mean, cov, size=rows.size, method="eigh")
            out[rows] = _hash_coefficients(coeffs)
    return out


# --- the benchmark -------------------------------------------------------------------


def _ms(seconds: list[float]) -> tuple[float, float]:
    values = np.array(seconds) * 1000
    return float(values.mean()), float(np.percentile(values, 99))


def run_phash_benchmark(n: int = 1_000_000, queries: int = 200) -> dict[str, float]:
    """Build an index of ``n`` pHash-like hashes and time ``queries`` searches at
    ``NEAR_DUPLICATE_MAX_DISTANCE`` (and at radius 12) against linear scans.

    Both speed-ups are reported, ``speedup_vs_numpy_scan`` and ``speedup_vs_python_scan``:
    the index beats the Python loop by far more than 100×, the vectorised numpy scan (a
    millisecond at a million hashes) only by a small factor, since a query's own numpy
    calls and its ~17,000 scattered candidates cost about a tenth of a millisecond."""
    from data.rules.phash_index import NEAR_DUPLICATE_MAX_DISTANCE, PhashIndex, linear_scan

    radius = NEAR_DUPLICATE_MAX_DISTANCE
    model = fit_phash_model()
    hashes = phash_like_hashes(n, model, seed=1)
    keys = np.arange(1, n + 1, dtype=np.int64)

    rng = np.random.default_rng(2)
    targets: list[int] = []
    for q in range(queries):
        if q % 2 == 0:
            # a near-duplicate of an indexed photo: swap a few set bits with clear ones,
            # as a re-encoded or cropped copy does (its hash keeps 32 bits set)
            base = int(hashes[int(rng.integers(n))])
            ones = [b for b in range(64) if base >> b & 1]
            zeros = [b for b in range(64) if not base >> b & 1]
            swaps = int(rng.integers(0, radius // 2 + 1))
            for b in rng.choice(ones, swaps, replace=False).tolist():
                base ^= 1 << b
            for b in rng.choice(zeros, swaps, replace=False).tolist():
                base ^= 1 << b
            targets.append(base)
        else:
            targets.append(int(phash_like_hashes(1, model, seed=1000 + q)[0]))

    gc.collect()
    _release_free_memory()
    rss_before = _rss_mb()
    started = time.perf_counter()
    index = PhashIndex()
    index.add_arrays(keys, hashes)
    build_s = time.perf_counter() - started
    rss_after = _rss_mb()
    _release_free_memory()  # the build's temporaries, freed but still held by malloc
    rss_kept = _rss_mb()

    # the same build through the public pair interface, from Python ints
    items = list(zip(keys.tolist(), hashes.tolist(), strict=True))
    started = time.perf_counter()
    pairs_index = PhashIndex()
    pairs_index.add_many(items)
    build_pairs_s = time.perf_counter() - started
    del pairs_index
    gc.collect()

    def timed(search: Any, radius: int) -> tuple[list[float], list[float], int]:
        wall: list[float] = []
        cpu: list[float] = []
        found = 0
        for target in targets:
            t0, c0 = time.perf_counter(), time.thread_time()
            hits = search(target, radius)
            cpu.append(time.thread_time() - c0)
            wall.append(time.perf_counter() - t0)
            found += len(hits)
        return wall, cpu, found

    def numpy_scan(target: int, radius: int) -> list[tuple[int, int]]:
        dist = np.bitwise_count(hashes ^ np.uint64(target))
        rows = np.flatnonzero(dist <= radius)
        order = np.lexsort((keys[rows], dist[rows]))
        return list(zip(keys[rows][order].tolist(), dist[rows][order].tolist(), strict=True))

    timed(index.query, radius)  # warm the mask tables and caches
    index_wall, index_cpu, index_found = timed(index.query, radius)
    scan_wall, _scan_cpu, scan_found = timed(numpy_scan, radius)
    assert index_found == scan_found, "the index and the scan disagree"
    index12_wall, _, _ = timed(index.query, 12)
    scan12_wall, _, _ = timed(numpy_scan, 12)

    python_queries = targets[:3]
    started = time.perf_counter()
    for target in python_queries:
        linear_scan(items, target, radius)
    python_scan_ms = (time.perf_counter() - started) * 1000 / len(python_queries)
    del items

    index_mean, index_p99 = _ms(index_wall)
    cpu_mean, cpu_p99 = _ms(index_cpu)
    scan_mean, scan_p99 = _ms(scan_wall)
    index12_mean, index12_p99 = _ms(index12_wall)
    scan12_mean, _ = _ms(scan12_wall)
    return {
        "n": float(n),
        "queries": float(queries),
        "radius": float(radius),
        "build_s": build_s,
        "build_from_pairs_s": build_pairs_s,
        "index_memory_mb": index.memory_bytes() / 2**20,
        "rss_growth_mb": rss_after - rss_before,
        "rss_growth_after_trim_mb": rss_kept - rss_before,
        "query_mean_ms": index_mean,
        "query_p99_ms": index_p99,
        "query_cpu_mean_ms": cpu_mean,
        "query_cpu_p99_ms": cpu_p99,
        "hits_per_query": index_found / len(targets),
        "numpy_scan_mean_ms": scan_mean,
        "numpy_scan_p99_ms": scan_p99,
        "python_scan_mean_ms": python_scan_ms,
        "speedup_vs_numpy_scan": scan_mean / index_mean,
        "speedup_vs_python_scan": python_scan_ms / index_mean,
        "query_r12_mean_ms": index12_mean,
        "query_r12_p99_ms": index12_p99,
        "numpy_scan_r12_mean_ms": scan12_mean,
        "speedup_r12_vs_numpy_scan": scan12_mean / index12_mean,
    }


# --- the evidence for the near-duplicate radius ---------------------------------------


def _save_jpeg(img: Any, quality: int, exif: bytes | None) -> bytes:
    out = io.BytesIO()
    if exif:
        img.save(out, "JPEG", quality=quality, exif=exif)
    else:
        img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _strip_app1(jpeg: bytes) -> bytes:
    """The JPEG without its APP1 (EXIF) segments, pixels untouched (as exiftool does)."""
    out, i = bytearray(jpeg[:2]), 2
    while i < len(jpeg):
        marker = jpeg[i + 1]
        if marker == 0xDA:
            out += jpeg[i:]
            break
        length = int.from_bytes(jpeg[i + 2 : i + 4], "big")
        if marker != 0xE1:
            out += jpeg[i : i + 2 + length]
        i += 2 + length
    return bytes(out)


def _manipulations(jpeg: bytes, rng: Any) -> dict[str, bytes]:
    from PIL import Image

    def crop(img: Any, left: float, top: float, right: float, bottom: float) -> Any:
        w, h = img.size
        return img.crop((round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom))))

    with Image.open(io.BytesIO(jpeg)) as img:
        img.load()
        exif = img.info.get("exif")
        w, h = img.size
        p = rng.uniform(0.03, 0.05)
        cropped = crop(img, p, p, p, p)
        return {
            "resize50": _save_jpeg(img.resize((w // 2, h // 2), Image.Resampling.LANCZOS), 90, exif),
            "recompress60": _save_jpeg(img, 60, exif),
            "exif_strip_lossless": _strip_app1(jpeg),
            "exif_strip_resave95": _save_jpeg(img, 95, None),
            "crop3_all_edges": _save_jpeg(crop(img, 0.03, 0.03, 0.03, 0.03), 90, exif),
            "crop5_all_edges": _save_jpeg(crop(img, 0.05, 0.05, 0.05, 0.05), 90, exif),
            "crop5_two_edges": _save_jpeg(crop(img, 0.05, 0.05, 0, 0), 90, exif),
            "crop0-5_random_edges": _save_jpeg(
                crop(img, *(rng.uniform(0, 0.05) for _ in range(4))), 90, exif
            ),
            "crop3-5_resize50_q60_noexif": _save_jpeg(
                cropped.resize((cropped.width // 2, cropped.height // 2), Image.Resampling.LANCZOS), 60, None
            ),
        }


def _same_place_other_visit(renderer: Any, rng: Any) -> dict[str, int]:
    """Distances between two visits to one storefront, simulated: the same scene drawn
    twice (other watermark), then other light, a slightly moved camera, or both."""
    import random

    from PIL import Image, ImageEnhance

    from data.images import inspect_jpeg

    seed = rng.random()
    first = renderer.render(random.Random(seed), "STOREFRONT", ["2026-05-01 10:00", "A0101"], None)
    second = renderer.render(random.Random(seed), "STOREFRONT", ["2026-08-17 15:42", "A0207"], None)
    base = int(inspect_jpeg(first).phash, 16)
    with Image.open(io.BytesIO(second)) as opened:
        img = opened.convert("RGB")
    w, h = img.size

    def light(im: Any) -> Any:
        im = ImageEnhance.Brightness(im).enhance(rng.uniform(0.8, 1.2))
        bw, bh = int(w * rng.uniform(0.3, 0.8)), int(h * rng.uniform(0.3, 0.8))
        colour = (0, 0, 0) if rng.random() < 0.6 else (255, 250, 235)
        xy = (rng.randint(-bw // 3, w - bw // 2), rng.randint(-bh // 3, h - bh // 2))
        im.paste(colour, xy, Image.new("L", (bw, bh), 70))
        return im

    def move(im: Any) -> Any:
        box = (
            int(w * rng.uniform(0, 0.06)),
            int(h * rng.uniform(0, 0.06)),
            int(w * (1 - rng.uniform(0, 0.06))),
            int(h * (1 - rng.uniform(0, 0.06))),
        )
        return im.crop(box).resize((w, h), Image.Resampling.LANCZOS)

    out = {"visit_watermark_only": (base ^ int(inspect_jpeg(second).phash, 16)).bit_count()}
    for name, change in (("visit_other_light", light), ("visit_camera_moved", move)):
        out[name] = (base ^ int(inspect_jpeg(_save_jpeg(change(img.copy()), 85, None)).phash, 16)).bit_count()
    both = _save_jpeg(move(light(img.copy())), 85, None)
    out["visit_light_and_camera"] = (base ^ int(inspect_jpeg(both).phash, 16)).bit_count()
    return out


def _summary(values: list[int] | npt.NDArray[Any], radii: tuple[int, ...]) -> dict[str, Any]:
    a = np.asarray(values)
    return {
        "n": int(a.size),
        "min": int(a.min()),
        **{f"p{q}": float(np.percentile(a, q)) for q in (1, 5, 50, 95, 99)},
        "max": int(a.max()),
        "share_within": {r: round(float((a <= r).mean()), 4) for r in radii},
    }


def _histogram_summary(counts: npt.NDArray[np.int64], radii: tuple[int, ...]) -> dict[str, Any]:
    cum = np.cumsum(counts)
    total = int(cum[-1])
    return {
        "pairs": total,
        "min": int(np.flatnonzero(counts)[0]),
        **{f"q{q:g}": int(np.searchsorted(cum, q * total)) for q in (1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.5)},
        "pairs_within": {r: int(cum[r]) for r in radii},
        "rate_within": {r: float(cum[r] / total) for r in radii},
    }


def run_distance_study(
    db_path: str = "/tmp/demo1/loansight.db",
    photo_store: str | None = None,
    sample: int = 250,
    radii: tuple[int, ...] = (4, 6, 8, 10, 12, 14, 16),
) -> dict[str, Any]:
    """Hamming distances, with hashes made exactly as the importer makes them
    (``inspect_jpeg``): photos against their manipulated copies, photos of one visit,
    the same customer's storefront on different visits, unrelated photos (all pairs).

    Sources: ``sample`` photos of the demo database at ``db_path`` (opened read-only; the
    store is ``photo_store`` or the app_settings' ``photo_store``, else the default data
    folder's ``photos``), and fresh photos from the demo's renderer at 640×480 and
    2000×1500 (phone-sized, which the importer shrinks by an integer factor first)."""
    import datetime as dt
    import random
    import sqlite3
    from pathlib import Path

    from data.db import default_data_dir
    from data.demo.photos import PhotoRenderer, build_exif
    from data.images import inspect_jpeg

    rng = random.Random(7)
    result: dict[str, Any] = {}
    distances: dict[str, list[int]] = {}

    def add(prefix: str, jpeg: bytes) -> None:
        base = int(inspect_jpeg(jpeg).phash, 16)
        for name, copy in _manipulations(jpeg, rng).items():
            distance = (base ^ int(inspect_jpeg(copy).phash, 16)).bit_count()
            distances.setdefault(f"{prefix}/{name}", []).append(distance)

    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT p.sha256, p.phash, p.category, i.customer_no, i.bundle_id FROM photos p "
            "JOIN inspections i ON i.id = p.inspection_id WHERE i.is_current"
        ).fetchall()
        configured = con.execute("SELECT value FROM app_settings WHERE key = 'photo_store'").fetchone()
    finally:
        con.close()
    store = Path(photo_store or (configured[0] if configured else default_data_dir() / "photos"))
    result["demo_photos"] = len(rows)
    result["demo_byte_identical_reuses"] = len(rows) - len({r[0] for r in rows})
    for sha, phash, *_ in rng.sample(rows, min(sample, len(rows))):
        jpeg = (store / sha[:2] / sha[2:4] / f"{sha}.jpg").read_bytes()
        assert int(inspect_jpeg(jpeg).phash, 16) == int(phash, 16), "stored hash differs"
        add("demo", jpeg)

    exif = build_exif(
        taken=dt.datetime(2026, 5, 1, 10, 0),
        gps=(38.04, 114.51),
        malformed_gps=False,
        make="HUAWEI",
        model="P60",
        unique_id="0",
    )
    for size, count in (((640, 480), 120), ((2000, 1500), 40)):
        renderer = PhotoRenderer(size, 85, seed=11)
        for k in range(count):
            category = _CATEGORIES[k % len(_CATEGORIES)]
            add(f"render{size[0]}", renderer.render(rng, category, ["2026-05-01 10:00", "A0101 张伟"], exif))
    renderer = PhotoRenderer((640, 480), 85, seed=5)
    for _ in range(150):
        for name, distance in _same_place_other_visit(renderer, rng).items():
            distances.setdefault(f"simulated/{name}", []).append(distance)

    # unrelated photos: every pair of distinct stored photos
    unique = list({r[0]: r for r in rows}.values())
    hashes = np.array([int(r[1], 16) for r in unique], dtype=np.uint64)
    category = np.array([r[2] for r in unique])
    customer = np.array([r[3] for r in unique])
    bundle = np.array([r[4] for r in unique])
    all_pairs = np.zeros(65, dtype=np.int64)
    same_category = np.zeros(65, dtype=np.int64)
    storefront_other_visit: list[int] = []
    same_visit: list[int] = []
    for i in range(hashes.size - 1):
        d = np.bitwise_count(hashes[i + 1 :] ^ hashes[i])
        all_pairs += np.bincount(d, minlength=65)
        same_cat = category[i + 1 :] == category[i]
        same_category += np.bincount(d[same_cat], minlength=65)
        other_visit = (customer[i + 1 :] == customer[i]) & (bundle[i + 1 :] != bundle[i])
        if category[i] == "STOREFRONT":
            storefront_other_visit += d[other_visit & same_cat].tolist()
        same_visit += d[bundle[i + 1 :] == bundle[i]].tolist()
    result["hash_weights"] = sorted({int(w) for w in np.bitwise_count(hashes)})
    for name, values in distances.items():
        result[name] = _summary(values, radii)
    result["demo/same_customer_storefront_other_visit"] = _summary(storefront_other_visit, radii)
    result["demo/same_visit_other_photo"] = _summary(same_visit, radii)
    result["demo/unrelated_all_pairs"] = _histogram_summary(all_pairs, radii)
    result["demo/unrelated_same_category"] = _histogram_summary(same_category, radii)
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["study"]:
        print(json.dumps(run_distance_study(*sys.argv[2:3]), indent=1, ensure_ascii=False))
    else:
        size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
        count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
        print(json.dumps(run_phash_benchmark(size, count), indent=2))
