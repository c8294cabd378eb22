"""Writes. Each runs in the caller's transaction and audits itself in it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data import audit
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
