"""The approval workflow on the database, on both backends: decisions end to end with their
audit events, refusals that write nothing, the four-eyes triggers, resubmission, queues
and their scope and overdue filter, batch approval and the settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from data import approvals as ap
from data.approvals import (
    BadSettings,
    DecisionConflict,
    NotCurrent,
    QueueFilter,
    decide,
    decision_history,
    load_settings,
    queue_count,
    queue_page,
    queue_row,
    returned_revision,
    save_settings,
)
from data.audit import verify
from data.ingest.runner import Importer
from data.models import (
    AppSetting,
    AuditEvent,
    Customer,
    HealthScore,
    Inspection,
    InspectionDecision,
    PostLoanTask,
)
from data.rules import approval as r
from data.rules.approval import ApprovalSettings, DecisionRefused, ReasonCode
from tests.data._approval_bank import load_bank, state_of
from tests.data._bundles import build_bundle


@pytest.fixture
def bank(db, tmp_path):
    return load_bank(db, tmp_path)


def _decide(bank, who, key_or_id, action, **kw):
    inspection_id = bank.ids[key_or_id] if isinstance(key_or_id, str) else key_or_id
    with bank.db.write_session() as s:
        return decide(s, bank.user(who), inspection_id, action, **kw)


def _counts(db):
    with db.read_session() as s:
        return (
            s.execute(select(func.count()).select_from(InspectionDecision)).scalar_one(),
            s.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
        )


def _decisions(db, inspection_id):
    with db.read_session() as s:
        return (
            s.execute(
                select(InspectionDecision)
                .where(InspectionDecision.inspection_id == inspection_id)
                .order_by(InspectionDecision.from_version)
            )
            .scalars()
            .all()
        )


def _audit_for(db, inspection_id):
    with db.read_session() as s:
        return (
            s.execute(
                select(AuditEvent)
                .where(
                    AuditEvent.entity_type == "inspection",
                    AuditEvent.entity_id == str(inspection_id),
                    AuditEvent.action.like("INSPECTION_%"),
                )
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )


def _assert_audited(db, inspection_id):
    """Each decision on the revision has its audit event, at the decision's time."""
    decisions = _decisions(db, inspection_id)
    events = _audit_for(db, inspection_id)
    assert [e.action for e in events] == [f"INSPECTION_{d.action}" for d in decisions]
    for d, e in zip(decisions, events, strict=True):
        details = json.loads(e.details)
        assert e.actor == d.actor
        assert e.at == d.at
        assert (details["from"], details["to"], details["version"]) == (
            d.from_state,
            d.to_state,
            d.from_version + 1,
        )
    with db.read_session() as s:
        assert verify(s).ok


def _set_tier(db, customer_no, tier):
    with db.write_session() as s:
        s.execute(update(HealthScore).where(HealthScore.customer_no == customer_no).values(tier=tier))


# -- deciding, end to end ----------------------------------------------------------------------


def test_approving_a_plain_case_closes_it(bank):
    result = _decide(bank, "A0311", "t1001", r.APPROVE, expected_version=0)
    assert (result.from_state, result.to_state, result.version, result.review_reasons) == (
        r.SUBMITTED,
        r.CLOSED,
        1,
        (),
    )
    assert state_of(bank.db, bank.ids["t1001"]) == (r.CLOSED, 1)
    (d,) = _decisions(bank.db, bank.ids["t1001"])
    assert (d.level, d.action, d.actor, d.from_version, d.reason_code, d.comment) == (
        r.BRANCH,
        r.APPROVE,
        "A0311",
        0,
        None,
        "",
    )
    _assert_audited(bank.db, bank.ids["t1001"])
    with bank.db.read_session() as s:
        # the task it closed stays closed; it leaves the queue
        assert s.get(PostLoanTask, bank.tasks["C0001001"]).status == "DONE"
        assert bank.ids["t1001"] not in {q.id for q in queue_page(s, None, QueueFilter())}
        row = queue_row(s, None, bank.ids["t1001"])
        assert row is not None
        assert (row.state, row.version) == (r.CLOSED, 1)
        (h,) = decision_history(s, bank.bundles["t1001"])
        assert (h.actor, h.actor_name, h.action, h.revision) == ("A0311", "赵静明", r.APPROVE, 1)


