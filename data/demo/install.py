"""Building a demo database through the real importer.

The demo is the real path: the generator writes interchange files exactly as the bank's
systems would, and the same importer that reads production sources reads them. Only the
``bank`` scale feeds its 200,000 bundles to the importer in process (still through
``Importer.import_item``, the same validation and writes) instead of zipping them to disk.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import Database
from data.ingest.runner import Importer, RunReport, SourceItem
from data.models import AppSetting, Branch, Staff
from data.queries import counts
from data.security import LOGIN_ROLES, hash_password

DEMO_PASSWORD = "Demo@2026"
DEMO_ACTOR = "demo"
DEMO_SETTING = "demo_scale"

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DemoUser:
    employee_no: str
    name: str
    role: str
    branch: str


@dataclass(frozen=True)
class DemoResult:
    counts: dict[str, int]
    users: list[DemoUser]
    exit_code: int
    report: RunReport


def demo_users_in(session: Session) -> list[DemoUser]:
    """The staff who can log in, in role order, with their branch names."""
    order = {role: i for i, role in enumerate(("HEAD_RISK", "BRANCH_APPROVER", "AUDITOR", "ADMIN"))}
    rows = session.execute(
        select(Staff.employee_no, Staff.name, Staff.role, Branch.name)
        .join(Branch, Branch.code == Staff.branch_code)
        .where(Staff.role.in_(LOGIN_ROLES), Staff.active.is_(True))
    ).all()
    users = [DemoUser(no, name, role, branch) for no, name, role, branch in rows]
    return sorted(users, key=lambda u: (order.get(u.role, 9), u.employee_no))


def demo_users(db: Database) -> list[DemoUser]:
    with db.read_session() as s:
        return demo_users_in(s)


def is_demo(session: Session) -> bool:
    """Was this database built by ``build_demo``? (The login screen then lists the users.)"""
    return session.get(AppSetting, DEMO_SETTING) is not None


def _set_demo_passwords(db: Database, scale: str) -> None:
    # one hash for everyone: argon2 is deliberately slow, and demo users share a password
    hashed = hash_password(DEMO_PASSWORD)
    with db.write_session() as s:
        from data import audit

        staff = s.execute(select(Staff).where(Staff.role.in_(LOGIN_ROLES))).scalars().all()
        for member in staff:
            member.password_hash = hashed
        audit.append(s, DEMO_ACTOR, "SET_DEMO_PASSWORDS", "staff", "*", {"users": len(staff)})
        if s.get(AppSetting, DEMO_SETTING) is None:
            s.add(AppSetting(key=DEMO_SETTING, value=scale))


def build_demo(
    db: Database, *, scale: str = "small", seed: int = 20261128, progress: Progress | None = None
) -> DemoResult:
    """Generate the demo's interchange files, import them, and give the demo users a password."""
    from data.demo.generator import iter_demo_bundles, write_demo_files

    def gen_progress(done: int, total: int) -> None:
        if progress:
            progress(done, total, "generating")

    importer = Importer(db, actor=DEMO_ACTOR, progress=progress)
    workdir = Path(
        tempfile.mkdtemp(prefix="loansight-demo-", dir=db.data_dir if db.data_dir.exists() else None)
    )
    try:
        write_demo_files(workdir, scale=scale, seed=seed, progress=gen_progress)
        report = importer.run([str(workdir)])
        if scale == "bank":
            # the bundles of the bank scale go to the importer in process, not through zips
            bundles = iter_demo_bundles(scale=scale, seed=seed)
            for n, bundle in enumerate(bundles, start=1):
                item = SourceItem(f"bundles/{bundle.name}", "bundle", content=bundle.zip_bytes())
                report.files.append(importer.import_item(item, report.run_id))
                if progress and n % 100 == 0:
                    progress(n, 200_000, "importing bundles")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _set_demo_passwords(db, scale)
    with db.read_session() as s:
        numbers = counts(s)
    return DemoResult(numbers, demo_users(db), report.exit_code, report)
