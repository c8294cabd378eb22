"""Faults: a process killed at deterministic points of an import and of a series of
approvals, the photo store on a full disk, and SQLite busy (another process holding the
write lock).

Kill points. The child process (tests/data/_fault_child.py) SIGKILLs itself the Nth time
it passes one of six points: a photo written to its temporary file (before the rename),
a photo stored under its hash, an INSERT run (rows sent, not committed), audit events
appended (not committed), just before the database COMMIT, just after it. An uninterrupted
run counts how often it passes each point; the kill points are then drawn (seeded) from
every point's whole range, so every phase of the run is hit: the first bundle, the last,
the flags batch, the end of the run; the first decision, the last.

After each kill: SQLite's ``integrity_check`` is ``ok``; every bundle is entirely present
(inspection, its photo, track and checklist rows, each photo's original in the store with
its SHA-256, its import-file row and its IMPORT_BUNDLE event) or entirely absent; the
decisions taken are a prefix of the series, each with its audit events (the same events,
in the same order, as an uninterrupted run) and each inspection's state and version agree
with its decisions; the audit chain verifies. Then the import run again completes it
(exit 0, what was in is ``unchanged``, nothing twice) and the series run again ends where
an uninterrupted one does.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from data import audit
from data.approvals import load_settings
from data.audit import verify
from data.db import Database, open_database
from data.errors import DatabaseBusy, DatabaseUnreachable
from data.ingest.runner import Importer
from data.models import (
    AuditEvent,
    ChecklistAnswer,
    ImportFile,
    ImportRun,
    Inspection,
    InspectionDecision,
    PendingFlags,
    Photo,
    TrackPoint,
)
from data.rules import approval as r
from tests.data._approval_bank import load_bank
from tests.data._bundles import EXAMPLE_CUSTOMERS, EXAMPLES, BuiltBundle, build_bundle, read_bundle

REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("_fault_child.py")
SEED = 20261129
BUNDLES = 6
IMPORT_POINTS = ("photo_tmp", "photo_stored", "insert", "audit", "commit", "committed")
DECISION_POINTS = ("insert", "audit", "commit", "committed")
PER_POINT_IMPORT = 6  # 36 import kill points on SQLite
PER_POINT_DECISION = 6  # 24 decision kill points on SQLite
PER_POINT_PG = 1  # PostgreSQL: 6 import kill points (test_kill_import adds random ones)
CHILD_TABLES = ("photos", "track_points", "checklist_answers", "voice_notes", "inspection_documents")

#: what the faults survived, for the report at the end of the module
FIGURES: dict[str, int] = {}


def _count(key: str, n: int = 1) -> None:
    FIGURES[key] = FIGURES.get(key, 0) + n


@pytest.fixture(scope="module", autouse=True)
def _print_figures() -> Iterator[None]:
    yield
    if FIGURES:
        print("\nfault figures: " + ", ".join(f"{k} {v}" for k, v in sorted(FIGURES.items())))


# --- the child process -----------------------------------------------------------------------------


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LOANSIGHT_DB", "LOANSIGHT_PHOTO_DIR", "LOANSIGHT_FAULT_KILL", "LOANSIGHT_FAULT_COUNTS")
    }
    env["LOANSIGHT_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def run_child(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHILD), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def count_points(args: list[str], data_dir: Path, counts_file: Path) -> dict[str, int]:
    """Run the child uninterrupted; how often it passed each kill point."""
    done = run_child(args, child_env(data_dir, LOANSIGHT_FAULT_COUNTS=str(counts_file)))
    assert done.returncode == 0, done.stdout + done.stderr
    counts: dict[str, int] = json.loads(counts_file.read_text())
    return counts


def draw_kill_points(counts: dict[str, int], points: tuple[str, ...], per_point: int, seed: int) -> list[str]:
    """``per_point`` kills per point, one in each equal slice of its range (seeded)."""
    rng = random.Random(seed)
    chosen: list[str] = []
    for point in points:
        total = counts[point]
        assert total > 0, (point, counts)
        ns = sorted({1 + int(total * (i + rng.random()) / per_point) for i in range(per_point)})
        chosen.extend(f"{point}:{min(n, total)}" for n in ns)
    return chosen


def kill_child(args: list[str], data_dir: Path, kill_at: str) -> None:
    done = run_child(args, child_env(data_dir, LOANSIGHT_FAULT_KILL=kill_at))
    assert done.returncode == -signal.SIGKILL, (kill_at, done.returncode, done.stdout, done.stderr)


def killed_runs(runs: list[tuple[list[str], Path, str]]) -> Iterator[int]:
    """Run each (args, data folder, kill point) to its kill, two at a time, each on its own
    database; yield each run's index in order once it is dead, for the caller to check
    while the next ones run."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(kill_child, *run) for run in runs]
        for i, future in enumerate(futures):
            future.result()
            yield i