def test_approvals_that_head_office_must_review(bank):
    _set_tier(bank.db, "C0001000", "RED")
    res = _decide(bank, "A0311", "ex1000", r.APPROVE)
    assert (res.to_state, res.review_reasons) == (r.APPROVED, (r.REVIEW_TIER,))
    res = _decide(bank, "A0311", "t1003", r.APPROVE)
    assert (res.to_state, res.review_reasons) == (r.APPROVED, (r.REVIEW_FLAG,))
    sampled = ApprovalSettings(sample_rate=1.0)
    res = _decide(bank, "A0311", "ex1001", r.APPROVE, settings=sampled)
    assert (res.to_state, res.review_reasons) == (r.APPROVED, (r.REVIEW_SAMPLE,))
    _set_tier(bank.db, "C0001005", "ORANGE")
    res = _decide(bank, "A0315", "t1005", r.APPROVE, settings=sampled)
    assert res.review_reasons == (r.REVIEW_TIER, r.REVIEW_FLAG, r.REVIEW_SAMPLE)
    (d,) = _decisions(bank.db, bank.ids["t1005"])
    assert json.loads(d.review_reasons) == ["TIER", "HIGH_FLAG", "SAMPLE"]

    with bank.db.read_session() as s:
        head = {q.id for q in queue_page(s, None, QueueFilter(stage=r.HEAD))}
        assert head == {bank.ids[k] for k in ("ex1000", "t1003", "ex1001", "t1005")}
        assert queue_count(s, None, QueueFilter(stage=r.HEAD)) == 4
        # a branch approver sees their head-pending ones, but may not decide them
        assert {q.id for q in queue_page(s, frozenset({"0315", "031501"}), QueueFilter(stage=r.HEAD))} == {
            bank.ids["t1005"]
        }
    with pytest.raises(DecisionRefused) as info:
        _decide(bank, "A0311", "ex1000", r.CONFIRM)
    assert info.value.code == "ROLE_MAY_NOT_DECIDE"
    res = _decide(bank, "H0001", "ex1000", r.CONFIRM, expected_version=1)
    assert (res.from_state, res.to_state, res.version) == (r.APPROVED, r.CONFIRMED, 2)
    for key in ("ex1000", "t1003", "ex1001", "t1005"):
        _assert_audited(bank.db, bank.ids[key])


def test_escalate_send_back_and_decide_again(bank):
    i = bank.ids["ex1002"]
    assert _decide(bank, "A0311", i, r.ESCALATE, expected_version=0).to_state == r.ESCALATED
    with pytest.raises(DecisionRefused) as info:
        _decide(bank, "H0001", i, r.SEND_BACK, expected_version=1, comment="  ")
    assert info.value.code == "COMMENT_REQUIRED"
    assert _decide(bank, "H0001", i, r.SEND_BACK, expected_version=1, comment="补充经营流水").to_state == (
        r.REOPENED
    )
    with bank.db.read_session() as s:
        (row,) = [q for q in queue_page(s, None, QueueFilter(stage=r.BRANCH)) if q.id == i]
        assert (row.state, row.version) == (r.REOPENED, 2)
    res = _decide(bank, "A0311", i, r.ESCALATE, expected_version=2)
    assert (res.from_state, res.to_state, res.version) == (r.REOPENED, r.ESCALATED, 3)
    assert _decide(bank, "H0001", i, r.CONFIRM, expected_version=3).to_state == r.CONFIRMED
    decisions = _decisions(bank.db, i)
    assert [(d.from_version, d.level, d.action, d.from_state, d.to_state) for d in decisions] == [
        (0, r.BRANCH, r.ESCALATE, r.SUBMITTED, r.ESCALATED),
        (1, r.HEAD, r.SEND_BACK, r.ESCALATED, r.REOPENED),
        (2, r.BRANCH, r.ESCALATE, r.REOPENED, r.ESCALATED),
        (3, r.HEAD, r.CONFIRM, r.ESCALATED, r.CONFIRMED),
    ]
    assert decisions[1].comment == "补充经营流水"
    _assert_audited(bank.db, i)
    # final: nothing more happens
    with pytest.raises(DecisionRefused) as info:
        _decide(bank, "H0001", i, r.SEND_BACK, comment="x")
    assert info.value.code == "BAD_TRANSITION"


