"""The health check in the database, on both backends: scores and their history, issues,
post-loan tasks (created, replaced, closed by a bundle), model versions, signal review,
the read functions and the command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from data import risk_queries
from data.audit import verify
from data.commands import ReviewReasonRequired, review_signal
from data.health import (
    ModelNotDraft,
    apply_model,
    create_model_version,
    preview_model,
    run_health_check,
)
from data.ingest.bundles import parse_bundle
from data.ingest.runner import Importer
from data.models import (
    AuditEvent,
    CustomerIssue,
    HealthScore,
    Inspection,
    InspectionFlag,
    Loan,
    PostLoanTask,
    RiskSignal,
)
from data.rules.health import HealthModel, TaskSchedule, tier_task_due
from tests.data._bundles import build_bundle

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)


@pytest.fixture
def bank(db, examples_dir):
    """The spec's master data and signals (six customers, each with an outstanding loan)."""
    report = Importer(db).run([str(examples_dir / "master"), str(examples_dir / "signals")])
    assert report.exit_code == 0
    return db


def _tasks(db, **where):
    with db.read_session() as s:
        stmt = select(PostLoanTask)
        for key, value in where.items():
            stmt = stmt.where(getattr(PostLoanTask, key) == value)
        return s.execute(stmt.order_by(PostLoanTask.task_no)).scalars().all()


def _audit_count(db, action=None):
    with db.read_session() as s:
        stmt = select(func.count()).select_from(AuditEvent)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return s.execute(stmt).scalar_one()


def _set_loan(db, customer_no, **values):
    with db.write_session() as s:
        s.execute(update(Loan).where(Loan.customer_no == customer_no).values(**values))


def test_health_check_is_idempotent_for_a_date(bank):
    first = run_health_check(bank, AS_OF)
    assert first.customers == 6
    assert first.scores_written == 6
    assert sum(first.tiers.values()) == 6
    assert first.tasks_created == 6  # one tier task each; no disbursement within 15 days
    tasks = _tasks(bank)
    assert {t.status for t in tasks} == {"OPEN"}
    assert all(t.task_no.startswith("PLT20261128") and len(t.task_no) == 17 for t in tasks)
    assert {t.assignee_no for t in tasks} == {"E00101", "E00102", "E00103", "E00104", "E00105", "E00106"}
    routine = next(t for t in tasks if t.tier == "NORMAL")
    assert routine.kind == "ROUTINE"
    assert routine.due_on == AS_OF + dt.timedelta(days=90)
    assert routine.required_photos == ["PREMISES", "STOREFRONT", "MEETING"]
    events = _audit_count(bank)
    with bank.read_session() as s:
        before = s.execute(select(HealthScore.id, HealthScore.computed_at, HealthScore.score)).all()

    second = run_health_check(bank, AS_OF)
    assert not second.changed
    assert second.tiers == first.tiers
    assert _audit_count(bank) == events  # nothing changed, nothing audited
    assert len(_tasks(bank)) == 6
    with bank.read_session() as s:
        assert s.execute(select(HealthScore.id, HealthScore.computed_at, HealthScore.score)).all() == before
        assert verify(s).ok


def test_history_keeps_one_row_per_customer_per_date_and_the_trend(bank):
    run_health_check(bank, AS_OF - dt.timedelta(days=35))
    run_health_check(bank, AS_OF)
    with bank.read_session() as s:
        assert s.execute(select(func.count()).select_from(HealthScore)).scalar_one() == 12
        history = risk_queries.score_history(s, "C0001000")
    assert [p.as_of for p in history] == [AS_OF, AS_OF - dt.timedelta(days=35)]
    assert history[0].breakdown["trend"]["previous_base"] is not None  # a month before was scored
    assert history[1].breakdown["trend"]["previous_base"] is None
    assert history[0].model_version == 1


def test_a_back_dated_check_fills_the_history_and_leaves_the_tasks_alone(bank):
    """Scoring last month after today's check adds to the trend; today's tasks and issues
    stay what today's check made them."""
    run_health_check(bank, AS_OF)
    tasks = [(t.task_no, t.status, t.due_on) for t in _tasks(bank)]
    earlier = run_health_check(bank, AS_OF - dt.timedelta(days=28))
    assert earlier.scores_written == 6
    assert (earlier.tasks_created, earlier.tasks_replaced, earlier.issues_opened) == (0, 0, 0)
    assert [(t.task_no, t.status, t.due_on) for t in _tasks(bank)] == tasks
    with bank.read_session() as s:
        assert len(risk_queries.score_history(s, "C0001000")) == 2


