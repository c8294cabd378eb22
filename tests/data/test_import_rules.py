"""The importer's business rules (INTERCHANGE.md) on both backends: revisions, quarantine,
matching signals, loan history, master upserts, coordinates, identity codes, the photo
store and EXIF."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from data.audit import verify
from data.db import Database
from data.images import PhotoStore
from data.ingest.common import FileReport
from data.ingest.runner import Importer, RunReport
from data.models import (
    AuditEvent,
    Customer,
    Inspection,
    Loan,
    LoanSnapshot,
    Photo,
    QuarantineEntry,
    RiskSignal,
    TrackPoint,
)
from data.queries import counts
from data.rules.coords import (
    bd09_to_wgs84,
    gcj02_to_wgs84,
    haversine_m,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from data.rules.idcodes import (
    USCC_ALPHABET,
    is_valid_resident_id,
    is_valid_uscc,
    mask_id,
    mask_phone,
    resident_id_check_char,
    uscc_check_char,
)
from tests.data._bundles import EXAMPLE_BUNDLES, build_bundle, make_jpeg, read_bundle, zip_bundle

ADMIN_CENTRES = Path(__file__).resolve().parents[3] / "shared" / "data" / "hebei_admin_centers.csv"
CUSTOMER_HEADER = (
    "customer_no,name,uscc,legal_rep,legal_rep_id,phone,industry,address,lat,lon,crs,branch_code,manager_no"
)
SIGNAL_HEADER = "source,signal_id,customer_no,uscc,type,severity,occurred_at,detected_at,title,detail,amount"
LOAN_HEADER = (
    "loan_no,customer_no,product,amount,balance,rate,disbursed_on,maturity_on,guarantee,payment,"
    "purpose,classification,overdue_days,as_of"
)


# --- helpers ---------------------------------------------------------------------------------


def run(db: Database, *sources: Path | str) -> RunReport:
    return Importer(db).run([str(s) for s in sources])


def db_counts(db: Database) -> dict[str, int]:
    with db.read_session() as s:
        return counts(s)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def uscc(serial: int) -> str:
    """A valid unified social credit code (GB 32100-2015) for a made-up company."""
    first17 = f"91130100{serial:09d}"
    return first17 + uscc_check_char(first17)


def resident_id(serial: int) -> str:
    first17 = f"13010219800101{serial % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def customer_line(no: str, serial: int, name: str = "石家庄测试有限公司", manager: str = "E00101") -> str:
    return (
        f"{no},{name},{uscc(serial)},张三,{resident_id(serial)},13800000000,C,石家庄市测试路1号,"
        f"38.03,114.52,WGS84,031101,{manager}"
    )


def actions(db: Database) -> list[tuple[int, str, str, str]]:
    with db.read_session() as s:
        rows = s.execute(
            select(AuditEvent.id, AuditEvent.action, AuditEvent.entity_type, AuditEvent.entity_id).order_by(
                AuditEvent.id
            )
        ).all()
    return [tuple(r) for r in rows]


def audit_ok(db: Database) -> None:
    with db.read_session() as s:
        result = verify(s)
    assert result.ok, result


def revisions_of(db: Database, bundle_id: str) -> list[tuple[int, int, bool, int | None]]:
    with db.read_session() as s:
        rows = s.execute(
            select(Inspection.id, Inspection.revision, Inspection.is_current, Inspection.supersedes_id)
            .where(Inspection.bundle_id == bundle_id)
            .order_by(Inspection.revision)
        ).all()
    return [tuple(r) for r in rows]


def single(report: RunReport) -> FileReport:
    (only,) = report.files
    return only


@pytest.fixture
def master_loaded(db: Database, examples_dir: Path) -> Database:
    """The examples' master data (no signals, no bundles) imported."""
    report = run(db, examples_dir / "master")
    assert report.exit_code == 0, report.as_dict()
    return db


# --- revisions -------------------------------------------------------------------------------


