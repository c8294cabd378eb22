"""Report benchmarks (``python main.py bench --bank-db``).

``run_inspection_report_benchmark(db_url)`` times the one-click inspection report
(``make_inspection_report``, not issued: the database is only read) for an inspection with
twelve photos, as the first head-office risk manager: the median of a few runs. It uses the
first current inspection of ``db_url`` that has twelve photos or more; when there is none
(or no ``db_url``), it builds a scratch database from the spec's examples plus one bundle of
twelve phone-sized photos. Target (issue 7): under 2 s.

``run_supervision_report_benchmark(db_url)``: the bank-wide monthly supervision report.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Any

INSPECTION_TARGET_S = 2.0
INSPECTION_PHOTOS = 12
SUPERVISION_TARGET_S = 10.0


def _twelve_photo_database(folder: Any) -> tuple[Any, int]:
    """A scratch database: the spec's examples and one bundle with twelve 2048×1536 photos."""
    from pathlib import Path

    from sqlalchemy import select

    from data.db import open_database
    from data.ingest.runner import Importer
    from data.models import Inspection
    from tests.data._bundles import EXAMPLES, build_bundle

    folder = Path(folder)

    def twelve(manifest: dict[str, Any]) -> None:
        photos = manifest["photos"]
        for i in range(len(photos), INSPECTION_PHOTOS):
            extra = dict(photos[i % len(photos)])
            extra["id"] = f"p{i + 1}"
            extra["file"] = f"photos/p{i + 1}.jpg"
            photos.append(extra)

    built = build_bundle(0, seed=7, photo_size=(2048, 1536), edit=twelve)
    built.write(folder / "bundles")
    db = open_database(f"sqlite:///{folder / 'bench.db'}", data_dir=folder / "data")
    report = Importer(db).run([str(EXAMPLES), str(folder / "bundles")])
    if report.exit_code != 0:
        db.dispose()
        raise RuntimeError(f"the benchmark's bundles did not import: {report}")
    with db.read_session() as s:
        inspection_id = s.execute(
            select(Inspection.id).where(
                Inspection.bundle_id == built.bundle_id, Inspection.is_current.is_(True)
            )
        ).scalar_one()
    return db, int(inspection_id)


def _inspection_with_photos(db: Any) -> int | None:
    from sqlalchemy import func, select

    from data.models import Inspection, Photo

    with db.read_session() as s:
        found = s.execute(
            select(Photo.inspection_id)
            .join(Inspection, Inspection.id == Photo.inspection_id)
            .where(Inspection.is_current.is_(True))
            .group_by(Photo.inspection_id)
            .having(func.count() >= INSPECTION_PHOTOS)
            .order_by(Photo.inspection_id)
            .limit(1)
        ).scalar_one_or_none()
    return None if found is None else int(found)


def run_inspection_report_benchmark(db_url: str | None = None, repeat: int = 3) -> dict[str, Any]:
    """Seconds to build one inspection report with twelve photos (median of ``repeat``)."""
    import statistics
    import tempfile

    from sqlalchemy import func, select

    from data.auth import user_session
    from data.db import open_database
    from data.models import Photo, Staff
    from data.reports.inspection import make_inspection_report

    scratch = tempfile.TemporaryDirectory(prefix="loansight-bench-report-")
    db = open_database(db_url, migrate_schema=False) if db_url else None
    inspection_id = _inspection_with_photos(db) if db is not None else None
    source = "database"
    if inspection_id is None:
        if db is not None:
            db.dispose()
        db, inspection_id = _twelve_photo_database(scratch.name)
        source = "scratch"
    out: dict[str, Any] = {
        "inspection_report.source": source,
        "inspection_report.target_s": INSPECTION_TARGET_S,
    }
    try:
        with db.read_session() as s:
            staff = s.execute(
                select(Staff).where(Staff.role == "HEAD_RISK").order_by(Staff.employee_no).limit(1)
            ).scalar_one()
            user = user_session(s, staff)
            photos = s.execute(
                select(func.count()).select_from(Photo).where(Photo.inspection_id == inspection_id)
            ).scalar_one()
        times = []
        content, pages = b"", 0
        for _ in range(repeat):
            start = time.perf_counter()
            _number, content, pages = make_inspection_report(db, inspection_id, user, issue=False)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        out.update(
            {
                "inspection_report.inspection_id": inspection_id,
                "inspection_report.photos": int(photos),
                "inspection_report.s": round(seconds, 3),
                "inspection_report.first_s": round(times[0], 3),
                "inspection_report.pages": pages,
                "inspection_report.bytes": len(content),
                "inspection_report.ok": seconds < INSPECTION_TARGET_S,
            }
        )
    finally:
        db.dispose()
        scratch.cleanup()
    return out


def run_supervision_report_benchmark(db_url: str) -> dict[str, Any]:
    """The bank-wide monthly supervision report (unit 000, this month) as PDF and as Excel,
    as the first head-office risk manager, not issued (the database is only read)."""
    from sqlalchemy import select

    from data.auth import user_session
    from data.db import open_database
    from data.models import Staff
    from data.reports.common import CST
    from data.reports.supervision import make_supervision_report

    period = f"{dt.datetime.now(CST):%Y-%m}"
    db = open_database(db_url, migrate_schema=False)
    out: dict[str, Any] = {"supervision.period": period, "supervision.target_s": SUPERVISION_TARGET_S}
    try:
        with db.read_session() as s:
            staff = s.execute(
                select(Staff).where(Staff.role == "HEAD_RISK").order_by(Staff.employee_no).limit(1)
            ).scalar_one()
            user = user_session(s, staff)
        ok = True
        for fmt in ("pdf", "xlsx"):
            start = time.perf_counter()
            _number, content, count = make_supervision_report(db, user, "000", period, fmt, issue=False)
            seconds = time.perf_counter() - start
            out[f"supervision.{fmt}_s"] = round(seconds, 3)
            out[f"supervision.{fmt}_bytes"] = len(content)
            out[f"supervision.{fmt}_{'pages' if fmt == 'pdf' else 'sheets'}"] = count
            ok = ok and seconds < SUPERVISION_TARGET_S
        out["supervision.ok"] = ok
    finally:
        db.dispose()
    return out


if __name__ == "__main__":
    results = run_inspection_report_benchmark(sys.argv[1] if len(sys.argv) > 1 else None)
    if len(sys.argv) > 1:
        results.update(run_supervision_report_benchmark(sys.argv[1]))
    print(json.dumps(results, indent=1, default=str))
