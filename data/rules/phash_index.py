"""Near-duplicate photo search: an index over 64-bit perceptual hashes.

Byte-identical photos are found by their SHA-256; a near-duplicate (the same photo
resized, re-compressed, slightly cropped or stripped of its EXIF, handed in again for
another inspection) has a perceptual hash within a small Hamming distance of the
original's. Comparing a new photo with every stored one does not scale to millions of
photos, so the hashes are indexed by multi-index hashing (Norouzi, Punjani and Fleet,
"Fast search in Hamming space with multi-index hashing", CVPR 2012):

* the 64 bits are cut into ``m`` chunks; if two hashes differ in at most ``r`` bits,
  then in at least one chunk they differ in at most ``r // m`` bits (pigeonhole);
* for every chunk the hashes are kept sorted by that chunk's value, with a table of
  where each value's run starts, so one lookup gives every hash with a given chunk;
* a query enumerates, for each chunk, the chunk values within ``r // m`` bits of its
  own, gathers those runs as candidates and keeps those truly within ``r`` bits.

The search is exact (no misses) for every radius; when a radius is so large that the
candidates would approach the whole index, it falls back to a vectorised scan. Hashes
added after the last build wait in a small buffer that is scanned directly, and the
index is rebuilt when the buffer reaches a fraction of its size, so adding one hash at
a time costs O(log n) amortised rebuilds per hash, never a rebuild per hash.

The index is a multiset of (key, hash) entries: several keys may share a hash, and an
entry added twice is found twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

#: The default Hamming radius for "near-duplicate" (of 64 bits), from the measurements of
#: ``tests/benchmarks/bench_phash.py``'s ``run_distance_study`` (hashes made as the
#: importer makes them): resized (50%), re-compressed (quality 60) and EXIF-stripped
#: copies move by at most 4 bits; 3% crops stay within 10 bits in 97% of cases (5% crops
#: only in about 55-65%); unrelated demo photos are 30 bits apart in the median and
#: within 10 bits in 1.3e-5 of pairs (at least 6 bits); photos of one customer's
#: storefront from other demo visits are at least 14 bits apart. pHash distances are
#: always even (every hash has exactly 32 bits set), so 10 and 11 are the same radius.
NEAR_DUPLICATE_MAX_DISTANCE: int = 10

HASH_BITS = 64
_HASH_LIMIT = 1 << HASH_BITS
_KEY_MIN = -(1 << 63)
_KEY_MAX = (1 << 63) - 1
# Below this many entries a vectorised scan beats building and probing chunk tables.
_MIN_INDEXED = 2048
# The buffer of unindexed hashes is folded into the index when it holds this share of it.
_PENDING_SHARE = 8

_U64 = npt.NDArray[np.uint64]
_I64 = npt.NDArray[np.int64]


def hamming(a: int, b: int) -> int:
    """The number of bits in which two 64-bit hashes differ."""
    return (a ^ b).bit_count()


def linear_scan(hashes: Iterable[tuple[int, int]], phash: int, max_distance: int) -> list[tuple[int, int]]:
    """The reference search: every ``(key, hash)`` entry within ``max_distance`` bits of
    ``phash``, as ``(key, distance)`` sorted by distance then key, by comparing each one."""
    found = [(key, (h ^ phash).bit_count()) for key, h in hashes]
    hits = [(key, d) for key, d in found if d <= max_distance]
    hits.sort(key=lambda hit: (hit[1], hit[0]))
    return hits


def _check_hash(phash: int) -> int:
    if not 0 <= phash < _HASH_LIMIT:
        raise ValueError(f"a perceptual hash is a 64-bit unsigned integer, not {phash}")
    return phash


def _check_key(key: int) -> int:
    if not _KEY_MIN <= key <= _KEY_MAX:
        raise ValueError(f"a key must fit in a signed 64-bit integer, not {key}")
    return key


def _popcount(values: _U64) -> npt.NDArray[np.uint8]:
    return np.bitwise_count(values)


def _masks(width: int, radius: int) -> _U64:
    """Every ``width``-bit mask with at most ``radius`` bits set, fewest bits first."""
    out: list[int] = [0]
    for bits in range(1, min(radius, width) + 1):
        out.extend(sum(1 << b for b in combo) for combo in combinations(range(width), bits))
    return np.array(out, dtype=np.uint64)


def _gather(starts: _I64, ends: _I64) -> _I64:
    """The concatenation of ``range(s, e)`` for each pair, without a Python loop."""
    lengths = ends - starts
    keep = lengths > 0
    starts, lengths = starts[keep], lengths[keep]
    if starts.size == 0:
        return np.empty(0, dtype=np.int64)
    total = int(lengths.sum())
    # Each run's first element jumps from the previous run's end to its own start.
    steps = np.ones(total, dtype=np.int64)
    run_at = np.cumsum(lengths)[:-1]
    steps[0] = starts[0]
    steps[run_at] = starts[1:] - (starts[:-1] + lengths[:-1]) + 1
    return np.cumsum(steps)


class _Layout:
    """The 64 bits cut into ``m`` chunks of about equal width; for each chunk, every entry's
    hash and row sorted by that chunk's value, with the start of each value's run.

    The chunks' tables are laid end to end in one array (chunk ``c``'s values offset by
    ``base[c]``), so that a query gathers and compares the candidates of all chunks in one
    pass: the cost of a query in numpy is mostly the number of calls, not their size."""

    def __init__(self, hashes: _U64, chunks: int) -> None:
        n = int(hashes.size)
        base_width, extra = divmod(HASH_BITS, chunks)
        self.widths = [base_width + 1] * extra + [base_width] * (chunks - extra)
        self.shifts = [sum(self.widths[:i]) for i in range(chunks)]
        self.bases = [sum(1 << w for w in self.widths[:i]) for i in range(chunks)]
        row_type = np.int32 if n < 2**31 else np.int64
        self.hashes: _U64 = np.empty(chunks * n, dtype=np.uint64)
        self.rows: npt.NDArray[Any] = np.empty(chunks * n, dtype=row_type)
        counts = np.zeros(sum(1 << w for w in self.widths), dtype=np.int64)
        for c, (shift, width, base) in enumerate(zip(self.shifts, self.widths, self.bases, strict=True)):
            values = (hashes >> np.uint64(shift)) & np.uint64((1 << width) - 1)
            # a stable sort of 16-bit keys is a radix sort: linear time
            small = values.astype(np.uint16) if width <= 16 else values
            order = np.argsort(small, kind="stable")
            self.rows[c * n : (c + 1) * n] = order
            self.hashes[c * n : (c + 1) * n] = hashes[order]
            counts[base : base + (1 << width)] = np.bincount(small, minlength=1 << width)
        # offsets[v] is where the run of (based) chunk value v starts in the joined tables
        self.offsets: _I64 = np.zeros(counts.size + 1, dtype=np.int64)
        np.cumsum(counts, out=self.offsets[1:])
        self._probes: dict[int, tuple[_I64, _I64, npt.NDArray[np.intp]]] = {}

    def thresholds(self, radius: int) -> list[int]:
        """How many bits each chunk may differ by and still hold a match of ``radius``.

        A match differing in more than ``t_i`` bits in every chunk differs in at least
        ``sum(t_i + 1)`` bits, so thresholds summing to ``radius - m + 1`` miss nothing;
        spreading them evenly (the first chunks one more) keeps the probes fewest. A
        threshold of -1 means the chunk need not be probed at all."""
        m = len(self.widths)
        sub, extra = divmod(radius + 1, m)
        return [sub if i < extra else sub - 1 for i in range(m)]

    def cost(self, radius: int, n: int) -> float:
        """The expected work of a query: a run lookup counts as four comparisons, plus
        one per candidate (for uniformly spread hashes)."""
        total = 0.0
        for width, t in zip(self.widths, self.thresholds(radius), strict=True):
            probes = _count_masks(width, t)
            total += probes * 4 + probes * n / (1 << width)
        return total

    def _probe_table(self, radius: int) -> tuple[_I64, _I64, npt.NDArray[np.intp]]:
        """For ``radius``: each probe's mask, the base of its chunk, and its chunk."""
        cached = self._probes.get(radius)
        if cached is None:
            masks, bases, chunk_of = [], [], []
            for c, (width, t) in enumerate(zip(self.widths, self.thresholds(radius), strict=True)):
                if t < 0:
                    continue
                chunk_masks = _masks(width, t).astype(np.int64)
                masks.append(chunk_masks)
                bases.append(np.full(chunk_masks.size, self.bases[c], dtype=np.int64))
                chunk_of.append(np.full(chunk_masks.size, c, dtype=np.intp))
            cached = (np.concatenate(masks), np.concatenate(bases), np.concatenate(chunk_of))
            self._probes[radius] = cached
        return cached

    def search(self, phash: int, max_distance: int) -> tuple[npt.NDArray[Any], npt.NDArray[np.uint8]]:
        """The rows of every entry within ``max_distance`` bits of ``phash``, each once,
        and their distances."""
        masks, bases, chunk_of = self._probe_table(max_distance)
        own = np.array(
            [(phash >> s) & ((1 << w) - 1) for s, w in zip(self.shifts, self.widths, strict=True)],
            dtype=np.int64,
        )
        values = bases + (masks ^ own[chunk_of])
        span = _gather(self.offsets[values], self.offsets[values + 1])
        dist = _popcount(self.hashes[span] ^ np.uint64(phash))
        near = np.flatnonzero(dist <= max_distance)
        rows = self.rows[span[near]]
        # a match is found once in every chunk within its threshold: keep one
        rows, first = np.unique(rows, return_index=True)
        return rows, dist[near[first]]

    def nbytes(self) -> int:
        return int(self.hashes.nbytes + self.rows.nbytes + self.offsets.nbytes)


