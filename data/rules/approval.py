"""The approval workflow of an inspection revision: states, the table of transitions, the
four-eyes guards, when head office must review, the random sample and the SLA deadlines.

Pure functions over plain values; ``data.approvals`` applies them to the database.

States of one revision::

    SUBMITTED ──branch──> APPROVED (head review due) ──head──> CONFIRMED
        │                 CLOSED (no review due)          └──> REOPENED (back to branch)
        │                 RETURNED (rework: the manager resubmits a new revision)
        │                 REJECTED (not a valid inspection; its task stays open)
        └──────────────>  ESCALATED ──head──> CONFIRMED / REOPENED
    REOPENED ──branch──> as from SUBMITTED

``REOPENED`` is head office's return to the branch approver, with a comment: the branch
decides again, so a revision may carry more than one branch decision, but never two
decisions on the same state (``version``): the decision table's unique key says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

CST = dt.timezone(dt.timedelta(hours=8))

# -- states and actions ----------------------------------------------------------------------

SUBMITTED = "SUBMITTED"
REOPENED = "REOPENED"  # head office returned it to the branch approver
APPROVED = "APPROVED"  # approved by the branch, head-office review due
ESCALATED = "ESCALATED"
RETURNED = "RETURNED"  # to the client manager for rework
REJECTED = "REJECTED"
CONFIRMED = "CONFIRMED"  # head office confirmed
CLOSED = "CLOSED"  # approved, no head-office review due

STATES = (SUBMITTED, REOPENED, APPROVED, ESCALATED, RETURNED, REJECTED, CONFIRMED, CLOSED)
#: waiting for a branch approver
BRANCH_PENDING = (SUBMITTED, REOPENED)
#: waiting for head office
HEAD_PENDING = (APPROVED, ESCALATED)
PENDING = BRANCH_PENDING + HEAD_PENDING
#: nothing more happens to the revision
FINAL = (RETURNED, REJECTED, CONFIRMED, CLOSED)

APPROVE = "APPROVE"
RETURN = "RETURN"
REJECT = "REJECT"
ESCALATE = "ESCALATE"
CONFIRM = "CONFIRM"
SEND_BACK = "SEND_BACK"  # head office returns it to the branch approver

BRANCH_ACTIONS = (APPROVE, RETURN, REJECT, ESCALATE)
HEAD_ACTIONS = (CONFIRM, SEND_BACK)
ACTIONS = BRANCH_ACTIONS + HEAD_ACTIONS

BRANCH = "BRANCH"
HEAD = "HEAD"

#: (state, action) -> the state after it. APPROVE's result depends on whether head office
#: must review (:func:`approve_target`): listed here as APPROVED, CLOSED when no review is due.
TRANSITIONS: dict[tuple[str, str], str] = {
    (SUBMITTED, APPROVE): APPROVED,
    (SUBMITTED, RETURN): RETURNED,
    (SUBMITTED, REJECT): REJECTED,
    (SUBMITTED, ESCALATE): ESCALATED,
    (REOPENED, APPROVE): APPROVED,
    (REOPENED, RETURN): RETURNED,
    (REOPENED, REJECT): REJECTED,
    (REOPENED, ESCALATE): ESCALATED,
    (APPROVED, CONFIRM): CONFIRMED,
    (APPROVED, SEND_BACK): REOPENED,
    (ESCALATED, CONFIRM): CONFIRMED,
    (ESCALATED, SEND_BACK): REOPENED,
}

#: actions that need a comment (and RETURN a reason code too)
COMMENT_REQUIRED = (RETURN, REJECT, SEND_BACK)
REASON_REQUIRED = (RETURN,)

#: roles that decide at each level; ADMIN and AUDITOR decide nothing
LEVEL_ROLE = {BRANCH: "BRANCH_APPROVER", HEAD: "HEAD_RISK"}


def level_of(action: str) -> str:
    return HEAD if action in HEAD_ACTIONS else BRANCH


# -- refusals ----------------------------------------------------------------------------------


class DecisionRefused(ValueError):
    """A decision the rules do not allow; ``code`` names the rule for the UI to word."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


# -- who may decide ------------------------------------------------------------------------


@dataclass(frozen=True)
class Decider:
    employee_no: str
    role: str
    #: the branch codes the decider may act in (their branch and everything below it);
    #: None: the whole bank
    scope: frozenset[str] | None


@dataclass(frozen=True)
class Case:
    """What the guards need to know of the inspection revision."""

    state: str
    branch_code: str  # the customer's branch
    inspector_no: str
    companion_no: str | None
    manager_no: str  # the customer's client manager


def check_decision(
    decider: Decider, case: Case, action: str, *, comment: str = "", reason_code: str = ""
) -> str:
    """The state after ``action``, or :class:`DecisionRefused` naming the rule broken.

    Checked in this order: the action exists; the decider's role decides at its level
    (ADMIN and AUDITOR never); four-eyes (not the inspector, not the companion, not the
    customer's manager); scope (a branch approver only in their branch); the state allows
    the action; a comment (and a reason code) where one is required."""
    if action not in ACTIONS:
        raise DecisionRefused("UNKNOWN_ACTION", action=action)
    level = level_of(action)
    if decider.role != LEVEL_ROLE[level]:
        raise DecisionRefused("ROLE_MAY_NOT_DECIDE", role=decider.role, level=level)
    if decider.employee_no in (case.inspector_no, case.companion_no):
        raise DecisionRefused("FOUR_EYES_INSPECTOR", employee_no=decider.employee_no)
    if decider.employee_no == case.manager_no:
        raise DecisionRefused("FOUR_EYES_MANAGER", employee_no=decider.employee_no)
    if decider.scope is not None and case.branch_code not in decider.scope:
        raise DecisionRefused("OUT_OF_SCOPE", branch_code=case.branch_code)
    target = TRANSITIONS.get((case.state, action))
    if target is None:
        raise DecisionRefused("BAD_TRANSITION", state=case.state, action=action)
    if action in COMMENT_REQUIRED and not comment.strip():
        raise DecisionRefused("COMMENT_REQUIRED", action=action)
    if action in REASON_REQUIRED and not reason_code.strip():
        raise DecisionRefused("REASON_REQUIRED", action=action)
    return target