def check_sqlite_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def checkpointed_copy(src: Path, dst: Path) -> None:
    """Copy a SQLite file with everything in its main file (no WAL left behind)."""
    conn = sqlite3.connect(src)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copyfile(src, dst)


# --- the import's source and its checks ------------------------------------------------------------


@dataclass
class Source:
    root: Path
    bundles: dict[str, BuiltBundle]  # by bundle_id
    files: dict[str, str]  # file name (the path a run reports) -> bundle_id


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    """Master data and six tiny bundles (three photos each)."""
    root = tmp_path_factory.mktemp("fault-source")
    shutil.copytree(EXAMPLES / "master", root / "master")
    customers = list(EXAMPLE_CUSTOMERS)
    bundles, files = {}, {}
    for i in range(BUNDLES):
        b = build_bundle(i % 3, seed=SEED + i, customer_no=customers[i % len(customers)], photo_size=(64, 48))
        b.write(root / "bundles", f"b{i:02d}.zip")
        bundles[b.bundle_id] = b
        files[f"b{i:02d}.zip"] = b.bundle_id
    return Source(root, bundles, files)


@pytest.fixture(scope="module")
def master_db(tmp_path_factory: pytest.TempPathFactory, source: Source) -> Path:
    """A SQLite file holding the master data only, copied fresh for every kill."""
    folder = tmp_path_factory.mktemp("fault-master")
    path = folder / "master.db"
    db = open_database(f"sqlite:///{path}", data_dir=folder / "data")
    try:
        assert Importer(db).run([str(source.root / "master")]).exit_code == 0
    finally:
        db.dispose()
    checkpointed_copy(path, folder / "base.db")
    return folder / "base.db"


def check_import(db: Database, source: Source) -> set[str]:
    """Every bundle fully present or fully absent; return the bundle_ids present."""
    with db.read_session() as s:
        rows = s.execute(select(Inspection.id, Inspection.bundle_id)).all()
        by_id = {iid: bid for iid, bid in rows}
        assert len(set(by_id.values())) == len(by_id), "a bundle imported twice"

        def per_inspection(model: Any) -> dict[int, int]:
            got = s.execute(select(model.inspection_id, func.count()).group_by(model.inspection_id)).all()
            return {iid: n for iid, n in got}

        photos, points, answers = (per_inspection(m) for m in (Photo, TrackPoint, ChecklistAnswer))
        shas = {iid: set() for iid in by_id}
        for iid, sha in s.execute(select(Photo.inspection_id, Photo.sha256)).all():
            shas[iid].add(sha)
        for iid, bundle_id in by_id.items():
            sent = source.bundles[bundle_id].manifest
            assert photos.get(iid, 0) == len(sent["photos"]), bundle_id
            assert shas[iid] == {p["sha256"] for p in sent["photos"]}, bundle_id
            assert points.get(iid, 0) == len(sent["track"]["points"]), bundle_id
            assert answers.get(iid, 0) == len(sent["checklist"]), bundle_id
            for sha in shas[iid]:
                original = db.data_dir / "photos" / sha[:2] / sha[2:4] / f"{sha}.jpg"
                assert original.is_file(), (bundle_id, original)
                assert hashlib.sha256(original.read_bytes()).hexdigest() == sha
        for table in CHILD_TABLES:
            orphans = s.execute(
                text(f"SELECT count(*) FROM {table} WHERE inspection_id NOT IN (SELECT id FROM inspections)")
            ).scalar_one()
            assert orphans == 0, table

        events = s.execute(
            select(AuditEvent.entity_id, AuditEvent.details).where(AuditEvent.action == "IMPORT_BUNDLE")
        ).all()
        assert sorted((int(e), json.loads(d)["bundle_id"]) for e, d in events) == sorted(by_id.items())
        imported_files = s.execute(
            select(ImportFile.path).where(ImportFile.kind == "bundle", ImportFile.status == "imported")
        ).scalars()
        assert sorted(source.files[p] for p in imported_files) == sorted(by_id.values())
        result = verify(s)
        assert result.ok, result

    # whatever reached the store under a hash is a complete original
    store = db.data_dir / "photos"
    if store.is_dir():
        for path in store.rglob("*.jpg"):
            if not path.name.startswith("."):
                assert hashlib.sha256(path.read_bytes()).hexdigest() == path.stem, path
    return set(by_id.values())


