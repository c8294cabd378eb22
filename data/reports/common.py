"""What every LoanSight PDF shares: the CJK font, the page (header, page numbers, the
viewer's watermark), paragraph and table styles, and the words in both languages.

Chinese must be real text (searchable, copyable), so a CJK TrueType font found on the
system is embedded (subset): on Windows Microsoft YaHei or SimSun, on Linux WenQuanYi or a
TrueType Noto; ``LOANSIGHT_PDF_FONT`` names another file. reportlab cannot embed the
PostScript-outline (CFF) OpenType fonts most Linux Noto CJK packages ship, so those are
skipped. With none found, reportlab's built-in CID font STSong-Light is used: still text, but
not embedded (a viewer draws it with its own Song font).

reportlab re-encodes images in ASCII85 unless told not to: ``rl_config.useA85 = 0`` here,
and photos are handed over as JPEG files, which go into the PDF as they are.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

rl_config.useA85 = 0  # JPEGs go in as they are, not re-encoded as ASCII85

CST = dt.timezone(dt.timedelta(hours=8))
BANK_NAME = {"zh": "河北银行", "en": "Bank of Hebei"}
PAGE = A4
MARGIN = 16 * mm

_WINDOWS_FONTS = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"  # Windows on any drive
_CANDIDATES = (
    # Windows
    (str(_WINDOWS_FONTS / "msyh.ttc"), 0),
    (str(_WINDOWS_FONTS / "msyh.ttf"), 0),
    (str(_WINDOWS_FONTS / "simsun.ttc"), 0),
    (str(_WINDOWS_FONTS / "simhei.ttf"), 0),
    # Linux
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
CID_FALLBACK = "STSong-Light"


@dataclass(frozen=True)
class ReportFont:
    name: str  # registered with reportlab
    path: str | None  # the TrueType file embedded; None: the built-in CID font
    embedded: bool


@cache
def report_font() -> ReportFont:
    """Register and return the CJK font the reports use (see the module's docstring)."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    wanted = os.environ.get("LOANSIGHT_PDF_FONT")
    candidates = ([(wanted, 0)] if wanted else []) + list(_CANDIDATES)
    for path, index in candidates:
        if not Path(path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont("LoanSightCJK", path, subfontIndex=index))
        except (TTFError, OSError, ValueError):
            continue  # PostScript outlines, or not a font at all
        return ReportFont("LoanSightCJK", path, True)
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return ReportFont(CID_FALLBACK, None, False)


# -- words ------------------------------------------------------------------------------------


def word(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """A report's word in Chinese (``zh``) or English (``en``); the key itself if unknown."""
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


COMMON_WORDS: dict[str, tuple[str, str]] = {
    "page": ("第 {n} 页 / 共 {total} 页", "Page {n} of {total}"),
    "printed_for": ("{name}（{employee_no}）{time} 查阅", "Viewed by {name} ({employee_no}) at {time}"),
    "document_no": ("文档编号：{number}", "Document no. {number}"),
    "generated": ("生成时间：{time}", "Generated {time}"),
    "confidential": ("内部资料 注意保密", "Internal – confidential"),
}


# -- words the reports share, worded as the screens word them (``widgets.labels``,
# ``widgets.risk_words``, ``widgets.flag_words``): ``data`` cannot import ``widgets``

TIER_WORDS = {
    "NORMAL": ("正常", "Normal"),
    "BLUE": ("蓝色", "Blue"),
    "YELLOW": ("黄色", "Yellow"),
    "ORANGE": ("橙色", "Orange"),
    "RED": ("红色", "Red"),
}
ACTION_WORDS = {
    "APPROVE": ("通过", "Approved"),
    "RETURN": ("退回修改", "Returned for rework"),
    "REJECT": ("否决", "Rejected"),
    "ESCALATE": ("上报总行", "Escalated"),
    "CONFIRM": ("确认", "Confirmed"),
    "SEND_BACK": ("发回分行", "Sent back to the branch"),
}
SOURCE_WORDS = {
    "CREDIT_BUREAU": ("征信", "Credit bureau"),
    "BUSINESS_REGISTRY": ("工商", "Business registry"),
    "JUDICIAL": ("司法", "Courts"),
    "TAX": ("税务", "Tax"),
    "ACCOUNT_FLOW": ("账户流水", "Account flows"),
    "UTILITIES": ("水电", "Utilities"),
    "PUBLIC_OPINION": ("舆情", "Public opinion"),
    "ADMIN_PENALTY": ("行政处罚", "Administrative penalties"),
    "COLLATERAL": ("押品", "Collateral"),
}
FLAG_WORDS = {
    "OFF_SITE_CHECKIN": ("签到偏离客户地址", "Check-in away from the customer"),
    "PHOTO_OFF_SITE": ("照片拍摄地点不符", "Photo taken elsewhere"),
    "PHOTO_TIME_OUTSIDE_VISIT": ("照片时间不在检查时段内", "Photo time outside the visit"),
    "DUPLICATE_PHOTO": ("照片与其他检查重复", "Photo reused from another inspection"),
    "SHORT_VISIT": ("现场停留过短", "Visit too short"),
    "IMPOSSIBLE_TRAVEL": ("行程速度不可能", "Impossible travel"),
    "SPOOFED_TRACK": ("疑似虚拟定位", "Signs of a mock location"),
    "SHARED_DEVICE": ("设备与他人共用", "Device shared with another inspector"),
    "COPY_PASTE_REPORT": ("检查报告疑似复制", "Report copied from an earlier one"),
    "MISSING_EVIDENCE": ("缺少必需照片", "Required photo missing"),
    "UNPLANNED": ("计划外", "Unplanned"),
}


def local_time(at: dt.datetime | None, seconds: bool = False) -> str:
    """A UTC moment in Beijing time, as the bank reads it."""
    if at is None:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


# -- styles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    mono: ParagraphStyle


@cache
def styles() -> Styles:
    font = report_font().name

    def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
        extra.setdefault("alignment", TA_LEFT)
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **extra)

    return Styles(
        title=style("title", 18, 24, spaceAfter=4 * mm, alignment=1),
        h1=style("h1", 13, 18, spaceBefore=4 * mm, spaceAfter=2 * mm, textColor=colors.HexColor("#1f3b57")),
        h2=style("h2", 11, 15, spaceBefore=2 * mm, spaceAfter=1 * mm, textColor=colors.HexColor("#1f3b57")),
        body=style("body", 9.5, 14),
        small=style("small", 8, 11, textColor=colors.HexColor("#455a64")),
        cell=style("cell", 8.5, 11.5),
        cell_bold=style("cell_bold", 8.5, 11.5, textColor=colors.HexColor("#b71c1c")),
        mono=style("mono", 7, 9.5),
    )


def para(text: Any, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of plain text (escaped: a name with ``<`` or ``&`` prints as written)."""
    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style or styles().body)


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    highlight: Callable[[int], bool] | None = None,
    numeric: Sequence[int] = (),
) -> Table:
    """A table of plain-text cells that wrap within their column, the header repeated on
    every page; ``highlight(i)`` marks row i in red; ``numeric`` columns align right."""
    s = styles()
    right = ParagraphStyle("cell_right", parent=s.cell, alignment=2)
    data: list[list[Any]] = [[para(h, s.cell) for h in header]]
    for i, row in enumerate(rows):
        marked = highlight is not None and highlight(i)
        data.append(
            [
                para(v, right if c in numeric else (s.cell_bold if marked else s.cell))
                for c, v in enumerate(row)
            ]
        )
    t = Table(data, colWidths=list(widths), repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3eaf2")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0bec5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t


# -- the page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """Who the document is made for: their watermark is on every page."""

    name: str
    employee_no: str
    at: dt.datetime  # UTC


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Draws "page n of N" once every page is known (the classic two-pass canvas)."""

    def __init__(self, *args: Any, decorate: Callable[[Canvas, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []
        self._decorate = decorate

    def showPage(self) -> None:
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._decorate(self, self._pageNumber, total)
            super().showPage()
        super().save()


def build_pdf(
    out: Path | Any,
    story: list[Any],
    *,
    title: str,
    document_no: str,
    viewer: Viewer,
    lang: str = "zh",
) -> int:
    """Lay ``story`` out on A4 with the bank's header, the document number, page numbers and
    the viewer's watermark on every page; returns the page count. ``out`` is a path or a
    binary file object."""
    font = report_font().name
    width, height = PAGE
    bank = BANK_NAME["zh" if lang == "zh" else "en"]
    mark = word(COMMON_WORDS, "printed_for", lang).format(
        name=viewer.name, employee_no=viewer.employee_no, time=local_time(viewer.at)
    )
    number = word(COMMON_WORDS, "document_no", lang).format(number=document_no)
    pages = {"n": 0}

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        pages["n"] = total
        canvas.saveState()
        # the watermark: the viewer, diagonally across the page, light enough to read through
        canvas.setFont(font, 15)
        canvas.setFillColor(colors.Color(0.55, 0.6, 0.65, alpha=0.16))
        for row in range(5):
            for column in range(2):
                canvas.saveState()
                canvas.translate(width * (0.27 + 0.48 * column), height * (0.12 + 0.2 * row))
                canvas.rotate(30)
                canvas.drawCentredString(0, 0, mark)
                canvas.restoreState()
        canvas.setFillColor(colors.HexColor("#1f3b57"))
        canvas.setStrokeColor(colors.HexColor("#90a4ae"))
        canvas.setFont(font, 8.5)
        canvas.drawString(MARGIN, height - 10 * mm, f"{bank} · {title}")
        canvas.drawRightString(width - MARGIN, height - 10 * mm, number)
        canvas.line(MARGIN, height - 11.5 * mm, width - MARGIN, height - 11.5 * mm)
        canvas.line(MARGIN, 12 * mm, width - MARGIN, 12 * mm)
        canvas.setFont(font, 7.5)
        canvas.drawString(MARGIN, 8 * mm, mark)
        canvas.drawRightString(
            width - MARGIN, 8 * mm, word(COMMON_WORDS, "page", lang).format(n=page, total=total)
        )
        canvas.drawCentredString(width / 2, 8 * mm, word(COMMON_WORDS, "confidential", lang))
        canvas.restoreState()

    doc = BaseDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=f"{viewer.name} ({viewer.employee_no})",
        creator="LoanSight",
        subject=document_no,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, decorate=decorate, **k))
    return pages["n"]


def content_width() -> float:
    return float(PAGE[0] - 2 * MARGIN)
