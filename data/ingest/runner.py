"""An import run: find the files of the sources, import each, record what happened.

Rules:
* a file's kind comes from its name (INTERCHANGE.md); any other file is reported as
  unknown and left alone;
* master data goes first (branches, staff, customers, loans), then signals, then
  bundles, so that one folder holding everything imports in one run;
* each file (each bundle) is one transaction holding its rows, its per-file result and
  its audit event: a run killed at any point leaves every file fully in or fully out;
* content already imported is recognised by its SHA-256 and reported ``unchanged``;
* bundles waiting in quarantine are retried at the end of every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from data import audit
from data.audit import AuditRecord
from data.authenticity import PhotoHashIndex, update_flags
from data.db import Database, lock_named
from data.errors import DatabaseUnreachable, PhotoStoreError
from data.images import PhotoStore
from data.ingest.bundles import (
    BundleInvalid,
    ParsedBundle,
    files_of,
    find_revision,
    insert_bundle,
    insert_new_bundles,
    missing_references,
    parse_bundle,
    read_folder,
    read_zip,
    snapshot_folder,
    store_files,
    zip_files,
)
from data.ingest.common import FileRejected, FileReport, RowError, decode_text, read_csv
from data.ingest.master import REQUIRED_COLUMNS, MasterImporter, existing_keys
from data.ingest.signals import REQUIRED_COLUMNS as SIGNAL_COLUMNS
from data.ingest.signals import import_signals, jsonl_rows
from data.models import (
    Customer,
    ImportFile,
    ImportRun,
    Inspection,
    PendingFlags,
    QuarantineEntry,
    Staff,
    table,
)
from data.settings import photo_store_for
from data.tasks import close_answered

PREFETCH = 3  # items read and validated ahead of the one being written
#: inspections whose flags are computed together: a batch costs about what three single ones do
FLAG_BATCH = 25

KIND_ORDER = {"branches": 0, "staff": 1, "customers": 2, "loans": 3, "signals": 4, "bundle": 5, "unknown": 6}
_MASTER_NAMES = {
    "branches.csv": "branches",
    "staff.csv": "staff",
    "customers.csv": "customers",
    "loans.csv": "loans",
}
_SIGNALS_RE = re.compile(r"^signals.*\.(csv|jsonl)$")

Progress = Callable[[int, int, str], None]
log = logging.getLogger(__name__)


class RunFailed(Exception):
    """The run cannot go on (database gone, photo store full): exit status 2."""


def kind_of(name: str) -> str:
    """The kind of a file from its name alone, as the contract says."""
    lower = name.lower()
    if lower in _MASTER_NAMES:
        return _MASTER_NAMES[lower]
    if _SIGNALS_RE.match(lower):
        return "signals"
    if lower.endswith(".zip"):
        return "bundle"
    return "unknown"


def import_event(actor: str, bundle: ParsedBundle, path: str, inspection_id: int) -> AuditRecord:
    """The audit event that goes with every imported bundle, in its transaction."""
    return AuditRecord(
        actor,
        "IMPORT_BUNDLE",
        "inspection",
        str(inspection_id),
        {
            "bundle_id": bundle.bundle_id,
            "revision": bundle.revision,
            "path": path,
            "sha256": bundle.content_sha256,
            "photos": len(bundle.photos),
        },
    )


@dataclass(frozen=True)
class SourceItem:
    """One thing to import: a file, a folder bundle, or bytes from a feed."""

    path: str  # as reported: relative to the source given
    kind: str
    location: Path | None = None
    content: bytes | None = None
    is_folder_bundle: bool = False

    def read(self) -> bytes:
        if self.content is not None:
            return self.content
        assert self.location is not None
        return self.location.read_bytes()


def discover(source: str) -> list[SourceItem]:
    """The items of a folder (recursively) or a single file, in a stable order."""
    root = Path(source)
    if root.is_file():
        return [SourceItem(source, kind_of(root.name), root)]
    if (root / "manifest.json").is_file():
        return [SourceItem(source, "bundle", root, is_folder_bundle=True)]
    items: list[SourceItem] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames.sort()
        bundle_dirs = [d for d in dirnames if (here / d / "manifest.json").is_file()]
        for d in bundle_dirs:
            items.append(
                SourceItem((here / d).relative_to(root).as_posix(), "bundle", here / d, is_folder_bundle=True)
            )
        dirnames[:] = [d for d in dirnames if d not in bundle_dirs and not d.startswith(".")]
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = here / name
            items.append(SourceItem(path.relative_to(root).as_posix(), kind_of(name), path))
    return items


def order_items(items: list[SourceItem]) -> list[SourceItem]:
    return sorted(items, key=lambda i: KIND_ORDER[i.kind])  # stable: keeps discovery order


@dataclass
class Prepared:
    """An item read and validated, waiting for its writes."""

    item: SourceItem
    report: FileReport
    final: bool = False  # nothing to write (unchanged, unknown, unreadable)
    data: bytes | None = None
    bundle: ParsedBundle | None = None
    reject: bool = False  # an invalid bundle: record it with its reasons


@dataclass
class RunReport:
    run_id: int | None = None
    files: list[FileReport] = field(default_factory=list)
    quarantine_released: int = 0
    quarantine_waiting: int = 0
    failed: str | None = None  # the run itself could not go on

    def summary(self) -> dict[str, int]:
        out = {s: 0 for s in ("imported", "unchanged", "partial", "rejected", "quarantined")}
        for f in self.files:
            out[f.status] += 1
        out["files"] = len(self.files)
        out["rows_imported"] = sum(f.imported for f in self.files)
        out["rows_unchanged"] = sum(f.unchanged for f in self.files)
        out["rows_rejected"] = sum(f.rejected for f in self.files)
        out["quarantine_released"] = self.quarantine_released
        out["quarantine_waiting"] = self.quarantine_waiting
        return out

    @property
    def exit_code(self) -> int:
        if self.failed:
            return 2
        if any(f.status in ("rejected", "quarantined", "partial") for f in self.files):
            return 1
        return 0

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"files": [f.as_dict() for f in self.files], "summary": self.summary()}
        if self.failed:
            out["error"] = self.failed
        return out


class Importer:
    """Imports sources into one database. Not thread-safe: one run at a time per object."""

    def __init__(
        self, db: Database, *, actor: str = audit.SYSTEM_ACTOR, progress: Progress | None = None
    ) -> None:
        self.db = db
        self.actor = actor
        self.progress = progress
        self.store: PhotoStore = photo_store_for(db)
        self.quarantine_dir = db.data_dir / "quarantine"
        self._decoder_pool: ThreadPoolExecutor | None = None
        #: set from another thread to stop after the file being imported
        self.cancel_requested = threading.Event()
        # bumped whenever master data changes; a bundle quarantined since the last bump
        # has nothing new to be retried against
        self._master_version = 0
        self._quarantined_at: dict[int, int] = {}
        #: the perceptual hashes of stored photos, read once and topped up per bundle
        self.photo_hashes = PhotoHashIndex(self.store)
        self._queued = 0  # inspections queued for flags since the last flush

    def flush_flags(self) -> int:
        """Compute the authenticity flags of every queued inspection (and of those their
        evidence touches) and empty the queue, in one transaction per ``FLAG_BATCH``.
        Includes what an earlier, killed run left queued. Returns how many were done."""
        done = 0
        while True:
            ids: list[int] = []
            try:
                with self.db.write_session() as s:
                    # one flusher at a time across desktops (two would write the same flags);
                    # the queue is read after the lock, so the second finds what is left
                    lock_named(s, "pending_flags")
                    ids = list(
                        s.execute(
                            select(PendingFlags.inspection_id)
                            .order_by(PendingFlags.inspection_id)
                            .limit(FLAG_BATCH)
                        ).scalars()
                    )
                    if not ids:
                        break
                    update_flags(s, ids, photo_index=self.photo_hashes)
                    s.execute(delete(PendingFlags).where(PendingFlags.inspection_id.in_(ids)))
            except DBAPIError:
                raise  # the database itself: the run fails, the queue keeps everything
            except Exception:
                # a bug in a check must not wedge the queue (every later run would stop on
                # the same inspection): check the batch one by one, and set aside the ones
                # that fail, logged and audited, so the rest get their flags
                log.exception("authenticity checks failed on a batch; checking it one by one")
                self._flag_one_by_one(ids)
            done += len(ids)
        self._queued = 0
        return done

    def _flag_one_by_one(self, ids: list[int]) -> None:
        for inspection_id in ids:
            try:
                with self.db.write_session() as s:
                    update_flags(s, [inspection_id], photo_index=self.photo_hashes)
                    s.execute(delete(PendingFlags).where(PendingFlags.inspection_id == inspection_id))
            except DBAPIError:
                raise
            except Exception as exc:
                log.exception("authenticity checks failed on inspection %s", inspection_id)
                with self.db.write_session() as s:
                    s.execute(delete(PendingFlags).where(PendingFlags.inspection_id == inspection_id))
                    audit.append(
                        s,
                        self.actor,
                        "FLAG_CHECK_FAILED",
                        "inspection",
                        str(inspection_id),
                        {"error": f"{type(exc).__name__}: {exc}"[:500]},
                    )

    # -- the run ---------------------------------------------------------------------

    def run(self, sources: list[str]) -> RunReport:
        from data.ingest.feed import FeedReader, is_feed

        report = RunReport()
        report.run_id = self._start_run(sources)
        local: list[SourceItem] = []
        for source in sources:
            if is_feed(source):
                continue
            if not Path(source).exists():
                report.files.append(
                    FileReport(
                        source,
                        "unknown",
                        "rejected",
                        rejected=0,
                        errors=[RowError(None, None, "NOT_FOUND", f"{source} does not exist")],
                    )
                )
                continue
            local.extend(discover(source))
        items = order_items(local)
        self.store.sweep_incoming()
        try:
            self._guarded_flush()  # what a killed run left queued
            self._import_all(items, report)
            for source in sources:
                if is_feed(source):
                    FeedReader(self, source).run(report)
            self.retry_quarantine(report)
            self._guarded_flush()
        except RunFailed as exc:
            report.failed = str(exc)
        self._release_threads()
        try:
            self._finish_run(report)
        except (OperationalError, DatabaseUnreachable):
            log.warning("could not record the end of import run %s", report.run_id)
        return report

    def _start_run(self, sources: list[str]) -> int:
        with self.db.write_session() as s:
            now = audit.database_now(s)
            return int(
                s.execute(
                    insert(ImportRun).returning(ImportRun.id),
                    [{"started_at": now, "actor": self.actor, "sources": sources, "status": "RUNNING"}],
                ).scalar_one()
            )

    def _finish_run(self, report: RunReport) -> None:
        with self.db.write_session() as s:
            s.execute(
                update(ImportRun)
                .where(ImportRun.id == report.run_id)
                .values(
                    finished_at=audit.database_now(s),
                    status=("CANCELLED" if report.failed == "cancelled" else "FAILED")
                    if report.failed
                    else "DONE",
                    summary=report.summary(),
                )
            )

    # -- one item --------------------------------------------------------------------

    def _decoders(self) -> ThreadPoolExecutor:
        if self._decoder_pool is None:
            self._decoder_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="jpeg-decode")
        return self._decoder_pool

    def _release_threads(self) -> None:
        self.store.close()
        if self._decoder_pool is not None:
            self._decoder_pool.shutdown(wait=True)
            self._decoder_pool = None

    def _import_all(self, items: list[SourceItem], report: RunReport) -> None:
        """Prepare up to ``PREFETCH`` items ahead on worker threads; commit in order."""
        assert report.run_id is not None
        pending: deque[tuple[SourceItem, Future[Prepared]]] = deque()
        queue = iter(items)
        done = 0
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="import-prepare") as pool:
            while True:
                while len(pending) < PREFETCH:
                    item = next(queue, None)
                    if item is None:
                        break
                    pending.append((item, pool.submit(self.prepare, item)))
                if not pending:
                    return
                if self.cancel_requested.is_set():
                    for _item, future in pending:
                        future.cancel()
                    raise RunFailed("cancelled")
                item, future = pending.popleft()
                run_id = report.run_id

                def commit(f: Future[Prepared] = future, run_id: int = run_id) -> FileReport:
                    return self.commit(f.result(), run_id)

                report.files.append(self.guarded(item, commit))
                if self._queued >= FLAG_BATCH:
                    self._guarded_flush()
                done += 1
                if self.progress:
                    self.progress(done, len(items), item.path)

    def _guarded_flush(self) -> None:
        """A batch of flags between bundles. A database that stopped answering fails the
        run as any write would; the queue keeps the work for the next run."""
        try:
            self.flush_flags()
        except (OperationalError, DatabaseUnreachable) as exc:
            raise RunFailed(f"database unreachable: {exc}") from exc

    def guarded_import(self, item: SourceItem, run_id: int) -> FileReport:
        return self.guarded(item, lambda: self.import_item(item, run_id))

    def guarded(self, item: SourceItem, work: Callable[[], FileReport]) -> FileReport:
        """Run one item's import; a bug in one file rejects that file, an environment
        problem (database gone, photo store full) ends the run."""
        try:
            return work()
        except (OperationalError, DatabaseUnreachable, PhotoStoreError) as exc:
            raise RunFailed(f"{item.path}: {exc}") from exc
        except Exception as exc:
            log.exception("importing %s failed", item.path)
            return FileReport(
                item.path,
                item.kind,
                "rejected",
                rejected=1,
                errors=[
                    RowError(
                        None,
                        None,
                        "INTERNAL",
                        f"{item.path} could not be imported: {type(exc).__name__}: {exc}",
                    )
                ],
            )

    def import_item(self, item: SourceItem, run_id: int) -> FileReport:
        """Import one item completely (prepare, then commit)."""
        return self.commit(self.prepare(item), run_id)

    def prepare(self, item: SourceItem) -> Prepared:
        """Everything that needs no write: read, hash, unzip, validate, decode photos.

        Runs on a worker thread while the previous item commits, so CPU work overlaps the
        waits for the disk.
        """
        report = FileReport(item.path, item.kind)
        if item.kind == "unknown":
            report.status = "unchanged"
            report.warnings.append(
                RowError(None, None, "UNKNOWN_KIND", "not an interchange file name: left alone")
            )
            return Prepared(item, report, final=True)
        try:
            if item.is_folder_bundle:
                assert item.location is not None
                try:
                    files = read_folder(item.location)
                except BundleInvalid as exc:
                    report.status, report.errors = "rejected", exc.errors
                    return Prepared(
                        item, report, data=snapshot_folder(item.location, exc.errors), reject=True
                    )
                data = zip_files(files)
                report.sha256 = hashlib.sha256(data).hexdigest()
                return self._prepare_bundle(item, report, data, files)
            data = item.read()
        except OSError as exc:
            report.status = "rejected"
            report.errors.append(
                RowError(None, None, "UNREADABLE", f"cannot read {item.path}: {exc.strerror or exc}")
            )
            return Prepared(item, report, final=True)
        report.sha256 = hashlib.sha256(data).hexdigest()
        if self._already_imported(report.sha256, item.kind, report):
            return Prepared(item, report, final=True)
        if item.kind != "bundle":
            return Prepared(item, report, data=data)
        try:
            files = read_zip(data)
        except BundleInvalid as exc:
            report.status, report.errors = "rejected", exc.errors
            return Prepared(item, report, data=data, reject=True)
        return self._prepare_bundle(item, report, data, files)

    def _prepare_bundle(
        self, item: SourceItem, report: FileReport, data: bytes, files: dict[str, bytes]
    ) -> Prepared:
        try:
            bundle = parse_bundle(files, self._decoders())
        except BundleInvalid as exc:
            report.status, report.errors = "rejected", exc.errors
            return Prepared(item, report, data=data, reject=True)
        report.warnings.extend(bundle.warnings)
        # originals go to the store now, overlapping the previous item's commit; a file
        # in the store that no row names (the bundle then turns out unchanged, or the
        # process dies) is harmless and reused, a row without its file never happens
        store_files(self.store, bundle)
        return Prepared(item, report, data=data, bundle=bundle)

    def commit(self, prepared: Prepared, run_id: int) -> FileReport:
        """The writes for a prepared item, each file in its own transaction."""
        item, report = prepared.item, prepared.report
        if prepared.final:
            return report
        assert prepared.data is not None
        if prepared.reject:
            report.rejected = 1
            self._record_rejected_bundle(item, prepared.data, report, run_id)
            return report
        if prepared.bundle is not None:
            return self._write_bundle(prepared.bundle, item.path, prepared.data, report, run_id, stored=True)
        return self._import_rows(item, prepared.data, report, run_id)

    def _already_imported(self, sha256: str, kind: str, report: FileReport) -> bool:
        """The same bytes were imported before and nothing has overwritten them since.

        A bundle is keyed by its content, so the same bytes are always the same bundle. A
        master or signal file upserts: if a later file of its kind changed rows, the old
        file is applied again (a correction back to earlier values must win).
        """
        with self.db.read_session() as s:
            prev = s.execute(
                select(ImportFile.id, ImportFile.rows_imported, ImportFile.rows_unchanged)
                .where(
                    ImportFile.sha256 == sha256,
                    ImportFile.kind == kind,
                    ImportFile.status.in_(("imported", "unchanged")),
                )
                .order_by(ImportFile.id.desc())
                .limit(1)
            ).first()
            if prev is None:
                return False
            if kind != "bundle":
                overwritten = s.execute(
                    select(ImportFile.id)
                    .where(ImportFile.kind == kind, ImportFile.id > prev[0], ImportFile.rows_imported > 0)
                    .limit(1)
                ).first()
                if overwritten is not None:
                    return False
        report.status = "unchanged"
        report.unchanged = (prev[1] or 0) + (prev[2] or 0)
        return True

    def _record_files(self, s: Session, reports: list[FileReport], run_id: int) -> list[int]:
        if not reports:
            return []
        now = dt.datetime.now(dt.UTC)
        rows = [
            {
                "run_id": run_id,
                "path": r.path,
                "kind": r.kind,
                "status": r.status,
                "sha256": r.sha256,
                "rows_imported": r.imported,
                "rows_unchanged": r.unchanged,
                "rows_rejected": r.rejected,
                "errors": [e.as_dict() for e in r.errors[:1000]],
                "finished_at": now,
            }
            for r in reports
        ]
        result = s.execute(
            insert(table(ImportFile)).returning(table(ImportFile).c.id, sort_by_parameter_order=True),
            rows,
        )
        ids: list[int] = list(map(int, result.scalars().all()))
        return ids

    def _record_file(self, s: Session, report: FileReport, run_id: int) -> int:
        return self._record_files(s, [report], run_id)[0]

    def _import_rows(self, item: SourceItem, data: bytes, report: FileReport, run_id: int) -> FileReport:
        try:
            text = decode_text(data)
            if item.kind == "signals" and item.path.lower().endswith(".jsonl"):
                rows: Iterator[Any] = jsonl_rows(text)
            else:
                required = SIGNAL_COLUMNS if item.kind == "signals" else REQUIRED_COLUMNS[item.kind]
                rows = read_csv(text, required)
            with self.db.write_session() as s:
                now = audit.database_now(s)
                if item.kind == "signals":
                    import_signals(s, rows, report, now)
                else:
                    MasterImporter(s, now).run(item.kind, rows, report)
                report.settle()
                file_id = self._record_file(s, report, run_id)
                if report.imported and item.kind != "signals":
                    self._master_version += 1
                if report.imported:
                    audit.append(
                        s,
                        self.actor,
                        "IMPORT_FILE",
                        "import_file",
                        str(file_id),
                        {
                            "path": report.path,
                            "kind": item.kind,
                            "sha256": report.sha256,
                            "imported": report.imported,
                            "unchanged": report.unchanged,
                            "rejected": report.rejected,
                        },
                    )
        except FileRejected as exc:
            report.status = "rejected"
            report.imported = report.unchanged = 0
            report.errors = [exc.error]
            report.rejected = 0
        return report

    # -- bundles ------------------------------------------------------------------------

    def _write_bundle(
        self,
        bundle: ParsedBundle,
        path: str,
        data: bytes,
        report: FileReport,
        run_id: int,
        quarantine_id: int | None = None,
        *,
        stored: bool = False,
    ) -> FileReport:
        if not stored:
            store_files(self.store, bundle)
        try:
            # the checks run in the write transaction itself: nothing can change between
            # "not there yet" and the insert, and it saves a round of reads per bundle
            with self.db.write_session() as s:
                # another desktop importing the same revision at this moment: the second
                # waits here until the first commits, then finds it (``unchanged``)
                lock_named(s, f"bundle:{bundle.bundle_id}:{bundle.revision}")
                existing = find_revision(s, bundle.bundle_id, bundle.revision)
                missing = missing_references(s, bundle) if existing is None else []
                if existing is None and not missing:
                    self._insert_bundle(s, bundle, path, report, run_id, quarantine_id)
                    return report
        except BundleInvalid as exc:
            report.status, report.imported, report.rejected, report.errors = "rejected", 0, 1, exc.errors
            self._record_rejected_bundle(SourceItem(path, "bundle"), data, report, run_id, bundle)
            return report
        if existing is not None:
            if existing.content_sha256 == bundle.content_sha256:
                report.status, report.unchanged = "unchanged", 1
                return report
            report.status, report.rejected = "rejected", 1
            report.errors = [
                RowError(
                    None,
                    "bundle_id",
                    "CONFLICT",
                    f"bundle {bundle.bundle_id} revision {bundle.revision} was already "
                    "imported with different content",
                )
            ]
            self._record_rejected_bundle(SourceItem(path, "bundle"), data, report, run_id, bundle)
            return report
        report.status, report.errors = "quarantined", missing
        self._quarantine(path, data, bundle, report, run_id)
        return report

    def _insert_bundle(
        self,
        s: Session,
        bundle: ParsedBundle,
        path: str,
        report: FileReport,
        run_id: int,
        quarantine_id: int | None,
    ) -> None:
        now = audit.database_now(s)
        report.status, report.imported = "imported", 1
        file_id = self._record_file(s, report, run_id)
        inspection_id = insert_bundle(s, bundle, now, file_id)
        records = []
        if quarantine_id is not None:
            s.execute(
                update(QuarantineEntry)
                .where(QuarantineEntry.id == quarantine_id)
                .values(state="RELEASED", inspection_id=inspection_id, last_tried_at=now)
            )
            records.append(
                AuditRecord(
                    self.actor,
                    "RELEASE_QUARANTINE",
                    "quarantine",
                    str(quarantine_id),
                    {"bundle_id": bundle.bundle_id, "revision": bundle.revision},
                )
            )
        records.append(import_event(self.actor, bundle, path, inspection_id))
        records.extend(
            close_answered(s, [(bundle.task_no, bundle.customer_no, inspection_id)], now, self.actor)
        )
        audit.append_many(s, records, at=now)
        # the authenticity flags of this inspection and of those it is evidence for are
        # computed with the next batch (``flush_flags``); the queue entry commits with it
        s.execute(insert(PendingFlags).values(inspection_id=inspection_id))
        self._queued += 1

    def import_parsed_batch(
        self, batch: list[tuple[str, ParsedBundle]], run_id: int, *, flags: bool = True
    ) -> list[FileReport]:
        """Write many validated bundles in one transaction: the bulk-loading path (the
        bank-scale demo). Each bundle is still all or nothing (the batch commits or rolls
        back whole), its photos are durable before the commit, and it has its audit event.
        Bundles that need individual handling (already known, conflicting, waiting for
        master data) go through the ordinary path afterwards.

        ``flags=False`` leaves the authenticity flags of the batch to the caller, who must
        run ``data.authenticity.recompute_all`` when the load is done (cheaper for a load
        of many batches than keeping every batch's neighbours current)."""
        items = [(sha, data, ".jpg") for _path, b in batch for sha, data in b.photo_bytes.items()]
        for _path, b in batch:
            for doc in b.documents:
                ext = ".pdf" if doc["media_type"] == "application/pdf" else ".jpg"
                items.append((doc["sha256"], b.document_bytes[doc["sha256"]], ext))
        self.store.put_bulk(items)
        reports: list[FileReport] = []
        later: list[tuple[str, ParsedBundle]] = []
        with self.db.write_session() as s:
            now = audit.database_now(s)
            known_ids = existing_keys(s, Inspection.bundle_id, (b.bundle_id for _p, b in batch))
            customers = existing_keys(s, Customer.customer_no, (b.customer_no for _p, b in batch))
            staff = existing_keys(
                s, Staff.employee_no, (n for _p, b in batch for n in (b.inspector_no, b.companion_no) if n)
            )
            per_id: dict[str, int] = {}
            for _p, b in batch:
                per_id[b.bundle_id] = per_id.get(b.bundle_id, 0) + 1
            fresh: list[tuple[str, ParsedBundle]] = []
            for path, bundle in batch:
                refs_ok = bundle.customer_no in customers and all(
                    n in staff for n in (bundle.inspector_no, bundle.companion_no) if n
                )
                if not refs_ok or bundle.bundle_id in known_ids or per_id[bundle.bundle_id] > 1:
                    later.append((path, bundle))  # quarantine, conflicts, revisions: one by one
                else:
                    fresh.append((path, bundle))
            file_reports = [
                FileReport(
                    path, "bundle", "imported", imported=1, warnings=list(b.warnings), sha256=b.content_sha256
                )
                for path, b in fresh
            ]
            file_ids = self._record_files(s, file_reports, run_id)
            ids = insert_new_bundles(s, [b for _p, b in fresh], now, file_ids)
            closed = close_answered(
                s,
                [(b.task_no, b.customer_no, i) for (_p, b), i in zip(fresh, ids, strict=True)],
                now,
                self.actor,
            )
            audit.append_many(
                s,
                [
                    *(
                        import_event(self.actor, b, path, inspection_id)
                        for (path, b), inspection_id in zip(fresh, ids, strict=True)
                    ),
                    *closed,
                ],
                at=now,
            )
            if flags:
                update_flags(s, ids, photo_index=self.photo_hashes)
            reports.extend(file_reports)
        for path, bundle in later:
            data = zip_files(files_of(bundle))
            reports.append(
                self._write_bundle(bundle, path, data, FileReport(path, "bundle"), run_id, stored=True)
            )
        return reports

    def _keep_copy(self, data: bytes) -> tuple[str, str]:
        sha = hashlib.sha256(data).hexdigest()
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        target = self.quarantine_dir / f"{sha}.zip"
        if not target.exists():
            tmp = target.with_suffix(".part")
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        return sha, str(target)

    def _record_rejected_bundle(
        self,
        item: SourceItem,
        data: bytes,
        report: FileReport,
        run_id: int,
        bundle: ParsedBundle | None = None,
    ) -> None:
        """An invalid bundle imports nothing but is kept, with its reasons, for the record."""
        report.rejected = 1
        sha, copy = self._keep_copy(data)
        with self.db.write_session() as s:
            now = audit.database_now(s)
            file_id = self._record_file(s, report, run_id)
            entry, created = self._find_or_add_entry(s, sha, copy, item.path, bundle, "REJECTED", report, now)
            if created:
                audit.append(
                    s,
                    self.actor,
                    "REJECT_BUNDLE",
                    "import_file",
                    str(file_id),
                    {"path": item.path, "sha256": sha, "reasons": [e.code for e in report.errors]},
                )
            else:
                entry.last_tried_at, entry.attempts = now, entry.attempts + 1
                if entry.state == "WAITING":  # it waited for master data, and is invalid now
                    entry.state = "REJECTED"
                    entry.reasons = [e.as_dict() for e in report.errors]
                    audit.append(
                        s,
                        self.actor,
                        "REJECT_BUNDLE",
                        "quarantine",
                        str(entry.id),
                        {"path": item.path, "sha256": sha, "reasons": [e.code for e in report.errors]},
                    )

    @staticmethod
    def _find_or_add_entry(
        s: Session,
        sha: str,
        copy: str,
        path: str,
        bundle: ParsedBundle | None,
        state: str,
        report: FileReport,
        now: dt.datetime,
    ) -> tuple[QuarantineEntry, bool]:
        """The quarantine entry for this content (one per SHA-256), added if new."""
        entry = s.execute(
            select(QuarantineEntry).where(QuarantineEntry.content_sha256 == sha)
        ).scalar_one_or_none()
        if entry is not None:
            return entry, False
        entry = QuarantineEntry(
            bundle_id=bundle.bundle_id if bundle else None,
            revision=bundle.revision if bundle else None,
            content_sha256=sha,
            source_path=path,
            stored_copy=copy,
            state=state,
            reasons=[e.as_dict() for e in report.errors],
            first_seen_at=now,
            last_tried_at=now,
        )
        s.add(entry)
        s.flush()
        return entry, True

    def _quarantine(
        self, path: str, data: bytes, bundle: ParsedBundle, report: FileReport, run_id: int
    ) -> None:
        sha, copy = self._keep_copy(data)
        with self.db.write_session() as s:
            now = audit.database_now(s)
            self._record_file(s, report, run_id)
            entry, created = self._find_or_add_entry(s, sha, copy, path, bundle, "WAITING", report, now)
            if created:
                audit.append(
                    s,
                    self.actor,
                    "QUARANTINE_BUNDLE",
                    "quarantine",
                    str(entry.id),
                    {
                        "bundle_id": bundle.bundle_id,
                        "revision": bundle.revision,
                        "path": path,
                        "reasons": [e.code for e in report.errors],
                    },
                )
            else:
                entry.last_tried_at, entry.attempts = now, entry.attempts + 1
                entry.reasons = [e.as_dict() for e in report.errors]
            self._quarantined_at[entry.id] = self._master_version

    def _release_duplicate(self, entry_id: int, bundle: ParsedBundle) -> None:
        with self.db.write_session() as s:
            existing = find_revision(s, bundle.bundle_id, bundle.revision)
            s.execute(
                update(QuarantineEntry)
                .where(QuarantineEntry.id == entry_id)
                .values(
                    state="RELEASED",
                    inspection_id=existing.id if existing else None,
                    last_tried_at=audit.database_now(s),
                )
            )
            audit.append(
                s,
                self.actor,
                "RELEASE_QUARANTINE",
                "quarantine",
                str(entry_id),
                {"bundle_id": bundle.bundle_id, "revision": bundle.revision, "already_imported": True},
            )

    def retry_quarantine(self, report: RunReport) -> None:
        """Retry every bundle waiting for master data; release those that now import."""
        assert report.run_id is not None
        with self.db.read_session() as s:
            waiting = s.execute(
                select(QuarantineEntry.id, QuarantineEntry.stored_copy, QuarantineEntry.source_path)
                .where(QuarantineEntry.state == "WAITING")
                .order_by(QuarantineEntry.id)
            ).all()
        for entry_id, copy, source_path in waiting:
            if self._quarantined_at.get(entry_id) == self._master_version:
                continue  # quarantined in this run and no master data arrived since
            try:
                data = Path(copy).read_bytes()
                bundle = parse_bundle(read_zip(data))
            except (OSError, BundleInvalid):
                continue  # kept waiting; the copy is checked again next time
            retry = FileReport(source_path, "bundle", sha256=hashlib.sha256(data).hexdigest())
            self._write_bundle(bundle, source_path, data, retry, report.run_id, quarantine_id=entry_id)
            if retry.status == "imported":
                report.quarantine_released += 1
            elif retry.status == "unchanged":  # the same revision arrived by another way
                self._release_duplicate(entry_id, bundle)
        with self.db.read_session() as s:
            report.quarantine_waiting = len(
                s.execute(select(QuarantineEntry.id).where(QuarantineEntry.state == "WAITING")).all()
            )