def complete_import(db: Database, source: Source, present: set[str]) -> None:
    """Run the import again: everything in, once; what was in reported unchanged."""
    report = Importer(db).run([str(source.root / "bundles")])
    assert report.exit_code == 0, report.as_dict()
    statuses = {source.files[f.path]: f.status for f in report.files}
    assert statuses == {bid: ("unchanged" if bid in present else "imported") for bid in source.bundles}, (
        report.as_dict()
    )
    assert check_import(db, source) == set(source.bundles)
    with db.read_session() as s:
        assert s.execute(select(func.count()).select_from(PendingFlags)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Inspection)).scalar_one() == BUNDLES


@pytest.mark.sqlite_only  # kills a SQLite writer, checks the file
def test_import_killed_at_deterministic_points(source: Source, master_db: Path, tmp_path: Path) -> None:
    def fresh(name: str) -> tuple[Path, Path, list[str]]:
        path = tmp_path / f"{name}.db"
        shutil.copyfile(master_db, path)
        data_dir = tmp_path / f"{name}-data"
        return path, data_dir, ["import", f"sqlite:///{path}", str(data_dir), str(source.root / "bundles")]

    path, data_dir, args = fresh("reference")
    counts = count_points(args, data_dir, tmp_path / "counts.json")
    db = open_database(f"sqlite:///{path}", data_dir=data_dir)
    try:
        assert check_import(db, source) == set(source.bundles)
    finally:
        db.dispose()
    print(f"\nimport kill points available: {counts}")

    kills = draw_kill_points(counts, IMPORT_POINTS, PER_POINT_IMPORT, SEED)
    assert len(kills) >= 30
    present_counts = []
    runs = [fresh(f"kill{i}") for i in range(len(kills))]
    for i in killed_runs(
        [(args, data_dir, kill_at) for (_p, data_dir, args), kill_at in zip(runs, kills, strict=True)]
    ):
        path, data_dir, _args = runs[i]
        check_sqlite_file(path)
        db = open_database(f"sqlite:///{path}", data_dir=data_dir)
        try:
            present = check_import(db, source)
            complete_import(db, source, present)
        finally:
            db.dispose()
        check_sqlite_file(path)
        present_counts.append(len(present))
        _count("import kill points survived (SQLite)")
    print(f"bundles committed at each kill: {present_counts}")
    # the kills landed before, inside and at the end of the run
    assert 0 in present_counts
    assert BUNDLES in present_counts
    assert any(0 < n < BUNDLES for n in present_counts)


@pytest.mark.pg
def test_import_killed_at_deterministic_points_postgresql(source: Source, tmp_path: Path) -> None:
    base = os.environ.get("LOANSIGHT_TEST_PG_URL")
    if not base:
        pytest.skip("LOANSIGHT_TEST_PG_URL is not set")
    admin = create_engine(base)
    schemas: list[str] = []

    def fresh(name: str) -> tuple[str, Path, list[str]]:
        schema = f"f_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
        data_dir = tmp_path / f"{name}-data"
        db = open_database(url, data_dir=data_dir)
        try:
            assert Importer(db).run([str(source.root / "master")]).exit_code == 0
        finally:
            db.dispose()
        return url, data_dir, ["import", url, str(data_dir), str(source.root / "bundles")]

    try:
        url, data_dir, args = fresh("reference")
        counts = count_points(args, data_dir, tmp_path / "counts.json")
        kills = draw_kill_points(counts, IMPORT_POINTS, PER_POINT_PG, SEED + 1)
        runs = [fresh(f"kill{i}") for i in range(len(kills))]
        for i in killed_runs(
            [(args, data_dir, kill_at) for (_u, data_dir, args), kill_at in zip(runs, kills, strict=True)]
        ):
            url, data_dir, _args = runs[i]
            db = open_database(url, data_dir=data_dir)
            try:
                complete_import(db, source, check_import(db, source))
            finally:
                db.dispose()
            _count("import kill points survived (PostgreSQL)")
    finally:
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --- a series of approvals, killed --------------------------------------------------------------------

