"""The demo's approval history: what branch approvers and head office decided on the older
inspections, so the queues hold what a real working day would (the recent inspections,
and what head office has yet to review), and the decision history, the audit trail and
the dashboard have something to show.

Every decision obeys the workflow's rules (:mod:`data.rules.approval`, four-eyes included,
and the database's triggers check it again); they are written in bulk, with their audit
events, because the bank-scale demo decides on about 200,000 inspections.
Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from data import audit
from data.approvals import load_settings
from data.auth import branch_scope
from data.db import Database
from data.models import Customer, HealthScore, Inspection, InspectionDecision, InspectionFlag, Staff, table
from data.rules import approval as rules

#: inspections submitted in the last this many days wait for their branch approver, and
#: those submitted in the six days before that, if head office must review them, for head
#: office. The bank-scale demo is a load test: its backlog is the issue's queue of more
#: than 10,000 waiting inspections (about 550 are submitted a day).
PENDING_DAYS = 10
BANK_PENDING_DAYS = 20
HEAD_EXTRA_DAYS = 6
BATCH = 5000
#: the branch approver's choice on an older inspection (cumulative weights)
_BRANCH_CHOICES = ((0.90, rules.APPROVE), (0.95, rules.RETURN), (0.97, rules.REJECT), (1.0, rules.ESCALATE))
_COMMENTS = {
    rules.RETURN: "请补拍经营场所照片并补充库存情况说明",
    rules.REJECT: "定位与经营地址不符，检查无效，请重新安排检查",
    rules.ESCALATE: "客户风险信号较多，提请总行关注",
    rules.SEND_BACK: "请分行核实抵押物现状后重新审批",
}


def _approvers(session: Session) -> tuple[dict[str, list[str]], list[str]]:
    """Branch code → the branch approvers whose scope holds it; and head office's risk managers."""
    by_branch: dict[str, list[str]] = {}
    head: list[str] = []
    for no, role, branch in session.execute(
        select(Staff.employee_no, Staff.role, Staff.branch_code)
        .where(Staff.active.is_(True), Staff.role.in_(("BRANCH_APPROVER", "HEAD_RISK")))
        .order_by(Staff.employee_no)
    ):
        if role == "HEAD_RISK":
            head.append(no)
            continue
        for code in branch_scope(session, branch):
            by_branch.setdefault(code, []).append(no)
    return by_branch, head


def _pick(candidates: Sequence[str], *excluded: str | None) -> str | None:
    return next((c for c in candidates if c not in excluded), None)


def settle_demo_workflow(
    db: Database, today: dt.date, *, seed: int = 20261128, pending_days: int = PENDING_DAYS
) -> int:
    """Decide on the current, still submitted inspections older than ``pending_days``, and
    return for rework every revision a resubmission replaced (that is why the manager sent
    it again): returns how many decisions were written."""
    rng = random.Random(seed)
    cutoff = dt.datetime.combine(today - dt.timedelta(days=pending_days), dt.time(), rules.CST).astimezone(
        dt.UTC
    )
    with db.read_session() as s:
        settings = load_settings(s)
        approvers, head = _approvers(s)
        latest = select(func.max(HealthScore.as_of)).scalar_subquery()
        high = exists().where(
            InspectionFlag.inspection_id == Inspection.id, InspectionFlag.severity == "HIGH"
        )
        rows = s.execute(
            select(
                Inspection.id,
                Inspection.bundle_id,
                Inspection.revision,
                Inspection.submitted_at,
                Inspection.inspector_no,
                Inspection.companion_no,
                Inspection.customer_no,
                Customer.branch_code,
                Customer.manager_no,
                HealthScore.tier,
                high,
                Inspection.is_current,
            )
            .join(Customer, Customer.customer_no == Inspection.customer_no)
            .outerjoin(
                HealthScore,
                and_(HealthScore.customer_no == Inspection.customer_no, HealthScore.as_of == latest),
            )
            .where(
                Inspection.state == rules.SUBMITTED,
                or_(
                    and_(Inspection.is_current.is_(True), Inspection.submitted_at < cutoff),
                    Inspection.is_current.is_(False),
                ),
            )
            .order_by(Inspection.submitted_at, Inspection.id)
        ).all()
    head_cutoff = dt.datetime.combine(
        today - dt.timedelta(days=pending_days + HEAD_EXTRA_DAYS), dt.time(), rules.CST
    )
    written = 0
    for start in range(0, len(rows), BATCH):
        written += _settle(db, rows[start : start + BATCH], approvers, head, settings, rng, head_cutoff)
    return written


