"""The inspection report (贷后检查报告): one inspection revision as an A4 PDF.

What it holds, in order: the document header (bank, document number, customer, kind,
dates); the customer (ID number and phone masked) and the loans with their classification;
the risk tier and the signals as they stood at the inspection (the health score on or before
its date, the signals detected up to its end); the checklist by section, abnormal answers in
red with a 【异常】 mark that reads in black and white too; the photos with their category,
and their app-recorded and EXIF times and places; a trajectory map drawn as vector graphics
(tiles underneath only when a provider answers quickly); the authenticity flags with their
evidence; the conclusion and follow-up; the approval trail; and an integrity appendix with
the SHA-256 of every photo and of the manifest, so an auditor can match the report to the
stored originals.

Reading (``inspection_report_data``) and drawing (``render_inspection_pdf``) are apart: the
first returns plain frozen values from a session, the second needs no database. Photos are
handed to reportlab as JPEG *files*, which go into the PDF as they are (no re-encoding).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.approvals import DecisionRow
from data.authenticity import FlagRow
from data.errors import NotFound
from data.queries import LoanSummary, PhotoRow
from data.reports.common import (
    ACTION_WORDS,
    BANK_NAME,
    FLAG_WORDS,
    SOURCE_WORDS,
    TIER_WORDS,
    local_time,
    word,
)

Scope = frozenset[str] | None
KIND = "INSPECTION"
EARTH_RADIUS_M = 6_371_008.8
#: off-map markers: an EXIF place further than this from the visit is drawn at the frame's edge
FAR_PLACE_MIN_M = 2_000.0
#: a few metres between a photo's app place and its EXIF place is GPS noise, not a second place
EXIF_PLACE_NOISE_M = 30.0
SIGNALS_SHOWN = 30


# -- the data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerPart:
    customer_no: str
    name: str
    uscc: str
    legal_rep: str
    legal_rep_id_masked: str
    phone_masked: str
    address: str
    industry: str
    branch_code: str
    branch_name: str
    manager_name: str


@dataclass(frozen=True)
class TierAtTime:
    """The health score on or before the inspection's date."""

    as_of: dt.date
    tier: str
    score: float
    model_version: int


@dataclass(frozen=True)
class SignalAtTime:
    detected_at: dt.datetime
    occurred_at: dt.datetime
    source: str
    type: str
    severity: int
    title: str
    status: str  # NEW, CONFIRMED, DISMISSED (as reviewed now)


@dataclass(frozen=True)
class ChecklistLine:
    code: str
    section: str
    section_zh: str
    section_en: str
    question_zh: str
    question_en: str
    answer: str
    value: str | None
    abnormal: bool
    deviates: bool
    remark: str
    photo_keys: tuple[str, ...]

    @property
    def marked(self) -> bool:
        """Abnormal as the inspector marked it, or deviating from the healthy answer."""
        return self.abnormal or self.deviates


@dataclass(frozen=True)
class TrackFixPart:
    t: dt.datetime
    lat: float
    lon: float
    event: str  # TRACK, CHECKIN, CHECKOUT


@dataclass(frozen=True)
class MapPart:
    """What the trajectory figure draws, all WGS-84."""

    customer_lat: float | None
    customer_lon: float | None
    geofence_m: float
    track: tuple[TrackFixPart, ...]
    #: photo seq, category, app place and EXIF place
    photos: tuple[tuple[int, str, float | None, float | None, float | None, float | None], ...]


@dataclass(frozen=True)
class DocumentPart:
    file_name: str
    sha256: str


@dataclass(frozen=True)
class InspectionReportData:
    inspection_id: int
    bundle_id: str
    revision: int
    is_current: bool
    state: str
    kind: str
    task_no: str | None
    unplanned: bool
    device_id: str
    started_at: dt.datetime
    finished_at: dt.datetime
    submitted_at: dt.datetime
    customer: CustomerPart
    inspector_no: str
    inspector_name: str
    companion_no: str | None
    companion_name: str | None
    loans: tuple[LoanSummary, ...]
    tier: TierAtTime | None
    signals: tuple[SignalAtTime, ...]
    signals_total: int
    checklist: tuple[ChecklistLine, ...]
    photos: tuple[PhotoRow, ...]
    map: MapPart
    flags: tuple[FlagRow, ...]
    opinion: str
    suggested_classification: str | None
    summary: str
    follow_up: str
    voice_notes: tuple[tuple[dt.datetime | None, str], ...]
    decisions: tuple[DecisionRow, ...]
    reason_words: Mapping[str, tuple[str, str]]
    manifest_sha256: str  # of the manifest's UTF-8 text as delivered
    content_sha256: str  # recorded at import: canonical manifest JSON plus the documents' hashes
    content_sha256_recomputed: str
    documents: tuple[DocumentPart, ...] = field(default=())

    @property
    def content_verified(self) -> bool:
        return self.content_sha256 == self.content_sha256_recomputed