#: (actor, inspection key, action, comment, reason code); each moves its inspection one version
SERIES = (
    ("A0311", "t1001", r.APPROVE, "", ""),
    ("A0311", "ex1001", r.ESCALATE, "", ""),
    ("H0001", "ex1001", r.SEND_BACK, "补充经营流水", ""),
    ("A0311", "ex1001", r.APPROVE, "", ""),
    ("A0311", "ex1002", r.RETURN, "照片不清", "PHOTOS"),
    ("A0315", "t1004", r.REJECT, "不是本户的检查", ""),
    ("A0315", "t1005", r.APPROVE, "", ""),
    ("H0001", "t1005", r.CONFIRM, "", ""),
    ("A0311", "ex1000", r.APPROVE, "", ""),
    ("A0311", "t1003", r.APPROVE, "", ""),
    ("H0001", "t1003", r.SEND_BACK, "核实抵押物", ""),
    ("A0311", "t1003", r.ESCALATE, "", ""),
    ("H0001", "t1003", r.CONFIRM, "", ""),
)


@dataclass
class Series:
    base: Path  # the bank, before any decision
    plan: Path
    steps: list[dict[str, Any]]
    start_event: int  # the last audit event id before the series
    events: list[tuple[str, str, str, str]]  # an uninterrupted run's events
    boundaries: list[int]  # events after each step (cumulative)
    final: dict[int, tuple[str, int]]  # inspection id -> (state, version) at the end


def _events_after(db: Database, start: int) -> list[tuple[str, str, str, str]]:
    with db.read_session() as s:
        rows = s.execute(
            select(
                AuditEvent.action,
                AuditEvent.entity_type,
                AuditEvent.entity_id,
                AuditEvent.details,
                AuditEvent.at,
            )
            .where(AuditEvent.id > start)
            .order_by(AuditEvent.id)
        ).all()
    return [(a, t, e, d) for a, t, e, d, _at in rows]


def _states(db: Database) -> dict[int, tuple[str, int]]:
    with db.read_session() as s:
        return {
            i: (st, v)
            for i, st, v in s.execute(select(Inspection.id, Inspection.state, Inspection.state_version))
        }


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> Series:
    folder = tmp_path_factory.mktemp("fault-bank")
    path = folder / "bank.db"
    db = open_database(f"sqlite:///{path}", data_dir=folder / "data")
    try:
        bank = load_bank(db, folder)
        with db.read_session() as s:
            assert load_settings(s).sample_rate == 0.0
            start = s.execute(select(func.max(AuditEvent.id))).scalar_one()
        states = _states(db)
    finally:
        db.dispose()
    versions: dict[int, int] = {}
    steps = []
    for actor, key, action, comment, reason in SERIES:
        iid = bank.ids[key]
        version = versions.get(iid, states[iid][1])
        versions[iid] = version + 1
        steps.append(
            {
                "actor": actor,
                "inspection_id": iid,
                "action": action,
                "version": version,
                "comment": comment,
                "reason_code": reason,
            }
        )
    plan = folder / "plan.json"
    plan.write_text(json.dumps(steps, ensure_ascii=False), "utf-8")
    base = folder / "base.db"
    checkpointed_copy(path, base)
    return Series(base, plan, steps, start, [], [], {})


def _decisions_args(series: Series, path: Path, data_dir: Path) -> list[str]:
    return ["decide", f"sqlite:///{path}", str(data_dir), str(series.plan)]


