"""The importer's benchmark: bundles per second, its stages, and its database writes
against raw ``sqlite3.executemany`` of the same rows.

``run_benchmarks`` (``python main.py bench [--json] [--bundles N] [--db URL]``):

1. generates N valid bundles (4 distinct 640×480 JPEGs each, real EXIF) into a temp
   folder — not timed;
2. imports the examples' master data, then times ``Importer(db).run([folder])`` end to
   end: bundles/s and photos/s, the figure the target (≥ 40 bundles/s) is about;
3. times the stages apart, one after another on one thread, on the same bundles:
   read+parse+validate+decode (``parse_bundle(read_zip(data))``), photo store writes,
   the pre-write checks, and the database write transaction (the importer overlaps
   them, so their sum exceeds its time per bundle by what the overlap hides);
4. compares the write transaction, bundle by bundle in the same loop, with raw
   ``sqlite3`` writing the same rows (``executemany``) into an identical schema with the
   same pragmas (WAL, synchronous=FULL), one commit per bundle like the importer; and
   both again with one transaction for all bundles, for context. Target: ratio ≤ 3.

Everything is written under a temporary folder that is removed afterwards. With
``db_url`` the end-to-end import goes into that database (use a scratch one: it keeps
N synthetic inspections; the photos go to its configured store); the write comparison
always uses two fresh SQLite files, since the baseline is SQLite's own driver.
Module loading (PIL, imagehash, scipy) is warmed up before timing: the figures are
steady-state throughput.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from data import audit
from data.db import Database, open_database
from data.images import PhotoStore, _read_exif, inspect_jpeg, perceptual_hash
from data.ingest.bundles import (
    ParsedBundle,
    find_revision,
    insert_bundle,
    missing_references,
    parse_bundle,
    read_zip,
    store_files,
)
from data.ingest.common import FileReport
from data.ingest.runner import Importer, import_event
from tests.benchmarks._fixtures import PHOTO_SIZE, PHOTOS_PER_BUNDLE, examples_dir, write_bundles

TARGET_BUNDLES_PER_S = 40.0
TARGET_WRITE_RATIO = 3.0
DETAIL_SAMPLE_PHOTOS = 200  # photos decoded one by one for the per-photo breakdown


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _fs_type(path: Path) -> str:
    """The file system holding ``path`` (from /proc/mounts; "?" elsewhere)."""
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "?"
    best, kind = "", "?"
    target = str(path.resolve())
    for fields in mounts:
        mount = fields[1] if len(fields) > 2 else None
        inside = mount is not None and (target == mount or target.startswith(mount.rstrip("/") + "/"))
        if inside and mount is not None and len(mount) >= len(best):
            best, kind = mount, fields[2]
    return kind


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


class _Timer:
    """Accumulates the seconds spent in ``with timer:`` blocks."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> _Timer:
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._t0


def _ms(seconds: float, n: int) -> float:
    return round(seconds * 1000 / max(n, 1), 3)


# --- the importer's write transaction, as Importer._write_bundle does it ---------------------


def _importer_write(importer: Importer, bundle: ParsedBundle, path: str, sha: str, run_id: int) -> None:
    """The write transaction of ``Importer._write_bundle`` for a new bundle: the
    import_files row, ``insert_bundle`` and the audit event, in one ``write_session``."""
    with importer.db.write_session() as s:
        now = audit.database_now(s)
        report = FileReport(path, "bundle", status="imported", imported=1, sha256=sha)
        file_id = importer._record_file(s, report, run_id)
        inspection_id = insert_bundle(s, bundle, now, file_id)
        audit.append_many(s, [import_event(importer.actor, bundle, path, inspection_id)])


def _importer_write_many(importer: Importer, items: list[tuple[ParsedBundle, str, str]], run_id: int) -> None:
    """The same rows as ``_importer_write``, all bundles in one transaction."""
    with importer.db.write_session() as s:
        for bundle, path, sha in items:
            now = audit.database_now(s)
            report = FileReport(path, "bundle", status="imported", imported=1, sha256=sha)
            file_id = importer._record_file(s, report, run_id)
            inspection_id = insert_bundle(s, bundle, now, file_id)
            audit.append_many(s, [import_event(importer.actor, bundle, path, inspection_id)])


# --- the baseline: the same rows through the stdlib driver -----------------------------------

