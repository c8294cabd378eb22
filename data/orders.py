"""Supervision orders (督导): head office orders a branch, or one client manager, to act on an
inspection or a customer by a date; the branch answers; head office closes the order or
sends it back with a remark. Tracked to closure, counted on the dashboard and in the
supervision report.

States: OPEN ──branch answers──> ANSWERED ──head office closes──> CLOSED
                  ^                  │
                  └── sent back ─────┘ (with a remark)

Overdue is a fact of the date: OPEN (not yet answered) past ``due_on``. Every write
checks the version the user saw (two desktops: the second gets :class:`OrderConflict`)
and audits itself in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from data import audit
from data.customers import _after, _branch_codes, _like
from data.models import AuditEvent, Branch, Customer, Inspection, Staff, SupervisionOrder

ACTIONS = ("REINSPECT", "RECTIFY", "EXPLAIN")
STATUSES = ("OPEN", "ANSWERED", "CLOSED")
PAGE_SIZE = 200
Scope = frozenset[str] | None
CST = dt.timezone(dt.timedelta(hours=8))


class OrderRefused(ValueError):
    """An order write the rules do not allow; ``code`` names the rule for the UI to word."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


class OrderConflict(RuntimeError):
    """Someone else changed the order first."""

    code = "ORDER_CONFLICT"

    def __init__(self, order_no: str, status: str) -> None:
        super().__init__(order_no, status)
        self.order_no = order_no
        self.status = status


def _in_scope(user: Any, branch_code: str) -> bool:
    return user.scope is None or branch_code in user.scope


def create_order(
    session: Session,
    user: Any,
    *,
    customer_no: str,
    action: str,
    instruction: str,
    due_on: dt.date,
    inspection_id: int | None = None,
    assignee_no: str | None = None,
    today: dt.date | None = None,
) -> str:
    """Head office orders the customer's branch (or ``assignee_no``, a client manager of
    that branch) to act; returns the order number (``DD`` + date + serial)."""
    if user.role != "HEAD_RISK":
        raise OrderRefused("ROLE_MAY_NOT_ORDER", role=user.role)
    if action not in ACTIONS:
        raise OrderRefused("UNKNOWN_ORDER_ACTION", action=action)
    instruction = (instruction or "").strip()
    if not instruction:
        raise OrderRefused("INSTRUCTION_REQUIRED")
    today = today or dt.datetime.now(CST).date()
    if due_on < today:
        raise OrderRefused("DUE_IN_THE_PAST", due_on=due_on.isoformat())
    customer = session.get(Customer, customer_no)
    if customer is None or not _in_scope(user, customer.branch_code):
        raise OrderRefused("UNKNOWN_CUSTOMER", customer_no=customer_no)
    if inspection_id is not None:
        owner = session.execute(
            select(Inspection.customer_no).where(Inspection.id == inspection_id)
        ).scalar_one_or_none()
        if owner != customer_no:
            raise OrderRefused("INSPECTION_NOT_OF_CUSTOMER", inspection_id=inspection_id)
    if assignee_no is not None:
        staff = session.get(Staff, assignee_no)
        if staff is None or (
            staff.branch_code != customer.branch_code and assignee_no != customer.manager_no
        ):
            raise OrderRefused("ASSIGNEE_NOT_OF_BRANCH", assignee_no=assignee_no)
    now = audit.database_now(session)
    order = SupervisionOrder(
        # the number is made from the row's id, known after the insert: until then the row
        # holds a random unique one, so two orders inserted at once never collide
        order_no=f"new-{uuid.uuid4().hex[:24]}",  # the column holds 30
        action=action,
        customer_no=customer_no,
        inspection_id=inspection_id,
        branch_code=customer.branch_code,
        assignee_no=assignee_no,
        instruction=instruction,
        due_on=due_on,
        status="OPEN",
        version=0,
        created_by=user.employee_no,
        created_at=now,
        answer="",
        remark="",
    )
    session.add(order)
    session.flush()
    order.order_no = f"DD{now.astimezone(CST):%Y%m%d}{order.id:06d}"
    session.flush()
    audit.append(
        session,
        user.employee_no,
        "ORDER_CREATE",
        "supervision_order",
        order.order_no,
        {
            "action": action,
            "customer_no": customer_no,
            "inspection_id": inspection_id,
            "branch_code": customer.branch_code,
            "assignee_no": assignee_no,
            "due_on": due_on.isoformat(),
            "instruction": instruction,
        },
    )
    return order.order_no