def _settle(
    db: Database,
    rows: Sequence[Any],
    approvers: dict[str, list[str]],
    head: list[str],
    settings: rules.ApprovalSettings,
    rng: random.Random,
    head_cutoff: dt.datetime,
) -> int:
    moves: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    records: list[audit.AuditRecord] = []
    for r in rows:
        approver = _pick(approvers.get(r.branch_code, ()), r.inspector_no, r.companion_no, r.manager_no)
        reviewer = _pick(head, r.inspector_no, r.companion_no, r.manager_no)
        if approver is None or reviewer is None:
            continue  # nobody may decide: it stays in the queue, as it would at the bank
        case = rules.Case(rules.SUBMITTED, r.branch_code, r.inspector_no, r.companion_no, r.manager_no)
        roll = rng.random()
        action = next(a for w, a in _BRANCH_CHOICES if roll < w) if r.is_current else rules.RETURN
        # a branch decision one or two days after submission, head office's two days later;
        # a replaced revision was returned within the hour (before its resubmission)
        at = r.submitted_at + (
            dt.timedelta(hours=rng.randint(2, 40)) if r.is_current else dt.timedelta(hours=1)
        )
        steps: list[tuple[str, str, str, str, tuple[str, ...]]] = []  # actor, action, from, to, reasons
        comment = _COMMENTS.get(action, "")
        target = rules.check_decision(
            rules.Decider(approver, "BRANCH_APPROVER", None),
            case,
            action,
            comment=comment,
            reason_code="PHOTOS" if action == rules.RETURN else "",
        )
        reasons: tuple[str, ...] = ()
        if action == rules.APPROVE:
            month = r.submitted_at.astimezone(rules.CST).strftime("%Y-%m")
            sampled = rules.in_sample(
                settings.sample_seed, r.branch_code, month, r.bundle_id, settings.sample_rate
            )
            reasons = rules.review_reasons(r.tier, bool(r[10]), sampled)
            target = rules.approve_target(reasons)
        steps.append((approver, action, rules.SUBMITTED, target, reasons))
        if target in rules.HEAD_PENDING and r.submitted_at < head_cutoff:
            final = rules.SEND_BACK if rng.random() < 0.08 else rules.CONFIRM
            steps.append((reviewer, final, target, rules.TRANSITIONS[(target, final)], ()))
            if final == rules.SEND_BACK:
                steps.append(
                    (
                        approver,
                        rules.APPROVE,
                        rules.REOPENED,
                        rules.APPROVED,
                        reasons or (rules.REVIEW_SAMPLE,),
                    )
                )
                steps.append((reviewer, rules.CONFIRM, rules.APPROVED, rules.CONFIRMED, ()))
        for version, (actor, act, before, after, why) in enumerate(steps):
            at = at + dt.timedelta(hours=rng.randint(3, 30)) if version else at
            text = _COMMENTS.get(act, "")
            decisions.append(
                {
                    "inspection_id": r.id,
                    "from_version": version,
                    "level": rules.level_of(act),
                    "action": act,
                    "from_state": before,
                    "to_state": after,
                    "actor": actor,
                    "at": at,
                    "reason_code": "PHOTOS" if act == rules.RETURN else None,
                    "comment": text,
                    "review_reasons": json.dumps(list(why)),
                }
            )
            records.append(
                audit.AuditRecord(
                    actor,
                    f"INSPECTION_{act}",
                    "inspection",
                    str(r.id),
                    {
                        "bundle_id": r.bundle_id,
                        "revision": r.revision,
                        "customer_no": r.customer_no,
                        "from": before,
                        "to": after,
                        "version": version + 1,
                        "comment": text,
                        "demo": True,
                    },
                )
            )
        moves.append({"_id": r.id, "_state": steps[-1][3], "_version": len(steps), "_at": at})
    if not moves:
        return 0
    i = table(Inspection).c
    with db.write_session() as s:
        s.connection().execute(
            update(table(Inspection))
            .where(i.id == bindparam("_id"), i.state_version == 0)
            .values(
                state=bindparam("_state"), state_version=bindparam("_version"), state_at=bindparam("_at")
            ),
            moves,
        )
        s.connection().execute(insert(table(InspectionDecision)), decisions)
        audit.append_many(s, records)
    return len(decisions)