_INSPECTION_COLUMNS = [
    "bundle_id",
    "revision",
    "content_sha256",
    "is_current",
    "supersedes_id",
    "task_no",
    "unplanned",
    "customer_no",
    "inspector_no",
    "companion_no",
    "device_id",
    "kind",
    "started_at",
    "finished_at",
    "submitted_at",
    "opinion",
    "suggested_classification",
    "summary",
    "follow_up",
    "manifest",
    "import_file_id",
    "imported_at",
]
_TRACK_COLUMNS = ["seq", "t", "lat", "lon", "orig_lat", "orig_lon", "orig_crs", "accuracy_m", "event"]
_CHECKLIST_COLUMNS = [
    "seq",
    "code",
    "section",
    "answer",
    "value",
    "abnormal",
    "deviates",
    "remark",
    "photo_keys",
]
_PHOTO_COLUMNS = [
    "seq",
    "photo_key",
    "file_name",
    "sha256",
    "category",
    "taken_at",
    "lat",
    "lon",
    "orig_lat",
    "orig_lon",
    "orig_crs",
    "watermark",
    "exif_taken_at",
    "exif_lat",
    "exif_lon",
    "width",
    "height",
    "size_bytes",
    "phash",
]
_FILE_COLUMNS = [
    "run_id",
    "path",
    "kind",
    "status",
    "sha256",
    "rows_imported",
    "rows_unchanged",
    "rows_rejected",
    "errors",
    "finished_at",
]
_AUDIT_COLUMNS = ["at", "actor", "action", "entity_type", "entity_id", "details", "prev_hash", "hash"]


def _insert_sql(table: str, columns: list[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _sql_value(value: Any) -> Any:
    """What SQLAlchemy hands the sqlite3 driver for our column types."""
    if isinstance(value, dt.datetime):  # UtcDateTime: naive UTC, SQLAlchemy's SQLite format
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | dict):  # JSON columns
        return json.dumps(value)
    return value


class RawWriter:
    """Writes a parsed bundle's rows with ``sqlite3`` and ``executemany``: the floor the
    importer's write path is measured against. No ORM, no reads inside the transaction
    (ids from ``lastrowid``, the audit chain's last hash kept in memory)."""

    def __init__(self, path: Path, actor: str, run_id: int) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=10)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=10000"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.actor = actor
        self.run_id = run_id
        row = self.conn.execute("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1").fetchone()
        self.prev_hash = row[0] if row else audit.GENESIS
        self.sql = {
            "file": _insert_sql("import_files", _FILE_COLUMNS),
            "inspection": _insert_sql("inspections", _INSPECTION_COLUMNS),
            "track": _insert_sql("track_points", ["inspection_id", *_TRACK_COLUMNS]),
            "checklist": _insert_sql("checklist_answers", ["inspection_id", *_CHECKLIST_COLUMNS]),
            "photo": _insert_sql("photos", ["inspection_id", *_PHOTO_COLUMNS]),
            "audit": _insert_sql("audit_events", _AUDIT_COLUMNS),
        }

    def close(self) -> None:
        self.conn.close()

    def write(self, bundle: ParsedBundle, path: str, sha: str) -> None:
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            self._rows(cur, bundle, path, sha)
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")

    def write_many(self, items: list[tuple[ParsedBundle, str, str]]) -> None:
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for bundle, path, sha in items:
                self._rows(cur, bundle, path, sha)
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")

    def _rows(self, cur: sqlite3.Cursor, bundle: ParsedBundle, path: str, sha: str) -> None:
        now = dt.datetime.now(dt.UTC)
        file_row = {
            "run_id": self.run_id,
            "path": path,
            "kind": "bundle",
            "status": "imported",
            "sha256": sha,
            "rows_imported": 1,
            "rows_unchanged": 0,
            "rows_rejected": 0,
            "errors": [],
            "finished_at": now,
        }
        cur.execute(self.sql["file"], [_sql_value(file_row[c]) for c in _FILE_COLUMNS])
        file_id = cur.lastrowid
        inspection = {
            "bundle_id": bundle.bundle_id,
            "revision": bundle.revision,
            "content_sha256": bundle.content_sha256,
            "is_current": True,
            "supersedes_id": None,
            "task_no": bundle.task_no,
            "unplanned": True,  # the benchmark's bundles answer no task
            "customer_no": bundle.customer_no,
            "inspector_no": bundle.inspector_no,
            "companion_no": bundle.companion_no,
            **bundle.values,
            "manifest": bundle.manifest_text,
            "import_file_id": file_id,
            "imported_at": now,
        }
        cur.execute(self.sql["inspection"], [_sql_value(inspection[c]) for c in _INSPECTION_COLUMNS])
        iid = cur.lastrowid
        for key, columns, items in (
            ("track", _TRACK_COLUMNS, bundle.track),
            ("checklist", _CHECKLIST_COLUMNS, bundle.checklist),
            ("photo", _PHOTO_COLUMNS, bundle.photos),
        ):
            if items:
                cur.executemany(self.sql[key], [[iid, *(_sql_value(r[c]) for c in columns)] for r in items])
        rec = import_event(self.actor, bundle, path, int(iid or 0))
        details = audit.canonical_json(rec.details)
        digest = audit.event_hash(
            self.prev_hash, now, rec.actor, rec.action, rec.entity_type, rec.entity_id, details
        )
        cur.execute(
            self.sql["audit"],
            [
                _sql_value(now),
                rec.actor,
                rec.action,
                rec.entity_type,
                rec.entity_id,
                details,
                self.prev_hash,
                digest,
            ],
        )
        self.prev_hash = digest


