"""The risk health check: pure rules over plain values.

A customer's score (0 and up; higher is riskier) is the sum of four factors, each kept
with its own breakdown so a tier can always say why:

| factor | what it counts |
| --- | --- |
| ``signals`` | every matched risk signal detected by the as-of date and at most ``signal_horizon_days`` old: ``severity_points[severity] × type_weight[type] × review weight × 0.5^(age / half_life)``; the review weight is ``confirmed_weight`` (1.0: counts fully) for a CONFIRMED signal, ``unreviewed_weight`` for a NEW one and 0 for a DISMISSED one; capped at ``signals_cap`` |
| ``loan`` | the worst outstanding loan: points for its overdue days (bands), for its classification, and for a maturity within ``maturity_days``; capped at ``loan_cap`` |
| ``inspection`` | the latest inspection (current revision) within ``inspection_horizon_days``: its opinion, its abnormal answers (each, capped) and its authenticity flags by severity (each, capped) |
| ``trend`` | the rise of the base score (the three factors above) since the score of a month before: ``trend_bands`` give points for a rise of at least so much |

The tier is the highest whose threshold the total reaches (``tier_thresholds``), but never
below the floor an outstanding loan's classification sets (``classification_floors``:
SUBSTANDARD at least ORANGE, DOUBTFUL and LOSS RED).

The model's numbers are data (:class:`HealthModel`, stored as JSON in versioned rows),
never constants in the code. The objective classification checks (2023 risk
classification rules, :func:`classification_issues`) and the post-loan task schedule
(:class:`TaskSchedule`) live here too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TIERS: tuple[str, ...] = ("NORMAL", "BLUE", "YELLOW", "ORANGE", "RED")
TIER_RANK = {tier: i for i, tier in enumerate(TIERS)}
CLASSIFICATIONS: tuple[str, ...] = ("NORMAL", "SPECIAL_MENTION", "SUBSTANDARD", "DOUBTFUL", "LOSS")
CLASS_RANK = {c: i for i, c in enumerate(CLASSIFICATIONS)}
SIGNAL_STATUSES: tuple[str, ...] = ("NEW", "CONFIRMED", "DISMISSED")
TASK_KINDS: tuple[str, ...] = ("FIRST", "ROUTINE", "FOCUSED", "SPECIAL")


def _default_type_weights() -> dict[str, float]:
    # heavier: events that by themselves say the borrower may not repay; lighter: events
    # that are mostly administrative (a new address, a new shareholder)
    return {
        "OVERDUE_ELSEWHERE": 1.3,
        "DISHONEST_DEBTOR": 1.5,
        "ENFORCEMENT": 1.3,
        "CONSUMPTION_RESTRICTION": 1.3,
        "ACCOUNT_FROZEN": 1.3,
        "EQUITY_FREEZE": 1.2,
        "DEREGISTRATION": 1.5,
        "ABNORMAL_OPERATION_LIST": 1.2,
        "ABNORMAL_TAXPAYER": 1.2,
        "FUNDS_DIVERSION": 1.5,
        "PRODUCTION_HALT": 1.4,
        "EXECUTIVE_MISSING": 1.5,
        "COLLATERAL_SEIZED": 1.4,
        "ADDRESS_CHANGE": 0.5,
        "SHAREHOLDER_CHANGE": 0.6,
        "INQUIRY_SPIKE": 0.6,
        "LARGE_CASH": 0.7,
        "NEGATIVE_NEWS": 0.8,
    }


@dataclass(frozen=True)
class HealthModel:
    """The numbers of one model version (see the module docstring for their meaning)."""

    severity_points: Mapping[str, float] = field(
        default_factory=lambda: {"1": 4.0, "2": 10.0, "3": 20.0, "4": 35.0}
    )
    type_weights: Mapping[str, float] = field(default_factory=_default_type_weights)
    default_type_weight: float = 1.0
    half_life_days: float = 90.0
    signal_horizon_days: int = 365
    confirmed_weight: float = 1.0
    unreviewed_weight: float = 0.6
    signals_cap: float = 60.0
    #: (more than this many days overdue, points), ascending
    overdue_bands: Sequence[tuple[int, float]] = ((0, 15.0), (30, 25.0), (90, 35.0), (180, 45.0), (360, 55.0))
    classification_points: Mapping[str, float] = field(
        default_factory=lambda: {
            "NORMAL": 0.0,
            "SPECIAL_MENTION": 15.0,
            "SUBSTANDARD": 30.0,
            "DOUBTFUL": 45.0,
            "LOSS": 55.0,
        }
    )
    maturity_days: int = 30
    maturity_points: float = 5.0
    loan_cap: float = 80.0
    inspection_horizon_days: int = 365
    opinion_points: Mapping[str, float] = field(
        default_factory=lambda: {"NORMAL": 0.0, "ATTENTION": 10.0, "RISK": 25.0}
    )
    abnormal_answer_points: float = 3.0
    abnormal_cap: float = 15.0
    flag_points: Mapping[str, float] = field(default_factory=lambda: {"HIGH": 6.0, "MEDIUM": 3.0, "LOW": 0.0})
    flags_cap: float = 15.0
    trend_lookback_days: int = 30
    #: (a rise of the base score of at least this much, points), ascending
    trend_bands: Sequence[tuple[float, float]] = ((10.0, 5.0), (20.0, 10.0))
    #: the lowest score of each tier above NORMAL
    tier_thresholds: Mapping[str, float] = field(
        default_factory=lambda: {"BLUE": 20.0, "YELLOW": 40.0, "ORANGE": 60.0, "RED": 90.0}
    )
    #: the lowest tier of a customer with an outstanding loan so classified, whatever the
    #: score (a non-performing loan is never merely "watched")
    classification_floors: Mapping[str, str] = field(
        default_factory=lambda: {"SUBSTANDARD": "ORANGE", "DOUBTFUL": "RED", "LOSS": "RED"}
    )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, (tuple, list)):
                value = [list(x) for x in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> HealthModel:
        """Build a model from stored JSON; missing keys keep their defaults, unknown keys
        are refused (``ValueError``)."""
        if not raw:
            return cls()
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(raw) - names
        if unknown:
            raise ValueError(f"unknown model parameters: {sorted(unknown)}")
        kwargs: dict[str, Any] = {}
        for key, value in raw.items():
            if key in ("overdue_bands", "trend_bands"):
                value = tuple((type(a)(a), float(b)) for a, b in value)
            kwargs[key] = value
        model = cls(**kwargs)
        model.validate()
        return model

    @classmethod
    def from_json(cls, text: str | None) -> HealthModel:
        return cls.from_dict(json.loads(text) if text else None)

    def validate(self) -> None:
        thresholds = [self.tier_thresholds.get(t) for t in TIERS[1:]]
        if any(v is None for v in thresholds):
            raise ValueError("tier_thresholds needs BLUE, YELLOW, ORANGE and RED")
        values = [float(v) for v in thresholds if v is not None]
        if values != sorted(values) or len(set(values)) != len(values):
            raise ValueError("tier_thresholds must rise strictly from BLUE to RED")
        if any(t not in TIER_RANK for t in self.classification_floors.values()):
            raise ValueError("classification_floors must name tiers")
        if self.half_life_days <= 0:
            raise ValueError("half_life_days must be positive")


# --- the facts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignalFact:
    signal_id: int
    source: str
    type: str
    severity: int
    detected_at: dt.datetime
    status: str = "NEW"


@dataclass(frozen=True, slots=True)
class LoanFact:
    loan_no: str
    balance: float
    classification: str
    overdue_days: int
    disbursed_on: dt.date
    maturity_on: dt.date


@dataclass(frozen=True, slots=True)
class InspectionFact:
    inspection_id: int
    started_on: dt.date
    kind: str
    opinion: str
    abnormal_answers: int
    flags: Mapping[str, int]  # severity -> count


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    customer_no: str
    signals: Sequence[SignalFact] = ()
    loans: Sequence[LoanFact] = ()
    inspection: InspectionFact | None = None
    previous_base: float | None = None  # the base score a month before, if scored then


@dataclass(frozen=True)
class Score:
    score: float
    base: float
    tier: str
    breakdown: dict[str, Any]


# --- the factors ---------------------------------------------------------------------------


def decay(age_days: float, half_life_days: float) -> float:
    return float(0.5 ** (max(age_days, 0.0) / half_life_days))


def review_weight(status: str, m: HealthModel) -> float:
    if status == "CONFIRMED":
        return m.confirmed_weight
    if status == "DISMISSED":
        return 0.0
    return m.unreviewed_weight


def signal_points(s: SignalFact, as_of: dt.date, m: HealthModel) -> float:
    age = (as_of - s.detected_at.date()).days
    if age < 0 or age > m.signal_horizon_days:
        return 0.0
    base = m.severity_points.get(str(s.severity), 0.0)
    weight = m.type_weights.get(s.type, m.default_type_weight)
    return base * weight * review_weight(s.status, m) * decay(age, m.half_life_days)


def _num(value: Any) -> float:
    return float(value)


def signals_factor(signals: Iterable[SignalFact], as_of: dt.date, m: HealthModel) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for s in signals:
        pts = signal_points(s, as_of, m)
        if pts > 0:
            items.append(
                {
                    "id": s.signal_id,
                    "source": s.source,
                    "type": s.type,
                    "severity": s.severity,
                    "age_days": (as_of - s.detected_at.date()).days,
                    "status": s.status,
                    "points": round(pts, 2),
                }
            )
    items.sort(key=lambda x: (-_num(x["points"]), _num(x["id"])))
    total = min(sum(_num(x["points"]) for x in items), m.signals_cap)
    return {"points": round(total, 2), "count": len(items), "items": items[:10]}


def overdue_points(days: int, m: HealthModel) -> float:
    pts = 0.0
    for above, band_points in m.overdue_bands:
        if days > above:
            pts = band_points
    return pts


def loan_points(loan: LoanFact, as_of: dt.date, m: HealthModel) -> dict[str, Any]:
    od = overdue_points(loan.overdue_days, m)
    cl = m.classification_points.get(loan.classification, 0.0)
    to_maturity = (loan.maturity_on - as_of).days
    mat = m.maturity_points if 0 <= to_maturity <= m.maturity_days else 0.0
    return {
        "loan_no": loan.loan_no,
        "overdue_days": loan.overdue_days,
        "overdue_points": od,
        "classification": loan.classification,
        "classification_points": cl,
        "days_to_maturity": to_maturity,
        "maturity_points": mat,
        "points": min(od + cl + mat, m.loan_cap),
    }


def loan_factor(loans: Iterable[LoanFact], as_of: dt.date, m: HealthModel) -> dict[str, Any]:
    """The worst outstanding loan (balance above zero) speaks for the customer."""
    scored = [loan_points(loan, as_of, m) for loan in loans if loan.balance > 0]
    if not scored:
        return {"points": 0.0, "loan": None}
    worst = max(scored, key=lambda x: (float(x["points"]), str(x["loan_no"])))
    return {"points": worst["points"], "loan": worst}


def inspection_factor(insp: InspectionFact | None, as_of: dt.date, m: HealthModel) -> dict[str, Any]:
    if insp is None or not 0 <= (as_of - insp.started_on).days <= m.inspection_horizon_days:
        return {"points": 0.0, "inspection_id": None}
    op = m.opinion_points.get(insp.opinion, 0.0)
    ab = min(insp.abnormal_answers * m.abnormal_answer_points, m.abnormal_cap)
    fl = min(sum(m.flag_points.get(sev, 0.0) * n for sev, n in insp.flags.items()), m.flags_cap)
    return {
        "points": op + ab + fl,
        "inspection_id": insp.inspection_id,
        "started_on": insp.started_on.isoformat(),
        "opinion": insp.opinion,
        "opinion_points": op,
        "abnormal_answers": insp.abnormal_answers,
        "abnormal_points": ab,
        "flags": dict(insp.flags),
        "flag_points": fl,
    }


def trend_factor(base: float, previous_base: float | None, m: HealthModel) -> dict[str, Any]:
    if previous_base is None:
        return {"points": 0.0, "previous_base": None, "change": None}
    change = base - previous_base
    pts = 0.0
    for at_least, band_points in m.trend_bands:
        if change >= at_least:
            pts = band_points
    return {"points": pts, "previous_base": round(previous_base, 2), "change": round(change, 2)}


def tier_of(score: float, m: HealthModel) -> str:
    tier = "NORMAL"
    for name in TIERS[1:]:
        if score >= m.tier_thresholds[name]:
            tier = name
    return tier


def score_customer(facts: CustomerFacts, as_of: dt.date, m: HealthModel) -> Score:
    sig = signals_factor(facts.signals, as_of, m)
    loan = loan_factor(facts.loans, as_of, m)
    insp = inspection_factor(facts.inspection, as_of, m)
    base = round(float(sig["points"]) + float(loan["points"]) + float(insp["points"]), 2)
    trend = trend_factor(base, facts.previous_base, m)
    total = round(base + float(trend["points"]), 2)
    tier = tier_of(total, m)
    floor = classification_floor(facts.loans, m)
    if floor is not None and TIER_RANK[floor["tier"]] > TIER_RANK[tier]:
        tier = floor["tier"]
    else:
        floor = None
    breakdown = {"signals": sig, "loan": loan, "inspection": insp, "trend": trend, "floor": floor}
    return Score(total, base, tier, breakdown)


def classification_floor(loans: Iterable[LoanFact], m: HealthModel) -> dict[str, Any] | None:
    """The highest tier floor any outstanding loan's classification sets, if any."""
    best: dict[str, Any] | None = None
    for loan in loans:
        tier = m.classification_floors.get(loan.classification)
        if loan.balance <= 0 or tier is None:
            continue
        if best is None or TIER_RANK[tier] > TIER_RANK[best["tier"]]:
            best = {"tier": tier, "loan_no": loan.loan_no, "classification": loan.classification}
    return best