def check_decisions(db: Database, series: Series) -> int:
    """Decisions and their events a prefix of the series, each whole; return how many."""
    with db.read_session() as s:
        decisions = s.execute(
            select(
                InspectionDecision.inspection_id,
                InspectionDecision.from_version,
                InspectionDecision.action,
                InspectionDecision.to_state,
            ).order_by(InspectionDecision.id)
        ).all()
        taken = [(d.inspection_id, d.from_version, d.action) for d in decisions]
        expected = [(st["inspection_id"], st["version"], st["action"]) for st in series.steps]
        assert taken == expected[: len(taken)], taken
        # every decision has its audit event, and every decision event its decision
        events = s.execute(
            select(AuditEvent.entity_id, AuditEvent.action, AuditEvent.details).where(
                AuditEvent.action.like("INSPECTION_%"), AuditEvent.id > series.start_event
            )
        ).all()
        audited = sorted((int(e), json.loads(d)["version"] - 1, a) for e, a, d in events)
        assert audited == sorted((i, v, f"INSPECTION_{a}") for i, v, a in taken)
        # each inspection's state and version agree with its decisions
        states = (
            dict(s.execute(select(Inspection.id, Inspection.state)).all()),
            dict(s.execute(select(Inspection.id, Inspection.state_version)).all()),
        )
        last: dict[int, Any] = {}
        for d in decisions:
            last[d.inspection_id] = d
        for iid, d in last.items():
            assert states[0][iid] == d.to_state, iid
            assert states[1][iid] == d.from_version + 1, iid
        result = verify(s)
        assert result.ok, result
    # the events are exactly an uninterrupted run's, up to the end of the last decision
    assert (
        _events_after(db, series.start_event)
        == series.events[: series.boundaries[len(taken) - 1] if taken else 0]
    )
    return len(taken)


@pytest.mark.sqlite_only  # kills a SQLite writer, checks the file
def test_approvals_killed_at_deterministic_points(series: Series, tmp_path: Path) -> None:
    from tests.data._fault_child import run_decisions

    path, data_dir = tmp_path / "reference.db", tmp_path / "reference-data"
    shutil.copyfile(series.base, path)
    counts = count_points(_decisions_args(series, path, data_dir), data_dir, tmp_path / "counts.json")
    print(f"\ndecision kill points available: {counts}")
    db = open_database(f"sqlite:///{path}", data_dir=data_dir)
    try:
        series.final = _states(db)
        series.events = _events_after(db, series.start_event)
        with db.read_session() as s:  # the events of one decision share its database time
            times = s.execute(
                select(AuditEvent.at).where(AuditEvent.id > series.start_event).order_by(AuditEvent.id)
            ).scalars()
            boundaries, previous = [], None
            for n, at in enumerate(times):
                if previous is not None and at != previous:
                    boundaries.append(n)
                previous = at
            boundaries.append(len(series.events))
        series.boundaries = boundaries
        assert len(boundaries) == len(SERIES)
        assert check_decisions(db, series) == len(SERIES)
    finally:
        db.dispose()
    assert [series.final[st["inspection_id"]][0] for st in series.steps[-1:]] == [r.CONFIRMED]

    kills = draw_kill_points(counts, DECISION_POINTS, PER_POINT_DECISION, SEED + 2)
    assert len(kills) >= 20
    taken_counts = []
    runs = [(tmp_path / f"kill{i}.db", tmp_path / f"kill{i}-data") for i in range(len(kills))]
    for path, _data_dir in runs:
        shutil.copyfile(series.base, path)
    for i in killed_runs(
        [
            (_decisions_args(series, path, data_dir), data_dir, k)
            for (path, data_dir), k in zip(runs, kills, strict=True)
        ]
    ):
        path, data_dir = runs[i]
        check_sqlite_file(path)
        db = open_database(f"sqlite:///{path}", data_dir=data_dir)
        try:
            taken_counts.append(check_decisions(db, series))
            # the series again ends where an uninterrupted one does
            run_decisions(f"sqlite:///{path}", str(data_dir), str(series.plan))
            assert check_decisions(db, series) == len(SERIES)
            assert _states(db) == series.final
        finally:
            db.dispose()
        check_sqlite_file(path)
        _count("decision kill points survived (SQLite)")
    print(f"decisions committed at each kill: {taken_counts}")
    assert 0 in taken_counts
    assert any(0 < n < len(SERIES) for n in taken_counts)


# --- the photo store on a full disk -------------------------------------------------------------------


