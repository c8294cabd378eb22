"""Scope, everywhere: a branch approver of 唐山分行 (A0315) never reads or changes anything of
石家庄分行 (0311), in any list, count, chart, map, export or report, and every command
refuses 0311's objects.

One bank holds both branches' data (``tests.data._approval_bank``: the spec's examples
scored, inspections waiting, tasks, signals) plus a supervision order and an issued report
for each branch and a signal on a 0315 customer. Then, on both backends:

* every public function of ``data`` and ``data.reports`` that takes a ``scope`` or a
  ``user`` is listed here (a new one fails :func:`test_every_scoped_function_is_covered`
  until it is added to a list below);
* every read, called for A0315 (with filters that point at 0311 on purpose), returns
  nothing that names a 0311 customer, branch, client manager, inspection bundle, order,
  task or report; the reads of one record of 0311 answer "not found" (or nothing);
* every number A0315 sees (the dashboard's, the counts', the charts') is the same after
  0311's data changed (decisions, a new order, an answer, a signal, a report): the
  strongest form of "every number in it comes from 0315 only";
* every command refuses 0311's objects for A0315 and changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import data
import data.reports
from data.errors import LoanSightError
from data.models import AuditEvent, Customer, Inspection, PostLoanTask, RiskSignal, SupervisionOrder
from tests.data._approval_bank import AS_OF, Bank, load_bank

CST = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.datetime.now(CST).date()
NOW = dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)
PERIOD = ("2026-11-01", "2026-11-30")
SHIJIAZHUANG, TANGSHAN = "0311", "0315"

#: every public read that takes a scope (module.function), each called in :func:`_reads`
READS = frozenset(
    {
        "data.approvals.pending_count",
        "data.approvals.queue_count",
        "data.approvals.queue_page",
        "data.approvals.queue_row",
        "data.approvals.state_counts",
        "data.audit_trail.audit_choices",
        "data.audit_trail.audit_count",
        "data.audit_trail.audit_page",
        "data.audit_trail.export_csv",
        "data.audit_trail.iter_audit",
        "data.customers.customer_count",
        "data.customers.customer_managers",
        "data.customers.customer_page",
        "data.customers.customer_profile",
        "data.customers.signal_customer",
        "data.customers.task_count",
        "data.customers.task_managers",
        "data.customers.task_page",
        "data.dashboard.dashboard_data",
        "data.mapdata.branch_points",
        "data.mapdata.checkin_points",
        "data.mapdata.customer_points",
        "data.mapdata.inspection_map_data",
        "data.mapdata.latest_submission_day",
        "data.orders.order_count",
        "data.orders.order_counts",
        "data.orders.order_customer",
        "data.orders.order_history",
        "data.orders.order_page",
        "data.orders.order_row",
        "data.queries.filter_choices",
        "data.queries.inspection_count",
        "data.queries.inspection_detail",
        "data.queries.inspection_page",
        "data.risk_queries.open_issue_counts",
        "data.risk_queries.score_history",
        "data.risk_queries.task_counts",
        "data.risk_queries.tier_migration",
        "data.risk_queries.tier_summary",
        "data.risk_queries.tier_trend",
        "data.signal_list.check_signal_visible",
        "data.signal_list.signal_count",
        "data.signal_list.signal_page",
        "data.reports.inspection.inspection_report_data",
        "data.reports.inspection.make_inspection_report",
        "data.reports.store.issued_reports",
        "data.reports.supervision.supervision_data",
        "data.reports.supervision.make_supervision_report",
        "data.unmask.masked",
    }
)
#: every public write that takes a scope or a user, each tried in :func:`test_every_command_refuses_the_other_branch`
COMMANDS = frozenset(
    {
        "data.approvals.decide",
        "data.approvals.batch_approve",
        "data.orders.answer_order",
        "data.orders.close_order",
        "data.orders.create_order",
        "data.orders.send_back_order",
        "data.commands.review_signal",
        "data.reports.store.download",
        "data.audit_trail.export_audit_trail",
        "data.unmask.unmask",
    }
)
#: helpers that take a scope or user but read nothing themselves, and why
EXEMPT = {
    "data.approvals.decider_for": "turns a user into the rules' Decider; decide() is tested",
    "data.dashboard.scope_roots": "a pure function over the branch tree; dashboard_data is tested",
    "data.unmask.may_unmask": "the role rule alone; unmask() is tested",
    "data.db.server_url": "its user is the database login, not a workstation user",
    "data.reports.common.build_pdf": "renders what it is given; the viewer is the watermark",
    "data.reports.inspection.render_inspection_pdf": "renders inspection_report_data's answer (tested); the viewer is the watermark",
    "data.reports.supervision.render_supervision_pdf": "renders supervision_data's answer (tested); the viewer is the watermark",
    "data.reports.supervision.write_supervision_xlsx": "renders supervision_data's answer (tested); the viewer is the watermark",
}


def _scoped_functions() -> set[str]:
    found: set[str] = set()
    for package in (data, data.reports):
        for info in pkgutil.iter_modules(package.__path__):
            if info.ispkg:
                continue
            name = f"{package.__name__}.{info.name}"
            module = importlib.import_module(name)
            for fn_name, fn in inspect.getmembers(module, inspect.isfunction):
                if fn.__module__ != name or fn_name.startswith("_"):
                    continue
                params = inspect.signature(fn).parameters
                if "scope" in params or "user" in params or "viewer" in params:
                    found.add(f"{name}.{fn_name}")
    return found


def test_every_scoped_function_is_covered() -> None:
    """A function that takes a scope (or a user) must be added to READS or COMMANDS and
    tried below, or to EXEMPT with a reason: scope is never left to chance."""
    found = _scoped_functions()
    listed = READS | COMMANDS | set(EXEMPT)
    assert found - listed == set(), "scoped functions no test here covers"
    assert listed - found == set(), "listed functions that no longer exist"


# -- the bank -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Keys:
    """The objects of each branch the tests name."""

    bank: Bank
    orders: dict[str, str]  # branch -> order number
    reports: dict[str, int]  # branch -> issued report id
    report_nos: dict[str, str]
    signals: dict[str, int]  # branch -> a signal id
    inspections: dict[str, int]  # branch -> an inspection id
    customers: dict[str, str]  # branch -> a customer number
    forbidden: tuple[str, ...]  # texts that name 0311's objects


def _add_signal(db: Any, customer_no: str, signal_id: str) -> int:
    with db.write_session() as s:
        model = s.execute(select(RiskSignal).order_by(RiskSignal.id).limit(1)).scalar_one()
        values = {c.key: getattr(model, c.key) for c in RiskSignal.__table__.columns if c.key not in ("id",)}
        values.update(customer_no=customer_no, sent_customer_no=customer_no, signal_id=signal_id)
        values.update(status="NEW", reviewed_by=None, reviewed_at=None, review_reason=None)
        row = RiskSignal(**values)
        s.add(row)
        s.flush()
        return int(row.id)


def _issue_report(db: Any, branch: str, actor: str = "H0001") -> tuple[int, str]:
    from data.reports.store import issue, next_report_no

    with db.write_session() as s:
        from data import audit

        no = next_report_no(s, "SUPERVISION", audit.database_now(s))
        rid = issue(
            s,
            actor,
            report_no=no,
            kind="SUPERVISION",
            file_format="pdf",
            title=f"督导报告 {branch} 2026-11",
            branch_code=branch,
            content=f"%PDF report of {branch}".encode(),
            period="2026-11",
        )
    return rid, no


def _order(db: Any, user: Any, customer_no: str) -> str:
    from data.orders import create_order

    with db.write_session() as s:
        return create_order(
            s,
            user,
            customer_no=customer_no,
            action="RECTIFY",
            instruction=f"补充 {customer_no} 抵押物照片",
            due_on=TODAY + dt.timedelta(days=7),
        )


@pytest.fixture
def keys(db: Any, tmp_path: Path) -> Keys:
    bank = load_bank(db, tmp_path)
    head = bank.user("H0001")
    orders = {SHIJIAZHUANG: _order(db, head, "C0001000"), TANGSHAN: _order(db, head, "C0001004")}
    reports, report_nos = {}, {}
    for branch in (SHIJIAZHUANG, TANGSHAN):
        reports[branch], report_nos[branch] = _issue_report(db, branch)
    signals = {SHIJIAZHUANG: 1, TANGSHAN: _add_signal(db, "C0001004", "TS-0315-1")}
    with db.read_session() as s:
        assert s.get(RiskSignal, 1).customer_no == "C0001000"
        rows = s.execute(select(Customer).where(Customer.branch_code.like("0311%"))).scalars().all()
        forbidden: set[str] = {SHIJIAZHUANG, "031101", "031102", "A0311"}
        for c in rows:
            forbidden |= {c.customer_no, c.name, c.uscc, c.manager_no}
        customers_0311 = [c.customer_no for c in rows]
        forbidden |= set(
            s.execute(
                select(Inspection.bundle_id).where(Inspection.customer_no.in_(customers_0311))
            ).scalars()
        )
        forbidden |= set(
            s.execute(
                select(PostLoanTask.task_no).where(PostLoanTask.customer_no.in_(customers_0311))
            ).scalars()
        )
        forbidden |= {"石家庄分行", "长安支行", "桥西支行", "赵静明", "黄伟", "高芳", "李涛洋", "林强强"}
    forbidden |= {orders[SHIJIAZHUANG], report_nos[SHIJIAZHUANG]}
    return Keys(
        bank,
        orders,
        reports,
        report_nos,
        signals,
        {SHIJIAZHUANG: bank.ids["ex1001"], TANGSHAN: bank.ids["t1004"]},
        {SHIJIAZHUANG: "C0001000", TANGSHAN: "C0001004"},
        tuple(sorted(forbidden)),
    )


# -- the reads ----------------------------------------------------------------------------------


def _answer(fn: Callable[[], Any]) -> Any:
    """The call's result, or the name of the refusal it raised (so a refusal is an answer
    too, and the same before and after)."""
    try:
        result = fn()
    except (LoanSightError, LookupError, PermissionError, ValueError) as exc:
        return f"refused: {type(exc).__name__}"
    if inspect.isgenerator(result) or isinstance(result, map):
        return list(result)
    return result


def _reads(db: Any, user: Any, k: Keys, tmp_path: Path, *, other: str, own: str) -> dict[str, Any]:
    """Every scoped read for ``user``: lists with no filter and with filters naming the other
    branch, and the one-record reads of the other branch's objects (``name@other``) and of
    the user's own (``name@own``)."""
    from data import approvals, customers, dashboard, mapdata, orders, queries, risk_queries, signal_list
    from data.audit_trail import AuditFilter, AuditScope, audit_choices, audit_count, audit_page, iter_audit
    from data.audit_trail import export_csv as audit_csv
    from data.reports import inspection as inspection_report
    from data.reports import store, supervision
    from data.unmask import masked

    scope = user.scope
    ascope = AuditScope(user.role, user.employee_no)
    at_other = {"branch_code": other}
    c_other = k.customers[other]
    out: dict[str, Any] = {}
    with db.read_session() as s:
        calls: dict[str, Callable[[], Any]] = {
            "approvals.pending_count": lambda: approvals.pending_count(s, scope),
            "approvals.queue_count": lambda: approvals.queue_count(
                s, scope, approvals.QueueFilter(), now=NOW
            ),
            "approvals.queue_page": lambda: approvals.queue_page(s, scope, approvals.QueueFilter(), now=NOW),
            "approvals.queue_page[branch]": lambda: approvals.queue_page(
                s, scope, approvals.QueueFilter(**at_other), now=NOW
            ),
            "approvals.queue_row@other": lambda: approvals.queue_row(s, scope, k.inspections[other]),
            "approvals.queue_row@own": lambda: approvals.queue_row(s, scope, k.inspections[own]),
            "approvals.state_counts": lambda: dict(approvals.state_counts(s, scope)),
            "audit_trail.audit_choices": lambda: audit_choices(s, ascope),
            "audit_trail.audit_count": lambda: audit_count(s, ascope, AuditFilter()),
            "audit_trail.audit_page": lambda: audit_page(s, ascope, AuditFilter()),
            "audit_trail.iter_audit": lambda: iter_audit(s, ascope, AuditFilter()),
            "customers.customer_count": lambda: customers.customer_count(
                s, scope, customers.CustomerFilter()
            ),
            "customers.customer_count[branch]": lambda: customers.customer_count(
                s, scope, customers.CustomerFilter(**at_other)
            ),
            "customers.customer_managers": lambda: customers.customer_managers(s, scope),
            "customers.customer_page": lambda: customers.customer_page(
                s, scope, customers.CustomerFilter(), today=AS_OF
            ),
            "customers.customer_page[customer]": lambda: customers.customer_page(
                s, scope, customers.CustomerFilter(customer_no=c_other), today=AS_OF
            ),
            "customers.customer_page[branch]": lambda: customers.customer_page(
                s, scope, customers.CustomerFilter(**at_other), today=AS_OF
            ),
            "customers.customer_profile@other": lambda: customers.customer_profile(
                s, c_other, scope, today=AS_OF
            ),
            "customers.customer_profile@own": lambda: customers.customer_profile(
                s, k.customers[own], scope, today=AS_OF
            ),
            "customers.signal_customer@other": lambda: customers.signal_customer(s, k.signals[other], scope),
            "customers.signal_customer@own": lambda: customers.signal_customer(s, k.signals[own], scope),
            "customers.task_count": lambda: customers.task_count(
                s, scope, customers.TaskFilter(), today=AS_OF
            ),
            "customers.task_managers": lambda: customers.task_managers(s, scope),
            "customers.task_page": lambda: customers.task_page(s, scope, customers.TaskFilter(), today=AS_OF),
            "customers.task_page[branch]": lambda: customers.task_page(
                s, scope, customers.TaskFilter(**at_other), today=AS_OF
            ),
            "dashboard.dashboard_data": lambda: dashboard.dashboard_data(
                s, scope, None, dt.date.fromisoformat(PERIOD[0]), dt.date.fromisoformat(PERIOD[1])
            ),
            "dashboard.dashboard_data[other unit]": lambda: dashboard.dashboard_data(
                s, scope, other, dt.date.fromisoformat(PERIOD[0]), dt.date.fromisoformat(PERIOD[1])
            ),
            "mapdata.branch_points": lambda: mapdata.branch_points(s, scope),
            "mapdata.checkin_points": lambda: mapdata.checkin_points(
                s, scope, dt.date(2026, 1, 1), dt.date(2026, 12, 31)
            ),
            "mapdata.checkin_points[branch]": lambda: mapdata.checkin_points(
                s, scope, dt.date(2026, 1, 1), dt.date(2026, 12, 31), branch_code=other
            ),
            "mapdata.customer_points": lambda: mapdata.customer_points(s, scope),
            "mapdata.customer_points[branch]": lambda: mapdata.customer_points(s, scope, other),
            "mapdata.inspection_map_data@other": lambda: mapdata.inspection_map_data(
                s, k.inspections[other], scope
            ),
            "mapdata.inspection_map_data@own": lambda: mapdata.inspection_map_data(
                s, k.inspections[own], scope
            ),
            "mapdata.latest_submission_day": lambda: mapdata.latest_submission_day(s, scope),
            "orders.order_count": lambda: orders.order_count(s, scope, orders.OrderFilter(), today=TODAY),
            "orders.order_counts": lambda: orders.order_counts(s, scope, TODAY),
            "orders.order_customer@other": lambda: orders.order_customer(s, scope, c_other),
            "orders.order_customer@own": lambda: orders.order_customer(s, scope, k.customers[own]),
            "orders.order_history@other": lambda: orders.order_history(s, scope, k.orders[other]),
            "orders.order_history@own": lambda: orders.order_history(s, scope, k.orders[own]),
            "orders.order_page": lambda: orders.order_page(s, scope, orders.OrderFilter(), today=TODAY),
            "orders.order_page[branch]": lambda: orders.order_page(
                s, scope, orders.OrderFilter(**at_other), today=TODAY
            ),
            "orders.order_row@other": lambda: orders.order_row(s, scope, k.orders[other], today=TODAY),
            "orders.order_row@own": lambda: orders.order_row(s, scope, k.orders[own], today=TODAY),
            "queries.filter_choices": lambda: queries.filter_choices(s, scope),
            "queries.inspection_count": lambda: queries.inspection_count(
                s, scope, queries.InspectionFilter()
            ),
            "queries.inspection_detail@other": lambda: queries.inspection_detail(
                s, k.inspections[other], scope
            ),
            "queries.inspection_detail@own": lambda: queries.inspection_detail(s, k.inspections[own], scope),
            "queries.inspection_page": lambda: queries.inspection_page(s, scope, queries.InspectionFilter()),
            "queries.inspection_page[branch]": lambda: queries.inspection_page(
                s, scope, queries.InspectionFilter(**at_other)
            ),
            "risk_queries.open_issue_counts": lambda: risk_queries.open_issue_counts(s, scope),
            "risk_queries.score_history@other": lambda: risk_queries.score_history(s, c_other, scope),
            "risk_queries.score_history@own": lambda: risk_queries.score_history(s, k.customers[own], scope),
            "risk_queries.task_counts": lambda: risk_queries.task_counts(s, scope, AS_OF),
            "risk_queries.tier_migration": lambda: risk_queries.tier_migration(
                s, scope, AS_OF - dt.timedelta(days=40), AS_OF
            ),
            "risk_queries.tier_summary": lambda: risk_queries.tier_summary(s, scope, AS_OF),
            "risk_queries.tier_trend": lambda: risk_queries.tier_trend(s, scope, 12, AS_OF),
            "signal_list.check_signal_visible@other": lambda: (
                signal_list.check_signal_visible(s, k.signals[other], scope) or "visible"
            ),
            "signal_list.check_signal_visible@own": lambda: (
                signal_list.check_signal_visible(s, k.signals[own], scope) or "visible"
            ),
            "signal_list.signal_count": lambda: signal_list.signal_count(
                s, scope, signal_list.SignalFilter()
            ),
            "signal_list.signal_page": lambda: signal_list.signal_page(s, scope, signal_list.SignalFilter()),
            "signal_list.signal_page[branch]": lambda: signal_list.signal_page(
                s, scope, signal_list.SignalFilter(**at_other)
            ),
            "reports.inspection.inspection_report_data@other": lambda: (
                inspection_report.inspection_report_data(s, k.inspections[other], scope)
            ),
            "reports.inspection.inspection_report_data@own": lambda: inspection_report.inspection_report_data(
                s, k.inspections[own], scope
            ),
            "reports.store.issued_reports": lambda: store.issued_reports(s, scope),
            "reports.supervision.supervision_data@other": lambda: supervision.supervision_data(
                s, scope, other, supervision.parse_period("2026-11"), today=AS_OF
            ),
            "reports.supervision.supervision_data@own": lambda: supervision.supervision_data(
                s, scope, own, supervision.parse_period("2026-11"), today=AS_OF
            ),
            "unmask.masked@other": lambda: masked(s, scope, "customer", c_other, "phone"),
            "unmask.masked@own": lambda: masked(s, scope, "customer", k.customers[own], "phone"),
        }
        for name, fn in calls.items():
            out[name] = _answer(fn)
        target = tmp_path / f"audit-{user.employee_no}.csv"
        out["audit_trail.export_csv"] = audit_csv(s, ascope, AuditFilter(), target)
        out["audit_trail.export_csv[file]"] = target.read_text(encoding="utf-8-sig")
    # the report makers read in their own sessions; made, not issued
    out["reports.inspection.make_inspection_report@other"] = _answer(
        lambda: inspection_report.make_inspection_report(db, k.inspections[other], user, issue=False)
    )
    out["reports.supervision.make_supervision_report@other"] = _answer(
        lambda: supervision.make_supervision_report(db, user, other, "2026-11", issue=False, today=AS_OF)
    )
    return out