def _task(db, task_no):
    with db.read_session() as s:
        return s.get(PostLoanTask, task_no)


def _task_audit(db, task_no):
    with db.read_session() as s:
        return [
            (e.action, json.loads(e.details))
            for e in s.execute(
                select(AuditEvent)
                .where(AuditEvent.entity_type == "post_loan_task", AuditEvent.entity_id == task_no)
                .order_by(AuditEvent.id)
            ).scalars()
        ]


def test_return_and_reject_reopen_the_task_the_revision_closed(bank, tmp_path):
    task = bank.tasks["C0001001"]
    assert _task(bank.db, task).closed_by_inspection_id == bank.ids["t1001"]
    with pytest.raises(DecisionRefused) as info:
        _decide(bank, "A0311", "t1001", r.RETURN, comment="照片不清", reason_code="")
    assert info.value.code == "REASON_REQUIRED"
    with pytest.raises(DecisionRefused) as info:
        _decide(bank, "A0311", "t1001", r.RETURN, comment="照片不清", reason_code="NO_SUCH")
    assert info.value.code == "UNKNOWN_REASON_CODE"
    assert _task(bank.db, task).status == "DONE"

    res = _decide(bank, "A0311", "t1001", r.RETURN, comment="照片不清", reason_code="PHOTOS")
    assert res.to_state == r.RETURNED
    reopened = _task(bank.db, task)
    assert (reopened.status, reopened.closed_at, reopened.closed_by_inspection_id) == ("OPEN", None, None)
    assert _task_audit(bank.db, task)[-1] == (
        "REOPEN_TASK",
        {"inspection_id": bank.ids["t1001"], "why": r.RETURNED},
    )
    (d,) = _decisions(bank.db, bank.ids["t1001"])
    assert (d.reason_code, d.comment) == ("PHOTOS", "照片不清")
    _assert_audited(bank.db, bank.ids["t1001"])

    res = _decide(bank, "A0315", "t1004", r.REJECT, comment="不是本户的检查")
    assert res.to_state == r.REJECTED
    assert _task(bank.db, bank.tasks["C0001004"]).status == "OPEN"
    # a revision that closed no task reopens none
    _decide(bank, "A0311", "ex1002", r.REJECT, comment="重复提交")
    assert _task(bank.db, bank.tasks["C0001002"]).status == "OPEN"
    assert all(a != "REOPEN_TASK" for a, _ in _task_audit(bank.db, bank.tasks["C0001002"]))

    # the manager resubmits: revision 2 of the same bundle enters the queue again
    returned_id = bank.ids["t1001"]
    built = build_bundle(
        0,
        seed=500,
        bundle_id=bank.bundles["t1001"],
        revision=2,
        customer_no="C0001001",
        edit=lambda m: m.update(task_no=task),
    )
    report = Importer(bank.db).run([str(built.write(tmp_path / "resubmit"))])
    assert report.exit_code == 0
    with bank.db.read_session() as s:
        new = s.execute(
            select(Inspection).where(Inspection.bundle_id == built.bundle_id, Inspection.revision == 2)
        ).scalar_one()
        assert (new.is_current, new.state, new.state_version, new.supersedes_id) == (
            True,
            r.SUBMITTED,
            0,
            returned_id,
        )
        assert s.get(Inspection, returned_id).is_current is False
        assert returned_revision(s, new.id) == returned_id
        assert returned_revision(s, returned_id) is None
        assert returned_revision(s, bank.ids["ex1000"]) is None
        queued = {q.id: q for q in queue_page(s, None, QueueFilter())}
        assert new.id in queued
        assert returned_id not in queued
        assert queued[new.id].supersedes_id == returned_id
        assert queued[new.id].revision == 2
        # the resubmission answered the reopened task
        assert s.get(PostLoanTask, task).closed_by_inspection_id == new.id
    with pytest.raises(NotCurrent):
        _decide(bank, "A0311", returned_id, r.APPROVE)
    res = _decide(bank, "A0311", new.id, r.APPROVE, expected_version=0)
    assert (res.from_state, res.version) == (r.SUBMITTED, 1)
    assert res.to_state == r.approve_target(res.review_reasons)
    with bank.db.read_session() as s:
        history = decision_history(s, built.bundle_id)
    assert [(h.revision, h.action) for h in history] == [(1, r.RETURN), (2, r.APPROVE)]