_COMPARED = {
    "inspections": "id, bundle_id, revision, content_sha256, is_current, supersedes_id, task_no, unplanned, "
    "customer_no, inspector_no, companion_no, device_id, kind, started_at, finished_at, submitted_at, "
    "opinion, suggested_classification, summary, follow_up, manifest, import_file_id",
    "track_points": ", ".join(["inspection_id", *_TRACK_COLUMNS]),
    "checklist_answers": ", ".join(["inspection_id", *_CHECKLIST_COLUMNS]),
    "photos": ", ".join(["inspection_id", *_PHOTO_COLUMNS]),
}


def _same_rows(a: Path, b: Path) -> bool:
    """Whether both databases hold the same bundle rows (times of import aside)."""
    ca, cb = sqlite3.connect(a), sqlite3.connect(b)
    try:
        for table, columns in _COMPARED.items():
            query = f"SELECT {columns} FROM {table} ORDER BY 1, 2"
            if ca.execute(query).fetchall() != cb.execute(query).fetchall():
                return False
        return True
    finally:
        ca.close()
        cb.close()


# --- the run ---------------------------------------------------------------------------------


def _fresh_sqlite(template: Path, target: Path) -> Path:
    """A copy of the template database (through SQLite's backup API: WAL-safe)."""
    src, dst = sqlite3.connect(template), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def _open(url: str, data_dir: Path) -> Database:
    return open_database(url, data_dir=data_dir)


def _new_run(importer: Importer) -> int:
    return importer._start_run(["benchmark"])


def run_benchmarks(bundles: int = 300, db_url: str | None = None) -> dict[str, Any]:
    """Run the import benchmark; a flat dict of figures (units in the key names)."""
    if bundles < 1:
        raise ValueError("at least one bundle is needed")
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="loansight-bench-") as tmp_name:
        tmp = Path(tmp_name)
        out.update(
            {
                "env.python": platform.python_version(),
                "env.sqlite": sqlite3.sqlite_version,
                "env.cpus": os.cpu_count(),
                "env.tmp_fs": _fs_type(tmp),
                "env.load_1m_before": round(os.getloadavg()[0], 2),
            }
        )
        # a database of our own gets a photo store of our own; a given one keeps its own
        photos = nullcontext() if db_url else _env("LOANSIGHT_PHOTO_DIR", str(tmp / "data" / "photos"))
        with photos:
            out.update(_run(tmp, bundles, db_url))
    return out


