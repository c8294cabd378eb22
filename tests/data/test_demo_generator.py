"""The demo generator writes data that follows the interchange contract and carries the
planted problems it promises, deterministically."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import random
import re
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from data.demo import (
    DemoSummary,
    Problem,
    demo_summary,
    iter_demo_bundles,
    write_demo_files,
)
from data.demo.photos import SCENE_CATEGORIES, PhotoRenderer, build_exif, draw_scene
from data.rules.coords import haversine_m, to_wgs84
from data.rules.idcodes import is_valid_resident_id, is_valid_uscc

TODAY = dt.date(2026, 11, 28)
SEED = 7
ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = json.loads((ROOT / "resources" / "checklist-template.json").read_text("utf-8"))
MONEY = re.compile(r"^\d+\.\d{2}$")
DECIMAL = re.compile(r"^\d+(\.\d+)?$")
SOURCES = {
    "CREDIT_BUREAU": {"OVERDUE_ELSEWHERE", "NEW_LENDERS", "GUARANTEE_LIABILITY_UP", "INQUIRY_SPIKE"},
    "BUSINESS_REGISTRY": {
        "LEGAL_REP_CHANGE",
        "SHAREHOLDER_CHANGE",
        "EQUITY_PLEDGE",
        "EQUITY_FREEZE",
        "ABNORMAL_OPERATION_LIST",
        "ADDRESS_CHANGE",
        "DEREGISTRATION",
    },
    "JUDICIAL": {
        "LAWSUIT_DEFENDANT",
        "ENFORCEMENT",
        "DISHONEST_DEBTOR",
        "CONSUMPTION_RESTRICTION",
        "ACCOUNT_FROZEN",
    },
    "TAX": {"TAX_ARREARS", "CREDIT_GRADE_DOWN", "INVOICE_DROP", "ABNORMAL_TAXPAYER"},
    "ACCOUNT_FLOW": {"INFLOW_DROP", "RELATED_PARTY_OUTFLOW", "FUNDS_DIVERSION", "LARGE_CASH"},
    "UTILITIES": {"ELECTRICITY_DROP", "WATER_DROP", "UTILITY_ARREARS"},
    "PUBLIC_OPINION": {"NEGATIVE_NEWS", "PRODUCTION_HALT", "EXECUTIVE_MISSING"},
    "ADMIN_PENALTY": {"ENVIRONMENTAL", "SAFETY", "MARKET_REGULATION"},
    "COLLATERAL": {"VALUATION_DROP", "COLLATERAL_SEIZED", "INSURANCE_LAPSE"},
}
CATEGORIES = {
    "STOREFRONT",
    "PREMISES",
    "INVENTORY",
    "EQUIPMENT",
    "COLLATERAL",
    "DOCUMENT",
    "MEETING",
    "OTHER",
}
CLASSES = ("NORMAL", "SPECIAL_MENTION", "SUBSTANDARD", "DOUBTFUL", "LOSS")


@dataclass
class Bundle:
    name: str
    manifest: dict[str, Any]
    files: dict[str, bytes]


@dataclass
class Generated:
    out: Path
    summary: DemoSummary
    progress: list[tuple[int, int]]


def _rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def _bundles(out: Path) -> Iterator[Bundle]:
    for path in sorted((out / "bundles").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
        yield Bundle(path.name, json.loads(files["manifest.json"]), files)


def _time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    assert moment.utcoffset() == dt.timedelta(hours=8), text
    return moment


def _wgs(lat: float, lon: float, crs: str) -> tuple[float, float]:
    return to_wgs84(lat, lon, crs)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("demo")
    calls: list[tuple[int, int]] = []
    summary = write_demo_files(
        out, "tiny", seed=SEED, today=TODAY, progress=lambda d, t: calls.append((d, t))
    )
    return Generated(out, summary, calls)


@pytest.fixture(scope="module")
def bundles(generated: Generated) -> list[Bundle]:
    return list(_bundles(generated.out))


@pytest.fixture(scope="module")
def master(generated: Generated) -> dict[str, list[dict[str, str]]]:
    return {
        name: _rows(generated.out / "master" / f"{name}.csv")
        for name in ("branches", "staff", "customers", "loans")
    }


def test_writes_a_folder_source_with_the_promised_files(generated: Generated) -> None:
    out, summary = generated.out, generated.summary
    for name in ("branches", "staff", "customers", "loans"):
        assert (out / "master" / f"{name}.csv").is_file()
    assert list((out / "history").glob("*/loans.csv"))
    assert list((out / "signals").glob("signals-*.jsonl"))
    assert list((out / "signals").glob("signals-*.csv"))
    zips = list((out / "bundles").glob("*.zip"))
    assert len(zips) == summary.bundles == summary.inspections + summary.resubmissions
    assert len(list((out / "bundles").glob("*-r2.zip"))) == summary.resubmissions >= 1
    assert generated.progress[-1][0] == generated.progress[-1][1]
    assert [d for d, _ in generated.progress] == sorted(d for d, _ in generated.progress)


def test_master_data_is_consistent_and_ids_are_valid(
    master: dict[str, list[dict[str, str]]],
) -> None:
    branches = {row["branch_code"]: row for row in master["branches"]}
    assert branches["000"]["level"] == "HEAD"
    assert branches["000"]["name"] == "河北银行总行"
    for row in branches.values():
        if row["level"] == "BRANCH":
            assert row["parent_code"] == "000"
        elif row["level"] == "SUB":
            assert row["branch_code"].startswith(row["parent_code"])
            assert branches[row["parent_code"]]["level"] == "BRANCH"
        assert 36.0 < float(row["lat"]) < 42.7
        assert 113.4 < float(row["lon"]) < 119.9
        assert row["crs"] == "WGS84"
    staff = {row["employee_no"]: row for row in master["staff"]}
    roles = Counter(row["role"] for row in staff.values())
    assert roles["HEAD_RISK"] == 2
    assert roles["AUDITOR"] == roles["ADMIN"] == 1
    assert roles["BRANCH_APPROVER"] == sum(1 for b in branches.values() if b["level"] == "BRANCH")
    uscc_seen: set[str] = set()
    for row in master["customers"]:
        assert is_valid_uscc(row["uscc"]), row["uscc"]
        assert row["uscc"].startswith("91130100")
        assert row["uscc"] not in uscc_seen
        uscc_seen.add(row["uscc"])
        assert is_valid_resident_id(row["legal_rep_id"]), row["legal_rep_id"]
        born = dt.date(
            int(row["legal_rep_id"][6:10]),
            int(row["legal_rep_id"][10:12]),
            int(row["legal_rep_id"][12:14]),
        )
        assert 25 <= (TODAY - born).days / 365.25 <= 66
        assert re.fullmatch(r"1[3-9]\d{9}", row["phone"])
        assert row["name"].startswith("石家庄")
        assert row["name"].endswith("有限公司")
        assert row["address"].startswith("石家庄市")
        manager = staff[row["manager_no"]]
        assert manager["role"] == "CLIENT_MANAGER"
        assert manager["branch_code"] == row["branch_code"]
        assert branches[row["branch_code"]]["level"] == "SUB"
        sub = branches[row["branch_code"]]
        lat, lon = _wgs(float(row["lat"]), float(row["lon"]), row["crs"])
        assert haversine_m(lat, lon, float(sub["lat"]), float(sub["lon"])) < 6_000


def test_loans_keep_money_rules_and_a_consistent_history(
    generated: Generated, master: dict[str, list[dict[str, str]]]
) -> None:
    customers = {row["customer_no"] for row in master["customers"]}
    current = {row["loan_no"]: row for row in master["loans"]}
    snapshots: dict[str, list[dict[str, str]]] = {no: [row] for no, row in current.items()}
    for path in sorted((generated.out / "history").glob("*/loans.csv")):
        for row in _rows(path):
            assert row["as_of"] == path.parent.name
            assert row["as_of"] < current[row["loan_no"]]["as_of"]
            snapshots[row["loan_no"]].append(row)
    for loan_no, rows in snapshots.items():
        assert 2 <= len(rows) <= 4, loan_no
        for row in rows:
            assert row["customer_no"] in customers
            assert MONEY.match(row["amount"])
            assert MONEY.match(row["balance"])
            assert Decimal(0) < Decimal(row["balance"]) <= Decimal(row["amount"])
            assert 100_000 <= Decimal(row["amount"]) <= 5_000_000
            assert re.fullmatch(r"0\.0\d{3}", row["rate"])
            assert row["disbursed_on"] <= row["as_of"] < row["maturity_on"] or int(row["overdue_days"])
            days = int(row["overdue_days"])
            klass = row["classification"]
            if days == 0:
                assert klass in ("NORMAL", "SPECIAL_MENTION")
            elif days > 360:
                assert klass == "LOSS"
            elif days > 270:
                assert klass == "DOUBTFUL"
            elif days > 90:
                assert klass == "SUBSTANDARD"
            elif days > 0:
                assert klass == "SPECIAL_MENTION"
        ordered = sorted(rows, key=lambda r: r["as_of"])
        ranks = [CLASSES.index(r["classification"]) for r in ordered]
        assert ranks == sorted(ranks), loan_no  # never better later than earlier


def test_signals_follow_the_contract(generated: Generated, master: dict[str, list[dict[str, str]]]) -> None:
    summary = generated.summary
    customers = {row["customer_no"]: row["uscc"] for row in master["customers"]}
    usccs = set(customers.values())
    rows: list[dict[str, Any]] = []
    for path in sorted((generated.out / "signals").iterdir()):
        raw = path.read_bytes()
        if str(path.relative_to(generated.out)) in summary.gb18030_files:
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            text = raw.decode("gb18030")
        else:
            text = raw.decode("utf-8-sig")
        if path.suffix == ".jsonl":
            rows.extend(json.loads(line) for line in text.splitlines())
        else:
            rows.extend(csv.DictReader(io.StringIO(text)))
    assert summary.gb18030_files
    assert len(rows) == summary.signals
    assert len({(r["source"], r["signal_id"]) for r in rows}) == len(rows)
    unmatched = 0
    for row in rows:
        assert row["type"] in SOURCES[row["source"]]
        assert int(row["severity"]) in (1, 2, 3, 4)
        assert _time(row["occurred_at"]) <= _time(row["detected_at"])
        assert _time(row["detected_at"]).date() < TODAY
        if row.get("amount"):
            assert MONEY.match(row["amount"])
        customer_no, uscc = row.get("customer_no") or "", row.get("uscc") or ""
        assert customer_no or uscc
        if uscc:
            assert is_valid_uscc(uscc)
        known = customer_no in customers if customer_no else uscc in usccs
        unmatched += not known
    assert unmatched == summary.unmatched_signals >= 1
    severities = Counter(int(r["severity"]) for r in rows)
    assert severities[1] + severities[2] > severities[3] + severities[4]


def test_every_bundle_follows_the_manifest_contract(
    bundles: list[Bundle], master: dict[str, list[dict[str, str]]]
) -> None:
    required: dict[str, set[str]] = {}
    template = {item["code"]: item for item in TEMPLATE["items"]}
    for item in TEMPLATE["items"]:
        for kind in item["required"]:
            required.setdefault(kind, set()).add(item["code"])
    customers = {row["customer_no"]: row for row in master["customers"]}
    staff = {row["employee_no"]: row for row in master["staff"]}
    for bundle in bundles:
        m = bundle.manifest
        assert m["format"] == "postloan-inspection-bundle"
        assert m["version"] == 1
        assert str(uuid.UUID(m["bundle_id"])) == m["bundle_id"]
        expected_name = m["bundle_id"] + ("-r2" if m["revision"] == 2 else "") + ".zip"
        assert bundle.name == expected_name
        assert m["task_no"] is None or re.fullmatch(r"PLT\d{8}\d{6}", m["task_no"])
        customer = customers[m["customer_no"]]
        assert m["inspector"] == customer["manager_no"]
        if "companion" in m:
            assert m["companion"] != m["inspector"]
            assert staff[m["companion"]]["branch_code"] == customer["branch_code"]
        assert re.fullmatch(r"[0-9A-F]{8}", m["device_id"])
        assert m["kind"] in required
        started, finished = _time(m["started_at"]), _time(m["finished_at"])
        submitted = _time(m["submitted_at"])
        assert started <= finished <= submitted
        assert submitted.date() < TODAY

        points = m["track"]["points"]
        assert m["track"]["crs"] in ("WGS84", "GCJ02")
        events = [p["event"] for p in points]
        assert events.count("CHECKIN") == 1
        assert events.count("CHECKOUT") == 1
        assert set(events) <= {"TRACK", "CHECKIN", "CHECKOUT"}
        times = [_time(p["t"]) for p in points]
        assert times == sorted(times)
        assert times[events.index("CHECKIN")] == started
        assert times[events.index("CHECKOUT")] == finished
        assert all(isinstance(p["acc"], float | int) and p["acc"] > 0 for p in points)

        codes = [entry["code"] for entry in m["checklist"]]
        assert required[m["kind"]] <= set(codes)
        assert len(codes) == len(set(codes))
        photo_ids = {photo["id"] for photo in m["photos"]}
        for entry in m["checklist"]:
            item = template[entry["code"]]
            assert entry["answer"] in ("YES", "NO", "NA", "TEXT", "NUMBER")
            assert isinstance(entry["abnormal"], bool)
            assert entry["remark"]
            if entry["answer"] == "NUMBER":
                assert item["answer"] == "NUMBER"
                assert isinstance(entry["value"], str)
                assert DECIMAL.match(entry["value"])
            elif entry["answer"] in ("YES", "NO"):
                assert entry["abnormal"] == (entry["answer"] != item["answer"])
            for photo_id in entry.get("photos", ()):
                assert photo_id in photo_ids
        assert 3 <= len(m["photos"]) <= 6

        names = set(bundle.files)
        assert names == {"manifest.json"} | {photo["file"] for photo in m["photos"]}
        for photo in m["photos"]:
            data = bundle.files[photo["file"]]
            assert hashlib.sha256(data).hexdigest() == photo["sha256"]
            assert photo["category"] in CATEGORIES
            assert started <= _time(photo["taken_at"]) <= finished
            assert photo["crs"] == m["track"]["crs"]
            assert photo["watermark"].startswith(_time(photo["taken_at"]).strftime("%Y-%m-%d %H:%M"))
            assert m["inspector"] in photo["watermark"]
            with Image.open(io.BytesIO(data)) as image:
                assert image.format == "JPEG"
                image.load()
                assert image.size == (320, 240)
        conclusion = m["conclusion"]
        assert conclusion["opinion"] in ("NORMAL", "ATTENTION", "RISK")
        assert conclusion["suggested_classification"] in CLASSES
        assert conclusion["summary"]
        assert conclusion["follow_up"]
        for note in m.get("voice_notes", ()):
            assert started <= _time(note["at"]) <= finished
            assert note["text"]


def test_same_seed_gives_identical_bytes(generated: Generated, tmp_path: Path) -> None:
    again = write_demo_files(tmp_path, "tiny", seed=SEED, today=TODAY)
    assert again == generated.summary

    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert tree(tmp_path) == tree(generated.out)
    other = demo_summary("tiny", seed=SEED + 1, today=TODAY)
    assert {p.bundle_id for p in other.planted} != {p.bundle_id for p in again.planted}


def test_iterated_bundles_are_the_written_ones(generated: Generated) -> None:
    written = {p.name: p.read_bytes() for p in (generated.out / "bundles").glob("*.zip")}
    yielded = {b.name: b.zip_bytes() for b in iter_demo_bundles("tiny", seed=SEED, today=TODAY)}
    assert yielded == written
    summary = demo_summary("tiny", seed=SEED, today=TODAY)
    assert summary.planted == generated.summary.planted


def test_every_planted_problem_is_present(
    generated: Generated, bundles: list[Bundle], master: dict[str, list[dict[str, str]]]
) -> None:
    summary = generated.summary
    for count in (
        summary.far_checkins,
        summary.reused_photos,
        summary.short_visits,
        summary.shared_device_bundles,
        summary.copied_reports,
        summary.exif_mismatches,
    ):
        assert count >= 2
    planted = {p.bundle_id: p for p in summary.planted}
    assert len(planted) == len(summary.planted)  # one problem per bundle
    first = {b.manifest["bundle_id"]: b for b in bundles if b.manifest["revision"] == 1}
    customers = {row["customer_no"]: row for row in master["customers"]}

    for bundle_id, bundle in first.items():
        m = bundle.manifest
        problem = planted[bundle_id].kind if bundle_id in planted else None
        customer = customers[m["customer_no"]]
        home = _wgs(float(customer["lat"]), float(customer["lon"]), customer["crs"])
        checkin = next(p for p in m["track"]["points"] if p["event"] == "CHECKIN")
        at = _wgs(checkin["lat"], checkin["lon"], m["track"]["crs"])
        distance = haversine_m(*home, *at)
        if problem is Problem.FAR_CHECKIN:
            assert distance >= 2_000
        else:
            assert distance < 200
        minutes = (_time(m["finished_at"]) - _time(m["started_at"])).total_seconds() / 60
        if problem is Problem.SHORT_VISIT:
            assert 2.5 <= minutes <= 3.5
        else:
            assert minutes >= 25

    # Reused photo: the same bytes in two different bundles.
    owners: dict[str, set[str]] = {}
    for bundle in bundles:
        for photo in bundle.manifest["photos"]:
            owners.setdefault(photo["sha256"], set()).add(bundle.manifest["bundle_id"])
    shared = {sha: ids for sha, ids in owners.items() if len(ids) > 1}
    reused = [p for p in summary.planted if p.kind is Problem.REUSED_PHOTO]
    for problem in reused:
        assert any({problem.bundle_id, problem.source_bundle_id} <= ids for ids in shared.values())
    # Other than planted reuse, no two bundles share a photo.
    assert len(shared) == len(reused)

    # Shared device: one device id used by two inspectors.
    users: dict[str, set[str]] = {}
    for bundle in bundles:
        users.setdefault(bundle.manifest["device_id"], set()).add(bundle.manifest["inspector"])
    assert sum(1 for inspectors in users.values() if len(inspectors) > 1) == summary.shared_devices

    # Copied report: remarks and summary word for word from the customer's previous visit.
    for problem in (p for p in summary.planted if p.kind is Problem.COPIED_REPORT):
        assert problem.source_bundle_id is not None
        copy, source = first[problem.bundle_id].manifest, first[problem.source_bundle_id].manifest
        assert copy["customer_no"] == source["customer_no"]
        assert _time(source["started_at"]) < _time(copy["started_at"])
        assert [e["remark"] for e in copy["checklist"]] == [e["remark"] for e in source["checklist"]]
        assert copy["conclusion"]["summary"] == source["conclusion"]["summary"]

    # Resubmissions keep the bundle id and come later.
    for bundle in bundles:
        m = bundle.manifest
        if m["revision"] == 2:
            original = first[m["bundle_id"]].manifest
            assert _time(m["submitted_at"]) > _time(original["submitted_at"])
            assert m["photos"] == original["photos"]


def _exif_facts(data: bytes) -> tuple[dt.datetime | None, tuple[float, float] | None, bool]:
    """(DateTimeOriginal, GPS as WGS-84, whether the GPS rationals are 0/0)."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
    sub = exif.get_ifd(0x8769)
    stamp = sub.get(0x9003)
    taken = dt.datetime.strptime(stamp, "%Y:%m:%d %H:%M:%S") if stamp else None
    gps = exif.get_ifd(0x8825)
    if not gps:
        return taken, None, False
    lat_raw, lon_raw = gps[2], gps[4]
    if any(part.denominator == 0 for part in (*lat_raw, *lon_raw)):
        return taken, None, True

    def degrees(parts: Any) -> float:
        return float(parts[0]) + float(parts[1]) / 60 + float(parts[2]) / 3600

    return taken, (degrees(lat_raw), degrees(lon_raw)), False