def _content_hash(manifest_text: str, documents: Sequence[DocumentPart]) -> str:
    """The import's content hash (``data.ingest.bundles.content_hash``) from the stored
    manifest text and the documents' stored hashes."""
    h = hashlib.sha256()
    try:
        manifest = json.loads(manifest_text)
    except ValueError:
        return ""
    h.update(json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
    for doc in sorted(documents, key=lambda d: d.file_name):
        h.update(f"\n{doc.file_name}:{doc.sha256}".encode())
    return h.hexdigest()


def _beijing_date(at: dt.datetime) -> dt.date:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()


def inspection_report_data(session: Session, inspection_id: int, scope: Scope) -> InspectionReportData:
    """Everything the report prints about one inspection revision, as plain values.
    Outside the user's scope, or missing: ``data.errors.NotFound`` (the same answer)."""
    from data.approvals import decision_history, load_settings
    from data.authenticity import flags_for, load_thresholds_in
    from data.checklist import checklist_text
    from data.mapdata import inspection_map_data
    from data.models import Customer, HealthScore, Inspection, InspectionDocument, RiskSignal
    from data.queries import inspection_detail

    detail = inspection_detail(session, inspection_id, scope)
    insp = session.get(Inspection, inspection_id)
    customer = session.get(Customer, detail.customer_no)
    assert insp is not None
    assert customer is not None
    scene = inspection_map_data(session, inspection_id, scope)

    score = session.execute(
        select(HealthScore.as_of, HealthScore.tier, HealthScore.score, HealthScore.model_version)
        .where(
            HealthScore.customer_no == customer.customer_no,
            HealthScore.as_of <= _beijing_date(insp.started_at),
        )
        .order_by(HealthScore.as_of.desc())
        .limit(1)
    ).first()
    signal_filter = (
        RiskSignal.customer_no == customer.customer_no,
        RiskSignal.detected_at <= insp.finished_at,
    )
    signals = session.execute(
        select(
            RiskSignal.detected_at,
            RiskSignal.occurred_at,
            RiskSignal.source,
            RiskSignal.type,
            RiskSignal.severity,
            RiskSignal.title,
            RiskSignal.status,
        )
        .where(*signal_filter)
        .order_by(RiskSignal.detected_at.desc(), RiskSignal.id.desc())
        .limit(SIGNALS_SHOWN)
    ).all()
    from sqlalchemy import func

    signals_total = session.execute(
        select(func.count()).select_from(RiskSignal).where(*signal_filter)
    ).scalar_one()

    text = checklist_text()
    checklist = tuple(
        ChecklistLine(
            a.code,
            a.section,
            text.sections.get(a.section, (a.section, a.section))[0],
            text.sections.get(a.section, (a.section, a.section))[1],
            text.questions.get(a.code, (a.code, a.code))[0],
            text.questions.get(a.code, (a.code, a.code))[1],
            a.answer,
            a.value,
            a.abnormal,
            a.deviates,
            a.remark,
            a.photo_keys,
        )
        for a in detail.answers
    )
    documents = tuple(
        DocumentPart(name, sha)
        for name, sha in session.execute(
            select(InspectionDocument.file_name, InspectionDocument.sha256)
            .where(InspectionDocument.inspection_id == inspection_id)
            .order_by(InspectionDocument.file_name)
        ).all()
    )
    settings = load_settings(session)
    thresholds = load_thresholds_in(session)
    return InspectionReportData(
        inspection_id=detail.id,
        bundle_id=detail.bundle_id,
        revision=detail.revision,
        is_current=detail.is_current,
        state=insp.state,
        kind=detail.kind,
        task_no=detail.task_no,
        unplanned=detail.unplanned,
        device_id=detail.device_id,
        started_at=detail.started_at,
        finished_at=detail.finished_at,
        submitted_at=detail.submitted_at,
        customer=CustomerPart(
            detail.customer_no,
            detail.customer_name,
            detail.uscc,
            detail.legal_rep,
            detail.legal_rep_id_masked,
            detail.phone_masked,
            detail.address,
            detail.industry,
            customer.branch_code,
            detail.branch_name,
            detail.manager_name,
        ),
        inspector_no=detail.inspector_no,
        inspector_name=detail.inspector_name,
        companion_no=detail.companion_no,
        companion_name=detail.companion_name,
        loans=detail.loans,
        tier=TierAtTime(score[0], score[1], float(score[2]), int(score[3])) if score else None,
        signals=tuple(SignalAtTime(*row) for row in signals),
        signals_total=int(signals_total),
        checklist=checklist,
        photos=detail.photos,
        map=MapPart(
            scene.customer_lat,
            scene.customer_lon,
            float(thresholds.checkin_min_m),
            tuple(TrackFixPart(f.t, f.lat, f.lon, f.event) for f in scene.track),
            tuple(
                (i + 1, p.category, p.lat, p.lon, p.exif_lat, p.exif_lon) for i, p in enumerate(scene.photos)
            ),
        ),
        flags=flags_for(session, [inspection_id]).get(inspection_id, ()),
        opinion=detail.opinion,
        suggested_classification=detail.suggested_classification,
        summary=detail.summary,
        follow_up=detail.follow_up,
        voice_notes=detail.voice_notes,
        decisions=tuple(decision_history(session, detail.bundle_id)),
        reason_words={r.code: (r.zh, r.en) for r in settings.reason_codes},
        manifest_sha256=hashlib.sha256(insp.manifest.encode("utf-8")).hexdigest(),
        content_sha256=insp.content_sha256,
        content_sha256_recomputed=_content_hash(insp.manifest, documents),
        documents=documents,
    )


def find_inspection(session: Session, bundle_id: str) -> int:
    """The id of a bundle's current revision (``NotFound`` when there is none)."""
    from data.models import Inspection

    found = session.execute(
        select(Inspection.id).where(
            Inspection.bundle_id == bundle_id.strip(), Inspection.is_current.is_(True)
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(what="inspection", key=bundle_id)
    return int(found)


# -- words --------------------------------------------------------------------------------------

W: dict[str, tuple[str, str]] = {
    "title": ("贷后检查报告", "Post-loan inspection report"),
    "header": ("报告信息", "Document"),
    "bank": ("机构", "Bank"),
    "document_no": ("文档编号", "Document no."),
    "bundle": ("检查编号", "Inspection"),
    "bundle_value": ("{bundle}（第 {revision} 版{current}）", "{bundle} (revision {revision}{current})"),
    "not_current": ("，已被新版本替代", ", superseded"),
    "customer": ("客户", "Customer"),
    "kind": ("检查类型", "Kind"),
    "task": ("贷后任务", "Post-loan task"),
    "unplanned": ("计划外检查", "unplanned"),
    "inspector": ("检查人员", "Inspector"),
    "companion": ("陪同人员", "Companion"),
    "visit": ("现场时间", "On site"),
    "visit_value": ("{start} 至 {end}（{minutes} 分钟）", "{start} to {end} ({minutes} min)"),
    "submitted": ("提交时间", "Submitted"),
    "state": ("审批状态", "Approval state"),
    "device": ("设备", "Device"),
    "s_customer": ("一、客户与贷款", "1. Customer and loans"),
    "customer_no": ("客户编号", "Customer no."),
    "customer_name": ("客户名称", "Name"),
    "uscc": ("统一社会信用代码", "Unified social credit code"),
    "legal_rep": ("法定代表人", "Legal representative"),
    "legal_rep_id": ("法定代表人证件号码", "Legal representative's ID no."),
    "phone": ("联系电话", "Phone"),
    "address": ("地址", "Address"),
    "industry": ("行业", "Industry"),
    "branch": ("管户机构", "Branch"),
    "manager": ("客户经理", "Client manager"),
    "loans": ("贷款", "Loans"),
    "loan_no": ("贷款编号", "Loan no."),
    "product": ("产品", "Product"),
    "amount": ("金额（元）", "Amount (CNY)"),
    "balance": ("余额（元）", "Balance (CNY)"),
    "classification": ("五级分类", "Classification"),
    "overdue_days": ("逾期天数", "Days past due"),
    "maturity": ("到期日", "Matures"),
    "no_loans": ("无贷款记录。", "No loans."),
    "s_risk": ("二、检查时的风险分层与风险信号", "2. Risk tier and signals at the time of the inspection"),
    "tier_line": (
        "风险分层：{tier}（健康评分 {score}，评分日期 {date}，模型第 {model} 版）",
        "Risk tier: {tier} (health score {score} on {date}, model version {model})",
    ),
    "no_tier": ("检查时尚无健康评分。", "No health score existed at the time of the inspection."),
    "signals_line": (
        "截至检查结束共发现风险信号 {n} 条{shown}：",
        "{n} risk signal(s) detected up to the end of the inspection{shown}:",
    ),
    "signals_shown": ("（列出最近 {n} 条）", " (the latest {n} shown)"),
    "no_signals": (
        "截至检查结束未发现风险信号。",
        "No risk signals detected up to the end of the inspection.",
    ),
    "detected": ("发现时间", "Detected"),
    "source": ("来源", "Source"),
    "signal_type": ("信号类型", "Signal"),
    "severity": ("严重程度", "Severity"),
    "signal_title": ("内容", "Title"),
    "review": ("核实状态", "Review"),
    "s_checklist": ("三、检查事项", "3. Checklist"),
    "item": ("编号", "Item"),
    "question": ("检查项", "Question"),
    "answer": ("回答", "Answer"),
    "remark": ("备注", "Remark"),
    "abnormal_mark": ("【异常】", "[ABNORMAL] "),
    "abnormal_note": (
        "标有【异常】（红色）的为客户经理标记异常或与正常答案不符的事项，共 {n} 项。",
        "Items marked [ABNORMAL] (red) were marked abnormal by the client manager or differ "
        "from the healthy answer: {n} in all.",
    ),
    "no_answers": ("无检查事项记录。", "No checklist answers."),
    "s_photos": ("四、现场照片", "4. Photos"),
    "no_photos": ("无照片。", "No photos."),
    "photo_caption": ("#{seq} {category}", "#{seq} {category}"),
    "app_line": ("App：{time} · {place}", "App: {time} · {place}"),
    "exif_line": ("EXIF：{time} · {place}", "EXIF: {time} · {place}"),
    "no_place": ("无位置", "no place"),
    "no_time": ("无时间", "no time"),
    "missing_file": ("原件未找到", "Original not found"),
    "s_map": ("五、检查轨迹", "5. Trajectory"),
    "map_caption": (
        "轨迹按时间着色（由蓝至红）；蓝色三角为签到，红色方块为签退，绿色菱形为客户登记地址"
        "（虚线圆为 {fence} 签到范围），紫色圆点为照片 App 记录位置，橙色空心圆为照片 EXIF 位置。"
        "坐标为 WGS-84，局部等距投影。",
        "Track coloured by time (blue to red); blue triangle: check-in, red square: check-out, "
        "green diamond: the customer's registered place (dashed circle: the {fence} check-in "
        "range), purple dots: photo places recorded by the app, orange rings: photo places in "
        "the EXIF. WGS-84, local equirectangular projection.",
    ),
    "map_tiles": ("底图：{crs} 瓦片。", " Base map: {crs} tiles."),
    "map_schematic": ("示意图（未加载底图）。", " Schematic (no base map)."),
    "no_track": ("无轨迹数据", "No track data"),
    "checkin": ("签到", "Check-in"),
    "checkout": ("签退", "Check-out"),
    "customer_place": ("客户地址", "Customer"),
    "north": ("北", "N"),
    "panel_whole": ("全程轨迹", "Whole track"),
    "panel_site": ("现场放大", "The site enlarged"),
    "far_place": ("#{seq} EXIF 位置在 {distance} 外", "#{seq} EXIF place {distance} away"),
    "s_flags": ("六、真实性核查", "6. Authenticity checks"),
    "no_flags": ("未发现真实性疑点。", "No authenticity flags."),
    "flag": ("疑点", "Flag"),
    "evidence": ("依据", "Evidence"),
    "s_conclusion": ("七、检查结论与后续措施", "7. Conclusion and follow-up"),
    "opinion": ("检查结论", "Opinion"),
    "suggested": ("建议五级分类", "Suggested classification"),
    "summary": ("检查情况", "Summary"),
    "follow_up": ("后续措施", "Follow-up"),
    "voice": ("语音备注", "Voice notes"),
    "none": ("无", "none"),
    "s_approval": ("八、审批记录", "8. Approval trail"),
    "no_decisions": ("尚无审批记录。", "No decisions yet."),
    "time": ("时间", "Time"),
    "revision": ("版本", "Rev."),
    "level": ("层级", "Level"),
    "decision": ("决定", "Decision"),
    "approver": ("审批人", "By"),
    "reason": ("原因", "Reason"),
    "comment": ("意见", "Comment"),
    "s_integrity": ("附录：完整性校验", "Appendix: integrity"),
    "integrity_note": (
        "下列 SHA-256 值可与影像库中保存的原件逐一核对。",
        "The SHA-256 values below match the originals kept in the photo store.",
    ),
    "file": ("文件", "File"),
    "manifest_text": (
        "检查清单（manifest）原文 UTF-8 的 SHA-256",
        "SHA-256 of the manifest text (UTF-8) as delivered",
    ),
    "content_recorded": (
        "导入时记录的内容哈希（content_sha256）",
        "Content hash recorded at import (content_sha256)",
    ),
    "content_note_ok": (
        "内容哈希按规范化的 manifest JSON 加附件哈希计算，与清单原文哈希算法不同；"
        "依保存的清单原文重新计算为 {hash}，与导入记录一致。",
        "The content hash covers the canonical manifest JSON plus the documents' hashes, so it "
        "differs from the text's hash; recomputed from the stored manifest it is {hash}, which "
        "matches the record.",
    ),
    "content_note_bad": (
        "内容哈希按规范化的 manifest JSON 加附件哈希计算；依保存的清单原文重新计算为 {hash}，"
        "与导入记录不一致，请核查。",
        "The content hash covers the canonical manifest JSON plus the documents' hashes; "
        "recomputed from the stored manifest it is {hash}, which does NOT match the record.",
    ),
    "document": ("附件", "Document"),
    "photo": ("照片", "Photo"),
    "category": ("类别", "Category"),
    "size": ("大小", "Size"),
}

KIND_WORDS = {
    "FIRST": ("首次检查", "First check"),
    "ROUTINE": ("例行检查", "Routine"),
    "FOCUSED": ("重点检查", "Focused"),
    "SPECIAL": ("专项检查", "Special"),
}
OPINION_WORDS = {
    "NORMAL": ("正常", "Normal"),
    "ATTENTION": ("关注", "Needs attention"),
    "RISK": ("风险", "Risk"),
}
CLASSIFICATION_WORDS = {
    "NORMAL": ("正常", "Normal"),
    "SPECIAL_MENTION": ("关注", "Special mention"),
    "SUBSTANDARD": ("次级", "Substandard"),
    "DOUBTFUL": ("可疑", "Doubtful"),
    "LOSS": ("损失", "Loss"),
}
CATEGORY_WORDS = {
    "STOREFRONT": ("门头", "Storefront"),
    "PREMISES": ("经营场所", "Premises"),
    "INVENTORY": ("库存", "Inventory"),
    "EQUIPMENT": ("设备", "Equipment"),
    "COLLATERAL": ("押品", "Collateral"),
    "DOCUMENT": ("单据", "Document"),
    "MEETING": ("面谈", "Meeting"),
    "OTHER": ("其他", "Other"),
}
ANSWER_WORDS = {"YES": ("是", "Yes"), "NO": ("否", "No"), "NA": ("不适用", "N/A")}
STATE_WORDS = {
    "SUBMITTED": ("待分行审批", "Awaiting the branch"),
    "REOPENED": ("总行发回，待分行重审", "Sent back to the branch"),
    "APPROVED": ("分行已通过，待总行复核", "Approved by the branch, head-office review due"),
    "ESCALATED": ("已上报总行", "Escalated to head office"),
    "RETURNED": ("已退回修改", "Returned for rework"),
    "REJECTED": ("已否决", "Rejected"),
    "CONFIRMED": ("总行已确认", "Confirmed by head office"),
    "CLOSED": ("已办结", "Closed"),
}
LEVEL_WORDS = {"BRANCH": ("分行", "Branch"), "HEAD": ("总行", "Head office")}
SEVERITY_WORDS = {"HIGH": ("高", "High"), "MEDIUM": ("中", "Medium"), "LOW": ("低", "Low")}
REVIEW_WORDS = {
    "NEW": ("未核实", "Not reviewed"),
    "CONFIRMED": ("已确认", "Confirmed"),
    "DISMISSED": ("已排除", "Dismissed"),
}
SIGNAL_WORDS = {
    "OVERDUE_ELSEWHERE": ("他行逾期", "Overdue at another lender"),
    "NEW_LENDERS": ("新增授信机构", "New lenders"),
    "INQUIRY_SPIKE": ("征信查询激增", "Many credit inquiries"),
    "GUARANTEE_DEFAULT": ("对外担保违约", "Guarantee in default"),
    "GUARANTEE_LIABILITY_UP": ("对外担保增加", "Guarantee liabilities up"),
    "EQUITY_PLEDGE": ("股权出质", "Equity pledged"),
    "SHAREHOLDER_CHANGE": ("股东变更", "Shareholder change"),
    "LEGAL_REP_CHANGE": ("法定代表人变更", "Legal representative change"),
    "EQUITY_FREEZE": ("股权冻结", "Equity frozen"),
    "ABNORMAL_OPERATION_LIST": ("列入经营异常名录", "Listed for abnormal operation"),
    "ADDRESS_CHANGE": ("地址变更", "Address change"),
    "DEREGISTRATION": ("注销", "Deregistration"),
    "LAWSUIT_DEFENDANT": ("被诉", "Sued as defendant"),
    "ENFORCEMENT": ("被执行", "Enforcement"),
    "DISHONEST_DEBTOR": ("失信被执行人", "Dishonest debtor"),
    "CONSUMPTION_RESTRICTION": ("限制高消费", "Consumption restriction"),
    "ACCOUNT_FROZEN": ("账户冻结", "Account frozen"),
    "TAX_ARREARS": ("欠税", "Tax arrears"),
    "CREDIT_GRADE_DOWN": ("纳税信用等级下调", "Tax credit grade down"),
    "INVOICE_DROP": ("开票量下降", "Invoices dropped"),
    "ABNORMAL_TAXPAYER": ("非正常户", "Abnormal taxpayer"),
    "INFLOW_DROP": ("资金流入下降", "Inflows dropped"),
    "RELATED_PARTY_OUTFLOW": ("资金流向关联方", "Outflows to related parties"),
    "FUNDS_DIVERSION": ("挪用贷款资金", "Funds diverted"),
    "LARGE_CASH": ("大额取现", "Large cash withdrawals"),
    "ELECTRICITY_DROP": ("用电量下降", "Electricity use dropped"),
    "WATER_DROP": ("用水量下降", "Water use dropped"),
    "UTILITY_ARREARS": ("欠缴水电费", "Utility arrears"),
    "NEGATIVE_NEWS": ("负面新闻", "Negative news"),
    "PRODUCTION_HALT": ("停产", "Production halted"),
    "EXECUTIVE_MISSING": ("实际控制人失联", "Executive missing"),
    "ENVIRONMENTAL": ("环保处罚", "Environmental penalty"),
    "SAFETY": ("安全生产处罚", "Safety penalty"),
    "MARKET_REGULATION": ("市场监管处罚", "Market regulation penalty"),
    "VALUATION_DROP": ("押品价值下降", "Collateral value dropped"),
    "COLLATERAL_SEIZED": ("押品被查封", "Collateral seized"),
    "INSURANCE_LAPSE": ("保险失效", "Insurance lapsed"),
}
#: the flags' evidence sentences
EVIDENCE_WORDS = {
    "m": ("{m:.0f} 米", "{m:.0f} m"),
    "km": ("{km:.1f} 公里", "{km:.1f} km"),
    "kmh": ("{v:.0f} 公里/小时", "{v:.0f} km/h"),
    "no_time": ("用时为零", "no time at all"),
    "EXIF": ("EXIF", "EXIF"),
    "app": ("App", "app"),
    "OFF_SITE_CHECKIN": (
        "签到位置距客户登记地址 {distance}（上限 {limit}）。",
        "The check-in is {distance} from the customer's registered place (limit {limit}).",
    ),
    "place": ("{source}位置距签到点 {distance}", "{source} place {distance} from the check-in"),
    "PHOTO_OFF_SITE": ("{photo}：{places}（上限 {limit}）。", "{photo}: {places} (limit {limit})."),
    "time": ("{source}时间 {at}，超出 {minutes:.0f} 分钟", "{source} time {at}, {minutes:.0f} min outside"),
    "PHOTO_TIME_OUTSIDE_VISIT": (
        "{photo}：{times}（检查时段 {start} 至 {end}）。",
        "{photo}: {times} (visit {start} to {end}).",
    ),
    "DUPLICATE_PHOTO": (
        "{n} 张照片与 {other} 的检查照片相同或相近（其中 {identical} 张完全相同，其余为近似重复）。",
        "{n} photo(s) match photos of the inspection of {other} ({identical} identical, the rest "
        "near-duplicates).",
    ),
    "SHORT_VISIT": (
        "签到至签退仅 {minutes:.0f} 分钟（最少 {limit:.0f} 分钟）。",
        "Check-in to check-out took {minutes:.0f} min (minimum {limit:.0f} min).",
    ),
    "IMPOSSIBLE_TRAVEL": (
        "距上一次检查结束地点（{at}）{distance}，用时 {minutes:.0f} 分钟：{speed}（上限 {limit:.0f} 公里/小时）。",
        "{distance} from the previous visit's end ({at}) in {minutes:.0f} min: {speed} (limit {limit:.0f} km/h).",
    ),
    "ZERO_ACCURACY": ("{n} 个定位点精度恰为 0", "{n} point(s) report an accuracy of exactly 0"),
    "FROZEN_POSITION": ("连续 {n} 个定位点坐标完全相同", "{n} consecutive points at the identical position"),
    "JUMP": ("跳变 {distance}，速度 {speed}", "a jump of {distance} at {speed}"),
    "SHARED_DEVICE": (
        "设备 {device} 在 {days:.0f} 天内也被 {inspectors} 使用。",
        "Device {device} was also used by {inspectors} within {days:.0f} days.",
    ),
    "COPY_PASTE_REPORT": (
        "检查结论与 {other} 的检查相似度达 {pct:.0f}%。",
        "The conclusion is {pct:.0f}% alike that of the inspection of {other}.",
    ),
    "MISSING_EVIDENCE": (
        "检查项 {item} 要求提供“{category}”照片，但未提供。",
        "Item {item} asks for a {category} photo; there is none.",
    ),
    "UNPLANNED_TASK": (
        "本次检查所填任务 {task} 并未下发。",
        "The bundle names task {task}, which was never issued.",
    ),
    "UNPLANNED": ("本次检查未对应任何贷后任务。", "The bundle answers no post-loan task."),
}


def _w(key: str, lang: str) -> str:
    return word(W, key, lang)


def _metres(value: Any, lang: str) -> str:
    if value is None:
        return "—"
    metres = float(value)
    if metres >= 1000:
        return word(EVIDENCE_WORDS, "km", lang).format(km=metres / 1000)
    return word(EVIDENCE_WORDS, "m", lang).format(m=metres)


def _when(value: Any) -> str:
    if not value:
        return "—"
    try:
        return local_time(dt.datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _speed(value: Any, lang: str) -> str:
    if value is None:
        return word(EVIDENCE_WORDS, "no_time", lang)
    return word(EVIDENCE_WORDS, "kmh", lang).format(v=float(value))


def flag_evidence(code: str, detail: Mapping[str, Any], lang: str, photo_label: Callable[[Any], str]) -> str:
    """Why a flag was raised, in words (the screens' sentences, ``widgets.flag_words``)."""
    e = EVIDENCE_WORDS
    d = detail
    if code == "OFF_SITE_CHECKIN":
        return word(e, code, lang).format(
            distance=_metres(d.get("distance_m"), lang), limit=_metres(d.get("limit_m"), lang)
        )
    if code == "PHOTO_OFF_SITE":
        sep = "；" if lang == "zh" else "; "
        places = sep.join(
            word(e, "place", lang).format(
                source=word(e, "EXIF" if p.get("source") == "EXIF" else "app", lang),
                distance=_metres(p.get("distance_m"), lang),
            )
            for p in d.get("places", ())
        )
        return word(e, code, lang).format(
            photo=photo_label(d.get("photo")), places=places, limit=_metres(d.get("limit_m"), lang)
        )
    if code == "PHOTO_TIME_OUTSIDE_VISIT":
        sep = "；" if lang == "zh" else "; "
        times = sep.join(
            word(e, "time", lang).format(
                source=word(e, "EXIF" if x.get("source") == "EXIF" else "app", lang),
                at=_when(x.get("at")),
                minutes=float(x.get("minutes_outside", 0)),
            )
            for x in d.get("times", ())
        )
        return word(e, code, lang).format(
            photo=photo_label(d.get("photo")),
            times=times,
            start=_when(d.get("window_from")),
            end=_when(d.get("window_to")),
        )
    if code == "DUPLICATE_PHOTO":
        pairs = list(d.get("photos", ()))
        return word(e, code, lang).format(
            n=len(pairs),
            other=_when(d.get("other_started_at")),
            identical=sum(1 for p in pairs if p.get("identical")),
        )
    if code == "SHORT_VISIT":
        return word(e, code, lang).format(
            minutes=float(d.get("minutes", 0)), limit=float(d.get("limit_min", 0))
        )
    if code == "IMPOSSIBLE_TRAVEL":
        return word(e, code, lang).format(
            distance=_metres(d.get("distance_m"), lang),
            at=_when(d.get("previous_end_at")),
            minutes=float(d.get("minutes", 0)),
            speed=_speed(d.get("speed_kmh"), lang),
            limit=float(d.get("limit_kmh", 0)),
        )
    if code == "SPOOFED_TRACK":
        signs = []
        for s in d.get("signs", ()):
            sign = s.get("sign")
            if sign in ("ZERO_ACCURACY", "FROZEN_POSITION"):
                signs.append(word(e, sign, lang).format(n=s.get("points", 0)))
            elif sign == "JUMP":
                signs.append(
                    word(e, sign, lang).format(
                        distance=_metres(s.get("distance_m"), lang), speed=_speed(s.get("speed_kmh"), lang)
                    )
                )
        return ("；" if lang == "zh" else "; ").join(signs) + ("。" if lang == "zh" else ".")
    if code == "SHARED_DEVICE":
        return word(e, code, lang).format(
            device=d.get("device_id", ""),
            inspectors=("、" if lang == "zh" else ", ").join(str(x) for x in d.get("other_inspectors", ())),
            days=float(d.get("window_days", 0)),
        )
    if code == "COPY_PASTE_REPORT":
        return word(e, code, lang).format(
            pct=100 * float(d.get("similarity", 0)), other=_when(d.get("other_started_at"))
        )
    if code == "MISSING_EVIDENCE":
        return word(e, code, lang).format(
            item=d.get("item", ""), category=word(CATEGORY_WORDS, str(d.get("category", "")), lang)
        )
    if code == "UNPLANNED":
        task = d.get("task_no")
        return word(e, "UNPLANNED_TASK", lang).format(task=task) if task else word(e, code, lang)
    return ""


# -- the trajectory figure ----------------------------------------------------------------------


@dataclass(frozen=True)
class TileSource:
    """An XYZ tile server for the map figure: ``url`` with ``{z}``, ``{x}``, ``{y}`` (and
    ``{s}`` for one of ``subdomains``), in datum ``crs`` (WGS84, GCJ02 or BD09). A
    ``widgets.map_tiles.TileProvider`` works too (its first layer is used)."""

    url: str
    crs: str = "WGS84"
    subdomains: str = ""
    timeout_s: float = 2.0
    max_zoom: int = 18


def _tile_spec(tiles: Any) -> TileSource | None:
    if tiles is None:
        return None
    if isinstance(tiles, TileSource):
        return tiles
    layers = getattr(tiles, "layers", None)
    if layers:
        first = layers[0]
        return TileSource(
            str(first.url),
            str(getattr(tiles, "crs", "WGS84")),
            str(getattr(first, "subdomains", "") or ""),
            max_zoom=int(getattr(first, "max_zoom", 18)),
        )
    url = getattr(tiles, "url", None)
    if url:
        return TileSource(str(url), str(getattr(tiles, "crs", "WGS84")))
    return None


def _mercator_px(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    n = 256.0 * 2**zoom
    lat = max(min(lat, 85.05), -85.05)
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.log(math.tan(math.radians(lat)) + 1.0 / math.cos(math.radians(lat))) / math.pi) / 2.0 * n
    return x, y


def fetch_tile_mosaic(
    spec: TileSource, south: float, west: float, north: float, east: float, width_px: int
) -> Any | None:
    """The tiles covering a lat/lon box (in the tiles' datum), joined and cropped to it, as
    a PIL image; None when any tile fails or the whole takes longer than the timeout."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from PIL import Image as PILImage

    zoom = spec.max_zoom
    while zoom > 1:
        x0, _ = _mercator_px(north, west, zoom)
        x1, _ = _mercator_px(north, east, zoom)
        if x1 - x0 <= width_px:
            break
        zoom -= 1
    x0, y0 = _mercator_px(north, west, zoom)
    x1, y1 = _mercator_px(south, east, zoom)
    tx = range(int(x0 // 256), int(x1 // 256) + 1)
    ty = range(int(y0 // 256), int(y1 // 256) + 1)
    if len(tx) * len(ty) > 48:
        return None
    deadline = time.monotonic() + spec.timeout_s
    subs = spec.subdomains or ""

    def url(x: int, y: int) -> str:
        s = subs[(x + y) % len(subs)] if subs else ""
        return (
            spec.url.replace("{s}", s).replace("{z}", str(zoom)).replace("{x}", str(x)).replace("{y}", str(y))
        )

    def get(client: httpx.Client, x: int, y: int) -> bytes | None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            r = client.get(url(x, y), timeout=left)
        except httpx.HTTPError:
            return None
        return r.content if r.status_code == 200 else None

    cells = [(x, y) for y in ty for x in tx]
    with httpx.Client(headers={"User-Agent": "LoanSight report"}) as client, ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(lambda c: get(client, c[0], c[1]), cells))
    if any(b is None for b in bodies) or time.monotonic() > deadline:
        return None
    mosaic = PILImage.new("RGB", (256 * len(tx), 256 * len(ty)), "white")
    for (x, y), body in zip(cells, bodies, strict=True):
        assert body is not None
        try:
            tile = PILImage.open(io.BytesIO(body)).convert("RGB")
        except (OSError, ValueError):
            return None
        mosaic.paste(tile, ((x - tx.start) * 256, (y - ty.start) * 256))
    ox, oy = tx.start * 256, ty.start * 256
    return mosaic.crop((round(x0 - ox), round(y0 - oy), round(x1 - ox), round(y1 - oy)))


def _nice_length(limit_m: float) -> float:
    """The longest 1, 2 or 5 × 10^k metres not above ``limit_m``."""
    if limit_m <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(limit_m))
    for m in (5, 2, 1):
        if m * exp <= limit_m:
            return float(m * exp)
    return float(exp)


def _time_colour(f: float) -> Any:
    """Blue at the start of the visit through violet to red at its end."""
    from reportlab.lib import colors

    f = min(max(f, 0.0), 1.0)
    start, end = (0.08, 0.40, 0.75), (0.78, 0.16, 0.16)
    return colors.Color(*(a + (b - a) * f for a, b in zip(start, end, strict=True)))


def _clip(
    x1: float, y1: float, x2: float, y2: float, box: tuple[float, float, float, float]
) -> tuple[float, float, float, float] | None:
    """The part of a segment inside ``box`` (Liang–Barsky), None when none is."""
    left, bottom, right, top = box
    dx, dy = x2 - x1, y2 - y1
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - bottom), (dy, top - y1)):
        if p == 0:
            if q < 0:
                return None
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return None
    return x1 + t0 * dx, y1 + t0 * dy, x1 + t1 * dx, y1 + t1 * dy


@dataclass(frozen=True)
class _Scene:
    """The figure's elements in local metres (x east, y north) around (lat0, lon0)."""

    lat0: float
    lon0: float
    k: float  # cos(lat0)
    track: tuple[tuple[dt.datetime, str, float, float], ...]  # time, event, x, y
    customer: tuple[float, float] | None
    fence: float
    app: tuple[tuple[int, float, float], ...]  # seq, x, y
    exif: tuple[tuple[int, float, float, float, float], ...]  # seq, x, y, app x, app y

    def back(self, mx: float, my: float) -> tuple[float, float]:
        return (
            self.lat0 + math.degrees(my / EARTH_RADIUS_M),
            self.lon0 + math.degrees(mx / (EARTH_RADIUS_M * self.k)),
        )


def _scene(part: MapPart, conv: Callable[[float, float], tuple[float, float]]) -> _Scene | None:
    from data.rules.coords import haversine_m

    places: list[tuple[float, float]] = [conv(f.lat, f.lon) for f in part.track]
    customer = (
        conv(part.customer_lat, part.customer_lon)
        if part.customer_lat is not None and part.customer_lon is not None
        else None
    )
    if customer is not None:
        places.append(customer)
    places += [conv(la, lo) for _s, _c, la, lo, _el, _eo in part.photos if la is not None and lo is not None]
    if not places:
        return None
    lat0 = (min(p[0] for p in places) + max(p[0] for p in places)) / 2
    lon0 = (min(p[1] for p in places) + max(p[1] for p in places)) / 2
    k = math.cos(math.radians(lat0))

    def metres(lat: float, lon: float) -> tuple[float, float]:
        la, lo = conv(lat, lon)
        return EARTH_RADIUS_M * math.radians(lo - lon0) * k, EARTH_RADIUS_M * math.radians(la - lat0)

    app: list[tuple[int, float, float]] = []
    exif: list[tuple[int, float, float, float, float]] = []
    for seq, _cat, la, lo, el, eo in part.photos:
        if la is not None and lo is not None:
            app.append((seq, *metres(la, lo)))
        if el is None or eo is None:
            continue
        if la is not None and lo is not None and haversine_m(la, lo, el, eo) <= EXIF_PLACE_NOISE_M:
            continue
        ex, ey = metres(el, eo)
        ax, ay = metres(la, lo) if la is not None and lo is not None else (ex, ey)
        exif.append((seq, ex, ey, ax, ay))
    return _Scene(
        lat0,
        lon0,
        k,
        tuple((f.t, f.event, *metres(f.lat, f.lon)) for f in part.track),
        metres(part.customer_lat, part.customer_lon)
        if part.customer_lat is not None and part.customer_lon is not None
        else None,
        part.geofence_m if customer is not None else 0.0,
        tuple(app),
        tuple(exif),
    )


def _extent(scene: _Scene, site_only: bool) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of the whole visit, or of the site only: the customer's
    range, the check-in and check-out and the photos' app places."""
    pts: list[tuple[float, float]] = []
    if site_only:
        pts += [(x, y) for _t, event, x, y in scene.track if event in ("CHECKIN", "CHECKOUT")]
    else:
        pts += [(x, y) for _t, _e, x, y in scene.track]
    pts += [(x, y) for _s, x, y in scene.app]
    if scene.customer is not None:
        cx, cy = scene.customer
        pts += [(cx - scene.fence, cy - scene.fence), (cx + scene.fence, cy + scene.fence)]
    if not pts:
        pts = [(x, y) for _t, _e, x, y in scene.track] or [(0.0, 0.0)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _panel(
    scene: _Scene,
    extent: tuple[float, float, float, float],
    width: float,
    height: float,
    lang: str,
    font: str,
    spec: TileSource | None,
    title: str,
) -> tuple[Any, tuple[Any, float, float, float, float] | None]:
    """One map panel, ``width`` × ``height`` points, showing ``extent`` (local metres);
    everything outside is clipped; EXIF places far outside become arrows at the edge."""
    from reportlab.graphics.shapes import Circle, Group, Line, Polygon, Rect, String
    from reportlab.lib import colors

    g = Group()
    pad, legend_h = 12.0, 16.0
    background = Rect(0, 0, width, height, fillColor=colors.HexColor("#f7f9fb"), strokeColor=None)
    g.add(background)
    min_x, min_y, max_x, max_y = extent
    # near EXIF places join the extent, far ones are drawn as arrows at the edge
    span = max(max_x - min_x, max_y - min_y, 60.0)
    mid_x, mid_y = (min_x + max_x) / 2, (min_y + max_y) / 2
    far: list[tuple[int, float, float]] = []
    for seq, ex, ey, _ax, _ay in scene.exif:
        if math.hypot(ex - mid_x, ey - mid_y) > max(1.5 * span, FAR_PLACE_MIN_M):
            far.append((seq, ex, ey))
        else:
            min_x, max_x = min(min_x, ex), max(max_x, ex)
            min_y, max_y = min(min_y, ey), max(max_y, ey)
    span_x, span_y = max(max_x - min_x, 60.0), max(max_y - min_y, 60.0)
    avail_w, avail_h = width - 2 * pad, height - 2 * pad - legend_h
    scale = min(avail_w / span_x, avail_h / span_y)  # points per metre
    mid_x, mid_y = (min_x + max_x) / 2, (min_y + max_y) / 2
    ox, oy = width / 2, legend_h + pad + avail_h / 2
    box = (0.0, legend_h, width, height)

    def at(mx: float, my: float) -> tuple[float, float]:
        return ox + (mx - mid_x) * scale, oy + (my - mid_y) * scale

    def inside(x: float, y: float, margin: float = 0.0) -> bool:
        return box[0] + margin <= x <= box[2] - margin and box[1] + margin <= y <= box[3] - margin

    tiles: tuple[Any, float, float, float, float] | None = None
    if spec is not None:
        south, west = scene.back(mid_x - ox / scale, mid_y - (oy - legend_h) / scale)
        north, east = scene.back(mid_x + (width - ox) / scale, mid_y + (height - oy) / scale)
        mosaic = fetch_tile_mosaic(spec, south, west, north, east, int(width * 2))
        if mosaic is not None:
            # drawn by the figure's flowable under the vectors (an image XObject, not an
            # inline image); a light veil keeps the track legible over busy tiles
            tiles = (mosaic, 0.0, legend_h, width, height - legend_h)
            background.fillColor = colors.Color(1, 1, 1, alpha=0.25)

    grey = colors.HexColor("#546e7a")
    pending: list[tuple[int, float, float, str, Any, float]] = []

    def label(x: float, y: float, text: str, colour: Any, size: float = 6.5, priority: int = 3) -> None:
        pending.append((priority, x, y, text, colour, size))

    def place_labels() -> None:
        """Each marker's label beside it, moved round the marker until it overlaps no
        other (check-in and check-out first)."""
        placed: list[tuple[float, float, float, float]] = []
        for _p, x, y, text, colour, size in sorted(pending, key=lambda item: item[0]):
            place_label(placed, x, y, text, colour, size)

    def place_label(
        placed: list[tuple[float, float, float, float]],
        x: float,
        y: float,
        text: str,
        colour: Any,
        size: float,
    ) -> None:
        w, h = len(text) * size * (1.0 if any(ord(ch) > 0x2E80 for ch in text) else 0.6), size
        options = [(5, 2), (5, -2 - h), (-5 - w, 2), (-5 - w, -2 - h), (-w / 2, 5), (-w / 2, -5 - h)]
        options += [
            (dx, dy + sign * step * (h + 1))
            for step in (1, 2, 3)
            for sign in (1, -1)
            for dx, dy in options[:2]
        ]
        for dx, dy in options:
            rect = (x + dx, y + dy, x + dx + w, y + dy + h)
            if all(rect[2] < r[0] or rect[0] > r[2] or rect[3] < r[1] or rect[1] > r[3] for r in placed):
                break
        placed.append(rect)
        g.add(String(rect[0], rect[1] + 1, text, fontName=font, fontSize=size, fillColor=colour))

    if scene.customer is not None:
        cx, cy = at(*scene.customer)
        radius = scene.fence * scale
        if radius > 0 and inside(cx, cy, -radius):
            g.add(
                Circle(
                    cx,
                    cy,
                    radius,
                    fillColor=colors.Color(0.3, 0.55, 0.3, alpha=0.08),
                    strokeColor=colors.HexColor("#2e7d32"),
                    strokeDashArray=[3, 2],
                    strokeWidth=0.8,
                )
            )
        if inside(cx, cy):
            s = 4.5
            g.add(
                Polygon(
                    [cx, cy + s, cx + s, cy, cx, cy - s, cx - s, cy],
                    fillColor=colors.HexColor("#2e7d32"),
                    strokeColor=colors.white,
                    strokeWidth=0.6,
                )
            )
            label(cx, cy, _w("customer_place", lang), colors.HexColor("#1b5e20"), 7, 2)
    track = scene.track
    if len(track) >= 2:
        t0 = track[0][0]
        total = max((track[-1][0] - t0).total_seconds(), 1.0)
        for (ta, _ea, xa, ya), (tb, _eb, xb, yb) in itertools.pairwise(track):
            clipped = _clip(*at(xa, ya), *at(xb, yb), box)
            if clipped is None:
                continue
            f = ((ta - t0).total_seconds() + (tb - t0).total_seconds()) / 2 / total
            g.add(Line(*clipped, strokeColor=_time_colour(f), strokeWidth=1.6, strokeLineCap=1))
    for _t, event, x, y in track:
        px, py = at(x, y)
        if event == "TRACK" and inside(px, py):
            g.add(Circle(px, py, 0.9, fillColor=grey, strokeColor=None))
    orange = colors.HexColor("#ef6c00")
    # photos drawn on one spot share one label ("#1, #4–12")
    app_spots: list[tuple[float, float, list[int]]] = []
    exif_spots: list[tuple[float, float, list[int]]] = []

    def cluster(spots: list[tuple[float, float, list[int]]], px: float, py: float, seq: int) -> None:
        for sx, sy, seqs in spots:
            if abs(sx - px) < 4 and abs(sy - py) < 4:
                seqs.append(seq)
                return
        spots.append((px, py, [seq]))

    for seq, ex, ey, ax, ay in scene.exif:
        if any(f[0] == seq and f[1] == ex for f in far):
            continue
        px, py = at(ex, ey)
        clipped = _clip(*at(ax, ay), px, py, box)
        if clipped is not None:
            g.add(Line(*clipped, strokeColor=orange, strokeDashArray=[2, 1.5], strokeWidth=0.7))
        if inside(px, py):
            g.add(Circle(px, py, 3.2, fillColor=colors.white, strokeColor=orange, strokeWidth=1))
            cluster(exif_spots, px, py, seq)
    for seq, x, y in scene.app:
        px, py = at(x, y)
        if inside(px, py):
            g.add(
                Circle(
                    px,
                    py,
                    3.2,
                    fillColor=colors.HexColor("#6a1b9a"),
                    strokeColor=colors.white,
                    strokeWidth=0.6,
                )
            )
            cluster(app_spots, px, py, seq)
    for spots, colour in ((app_spots, "#4a148c"), (exif_spots, "#e65100")):
        for px, py, seqs in spots:
            label(px, py, _seq_ranges(seqs), colors.HexColor(colour))
    checkin = next(((x, y) for _t, e, x, y in track if e == "CHECKIN"), None)
    checkout = next(((x, y) for _t, e, x, y in reversed(track) if e == "CHECKOUT"), None)
    if checkin is not None and inside(*at(*checkin)):
        x, y = at(*checkin)
        s = 5.0
        g.add(
            Polygon(
                [x, y + s, x + s * 0.9, y - s * 0.6, x - s * 0.9, y - s * 0.6],
                fillColor=colors.HexColor("#1565c0"),
                strokeColor=colors.white,
                strokeWidth=0.6,
            )
        )
        label(x, y, _w("checkin", lang), colors.HexColor("#0d47a1"), 7, 0)
    if checkout is not None and inside(*at(*checkout)):
        x, y = at(*checkout)
        s = 3.4
        g.add(
            Rect(
                x - s,
                y - s,
                2 * s,
                2 * s,
                fillColor=colors.HexColor("#c62828"),
                strokeColor=colors.white,
                strokeWidth=0.6,
            )
        )
        label(x, y, _w("checkout", lang), colors.HexColor("#b71c1c"), 7, 1)
    place_labels()
    for i, (seq, ex, ey) in enumerate(far):
        angle = math.atan2(ey - mid_y, ex - mid_x)
        rx, ry = avail_w / 2 - 4, avail_h / 2 - 4
        t = min(rx / max(abs(math.cos(angle)), 1e-9), ry / max(abs(math.sin(angle)), 1e-9))
        x, y = ox + t * math.cos(angle), oy + t * math.sin(angle)
        tip = (x + 6 * math.cos(angle), y + 6 * math.sin(angle))
        left = (x + 5 * math.cos(angle + 2.5), y + 5 * math.sin(angle + 2.5))
        right = (x + 5 * math.cos(angle - 2.5), y + 5 * math.sin(angle - 2.5))
        g.add(Polygon([*tip, *left, *right], fillColor=orange, strokeColor=None))
        far_text = _w("far_place", lang).format(
            seq=seq, distance=_metres(math.hypot(ex - mid_x, ey - mid_y), lang)
        )
        g.add(
            String(
                x - 8 * math.cos(angle),
                y - 8 * math.sin(angle) - 3 - 8 * i,
                far_text,
                fontName=font,
                fontSize=6.5,
                fillColor=colors.HexColor("#e65100"),
                textAnchor="end" if math.cos(angle) > 0 else "start",
            )
        )
    # the legend strip: time colours (on the panel with the whole track), scale bar, north
    g.add(Rect(0, 0, width, legend_h, fillColor=colors.white, strokeColor=None))
    if len(track) >= 2:
        bar_x, bar_w, steps = 6.0, min(80.0, width * 0.35), 24
        for i in range(steps):
            g.add(
                Rect(
                    bar_x + bar_w * i / steps,
                    3.5,
                    bar_w / steps + 0.3,
                    4.5,
                    fillColor=_time_colour(i / (steps - 1)),
                    strokeColor=None,
                )
            )
        g.add(String(bar_x, 10, local_time(track[0][0])[-5:], fontName=font, fontSize=6, fillColor=grey))
        g.add(
            String(
                bar_x + bar_w,
                10,
                local_time(track[-1][0])[-5:],
                fontName=font,
                fontSize=6,
                fillColor=grey,
                textAnchor="end",
            )
        )
    length = _nice_length(avail_w / 4 / scale)
    bar = length * scale
    sx = width - 10 - bar
    g.add(Rect(sx, 3.5, bar / 2, 3, fillColor=colors.black, strokeColor=colors.black, strokeWidth=0.5))
    g.add(
        Rect(sx + bar / 2, 3.5, bar / 2, 3, fillColor=colors.white, strokeColor=colors.black, strokeWidth=0.5)
    )
    g.add(String(sx, 9, "0", fontName=font, fontSize=6, textAnchor="middle"))
    g.add(String(sx + bar, 9, _metres(length, lang), fontName=font, fontSize=6, textAnchor="middle"))
    nx, ny = width - 12, height - 26
    g.add(
        Polygon(
            [nx, ny + 14, nx - 5, ny, nx, ny + 4],
            fillColor=colors.black,
            strokeColor=colors.black,
            strokeWidth=0.5,
        )
    )
    g.add(
        Polygon(
            [nx, ny + 14, nx + 5, ny, nx, ny + 4],
            fillColor=colors.white,
            strokeColor=colors.black,
            strokeWidth=0.5,
        )
    )
    g.add(String(nx, ny + 16, _w("north", lang), fontName=font, fontSize=8, textAnchor="middle"))
    if title:
        g.add(
            Rect(
                0,
                height - 13,
                len(title) * 8 + 8,
                13,
                fillColor=colors.Color(1, 1, 1, alpha=0.85),
                strokeColor=None,
            )
        )
        g.add(
            String(4, height - 10, title, fontName=font, fontSize=7.5, fillColor=colors.HexColor("#1f3b57"))
        )
    g.add(Line(0, legend_h, width, legend_h, strokeColor=colors.HexColor("#cfd8dc"), strokeWidth=0.5))
    g.add(Rect(0, 0, width, height, fillColor=None, strokeColor=colors.HexColor("#90a4ae"), strokeWidth=0.8))
    return g, tiles


def _seq_ranges(seqs: Sequence[int]) -> str:
    """Photo numbers as ``#1, #4–12``."""
    parts: list[str] = []
    ordered = sorted(set(seqs))
    start = prev = ordered[0]
    for n in [*ordered[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(f"#{start}" if start == prev else f"#{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _figure(drawing: Any, backgrounds: Sequence[tuple[Any, float, float, float, float]]) -> Any:
    """A flowable that draws ``backgrounds`` (PIL images at x, y, width, height) and then
    the vector ``drawing`` over them."""
    from reportlab.graphics import renderPDF
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable

    class MapFigure(Flowable):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.width, self.height = drawing.width, drawing.height
            self.drawing = drawing

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return self.width, self.height

        def draw(self) -> None:
            for image, x, y, w, h in backgrounds:
                self.canv.drawImage(ImageReader(image), x, y, w, h)
            renderPDF.draw(drawing, self.canv, 0, 0)

    return MapFigure()


def trajectory_drawing(
    part: MapPart, width: float, height: float, lang: str, tiles: Any = None, font: str = "Helvetica"
) -> tuple[Any, bool]:
    """The visit as a vector figure (a reportlab ``Drawing``, local equirectangular
    projection in metres) and whether tiles were drawn under it. When the track reaches far
    beyond the site (the way there), a second panel shows the site enlarged."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    from data.rules.coords import from_wgs84

    spec = _tile_spec(tiles)
    crs = spec.crs.upper() if spec else "WGS84"

    def conv(lat: float, lon: float) -> tuple[float, float]:
        return (lat, lon) if crs in ("WGS84", "CGCS2000") else from_wgs84(lat, lon, crs)

    d = Drawing(width, height)
    scene = _scene(part, conv)
    if scene is None:
        d.add(
            Rect(
                0,
                0,
                width,
                height,
                fillColor=colors.HexColor("#f7f9fb"),
                strokeColor=colors.HexColor("#90a4ae"),
            )
        )
        d.add(
            String(
                width / 2, height / 2, _w("no_track", lang), fontName=font, fontSize=10, textAnchor="middle"
            )
        )
        return _figure(d, []), False
    whole = _extent(scene, site_only=False)
    site = _extent(scene, site_only=True)
    whole_span = max(whole[2] - whole[0], whole[3] - whole[1])
    site_span = max(site[2] - site[0], site[3] - site[1], 60.0)
    if whole_span <= 3 * site_span:
        panel, tiles = _panel(scene, whole, width, height, lang, font, spec, "")
        d.add(panel)
        return _figure(d, [tiles] if tiles else []), tiles is not None
    gap = 6.0
    half = (width - gap) / 2
    left, tiles_left = _panel(scene, whole, half, height, lang, font, spec, _w("panel_whole", lang))
    right, tiles_right = _panel(scene, site, half, height, lang, font, spec, _w("panel_site", lang))
    right.translate(half + gap, 0)
    d.add(left)
    d.add(right)
    backgrounds: list[tuple[Any, float, float, float, float]] = [tiles_left] if tiles_left else []
    if tiles_right:
        image, x, y, w, h = tiles_right
        backgrounds.append((image, x + half + gap, y, w, h))
    return _figure(d, backgrounds), bool(backgrounds)


# -- the document -------------------------------------------------------------------------------


def _money(value: Decimal | float) -> str:
    return f"{float(value):,.2f}"


def _place(lat: float | None, lon: float | None, lang: str) -> str:
    if lat is None or lon is None:
        return _w("no_place", lang)
    return f"{lat:.5f}, {lon:.5f}"


def _key_values(pairs: Sequence[tuple[str, str]], columns: int = 2) -> Any:
    """A grid of label/value pairs, ``columns`` pairs a row."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    from data.reports.common import content_width, para, styles

    s = styles()
    rows: list[list[Any]] = []
    for i in range(0, len(pairs), columns):
        row: list[Any] = []
        for label, value in pairs[i : i + columns]:
            row += [para(label, s.small), para(value, s.cell)]
        while len(row) < 2 * columns:
            row.append("")
        rows.append(row)
    label_w = 30 * mm if columns == 2 else 38 * mm
    value_w = (content_width() - columns * label_w) / columns
    t = Table(rows, colWidths=[label_w, value_w] * columns)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0bec5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
            + [("BACKGROUND", (2 * c, 0), (2 * c, -1), colors.HexColor("#eef2f6")) for c in range(columns)]
        )
    )
    return t


def _photo_grid(data: InspectionReportData, photo_paths: Mapping[str, Path], lang: str) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Table, TableStyle

    from data.reports.common import content_width, para, styles

    s = styles()
    per_row = 3 if len(data.photos) != 4 else 2
    cell_w = content_width() / per_row
    box_w, box_h = cell_w - 6 * mm, (48 if per_row == 3 else 62) * mm
    cells: list[list[Any]] = []
    for p in data.photos:
        path = photo_paths.get(p.sha256)
        content: list[Any] = []
        if path is not None and Path(path).is_file() and p.width > 0 and p.height > 0:
            ratio = min(box_w / p.width, box_h / p.height)
            content.append(Image(str(path), width=p.width * ratio, height=p.height * ratio))
        else:
            content.append(para(_w("missing_file", lang), s.cell_bold))
        caption = _w("photo_caption", lang).format(
            seq=_seq_of(data, p), category=word(CATEGORY_WORDS, p.category, lang)
        )
        app = _w("app_line", lang).format(
            time=local_time(p.taken_at, seconds=True) or _w("no_time", lang), place=_place(p.lat, p.lon, lang)
        )
        exif = _w("exif_line", lang).format(
            time=local_time(p.exif_taken_at, seconds=True) or _w("no_time", lang),
            place=_place(p.exif_lat, p.exif_lon, lang),
        )
        content += [para(caption, s.cell), para(app, s.small), para(exif, s.small)]
        cells.append(content)
    rows: list[list[Any]] = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    for row in rows:
        row += [""] * (per_row - len(row))
    t = Table(rows, colWidths=[cell_w] * per_row)
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("BOX", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0bec5")),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0bec5")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return t


def _seq_of(data: InspectionReportData, photo: PhotoRow) -> int:
    return next((i + 1 for i, p in enumerate(data.photos) if p.id == photo.id), 0)


def _photo_label(data: InspectionReportData, lang: str) -> Callable[[Any], str]:
    labels = {
        p.photo_key: f"#{i + 1} {word(CATEGORY_WORDS, p.category, lang)}" for i, p in enumerate(data.photos)
    }
    return lambda key: labels.get(str(key), str(key))


def _answer_text(line: ChecklistLine, lang: str) -> str:
    answer = word(ANSWER_WORDS, line.answer, lang) if line.answer in ANSWER_WORDS else ""
    value = line.value or ""
    return " ".join(x for x in (answer, value) if x) or "—"


def render_inspection_pdf(
    data: InspectionReportData,
    out: Path | Any,
    *,
    viewer: Any,
    document_no: str,
    lang: str = "zh",
    photo_paths: Mapping[str, Path] | None = None,
    tiles: Any = None,
) -> int:
    """Draw the report to ``out`` (a path or a binary file); returns the page count.
    ``photo_paths`` maps a photo's SHA-256 to its stored JPEG file; ``tiles`` (optional) is a
    ``TileSource`` drawn under the trajectory when it answers within its timeout."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, TableStyle

    from data.reports.common import build_pdf, content_width, para, report_font, styles, table

    lang = "zh" if lang == "zh" else "en"
    s = styles()
    font = report_font().name
    width = content_width()
    c = data.customer
    story: list[Any] = []

    # the title and the document's header
    story.append(para(_w("title", lang), s.title))
    current = "" if data.is_current else _w("not_current", lang)
    kind = word(KIND_WORDS, data.kind, lang) + (
        f"（{_w('unplanned', lang)}）" if data.unplanned and lang == "zh" else ""
    )
    if data.unplanned and lang != "zh":
        kind += f" ({_w('unplanned', lang)})"
    inspector = (
        f"{data.inspector_name}（{data.inspector_no}）"
        if lang == "zh"
        else f"{data.inspector_name} ({data.inspector_no})"
    )
    companion = (
        (
            f"{data.companion_name}（{data.companion_no}）"
            if lang == "zh"
            else f"{data.companion_name} ({data.companion_no})"
        )
        if data.companion_no
        else _w("none", lang)
    )
    minutes = (data.finished_at - data.started_at).total_seconds() / 60
    story.append(
        _key_values(
            [
                (_w("bank", lang), BANK_NAME[lang]),
                (_w("document_no", lang), document_no),
                (
                    _w("customer", lang),
                    f"{c.name}（{c.customer_no}）" if lang == "zh" else f"{c.name} ({c.customer_no})",
                ),
                (_w("kind", lang), kind),
                (
                    _w("bundle", lang),
                    _w("bundle_value", lang).format(
                        bundle=data.bundle_id, revision=data.revision, current=current
                    ),
                ),
                (_w("task", lang), data.task_no or _w("none", lang)),
                (
                    _w("visit", lang),
                    _w("visit_value", lang).format(
                        start=local_time(data.started_at),
                        end=local_time(data.finished_at)[-5:],
                        minutes=f"{minutes:.0f}",
                    ),
                ),
                (_w("submitted", lang), local_time(data.submitted_at)),
                (_w("inspector", lang), inspector),
                (_w("companion", lang), companion),
                (_w("state", lang), word(STATE_WORDS, data.state, lang)),
                (_w("device", lang), data.device_id or "—"),
            ]
        )
    )

    # 1. the customer and the loans
    story.append(para(_w("s_customer", lang), s.h1))
    story.append(
        _key_values(
            [
                (_w("customer_no", lang), c.customer_no),
                (_w("customer_name", lang), c.name),
                (_w("uscc", lang), c.uscc),
                (_w("industry", lang), c.industry),
                (_w("legal_rep", lang), c.legal_rep),
                (_w("legal_rep_id", lang), c.legal_rep_id_masked),
                (_w("phone", lang), c.phone_masked),
                (_w("branch", lang), c.branch_name),
                (_w("manager", lang), c.manager_name),
                (_w("address", lang), c.address),
            ]
        )
    )
    story.append(para(_w("loans", lang), s.h2))
    if data.loans:
        story.append(
            table(
                [
                    _w(k, lang)
                    for k in (
                        "loan_no",
                        "product",
                        "amount",
                        "balance",
                        "classification",
                        "overdue_days",
                        "maturity",
                    )
                ],
                [
                    (
                        ln.loan_no,
                        ln.product,
                        _money(ln.amount),
                        _money(ln.balance),
                        word(CLASSIFICATION_WORDS, ln.classification, lang),
                        str(ln.overdue_days),
                        ln.maturity_on.isoformat(),
                    )
                    for ln in data.loans
                ],
                [w * mm for w in (30, 36, 26, 26, 20, 16, 24)],
                highlight=lambda i: (
                    data.loans[i].classification != "NORMAL" or data.loans[i].overdue_days > 0
                ),
                numeric=(2, 3, 5),
            )
        )
    else:
        story.append(para(_w("no_loans", lang), s.body))

    # 2. the risk tier and the signals at the time
    story.append(para(_w("s_risk", lang), s.h1))
    if data.tier is not None:
        story.append(
            para(
                _w("tier_line", lang).format(
                    tier=word(TIER_WORDS, data.tier.tier, lang),
                    score=f"{data.tier.score:.1f}",
                    date=data.tier.as_of.isoformat(),
                    model=data.tier.model_version,
                ),
                s.body,
            )
        )
    else:
        story.append(para(_w("no_tier", lang), s.body))
    if data.signals:
        shown = (
            _w("signals_shown", lang).format(n=len(data.signals))
            if data.signals_total > len(data.signals)
            else ""
        )
        story.append(para(_w("signals_line", lang).format(n=data.signals_total, shown=shown), s.body))
        story.append(
            table(
                [
                    _w(k, lang)
                    for k in ("detected", "source", "signal_type", "severity", "signal_title", "review")
                ],
                [
                    (
                        local_time(sig.detected_at),
                        word(SOURCE_WORDS, sig.source, lang),
                        word(SIGNAL_WORDS, sig.type, lang),
                        str(sig.severity),
                        sig.title,
                        word(REVIEW_WORDS, sig.status, lang),
                    )
                    for sig in data.signals
                ],
                [w * mm for w in (26, 20, 28, 16, 70, 18)],
                highlight=lambda i: data.signals[i].severity >= 3 and data.signals[i].status != "DISMISSED",
                numeric=(3,),
            )
        )
    else:
        story.append(para(_w("no_signals", lang), s.body))

    # 3. the checklist, section by section
    story.append(para(_w("s_checklist", lang), s.h1))
    if data.checklist:
        marked = sum(1 for line in data.checklist if line.marked)
        story.append(para(_w("abnormal_note", lang).format(n=marked), s.small))
        sections: dict[str, list[ChecklistLine]] = {}
        for line in data.checklist:
            sections.setdefault(line.section, []).append(line)
        for lines in sections.values():
            title = lines[0].section_zh if lang == "zh" else lines[0].section_en
            rows = [
                (
                    line.code,
                    (_w("abnormal_mark", lang) if line.marked else "")
                    + (line.question_zh if lang == "zh" else line.question_en),
                    _answer_text(line, lang),
                    line.remark or "",
                )
                for line in lines
            ]
            t = table(
                [_w(k, lang) for k in ("item", "question", "answer", "remark")],
                rows,
                [w * mm for w in (17, 78, 25, 58)],
                highlight=lambda i, lines=lines: lines[i].marked,  # type: ignore[misc]
            )
            t.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#fdecea"))
                        for i, line in enumerate(lines)
                        if line.marked
                    ]
                )
            )
            story.append(CondPageBreak(30 * mm))
            story.append(para(title, s.h2))
            story.append(t)
    else:
        story.append(para(_w("no_answers", lang), s.body))

    # 4. the photos
    story.append(para(_w("s_photos", lang), s.h1))
    if data.photos:
        story.append(_photo_grid(data, photo_paths or {}, lang))
    else:
        story.append(para(_w("no_photos", lang), s.body))

    # 5. the trajectory
    drawing, used_tiles = trajectory_drawing(data.map, width, 115 * mm, lang, tiles, font)
    spec = _tile_spec(tiles)
    caption = _w("map_caption", lang).format(fence=_metres(data.map.geofence_m, lang)) + (
        _w("map_tiles", lang).format(crs=spec.crs)
        if used_tiles and spec is not None
        else _w("map_schematic", lang)
    )
    story.append(
        KeepTogether([para(_w("s_map", lang), s.h1), drawing, Spacer(1, 1.5 * mm), para(caption, s.small)])
    )

    # 6. the authenticity flags
    story.append(para(_w("s_flags", lang), s.h1))
    if data.flags:
        label = _photo_label(data, lang)
        story.append(
            table(
                [_w(k, lang) for k in ("flag", "severity", "evidence")],
                [
                    (
                        word(FLAG_WORDS, f.code, lang),
                        word(SEVERITY_WORDS, f.severity, lang),
                        flag_evidence(f.code, f.detail, lang, label),
                    )
                    for f in data.flags
                ],
                [w * mm for w in (40, 16, 122)],
                highlight=lambda i: data.flags[i].severity == "HIGH",
            )
        )
    else:
        story.append(para(_w("no_flags", lang), s.body))

    # 7. the conclusion and the follow-up
    story.append(para(_w("s_conclusion", lang), s.h1))
    pairs = [
        (_w("opinion", lang), word(OPINION_WORDS, data.opinion, lang)),
        (
            _w("suggested", lang),
            word(CLASSIFICATION_WORDS, data.suggested_classification, lang)
            if data.suggested_classification
            else _w("none", lang),
        ),
        (_w("summary", lang), data.summary or _w("none", lang)),
        (_w("follow_up", lang), data.follow_up or _w("none", lang)),
    ]
    if data.voice_notes:
        pairs.append(
            (
                _w("voice", lang),
                "\n".join(f"{local_time(at)} {text}".strip() for at, text in data.voice_notes),
            )
        )
    story.append(_key_values(pairs, columns=1))

    # 8. the approval trail
    story.append(para(_w("s_approval", lang), s.h1))
    if data.decisions:
        story.append(
            table(
                [
                    _w(k, lang)
                    for k in ("time", "revision", "level", "decision", "approver", "reason", "comment")
                ],
                [
                    (
                        local_time(dec.at),
                        str(dec.revision),
                        word(LEVEL_WORDS, dec.level, lang),
                        word(ACTION_WORDS, dec.action, lang),
                        f"{dec.actor_name}（{dec.actor}）"
                        if lang == "zh"
                        else f"{dec.actor_name} ({dec.actor})",
                        word(dict(data.reason_words), dec.reason_code, lang) if dec.reason_code else "",
                        dec.comment,
                    )
                    for dec in data.decisions
                ],
                [w * mm for w in (26, 10, 18, 22, 30, 24, 48)],
                highlight=lambda i: data.decisions[i].action in ("RETURN", "REJECT", "SEND_BACK"),
            )
        )
    else:
        story.append(para(_w("no_decisions", lang), s.body))

    # the integrity appendix
    story.append(CondPageBreak(60 * mm))
    story.append(para(_w("s_integrity", lang), s.h1))
    story.append(para(_w("integrity_note", lang), s.small))
    story.append(Spacer(1, 1.5 * mm))
    if data.photos:
        story.append(
            table(
                [_w(k, lang) for k in ("photo", "category", "size", "file")],
                [
                    (
                        f"#{i + 1} {p.photo_key}",
                        word(CATEGORY_WORDS, p.category, lang),
                        f"{p.size_bytes:,}",
                        f"SHA-256 {p.sha256}",
                    )
                    for i, p in enumerate(data.photos)
                ],
                [w * mm for w in (34, 18, 18, 108)],
                numeric=(2,),
            )
        )
        story.append(Spacer(1, 2 * mm))
    if data.documents:
        story.append(
            table(
                [_w("document", lang), "SHA-256"],
                [(doc.file_name, doc.sha256) for doc in data.documents],
                [w * mm for w in (70, 108)],
            )
        )
        story.append(Spacer(1, 2 * mm))
    note = _w("content_note_ok" if data.content_verified else "content_note_bad", lang).format(
        hash=data.content_sha256_recomputed or "—"
    )
    story.append(
        _key_values(
            [
                (_w("manifest_text", lang), data.manifest_sha256),
                (_w("content_recorded", lang), data.content_sha256),
                ("", note),
            ],
            columns=1,
        )
    )
    return build_pdf(out, story, title=_w("title", lang), document_no=document_no, viewer=viewer, lang=lang)


# -- one click ----------------------------------------------------------------------------------


def make_inspection_report(
    db: Any,
    inspection_id: int,
    user: Any,
    *,
    lang: str = "zh",
    issue: bool = True,
    tiles: Any = None,
) -> tuple[str, bytes, int]:
    """Build an inspection revision's report for ``user`` (a ``data.auth.UserSession``: the
    scope is theirs, the watermark carries their name): returns (report number, PDF bytes,
    pages). With ``issue`` the report is stored with its hash and the issuing audited."""
    from data.reports.common import Viewer
    from data.reports.store import issue as store_issue
    from data.reports.store import next_report_no
    from data.settings import photo_store_for

    with db.read_session() as session:
        data = inspection_report_data(session, inspection_id, user.scope)
        now = _database_now(session)
        report_no = next_report_no(session, KIND, now)
    store = photo_store_for(db)
    paths = {p.sha256: store.path_for(p.sha256) for p in data.photos}
    buffer = io.BytesIO()
    pages = render_inspection_pdf(
        data,
        buffer,
        viewer=Viewer(user.name, user.employee_no, now),
        document_no=report_no,
        lang=lang,
        photo_paths=paths,
        tiles=tiles,
    )
    content = buffer.getvalue()
    if issue:
        with db.write_session() as session:
            store_issue(
                session,
                user.employee_no,
                report_no=report_no,
                kind=KIND,
                file_format="pdf",
                title=f"{_w('title', lang)} {data.customer.name}",
                branch_code=data.customer.branch_code,
                content=content,
                subject=data.bundle_id,
                pages=pages,
                params={"inspection_id": data.inspection_id, "revision": data.revision, "lang": lang},
            )
    return report_no, content, pages


def _database_now(session: Session) -> dt.datetime:
    from data import audit

    now = audit.database_now(session)
    return now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