def test_revision_two_supersedes_revision_one(db, examples_dir, tmp_path):
    assert run(db, examples_dir).exit_code == 0
    rev1_manifest, _ = read_bundle(EXAMPLE_BUNDLES[0])
    bundle_id = rev1_manifest["bundle_id"]
    before = db_counts(db)

    def rework(m):
        m["conclusion"]["summary"] = "整改后复查:补充库存照片。"

    rev2 = build_bundle(0, seed=2, bundle_id=bundle_id, revision=2, edit=rework)
    report = run(db, rev2.write(tmp_path / "rev2"))
    assert single(report).status == "imported", report.as_dict()

    after = db_counts(db)
    assert after["inspections"] == before["inspections"]
    assert after["inspection_revisions"] == before["inspection_revisions"] + 1
    assert after["photos"] == before["photos"] + len(rev2.manifest["photos"])
    (id1, r1, cur1, sup1), (_id2, r2, cur2, sup2) = revisions_of(db, bundle_id)
    assert (r1, cur1, sup1) == (1, False, None)
    assert (r2, cur2, sup2) == (2, True, id1)
    audit_ok(db)


def test_lower_revision_arriving_late_is_not_current(db, master_loaded, tmp_path):
    rev2 = build_bundle(1, seed=11, revision=2)
    rev1 = build_bundle(1, seed=12, bundle_id=rev2.bundle_id, revision=1)
    before = db_counts(db)
    assert single(run(db, rev2.write(tmp_path / "a"))).status == "imported"
    assert single(run(db, rev1.write(tmp_path / "b"))).status == "imported"

    (id1, r1, cur1, sup1), (id2, r2, cur2, sup2) = revisions_of(db, rev2.bundle_id)
    assert (r1, cur1, sup1) == (1, False, None)
    assert (r2, cur2, sup2) == (2, True, id1)
    after = db_counts(db)
    assert after["inspections"] == before["inspections"] + 1
    assert after["inspection_revisions"] == before["inspection_revisions"] + 2

    # both again: the same files
    both = tmp_path / "both"
    rev1.write(both)
    rev2.write(both)
    again = run(db, both)
    assert [f.status for f in again.files] == ["unchanged", "unchanged"], again.as_dict()
    restored = tmp_path / "restored"  # the same content in other zip bytes
    restored.mkdir()
    for b in (rev1, rev2):
        other = zip_bundle(b.files, zipfile.ZIP_STORED)
        assert other != b.data
        (restored / f"{b.revision}.zip").write_bytes(other)
    third = run(db, restored)
    assert [f.status for f in third.files] == ["unchanged", "unchanged"], third.as_dict()
    assert db_counts(db) == after
    assert revisions_of(db, rev2.bundle_id) == [(id1, 1, False, None), (id2, 2, True, id1)]
    audit_ok(db)


# --- quarantine ------------------------------------------------------------------------------


def quarantine_entry(db: Database, bundle_id: str) -> QuarantineEntry:
    with db.read_session() as s:
        return s.execute(select(QuarantineEntry).where(QuarantineEntry.bundle_id == bundle_id)).scalar_one()


def test_unknown_customer_waits_then_is_released(db, master_loaded, tmp_path):
    bundle = build_bundle(0, seed=21, customer_no="C0009001", inspector="E00101")
    report = run(db, bundle.write(tmp_path / "in"))
    f = single(report)
    assert f.status == "quarantined"
    assert [(e.field, e.code) for e in f.errors] == [("customer_no", "UNKNOWN_CUSTOMER")]
    assert report.exit_code == 1
    assert report.quarantine_waiting == 1
    c = db_counts(db)
    assert (c["quarantined"], c["inspections"], c["rejected_bundles"]) == (1, 0, 0)
    entry = quarantine_entry(db, bundle.bundle_id)
    assert entry.state == "WAITING"

    customers = write(
        tmp_path / "later" / "customers.csv", f"{CUSTOMER_HEADER}\n{customer_line('C0009001', 1)}\n"
    )
    report = run(db, customers)
    assert single(report).status == "imported"
    assert report.quarantine_released == 1
    assert report.quarantine_waiting == 0
    c = db_counts(db)
    assert (c["quarantined"], c["inspections"]) == (0, 1)
    entry = quarantine_entry(db, bundle.bundle_id)
    ((inspection_id, *_),) = revisions_of(db, bundle.bundle_id)
    assert entry.state == "RELEASED"
    assert entry.inspection_id == inspection_id

    trail = actions(db)
    quarantined = [e for e in trail if e[1] == "QUARANTINE_BUNDLE" and e[3] == str(entry.id)]
    released = [e for e in trail if e[1] == "RELEASE_QUARANTINE" and e[3] == str(entry.id)]
    imported = [e for e in trail if e[1] == "IMPORT_BUNDLE" and e[3] == str(inspection_id)]
    assert len(quarantined) == len(released) == len(imported) == 1
    assert quarantined[0][0] < released[0][0] < imported[0][0]
    assert imported[0][2] == "inspection"
    audit_ok(db)

    # released for good: another run changes nothing
    assert run(db, tmp_path / "in").files[0].status == "unchanged"
    assert db_counts(db) == c