def test_refused_decisions_write_nothing(bank):
    i = bank.ids["t1001"]
    before = _counts(bank.db)
    task_before = _task(bank.db, bank.tasks["C0001001"]).status
    attempts = [
        ("H0002", r.APPROVE, {}, "ROLE_MAY_NOT_DECIDE"),  # the auditor
        ("H0001", r.APPROVE, {}, "ROLE_MAY_NOT_DECIDE"),  # head office at branch level
        ("A0311", r.CONFIRM, {}, "ROLE_MAY_NOT_DECIDE"),
        ("E00102", r.APPROVE, {}, "ROLE_MAY_NOT_DECIDE"),  # the manager, no approver
        ("A0315", r.APPROVE, {}, "OUT_OF_SCOPE"),
        ("A0311", r.REJECT, {"comment": " "}, "COMMENT_REQUIRED"),
        ("A0311", r.RETURN, {"comment": "x"}, "REASON_REQUIRED"),
        ("A0311", "ARCHIVE", {}, "UNKNOWN_ACTION"),
    ]
    for who, action, kw, code in attempts:
        with pytest.raises(DecisionRefused) as info:
            _decide(bank, who, i, action, **kw)
        assert info.value.code == code, (who, action)
    # a stale version: someone moved it since
    with pytest.raises(DecisionConflict):
        _decide(bank, "A0311", i, r.APPROVE, expected_version=3)
    assert _counts(bank.db) == before
    assert state_of(bank.db, i) == (r.SUBMITTED, 0)
    assert _task(bank.db, bank.tasks["C0001001"]).status == task_before

    # the approver as companion, as the customer's manager: four-eyes in the rules
    with bank.db.write_session() as s:
        s.execute(update(Inspection).where(Inspection.id == i).values(companion_no="A0311"))
    with pytest.raises(DecisionRefused) as info:
        _decide(bank, "A0311", i, r.RETURN, comment="x", reason_code="PHOTOS")
    assert info.value.code == "FOUR_EYES_INSPECTOR"
    with bank.db.write_session() as s:
        s.execute(update(Inspection).where(Inspection.id == i).values(companion_no=None))
        s.execute(update(Customer).where(Customer.customer_no == "C0001001").values(manager_no="A0311"))
    with pytest.raises(DecisionRefused) as info:
        _decide(bank, "A0311", i, r.RETURN, comment="x", reason_code="PHOTOS")
    assert info.value.code == "FOUR_EYES_MANAGER"
    assert _counts(bank.db) == before
    assert _task(bank.db, bank.tasks["C0001001"]).status == "DONE"

    # a failure after the decision was written rolls the whole unit back
    def reject_then_fail():
        with bank.db.write_session() as s:
            decide(s, bank.user("A0315"), bank.ids["t1004"], r.REJECT, comment="x")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        reject_then_fail()
    assert state_of(bank.db, bank.ids["t1004"]) == (r.SUBMITTED, 0)
    assert _task(bank.db, bank.tasks["C0001004"]).status == "DONE"
    assert _counts(bank.db) == before
    with bank.db.read_session() as s:
        assert verify(s).ok