def _run(tmp: Path, n: int, db_url: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    master = str(examples_dir() / "master")

    t0 = time.perf_counter()
    generated = write_bundles(tmp / "bundles", n)
    out["bundles.count"] = n
    out["bundles.photos_each"] = PHOTOS_PER_BUNDLE
    out["bundles.photo_px"] = f"{PHOTO_SIZE[0]}x{PHOTO_SIZE[1]}"
    out["bundles.mean_zip_kb"] = round(generated.total_bytes / n / 1024, 1)
    out["generate.s"] = round(time.perf_counter() - t0, 2)

    # a SQLite database holding the master data: the start of every write comparison
    template = tmp / "template.db"
    db = _open(f"sqlite:///{template}", tmp / "template-data")
    try:
        Importer(db).run([master])
    finally:
        db.dispose()

    # -- end to end ------------------------------------------------------------------------
    inspect_jpeg(_first_photo(generated.paths[0]))  # loads PIL, imagehash, scipy: not timed
    url = db_url or f"sqlite:///{_fresh_sqlite(template, tmp / 'import.db')}"
    db = _open(url, tmp / "data")
    try:
        out["db.backend"] = db.dialect
        Importer(db).run([master])  # unchanged on a copy of the template; imported elsewhere
        gc.collect()
        out["rss.peak_before_import_mb"] = _peak_rss_mb()
        t0, cpu0 = time.perf_counter(), time.process_time()
        report = Importer(db).run([str(generated.folder)])
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        out["rss.peak_after_import_mb"] = _peak_rss_mb()
    finally:
        db.dispose()
    statuses = {f.status for f in report.files}
    out["import.all_imported"] = statuses == {"imported"} and len(report.files) == n
    out["import.wall_s"] = round(wall, 3)
    out["import.ms_per_bundle"] = _ms(wall, n)
    out["import.bundles_per_s"] = round(n / wall, 1)
    out["import.photos_per_s"] = round(generated.photos / wall, 1)
    out["import.mb_per_s"] = round(generated.total_bytes / wall / 1024 / 1024, 2)
    # CPU time of all the process's threads: less sensitive than wall time to a busy machine
    out["import.cpu_ms_per_bundle"] = _ms(cpu, n)
    out["env.load_1m_after_import"] = round(os.getloadavg()[0], 2)

    # -- the stages, apart -----------------------------------------------------------------
    t_file, t_read, t_sha, t_parse = _Timer(), _Timer(), _Timer(), _Timer()
    parsed: list[tuple[ParsedBundle, str, str]] = []
    for path in generated.paths:
        with t_file:
            data = path.read_bytes()
        with t_sha:
            sha = hashlib.sha256(data).hexdigest()
        with t_parse:
            with t_read:
                files = read_zip(data)
            bundle = parse_bundle(files)
        parsed.append((bundle, path.name, sha))
    out["stage.read_file_ms_per_bundle"] = _ms(t_file.seconds, n)
    out["stage.zip_sha256_ms_per_bundle"] = _ms(t_sha.seconds, n)
    # parse_decode is read_zip + parse_bundle (validation, SHA-256 and full decode of the
    # photos), on one thread: its cost, not its latency inside the importer
    out["stage.read_zip_ms_per_bundle"] = _ms(t_read.seconds, n)
    out["stage.parse_decode_ms_per_bundle"] = _ms(t_parse.seconds, n)
    out.update(_photo_detail(parsed))

    t_store = _Timer()
    store = PhotoStore(tmp / "store-stage" / "photos")
    try:
        for bundle, _path, _sha in parsed:
            with t_store:
                store_files(store, bundle)
    finally:
        store.close()
    out["stage.store_ms_per_bundle"] = _ms(t_store.seconds, n)

    out.update(_write_comparison(tmp, template, parsed))

    stages = ("read_file", "zip_sha256", "parse_decode", "store", "db_checks", "db_write")
    out["stage.sum_ms_per_bundle"] = round(sum(out[f"stage.{s}_ms_per_bundle"] for s in stages), 3)
    # the stages run one after another here; the importer overlaps them (it prepares the
    # next bundles on worker threads while one commits): positive = time the overlap hides,
    # negative = time spent outside the stages
    out["stage.overlap_ms_per_bundle"] = round(
        out["stage.sum_ms_per_bundle"] - out["import.ms_per_bundle"], 3
    )
    out["rss.peak_mb"] = _peak_rss_mb()
    out["target.bundles_per_s_40"] = out["import.bundles_per_s"] >= TARGET_BUNDLES_PER_S
    out["target.write_ratio_3"] = out["write_ratio"] <= TARGET_WRITE_RATIO
    return out


def _first_photo(path: Path) -> bytes:
    return read_zip(path.read_bytes())["photos/p1.jpg"]


def _photo_detail(parsed: list[tuple[ParsedBundle, str, str]]) -> dict[str, Any]:
    """Where a photo's time goes, decoded one at a time on one thread."""
    import io

    from PIL import Image

    photos = [data for bundle, _p, _s in parsed for data in bundle.photo_bytes.values()]
    photos = photos[:DETAIL_SAMPLE_PHOTOS]
    t_all, t_exif, t_load, t_phash = _Timer(), _Timer(), _Timer(), _Timer()
    for data in photos:
        with t_all:
            inspect_jpeg(data)
        with Image.open(io.BytesIO(data)) as img:
            with t_exif:
                _read_exif(img)
            with t_load:
                img.load()
            with t_phash:
                perceptual_hash(img)
    k = len(photos)
    return {
        "photo.inspect_jpeg_ms": _ms(t_all.seconds, k),
        "photo.exif_ms": _ms(t_exif.seconds, k),
        "photo.decode_ms": _ms(t_load.seconds, k),
        "photo.phash_ms": _ms(t_phash.seconds, k),
    }


def _write_comparison(
    tmp: Path, template: Path, parsed: list[tuple[ParsedBundle, str, str]]
) -> dict[str, Any]:
    """The importer's write transaction against raw executemany, bundle by bundle in the
    same loop (so both see the same machine at the same moment), then in bulk."""
    n = len(parsed)
    out: dict[str, Any] = {}

    a_path = _fresh_sqlite(template, tmp / "write-importer.db")
    b_path = _fresh_sqlite(template, tmp / "write-raw.db")
    db = _open(f"sqlite:///{a_path}", tmp / "write-data")
    importer = Importer(db)
    run_a = _new_run(importer)
    raw = RawWriter(b_path, importer.actor, _new_raw_run(b_path))
    t_checks, t_importer, t_raw = _Timer(), _Timer(), _Timer()
    try:
        for bundle, path, sha in parsed:
            with t_checks:  # the reads import_item and _write_bundle make before writing
                assert not importer._already_imported(sha, "bundle", FileReport(path, "bundle"))
                with db.read_session() as s:
                    assert find_revision(s, bundle.bundle_id, bundle.revision) is None
                    assert not missing_references(s, bundle)
            with t_importer:
                _importer_write(importer, bundle, path, sha, run_a)
            with t_raw:
                raw.write(bundle, path, sha)
    finally:
        raw.close()
        db.dispose()
    out["stage.db_checks_ms_per_bundle"] = _ms(t_checks.seconds, n)
    out["stage.db_write_ms_per_bundle"] = _ms(t_importer.seconds, n)
    out["raw.executemany_ms_per_bundle"] = _ms(t_raw.seconds, n)
    out["write_ratio"] = round(t_importer.seconds / t_raw.seconds, 2)
    out["raw.rows_identical"] = _same_rows(a_path, b_path)

    a_path = _fresh_sqlite(template, tmp / "bulk-importer.db")
    b_path = _fresh_sqlite(template, tmp / "bulk-raw.db")
    db = _open(f"sqlite:///{a_path}", tmp / "bulk-data")
    try:
        importer = Importer(db)
        run_a = _new_run(importer)
        with _Timer() as t_importer:
            _importer_write_many(importer, parsed, run_a)
    finally:
        db.dispose()
    raw = RawWriter(b_path, audit.SYSTEM_ACTOR, _new_raw_run(b_path))
    try:
        with _Timer() as t_raw:
            raw.write_many(parsed)
    finally:
        raw.close()
    out["bulk.db_write_ms_per_bundle"] = _ms(t_importer.seconds, n)
    out["bulk.raw_executemany_ms_per_bundle"] = _ms(t_raw.seconds, n)
    out["bulk.write_ratio"] = round(t_importer.seconds / t_raw.seconds, 2)
    return out


def _new_raw_run(path: Path) -> int:
    """An import_runs row for the raw writer's import_files rows to point at."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        cur = conn.execute(
            "INSERT INTO import_runs (started_at, actor, sources, status, summary) VALUES (?, ?, ?, ?, ?)",
            (_sql_value(dt.datetime.now(dt.UTC)), audit.SYSTEM_ACTOR, '["benchmark"]', "RUNNING", "{}"),
        )
        return int(cur.lastrowid or 0)
    finally:
        conn.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundles", type=int, default=300)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    print(json.dumps(run_benchmarks(args.bundles, args.db), ensure_ascii=False, indent=1))
