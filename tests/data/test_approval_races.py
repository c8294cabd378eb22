"""Two desktops deciding the same inspection at once, on a SQLite file and on PostgreSQL:
two engines on one database, threads released together by a barrier. Exactly one
decision is taken; the other gets DecisionConflict naming the winner."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from data.approvals import DecisionConflict, DecisionResult, decide
from data.audit import verify
from data.db import open_database
from data.models import AuditEvent, InspectionDecision, Staff
from data.rules import approval as r
from tests.data._approval_bank import load_bank, state_of

KW = {"comment": "并发测试", "reason_code": "PHOTOS"}


@pytest.fixture
def desks(db, tmp_path):
    """The bank on the test database (desktop 1) and a second engine on it (desktop 2), with
    a second branch approver for 石家庄 and a second head-office risk manager."""
    bank = load_bank(db, tmp_path)
    now = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    with db.write_session() as s:
        s.add(
            Staff(
                employee_no="A0312", name="王敏", branch_code="0311", role="BRANCH_APPROVER", updated_at=now
            )
        )
        s.add(Staff(employee_no="H0003", name="陈立", branch_code="000", role="HEAD_RISK", updated_at=now))
    other = open_database(db.url, data_dir=tmp_path / "desk2", migrate_schema=False)
    try:
        yield bank, (db, other)
    finally:
        other.dispose()


def _race(bank, databases, inspection_id, moves, *, hold: float = 0.0):
    """Both desktops load the revision's version, then decide together. ``hold``: the first
    keeps its transaction open that long after deciding, so the second runs into it."""
    version = state_of(bank.db, inspection_id)[1]
    users = [bank.user(who) for who, _ in moves]
    barrier = threading.Barrier(2)
    second_started = threading.Event()
    out: list[object] = [None, None]
    took: list[float] = [0.0, 0.0]

    def run(k: int) -> None:
        desk = databases[k]
        barrier.wait()
        if hold and k == 1:
            second_started.wait(5)
            time.sleep(hold / 4)  # let the first take its locks
        started = time.perf_counter()
        try:
            with desk.write_session() as s:
                out[k] = decide(s, users[k], inspection_id, moves[k][1], expected_version=version, **KW)
                if hold and k == 0:
                    second_started.set()
                    time.sleep(hold)
        except Exception as exc:
            out[k] = exc
        took[k] = time.perf_counter() - started

    threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
        assert not t.is_alive()
    return version, out, took


def _check_one_winner(bank, inspection_id, version, moves, out):
    results = [o for o in out if isinstance(o, DecisionResult)]
    conflicts = [o for o in out if isinstance(o, DecisionConflict)]
    assert len(results) == 1, out
    assert len(conflicts) == 1, out
    winner_k = out.index(results[0])
    winner, action = moves[winner_k]
    with bank.db.read_session() as s:
        (d,) = (
            s.execute(
                select(InspectionDecision).where(
                    InspectionDecision.inspection_id == inspection_id,
                    InspectionDecision.from_version == version,
                )
            )
            .scalars()
            .all()
        )
        assert (
            s.execute(
                select(func.count())
                .select_from(InspectionDecision)
                .where(InspectionDecision.inspection_id == inspection_id)
            ).scalar_one()
            == version + 1
        )
        assert verify(s).ok
    assert (d.actor, d.action) == (winner, action)
    err = conflicts[0]
    assert (err.inspection_id, err.actor, err.action, err.at, err.state) == (
        inspection_id,
        winner,
        action,
        d.at,
        results[0].to_state,
    )
    assert err.actor_name
    assert state_of(bank.db, inspection_id) == (results[0].to_state, version + 1)
    return winner_k


BRANCH_PAIRS = [
    ((("A0311", r.APPROVE), ("A0312", r.RETURN))),
    ((("A0312", r.ESCALATE), ("A0311", r.REJECT))),
    ((("A0311", r.RETURN), ("A0312", r.APPROVE))),
    ((("A0311", r.APPROVE), ("A0311", r.APPROVE))),  # the same approver on two desktops
]


def test_two_desktops_race_exactly_one_wins(desks):
    bank, databases = desks
    winners = []
    for key, moves in zip(("ex1000", "ex1001", "ex1002", "t1003"), BRANCH_PAIRS, strict=True):
        i = bank.ids[key]
        version, out, _ = _race(bank, databases, i, moves)
        winners.append(_check_one_winner(bank, i, version, moves, out))
    # head office: escalate t1001, then two head-office desks at once
    i = bank.ids["t1001"]
    with bank.db.write_session() as s:
        decide(s, bank.user("A0311"), i, r.ESCALATE)
    moves = (("H0001", r.CONFIRM), ("H0003", r.SEND_BACK))
    version, out, _ = _race(bank, databases, i, moves)
    _check_one_winner(bank, i, version, moves, out)


@pytest.mark.parametrize("round_", range(2))
def test_the_second_runs_into_the_firsts_open_transaction(desks, round_):
    """The first desktop holds its decision uncommitted while the second decides: the
    second waits (PostgreSQL: the row lock at its UPDATE; SQLite: BEGIN IMMEDIATE) and then
    finds the version moved."""
    bank, databases = desks
    key = ("ex1001", "t1001")[round_]
    i = bank.ids[key]
    moves = (("A0311", r.APPROVE), ("A0312", r.REJECT))
    hold = 0.4
    version, out, took = _race(bank, databases, i, moves, hold=hold)
    assert _check_one_winner(bank, i, version, moves, out) == 0
    assert took[1] >= hold / 2, took  # it really waited for the first to commit
    with bank.db.read_session() as s:
        kinds = s.execute(
            select(AuditEvent.action).where(
                AuditEvent.entity_type == "inspection", AuditEvent.entity_id == str(i)
            )
        ).scalars()
        assert [k for k in kinds if k.startswith("INSPECTION_")] == ["INSPECTION_APPROVE"]


def test_the_unique_key_catches_a_decision_behind_the_updates_back(desks):
    """A decision row written for (inspection, version) without moving the version: the
    next decide's UPDATE succeeds but its INSERT hits the unique key, and the whole unit
    rolls back (no state change, no audit event)."""
    bank, (db, other) = desks
    i = bank.ids["ex1002"]
    with db.write_session() as s:
        s.execute(
            insert(InspectionDecision).values(
                inspection_id=i,
                from_version=0,
                level=r.BRANCH,
                action=r.ESCALATE,
                from_state=r.SUBMITTED,
                to_state=r.ESCALATED,
                actor="A0311",
                at=dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
                comment="",
                review_reasons="[]",
            )
        )
    with db.read_session() as s:
        events = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    with pytest.raises(IntegrityError), other.write_session() as s:
        decide(s, bank.user("A0312"), i, r.APPROVE, expected_version=0)
    assert state_of(db, i) == (r.SUBMITTED, 0)
    with db.read_session() as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == events
        assert (
            s.execute(
                select(func.count())
                .select_from(InspectionDecision)
                .where(InspectionDecision.inspection_id == i)
            ).scalar_one()
            == 1
        )
        assert verify(s).ok