def _move(
    session: Session, order_no: str, version: int, from_status: str, values: dict[str, Any]
) -> SupervisionOrder:
    moved = session.execute(
        update(SupervisionOrder)
        .where(
            SupervisionOrder.order_no == order_no,
            SupervisionOrder.version == version,
            SupervisionOrder.status == from_status,
        )
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        status = session.execute(
            select(SupervisionOrder.status).where(SupervisionOrder.order_no == order_no)
        ).scalar_one_or_none()
        if status is None:
            raise OrderRefused("UNKNOWN_ORDER", order_no=order_no)
        raise OrderConflict(order_no, status)
    order = session.execute(
        select(SupervisionOrder).where(SupervisionOrder.order_no == order_no)
    ).scalar_one()
    session.refresh(order)
    return order


def _order(session: Session, order_no: str) -> SupervisionOrder:
    order = session.execute(
        select(SupervisionOrder).where(SupervisionOrder.order_no == order_no)
    ).scalar_one_or_none()
    if order is None:
        raise OrderRefused("UNKNOWN_ORDER", order_no=order_no)
    return order


def answer_order(session: Session, user: Any, order_no: str, version: int, answer: str) -> None:
    """The branch answers an open order: a branch approver of its branch."""
    order = _order(session, order_no)
    if user.role != "BRANCH_APPROVER" or not _in_scope(user, order.branch_code):
        raise OrderRefused("MAY_NOT_ANSWER", role=user.role)
    answer = (answer or "").strip()
    if not answer:
        raise OrderRefused("ANSWER_REQUIRED")
    now = audit.database_now(session)
    _move(
        session,
        order_no,
        version,
        "OPEN",
        {"status": "ANSWERED", "answer": answer, "answered_by": user.employee_no, "answered_at": now},
    )
    audit.append(session, user.employee_no, "ORDER_ANSWER", "supervision_order", order_no, {"answer": answer})


def close_order(session: Session, user: Any, order_no: str, version: int, remark: str = "") -> None:
    """Head office accepts the answer and closes the order."""
    if user.role != "HEAD_RISK":
        raise OrderRefused("ROLE_MAY_NOT_CLOSE", role=user.role)
    remark = (remark or "").strip()
    now = audit.database_now(session)
    _move(
        session,
        order_no,
        version,
        "ANSWERED",
        {"status": "CLOSED", "closed_by": user.employee_no, "closed_at": now, "remark": remark},
    )
    audit.append(session, user.employee_no, "ORDER_CLOSE", "supervision_order", order_no, {"remark": remark})


def send_back_order(session: Session, user: Any, order_no: str, version: int, remark: str) -> None:
    """Head office does not accept the answer: the order is open again, with a remark."""
    if user.role != "HEAD_RISK":
        raise OrderRefused("ROLE_MAY_NOT_CLOSE", role=user.role)
    remark = (remark or "").strip()
    if not remark:
        raise OrderRefused("REMARK_REQUIRED")
    _move(session, order_no, version, "ANSWERED", {"status": "OPEN", "remark": remark})
    audit.append(
        session, user.employee_no, "ORDER_SEND_BACK", "supervision_order", order_no, {"remark": remark}
    )


# -- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None  # OPEN, ANSWERED, CLOSED, OVERDUE (open past due)
    branch_code: str | None = None
    manager_no: str | None = None  # the customer's client manager
    action: str | None = None
    customer_no: str | None = None
    inspection_id: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class OrderRow:
    order_no: str
    version: int
    status: str
    overdue: bool
    action: str
    customer_no: str
    customer_name: str
    inspection_id: int | None
    branch_code: str
    branch_name: str
    assignee_no: str | None
    assignee_name: str | None
    instruction: str
    due_on: dt.date
    created_by: str
    created_by_name: str
    created_at: dt.datetime
    answer: str
    answered_by: str | None
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    remark: str


ORDER_SORT_KEYS = ("due_on", "created_at", "order_no", "customer_name", "branch_name", "status")


def _order_conditions(
    session: Session, scope: Scope, flt: OrderFilter, today: dt.date
) -> list[ColumnElement[bool]]:
    o = SupervisionOrder
    conds: list[ColumnElement[bool]] = []
    codes = _branch_codes(session, scope, flt.branch_code)
    if codes is not None:
        conds.append(o.branch_code.in_(codes))
    if flt.status == "OVERDUE":
        conds.extend([o.status == "OPEN", o.due_on < today])
    elif flt.status:
        conds.append(o.status == flt.status)
    if flt.manager_no:
        conds.append(Customer.manager_no == flt.manager_no)
    if flt.action:
        conds.append(o.action == flt.action)
    if flt.customer_no:
        conds.append(o.customer_no == flt.customer_no)
    if flt.inspection_id is not None:
        conds.append(o.inspection_id == flt.inspection_id)
    if flt.text and flt.text.strip():
        needle = _like(flt.text)
        conds.append(
            or_(
                Customer.name.like(f"%{needle}%", escape="\\"),
                o.customer_no.like(f"{needle}%", escape="\\"),
                o.order_no.like(f"{needle}%", escape="\\"),
            )
        )
    return conds


def _order_select() -> tuple[Any, dict[str, Any]]:
    o = SupervisionOrder
    assignee = aliased(Staff)
    creator = aliased(Staff)
    sorts: dict[str, Any] = {
        "due_on": o.due_on,
        "created_at": o.created_at,
        "order_no": o.order_no,
        "customer_name": Customer.name,
        "branch_name": Branch.name,
        "status": case({"OPEN": 0, "ANSWERED": 1, "CLOSED": 2}, value=o.status, else_=3),
    }
    stmt = (
        select(
            o.order_no,
            o.version,
            o.status,
            o.action,
            o.customer_no,
            Customer.name,
            o.inspection_id,
            o.branch_code,
            Branch.name,
            o.assignee_no,
            assignee.name,
            o.instruction,
            o.due_on,
            o.created_by,
            creator.name,
            o.created_at,
            o.answer,
            o.answered_by,
            o.answered_at,
            o.closed_at,
            o.remark,
        )
        .select_from(o)
        .join(Customer, Customer.customer_no == o.customer_no)
        .join(Branch, Branch.code == o.branch_code)
        .join(creator, creator.employee_no == o.created_by)
        .outerjoin(assignee, assignee.employee_no == o.assignee_no)
    )
    return stmt, sorts


def _row(r: Any, today: dt.date) -> OrderRow:
    return OrderRow(
        order_no=r[0],
        version=r[1],
        status=r[2],
        overdue=r[2] == "OPEN" and r[12] < today,
        action=r[3],
        customer_no=r[4],
        customer_name=r[5],
        inspection_id=r[6],
        branch_code=r[7],
        branch_name=r[8],
        assignee_no=r[9],
        assignee_name=r[10],
        instruction=r[11],
        due_on=r[12],
        created_by=r[13],
        created_by_name=r[14],
        created_at=r[15],
        answer=r[16],
        answered_by=r[17],
        answered_at=r[18],
        closed_at=r[19],
        remark=r[20],
    )


def order_sort_value(row: OrderRow, sort: str) -> Any:
    if sort == "status":
        return {"OPEN": 0, "ANSWERED": 1, "CLOSED": 2}.get(row.status, 3)
    return getattr(row, sort)


def order_page(
    session: Session,
    scope: Scope,
    flt: OrderFilter,
    *,
    sort: str = "due_on",
    descending: bool = False,
    after: tuple[Any, str] | None = None,
    limit: int = PAGE_SIZE,
    today: dt.date | None = None,
) -> list[OrderRow]:
    if sort not in ORDER_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    today = today or dt.datetime.now(CST).date()
    stmt, sorts = _order_select()
    key = sorts[sort]
    o = SupervisionOrder
    stmt = stmt.where(
        *_order_conditions(session, scope, flt, today), *_after(key, o.order_no, after, descending)
    )
    order = (key.desc(), o.order_no.desc()) if descending else (key.asc(), o.order_no.asc())
    return [_row(r, today) for r in session.execute(stmt.order_by(*order).limit(limit)).all()]


def order_count(session: Session, scope: Scope, flt: OrderFilter, *, today: dt.date | None = None) -> int:
    today = today or dt.datetime.now(CST).date()
    stmt = (
        select(func.count())
        .select_from(SupervisionOrder)
        .join(Customer, Customer.customer_no == SupervisionOrder.customer_no)
        .where(*_order_conditions(session, scope, flt, today))
    )
    return int(session.execute(stmt).scalar_one())


@dataclass(frozen=True)
class OrderCounts:
    open: int  # not yet answered
    overdue: int  # of those, past due
    answered: int  # waiting for head office
    closed: int


def order_counts(session: Session, scope: Scope, today: dt.date | None = None) -> OrderCounts:
    """Orders in scope by status: the dashboard's card and the supervision report."""
    today = today or dt.datetime.now(CST).date()
    o = SupervisionOrder
    stmt = select(o.status, func.count(), func.sum(case((o.due_on < today, 1), else_=0))).group_by(o.status)
    if scope is not None:
        stmt = stmt.where(o.branch_code.in_(sorted(scope)))
    counts = {"OPEN": 0, "ANSWERED": 0, "CLOSED": 0}
    overdue = 0
    for status, n, late in session.execute(stmt).all():
        counts[str(status)] = int(str(n))
        if status == "OPEN":
            overdue = int(str(late or 0))
    return OrderCounts(counts["OPEN"], overdue, counts["ANSWERED"], counts["CLOSED"])


def order_row(
    session: Session, scope: Scope, order_no: str, *, today: dt.date | None = None
) -> OrderRow | None:
    """One order as the list shows it, if it is in scope (None: no such order, or not the
    user's to see)."""
    today = today or dt.datetime.now(CST).date()
    o = SupervisionOrder
    stmt, _sorts = _order_select()
    stmt = stmt.where(o.order_no == order_no)
    if scope is not None:
        stmt = stmt.where(o.branch_code.in_(sorted(scope)))
    found = session.execute(stmt.limit(1)).first()
    if found is None:
        return None
    return _row(found, today)


@dataclass(frozen=True)
class OrderEvent:
    """One step in an order's life, from the audit trail (created, answered, sent back,
    closed), oldest first."""

    at: dt.datetime
    action: str  # ORDER_CREATE, ORDER_ANSWER, ORDER_SEND_BACK, ORDER_CLOSE
    actor: str
    actor_name: str | None
    text: str  # the instruction, answer or remark written with it


_EVENT_TEXT = {
    "ORDER_CREATE": "instruction",
    "ORDER_ANSWER": "answer",
    "ORDER_SEND_BACK": "remark",
    "ORDER_CLOSE": "remark",
}


def order_history(session: Session, scope: Scope, order_no: str) -> list[OrderEvent]:
    """The order's timeline, read from the audit events written with each step (a sent-back
    order answered twice shows both answers); empty when the order is not in scope."""
    if order_row(session, scope, order_no) is None:
        return []
    a = AuditEvent
    stmt = (
        select(a.at, a.action, a.actor, Staff.name, a.details)
        .outerjoin(Staff, Staff.employee_no == a.actor)
        .where(a.entity_type == "supervision_order", a.entity_id == order_no)
        .order_by(a.id)
    )
    events = []
    for at, action, actor, name, details in session.execute(stmt).all():
        try:
            payload = json.loads(details or "{}")
        except ValueError:
            payload = {}
        text = payload.get(_EVENT_TEXT.get(action, ""), "") if isinstance(payload, dict) else ""
        events.append(OrderEvent(at, action, actor, name, str(text or "")))
    return events


@dataclass(frozen=True)
class OrderCustomer:
    """What the new-order dialog shows of the customer an order is for."""

    customer_no: str
    name: str
    branch_code: str
    branch_name: str
    manager_no: str | None
    manager_name: str | None


def order_customer(session: Session, scope: Scope, customer_no: str) -> OrderCustomer | None:
    """The customer an order would be for, if it exists and is in scope."""
    stmt = (
        select(
            Customer.customer_no,
            Customer.name,
            Customer.branch_code,
            Branch.name,
            Customer.manager_no,
            Staff.name,
        )
        .join(Branch, Branch.code == Customer.branch_code)
        .outerjoin(Staff, Staff.employee_no == Customer.manager_no)
        .where(Customer.customer_no == customer_no.strip())
    )
    if scope is not None:
        stmt = stmt.where(Customer.branch_code.in_(sorted(scope)))
    found = session.execute(stmt).first()
    return None if found is None else OrderCustomer(*found)