def _noise_jpeg(seed: int, size: tuple[int, int] = (1100, 1000)) -> bytes:
    """A JPEG of pure noise: about 1.3 MB that no compression can shrink."""
    from PIL import Image

    rng = random.Random(seed)
    img = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95)
    return buf.getvalue()


@pytest.fixture(scope="module")
def big_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuiltBundle]:
    folder = tmp_path_factory.mktemp("fault-big")
    manifest, _files = read_bundle(sorted((EXAMPLES / "bundles").glob("*.zip"))[0])
    photos = {p["file"]: _noise_jpeg(SEED + i) for i, p in enumerate(manifest["photos"])}
    built = build_bundle(0, seed=SEED + 99, photo_bytes=photos)
    return built.write(folder, "big.zip"), built


def check_nothing_half_written(db: Database, store: Path) -> None:
    with db.read_session() as s:
        assert s.execute(select(func.count()).select_from(Inspection)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Photo)).scalar_one() == 0
        assert (
            s.execute(
                select(func.count()).select_from(ImportFile).where(ImportFile.kind == "bundle")
            ).scalar_one()
            == 0
        )
        assert (
            s.execute(select(ImportRun.status).order_by(ImportRun.id.desc()).limit(1)).scalar_one()
            == "FAILED"
        )
        assert verify(s).ok
    if store.is_dir():
        assert not list(store.rglob(".incoming-*")), "a temporary file was left in the store"
        for path in store.rglob("*"):
            if path.is_file():  # an original that made it is complete
                assert hashlib.sha256(path.read_bytes()).hexdigest() == path.stem, path


def import_after_space_is_back(db: Database, zip_path: Path, built: BuiltBundle) -> None:
    report = Importer(db).run([str(zip_path)])
    assert report.exit_code == 0, report.as_dict()
    assert [f.status for f in report.files] == ["imported"]
    with db.read_session() as s:
        shas = set(s.execute(select(Photo.sha256)).scalars())
        assert verify(s).ok
    assert shas == set(built.photo_shas)
    for sha in shas:
        original = db.data_dir / "photos" / sha[:2] / sha[2:4] / f"{sha}.jpg"
        assert hashlib.sha256(original.read_bytes()).hexdigest() == sha


@pytest.mark.sqlite_only  # the limit hits the SQLite file too; the photo store is the same on PG
def test_photo_store_on_a_full_disk_file_size_limit(
    master_db: Path, big_bundle: tuple[Path, BuiltBundle], tmp_path: Path
) -> None:
    """RLIMIT_FSIZE in the child: the kernel refuses the photo's write past 1 MiB (EFBIG)."""
    zip_path, built = big_bundle
    path, data_dir = tmp_path / "t.db", tmp_path / "data"
    shutil.copyfile(master_db, path)
    limit = 1 << 20
    assert path.stat().st_size < limit // 2  # the database's own writes stay under it
    assert all(len(built.files[p["file"]]) > limit for p in built.manifest["photos"])
    done = run_child(
        ["fsize", str(limit), f"sqlite:///{path}", str(data_dir), str(zip_path)], child_env(data_dir)
    )
    assert done.returncode == 2, done.stdout + done.stderr
    error = json.loads(done.stdout)["error"]
    assert "photo store" in error, error
    assert "file too large for the disk" in error, error
    check_sqlite_file(path)
    db = open_database(f"sqlite:///{path}", data_dir=data_dir)
    try:
        check_nothing_half_written(db, data_dir / "photos")
        import_after_space_is_back(db, zip_path, built)
    finally:
        db.dispose()
    _count("full-disk runs survived")


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs, where the system lets this process mount one (root on Linux)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root on Linux")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.sqlite_only  # about the photo store; its scratch database is a SQLite copy
def test_photo_store_on_a_full_disk_tmpfs(
    master_db: Path, big_bundle: tuple[Path, BuiltBundle], tmp_path: Path, tiny_filesystem: Path, monkeypatch
) -> None:
    """A real ENOSPC: the photo store on a 2 MiB file system, three 1.3 MB photos."""
    zip_path, built = big_bundle
    path, data_dir = tmp_path / "t.db", tmp_path / "data"
    shutil.copyfile(master_db, path)
    store = tiny_filesystem / "photos"
    monkeypatch.setenv("LOANSIGHT_PHOTO_DIR", str(store))
    db = open_database(f"sqlite:///{path}", data_dir=data_dir)
    try:
        report = Importer(db).run([str(zip_path)])
        assert report.exit_code == 2, report.as_dict()
        assert report.failed
        assert "photo store" in report.failed
        assert "disk full" in report.failed
        check_nothing_half_written(db, store)
        # space is back: the store's file system grows (what a cleaned-up disk looks like)
        subprocess.run(["mount", "-o", "remount,size=16m", str(tiny_filesystem)], check=True)
        report = Importer(db).run([str(zip_path)])
        assert report.exit_code == 0, report.as_dict()
        with db.read_session() as s:
            shas = set(s.execute(select(Photo.sha256)).scalars())
        assert shas == set(built.photo_shas)
        for sha in shas:
            original = store / sha[:2] / sha[2:4] / f"{sha}.jpg"
            assert hashlib.sha256(original.read_bytes()).hexdigest() == sha
    finally:
        db.dispose()
    _count("full-disk runs survived")


