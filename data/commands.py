"""Writes. Each runs in the caller's transaction and audits itself in it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import audit
from data.errors import NotFound
from data.models import Staff
from data.security import LOGIN_ROLES, hash_password


class UnknownEmployee(LookupError):
    code = "UNKNOWN_EMPLOYEE"


class RoleCannotLogIn(ValueError):
    code = "ROLE_CANNOT_LOG_IN"


def set_password(session: Session, employee_no: str, password: str, actor: str) -> None:
    """Set a login password. Only roles that use the workstation may have one."""
    staff = session.get(Staff, employee_no)
    if staff is None:
        raise UnknownEmployee(employee_no)
    if staff.role not in LOGIN_ROLES:
        raise RoleCannotLogIn(employee_no)
    staff.password_hash = hash_password(password)
    staff.failed_logins = 0
    staff.locked_until = None
    audit.append(session, actor, "SET_PASSWORD", "staff", employee_no, {})


class UnknownSignal(LookupError):
    code = "UNKNOWN_SIGNAL"


class BadReviewDecision(ValueError):
    code = "BAD_REVIEW_DECISION"


class ReviewReasonRequired(ValueError):
    code = "REVIEW_REASON_REQUIRED"


def review_signal(
    session: Session,
    signal_id: int,
    decision: str,
    reason: str,
    actor: str,
    *,
    scope: frozenset[str] | None = None,
) -> None:
    """Record a risk manager's review of a signal: CONFIRMED (it counts fully in the health
    check) or DISMISSED (not at all); NEW puts it back unreviewed. Dismissing needs a
    reason. Audited with the old and new state; the score changes at the next health
    check.

    ``scope`` is the reviewer's (None: the whole bank): a reviewer may only review a signal
    about a customer of a branch in it; any other signal (another branch's, or one matched
    to no customer) is ``NotFound``, the same answer as a signal that does not exist."""
    from data.models import Customer, RiskSignal

    if decision not in ("NEW", "CONFIRMED", "DISMISSED"):
        raise BadReviewDecision(decision)
    reason = (reason or "").strip()
    if decision == "DISMISSED" and not reason:
        raise ReviewReasonRequired(signal_id)
    signal = session.get(RiskSignal, signal_id)
    if signal is None:
        raise UnknownSignal(signal_id)
    if scope is not None:
        branch = session.execute(
            select(Customer.branch_code).where(Customer.customer_no == signal.customer_no)
        ).scalar_one_or_none()
        if branch is None or branch not in scope:
            raise NotFound(what="signal", key=signal_id)
    old = signal.status
    signal.status = decision
    signal.review_reason = reason or None
    if decision == "NEW":
        signal.reviewed_by = None
        signal.reviewed_at = None
    else:
        signal.reviewed_by = actor
        signal.reviewed_at = audit.database_now(session)
    session.flush()
    audit.append(
        session,
        actor,
        "REVIEW_SIGNAL",
        "risk_signal",
        str(signal_id),
        {"old": old, "new": decision, "reason": reason, "customer_no": signal.customer_no},
    )
