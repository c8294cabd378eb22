"""Unmasking personal data: the full value of one field of one record, for a reason.

Rules:

* ID numbers and phones are masked wherever the workstation shows or writes them
  (:mod:`data.rules.idcodes`); the data model stores no bank card numbers.
* Unmasking is a permission of head-office risk managers and auditors
  (:data:`UNMASK_ROLES`) only; anyone else is refused (``UNMASK_ROLE``).
* A reason is required (``UNMASK_REASON_REQUIRED``): blank or whitespace is not one.
* Only one record's one field at a time, and only a record within the user's scope; a
  record out of scope gets the same ``NotFound`` as one that does not exist, so scope
  never leaks what exists elsewhere.
* Every unmasking is audited (``UNMASK_PERSONAL_DATA``: who, which record, which field,
  the reason, never the value) in the caller's transaction, the one that reads the value:
  no value is returned without its audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from data import audit
from data.errors import LoanSightError, NotFound
from data.models import Customer, Staff
from data.rules.idcodes import mask_id, mask_phone

UNMASK_ROLES = frozenset({"HEAD_RISK", "AUDITOR"})
#: (entity, field) -> how the field is masked when shown
PERSONAL_FIELDS: dict[tuple[str, str], Callable[[str], str]] = {
    ("customer", "legal_rep_id"): mask_id,
    ("customer", "phone"): mask_phone,
    ("staff", "phone"): mask_phone,
}
MAX_REASON = 500
UNMASK_ACTION = "UNMASK_PERSONAL_DATA"

Scope = frozenset[str] | None


class UnmaskRefused(LoanSightError):
    """An unmasking the rules do not allow; ``code`` names the rule for the UI to word."""

    code = "UNMASK_REFUSED"
    template = "{code}: personal data not unmasked"

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(**params)
        self.code = code
        self.args = (f"{code}: personal data not unmasked {params}",)


def may_unmask(user: Any) -> bool:
    """Whether the user's role may unmask at all (the UI offers the button only then)."""
    return bool(getattr(user, "role", None) in UNMASK_ROLES)


def _record(session: Session, entity: str, key: str) -> tuple[Any, str]:
    """The record and the branch whose scope it belongs to."""
    if entity == "customer":
        customer = session.get(Customer, key)
        if customer is not None:
            return customer, customer.branch_code
    elif entity == "staff":
        staff = session.get(Staff, key)
        if staff is not None:
            return staff, staff.branch_code
    raise NotFound(what=entity, key=key)


def masked(session: Session, scope: Scope, entity: str, key: str, field: str) -> str:
    """The field as every screen shows it (masked), if the record is in scope; a read, not
    audited."""
    mask = PERSONAL_FIELDS.get((entity, field))
    if mask is None:
        raise UnmaskRefused("UNMASK_UNKNOWN_FIELD", entity=entity, field=field)
    record, branch_code = _record(session, entity, key)
    if scope is not None and branch_code not in scope:
        raise NotFound(what=entity, key=key)
    return mask(str(getattr(record, field) or ""))


def unmask(session: Session, user: Any, entity: str, key: str, field: str, reason: str) -> str:
    """The full value of ``field`` of one record, audited in the caller's (write)
    transaction; see the module's rules."""
    if (entity, field) not in PERSONAL_FIELDS:
        raise UnmaskRefused("UNMASK_UNKNOWN_FIELD", entity=entity, field=field)
    if not may_unmask(user):
        raise UnmaskRefused("UNMASK_ROLE", role=getattr(user, "role", None))
    reason = (reason or "").strip()
    if not reason:
        raise UnmaskRefused("UNMASK_REASON_REQUIRED")
    if len(reason) > MAX_REASON:
        raise UnmaskRefused("UNMASK_REASON_TOO_LONG", limit=MAX_REASON)
    record, branch_code = _record(session, entity, key)
    if user.scope is not None and branch_code not in user.scope:
        raise NotFound(what=entity, key=key)
    value = str(getattr(record, field) or "")
    audit.append(
        session,
        user.employee_no,
        UNMASK_ACTION,
        entity,
        key,
        {"field": field, "reason": reason, "branch_code": branch_code},
    )
    return value