def test_a_stale_version_names_the_winner(bank):
    _decide(bank, "A0315", "t1004", r.ESCALATE, expected_version=0)
    with pytest.raises(DecisionConflict) as info:
        _decide(bank, "A0315", "t1004", r.APPROVE, expected_version=0)
    (d,) = _decisions(bank.db, bank.ids["t1004"])
    err = info.value
    assert (err.inspection_id, err.actor, err.actor_name, err.action, err.state, err.at) == (
        bank.ids["t1004"],
        "A0315",
        "刘勇",
        r.ESCALATE,
        r.ESCALATED,
        d.at,
    )
    assert err.code == "DECISION_CONFLICT"


# -- the database's own guards -----------------------------------------------------------------


def _raw_decision(inspection_id, actor, level, from_version=0, action=None):
    action = action or (r.APPROVE if level == r.BRANCH else r.CONFIRM)
    return insert(InspectionDecision).values(
        inspection_id=inspection_id,
        from_version=from_version,
        level=level,
        action=action,
        from_state=r.SUBMITTED,
        to_state=r.CLOSED,
        actor=actor,
        at=dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
        comment="",
        review_reasons="[]",
    )


def _refused_by_database(db, statement, match):
    with pytest.raises(DBAPIError, match=match), db.write_session() as s:
        s.execute(statement)


def test_the_database_refuses_four_eyes_and_role_breaches(bank):
    i = bank.ids["t1001"]  # C0001001, inspector E00102, managed by E00102
    with bank.db.write_session() as s:
        s.execute(update(Inspection).where(Inspection.id == i).values(companion_no="A0315"))
    for actor, level in [
        ("E00102", r.BRANCH),  # the inspector and manager
        ("E00102", r.HEAD),
        ("A0315", r.BRANCH),  # the companion, though a branch approver
        ("H0002", r.BRANCH),  # the auditor
        ("H0002", r.HEAD),
        ("H0001", r.BRANCH),  # head office at branch level
        ("A0311", r.HEAD),  # a branch approver at head level
        ("E00101", r.BRANCH),  # another client manager
    ]:
        _refused_by_database(bank.db, _raw_decision(i, actor, level), "four-eyes")
    # the customer's manager, though a branch approver
    with bank.db.write_session() as s:
        s.execute(update(Customer).where(Customer.customer_no == "C0001002").values(manager_no="A0311"))
    _refused_by_database(bank.db, _raw_decision(bank.ids["ex1002"], "A0311", r.BRANCH), "four-eyes")
    assert _counts(bank.db)[0] == 0
    # the rightful roles pass the trigger (a control for the refusals above)
    with bank.db.write_session() as s:
        s.execute(_raw_decision(i, "A0311", r.BRANCH))
        s.execute(_raw_decision(i, "H0001", r.HEAD, from_version=1))
    assert _counts(bank.db)[0] == 2
    # decisions are history: no UPDATE, no DELETE, not even of one column
    _refused_by_database(bank.db, update(InspectionDecision).values(comment="edited"), "history")
    _refused_by_database(
        bank.db,
        update(InspectionDecision).where(InspectionDecision.actor == "A0311").values(actor="A0315"),
        "history",
    )
    _refused_by_database(bank.db, text("DELETE FROM inspection_decisions"), "history")
    _refused_by_database(bank.db, text("DELETE FROM inspection_decisions WHERE actor = 'H0001'"), "history")
    with bank.db.read_session() as s:
        comments = s.execute(select(InspectionDecision.comment, InspectionDecision.actor)).all()
    assert sorted(comments) == [("", "A0311"), ("", "H0001")]


def test_one_decision_per_revision_and_version_in_the_database(bank):
    i = bank.ids["t1001"]
    with bank.db.write_session() as s:
        s.execute(_raw_decision(i, "A0311", r.BRANCH))
    with pytest.raises(DBAPIError), bank.db.write_session() as s:
        s.execute(_raw_decision(i, "A0311", r.BRANCH, action=r.ESCALATE))