def test_photo_exif_agrees_except_where_planted(generated: Generated, bundles: list[Bundle]) -> None:
    planted = {p.bundle_id: p for p in generated.summary.planted}
    no_exif = malformed = mismatched = 0
    for bundle in bundles:
        m = bundle.manifest
        problem = planted.get(m["bundle_id"])
        if m["revision"] != 1 or (problem and problem.kind is Problem.REUSED_PHOTO):
            continue
        for photo in m["photos"]:
            taken, gps, bad = _exif_facts(bundle.files[photo["file"]])
            if taken is None:
                no_exif += 1
                continue
            malformed += bad
            app_time = _time(photo["taken_at"]).replace(tzinfo=None)
            app_place = _wgs(photo["lat"], photo["lon"], photo["crs"])
            off_time = abs((app_time - taken).total_seconds()) > 3600
            off_place = gps is not None and haversine_m(*app_place, *gps) > 5_000
            if off_time or off_place:
                mismatched += 1
                assert problem is not None
                assert problem.kind is Problem.EXIF_MISMATCH
            if gps is not None and not off_place:
                assert haversine_m(*app_place, *gps) < 100
    assert no_exif >= 1
    assert malformed >= 1
    assert mismatched == generated.summary.exif_mismatches


def test_photos_differ_in_perceptual_hash(bundles: list[Bundle]) -> None:
    imagehash = pytest.importorskip("imagehash")
    hashes: dict[str, Any] = {}
    for bundle in bundles:
        for photo in bundle.manifest["photos"]:
            if photo["sha256"] not in hashes:
                with Image.open(io.BytesIO(bundle.files[photo["file"]])) as image:
                    hashes[photo["sha256"]] = imagehash.phash(image)
    values = list(hashes.values())
    closest = min(values[i] - values[j] for i in range(len(values)) for j in range(i + 1, len(values)))
    assert closest >= 4