def test_unknown_companion_waits_then_is_released(db, master_loaded, tmp_path):
    bundle = build_bundle(2, seed=31, companion="E00999")
    f = single(run(db, bundle.write(tmp_path / "in")))
    assert f.status == "quarantined"
    assert [(e.field, e.code) for e in f.errors] == [("companion", "UNKNOWN_STAFF")]

    staff = write(
        tmp_path / "later" / "staff.csv",
        "employee_no,name,branch_code,role,phone,active\nE00999,赵新,031101,CLIENT_MANAGER,13700000000,1\n",
    )
    report = run(db, staff)
    assert report.quarantine_released == 1
    with db.read_session() as s:
        companion = s.execute(
            select(Inspection.companion_no).where(Inspection.bundle_id == bundle.bundle_id)
        ).scalar_one()
    assert companion == "E00999"
    assert quarantine_entry(db, bundle.bundle_id).state == "RELEASED"
    assert db_counts(db)["quarantined"] == 0
    audit_ok(db)


def test_waiting_bundle_is_retried_by_an_unrelated_run_and_keeps_waiting(
    db, master_loaded, examples_dir, tmp_path
):
    bundle = build_bundle(0, seed=41, customer_no="C0009002", inspector="E00102")
    run(db, bundle.write(tmp_path / "in"))
    first = quarantine_entry(db, bundle.bundle_id)
    assert first.state == "WAITING"

    report = run(db, examples_dir / "signals")  # nothing the bundle needs
    assert single(report).status == "imported"
    assert report.quarantine_released == 0
    assert report.quarantine_waiting == 1
    second = quarantine_entry(db, bundle.bundle_id)
    assert second.state == "WAITING"
    assert second.attempts == first.attempts + 1
    assert second.last_tried_at >= first.last_tried_at
    assert second.id == first.id
    assert [r["code"] for r in second.reasons] == ["UNKNOWN_CUSTOMER"]

    empty = tmp_path / "empty"
    empty.mkdir()
    report = run(db, empty)
    assert report.quarantine_waiting == 1
    assert quarantine_entry(db, bundle.bundle_id).attempts == first.attempts + 2
    c = db_counts(db)
    assert (c["quarantined"], c["inspections"]) == (1, 0)


@pytest.mark.parametrize("problem", ["CONFLICT", "REVISION_MISMATCH"])
def test_waiting_bundle_found_invalid_on_release_is_rejected(db, master_loaded, tmp_path, problem):
    """A bundle that waited for its customer but cannot import once the customer is known
    (another delivery of the same revision won, or an earlier revision belongs to another
    customer) is rejected for good: not kept waiting and retried forever."""
    waiting = build_bundle(0, seed=71, customer_no="C0009005", inspector="E00101")
    if problem == "CONFLICT":

        def edit(m):
            m["conclusion"]["summary"] = "同一修订号的另一份内容"

        other = build_bundle(
            0, seed=71, customer_no="C0009005", inspector="E00101", bundle_id=waiting.bundle_id, edit=edit
        )
        assert single(run(db, other.write(tmp_path / "first"))).status == "quarantined"
    else:  # revision 1 of the same bundle is for another, known customer
        other = build_bundle(0, seed=72, bundle_id=waiting.bundle_id, revision=1)
        waiting = build_bundle(
            0, seed=71, customer_no="C0009005", inspector="E00101", bundle_id=waiting.bundle_id, revision=2
        )
        assert single(run(db, other.write(tmp_path / "first"))).status == "imported"
    assert single(run(db, waiting.write(tmp_path / "second"))).status == "quarantined"

    customers = write(
        tmp_path / "later" / "customers.csv", f"{CUSTOMER_HEADER}\n{customer_line('C0009005', 5)}\n"
    )
    report = run(db, customers)
    assert report.quarantine_waiting == 0, "the invalid bundle is still waiting"
    with db.read_session() as s:
        entry = s.execute(
            select(QuarantineEntry).where(
                QuarantineEntry.content_sha256 == hashlib.sha256(waiting.data).hexdigest()
            )
        ).scalar_one()
        c = counts(s)
    assert entry.state == "REJECTED"
    assert problem in [r["code"] for r in entry.reasons]
    assert (c["quarantined"], c["rejected_bundles"], c["inspections"]) == (0, 1, 1)
    assert "REJECT_BUNDLE" in [a[1] for a in actions(db)]
    again = run(db, tmp_path / "later")
    assert again.quarantine_waiting == 0
    audit_ok(db)