# -- queues --------------------------------------------------------------------------------------


def test_queue_scope(bank):
    sjz = bank.user("A0311").scope
    ts = bank.user("A0315").scope
    with bank.db.read_session() as s:
        all_ids = {q.id for q in queue_page(s, None, QueueFilter())}
        assert all_ids == set(bank.ids.values())
        sjz_rows = queue_page(s, sjz, QueueFilter())
        ts_rows = queue_page(s, ts, QueueFilter())
        assert {q.id for q in ts_rows} == {bank.ids["t1004"], bank.ids["t1005"]}
        assert {q.branch_code for q in ts_rows} == {"031501"}
        assert {q.id for q in sjz_rows} == all_ids - {q.id for q in ts_rows}
        assert all(q.branch_code in sjz for q in sjz_rows)
        assert queue_count(s, ts, QueueFilter()) == 2
        assert queue_count(s, sjz, QueueFilter()) == 5
        # no branch filter widens a scope
        assert queue_page(s, ts, QueueFilter(branch_code="0311")) == []
        assert queue_count(s, ts, QueueFilter(branch_code="031101")) == 0
        assert queue_row(s, ts, bank.ids["ex1000"]) is None
        assert queue_row(s, sjz, bank.ids["ex1000"]) is not None
        # 0315's text search finds nothing of 0311's
        assert queue_page(s, ts, QueueFilter(text="石家庄")) == []
        assert ap.pending_count(s, ts) == 2
        assert ap.state_counts(s, ts) == {r.SUBMITTED: 2}
        # four-eyes in the queue: a manager's own customers are marked and can be left out
        rows = queue_page(s, None, QueueFilter(), viewer="E00102")
        assert {q.id for q in rows if q.own} == {bank.ids["ex1001"], bank.ids["t1001"]}
        mine_out = queue_page(s, None, QueueFilter(decidable_by="E00102"))
        assert {q.id for q in mine_out} == all_ids - {bank.ids["ex1001"], bank.ids["t1001"]}
        # flags and tiers as the queue shows them
        by_id = {q.id: q for q in queue_page(s, None, QueueFilter())}
        assert {k for k, v in bank.ids.items() if by_id[v].batch_approvable} == {
            "ex1001",
            "ex1002",
            "t1001",
            "t1004",
        }
        assert by_id[bank.ids["t1003"]].high_flags == 1
        high = queue_page(s, None, QueueFilter(flagged="HIGH"))
        assert {q.id for q in high} == {bank.ids["t1003"], bank.ids["t1005"]}


def test_queue_pages_are_keyset_ordered(bank):
    with bank.db.read_session() as s:
        for sort in ap.QUEUE_SORT_KEYS:
            for descending in (False, True):
                rows, after = [], None
                while True:
                    page = queue_page(
                        s, None, QueueFilter(), sort=sort, descending=descending, after=after, limit=2
                    )
                    rows += page
                    if len(page) < 2:
                        break
                    after = (ap.queue_sort_value(page[-1], sort), page[-1].id)
                assert len(rows) == len({q.id for q in rows}) == len(bank.ids), sort
                keys = [(ap.queue_sort_value(q, sort), q.id) for q in rows]
                assert keys == sorted(keys, reverse=descending), sort