def _text(value: Any) -> str:
    return repr(value)


def _leaks(answers: dict[str, Any], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    out = {}
    for name, value in answers.items():
        text = _text(value)
        found = [f for f in forbidden if f"'{f}'" in text or (len(f) > 6 and f in text)]
        if found:
            out[name] = found
    return out


def _covered(names: dict[str, Any]) -> set[str]:
    return {"data." + n.split("@")[0].split("[")[0] for n in names}


def test_a_branch_approver_reads_nothing_of_another_branch(keys: Keys, tmp_path: Path) -> None:
    db = keys.bank.db
    approver = keys.bank.user("A0315")
    assert approver.scope == frozenset({TANGSHAN, "031501"})
    before = _reads(db, approver, keys, tmp_path, other=SHIJIAZHUANG, own=TANGSHAN)
    assert _covered(before) == READS
    assert _leaks(before, keys.forbidden) == {}

    # the one-record reads of 0311's objects: not found, or nothing
    for name, value in before.items():
        if name.endswith("@other"):
            assert value in (None, [], ()) or str(value).startswith("refused: "), name
    # ...while 0315's own are there: the test is not vacuous
    for name, value in before.items():
        if name.endswith("@own"):
            assert value not in (None, [], ()), name
            assert not str(value).startswith("refused: "), name
    assert "C0001004" in _text(before["customers.customer_page"])
    assert keys.orders[TANGSHAN] in _text(before["orders.order_page"])
    assert keys.report_nos[TANGSHAN] in _text(before["reports.store.issued_reports"])
    assert before["queries.inspection_count"] == 2  # t1004 and t1005 of 031501
    assert before["customers.customer_count"] == 2
    assert before["signal_list.signal_count"] == 1

    # 0311's data changes; nothing A0315 sees may change with it, not one number
    _change_the_other_branch(keys)
    after = _reads(db, approver, keys, tmp_path, other=SHIJIAZHUANG, own=TANGSHAN)
    changed = [name for name in before if _text(before[name]) != _text(after[name])]
    assert changed == []


def _change_the_other_branch(k: Keys) -> None:
    from data.approvals import decide
    from data.commands import review_signal
    from data.orders import answer_order
    from data.rules.approval import APPROVE

    db = k.bank.db
    head, branch = k.bank.user("H0001"), k.bank.user("A0311")
    with db.write_session() as s:
        decide(s, branch, k.bank.ids["ex1001"], APPROVE)
        decide(s, branch, k.bank.ids["ex1002"], APPROVE)
    with db.write_session() as s:
        version = s.execute(
            select(SupervisionOrder.version).where(SupervisionOrder.order_no == k.orders[SHIJIAZHUANG])
        ).scalar_one()
        answer_order(s, branch, k.orders[SHIJIAZHUANG], version, "已补充")
    _order(db, head, "C0001002")
    _issue_report(db, SHIJIAZHUANG)
    new_signal = _add_signal(db, "C0001003", "SJZ-0311-9")
    with db.write_session() as s:
        review_signal(s, new_signal, "CONFIRMED", "核实", "H0001")


def test_the_whole_bank_sees_both_branches(keys: Keys, tmp_path: Path) -> None:
    """The control: the same reads for head office do name 0311's objects, so the
    forbidden list is able to catch a leak."""
    head = keys.bank.user("H0001")
    answers = _reads(keys.bank.db, head, keys, tmp_path, other=SHIJIAZHUANG, own=TANGSHAN)
    leaks = _leaks(answers, keys.forbidden)
    for name in (
        "customers.customer_page",
        "orders.order_page",
        "reports.store.issued_reports",
        "queries.inspection_page",
        "signal_list.signal_page",
        "dashboard.dashboard_data",
        "mapdata.customer_points",
        "approvals.queue_page",
    ):
        assert name in leaks, name
    # and the change made to 0311 in the test above does move head office's numbers
    _change_the_other_branch(keys)
    after = _reads(keys.bank.db, head, keys, tmp_path, other=SHIJIAZHUANG, own=TANGSHAN)
    changed = {name for name in answers if _text(answers[name]) != _text(after[name])}
    assert {
        "dashboard.dashboard_data",
        "approvals.state_counts",
        "approvals.pending_count",
        "orders.order_counts",
        "orders.order_count",
        "signal_list.signal_count",
        "reports.store.issued_reports",
    } <= changed


# -- the commands -------------------------------------------------------------------------------


def _events(db: Any) -> int:
    with db.read_session() as s:
        return int(s.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_every_command_refuses_the_other_branch(keys: Keys, tmp_path: Path) -> None:
    from data.approvals import batch_approve, decide
    from data.audit_trail import AuditFilter, export_audit_trail
    from data.commands import review_signal
    from data.errors import NotFound
    from data.orders import OrderRefused, answer_order, close_order, create_order, send_back_order
    from data.reports.store import ReportNotFound, download
    from data.rules.approval import APPROVE, RETURN, DecisionRefused
    from data.unmask import UnmaskRefused, unmask

    db = keys.bank.db
    approver = keys.bank.user("A0315")
    other_inspection = keys.inspections[SHIJIAZHUANG]
    other_order = keys.orders[SHIJIAZHUANG]
    with db.read_session() as s:
        state = s.execute(
            select(Inspection.state, Inspection.state_version).where(Inspection.id == other_inspection)
        ).one()
        version = s.execute(
            select(SupervisionOrder.version).where(SupervisionOrder.order_no == other_order)
        ).scalar_one()
    events = _events(db)
    tried: set[str] = set()

    def refused(name: str, fn: Callable[[Any], Any], *errors: type[BaseException]) -> None:
        tried.add(name)
        with pytest.raises(errors), db.write_session() as s:
            fn(s)
        assert _events(db) == events, f"{name} wrote an audit event"

    refused(
        "data.approvals.decide", lambda s: decide(s, approver, other_inspection, APPROVE), DecisionRefused
    )
    refused(
        "data.approvals.decide",
        lambda s: decide(s, approver, other_inspection, RETURN, comment="x", reason_code="PHOTOS"),
        DecisionRefused,
    )
    tried.add("data.approvals.batch_approve")
    with db.write_session() as s:
        outcome = batch_approve(s, approver, [(other_inspection, state[1]), (keys.bank.ids["ex1002"], 0)])
    assert outcome.approved == ()
    assert {code for _id, code, _e in outcome.skipped} == {"OUT_OF_SCOPE"}
    refused(
        "data.orders.answer_order",
        lambda s: answer_order(s, approver, other_order, version, "答复"),
        OrderRefused,
    )
    refused("data.orders.close_order", lambda s: close_order(s, approver, other_order, version), OrderRefused)
    refused(
        "data.orders.send_back_order",
        lambda s: send_back_order(s, approver, other_order, version, "退回"),
        OrderRefused,
    )
    refused(
        "data.orders.create_order",
        lambda s: create_order(
            s, approver, customer_no="C0001000", action="RECTIFY", instruction="x", due_on=TODAY
        ),
        OrderRefused,
    )
    refused(
        "data.commands.review_signal",
        lambda s: review_signal(
            s, keys.signals[SHIJIAZHUANG], "CONFIRMED", "", "A0315", scope=approver.scope
        ),
        NotFound,
    )
    refused(
        "data.reports.store.download",
        lambda s: download(s, approver.scope, keys.reports[SHIJIAZHUANG], "A0315"),
        ReportNotFound,
    )
    refused(
        "data.unmask.unmask",
        lambda s: unmask(s, approver, "customer", "C0001000", "phone", "核实"),
        UnmaskRefused,
    )
    # the audited export reads the viewer's own trail: nothing of 0311 in it
    tried.add("data.audit_trail.export_audit_trail")
    with db.write_session() as s:
        export_audit_trail(s, approver, AuditFilter(), tmp_path / "mine.csv")
    assert not _leaks({"csv": (tmp_path / "mine.csv").read_text(encoding="utf-8-sig")}, keys.forbidden)
    events = _events(db)
    assert tried == COMMANDS

    with db.read_session() as s:
        assert s.execute(
            select(Inspection.state, Inspection.state_version).where(Inspection.id == other_inspection)
        ).one() == tuple(state)
        assert s.get(RiskSignal, keys.signals[SHIJIAZHUANG]).status == "NEW"
        assert (
            s.execute(
                select(SupervisionOrder.status).where(SupervisionOrder.order_no == other_order)
            ).scalar_one()
            == "OPEN"
        )

    # the control: the same commands on 0315's own objects go through
    with db.write_session() as s:
        review_signal(s, keys.signals[TANGSHAN], "CONFIRMED", "", "A0315", scope=approver.scope)
        decide(s, approver, keys.inspections[TANGSHAN], APPROVE)
        download(s, approver.scope, keys.reports[TANGSHAN], "A0315")
    with db.read_session() as s:
        own_version = s.execute(
            select(SupervisionOrder.version).where(SupervisionOrder.order_no == keys.orders[TANGSHAN])
        ).scalar_one()
    with db.write_session() as s:
        answer_order(s, approver, keys.orders[TANGSHAN], own_version, "已整改")


def test_review_signal_without_a_scope_is_the_whole_bank(keys: Keys) -> None:
    """Callers that pass no scope (the command line, head office) keep working; a scope
    with the signal's branch in it is enough; an unmatched signal is nobody's branch's."""
    from data.commands import review_signal
    from data.errors import NotFound

    db = keys.bank.db
    with db.write_session() as s:
        review_signal(s, keys.signals[SHIJIAZHUANG], "CONFIRMED", "", "H0001")
    with db.write_session() as s:
        review_signal(s, keys.signals[SHIJIAZHUANG], "NEW", "", "A0311", scope=frozenset({"0311", "031101"}))
        signal = s.get(RiskSignal, keys.signals[SHIJIAZHUANG])
        signal.customer_no = None
    with pytest.raises(NotFound), db.write_session() as s:
        review_signal(s, keys.signals[SHIJIAZHUANG], "CONFIRMED", "", "A0311", scope=frozenset({"0311"}))