# --- signals ---------------------------------------------------------------------------------


def signal_rows(db: Database) -> dict[str, tuple[str | None, str | None, str | None, object]]:
    with db.read_session() as s:
        rows = s.execute(
            select(
                RiskSignal.signal_id,
                RiskSignal.customer_no,
                RiskSignal.sent_customer_no,
                RiskSignal.sent_uscc,
                RiskSignal.matched_at,
            )
        ).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_unmatched_signals_are_kept_then_matched(db, master_loaded, tmp_path):
    known_uscc = "91130100HBKJAY4NUY"  # C0001003 in the examples
    t = "2026-11-07T06:00:00+08:00,2026-11-07T12:00:00+08:00"
    before = db_counts(db)
    signals = write(
        tmp_path / "s1" / "signals-20261107.csv",
        f"{SIGNAL_HEADER}\n"
        f"JUDICIAL,J-1,C0009003,,ENFORCEMENT,3,{t},被执行,,\n"
        f"TAX,T-1,,{known_uscc},TAX_ARREARS,2,{t},欠税,,15000.00\n",
    )
    f = single(run(db, signals))
    assert (f.status, f.imported) == ("imported", 2)
    after = db_counts(db)
    assert after["signals"] == before["signals"] + 2
    assert after["signals_unmatched"] == before["signals_unmatched"] + 1
    rows = signal_rows(db)
    assert rows["J-1"][:3] == (None, "C0009003", None)
    assert rows["J-1"][3] is None
    assert rows["T-1"][:3] == ("C0001003", None, known_uscc)

    customers = write(
        tmp_path / "c" / "customers.csv", f"{CUSTOMER_HEADER}\n{customer_line('C0009003', 3)}\n"
    )
    assert single(run(db, customers)).status == "imported"
    assert db_counts(db)["signals_unmatched"] == before["signals_unmatched"]
    rows = signal_rows(db)
    assert rows["J-1"][0] == "C0009003"
    assert rows["J-1"][3] is not None


def test_signal_by_uscc_only_is_matched_when_that_customer_arrives(db, master_loaded, tmp_path):
    t = "2026-11-07T06:00:00+08:00,2026-11-07T12:00:00+08:00"
    signals = write(
        tmp_path / "s" / "signals-x.csv",
        f"{SIGNAL_HEADER}\nBUSINESS_REGISTRY,B-1,,{uscc(4).lower()},EQUITY_FREEZE,3,{t},冻结,,\n",
    )
    assert single(run(db, signals)).status == "imported"
    assert signal_rows(db)["B-1"][0] is None
    customers = write(
        tmp_path / "c" / "customers.csv", f"{CUSTOMER_HEADER}\n{customer_line('C0009004', 4)}\n"
    )
    run(db, customers)
    assert signal_rows(db)["B-1"][:3] == ("C0009004", None, uscc(4))
    assert db_counts(db)["signals_unmatched"] == 0


# --- loans and master upserts ------------------------------------------------------------------


def loan_line(as_of: str, classification: str, overdue: int, balance: str) -> str:
    return (
        f"L2026000000,C0001000,经营快贷,800000.00,{balance},0.0480,2026-03-19,2027-03-19,CREDIT,SELF,"
        f"采购原材料,{classification},{overdue},{as_of}"
    )


def loan_state(db: Database) -> tuple[tuple[object, ...], list[tuple[object, ...]]]:
    with db.read_session() as s:
        loan = s.execute(
            select(Loan.classification, Loan.overdue_days, Loan.balance, Loan.as_of).where(
                Loan.loan_no == "L2026000000"
            )
        ).one()
        history = s.execute(
            select(
                LoanSnapshot.as_of,
                LoanSnapshot.classification,
                LoanSnapshot.overdue_days,
                LoanSnapshot.balance,
            )
            .where(LoanSnapshot.loan_no == "L2026000000")
            .order_by(LoanSnapshot.as_of)
        ).all()
    return tuple(loan), [tuple(h) for h in history]