def test_overdue_filter_agrees_with_the_rows(bank):
    # some waiting at head office since a decision taken now, some since 2 November
    _set_tier(bank.db, "C0001000", "RED")
    _decide(bank, "A0311", "ex1000", r.APPROVE)
    _decide(bank, "A0315", "t1005", r.ESCALATE)
    with bank.db.write_session() as s:
        # a national holiday and a make-up Sunday in the way
        save_settings(
            s,
            dataclasses.replace(
                load_settings(s),
                holidays=frozenset({dt.date(2026, 11, 3), dt.date(2026, 12, 1)}),
                workdays=frozenset({dt.date(2026, 11, 8)}),
                head_days=3,
            ),
            "H0001",
        )
    with bank.db.read_session() as s:
        state_at = s.execute(
            select(Inspection.state_at).where(Inspection.id == bank.ids["ex1000"])
        ).scalar_one()
        settings = load_settings(s)
        instants = [
            dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 4, 15, 59, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 4, 16, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 5, 15, 59, 59, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 5, 16, 0, tzinfo=dt.UTC),
            state_at,
            state_at + dt.timedelta(days=2),
            state_at + dt.timedelta(days=4),
            state_at + dt.timedelta(days=30),
        ]
        seen_overdue = set()
        for now in instants:
            rows = queue_page(s, None, QueueFilter(), now=now)
            marked = {q.id for q in rows if q.overdue}
            for q in rows:
                assert q.due_at == r.deadline(q.waiting_since, r.stage_days(q.state, settings), settings)
                assert q.overdue == (q.due_at <= now)
            filtered = {q.id for q in queue_page(s, None, QueueFilter(overdue=True), now=now)}
            assert filtered == marked, now
            assert queue_count(s, None, QueueFilter(overdue=True), now=now) == len(marked)
            for stage in (r.BRANCH, r.HEAD):
                staged = {q.id for q in queue_page(s, None, QueueFilter(stage=stage, overdue=True), now=now)}
                states = r.BRANCH_PENDING if stage == r.BRANCH else r.HEAD_PENDING
                assert staged == {q.id for q in rows if q.overdue and q.state in states}
            seen_overdue.add(len(marked))
        assert min(seen_overdue) == 0
        assert max(seen_overdue) == len(bank.ids)
        # 2 November (a Monday) + 2 working days past the 3rd, a holiday: due at the end of the 5th
        (row,) = [q for q in queue_page(s, None, QueueFilter()) if q.id == bank.ids["t1001"]]
        assert row.due_at == dt.datetime(2026, 11, 5, 16, 0, tzinfo=dt.UTC)


# -- batch approval ------------------------------------------------------------------------------


def test_batch_approve_skips_what_is_not_plain_or_conflicting(bank):
    # someone escalates ex1002 between the user loading the queue and the batch
    _decide(bank, "A0311", "ex1002", r.ESCALATE, expected_version=0)
    before_audit = _counts(bank.db)[1]
    items = [
        (bank.ids["ex1001"], 0),
        (bank.ids["ex1002"], 0),  # decided meanwhile
        (bank.ids["t1003"], 0),  # a HIGH flag
        (bank.ids["ex1000"], 0),  # YELLOW, flagged
        (bank.ids["t1004"], 0),  # plain but not 0311's
        (bank.ids["t1001"], 0),
    ]
    with bank.db.write_session() as s:
        out = ap.batch_approve(s, bank.user("A0311"), items)
    assert [a.inspection_id for a in out.approved] == [bank.ids["ex1001"], bank.ids["t1001"]]
    assert all(a.to_state == r.CLOSED for a in out.approved)
    skipped = {i: code for i, code, _ in out.skipped}
    assert skipped == {
        bank.ids["ex1002"]: "DECISION_CONFLICT",
        bank.ids["t1003"]: "NOT_BATCH_APPROVABLE",
        bank.ids["ex1000"]: "NOT_BATCH_APPROVABLE",
        bank.ids["t1004"]: "OUT_OF_SCOPE",
    }
    conflict = next(e for i, _, e in out.skipped if i == bank.ids["ex1002"])
    assert (conflict.actor, conflict.action) == ("A0311", r.ESCALATE)
    assert state_of(bank.db, bank.ids["ex1001"]) == (r.CLOSED, 1)
    assert state_of(bank.db, bank.ids["t1001"]) == (r.CLOSED, 1)
    assert state_of(bank.db, bank.ids["ex1002"]) == (r.ESCALATED, 1)
    for key in ("t1003", "ex1000", "t1004"):
        assert state_of(bank.db, bank.ids[key]) == (r.SUBMITTED, 0)
        assert _decisions(bank.db, bank.ids[key]) == []
    assert _counts(bank.db)[1] == before_audit + 2
    for key in ("ex1001", "t1001", "ex1002"):
        _assert_audited(bank.db, bank.ids[key])
    # a tier that rose since the queue loaded keeps it out too
    _set_tier(bank.db, "C0001004", "ORANGE")
    with bank.db.write_session() as s:
        out = ap.batch_approve(s, bank.user("A0315"), [(bank.ids["t1004"], 0)])
    assert out.approved == ()
    assert [c for _, c, _ in out.skipped] == ["NOT_BATCH_APPROVABLE"]