_MASK_COUNTS: dict[tuple[int, int], int] = {}


def _count_masks(width: int, radius: int) -> int:
    cached = _MASK_COUNTS.get((width, radius))
    if cached is None:
        from math import comb

        cached = sum(comb(width, k) for k in range(min(radius, width) + 1))
        _MASK_COUNTS[(width, radius)] = cached
    return cached


class PhashIndex:
    """Exact Hamming-radius search over (key, 64-bit perceptual hash) entries.

    ``query(phash, r)`` returns every entry within ``r`` bits as ``(key, distance)``,
    sorted by distance then key. Keys are signed 64-bit integers (photo ids), hashes
    unsigned 64-bit integers (``int(phash_hex, 16)``)."""

    def __init__(self) -> None:
        self._keys: _I64 = np.empty(0, dtype=np.int64)
        self._hashes: _U64 = np.empty(0, dtype=np.uint64)
        self._layout: _Layout | None = None
        self._pending_keys: list[int] = []
        self._pending_hashes: list[int] = []
        self._pending_arrays: tuple[_I64, _U64] | None = None

    def __len__(self) -> int:
        return int(self._keys.size) + len(self._pending_keys)

    def add(self, key: int, phash: int) -> None:
        """Add one entry; it is searchable at once."""
        _check_key(key)
        _check_hash(phash)
        self._pending_keys.append(key)
        self._pending_hashes.append(phash)
        self._pending_arrays = None

    def add_many(self, items: Iterable[tuple[int, int]]) -> None:
        """Add many entries; a large batch is indexed straight away."""
        keys: list[int] = []
        hashes: list[int] = []
        for key, phash in items:
            keys.append(_check_key(key))
            hashes.append(_check_hash(phash))
        self._pending_keys.extend(keys)
        self._pending_hashes.extend(hashes)
        self._pending_arrays = None
        self._maybe_rebuild()

    def add_arrays(self, keys: npt.ArrayLike, hashes: npt.ArrayLike) -> None:
        """Add many entries from arrays of keys (int64) and hashes (uint64) — the fast
        path for loading an index from a database column."""
        key_arr = np.asarray(keys, dtype=np.int64).ravel()
        hash_arr = np.asarray(hashes, dtype=np.uint64).ravel()
        if key_arr.shape != hash_arr.shape:
            raise ValueError("keys and hashes differ in length")
        self._fold_pending()
        self._keys = np.concatenate([self._keys, key_arr])
        self._hashes = np.concatenate([self._hashes, hash_arr])
        self._build()

    def query(self, phash: int, max_distance: int) -> list[tuple[int, int]]:
        """Every entry within ``max_distance`` bits of ``phash`` as ``(key, distance)``,
        sorted by distance then key. Exact for every radius."""
        _check_hash(phash)
        if max_distance < 0:
            return []
        self._maybe_rebuild()
        target = np.uint64(phash)
        keys_parts: list[_I64] = []
        dist_parts: list[npt.NDArray[Any]] = []
        if self._keys.size:
            rows, dist = self._search(phash, max_distance)
            if rows.size:
                keys_parts.append(self._keys[rows])
                dist_parts.append(dist)
        if self._pending_keys:
            p_keys, p_hashes = self._pending()
            dist = _popcount(p_hashes ^ target)
            near = dist <= max_distance
            if near.any():
                keys_parts.append(p_keys[near])
                dist_parts.append(dist[near])
        if not keys_parts:
            return []
        keys = np.concatenate(keys_parts)
        dists = np.concatenate(dist_parts).astype(np.int64)
        order = np.lexsort((keys, dists))
        return list(zip(keys[order].tolist(), dists[order].tolist(), strict=True))

    def memory_bytes(self) -> int:
        """The size of the index's arrays (not counting the unindexed buffer)."""
        total = int(self._keys.nbytes + self._hashes.nbytes)
        if self._layout is not None:
            total += self._layout.nbytes()
        return total

    # --- internals ------------------------------------------------------------------

    def _search(self, phash: int, max_distance: int) -> tuple[npt.NDArray[Any], npt.NDArray[np.uint8]]:
        """The rows of the indexed entries within ``max_distance`` and their distances."""
        layout = self._layout
        n = int(self._keys.size)
        # Probing costs a lookup per run and a comparison per candidate; a scan costs a
        # comparison per entry. Past the break-even point the scan wins.
        if layout is not None and layout.cost(max_distance, n) < n / 2:
            return layout.search(phash, max_distance)
        dist = _popcount(self._hashes ^ np.uint64(phash))
        rows = np.flatnonzero(dist <= max_distance)
        return rows, dist[rows]

    def _pending(self) -> tuple[_I64, _U64]:
        if self._pending_arrays is None:
            self._pending_arrays = (
                np.array(self._pending_keys, dtype=np.int64),
                np.array(self._pending_hashes, dtype=np.uint64),
            )
        return self._pending_arrays

    def _maybe_rebuild(self) -> None:
        pending = len(self._pending_keys)
        if pending and pending * _PENDING_SHARE >= max(self._keys.size, _MIN_INDEXED):
            self._fold_pending()
            self._build()

    def _fold_pending(self) -> None:
        if not self._pending_keys:
            return
        p_keys, p_hashes = self._pending()
        self._keys = np.concatenate([self._keys, p_keys])
        self._hashes = np.concatenate([self._hashes, p_hashes])
        self._pending_keys = []
        self._pending_hashes = []
        self._pending_arrays = None

    def _build(self) -> None:
        n = int(self._keys.size)
        if n < _MIN_INDEXED:
            self._layout = None
            return
        self._layout = _Layout(self._hashes, _chunks_for(n))


def _chunks_for(n: int) -> int:
    """Chunks of about log2(n) bits give each run about one entry (the paper's choice),
    kept to 12..21 bits so the run tables stay small. At a million pHash-like hashes
    (see ``tests/benchmarks/bench_phash.py``) 4 chunks of 16 bits measured faster than
    3 of 21-22 bits or 5 of 12-13 bits, at radius 8 to 12 alike."""
    bits = min(21, max(12, n.bit_length()))
    return max(3, -(-HASH_BITS // bits))