def test_exif_builder_round_trips_through_pillow() -> None:
    data = build_exif(
        taken=dt.datetime(2026, 11, 2, 9, 14, 30),
        gps=(38.055, 114.522),
        malformed_gps=False,
        make="HUAWEI",
        model="Mate 60",
        unique_id="0" * 32,
    )
    image = Image.new("RGB", (16, 16))
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=data)
    taken, gps, bad = _exif_facts(out.getvalue())
    assert taken == dt.datetime(2026, 11, 2, 9, 14, 30)
    assert gps is not None
    assert haversine_m(*gps, 38.055, 114.522) < 1
    assert not bad


@pytest.mark.parametrize("size", [(160, 120), (640, 480)])
def test_every_scene_draws_for_many_layouts(size: tuple[int, int]) -> None:
    """Random layouts never ask Pillow for an inside-out shape."""
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for category in SCENE_CATEGORIES:
        for seed in range(300):
            draw_scene(draw, random.Random(f"{category}/{seed}"), category, *size)


def test_photos_render_without_a_cjk_font() -> None:
    """With no CJK font on the system the watermark keeps only its ASCII characters."""
    renderer = PhotoRenderer((160, 120), 75, seed=1, find_font=False)
    assert not renderer.cjk
    data = renderer.render(
        random.Random(1), "STOREFRONT", ("2026-11-02 09:14", "E00101 王磊", "石家庄市长安区"), None
    )
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert image.size == (160, 120)


def test_unknown_scale_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown demo scale"):
        write_demo_files(tmp_path, "huge", today=TODAY)


def test_small_scale_has_the_promised_size() -> None:
    summary = demo_summary("small", today=TODAY)
    counts = (summary.customers, summary.loans, summary.signals, summary.inspections)
    assert counts == (600, 900, 1500, 2000)
    assert summary.branches == 1 + 3 + 8
    assert summary.client_managers == 24
    assert summary.staff == 24 + 3 + 4
    assert 3 * 2000 <= summary.photos <= 6 * 2000
    problems = (
        summary.far_checkins,
        summary.reused_photos,
        summary.short_visits,
        summary.shared_device_bundles,
        summary.copied_reports,
        summary.exif_mismatches,
    )
    assert min(problems) >= 10
    assert 0.03 <= sum(problems) / summary.inspections <= 0.07
    assert summary.resubmissions >= 10
    assert summary.unmatched_signals >= 5
