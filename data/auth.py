"""Logging in, lock-out, and the scope every query is limited to.

Rules:
* only active staff with a role that uses the workstation (branch approver, head-office
  risk manager, auditor, administrator) can log in; client managers cannot;
* five failed attempts in a row lock the account for 15 minutes; a success resets the
  count; every success, failure and lock is audited;
* a branch approver sees their branch and its sub-branches only; head-office risk
  managers, auditors and administrators see the whole bank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import audit
from data.models import Branch, Staff
from data.security import LOGIN_ROLES, hash_password, needs_rehash, verify_password

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


@dataclass(frozen=True)
class UserSession:
    """Who is logged in, and what they may see."""

    employee_no: str
    name: str
    role: str
    branch_code: str
    branch_name: str
    #: the branch codes this user may see; None means the whole bank
    scope: frozenset[str] | None

    @property
    def whole_bank(self) -> bool:
        return self.scope is None

    @property
    def read_only(self) -> bool:
        return self.role == "AUDITOR"

    @property
    def may_decide(self) -> bool:
        """Administrators and auditors approve nothing."""
        return self.role in ("BRANCH_APPROVER", "HEAD_RISK")


@dataclass(frozen=True)
class LoginResult:
    user: UserSession | None
    #: None on success; else BAD_CREDENTIALS, LOCKED, NOT_ALLOWED
    error: str | None = None
    attempts_left: int = 0
    locked_until: dt.datetime | None = None


def branch_scope(session: Session, branch_code: str) -> frozenset[str]:
    """A branch and everything below it."""
    children: dict[str | None, list[str]] = {}
    for code, parent in session.execute(select(Branch.code, Branch.parent_code)).all():
        children.setdefault(parent, []).append(code)
    out, todo = {branch_code}, [branch_code]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return frozenset(out)


def user_session(session: Session, staff: Staff) -> UserSession:
    branch = session.get(Branch, staff.branch_code)
    scope = branch_scope(session, staff.branch_code) if staff.role == "BRANCH_APPROVER" else None
    return UserSession(
        staff.employee_no, staff.name, staff.role, staff.branch_code, branch.name if branch else "", scope
    )


def authenticate(session: Session, employee_no: str, password: str) -> LoginResult:
    """Check a login in the caller's (write) transaction, counting failures."""
    now = audit.database_now(session)
    staff = session.get(Staff, employee_no.strip())
    if staff is None or not staff.active or staff.role not in LOGIN_ROLES:
        # the same answer as a wrong password: do not reveal who exists
        audit.append(
            session, employee_no[:50] or "?", "LOGIN_FAILED", "staff", employee_no[:100], {"why": "unknown"}
        )
        return LoginResult(None, "BAD_CREDENTIALS", attempts_left=MAX_FAILED_LOGINS)
    if staff.locked_until is not None and staff.locked_until > now:
        audit.append(
            session, staff.employee_no, "LOGIN_FAILED", "staff", staff.employee_no, {"why": "locked"}
        )
        return LoginResult(None, "LOCKED", locked_until=staff.locked_until)
    if not verify_password(staff.password_hash, password):
        staff.failed_logins = (staff.failed_logins or 0) + 1
        details: dict[str, object] = {"failed": staff.failed_logins}
        if staff.failed_logins >= MAX_FAILED_LOGINS:
            staff.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
            staff.failed_logins = 0
            details["locked_until"] = staff.locked_until.isoformat()
            audit.append(session, staff.employee_no, "ACCOUNT_LOCKED", "staff", staff.employee_no, details)
            return LoginResult(None, "LOCKED", locked_until=staff.locked_until)
        audit.append(session, staff.employee_no, "LOGIN_FAILED", "staff", staff.employee_no, details)
        return LoginResult(None, "BAD_CREDENTIALS", attempts_left=MAX_FAILED_LOGINS - staff.failed_logins)
    staff.failed_logins = 0
    staff.locked_until = None
    details = {}
    if staff.password_hash and needs_rehash(staff.password_hash):
        # the hash was made with weaker settings: the password is at hand, upgrade it
        staff.password_hash = hash_password(password)
        details["rehashed"] = True
    audit.append(session, staff.employee_no, "LOGIN", "staff", staff.employee_no, details)
    return LoginResult(user_session(session, staff))


def check_password(session: Session, employee_no: str, password: str) -> bool:
    """Unlock after idle: the same password, the same lock-out rules."""
    result = authenticate(session, employee_no, password)
    return result.user is not None
