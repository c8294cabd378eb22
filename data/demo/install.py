"""Building a demo database through the real importer.

The demo is the real path: the generator writes interchange files exactly as the bank's
systems would, and the same importer that reads production sources reads them. Only the
``bank`` scale feeds its 200,000 bundles to the importer in process (still through
``Importer.import_item``, the same validation and writes) instead of zipping them to disk.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data.db import Database
from data.ingest.bundles import BundleInvalid, parse_bundle
from data.ingest.common import FileReport
from data.ingest.runner import Importer, RunReport
from data.models import AppSetting, Branch, Staff
from data.queries import counts
from data.security import LOGIN_ROLES, hash_password

DEMO_PASSWORD = "Demo@2026"
DEMO_ACTOR = "demo"
DEMO_SETTING = "demo_scale"
BANK_BATCH = 250

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


def _build_and_validate(job: tuple[int, int, int, dt.date]) -> list[tuple[str, Any]]:
    """In a worker process: generate a range of bank-scale bundles and validate each with
    the importer's own ``parse_bundle``."""
    from data.demo.generator import iter_demo_bundle_range

    start, stop, seed, today = job
    out: list[tuple[str, Any]] = []
    for bundle in iter_demo_bundle_range(start, stop, scale="bank", seed=seed, today=today):
        try:
            out.append((f"bundles/{bundle.name}", parse_bundle(bundle.files)))
        except BundleInvalid as exc:
            out.append((f"bundles/{bundle.name}", exc))
    return out


def _import_bank_bundles(
    importer: Importer, report: RunReport, seed: int, today: dt.date, progress: Progress | None
) -> None:
    """The bank scale's 200,000 bundles go to the importer in process: worker processes
    generate and validate ranges of them side by side, this process writes them in
    batches of ``BANK_BATCH`` bundles per transaction, in order; the authenticity flags
    are computed for all of them at the end."""
    import multiprocessing

    from data.demo.generator import visit_count

    assert report.run_id is not None
    visits = visit_count("bank", seed, today)
    jobs = [(a, min(visits, a + BANK_BATCH), seed, today) for a in range(0, visits, BANK_BATCH)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(2) as pool:
        for done, results in enumerate(pool.imap(_build_and_validate, jobs), start=1):
            batch = []
            for path, result in results:
                if isinstance(result, BundleInvalid):  # a generator bug: reported, not hidden
                    report.files.append(
                        FileReport(path, "bundle", "rejected", rejected=1, errors=result.errors)
                    )
                else:
                    batch.append((path, result))
            report.files.extend(importer.import_parsed_batch(batch, report.run_id, flags=False))
            if progress:
                progress(done, len(jobs), "importing bundles")
    # one pass over everything at the end: about 1 ms an inspection, against about 4 ms a
    # bundle for keeping each batch and its neighbours current as it lands
    from data.authenticity import recompute_all

    recompute_all(importer.db, progress=progress)


def install_tasks(db: Database, *, scale: str, seed: int, today: dt.date) -> int:
    """Insert the post-loan tasks the demo's visits answer (``demo_tasks``), as the
    workstation's health check would have issued them, already done; tasks already there
    are left alone. Returns how many were added."""
    from data import audit
    from data.demo.generator import demo_tasks
    from data.ingest.master import existing_keys
    from data.models import PostLoanTask, table

    tasks = demo_tasks(scale, seed, today)
    with db.write_session() as s:
        known = existing_keys(s, PostLoanTask.task_no, (t.task_no for t in tasks))
        rows = [
            {
                "task_no": t.task_no,
                "customer_no": t.customer_no,
                "loan_no": t.loan_no,
                "kind": t.kind,
                "tier": t.tier,
                "due_on": t.due_on,
                "assignee_no": t.assignee_no,
                "reason": t.reason,
                "required_photos": list(t.required_photos),
                "status": "DONE",
                "created_at": t.created_at,
                "closed_at": t.closed_at,
            }
            for t in tasks
            if t.task_no not in known
        ]
        for start in range(0, len(rows), 5000):
            s.execute(insert(table(PostLoanTask)), rows[start : start + 5000])
        if rows:
            audit.append(s, DEMO_ACTOR, "CREATE_DEMO_TASKS", "post_loan_task", "*", {"tasks": len(rows)})
    return len(rows)


def build_demo(
    db: Database, *, scale: str = "small", seed: int = 20261128, progress: Progress | None = None
) -> DemoResult:
    """Generate the demo's interchange files, import them, and give the demo users a password."""
    from data.health import today_cst

    today = today_cst()  # the bank's day (Beijing), whatever the machine's time zone
    from data.demo.generator import write_demo_files

    def gen_progress(done: int, total: int) -> None:
        if progress:
            progress(done, total, "generating")

    importer = Importer(db, actor=DEMO_ACTOR, progress=progress)
    parent = db.data_dir if db.data_dir.exists() else None
    workdir = Path(tempfile.mkdtemp(prefix="loansight-demo-", dir=parent))
    bundles = Path(tempfile.mkdtemp(prefix="loansight-demo-bundles-", dir=parent))
    try:
        write_demo_files(workdir, scale=scale, seed=seed, today=today, progress=gen_progress)
        # master data and signals first, then the tasks the visits answer, then the
        # bundles: an answered task must exist when its bundle arrives, or it is unplanned
        if (workdir / "bundles").is_dir():
            shutil.move(workdir / "bundles", bundles / "bundles")
        report = importer.run([str(workdir)])
        install_tasks(db, scale=scale, seed=seed, today=today)
        if (bundles / "bundles").is_dir():
            more = importer.run([str(bundles)])
            report.files.extend(more.files)
            report.quarantine_released = more.quarantine_released
            report.quarantine_waiting = more.quarantine_waiting
            report.failed = report.failed or more.failed
        if scale == "bank":
            _import_bank_bundles(importer, report, seed, today, progress)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(bundles, ignore_errors=True)
    _set_demo_passwords(db, scale)
    # the health check once, as the bank would run it each morning: tiers, issues and the
    # open tasks the demo's screens show
    from data.health import run_health_check

    run_health_check(db, today, actor=DEMO_ACTOR)
    # what the approvers decided on the older inspections (the recent ones wait in the queues)
    from data.demo.workflow import BANK_PENDING_DAYS, PENDING_DAYS, demo_orders, settle_demo_workflow

    settle_demo_workflow(
        db, today, seed=seed, pending_days=BANK_PENDING_DAYS if scale == "bank" else PENDING_DAYS
    )
    demo_orders(db, today, seed=seed, per_branch=12 if scale == "bank" else 4)
    with db.read_session() as s:
        numbers = counts(s)
    return DemoResult(numbers, demo_users(db), report.exit_code, report)