def test_a_tier_rise_replaces_the_open_task(bank):
    run_health_check(bank, AS_OF)
    old = next(t for t in _tasks(bank) if t.tier == "NORMAL")
    customer, loan_no = old.customer_no, "L202600000" + old.customer_no[-1]
    _set_loan(bank, customer, overdue_days=100, classification="SUBSTANDARD")
    later = AS_OF + dt.timedelta(days=1)
    result = run_health_check(bank, later)
    assert result.tasks_replaced == 1
    assert result.tasks_created == 1
    tasks = {t.task_no: t for t in _tasks(bank, customer_no=customer)}
    replaced = tasks[old.task_no]
    assert replaced.status == "REPLACED"
    assert replaced.closed_at is not None
    new = tasks[replaced.replaced_by]
    assert (new.status, new.kind, new.tier) == ("OPEN", "FOCUSED", "ORANGE")
    assert new.due_on == later + dt.timedelta(days=7)
    assert new.loan_no == loan_no
    assert new.reason.startswith("ORANGE ")
    assert f"OVERDUE {loan_no} 100d" in new.reason
    assert new.task_no.startswith("PLT20261129")
    assert "EQUIPMENT" in new.required_photos  # FOCUSED asks for the equipment
    # a fall leaves the more urgent task open; no duplicates on reruns
    _set_loan(bank, customer, overdue_days=0, classification="NORMAL")
    assert run_health_check(bank, later + dt.timedelta(days=1)).tasks_created == 0
    assert len(_tasks(bank, customer_no=customer, status="OPEN")) == 1


def test_classification_issues_are_kept_current(bank):
    _set_loan(bank, "C0001001", overdue_days=95, classification="NORMAL")
    result = run_health_check(bank, AS_OF)
    assert result.issues_opened == 2
    with bank.read_session() as s:
        issues = s.execute(select(CustomerIssue).order_by(CustomerIssue.code)).scalars().all()
    assert [(i.customer_no, i.loan_no, i.code, i.status) for i in issues] == [
        ("C0001001", "L2026000001", "OVERDUE_90_NOT_SUBSTANDARD", "OPEN"),
        ("C0001001", "L2026000001", "OVERDUE_STILL_NORMAL", "OPEN"),
    ]
    assert run_health_check(bank, AS_OF).issues_opened == 0  # still failing: kept, not duplicated
    _set_loan(bank, "C0001001", classification="SUBSTANDARD")
    result = run_health_check(bank, AS_OF + dt.timedelta(days=1))
    assert (result.issues_opened, result.issues_resolved) == (0, 2)
    with bank.read_session() as s:
        assert set(s.execute(select(CustomerIssue.status, CustomerIssue.resolved_on)).all()) == {
            ("RESOLVED", AS_OF + dt.timedelta(days=1))
        }


def test_first_check_after_a_disbursement(bank):
    _set_loan(bank, "C0001003", disbursed_on=AS_OF - dt.timedelta(days=5))
    run_health_check(bank, AS_OF)
    (first,) = _tasks(bank, kind="FIRST")
    assert (first.customer_no, first.loan_no) == ("C0001003", "L2026000003")
    assert first.due_on == AS_OF + dt.timedelta(days=10)
    assert first.required_photos == [
        "PREMISES",
        "STOREFRONT",
        "INVENTORY",
        "DOCUMENT",
        "COLLATERAL",
        "MEETING",
    ]
    run_health_check(bank, AS_OF + dt.timedelta(days=1))
    assert len(_tasks(bank, kind="FIRST")) == 1  # no duplicate


