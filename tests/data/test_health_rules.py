"""The health check's pure rules: every factor, tier threshold, schedule entry and
classification check, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from data.rules.health import (
    CustomerFacts,
    HealthModel,
    InspectionFact,
    LoanFact,
    OpenTask,
    ScheduleEntry,
    SignalFact,
    TaskSchedule,
    classification_issues,
    decay,
    decide_tier_task,
    explain,
    inspection_factor,
    loan_factor,
    overdue_points,
    required_photos,
    score_customer,
    signal_points,
    tier_of,
    tier_task_due,
    trend_factor,
)

AS_OF = dt.date(2026, 11, 28)
M = HealthModel()
UTC8 = dt.timezone(dt.timedelta(hours=8))


def sig(severity: int = 4, age: int = 0, type_: str = "LAWSUIT_DEFENDANT", status: str = "NEW") -> SignalFact:
    at = dt.datetime.combine(AS_OF - dt.timedelta(days=age), dt.time(10), UTC8)
    return SignalFact(1, "JUDICIAL", type_, severity, at, status)


def loan(
    overdue: int = 0,
    cls: str = "NORMAL",
    balance: float = 1000.0,
    maturity_in: int = 200,
    disbursed_ago: int = 100,
    no: str = "L1",
) -> LoanFact:
    return LoanFact(
        no,
        balance,
        cls,
        overdue,
        AS_OF - dt.timedelta(days=disbursed_ago),
        AS_OF + dt.timedelta(days=maturity_in),
    )


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        (sig(1), 4 * 0.6),
        (sig(2), 10 * 0.6),
        (sig(3), 20 * 0.6),
        (sig(4), 35 * 0.6),
        (sig(4, status="CONFIRMED"), 35.0),  # a confirmed signal counts fully
        (sig(4, status="DISMISSED"), 0.0),  # a dismissed one not at all
        (sig(4, age=90, status="CONFIRMED"), 17.5),  # one half-life
        (sig(4, age=180, status="CONFIRMED"), 8.75),
        (sig(4, age=366, status="CONFIRMED"), 0.0),  # beyond the horizon
        (sig(4, age=-1, status="CONFIRMED"), 0.0),  # detected after the as-of date
        (sig(4, type_="DISHONEST_DEBTOR", status="CONFIRMED"), 52.5),  # type weight 1.5
        (sig(4, type_="ADDRESS_CHANGE", status="CONFIRMED"), 17.5),  # type weight 0.5
        (sig(2, type_="NOT_IN_THE_SPEC", status="CONFIRMED"), 10.0),  # unknown type: weight 1
    ],
)
def test_signal_points(signal, expected):
    assert signal_points(signal, AS_OF, M) == pytest.approx(expected)


def test_signals_factor_is_capped_and_lists_the_weightiest_first():
    facts = CustomerFacts("C", signals=[sig(4, status="CONFIRMED")] * 3 + [sig(1)])
    score = score_customer(facts, AS_OF, M)
    assert score.breakdown["signals"]["points"] == M.signals_cap
    assert score.breakdown["signals"]["count"] == 4
    assert score.breakdown["signals"]["items"][0]["points"] == 35.0


def test_decay_halves_each_half_life():
    assert decay(0, 90) == 1.0
    assert decay(90, 90) == pytest.approx(0.5)
    assert decay(-5, 90) == 1.0


@pytest.mark.parametrize(
    ("days", "points"),
    [(0, 0.0), (1, 15.0), (30, 15.0), (31, 25.0), (90, 25.0), (91, 35.0), (181, 45.0), (361, 55.0)],
)
def test_overdue_bands(days, points):
    assert overdue_points(days, M) == points


@pytest.mark.parametrize(
    ("loans", "points"),
    [
        ([], 0.0),
        ([loan()], 0.0),
        ([loan(cls="SPECIAL_MENTION")], 15.0),
        ([loan(cls="SUBSTANDARD", overdue=100)], 65.0),
        ([loan(cls="LOSS", overdue=400)], 80.0),  # capped
        ([loan(maturity_in=10)], 5.0),  # maturity near
        ([loan(maturity_in=31)], 0.0),
        ([loan(maturity_in=-1)], 0.0),  # already matured: the overdue days speak
        ([loan(overdue=40, balance=0)], 0.0),  # repaid: not outstanding
        ([loan(), loan(overdue=5, no="L2")], 15.0),  # the worst loan speaks
    ],
)
def test_loan_factor(loans, points):
    assert loan_factor(loans, AS_OF, M)["points"] == points


@pytest.mark.parametrize(
    ("inspection", "points"),
    [
        (None, 0.0),
        (InspectionFact(1, AS_OF, "ROUTINE", "NORMAL", 0, {}), 0.0),
        (InspectionFact(1, AS_OF, "ROUTINE", "ATTENTION", 0, {}), 10.0),
        (InspectionFact(1, AS_OF, "ROUTINE", "RISK", 0, {}), 25.0),
        (InspectionFact(1, AS_OF, "ROUTINE", "NORMAL", 2, {}), 6.0),
        (InspectionFact(1, AS_OF, "ROUTINE", "NORMAL", 9, {}), 15.0),  # capped
        (InspectionFact(1, AS_OF, "ROUTINE", "NORMAL", 0, {"HIGH": 1, "MEDIUM": 1, "LOW": 4}), 9.0),
        (InspectionFact(1, AS_OF, "ROUTINE", "NORMAL", 0, {"HIGH": 5}), 15.0),  # capped
        (InspectionFact(1, AS_OF - dt.timedelta(days=400), "ROUTINE", "RISK", 0, {}), 0.0),  # too old
    ],
)
def test_inspection_factor(inspection, points):
    assert inspection_factor(inspection, AS_OF, M)["points"] == points


@pytest.mark.parametrize(
    ("base", "previous", "points"),
    [(30.0, None, 0.0), (30.0, 25.0, 0.0), (30.0, 20.0, 5.0), (45.0, 20.0, 10.0), (10.0, 40.0, 0.0)],
)
def test_trend_factor(base, previous, points):
    assert trend_factor(base, previous, M)["points"] == points


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        (0.0, "NORMAL"),
        (19.99, "NORMAL"),
        (20.0, "BLUE"),
        (39.99, "BLUE"),
        (40.0, "YELLOW"),
        (60.0, "ORANGE"),
        (89.99, "ORANGE"),
        (90.0, "RED"),
        (500.0, "RED"),
    ],
)
def test_tier_thresholds(score, tier):
    assert tier_of(score, M) == tier


@pytest.mark.parametrize(
    ("cls", "tier"),
    [("SPECIAL_MENTION", "BLUE"), ("SUBSTANDARD", "ORANGE"), ("DOUBTFUL", "RED"), ("LOSS", "RED")],
)
def test_classification_floor(cls, tier):
    score = score_customer(CustomerFacts("C", loans=[loan(cls=cls, maturity_in=400)]), AS_OF, M)
    if cls == "SPECIAL_MENTION":
        assert score.tier == "NORMAL"
        assert score.breakdown["floor"] is None
    else:
        assert score.tier == tier
        assert score.breakdown["floor"]["classification"] == cls
        assert explain(score).startswith(f"{tier} ")


def test_score_sums_the_factors_and_explains_itself():
    facts = CustomerFacts(
        "C",
        signals=[sig(4, status="CONFIRMED", type_="DISHONEST_DEBTOR")],
        loans=[loan(overdue=10)],
        inspection=InspectionFact(7, AS_OF, "ROUTINE", "ATTENTION", 1, {}),
        previous_base=30.0,
    )
    score = score_customer(facts, AS_OF, M)
    assert score.base == pytest.approx(52.5 + 15 + 13)
    assert score.breakdown["trend"]["points"] == 10.0
    assert score.score == pytest.approx(score.base + 10)
    assert score.tier == "RED"
    reason = explain(score)
    assert "DISHONEST_DEBTOR" in reason
    assert "OVERDUE L1 10d" in reason
    assert "TREND" in reason


@pytest.mark.parametrize(
    ("overdue", "cls", "codes"),
    [
        (0, "NORMAL", []),
        (1, "NORMAL", ["OVERDUE_STILL_NORMAL"]),
        (1, "SPECIAL_MENTION", []),
        (91, "SPECIAL_MENTION", ["OVERDUE_90_NOT_SUBSTANDARD"]),
        (91, "SUBSTANDARD", []),
        (271, "SUBSTANDARD", ["OVERDUE_270_NOT_DOUBTFUL"]),
        (271, "DOUBTFUL", []),
        (361, "DOUBTFUL", ["OVERDUE_360_NOT_LOSS"]),
        (361, "LOSS", []),
        (
            400,
            "NORMAL",
            [
                "OVERDUE_STILL_NORMAL",
                "OVERDUE_90_NOT_SUBSTANDARD",
                "OVERDUE_270_NOT_DOUBTFUL",
                "OVERDUE_360_NOT_LOSS",
            ],
        ),
    ],
)
def test_classification_checks(overdue, cls, codes):
    assert [code for code, _d in classification_issues(loan(overdue=overdue, cls=cls))] == codes


def test_classification_checks_skip_repaid_loans():
    assert classification_issues(loan(overdue=400, balance=0)) == []


@pytest.mark.parametrize(
    ("key", "kind", "days"),
    [
        ("FIRST", "FIRST", 15),
        ("NORMAL", "ROUTINE", 90),
        ("BLUE", "ROUTINE", 30),
        ("YELLOW", "FOCUSED", 15),
        ("ORANGE", "FOCUSED", 7),
        ("RED", "SPECIAL", 3),
    ],
)
def test_default_schedule(key, kind, days):
    assert TaskSchedule().entries[key] == ScheduleEntry(kind, days)


def test_schedule_round_trips_and_refuses_nonsense():
    changed = TaskSchedule.from_json('{"RED": {"kind": "SPECIAL", "days": 1}}')
    assert changed.for_tier("RED").days == 1
    assert changed.for_tier("NORMAL").days == 90
    assert TaskSchedule.from_json(changed.to_json()) == changed
    with pytest.raises(ValueError, match="bad task schedule entry"):
        TaskSchedule.from_json('{"PURPLE": {"kind": "SPECIAL", "days": 1}}')


@pytest.mark.parametrize(
    ("last_visit_ago", "days", "due_in"),
    [(None, 90, 90), (10, 90, 80), (100, 90, 90), (2, 3, 1), (3, 3, 3)],
)
def test_tier_task_due(last_visit_ago, days, due_in):
    last = None if last_visit_ago is None else AS_OF - dt.timedelta(days=last_visit_ago)
    assert tier_task_due(AS_OF, ScheduleEntry("ROUTINE", days), last) == AS_OF + dt.timedelta(days=due_in)


def test_decide_tier_task():
    schedule = TaskSchedule()
    due = AS_OF + dt.timedelta(days=60)
    routine = OpenTask("PLT1", "ROUTINE", "NORMAL", due)
    created = decide_tier_task("NORMAL", AS_OF, schedule, None, None)
    assert (created.create, created.kind, created.due_on) == (True, "ROUTINE", AS_OF + dt.timedelta(days=90))
    assert not decide_tier_task("NORMAL", AS_OF, schedule, routine, None).create  # no duplicate
    rise = decide_tier_task("RED", AS_OF, schedule, routine, None)
    assert (rise.kind, rise.due_on, rise.replaces) == ("SPECIAL", AS_OF + dt.timedelta(days=3), "PLT1")
    red = OpenTask("PLT2", "SPECIAL", "RED", AS_OF + dt.timedelta(days=3))
    assert not decide_tier_task("BLUE", AS_OF, schedule, red, None).create  # a fall keeps the urgent task
    # a replacement is never due later than the task it replaces
    soon = OpenTask("PLT3", "ROUTINE", "NORMAL", AS_OF + dt.timedelta(days=1))
    assert decide_tier_task("BLUE", AS_OF, schedule, soon, None).due_on == AS_OF + dt.timedelta(days=1)


def test_required_photos_follow_the_template():
    template = [
        ("PREMISES", frozenset({"FIRST", "ROUTINE"})),
        (None, frozenset({"ROUTINE"})),
        ("COLLATERAL", frozenset({"FIRST"})),
        ("PREMISES", frozenset({"FIRST"})),
    ]
    assert required_photos("FIRST", template) == ["PREMISES", "COLLATERAL"]
    assert required_photos("ROUTINE", template) == ["PREMISES"]


def test_model_json_round_trip_and_validation():
    model = HealthModel(
        half_life_days=30.0, tier_thresholds={"BLUE": 10, "YELLOW": 20, "ORANGE": 30, "RED": 40}
    )
    assert HealthModel.from_json(model.to_json()) == HealthModel.from_dict(model.to_dict())
    assert HealthModel.from_json(model.to_json()).half_life_days == 30.0
    with pytest.raises(ValueError, match="must rise"):
        HealthModel.from_dict({"tier_thresholds": {"BLUE": 50, "YELLOW": 20, "ORANGE": 30, "RED": 40}})
    with pytest.raises(ValueError, match="unknown model parameters"):
        HealthModel.from_dict({"no_such_parameter": 1})