# -- settings ------------------------------------------------------------------------------------


def test_settings_round_trip_and_are_audited(bank):
    custom = ApprovalSettings(
        branch_days=1,
        head_days=4,
        sample_rate=0.125,
        sample_seed="河北-2026",
        reason_codes=(ReasonCode("A", "甲", "Alpha"), ReasonCode("B", "乙", "Beta")),
        holidays=frozenset({dt.date(2027, 1, 1), dt.date(2026, 10, 1)}),
        workdays=frozenset({dt.date(2026, 10, 10)}),
    )
    with bank.db.write_session() as s:
        old = load_settings(s)
        save_settings(s, custom, "H0001")
    with bank.db.read_session() as s:
        assert load_settings(s) == custom
        assert ap.settings_from_json(ap.settings_to_json(custom)) == custom
        event = (
            s.execute(
                select(AuditEvent)
                .where(AuditEvent.action == "SET_APPROVAL_SETTINGS")
                .order_by(AuditEvent.id.desc())
            )
            .scalars()
            .first()
        )
        details = json.loads(event.details)
        assert event.actor == "H0001"
        assert ap.settings_from_json(json.dumps(details["old"])) == old
        assert ap.settings_from_json(json.dumps(details["new"])) == custom
        assert verify(s).ok
    # the reason codes are the settings' own
    with pytest.raises(DecisionRefused) as info:
        _decide(bank, "A0311", "t1001", r.RETURN, comment="x", reason_code="PHOTOS")
    assert info.value.code == "UNKNOWN_REASON_CODE"
    assert _decide(bank, "A0311", "t1001", r.RETURN, comment="x", reason_code="B").to_state == r.RETURNED

    before = _counts(bank.db)
    for bad in (
        dataclasses.replace(custom, branch_days=-1),
        dataclasses.replace(custom, head_days=-2),
        dataclasses.replace(custom, sample_rate=1.5),
        dataclasses.replace(custom, sample_rate=-0.1),
        dataclasses.replace(custom, reason_codes=()),
        dataclasses.replace(custom, reason_codes=(ReasonCode("A", "甲", "a"), ReasonCode("A", "乙", "b"))),
    ):
        with pytest.raises(BadSettings), bank.db.write_session() as s:
            save_settings(s, bad, "H0001")
    assert _counts(bank.db) == before
    with bank.db.read_session() as s:
        assert load_settings(s) == custom


def test_settings_json_defaults_and_malformed_values():
    assert ap.settings_from_json(None) == ApprovalSettings()
    assert ap.settings_from_json("{}") == ApprovalSettings()
    assert ap.settings_from_json('{"head_days": 5}') == ApprovalSettings(head_days=5)
    for bad in (
        '{"branch_days": "two"}',
        '{"holidays": ["2026-13-01"]}',
        '{"reason_codes": [{"code": "A"}]}',
        '{"sample_rate": null}',
        "[1, 2]",
        "{not json",
    ):
        with pytest.raises(ValueError, match="approval settings"):
            ap.settings_from_json(bad)


def test_stored_settings_apply(bank):
    with bank.db.write_session() as s:
        s.execute(
            update(AppSetting)
            .where(AppSetting.key == ap.SETTINGS_KEY)
            .values(value=ap.settings_to_json(ApprovalSettings(sample_rate=1.0)))
        )
    assert _decide(bank, "A0311", "t1001", r.APPROVE).review_reasons == (r.REVIEW_SAMPLE,)