def explain(score: Score, limit: int = 5) -> str:
    """The reason text of a task: what raised the tier, most weighty first (codes and
    numbers: the mobile app and the screens word them)."""
    parts: list[tuple[float, str]] = []
    b = score.breakdown
    for item in b["signals"]["items"]:
        parts.append(
            (
                float(item["points"]),
                f"SIGNAL {item['source']}/{item['type']} S{item['severity']} #{item['id']} +{item['points']}",
            )
        )
    loan = b["loan"].get("loan")
    if loan:
        if loan["overdue_points"]:
            parts.append((loan["overdue_points"], f"OVERDUE {loan['loan_no']} {loan['overdue_days']}d"))
        if loan["classification_points"]:
            parts.append(
                (loan["classification_points"], f"CLASSIFICATION {loan['loan_no']} {loan['classification']}")
            )
        if loan["maturity_points"]:
            parts.append((loan["maturity_points"], f"MATURITY {loan['loan_no']} {loan['days_to_maturity']}d"))
    insp = b["inspection"]
    if insp["points"]:
        parts.append(
            (
                insp["points"],
                f"INSPECTION #{insp['inspection_id']} {insp['opinion']} abnormal={insp['abnormal_answers']}"
                f" flags={sum(insp['flags'].values())}",
            )
        )
    if b["trend"]["points"]:
        parts.append((b["trend"]["points"], f"TREND +{b['trend']['change']}"))
    parts.sort(key=lambda p: -p[0])
    if b.get("floor"):
        floor = b["floor"]
        parts.insert(0, (0.0, f"FLOOR {floor['tier']} {floor['loan_no']} {floor['classification']}"))
    head = f"{score.tier} {score.score:g}"
    return "; ".join([head, *(text for _p, text in parts[:limit])])