def test_later_loan_snapshot_updates_and_keeps_history(db, master_loaded, tmp_path):
    later = write(
        tmp_path / "nov" / "loans.csv",
        f"{LOAN_HEADER}\n{loan_line('2026-11-30', 'SPECIAL_MENTION', 35, '470000.00')}\n",
    )
    f = single(run(db, later))
    assert (f.status, f.imported) == ("imported", 1)
    loan, history = loan_state(db)
    assert loan == ("SPECIAL_MENTION", 35, Decimal("470000.00"), dt.date(2026, 11, 30))
    assert history == [
        (dt.date(2026, 10, 31), "NORMAL", 0, Decimal("476151.08")),
        (dt.date(2026, 11, 30), "SPECIAL_MENTION", 35, Decimal("470000.00")),
    ]

    older = write(
        tmp_path / "sep" / "loans.csv",
        f"{LOAN_HEADER}\n{loan_line('2026-09-30', 'NORMAL', 0, '500000.00')}\n",
    )
    assert single(run(db, older)).status == "imported"
    loan_after, history_after = loan_state(db)
    assert loan_after == loan  # not rolled back
    assert history_after == [(dt.date(2026, 9, 30), "NORMAL", 0, Decimal("500000.00")), *history]
    assert db_counts(db)["loans"] == 6


def test_changed_customer_name_updates_the_row(db, master_loaded, examples_dir, tmp_path):
    text = (examples_dir / "master" / "customers.csv").read_text("utf-8")
    assert text.count("石家庄盛茂机械制造有限公司") == 1
    changed = write(
        tmp_path / "v2" / "customers.csv",
        text.replace("石家庄盛茂机械制造有限公司", "石家庄盛茂重工有限公司"),
    )
    f = single(run(db, changed))
    assert (f.status, f.imported, f.unchanged, f.rejected) == ("imported", 1, 5, 0)
    with db.read_session() as s:
        assert s.get(Customer, "C0001002").name == "石家庄盛茂重工有限公司"
    assert db_counts(db)["customers"] == 6


def test_master_file_reverted_to_earlier_content_is_applied_again(db, master_loaded, examples_dir, tmp_path):
    """Upsert means the latest delivery wins. A customers.csv corrected back to an earlier
    delivery (byte for byte the same file) must undo the mistaken change, not be skipped as
    'already imported' while the database keeps the mistake."""
    original = (examples_dir / "master" / "customers.csv").read_bytes()
    typo = original.replace("石家庄盛茂机械制造有限公司".encode(), "石家庄盛茂机械制造有限公同".encode())
    (tmp_path / "tue").mkdir()
    (tmp_path / "tue" / "customers.csv").write_bytes(typo)
    assert single(run(db, tmp_path / "tue")).imported == 1
    (tmp_path / "wed").mkdir()
    (tmp_path / "wed" / "customers.csv").write_bytes(original)
    f = single(run(db, tmp_path / "wed"))
    with db.read_session() as s:
        name = s.get(Customer, "C0001002").name
    assert name == "石家庄盛茂机械制造有限公司", f"the correction was skipped as {f.status}"
    assert (f.status, f.imported, f.unchanged) == ("imported", 1, 5)


# --- coordinates -----------------------------------------------------------------------------


def test_gcj02_customer_location_is_stored_as_wgs84(db, master_loaded):
    with db.read_session() as s:
        c = s.get(Customer, "C0001000")  # 38.033924,114.578034 GCJ02 in customers.csv
        w = s.get(Customer, "C0001004")  # WGS84
    assert (c.orig_lat, c.orig_lon, c.orig_crs) == (38.033924, 114.578034, "GCJ02")
    offset = haversine_m(c.lat, c.lon, c.orig_lat, c.orig_lon)
    assert 400 < offset < 700, offset
    back = wgs84_to_gcj02(c.lat, c.lon)
    assert abs(back[0] - c.orig_lat) < 1e-6
    assert abs(back[1] - c.orig_lon) < 1e-6
    assert (w.lat, w.lon, w.orig_crs) == (39.597568, 118.210098, "WGS84")


