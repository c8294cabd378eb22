"""The tiny demo through the real importer: every planted problem is flagged, and the
clean inspections stay clean (precision and recall both 1.0), on both backends."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from data.authenticity import flags_for, recompute_all
from data.db import Database
from data.demo.install import build_demo
from data.models import Inspection, PostLoanTask
from tests.data._authenticity_eval import score_demo

SEED = 7


def _all_flags(db: Database) -> dict[int, list[str]]:
    with db.read_session() as s:
        ids = s.execute(select(Inspection.id)).scalars().all()
        found = flags_for(s, ids)
    return {
        i: sorted(json.dumps([r.code, r.related_inspection_id, r.detail], sort_keys=True) for r in rows)
        for i, rows in found.items()
    }


def test_tiny_demo_flags_every_planted_problem_and_nothing_else(db: Database) -> None:
    result = build_demo(db, scale="tiny", seed=SEED)
    assert result.exit_code == 0
    today = dt.date.today()  # build_demo's own
    with db.read_session() as s:
        tasks = s.execute(select(func.count()).select_from(PostLoanTask)).scalar_one()
        unplanned = s.execute(
            select(func.count()).select_from(Inspection).where(Inspection.unplanned.is_(True))
        ).scalar_one()
    assert tasks > 0
    score = score_demo(db, "tiny", SEED, today)
    print(
        f"\ntiny demo: precision {score.precision:.3f}, recall {score.recall:.3f}; by code {score.by_code()}"
    )
    assert score.missed == set()
    assert score.false_positives == set()
    assert score.wrong_related == []
    assert (score.precision, score.recall) == (1.0, 1.0)
    # the importer's own unplanned mark agrees with the UNPLANNED flag
    assert unplanned == sum(1 for k in score.expected if k[2] == "UNPLANNED")
    # flags kept current bundle by bundle are the flags computed from scratch
    incremental = _all_flags(db)
    recompute_all(db, chunk=10)
    assert _all_flags(db) == incremental