# --- objective classification checks --------------------------------------------------------


@dataclass(frozen=True)
class ClassificationCheck:
    code: str
    overdue_above: int  # raised when the loan is more than this many days overdue ...
    at_least: str  # ... and classified better than this


#: the 2023 risk classification rules (商业银行金融资产风险分类办法): a past-due loan may not
#: stay NORMAL; more than 90 days past due is at least SUBSTANDARD, more than 270 days at
#: least DOUBTFUL, more than 360 days LOSS
CLASSIFICATION_CHECKS: tuple[ClassificationCheck, ...] = (
    ClassificationCheck("OVERDUE_STILL_NORMAL", 0, "SPECIAL_MENTION"),
    ClassificationCheck("OVERDUE_90_NOT_SUBSTANDARD", 90, "SUBSTANDARD"),
    ClassificationCheck("OVERDUE_270_NOT_DOUBTFUL", 270, "DOUBTFUL"),
    ClassificationCheck("OVERDUE_360_NOT_LOSS", 360, "LOSS"),
)


def classification_issues(loan: LoanFact) -> list[tuple[str, dict[str, Any]]]:
    """(code, detail) of every check an outstanding loan fails."""
    if loan.balance <= 0:
        return []
    out = []
    for check in CLASSIFICATION_CHECKS:
        if (
            loan.overdue_days > check.overdue_above
            and CLASS_RANK.get(loan.classification, 0) < CLASS_RANK[check.at_least]
        ):
            out.append(
                (
                    check.code,
                    {
                        "overdue_days": loan.overdue_days,
                        "classification": loan.classification,
                        "required": check.at_least,
                    },
                )
            )
    return out


