"""The inspection report (贷后检查报告) read back from its PDF: the Chinese names and
checklist texts, the masking, the hashes of the photos and of the manifest, the watermark
and the page numbers, escaping, scope, issuing (stored and audited), and the optional tiles
under the trajectory figure (served by a local fake tile server)."""

from __future__ import annotations

import hashlib
import io
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pypdf
import pytest
from sqlalchemy import select, update

from data.approvals import decide
from data.checklist import checklist_text
from data.errors import NotFound
from data.models import AuditEvent, ChecklistAnswer, Customer, Inspection, IssuedReport, Photo, Staff
from data.reports.common import Viewer
from data.reports.inspection import (
    TileSource,
    find_inspection,
    inspection_report_data,
    make_inspection_report,
    render_inspection_pdf,
    trajectory_drawing,
)
from tests.data._approval_bank import Bank, load_bank


def _pages(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page.extract_text() or "" for page in reader.pages]


def _flat(text: str) -> str:
    """Text without any white space (a cell may wrap a hash or a sentence anywhere)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def bank(db: Any, tmp_path: Any) -> Bank:
    bank = load_bank(db, tmp_path)
    with db.write_session() as s:
        decide(s, bank.user("A0311"), bank.ids["ex1000"], "ESCALATE", comment="疑点较多，请总行复核")
    with db.write_session() as s:
        decide(s, bank.user("H0001"), bank.ids["ex1000"], "CONFIRM", comment="同意分行意见")
    return bank


@pytest.fixture
def plain_bank(db: Any, tmp_path: Any) -> Bank:
    """The bank with no decision taken yet, on each backend."""
    return load_bank(db, tmp_path)


def test_the_report_reads_back_with_names_masks_hashes_and_pages(bank: Bank) -> None:
    inspection_id = bank.ids["ex1000"]
    user = bank.user("H0001")
    number, pdf, pages = make_inspection_report(bank.db, inspection_id, user, issue=False)
    texts = _pages(pdf)
    assert pages == len(texts) >= 2
    everything = _flat("".join(texts))
    with bank.db.read_session() as s:
        insp = s.get(Inspection, inspection_id)
        assert insp is not None
        customer = s.get(Customer, insp.customer_no)
        assert customer is not None
        answers = s.execute(
            select(ChecklistAnswer.code).where(ChecklistAnswer.inspection_id == inspection_id)
        ).all()
        photos = s.execute(select(Photo.sha256).where(Photo.inspection_id == inspection_id)).scalars().all()
        names = dict(s.execute(select(Staff.employee_no, Staff.name)).all())
        manifest_sha = hashlib.sha256(insp.manifest.encode("utf-8")).hexdigest()
        full_id, full_phone = customer.legal_rep_id, customer.phone
        customer_name = customer.name

    assert "贷后检查报告" in everything
    assert _flat(customer_name) in everything
    assert number in everything
    questions = checklist_text().questions
    assert answers
    for (code,) in answers:
        assert _flat(questions[code][0]) in everything, code
    # masked, never in full
    assert full_id
    assert full_phone
    assert full_id not in everything
    assert full_phone not in everything
    assert full_id[:6] + "*" * 8 + full_id[-4:] in everything
    assert full_phone[:3] + "****" + full_phone[-4:] in everything
    # the integrity appendix
    assert len(photos) == 3
    for sha in photos:
        assert sha in everything
    assert manifest_sha in everything
    # the approval trail, by name
    assert names["A0311"] in everything
    assert names["H0001"] in everything
    assert "疑点较多，请总行复核" in everything
    # every page: the viewer's mark and its number
    for n, text in enumerate(texts, start=1):
        flat = _flat(text)
        assert f"第{n}页/共{pages}页" in flat
        assert f"{user.name}（{user.employee_no}）" in flat


def test_text_prints_literally_and_abnormal_answers_are_marked(plain_bank: Bank) -> None:
    inspection_id = plain_bank.ids["ex1001"]
    with plain_bank.db.write_session() as s:
        insp = s.get(Inspection, inspection_id)
        assert insp is not None
        s.execute(
            update(Customer).where(Customer.customer_no == insp.customer_no).values(name="=1+1<b>&amp;公司")
        )
        s.execute(
            update(ChecklistAnswer)
            .where(ChecklistAnswer.inspection_id == inspection_id, ChecklistAnswer.code == "OPS-01")
            .values(abnormal=True, remark="<i>停产</i> & =SUM(A1)")
        )
    _, pdf, _ = make_inspection_report(plain_bank.db, inspection_id, plain_bank.user("H0001"), issue=False)
    everything = _flat("".join(_pages(pdf)))
    assert "=1+1<b>&amp;公司" in everything
    assert "<i>停产</i>&=SUM(A1)" in everything
    assert "【异常】" + _flat(checklist_text().questions["OPS-01"][0]) in everything


def test_english_words(plain_bank: Bank) -> None:
    _, pdf, pages = make_inspection_report(
        plain_bank.db, plain_bank.ids["ex1000"], plain_bank.user("H0001"), issue=False, lang="en"
    )
    texts = _pages(pdf)
    assert "Post-loan inspection report" in texts[0]
    assert f"Page 1 of {pages}" in texts[0]
    assert "Appendix: integrity" in "".join(texts)


def test_out_of_scope_is_refused(plain_bank: Bank) -> None:
    tangshan = plain_bank.user("A0315")
    with pytest.raises(NotFound):
        make_inspection_report(plain_bank.db, plain_bank.ids["ex1000"], tangshan)
    with plain_bank.db.read_session() as s:
        with pytest.raises(NotFound):
            inspection_report_data(s, plain_bank.ids["ex1000"], tangshan.scope)
        assert s.execute(select(IssuedReport)).first() is None
    # within its own branch it works
    _, pdf, _ = make_inspection_report(plain_bank.db, plain_bank.ids["t1005"], tangshan, issue=False)
    assert pdf.startswith(b"%PDF")


def test_issuing_stores_the_bytes_and_audits(bank: Bank) -> None:
    inspection_id = bank.ids["ex1000"]
    number, pdf, pages = make_inspection_report(bank.db, inspection_id, bank.user("A0311"))
    with bank.db.read_session() as s:
        row = s.execute(select(IssuedReport).where(IssuedReport.report_no == number)).scalar_one()
        insp = s.get(Inspection, inspection_id)
        assert insp is not None
        customer = s.get(Customer, insp.customer_no)
        assert customer is not None
        assert row.sha256 == hashlib.sha256(pdf).hexdigest()
        assert bytes(row.content) == pdf
        assert (row.kind, row.file_format, row.pages, row.issued_by) == ("INSPECTION", "pdf", pages, "A0311")
        assert row.branch_code == customer.branch_code
        assert row.subject == insp.bundle_id
        event = s.execute(
            select(AuditEvent).where(AuditEvent.action == "ISSUE_REPORT", AuditEvent.entity_id == number)
        ).scalar_one()
        assert event.actor == "A0311"


def test_find_inspection(plain_bank: Bank) -> None:
    with plain_bank.db.read_session() as s:
        assert find_inspection(s, plain_bank.bundles["ex1002"]) == plain_bank.ids["ex1002"]
        with pytest.raises(NotFound):
            find_inspection(s, "00000000-0000-4000-8000-000000000000")


def test_a_missing_original_is_said_not_hidden(plain_bank: Bank) -> None:
    with plain_bank.db.read_session() as s:
        data = inspection_report_data(s, plain_bank.ids["ex1002"], None)
    out = io.BytesIO()
    viewer = Viewer("审计员", "U0001", data.submitted_at)
    pages = render_inspection_pdf(data, out, viewer=viewer, document_no="JC-TEST", photo_paths={})
    texts = _pages(out.getvalue())
    assert pages == len(texts)
    assert "原件未找到" in "".join(texts)


# -- tiles -----------------------------------------------------------------------------------------


def _png_tile() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 240)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def tile_server() -> Iterator[tuple[str, list[str]]]:
    tile = _png_tile()
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_tiles_are_drawn_under_the_track_when_the_server_answers(
    plain_bank: Bank, tile_server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    url, asked = tile_server
    with plain_bank.db.read_session() as s:
        data = inspection_report_data(s, plain_bank.ids["ex1000"], None)
    _, used = trajectory_drawing(data.map, 500, 300, "zh", TileSource(url, timeout_s=10))
    assert used
    assert asked
    assert all(re.fullmatch(r"/\d+/\d+/\d+\.png", p) for p in asked)
    out = io.BytesIO()
    viewer = Viewer("审计员", "U0001", data.submitted_at)
    render_inspection_pdf(
        data, out, viewer=viewer, document_no="JC-TEST", tiles=TileSource(url, "GCJ02", timeout_s=10)
    )
    assert "底图：GCJ02瓦片" in _flat("".join(_pages(out.getvalue())))


def test_an_unreachable_tile_server_gives_the_schematic_quickly(plain_bank: Bank) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with plain_bank.db.read_session() as s:
        data = inspection_report_data(s, plain_bank.ids["ex1000"], None)
    started = time.perf_counter()
    _, used = trajectory_drawing(
        data.map, 500, 300, "zh", TileSource(f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", timeout_s=1)
    )
    assert not used
    assert time.perf_counter() - started < 5


def test_the_tier_and_signals_are_those_at_the_time_of_the_inspection(plain_bank: Bank) -> None:
    import datetime as dt

    from data.models import HealthScore, RiskSignal

    inspection_id = plain_bank.ids["ex1000"]
    user = plain_bank.user("H0001")
    with plain_bank.db.read_session() as s:
        data = inspection_report_data(s, inspection_id, None)
    # scored on 2026-11-28 and signalled on 11-07 and 11-12: after the visit of 11-02
    assert data.tier is None
    assert data.signals == ()
    with plain_bank.db.write_session() as s:
        s.execute(
            update(HealthScore)
            .where(HealthScore.customer_no == "C0001000")
            .values(as_of=dt.date(2026, 11, 1))
        )
        first = s.execute(
            select(RiskSignal.id).where(RiskSignal.customer_no == "C0001000").order_by(RiskSignal.id).limit(1)
        ).scalar_one()
        s.execute(
            update(RiskSignal)
            .where(RiskSignal.id == first)
            .values(detected_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
        )
    with plain_bank.db.read_session() as s:
        data = inspection_report_data(s, inspection_id, None)
    assert data.tier is not None
    assert data.tier.tier == "YELLOW"
    assert data.tier.as_of == dt.date(2026, 11, 1)
    assert len(data.signals) == data.signals_total == 1
    _, pdf, _ = make_inspection_report(plain_bank.db, inspection_id, user, issue=False)
    everything = _flat("".join(_pages(pdf)))
    assert "风险分层：黄色" in everything
    assert "共发现风险信号1条" in everything