def test_a_bundle_answering_a_task_closes_it(bank, tmp_path):
    run_health_check(bank, AS_OF)
    (task,) = _tasks(bank, customer_no="C0001000")
    (other,) = _tasks(bank, customer_no="C0001001")

    def answers(task_no):
        return lambda m: m.update(task_no=task_no)

    # the ordinary path
    built = build_bundle(2, seed=1, customer_no="C0001000", edit=answers(task.task_no))
    report = Importer(bank).run([str(built.write(tmp_path / "in"))])
    assert report.exit_code == 0, [f.as_dict() for f in report.files]
    # the bulk path
    importer = Importer(bank)
    run_id = importer._start_run(["bulk"])
    bulk = build_bundle(0, seed=2, customer_no="C0001001", edit=answers(other.task_no))
    importer.import_parsed_batch([("bulk.zip", parse_bundle(bulk.files))], run_id)
    # a bundle naming another customer's task closes nothing
    wrong = build_bundle(1, seed=3, customer_no="C0001002", edit=answers("PLT20261128999999"))
    Importer(bank).run([str(wrong.write(tmp_path / "in2"))])

    with bank.read_session() as s:
        for t, bundle in ((task, built), (other, bulk)):
            done = s.get(PostLoanTask, t.task_no)
            assert done.status == "DONE"
            assert done.closed_at is not None
            inspection = s.execute(
                select(Inspection).where(Inspection.bundle_id == bundle.bundle_id)
            ).scalar_one()
            assert done.closed_by_inspection_id == inspection.id
            assert inspection.unplanned is False
            codes = (
                s.execute(select(InspectionFlag.code).where(InspectionFlag.inspection_id == inspection.id))
                .scalars()
                .all()
            )
            assert "UNPLANNED" not in codes
        assert (
            s.execute(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "CLOSE_TASK")
            ).scalar_one()
            == 2
        )
        assert s.execute(
            select(Inspection.unplanned).where(Inspection.customer_no == "C0001002")
        ).scalar_one()
        assert verify(s).ok
    # the answered customer gets the next check of its tier, counted from the visit
    later = AS_OF + dt.timedelta(days=1)
    run_health_check(bank, later)
    (nxt,) = _tasks(bank, customer_no="C0001000", status="OPEN")
    assert nxt.due_on == tier_task_due(later, TaskSchedule().for_tier(nxt.tier), dt.date(2026, 11, 2))


def test_model_versions_preview_and_apply(bank):
    run_health_check(bank, AS_OF)
    everyone_blue = HealthModel(
        tier_thresholds={"BLUE": 0.0, "YELLOW": 1000.0, "ORANGE": 2000.0, "RED": 3000.0}
    )
    with bank.write_session() as s:
        version = create_model_version(s, everyone_blue, actor="H0001", note="test")
    assert version == 2
    with bank.read_session() as s:
        preview = preview_model(s, version, AS_OF)
        tiers = {r.customer_no: r.tier for r in s.execute(select(HealthScore.customer_no, HealthScore.tier))}
    assert set(preview) == {"031101", "031102", "031501"}
    moved: Counter[tuple[str, str]] = Counter()
    for branch in preview.values():
        for frm, tos in branch.items():
            for to, n in tos.items():
                moved[(frm, to)] += n
    assert sum(moved.values()) == 6
    assert all(to == "BLUE" for _f, to in moved)
    assert moved.get(("NORMAL", "BLUE"), 0) == sum(1 for t in tiers.values() if t == "NORMAL")
    with bank.read_session() as s:  # a preview writes nothing
        assert (
            s.execute(
                select(func.count()).select_from(HealthScore).where(HealthScore.model_version == 2)
            ).scalar_one()
            == 0
        )

    with bank.write_session() as s:
        result = apply_model(s, version, actor="H0001", as_of=AS_OF)
    assert result.model_version == 2
    assert result.tiers["BLUE"] == 6
    with bank.read_session() as s:
        rows = s.execute(select(HealthScore.model_version, HealthScore.tier)).all()
        assert set(rows) == {(2, "BLUE")}
        assert len(rows) == 6
    assert _audit_count(bank, "APPLY_HEALTH_MODEL") == 1
    with pytest.raises(ModelNotDraft), bank.write_session() as s:
        apply_model(s, version, actor="H0001", as_of=AS_OF)


