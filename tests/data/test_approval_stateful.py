"""A Hypothesis state machine drives random users (head office, the auditor, both branch
approvers, the client managers) through random decisions on random current inspections,
with stale versions, missing comments and unknown reason codes among them, and checks
after every step: four-eyes and roles hold for every decision, one decision per revision
and version, every decision follows the transition table, each revision's state and
version agree with its decisions, every decision is audited, and the audit chain verifies.

The examples database is built once per module and backend and copied for every example."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select, update

from data.approvals import DecisionConflict, NotCurrent, decide, load_settings, save_settings
from data.audit import verify
from data.auth import branch_scope
from data.models import AuditEvent, Customer, Inspection, InspectionDecision, Staff
from data.rules import approval as r
from data.rules.approval import DecisionRefused
from tests._templates import Template, clone, discard, new_template
from tests.data._approval_bank import USERS, load_bank


@pytest.fixture(scope="module")
def template(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Template:
    root = tmp_path_factory.mktemp(f"approval-template-{backend}")
    db, template = new_template(backend, root, "approvals")
    try:
        bank = load_bank(db, root)
        # approvers who took part: 石家庄's approver went along on ex1002, head office's
        # risk manager on t1004 (so four-eyes, not only roles, refuses some decisions)
        with db.write_session() as s:
            s.execute(
                update(Inspection).where(Inspection.id == bank.ids["ex1002"]).values(companion_no="A0311")
            )
            s.execute(
                update(Inspection).where(Inspection.id == bank.ids["t1004"]).values(companion_no="H0001")
            )
    finally:
        db.dispose()
    return template


class ApprovalMachine(RuleBasedStateMachine):
    template: Template
    workdir: Path
    totals: Counter[str]
    _counter = itertools.count()

    def __init__(self) -> None:
        super().__init__()
        folder = self.workdir / f"ex{next(self._counter)}"
        self.db = clone(self.template, folder)
        with self.db.read_session() as s:
            from data.auth import user_session

            self.users = {no: user_session(s, s.get(Staff, no)) for no in USERS}
            self.scopes = {
                no: (branch_scope(s, st_.branch_code) if st_.role == "BRANCH_APPROVER" else None)
                for no, st_ in ((no, s.get(Staff, no)) for no in USERS)
            }
        self.taken = 0
        self.refusals: Counter[str] = Counter()

    def teardown(self) -> None:
        discard(self.db)

    def _current_ids(self) -> list[int]:
        with self.db.read_session() as s:
            return list(
                s.execute(
                    select(Inspection.id).where(Inspection.is_current.is_(True)).order_by(Inspection.id)
                )
                .scalars()
                .all()
            )

    def _pick(self, pick: int) -> tuple[int, str, str]:
        """An inspection (mostly a pending one): its id, state and customer branch."""
        with self.db.read_session() as s:
            rows = s.execute(
                select(Inspection.id, Inspection.state, Customer.branch_code)
                .join(Customer, Customer.customer_no == Inspection.customer_no)
                .where(Inspection.is_current.is_(True))
                .order_by(Inspection.id)
            ).all()
        pending = [row for row in rows if row[1] in r.PENDING]
        pool = pending if pending and pick % 4 else rows
        row = pool[pick % len(pool)]
        return row[0], row[1], row[2]

    @rule(
        pick=st.integers(0, 1000),
        fit=st.integers(0, 9),
        who=st.sampled_from(USERS),
        action=st.sampled_from((*r.ACTIONS, "ARCHIVE")),
        comment=st.sampled_from(["", "  ", "请补充照片", "同意", "同意"]),
        reason=st.sampled_from(["", "PHOTOS", "OTHER", "OTHER", "NO_SUCH"]),
        stale=st.sampled_from([False, False, False, True]),
    )
    def decide_something(self, pick, fit, who, action, comment, reason, stale):
        """Mostly (``fit`` < 7) an action the state allows by the user who may take it;
        otherwise anyone doing anything."""
        inspection_id, state, branch = self._pick(pick)
        if fit < 7:
            possible = [a for (st_, a) in r.TRANSITIONS if st_ == state]
            if possible:
                action = possible[pick % len(possible)]
            if action in r.HEAD_ACTIONS:
                who = "H0001"
            elif action in r.BRANCH_ACTIONS:
                who = next(no for no in ("A0311", "A0315") if branch in self.scopes[no])
            if fit < 5:
                comment = comment.strip() or "同意"
                reason = reason if reason in ("PHOTOS", "OTHER") else "OTHER"
        with self.db.read_session() as s:
            before = s.execute(
                select(Inspection.state, Inspection.state_version).where(Inspection.id == inspection_id)
            ).one()
        version = before[1] - 1 if stale and before[1] > 0 else before[1]
        try:
            with self.db.write_session() as s:
                result = decide(
                    s,
                    self.users[who],
                    inspection_id,
                    action,
                    expected_version=version,
                    comment=comment,
                    reason_code=reason,
                )
        except (DecisionRefused, DecisionConflict, NotCurrent) as exc:
            code = getattr(exc, "code", type(exc).__name__)
            self.refusals[code] += 1
            event(f"refused {code}")
            self.totals[f"refused {code}"] += 1
            with self.db.read_session() as s:
                after = s.execute(
                    select(Inspection.state, Inspection.state_version).where(Inspection.id == inspection_id)
                ).one()
            assert tuple(after) == tuple(before)
            stale_refused = version != before[1]
            assert not stale_refused or isinstance(exc, DecisionConflict)  # noqa: PT017
            return
        self.taken += 1
        event(f"{action} {before[0]} -> {result.to_state}")
        self.totals[f"{before[0]} {action} {result.to_state}"] += 1
        assert version == before[1], "a stale version was accepted"
        assert result.from_state == before[0]
        assert result.version == before[1] + 1
        # the rules agree it was allowed
        assert self.users[who].role == r.LEVEL_ROLE[r.level_of(action)]

    @rule(rate=st.sampled_from([0.0, 0.5, 1.0]))
    def change_sample_rate(self, rate):
        with self.db.write_session() as s:
            save_settings(s, dataclasses.replace(load_settings(s), sample_rate=rate), "H0001")

    @invariant()
    def decisions_are_sound(self):
        with self.db.read_session() as s:
            rows = s.execute(
                select(
                    InspectionDecision,
                    Inspection.inspector_no,
                    Inspection.companion_no,
                    Customer.manager_no,
                    Customer.branch_code,
                    Staff.role,
                )
                .join(Inspection, Inspection.id == InspectionDecision.inspection_id)
                .join(Customer, Customer.customer_no == Inspection.customer_no)
                .join(Staff, Staff.employee_no == InspectionDecision.actor)
                .order_by(InspectionDecision.inspection_id, InspectionDecision.from_version)
            ).all()
            by_inspection: dict[int, list[InspectionDecision]] = {}
            for d, inspector, companion, manager, branch, role in rows:
                # four-eyes, role per level, scope
                assert d.actor not in (inspector, companion, manager)
                assert role == r.LEVEL_ROLE[d.level]
                assert d.level == r.level_of(d.action)
                scope = self.scopes[d.actor]
                assert scope is None or branch in scope
                # a transition of the table (APPROVE may close instead)
                target = r.TRANSITIONS[(d.from_state, d.action)]
                assert d.to_state == target or (d.action == r.APPROVE and d.to_state == r.CLOSED)
                if d.action in r.COMMENT_REQUIRED:
                    assert d.comment.strip()
                if d.action == r.RETURN:
                    assert d.reason_code
                by_inspection.setdefault(d.inspection_id, []).append(d)
            keys = [(d.inspection_id, d.from_version) for d, *_ in rows]
            assert len(keys) == len(set(keys))
            states = {
                i: (state, version)
                for i, state, version in s.execute(
                    select(Inspection.id, Inspection.state, Inspection.state_version)
                )
            }
            for i, (state, version) in states.items():
                decisions = by_inspection.get(i, [])
                assert version == len(decisions)
                assert [d.from_version for d in decisions] == list(range(len(decisions)))
                expected_from = r.SUBMITTED
                for d in decisions:
                    assert d.from_state == expected_from
                    expected_from = d.to_state
                assert state == expected_from
            audited = s.execute(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("INSPECTION_%"))
            ).scalar_one()
            assert audited == len(rows) == self.taken
            assert verify(s).ok


def test_random_users_and_decisions_keep_the_workflow_sound(template, tmp_path):
    totals: Counter[str] = Counter()
    machine = type(
        "Machine",
        (ApprovalMachine,),
        {"template": template, "workdir": tmp_path, "_counter": itertools.count(), "totals": totals},
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # the machine got somewhere: decisions at both levels, and refusals of several kinds
    taken = {k.split()[1] for k in totals if not k.startswith("refused")}
    assert taken & set(r.BRANCH_ACTIONS), totals
    assert taken & set(r.HEAD_ACTIONS), totals
    refused = {k.split()[1] for k in totals if k.startswith("refused")}
    assert len(refused) >= 3, totals