def allowed_actions(decider: Decider, case: Case) -> tuple[str, ...]:
    """The actions the decider may take on the case now (comments aside)."""
    out = []
    for action in ACTIONS:
        try:
            check_decision(decider, case, action, comment="-", reason_code="-")
        except DecisionRefused:
            continue
        out.append(action)
    return tuple(out)


# -- head-office review --------------------------------------------------------------------

#: why an approved inspection goes to head office
REVIEW_TIER = "TIER"  # the customer is ORANGE or RED
REVIEW_FLAG = "HIGH_FLAG"  # a high-severity authenticity flag
REVIEW_SAMPLE = "SAMPLE"  # the random sample
REVIEW_TIERS = ("ORANGE", "RED")


def in_sample(seed: str, branch_code: str, month: str, bundle_id: str, rate: float) -> bool:
    """Whether a bundle falls in the month's random sample of its branch.

    Reproducible: SHA-256 of (seed, branch, month, bundle) read as a number in [0, 1) and
    compared with ``rate``, so anyone can recompute the sample from the seed and each branch
    has its own, about ``rate`` of its inspections in every month. A revision's bundle, not
    the revision, is drawn: a resubmission is sampled as its first revision was."""
    if rate <= 0:
        return False
    digest = hashlib.sha256(f"{seed}|{branch_code}|{month}|{bundle_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def review_reasons(tier: str | None, high_flag: bool, sampled: bool) -> tuple[str, ...]:
    """Why head office must review an approval (empty: it need not)."""
    reasons = []
    if tier in REVIEW_TIERS:
        reasons.append(REVIEW_TIER)
    if high_flag:
        reasons.append(REVIEW_FLAG)
    if sampled:
        reasons.append(REVIEW_SAMPLE)
    return tuple(reasons)


def approve_target(reasons: Iterable[str]) -> str:
    return APPROVED if tuple(reasons) else CLOSED


def batch_approvable(tier: str | None, flags: int) -> bool:
    """Batch approval is for the plain cases only: no flag at all, tier NORMAL or BLUE."""
    return flags == 0 and tier in ("NORMAL", "BLUE")


# -- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonCode:
    code: str
    zh: str
    en: str


DEFAULT_REASON_CODES = (
    ReasonCode("PHOTOS", "照片缺失或不清晰", "Photos missing or unclear"),
    ReasonCode("LOCATION", "定位与经营地址不符", "Location does not match the business address"),
    ReasonCode("CHECKLIST", "检查表填写不完整", "Checklist incomplete"),
    ReasonCode("OPINION", "检查结论依据不足", "Conclusion not supported"),
    ReasonCode("DOCUMENTS", "资料不全", "Documents missing"),
    ReasonCode("OTHER", "其他", "Other"),
)


@dataclass(frozen=True)
class ApprovalSettings:
    """The workflow's settings (stored as JSON under ``approval`` in ``app_settings``)."""

    branch_days: int = 2  # working days for the branch decision, from submission
    head_days: int = 3  # working days for head-office review, from approval or escalation
    sample_rate: float = 0.05
    sample_seed: str = "loansight"
    reason_codes: tuple[ReasonCode, ...] = DEFAULT_REASON_CODES
    #: non-working weekdays (public holidays) and working weekend days (调休), ISO dates
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def reason(self, code: str) -> ReasonCode | None:
        return next((r for r in self.reason_codes if r.code == code), None)


# -- SLA deadlines -------------------------------------------------------------------------


def is_working_day(day: dt.date, settings: ApprovalSettings) -> bool:
    if day in settings.workdays:
        return True
    if day in settings.holidays:
        return False
    return day.weekday() < 5


def add_working_days(day: dt.date, n: int, settings: ApprovalSettings) -> dt.date:
    """The n-th working day after ``day`` (n >= 1); n = 0: ``day`` itself."""
    current = day
    left = n
    while left > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current, settings):
            left -= 1
    return current


def deadline(since: dt.datetime, days: int, settings: ApprovalSettings) -> dt.datetime:
    """When a decision waiting since ``since`` (UTC) is due: the end (China time) of the
    ``days``-th working day after the day it arrived. Something that arrives on a Friday
    evening with two working days is due at the end of Tuesday."""
    local_day = since.astimezone(CST).date()
    last = add_working_days(local_day, days, settings)
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), CST).astimezone(dt.UTC)


def overdue_before(now: dt.datetime, days: int, settings: ApprovalSettings) -> dt.datetime:
    """The cut-off for overdue: a decision waiting since before the returned instant (UTC)
    is past its deadline at ``now``. The deadline grows with the arrival day, so the
    cut-off is China-time midnight of the first arrival day still within its deadline."""
    day = now.astimezone(CST).date()
    # walk back from today: the first day whose deadline has passed ends the search
    while deadline(dt.datetime.combine(day, dt.time(12), CST), days, settings) > now:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), CST).astimezone(dt.UTC)


def stage_days(state: str, settings: ApprovalSettings) -> int:
    return settings.head_days if state in HEAD_PENDING else settings.branch_days