_ORDERS = (
    ("REINSPECT", "该客户风险等级为红色，请于期限内重新实地检查并补充经营场所及库存照片。"),
    ("RECTIFY", "检查记录存在定位与经营地址不符问题，请分行督促客户经理整改并说明原因。"),
    ("EXPLAIN", "请说明该客户近期司法涉诉及欠税情况对还款能力的影响。"),
)
_ANSWERS = (
    "已安排客户经理重新实地检查，照片及检查记录已补充提交。",
    "经核实系定位信号偏差，已督促客户经理整改并加强培训。",
    "客户涉诉金额较小，已与客户沟通还款计划，风险可控。",
)


def demo_orders(db: Database, today: dt.date, *, seed: int = 20261128, per_branch: int = 4) -> int:
    """Head office's supervision orders on some of the riskiest customers of each branch,
    made, answered and closed through the real commands (so every step is audited): some
    still open, some answered and waiting for head office, some closed."""
    from data.auth import user_session
    from data.orders import answer_order, close_order, create_order

    rng = random.Random(seed + 1)
    made = 0
    with db.read_session() as s:
        staff = {
            st.employee_no: user_session(s, st)
            for st in s.scalars(select(Staff).where(Staff.active.is_(True)))
        }
        heads = [u for u in staff.values() if u.role == "HEAD_RISK"]
        approvers = [u for u in staff.values() if u.role == "BRANCH_APPROVER"]
        latest = select(func.max(HealthScore.as_of)).scalar_subquery()
        risky: dict[str, list[tuple[int, str, int | None]]] = {}
        for customer_no, branch_code, inspection_id, tier in s.execute(
            select(Customer.customer_no, Customer.branch_code, func.max(Inspection.id), HealthScore.tier)
            .join(
                HealthScore,
                and_(HealthScore.customer_no == Customer.customer_no, HealthScore.as_of == latest),
            )
            .outerjoin(
                Inspection,
                and_(Inspection.customer_no == Customer.customer_no, Inspection.is_current.is_(True)),
            )
            .where(HealthScore.tier != "NORMAL")
            .group_by(Customer.customer_no, Customer.branch_code, HealthScore.tier)
            .order_by(Customer.customer_no)
        ):
            rank = ("BLUE", "YELLOW", "ORANGE", "RED").index(tier)
            risky.setdefault(branch_code, []).append((-rank, customer_no, inspection_id))
    if not heads:
        return 0
    for approver in approvers:
        # the riskiest customers of the branch first
        pool = sorted(c for code in sorted(approver.scope or ()) for c in risky.get(code, ()))[
            : per_branch * 3
        ]
        for _rank, customer_no, visit in rng.sample(pool, min(per_branch, len(pool))):
            action, instruction = rng.choice(_ORDERS)
            # issued today (the command stamps the time), due within two weeks: an order
            # dated today yet already overdue would not be honest demo data
            due = today + dt.timedelta(days=rng.randint(3, 14))
            with db.write_session() as s:
                order_no = create_order(
                    s,
                    heads[0],
                    customer_no=customer_no,
                    action=action,
                    instruction=instruction,
                    due_on=due,
                    inspection_id=visit if action != "EXPLAIN" else None,
                    today=today,
                )
            made += 1
            fate = rng.random()
            if fate < 0.35:
                continue  # still open
            with db.write_session() as s:
                answer_order(s, approver, order_no, 0, rng.choice(_ANSWERS))
            if fate < 0.65:
                continue  # answered, for head office to close
            with db.write_session() as s:
                close_order(s, heads[0], order_no, 1, "整改到位，同意办结。")
    return made