# --- the post-loan task schedule --------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleEntry:
    kind: str
    days: int


def _default_schedule() -> dict[str, ScheduleEntry]:
    return {
        "FIRST": ScheduleEntry("FIRST", 15),
        "NORMAL": ScheduleEntry("ROUTINE", 90),
        "BLUE": ScheduleEntry("ROUTINE", 30),
        "YELLOW": ScheduleEntry("FOCUSED", 15),
        "ORANGE": ScheduleEntry("FOCUSED", 7),
        "RED": ScheduleEntry("SPECIAL", 3),
    }


@dataclass(frozen=True)
class TaskSchedule:
    """Which check each tier calls for, and within how many days; ``FIRST`` is the first
    check after each disbursement."""

    entries: Mapping[str, ScheduleEntry] = field(default_factory=_default_schedule)

    def to_json(self) -> str:
        return json.dumps(
            {k: {"kind": e.kind, "days": e.days} for k, e in self.entries.items()}, sort_keys=True
        )

    @classmethod
    def from_json(cls, text: str | None) -> TaskSchedule:
        entries = _default_schedule()
        if text:
            for key, raw in json.loads(text).items():
                if key not in entries or raw["kind"] not in TASK_KINDS or int(raw["days"]) < 0:
                    raise ValueError(f"bad task schedule entry {key}")
                entries[key] = ScheduleEntry(str(raw["kind"]), int(raw["days"]))
        return cls(entries)

    def for_tier(self, tier: str) -> ScheduleEntry:
        return self.entries[tier]

    @property
    def first(self) -> ScheduleEntry:
        return self.entries["FIRST"]