def test_signal_review_is_audited_and_counts(bank):
    run_health_check(bank, AS_OF)
    with bank.read_session() as s:
        signal = s.execute(
            select(RiskSignal).where(RiskSignal.customer_no.is_not(None)).limit(1)
        ).scalar_one()
        assert signal.status == "NEW"
        before = s.execute(
            select(HealthScore.breakdown).where(HealthScore.customer_no == signal.customer_no)
        ).scalar_one()["signals"]
    with pytest.raises(ReviewReasonRequired), bank.write_session() as s:
        review_signal(s, signal.id, "DISMISSED", "  ", actor="H0001")
    with bank.write_session() as s:
        review_signal(s, signal.id, "CONFIRMED", "seen the court record", actor="H0001")
    with bank.read_session() as s:
        row = s.get(RiskSignal, signal.id)
        assert (row.status, row.reviewed_by, row.review_reason) == (
            "CONFIRMED",
            "H0001",
            "seen the court record",
        )
        assert row.reviewed_at is not None
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "REVIEW_SIGNAL")).scalar_one()
        assert (event.actor, event.entity_id) == ("H0001", str(signal.id))
        assert json.loads(event.details)["old"] == "NEW"
    run_health_check(bank, AS_OF)
    with bank.write_session() as s:
        review_signal(s, signal.id, "DISMISSED", "another company of the same name", actor="H0001")
    run_health_check(bank, AS_OF)
    with bank.read_session() as s:
        after = s.execute(
            select(HealthScore.breakdown).where(HealthScore.customer_no == signal.customer_no)
        ).scalar_one()["signals"]
    assert signal.id not in [i["id"] for i in after["items"]]
    assert after["points"] <= before["points"]


def test_read_functions(bank):
    run_health_check(bank, AS_OF - dt.timedelta(days=31))
    _set_loan(bank, "C0001004", overdue_days=200, classification="DOUBTFUL")
    run_health_check(bank, AS_OF)
    with bank.read_session() as s:
        whole = risk_queries.tier_summary(s, None)
        branch = risk_queries.tier_summary(s, frozenset({"031501"}))
        trend = risk_queries.tier_trend(s, None)
        moves = risk_queries.tier_migration(s, None, AS_OF - dt.timedelta(days=31), AS_OF)
        tasks = risk_queries.task_counts(s, None, AS_OF + dt.timedelta(days=5))
        none = risk_queries.score_history(s, "C0001000", frozenset({"031501"}))
    assert whole.as_of == AS_OF
    assert [t.tier for t in whole.tiers] == [
        "NORMAL",
        "BLUE",
        "YELLOW",
        "ORANGE",
        "RED",
    ]
    assert sum(t.customers for t in whole.tiers) == 6
    red = next(t for t in whole.tiers if t.tier == "RED")
    assert red.customers >= 1
    assert str(red.balance) == "190882.97"
    assert sum(t.customers for t in branch.tiers) == 2
    assert [m.month for m in trend] == ["2026-10", "2026-11"]
    assert sum(n for _t, n in trend[-1].counts) == 6
    assert sum(m.customers for m in moves) == 6
    assert any(m.to_tier == "RED" for m in moves)
    assert tasks.open == 6
    assert tasks.replaced >= 1
    assert tasks.overdue >= 1
    assert none == ()


def test_cli_health_check_and_task_export(db_url, tmp_path, examples_dir):
    url = db_url
    main = [sys.executable, str(REPO / "main.py")]
    subprocess.run(
        [*main, "import", str(examples_dir / "master"), "--db", url, "--json"],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    out = subprocess.run(
        [*main, "health-check", "--as-of", "2026-11-28", "--db", url, "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) == {
        "as_of",
        "model_version",
        "customers",
        "tiers",
        "scores_written",
        "tasks_created",
        "tasks_replaced",
        "issues_opened",
        "issues_resolved",
        "seconds",
    }
    assert result["as_of"] == "2026-11-28"
    assert result["customers"] == 6
    bad = subprocess.run(
        [*main, "health-check", "--as-of", "28/11/2026", "--db", url],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert bad.returncode == 2
    target = tmp_path / "tasks-20261128.jsonl"
    out = subprocess.run(
        [*main, "tasks", "export", "--out", str(target), "--db", url],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert len(lines) == 6
    assert set(lines[0]) == {
        "task_no",
        "customer_no",
        "loan_no",
        "kind",
        "tier",
        "due_on",
        "assignee",
        "reason",
        "required_photos",
        "created_at",
    }
    assert lines[0]["created_at"].endswith("+08:00")
    dt.date.fromisoformat(lines[0]["due_on"])
