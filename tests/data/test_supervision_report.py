"""The supervision report (督导报告): the period, its figures against independent SQL, the
scope, the PDF read back with pypdf, the workbook read back with pandas and openpyxl, and
issuing (stored with its hash, audited)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from sqlalchemy import and_, func, select, update

from data.models import AuditEvent, Customer, Inspection, InspectionFlag, IssuedReport, PostLoanTask
from data.reports.common import CST, Viewer
from data.reports.supervision import (
    Period,
    ReportRefused,
    UnitOutOfScope,
    make_supervision_report,
    narrative,
    parse_period,
    render_supervision_pdf,
    supervision_data,
    write_supervision_xlsx,
)
from data.rules import approval as r
from tests.data._approval_bank import load_bank

SHIJIAZHUANG = frozenset({"0311", "031101", "031102"})


# -- the period --------------------------------------------------------------------------------


def test_months_and_quarters_parse():
    nov = parse_period("2026-11")
    assert (nov.start, nov.end, nov.label) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30), "2026-11")
    assert nov.previous == Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31), "2026-10")
    jan = parse_period(" 2027-01 ")
    assert jan.previous.label == "2026-12"
    assert jan.previous.end == dt.date(2026, 12, 31)
    feb = parse_period("2028-02")
    assert feb.end == dt.date(2028, 2, 29)
    q4 = parse_period("2026-Q4")
    assert (q4.start, q4.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert q4.previous.label == "2026-Q3"
    assert q4.previous.start == dt.date(2026, 7, 1)
    assert parse_period("2026-q1").previous.label == "2025-Q4"
    assert q4.words("zh") == "2026年第四季度"
    assert nov.words("zh") == "2026年11月"


@pytest.mark.parametrize(
    "text", ["", "2026", "2026-13", "2026-00", "2026-Q5", "2026/11", "11-2026", "2026-1"]
)
def test_bad_periods_are_refused_by_name(text):
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        parse_period(text)


# -- a bank with figures in the period ---------------------------------------------------------


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), CST).astimezone(dt.UTC)


@pytest.fixture
def bank(db, tmp_path):
    """The approval bank with its tasks and inspections moved into this month (decisions
    are taken now), some decisions taken, and tasks done on time, late and overdue."""
    bank = load_bank(db, tmp_path)
    period = parse_period(f"{dt.datetime.now(CST):%Y-%m}")
    start = period.start
    tasks = bank.tasks
    with db.write_session() as s:
        t = PostLoanTask

        def move(customer, **values):
            s.execute(update(t).where(t.task_no == tasks[customer]).values(**values))

        # C0001000 (E00101, 031101): still open, due on the 10th: overdue now
        move("C0001000", due_on=start + dt.timedelta(days=9))
        # C0001001 (E00102, 031101): done a minute after its due date ended in Beijing: late
        move(
            "C0001001",
            due_on=start + dt.timedelta(days=4),
            closed_at=_midnight(start + dt.timedelta(days=5)) + dt.timedelta(minutes=1),
        )
        # C0001003 (E00104, 031102): done at 23:59 Beijing on its due date: on time
        move(
            "C0001003",
            due_on=start + dt.timedelta(days=4),
            closed_at=_midnight(start + dt.timedelta(days=5)) - dt.timedelta(minutes=1),
        )
        # C0001005 (E00106, 唐山): the previous period's, done late
        move(
            "C0001005",
            due_on=period.previous.start + dt.timedelta(days=2),
            closed_at=_midnight(period.previous.start + dt.timedelta(days=4)),
        )
        s.execute(update(Inspection).values(submitted_at=_midnight(start) + dt.timedelta(hours=2)))
    decide = _decider(bank)
    decide("A0311", "ex1001", r.RETURN, comment="照片不清", reason_code="PHOTOS")
    decide("A0311", "ex1000", r.REJECT, comment="资料不实")
    decide("A0311", "ex1002", r.APPROVE)
    decide("A0315", "t1004", r.RETURN, comment="定位不符", reason_code="LOCATION")
    bank.period = period
    bank.today = period.end
    return bank


def _decider(bank):
    from data.approvals import decide

    def run(who, key, action, **kw):
        with bank.db.write_session() as s:
            return decide(s, bank.user(who), bank.ids[key], action, **kw)

    return run


def _data(bank, unit="000", scope=None):
    with bank.db.read_session() as s:
        return supervision_data(s, scope, unit, bank.period, today=bank.today)


def test_task_figures_match_independent_sql(bank):
    data = _data(bank)
    t = PostLoanTask
    p = bank.period
    with bank.db.read_session() as s:
        rows = s.execute(
            select(t.due_on, t.status, t.closed_at).where(
                t.status != "REPLACED", t.due_on >= p.start, t.due_on <= p.end
            )
        ).all()
        overdue = s.execute(
            select(func.count()).where(t.status == "OPEN", t.due_on < bank.today)
        ).scalar_one()
    due = len(rows)
    done = sum(1 for x in rows if x.status == "DONE")
    on_time = sum(
        1 for x in rows if x.status == "DONE" and x.closed_at < _midnight(x.due_on + dt.timedelta(days=1))
    )
    assert (data.tasks.due, data.tasks.done, data.tasks.on_time, data.tasks.overdue_now) == (
        due,
        done,
        on_time,
        overdue,
    )
    assert (due, done, on_time, overdue) == (3, 2, 1, 1)  # the fixture's cases, Beijing days
    assert data.tasks.rate == pytest.approx(1 / 3)
    assert (data.tasks.previous_due, data.tasks.previous_on_time) == (1, 0)
    # per branch and per manager, adding up to the unit
    by_unit = {u.key: u for u in data.unit_tasks}
    assert set(by_unit) == {"0311", "0315"}
    assert (by_unit["0311"].due, by_unit["0311"].on_time, by_unit["0311"].overdue_now) == (3, 1, 1)
    assert by_unit["0315"].previous_due == 1
    managers = {m.key: m for m in data.manager_tasks}
    assert managers["E00101"].overdue_now == 1
    assert managers["E00101"].done == 0
    assert managers["E00102"].done == 1
    assert managers["E00102"].on_time == 0
    assert managers["E00104"].on_time == 1
    assert managers["E00104"].rate == 1.0
    assert sum(m.due for m in data.manager_tasks) == data.tasks.due


def test_approvals_returns_and_flags_match_independent_sql(bank):
    data = _data(bank)
    reasons = {x.code: (x.returns, x.rejections) for x in data.reasons}
    assert reasons == {"PHOTOS": (1, 0), "LOCATION": (1, 0), "": (0, 1)}
    assert {x.code: x.zh for x in data.reasons}["PHOTOS"] == "照片缺失或不清晰"
    branch = next(x for x in data.turnaround if x.level == "BRANCH")
    assert branch.decisions == 4
    assert branch.median_hours is not None
    assert branch.p90_hours is not None
    assert 0 < branch.median_hours <= branch.p90_hours
    assert {(x.action, x.count) for x in data.decisions} == {("RETURN", 2), ("REJECT", 1), ("APPROVE", 1)}
    i, f = Inspection, InspectionFlag
    p = bank.period
    with bank.db.read_session() as s:
        expected = dict(
            s.execute(
                select(f.code, func.count(func.distinct(f.inspection_id)))
                .join(i, i.id == f.inspection_id)
                .where(
                    i.is_current.is_(True),
                    i.submitted_at >= _midnight(p.start),
                    i.submitted_at < _midnight(p.end + dt.timedelta(days=1)),
                )
                .group_by(f.code)
            ).all()
        )
        tangshan = s.execute(
            select(func.count(func.distinct(f.inspection_id)))
            .join(i, i.id == f.inspection_id)
            .join(Customer, Customer.customer_no == i.customer_no)
            .where(i.is_current.is_(True), Customer.branch_code.like("0315%"))
        ).scalar_one()
    assert expected
    assert dict(data.flag_codes) == expected
    assert sum(x.inspections for x in data.flags_by_unit if x.key == "0315") == tangshan > 0
    assert sum(x.inspections for x in data.flags_by_manager) == sum(expected.values())
    with bank.db.read_session() as s:
        current = s.execute(select(func.count()).where(Inspection.is_current.is_(True))).scalar_one()
    assert data.submitted == current == 7
    # tiers and the riskiest
    assert sum(x.customers for x in data.tiers) == sum(sum(n for _t, n in u.counts) for u in data.unit_tiers)
    assert 0 < len(data.riskiest) <= 10
    assert [c.score for c in data.riskiest] == sorted((c.score for c in data.riskiest), reverse=True)


def test_a_branch_approver_reports_on_their_branch_only(bank):
    a0311 = bank.user("A0311")
    with pytest.raises(UnitOutOfScope):
        _data(bank, "0315", a0311.scope)
    with pytest.raises(UnitOutOfScope):
        _data(bank, "000", a0311.scope)
    with pytest.raises(UnitOutOfScope):
        make_supervision_report(bank.db, a0311, "0315", bank.period.label, issue=False)
    own = _data(bank, "0311", a0311.scope)
    assert own.unit.key == "0311"
    assert [u.key for u in own.children] == ["031101", "031102"]
    assert all(c.branch_name != "唐山分行" for c in own.riskiest)
    assert own.tasks.previous_due == 0  # 唐山's task is not theirs
    assert own.tasks.previous_rate is None


def test_the_narrative_says_what_the_numbers_say(bank):
    data = _data(bank)
    text = narrative(data, "zh")
    assert text[0].startswith(
        f"{data.unit.name}本月应完成贷后检查 3 笔，已完成 2 笔，按时完成 1 笔，按时完成率 33%"
    )
    assert "较上月上升 33 个百分点" in text[0]
    assert any("逾期未完成任务 1 笔" in x and "石家庄分行（1 笔）" in x for x in text)
    assert any("退回 2 笔、拒绝 1 笔" in x for x in text)
    english = narrative(data, "en")
    assert len(english) == len(text)
    assert "on-time rate of 33%" in english[0]
    # nothing due, nothing to compare: no invented figures
    with bank.db.read_session() as s:
        empty = supervision_data(s, None, "000", parse_period("2019-01"), today=bank.today)
    quiet = narrative(empty, "zh")
    assert quiet[0].endswith("本月无到期的贷后检查任务。")
    assert not any("百分点" in x for x in quiet)


def _viewer():
    return Viewer("赵林国", "H0001", dt.datetime(2026, 11, 28, 2, 30, tzinfo=dt.UTC))


def test_the_pdf_reads_back(bank):
    from pypdf import PdfReader

    data = _data(bank, "0311")
    out = io.BytesIO()
    pages = render_supervision_pdf(data, out, viewer=_viewer(), document_no="DB202611280001")
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == pages >= 2
    texts = [page.extract_text() for page in reader.pages]
    flat = ["".join(t.split()) for t in texts]
    whole = "".join(flat)
    assert "督导报告" in whole
    assert "石家庄分行" in whole
    assert "".join(narrative(data, "zh")[0].split()) in whole
    for n, page in enumerate(flat, start=1):
        assert "赵林国（H0001）2026-11-2810:30查阅" in page
        assert f"第{n}页/共{pages}页" in page
        assert "DB202611280001" in page


def test_the_workbook_reads_back_with_types_and_no_formulas(bank, tmp_path):
    import openpyxl
    import pandas as pd

    riskiest = _data(bank).riskiest[0].customer_no
    evil = '=HYPERLINK("http://evil.example","点我")'
    with bank.db.write_session() as s:
        s.execute(update(Customer).where(Customer.customer_no == riskiest).values(name=evil))
    data = _data(bank)
    out = io.BytesIO()
    sheets = write_supervision_xlsx(data, out, viewer=_viewer())
    book = pd.read_excel(io.BytesIO(out.getvalue()), sheet_name=None)
    assert len(book) == sheets
    names = list(book)
    assert names[0] == "摘要"
    assert {"按机构完成情况", "按客户经理完成情况", "审批时效", "退回与拒绝原因", "预警-按机构"} <= set(names)
    assert {"风险分层", "分层迁移", "新增风险信号", "高风险客户", "未回复督导令"} <= set(names)
    units = book["按机构完成情况"]
    for column in ("应检查", "已完成", "按时完成", "按时完成率", "当前逾期"):
        assert pd.api.types.is_numeric_dtype(units[column]), column
    assert units["按时完成率"].iloc[-1] == pytest.approx(1 / 3)
    assert pd.api.types.is_numeric_dtype(book["高风险客户"]["风险分"])
    assert pd.api.types.is_numeric_dtype(book["审批时效"]["用时中位数（小时）"])
    summary = book["摘要"].astype(str).to_string()
    assert "赵林国" in summary
    assert "石家庄" not in names
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    ws = wb["高风险客户"]
    cell = next(c for c in ws["B"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s"
    assert str(cell.value).startswith("'=")
    rates = wb["按机构完成情况"]
    assert rates.freeze_panes == "A2"
    assert rates["E2"].number_format.endswith("%")
    assert isinstance(rates["E2"].value, float)
    assert "H0001" in rates.oddFooter.left.text


def test_issuing_stores_the_bytes_with_their_hash_and_audits(bank):
    user = bank.user("H0001")
    for fmt in ("pdf", "xlsx"):
        number, content, count = make_supervision_report(bank.db, user, "0311", bank.period.label, fmt)
        assert number.startswith("DB")
        assert count > 0
        with bank.db.read_session() as s:
            row = s.execute(select(IssuedReport).where(IssuedReport.report_no == number)).scalar_one()
            assert (row.kind, row.file_format, row.branch_code, row.period) == (
                "SUPERVISION",
                fmt,
                "0311",
                bank.period.label,
            )
            assert row.sha256 == hashlib.sha256(content).hexdigest()
            assert row.size == len(content)
            event = s.execute(
                select(AuditEvent).where(
                    and_(AuditEvent.action == "ISSUE_REPORT", AuditEvent.entity_id == number)
                )
            ).scalar_one()
            assert event.actor == "H0001"
    # a preview stores nothing; an auditor may preview but not issue
    with bank.db.read_session() as s:
        before = s.execute(select(func.count()).select_from(IssuedReport)).scalar_one()
    auditor = bank.user("H0002")
    assert auditor.read_only
    make_supervision_report(bank.db, auditor, "000", bank.period.label, "pdf", issue=False)
    with pytest.raises(ReportRefused):
        make_supervision_report(bank.db, auditor, "000", bank.period.label)
    with bank.db.read_session() as s:
        assert s.execute(select(func.count()).select_from(IssuedReport)).scalar_one() == before