def test_bd09_track_is_converted(db, master_loaded, tmp_path):
    def to_bd09(m):
        m["track"]["crs"] = "BD09"

    bundle = build_bundle(0, seed=51, edit=to_bd09)
    assert single(run(db, bundle.write(tmp_path / "in"))).status == "imported"
    with db.read_session() as s:
        points = s.execute(
            select(
                TrackPoint.lat, TrackPoint.lon, TrackPoint.orig_lat, TrackPoint.orig_lon, TrackPoint.orig_crs
            )
            .join(Inspection, Inspection.id == TrackPoint.inspection_id)
            .where(Inspection.bundle_id == bundle.bundle_id)
            .order_by(TrackPoint.seq)
        ).all()
    sent = bundle.manifest["track"]["points"]
    assert len(points) == len(sent)
    for (lat, lon, olat, olon, crs), p in zip(points, sent, strict=True):
        assert (olat, olon, crs) == (p["lat"], p["lon"], "BD09")
        assert 700 < haversine_m(lat, lon, olat, olon) < 1500  # BD-09 sits ~1 km off in Hebei
        blat, blon = wgs84_to_bd09(lat, lon)
        assert abs(blat - olat) < 1e-6
        assert abs(blon - olon) < 1e-6
        assert haversine_m(blat, blon, olat, olon) < 0.1


def admin_centres() -> list[dict[str, str]]:
    with ADMIN_CENTRES.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_gcj02_to_wgs84_matches_the_published_admin_centres():
    rows = admin_centres()
    assert len(rows) > 100
    worst = 0.0
    for r in rows:
        glat, glon = float(r["gcj02_lat"]), float(r["gcj02_lng"])
        wlat, wlon = float(r["wgs84_lat"]), float(r["wgs84_lng"])
        lat, lon = gcj02_to_wgs84(glat, glon)
        err = haversine_m(lat, lon, wlat, wlon)
        worst = max(worst, err)
        assert err < 1.0, (r["name"], err)
        assert abs(haversine_m(glat, glon, wlat, wlon) - float(r["offset_m"])) < 1.0, r["name"]
        flat, flon = wgs84_to_gcj02(wlat, wlon)
        assert haversine_m(flat, flon, glat, glon) < 1.0, r["name"]
    assert worst < 1.0


def test_bd09_round_trips_at_every_admin_centre():
    for r in admin_centres():
        wlat, wlon = float(r["wgs84_lat"]), float(r["wgs84_lng"])
        blat, blon = wgs84_to_bd09(wlat, wlon)
        assert haversine_m(blat, blon, wlat, wlon) > 100  # it really is offset
        lat, lon = bd09_to_wgs84(blat, blon)
        assert haversine_m(lat, lon, wlat, wlon) < 1.0, r["name"]
        assert to_wgs84(blat, blon, "BD09") == (lat, lon)


# --- identity codes --------------------------------------------------------------------------


