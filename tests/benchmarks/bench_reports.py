"""Report benchmarks (``python main.py bench --bank-db``)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Any

SUPERVISION_TARGET_S = 10.0


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
    print(json.dumps(run_supervision_report_benchmark(sys.argv[1]), indent=1, default=str))
