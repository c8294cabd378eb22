"""A small bank for the approval workflow's tests: the spec's examples imported and scored,
plus four bundles that answer the health check's tasks (so each closed one), some of them
made plain (no flag) for batch approval. No head-office sample (rate 0) unless a test
sets one.

Inspections by key (customer, branch, manager):

* ``ex1000`` example bundle, C0001000 (031101, E00101), YELLOW, LOW and MEDIUM flags
* ``ex1001`` example bundle, C0001001 (031101, E00102), NORMAL, plain
* ``ex1002`` example bundle, C0001002 (031102, E00103), NORMAL, plain
* ``t1001``  answers C0001001's task, plain
* ``t1003``  answers C0001003's task (031102, E00104), a HIGH flag
* ``t1004``  answers C0001004's task (031501, E00105), plain, 唐山
* ``t1005``  answers C0001005's task (031501, E00106), a HIGH flag, 唐山
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from data.approvals import load_settings, save_settings
from data.auth import UserSession, user_session
from data.db import Database
from data.health import run_health_check
from data.ingest.runner import Importer
from data.models import Inspection, InspectionFlag, PostLoanTask, Staff
from tests.data._bundles import EXAMPLES, build_bundle

AS_OF = dt.date(2026, 11, 28)
EXAMPLE_IDS = {
    "ex1000": "7b7fec4b-0331-4ead-a229-30ae9158d4a8",
    "ex1001": "3f5783ea-707c-4f3d-b2fe-1f3642a55162",
    "ex1002": "7830b083-894e-4f37-baa0-9f65d76de60b",
}
TASK_BUNDLES = {"t1001": "C0001001", "t1003": "C0001003", "t1004": "C0001004", "t1005": "C0001005"}
PLAIN = ("ex1001", "ex1002", "t1001", "t1004")
USERS = ("H0001", "H0002", "A0311", "A0315", "E00101", "E00102", "E00103", "E00104", "E00105", "E00106")


@dataclasses.dataclass
class Bank:
    db: Database
    ids: dict[str, int]
    bundles: dict[str, str]  # key -> bundle id
    tasks: dict[str, str]  # customer -> task number

    def user(self, employee_no: str) -> UserSession:
        with self.db.read_session() as s:
            return user_session(s, s.get(Staff, employee_no))


def load_bank(db: Database, folder: Path) -> Bank:
    report = Importer(db).run([str(EXAMPLES)])
    assert report.exit_code == 0
    run_health_check(db, AS_OF)
    with db.read_session() as s:
        tasks = {t.customer_no: t.task_no for t in s.execute(select(PostLoanTask)).scalars()}
    bundles = dict(EXAMPLE_IDS)
    for i, (key, customer) in enumerate(TASK_BUNDLES.items()):
        built = build_bundle(
            i % 3, seed=100 + i, customer_no=customer, edit=lambda m, t=tasks[customer]: m.update(task_no=t)
        )
        built.write(folder / "task-bundles")
        bundles[key] = built.bundle_id
    report = Importer(db).run([str(folder / "task-bundles")])
    assert report.exit_code == 0
    with db.write_session() as s:
        ids = {
            key: s.execute(
                select(Inspection.id).where(Inspection.bundle_id == bid, Inspection.is_current.is_(True))
            ).scalar_one()
            for key, bid in bundles.items()
        }
        s.execute(delete(InspectionFlag).where(InspectionFlag.inspection_id.in_([ids[k] for k in PLAIN])))
        s.execute(
            delete(InspectionFlag).where(
                InspectionFlag.inspection_id.in_([ids["t1003"], ids["t1005"]]),
                InspectionFlag.severity != "HIGH",
            )
        )
        save_settings(s, dataclasses.replace(load_settings(s), sample_rate=0.0), "H0001")
    return Bank(db, ids, bundles, tasks)


def state_of(db: Database, inspection_id: int) -> tuple[str, int]:
    with db.read_session() as s:
        row: Any = s.execute(
            select(Inspection.state, Inspection.state_version).where(Inspection.id == inspection_id)
        ).one()
        return row[0], row[1]