# --- SQLite busy: another process holds the write lock -------------------------------------------------


class LockHolder:
    """A child process holding the SQLite write lock (``BEGIN IMMEDIATE``) until released."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), "lock", str(path)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "locked"

    def release(self) -> None:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write("release\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "released"
        assert self.proc.wait(timeout=10) == 0

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def busy_db(
    master_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Database, Path]]:
    monkeypatch.setattr("data.db.SQLITE_BUSY_TIMEOUT_MS", 1000)
    path = tmp_path / "busy.db"
    shutil.copyfile(master_db, path)
    db = open_database(f"sqlite:///{path}", data_dir=tmp_path / "data")
    try:
        yield db, path
    finally:
        db.dispose()


def _append_marker(db: Database, n: int) -> None:
    with db.write_session() as s:
        audit.append(s, "system", "FAULT_TEST", "test", str(n), {"n": n})


def _markers(db: Database) -> list[str]:
    with db.read_session() as s:
        return list(
            s.execute(select(AuditEvent.entity_id).where(AuditEvent.action == "FAULT_TEST")).scalars()
        )


@pytest.mark.sqlite_only  # SQLite's write lock
def test_sqlite_busy_past_the_timeout_is_a_clear_error_and_nothing_is_lost(
    busy_db: tuple[Database, Path], source: Source
) -> None:
    db, path = busy_db
    holder = LockHolder(path)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as caught:
            _append_marker(db, 1)
        waited = time.monotonic() - started
        assert waited >= 0.9, waited  # it waited for the lock first
        assert caught.value.code == "DB_BUSY"
        assert isinstance(caught.value, DatabaseUnreachable)  # an environment problem, not a bug
        assert "busy" in str(caught.value)
        assert "write lock" in str(caught.value)
        assert str(path) in str(caught.value)
        # an import in the meantime: a clear failure, no half-written bundle
        with pytest.raises(DatabaseBusy):
            Importer(db).run([str(source.root / "bundles" / "b00.zip")])
        # readers are never blocked (WAL)
        assert _markers(db) == []
    finally:
        holder.release()
        holder.close()
    # the lock is gone: the same writes succeed, each once
    _append_marker(db, 1)
    report = Importer(db).run([str(source.root / "bundles" / "b00.zip")])
    assert report.exit_code == 0
    assert [f.status for f in report.files] == ["imported"]
    assert _markers(db) == ["1"]
    with db.read_session() as s:
        assert verify(s).ok
        assert s.execute(select(func.count()).select_from(Inspection)).scalar_one() == 1
    check_sqlite_file(path)


@pytest.mark.sqlite_only  # SQLite's write lock
def test_sqlite_busy_within_the_timeout_just_waits(busy_db: tuple[Database, Path]) -> None:
    db, path = busy_db
    holder = LockHolder(path)
    timer = threading.Timer(0.4, holder.release)
    try:
        started = time.monotonic()
        timer.start()
        _append_marker(db, 2)
        waited = time.monotonic() - started
    finally:
        timer.join()
        holder.close()
    assert 0.3 <= waited < 1.0, waited  # a little later, not an error
    assert _markers(db) == ["2"]
    with db.read_session() as s:
        assert verify(s).ok