def example_customers() -> list[dict[str, str]]:
    text = (EXAMPLE_BUNDLES[0].parents[1] / "master" / "customers.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_example_identity_codes_are_valid_and_a_changed_check_char_is_not():
    rows = example_customers()
    assert len(rows) == 6
    for r in rows:
        code, rid = r["uscc"], r["legal_rep_id"]
        assert is_valid_uscc(code), code
        assert is_valid_resident_id(rid), rid
        wrong = next(ch for ch in USCC_ALPHABET if ch != code[17])
        assert not is_valid_uscc(code[:17] + wrong)
        wrong_id = next(ch for ch in "0123456789X" if ch != rid[17])
        assert not is_valid_resident_id(rid[:17] + wrong_id)
    assert is_valid_resident_id("13010219891229355X")  # X check character
    assert not is_valid_uscc("91130100NQ72J9GFW")  # too short
    assert not is_valid_uscc("91130100NQ72J9GFWI")  # I is not in the alphabet
    assert not is_valid_resident_id("130102196502305248")  # 30 February


def test_masking():
    assert mask_id("130102196504185243") == "130102********5243"
    assert mask_phone("13448955962") == "134****5962"
    assert mask_id("1234") == "****"
    assert mask_phone("12345") == "*****"


# --- photo store and EXIF ----------------------------------------------------------------------


def photo_rows(db: Database) -> list[tuple[str, str, int]]:
    with db.read_session() as s:
        return [tuple(r) for r in s.execute(select(Photo.sha256, Photo.file_name, Photo.inspection_id)).all()]


def store_files(db: Database) -> dict[Path, tuple[int, int]]:
    root = db.data_dir / "photos"
    return {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in root.rglob("*") if p.is_file()}


def test_photo_store_keeps_exact_originals_and_never_rewrites_them(db, examples_dir, tmp_path):
    assert run(db, examples_dir).exit_code == 0
    originals: dict[str, bytes] = {}
    for path in EXAMPLE_BUNDLES:
        manifest, files = read_bundle(path)
        for p in manifest["photos"]:
            originals[p["sha256"]] = files[p["file"]]
    store = PhotoStore(db.data_dir / "photos")
    rows = photo_rows(db)
    assert len(rows) == 9
    for sha, _name, _ in rows:
        path = db.data_dir / "photos" / sha[:2] / sha[2:4] / f"{sha}.jpg"
        assert store.path_for(sha) == path
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha == path.stem
        assert data == originals[sha]
    before = store_files(db)
    assert set(before) == {store.path_for(sha) for sha in originals}  # nothing else, no temp files

    # the same bundles again, and a revision 2 that reuses revision 1's photos
    manifest, files = read_bundle(EXAMPLE_BUNDLES[1])
    rev2 = build_bundle(1, bundle_id=manifest["bundle_id"], revision=2, fresh_photos=False)
    assert rev2.photo_shas == [p["sha256"] for p in manifest["photos"]]
    rev2.write(examples_dir / "bundles")
    report = run(db, examples_dir)
    assert [f.status for f in report.files if f.status != "unchanged"] == ["imported"]
    assert store_files(db) == before
    assert len(photo_rows(db)) == 12


def test_exif_of_the_examples_is_kept(db, examples_dir):
    run(db, examples_dir)
    with db.read_session() as s:
        photos = s.execute(select(Photo)).scalars().all()
    assert len(photos) == 9
    for p in photos:
        assert p.exif_taken_at is not None
        assert p.exif_taken_at == p.taken_at
        assert p.exif_taken_at.utcoffset() == dt.timedelta(0)
        # the camera's GPS is WGS-84, as the stored (converted) location is
        assert haversine_m(p.exif_lat, p.exif_lon, p.lat, p.lon) < 1.0


def zero_gps_exif():
    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational

    exif = Image.Exif()
    exif[271] = "Xiaomi"
    zero = IFDRational(0, 0)
    exif.get_ifd(0x8825).update({1: "N", 2: (zero, zero, zero), 3: "E", 4: (zero, zero, zero)})
    return exif


def test_photo_with_zero_gps_rationals_and_no_time_imports(db, master_loaded, tmp_path):
    bad_exif = make_jpeg(61, exif=zero_gps_exif())
    bundle = build_bundle(0, seed=61, photo_bytes={"photos/p2.jpg": bad_exif})
    f = single(run(db, bundle.write(tmp_path / "in")))
    assert f.status == "imported", f.as_dict()
    with db.read_session() as s:
        rows = {
            p.photo_key: p
            for p in s.execute(
                select(Photo)
                .join(Inspection, Inspection.id == Photo.inspection_id)
                .where(Inspection.bundle_id == bundle.bundle_id)
            ).scalars()
        }
    assert (rows["p2"].exif_taken_at, rows["p2"].exif_lat, rows["p2"].exif_lon) == (None, None, None)
    assert rows["p2"].sha256 == hashlib.sha256(bad_exif).hexdigest()
    assert rows["p1"].exif_taken_at is not None
    assert rows["p1"].exif_lat is not None


def test_zip_helper_builds_what_the_importer_accepts(tmp_path):
    """The helper itself: fresh photos, the right hashes, a parseable zip."""
    from data.ingest.bundles import parse_bundle, read_zip

    a, b = build_bundle(0, seed=1), build_bundle(0, seed=2)
    assert a.bundle_id != b.bundle_id
    assert set(a.photo_shas).isdisjoint(b.photo_shas)
    assert build_bundle(0, seed=1).data == a.data  # deterministic
    parsed = parse_bundle(read_zip(a.data))
    assert [p["sha256"] for p in parsed.photos] == a.photo_shas
    assert zip_bundle(a.files) == a.data
    assert os.path.basename(a.write(tmp_path)) == f"{a.bundle_id}-r1.zip"
