"""The approval workflow's pure rules: every cell of the transition table, every guard and
its order, head-office review reasons, the reproducible sample, and the working-day SLA."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.rules import approval as r
from data.rules.approval import (
    ApprovalSettings,
    Case,
    Decider,
    DecisionRefused,
    add_working_days,
    check_decision,
    deadline,
    overdue_before,
)

CST = r.CST
SJZ = frozenset({"0311", "031101", "031102"})
BRANCH_APPROVER = Decider("A0311", "BRANCH_APPROVER", SJZ)
HEAD = Decider("H0001", "HEAD_RISK", None)


def _case(state: str = r.SUBMITTED, branch: str = "031101", companion: str | None = "E00109") -> Case:
    return Case(state, branch, "E00101", companion, "E00102")


def _decider_for(action: str) -> Decider:
    return HEAD if action in r.HEAD_ACTIONS else BRANCH_APPROVER


def _refused(code: str, decider: Decider, case: Case, action: str, **kw: str) -> DecisionRefused:
    with pytest.raises(DecisionRefused) as info:
        check_decision(decider, case, action, **kw)
    assert info.value.code == code, (info.value.code, info.value.params)
    return info.value


# -- the transition table --------------------------------------------------------------------


def test_the_table_covers_states_and_actions_as_documented():
    assert set(r.STATES) == set(r.PENDING) | set(r.FINAL)
    assert not set(r.PENDING) & set(r.FINAL)
    for (state, action), target in r.TRANSITIONS.items():
        assert state in r.PENDING
        assert action in r.ACTIONS
        assert target in r.STATES
        # branch actions from branch-pending states, head actions from head-pending ones
        assert (state in r.BRANCH_PENDING) == (action in r.BRANCH_ACTIONS)
    # every pending state has a way out at its level, final states none
    for state in r.FINAL:
        assert not [k for k in r.TRANSITIONS if k[0] == state]
    assert r.level_of(r.CONFIRM) == r.level_of(r.SEND_BACK) == r.HEAD
    assert {r.level_of(a) for a in r.BRANCH_ACTIONS} == {r.BRANCH}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(r.STATES, r.ACTIONS)))
def test_every_cell_of_the_transition_table(state, action):
    case = _case(state)
    decider = _decider_for(action)
    kw = {"comment": "看过了", "reason_code": "PHOTOS"}
    expected = r.TRANSITIONS.get((state, action))
    if expected is None:
        err = _refused("BAD_TRANSITION", decider, case, action, **kw)
        assert err.params == {"state": state, "action": action}
    else:
        assert check_decision(decider, case, action, **kw) == expected
        assert action in r.allowed_actions(decider, case)


def test_the_documented_table():
    expected = {}
    for state in r.BRANCH_PENDING:
        expected |= {
            (state, r.APPROVE): r.APPROVED,
            (state, r.RETURN): r.RETURNED,
            (state, r.REJECT): r.REJECTED,
            (state, r.ESCALATE): r.ESCALATED,
        }
    for state in r.HEAD_PENDING:
        expected |= {(state, r.CONFIRM): r.CONFIRMED, (state, r.SEND_BACK): r.REOPENED}
    assert expected == r.TRANSITIONS


def test_unknown_action():
    _refused("UNKNOWN_ACTION", BRANCH_APPROVER, _case(), "DELETE")


# -- guards ----------------------------------------------------------------------------------

ALL_KW = {"comment": "x", "reason_code": "PHOTOS"}


@pytest.mark.parametrize("role", ["ADMIN", "AUDITOR", "CLIENT_MANAGER"])
@pytest.mark.parametrize("action", r.ACTIONS)
def test_admin_auditor_and_managers_decide_nothing(role, action):
    decider = Decider("X0001", role, None)
    for state in r.STATES:
        err = _refused("ROLE_MAY_NOT_DECIDE", decider, _case(state), action, **ALL_KW)
        assert err.params == {"role": role, "level": r.level_of(action)}
    assert r.allowed_actions(decider, _case(r.SUBMITTED)) == ()
    assert r.allowed_actions(decider, _case(r.APPROVED)) == ()


@pytest.mark.parametrize("action", r.ACTIONS)
def test_each_level_needs_its_role(action):
    wrong = Decider("H0001", "HEAD_RISK", None) if action in r.BRANCH_ACTIONS else BRANCH_APPROVER
    state = r.SUBMITTED if action in r.BRANCH_ACTIONS else r.APPROVED
    _refused("ROLE_MAY_NOT_DECIDE", wrong, _case(state), action, **ALL_KW)


def test_allowed_actions_per_role_and_state():
    assert r.allowed_actions(BRANCH_APPROVER, _case(r.SUBMITTED)) == r.BRANCH_ACTIONS
    assert r.allowed_actions(BRANCH_APPROVER, _case(r.REOPENED)) == r.BRANCH_ACTIONS
    assert r.allowed_actions(BRANCH_APPROVER, _case(r.APPROVED)) == ()
    assert r.allowed_actions(HEAD, _case(r.ESCALATED)) == r.HEAD_ACTIONS
    assert r.allowed_actions(HEAD, _case(r.SUBMITTED)) == ()
    for state in r.FINAL:
        assert r.allowed_actions(BRANCH_APPROVER, _case(state)) == ()
        assert r.allowed_actions(HEAD, _case(state)) == ()


@pytest.mark.parametrize("action", r.ACTIONS)
@pytest.mark.parametrize("who", ["inspector", "companion", "manager"])
def test_four_eyes(action, who):
    role = "HEAD_RISK" if action in r.HEAD_ACTIONS else "BRANCH_APPROVER"
    state = r.APPROVED if action in r.HEAD_ACTIONS else r.SUBMITTED
    no = {"inspector": "A0312", "companion": "A0313", "manager": "A0314"}[who]
    case = Case(
        state,
        "031101",
        "A0312" if who == "inspector" else "E00101",
        "A0313" if who == "companion" else None,
        "A0314" if who == "manager" else "E00102",
    )
    decider = Decider(no, role, None if role == "HEAD_RISK" else SJZ)
    code = "FOUR_EYES_MANAGER" if who == "manager" else "FOUR_EYES_INSPECTOR"
    err = _refused(code, decider, case, action, **ALL_KW)
    assert err.params == {"employee_no": no}


def test_no_companion_is_nobody():
    # a case without a companion does not refuse a decider for having no number
    assert check_decision(BRANCH_APPROVER, _case(companion=None), r.APPROVE) == r.APPROVED


@pytest.mark.parametrize("action", r.BRANCH_ACTIONS)
def test_branch_approver_only_in_scope(action):
    err = _refused("OUT_OF_SCOPE", BRANCH_APPROVER, _case(branch="031501"), action, **ALL_KW)
    assert err.params == {"branch_code": "031501"}
    tangshan = Decider("A0315", "BRANCH_APPROVER", frozenset({"0315", "031501"}))
    _refused("OUT_OF_SCOPE", tangshan, _case(branch="031101"), action, **ALL_KW)
    assert (
        check_decision(tangshan, _case(branch="031501"), action, **ALL_KW)
        == r.TRANSITIONS[(r.SUBMITTED, action)]
    )


def test_head_office_decides_bank_wide():
    for branch in ("031101", "031501", "0311"):
        assert check_decision(HEAD, _case(r.ESCALATED, branch=branch), r.CONFIRM) == r.CONFIRMED


@pytest.mark.parametrize("action", r.COMMENT_REQUIRED)
@pytest.mark.parametrize("comment", ["", "   ", "\n\t"])
def test_comment_required(action, comment):
    decider = _decider_for(action)
    state = r.APPROVED if action in r.HEAD_ACTIONS else r.SUBMITTED
    _refused("COMMENT_REQUIRED", decider, _case(state), action, comment=comment, reason_code="PHOTOS")


def test_reason_code_required_for_return_only():
    _refused("REASON_REQUIRED", BRANCH_APPROVER, _case(), r.RETURN, comment="补照片", reason_code=" ")
    assert check_decision(BRANCH_APPROVER, _case(), r.REJECT, comment="不是本户") == r.REJECTED
    assert check_decision(HEAD, _case(r.APPROVED), r.SEND_BACK, comment="再看看") == r.REOPENED
    # approve, escalate and confirm need neither
    assert check_decision(BRANCH_APPROVER, _case(), r.APPROVE) == r.APPROVED
    assert check_decision(BRANCH_APPROVER, _case(), r.ESCALATE) == r.ESCALATED
    assert check_decision(HEAD, _case(r.ESCALATED), r.CONFIRM) == r.CONFIRMED


def test_guard_order():
    """Unknown action, role, four-eyes (inspector before manager), scope, state, comment,
    reason: a case breaking several rules names the first."""
    admin = Decider("E00101", "ADMIN", None)
    all_wrong = Case(r.CLOSED, "031501", "E00101", None, "E00101")
    _refused("UNKNOWN_ACTION", admin, all_wrong, "NOPE")
    _refused("ROLE_MAY_NOT_DECIDE", admin, all_wrong, r.RETURN)
    me = Decider("E00101", "BRANCH_APPROVER", SJZ)
    _refused("FOUR_EYES_INSPECTOR", me, all_wrong, r.RETURN)
    _refused("FOUR_EYES_MANAGER", me, Case(r.CLOSED, "031501", "E00109", None, "E00101"), r.RETURN)
    _refused("OUT_OF_SCOPE", BRANCH_APPROVER, Case(r.CLOSED, "031501", "E1", None, "E2"), r.RETURN)
    _refused("BAD_TRANSITION", BRANCH_APPROVER, Case(r.CLOSED, "031101", "E1", None, "E2"), r.RETURN)
    _refused("COMMENT_REQUIRED", BRANCH_APPROVER, _case(), r.RETURN)
    _refused("REASON_REQUIRED", BRANCH_APPROVER, _case(), r.RETURN, comment="x")


# -- head-office review --------------------------------------------------------------------


@pytest.mark.parametrize("tier", [None, "NORMAL", "BLUE", "YELLOW", "ORANGE", "RED"])
@pytest.mark.parametrize("high", [False, True])
@pytest.mark.parametrize("sampled", [False, True])
def test_review_reasons_and_approve_target(tier, high, sampled):
    reasons = r.review_reasons(tier, high, sampled)
    expected = tuple(
        reason
        for reason, on in (
            (r.REVIEW_TIER, tier in ("ORANGE", "RED")),
            (r.REVIEW_FLAG, high),
            (r.REVIEW_SAMPLE, sampled),
        )
        if on
    )
    assert reasons == expected
    assert r.approve_target(reasons) == (r.APPROVED if expected else r.CLOSED)
    assert r.approve_target(iter(reasons)) == r.approve_target(reasons)


@pytest.mark.parametrize(
    ("tier", "flags", "ok"),
    [("NORMAL", 0, True), ("BLUE", 0, True), ("NORMAL", 1, False), ("YELLOW", 0, False),
     ("ORANGE", 0, False), ("RED", 0, False), (None, 0, False)],
)  # fmt: skip
def test_batch_approvable(tier, flags, ok):
    assert r.batch_approvable(tier, flags) is ok


def test_sample_is_reproducible_and_close_to_the_rate():
    n = 20_000
    rate = 0.05
    sd = math.sqrt(n * rate * (1 - rate))
    samples = {}
    for branch, month in (("0311", "2026-11"), ("0311", "2026-12"), ("0315", "2026-11")):
        ids = [f"bundle-{i:05d}" for i in range(n)]
        picked = {b for b in ids if r.in_sample("loansight", branch, month, b, rate)}
        assert abs(len(picked) - n * rate) < 4.5 * sd, (branch, month, len(picked))
        # the same answer again
        assert picked == {b for b in ids if r.in_sample("loansight", branch, month, b, rate)}
        samples[(branch, month)] = picked
    # each branch and each month has its own sample (the same bundle ids, drawn apart)
    a, b, c = samples.values()
    for x, y in ((a, b), (a, c), (b, c)):
        overlap = len(x & y)
        assert overlap < 0.2 * len(x), overlap  # independent: about rate * |x| in common
    # the seed matters, the rate is monotone, the extremes are exact
    other = {b for b in ids if r.in_sample("other-seed", "0311", "2026-11", b, rate)}
    assert len(other & a) < 0.2 * len(a)
    ten = {b for b in ids if r.in_sample("loansight", "0311", "2026-11", b, 0.10)}
    assert a <= ten
    assert not any(r.in_sample("s", "0311", "2026-11", b, 0) for b in ids[:500])
    assert not any(r.in_sample("s", "0311", "2026-11", b, -1) for b in ids[:500])
    assert all(r.in_sample("s", "0311", "2026-11", b, 1.0) for b in ids[:500])


# -- SLA ---------------------------------------------------------------------------------------

PLAIN = ApprovalSettings()


def _cst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CST)


def test_friday_evening_with_two_working_days_is_due_at_the_end_of_tuesday():
    friday_evening = _cst(2026, 11, 27, 19, 30).astimezone(dt.UTC)
    due = deadline(friday_evening, 2, PLAIN)
    assert due == _cst(2026, 12, 2, 0, 0)  # midnight ending Tuesday 1 December, China time
    assert due.tzinfo is not None
    assert due.utcoffset() == dt.timedelta(0)
    # the China-time day counts: 16:00 UTC on Thursday is already Friday in China
    assert deadline(dt.datetime(2026, 11, 26, 16, 0, tzinfo=dt.UTC), 2, PLAIN) == _cst(2026, 12, 2)
    assert deadline(dt.datetime(2026, 11, 26, 15, 59, tzinfo=dt.UTC), 2, PLAIN) == _cst(2026, 12, 1)
    # arriving on Saturday or Sunday changes nothing
    assert deadline(_cst(2026, 11, 29, 10), 2, PLAIN) == _cst(2026, 12, 2)
    # zero days: the end of the arrival day
    assert deadline(friday_evening, 0, PLAIN) == _cst(2026, 11, 28)


def test_add_working_days():
    friday = dt.date(2026, 11, 27)
    assert add_working_days(friday, 0, PLAIN) == friday
    assert add_working_days(friday, 1, PLAIN) == dt.date(2026, 11, 30)
    assert add_working_days(friday, 3, PLAIN) == dt.date(2026, 12, 2)
    assert add_working_days(dt.date(2026, 11, 28), 1, PLAIN) == dt.date(2026, 11, 30)  # Saturday
    assert add_working_days(dt.date(2026, 11, 23), 5, PLAIN) == dt.date(2026, 11, 30)


def test_holidays_and_make_up_workdays():
    # National Day 2026: 1-7 October off; Sunday 27 September and Saturday 10 October work (调休)
    golden_week = frozenset(dt.date(2026, 10, d) for d in range(1, 8))
    makeup = frozenset({dt.date(2026, 9, 27), dt.date(2026, 10, 10)})
    s = ApprovalSettings(holidays=golden_week, workdays=makeup)
    assert r.is_working_day(dt.date(2026, 9, 27), s)  # a Sunday that works
    assert not r.is_working_day(dt.date(2026, 10, 1), s)  # a Thursday off
    assert not r.is_working_day(dt.date(2026, 10, 3), s)  # a Saturday, also in holidays
    # arrives Wednesday 30 September: 1st working day Thursday 8 October, 2nd Friday 9th
    assert add_working_days(dt.date(2026, 9, 30), 2, s) == dt.date(2026, 10, 9)
    # 3 days: Saturday 10 October is a make-up workday
    assert add_working_days(dt.date(2026, 9, 30), 3, s) == dt.date(2026, 10, 10)
    # arrives Saturday 26 September: Sunday 27th works
    assert add_working_days(dt.date(2026, 9, 26), 1, s) == dt.date(2026, 9, 27)
    assert deadline(_cst(2026, 9, 30, 17), 2, s) == _cst(2026, 10, 10)
    # a date in both lists works (the make-up list wins)
    both = ApprovalSettings(holidays=frozenset({dt.date(2026, 10, 10)}), workdays=makeup)
    assert r.is_working_day(dt.date(2026, 10, 10), both)


def test_stage_days():
    s = ApprovalSettings(branch_days=2, head_days=5)
    for state in r.BRANCH_PENDING:
        assert r.stage_days(state, s) == 2
    for state in r.HEAD_PENDING:
        assert r.stage_days(state, s) == 5


def test_overdue_before_examples():
    friday_evening = _cst(2026, 11, 27, 19, 30)
    due = deadline(friday_evening, 2, PLAIN)
    just_before, at = due - dt.timedelta(microseconds=1), due
    assert not friday_evening < overdue_before(just_before, 2, PLAIN)
    assert friday_evening < overdue_before(at, 2, PLAIN)
    # at midnight ending Tuesday, everything that arrived by the end of Sunday is overdue
    # (the weekend's arrivals are due with Friday's), nothing from Monday on
    assert overdue_before(at, 2, PLAIN) == _cst(2026, 11, 30)


_HOLIDAY_SETTINGS = ApprovalSettings(
    holidays=frozenset(dt.date(2026, 10, d) for d in range(1, 8))
    | frozenset({dt.date(2027, 1, 1), dt.date(2026, 12, 24)}),
    workdays=frozenset({dt.date(2026, 9, 27), dt.date(2026, 10, 10), dt.date(2026, 12, 27)}),
)
_instants = st.datetimes(
    min_value=dt.datetime(2026, 9, 1), max_value=dt.datetime(2027, 2, 1), timezones=st.just(dt.UTC)
)


@settings(max_examples=400, deadline=None)
@given(
    since=_instants,
    delta=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=20)),
    days=st.integers(0, 5),
    holidays=st.booleans(),
)
def test_overdue_before_agrees_with_deadline(since, delta, days, holidays):
    s = _HOLIDAY_SETTINGS if holidays else PLAIN
    now = since + delta
    cut = overdue_before(now, days, s)
    assert (since < cut) == (deadline(since, days, s) <= now)


@settings(max_examples=200, deadline=None)
@given(since=_instants, now=_instants, days=st.integers(0, 5), holidays=st.booleans())
def test_overdue_before_agrees_with_deadline_any_order(since, now, days, holidays):
    s = _HOLIDAY_SETTINGS if holidays else PLAIN
    assert (since < overdue_before(now, days, s)) == (deadline(since, days, s) <= now)