def tier_task_due(as_of: dt.date, entry: ScheduleEntry, last_visit: dt.date | None) -> dt.date:
    """When the tier's check is due: at the end of the last visit's interval if that is
    still running, else ``days`` from now."""
    if last_visit is not None and last_visit + dt.timedelta(days=entry.days) > as_of:
        return last_visit + dt.timedelta(days=entry.days)
    return as_of + dt.timedelta(days=entry.days)


@dataclass(frozen=True)
class OpenTask:
    task_no: str
    kind: str
    tier: str
    due_on: dt.date


@dataclass(frozen=True)
class TaskDecision:
    """What the health check does about a customer's tier task: ``create`` (and, when
    ``replaces`` names one, mark that open task REPLACED), or nothing (``create`` False)."""

    create: bool
    kind: str = ""
    due_on: dt.date | None = None
    replaces: str | None = None


def decide_tier_task(
    tier: str, as_of: dt.date, schedule: TaskSchedule, open_task: OpenTask | None, last_visit: dt.date | None
) -> TaskDecision:
    """Rule: a customer with an outstanding loan has one open tier task. None open: one is
    created as the schedule says for its tier. One open for a lower tier: the tier rose,
    so it is replaced by the more urgent one (never due later than the one it replaces).
    One open for the same or a higher tier: it stands."""
    entry = schedule.for_tier(tier)
    due = tier_task_due(as_of, entry, last_visit)
    if open_task is None:
        return TaskDecision(True, entry.kind, due)
    if TIER_RANK[tier] > TIER_RANK.get(open_task.tier, 0):
        return TaskDecision(True, entry.kind, min(due, open_task.due_on), open_task.task_no)
    return TaskDecision(False)


def required_photos(kind: str, template: Iterable[tuple[str | None, frozenset[str]]]) -> list[str]:
    """The photo categories a check of this kind asks for: those of the template items it
    requires (``(photo, required kinds)`` pairs), in template order, each once."""
    out: list[str] = []
    for photo, kinds in template:
        if photo and kind in kinds and photo not in out:
            out.append(photo)
    return out
