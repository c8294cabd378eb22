"""Authenticity flags through the real importer, on both backends: every coordinate system,
malformed EXIF, out-of-order arrival, resubmissions, shared thresholds and the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from data.authenticity import (
    FlagRow,
    compute_flags,
    flags_for,
    load_thresholds,
    recompute_all,
    save_thresholds,
)
from data.db import Database
from data.ingest.runner import Importer, RunReport
from data.models import Inspection, PostLoanTask, table
from data.rules.authenticity import Thresholds
from data.rules.coords import from_wgs84, to_wgs84
from tests.data._bundles import BuiltBundle, build_bundle, make_jpeg

# the example bundles (sorted by name): 0 is C0001001/E00102 in WGS-84, 1 is C0001002/E00103
# in GCJ-02, 2 is C0001000/E00101 in GCJ-02; all on 2026-11-02, 45 minutes each
TASK = "PLT20261020000001"


def run(db: Database, *sources: Path | str) -> RunReport:
    return Importer(db).run([str(s) for s in sources])


def _shift_time(value: str, delta: dt.timedelta) -> str:
    return (dt.datetime.fromisoformat(value) + delta).isoformat()


def shifted(delta: dt.timedelta) -> Any:
    """An ``edit`` moving every time of a manifest by ``delta``."""

    def edit(m: dict[str, Any]) -> None:
        for name in ("started_at", "finished_at", "submitted_at"):
            m[name] = _shift_time(m[name], delta)
        for p in m["track"]["points"]:
            p["t"] = _shift_time(p["t"], delta)
        for ph in m["photos"]:
            ph["taken_at"] = _shift_time(ph["taken_at"], delta)
        for note in m.get("voice_notes") or []:
            note["at"] = _shift_time(note["at"], delta)

    return edit


def planned(m: dict[str, Any]) -> None:
    m["task_no"] = TASK


def edits(*fns: Any) -> Any:
    def edit(m: dict[str, Any]) -> None:
        for fn in fns:
            fn(m)

    return edit


def add_task(db: Database, customer_no: str, assignee: str, task_no: str = TASK) -> None:
    with db.write_session() as s:
        s.execute(
            insert(table(PostLoanTask)),
            [
                {
                    "task_no": task_no,
                    "customer_no": customer_no,
                    "loan_no": None,
                    "kind": "ROUTINE",
                    "tier": "NORMAL",
                    "due_on": dt.date(2026, 11, 20),
                    "assignee_no": assignee,
                    "reason": "",
                    "required_photos": [],
                    "status": "OPEN",
                    "created_at": dt.datetime(2026, 10, 20, tzinfo=dt.UTC),
                }
            ],
        )


def import_bundles(db: Database, tmp_path: Path, *bundles: BuiltBundle) -> None:
    for n, bundle in enumerate(bundles):
        report = run(db, bundle.write(tmp_path / f"in-{bundle.bundle_id}-{bundle.revision}-{n}"))
        assert [f.status for f in report.files] == ["imported"], report.as_dict()


def ids_of(db: Database) -> dict[tuple[str, int], int]:
    with db.read_session() as s:
        rows = s.execute(select(Inspection.id, Inspection.bundle_id, Inspection.revision)).all()
    return {(r.bundle_id, r.revision): int(r.id) for r in rows}


def flags_of(db: Database) -> dict[tuple[str, int], tuple[FlagRow, ...]]:
    ids = ids_of(db)
    with db.read_session() as s:
        found = flags_for(s, ids.values())
    return {key: found[i] for key, i in ids.items()}


def codes(rows: tuple[FlagRow, ...]) -> set[str]:
    return {r.code for r in rows}


def comparable(db: Database) -> dict[tuple[str, int], list[tuple[str, str, int | None, str]]]:
    """Flags without their ids and times, for comparing two computations."""
    return {
        key: sorted(
            (r.code, r.severity, r.related_inspection_id, json.dumps(r.detail, sort_keys=True)) for r in rows
        )
        for key, rows in flags_of(db).items()
    }


@pytest.fixture
def master_loaded(db: Database, examples_dir: Path) -> Database:
    report = run(db, examples_dir / "master")
    assert report.exit_code == 0, report.as_dict()
    return db


# --- coordinate systems -------------------------------------------------------------------------


def in_crs(crs: str) -> Any:
    """An ``edit`` restating every coordinate of a manifest in ``crs`` (same places)."""

    def edit(m: dict[str, Any]) -> None:
        source = m["track"].get("crs") or "WGS84"
        for p in m["track"]["points"]:
            p["lat"], p["lon"] = from_wgs84(*to_wgs84(p["lat"], p["lon"], source), crs)
        m["track"]["crs"] = crs
        for ph in m["photos"]:
            lat, lon = to_wgs84(ph["lat"], ph["lon"], ph.get("crs") or "WGS84")
            ph["lat"], ph["lon"] = from_wgs84(lat, lon, crs)
            ph["crs"] = crs

    return edit


@pytest.mark.parametrize("crs", ["GCJ02", "WGS84", "BD09", "CGCS2000"])
def test_a_visit_in_any_coordinate_system_with_wgs84_exif_raises_nothing(
    master_loaded: Database, tmp_path: Path, crs: str
) -> None:
    """The app's GCJ-02 (or BD-09, or WGS-84) track and photo places, and the camera's
    WGS-84 EXIF of the same place, all agree once stored as WGS-84."""
    db = master_loaded
    add_task(db, "C0001002", "E00103")
    bundle = build_bundle(1, seed=11, edit=edits(in_crs(crs), planned))
    import_bundles(db, tmp_path, bundle)
    assert flags_of(db) == {(bundle.bundle_id, 1): ()}


def test_the_same_visit_far_from_the_customer_is_flagged(master_loaded: Database, tmp_path: Path) -> None:
    """Control for the test above: 1.5 km north, every check that looks at places fires
    on the check-in only (photos are where the check-in is)."""
    db = master_loaded
    add_task(db, "C0001002", "E00103")

    def move(m: dict[str, Any]) -> None:
        for item in (*m["track"]["points"], *m["photos"]):
            item["lat"] += 0.0135

    bundle = build_bundle(1, seed=12, edit=edits(move, planned))
    import_bundles(db, tmp_path, bundle)
    (rows,) = flags_of(db).values()
    assert codes(rows) == {"OFF_SITE_CHECKIN"}
    assert rows[0].severity == "HIGH"
    assert 1400 < rows[0].detail["distance_m"] < 1600


# --- EXIF -------------------------------------------------------------------------------------------


def malformed_exif(kind: str) -> Any:
    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational

    exif = Image.Exif()
    exif[271] = "Xiaomi"
    zero = IFDRational(0, 0)
    if kind == "zero-rationals":
        exif.get_ifd(0x8825).update({1: "N", 2: (zero, zero, zero), 3: "E", 4: (zero, zero, zero)})
        exif.get_ifd(0x8769)[36867] = "0000:00:00 00:00:00"
    elif kind == "latitude-only":
        exif.get_ifd(0x8825).update({1: "N", 2: (38.0, 1.0, 28.0)})
        exif.get_ifd(0x8769)[36867] = "not a time"
    elif kind == "zero-place":
        exif.get_ifd(0x8825).update({1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)})
    elif kind == "modified-time-only":
        exif[306] = "2026:01:01 08:00:00"  # DateTime: when the file was last changed, not taken
    return exif


@pytest.mark.parametrize("kind", ["zero-rationals", "latitude-only", "zero-place", "modified-time-only"])
def test_malformed_exif_is_unreadable_never_a_place_at_zero(
    master_loaded: Database, tmp_path: Path, kind: str
) -> None:
    db = master_loaded
    add_task(db, "C0001002", "E00103")
    bad = make_jpeg(77, exif=malformed_exif(kind))
    bundle = build_bundle(1, seed=13, edit=planned, photo_bytes={"photos/p2.jpg": bad})
    import_bundles(db, tmp_path, bundle)
    assert flags_of(db) == {(bundle.bundle_id, 1): ()}


def test_exif_time_and_place_that_disagree_are_flagged(master_loaded: Database, tmp_path: Path) -> None:
    db = master_loaded
    add_task(db, "C0001002", "E00103")
    taken = dt.datetime(2026, 10, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    elsewhere = make_jpeg(78, taken_at=taken, lat=38.3, lon=114.8)
    bundle = build_bundle(1, seed=14, edit=planned, photo_bytes={"photos/p2.jpg": elsewhere})
    import_bundles(db, tmp_path, bundle)
    (rows,) = flags_of(db).values()
    assert codes(rows) == {"PHOTO_OFF_SITE", "PHOTO_TIME_OUTSIDE_VISIT"}
    by_code = {r.code: r.detail for r in rows}
    assert by_code["PHOTO_OFF_SITE"]["photo"] == "p2"
    assert [p["source"] for p in by_code["PHOTO_OFF_SITE"]["places"]] == ["EXIF"]
    times = by_code["PHOTO_TIME_OUTSIDE_VISIT"]["times"]
    assert [t["source"] for t in times] == ["EXIF"]
    assert times[0]["at"] == "2026-10-30T02:00:00+00:00"  # read as Beijing time, kept in UTC


# --- out of order, resubmissions ------------------------------------------------------------------


def near_copy(data: bytes) -> bytes:
    """The same photo resized, slightly cropped, re-compressed and stripped of EXIF."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        w, h = img.size
        cropped = img.crop((w // 64, h // 64, w - w // 64, h - h // 64)).resize((w * 3 // 4, h * 3 // 4))
        out = io.BytesIO()
        cropped.convert("RGB").save(out, "JPEG", quality=60)
    return out.getvalue()


def three_visits() -> tuple[BuiltBundle, BuiltBundle, BuiltBundle]:
    """A: E00101 at C0001000 on 2 Nov. B: E00101 at C0001000 a week later, reusing A's
    shop-front photo byte for byte and a near copy of its premises photo, and A's
    conclusion. C: E00102 at C0001001 ten days after A, on E00101's phone."""
    a = build_bundle(2, seed=21)
    b = build_bundle(
        2,
        seed=22,
        edit=shifted(dt.timedelta(days=7)),
        photo_bytes={
            "photos/p1.jpg": a.files["photos/p1.jpg"],
            "photos/p2.jpg": near_copy(a.files["photos/p2.jpg"]),
        },
    )

    def on_a_phone(m: dict[str, Any]) -> None:
        m["device_id"] = a.manifest["device_id"]
        m["conclusion"]["summary"] = (
            "企业生产经营平稳,近三月回款约210万元,仓库新到一批原料,建议维持正常分类。"
        )

    c = build_bundle(0, seed=23, edit=edits(shifted(dt.timedelta(days=10)), on_a_phone))
    return a, b, c


def expect_three(db: Database, a: BuiltBundle, b: BuiltBundle, c: BuiltBundle) -> None:
    flags = flags_of(db)
    ids = ids_of(db)
    fa, fb, fc = flags[(a.bundle_id, 1)], flags[(b.bundle_id, 1)], flags[(c.bundle_id, 1)]
    assert codes(fa) == {"UNPLANNED", "SHARED_DEVICE"}
    # the reused photo carries A's EXIF time, a week before B's visit
    assert codes(fb) == {
        "UNPLANNED",
        "SHARED_DEVICE",
        "DUPLICATE_PHOTO",
        "COPY_PASTE_REPORT",
        "PHOTO_TIME_OUTSIDE_VISIT",
    }
    assert codes(fc) == {"UNPLANNED", "SHARED_DEVICE"}
    dup = next(r for r in fb if r.code == "DUPLICATE_PHOTO")
    assert dup.related_inspection_id == ids[(a.bundle_id, 1)]
    pairs = {p["photo"]: p for p in dup.detail["photos"]}
    assert pairs["p1"]["identical"] is True
    assert pairs["p1"]["distance"] == 0
    assert pairs["p2"]["identical"] is False
    assert 0 < pairs["p2"]["distance"] <= 10
    copied = next(r for r in fb if r.code == "COPY_PASTE_REPORT")
    assert copied.related_inspection_id == ids[(a.bundle_id, 1)]
    assert copied.detail["similarity"] == 1.0
    shared = next(r for r in fa if r.code == "SHARED_DEVICE")
    assert shared.related_inspection_id == ids[(c.bundle_id, 1)]
    assert shared.detail["other_inspectors"] == ["E00102"]
    assert next(r for r in fc if r.code == "SHARED_DEVICE").detail["other_inspectors"] == ["E00101"]


def test_out_of_order_arrival_ends_as_if_in_order(master_loaded: Database, tmp_path: Path) -> None:
    """The later visits arrive first; when the earliest arrives, the flags of all three
    are updated: the reuse and the copy are on the later one, naming the earlier."""
    db = master_loaded
    a, b, c = three_visits()
    import_bundles(db, tmp_path, c, b)
    before = flags_of(db)
    # C shares the phone; the reused photo's EXIF time is a week before B's visit
    assert codes(before[(b.bundle_id, 1)]) == {"UNPLANNED", "SHARED_DEVICE", "PHOTO_TIME_OUTSIDE_VISIT"}
    import_bundles(db, tmp_path, a)
    expect_three(db, a, b, c)
    incremental = comparable(db)
    recompute_all(db)
    assert comparable(db) == incremental


def test_in_order_arrival_gives_the_same_flags(master_loaded: Database, tmp_path: Path) -> None:
    db = master_loaded
    a, b, c = three_visits()
    import_bundles(db, tmp_path, a, b, c)
    expect_three(db, a, b, c)


def test_a_resubmission_keeps_the_earlier_revisions_flags(master_loaded: Database, tmp_path: Path) -> None:
    """Revision 1 keeps flags of its own; evidence for later visits comes from the
    current revision, so B's duplicate now names revision 2."""
    db = master_loaded
    a, b, _c = three_visits()

    def reworked(m: dict[str, Any]) -> None:
        m["conclusion"]["summary"] += "经退回补充,已补充核实相关凭证。"

    a2 = build_bundle(
        2,
        seed=21,
        bundle_id=a.bundle_id,
        revision=2,
        edit=reworked,
        photo_bytes={n: a.files[n] for n in a.files},
    )
    import_bundles(db, tmp_path, a, b)
    rev1_flags = comparable(db)[(a.bundle_id, 1)]
    assert "COPY_PASTE_REPORT" in codes(flags_of(db)[(b.bundle_id, 1)])
    import_bundles(db, tmp_path, a2)
    ids = ids_of(db)
    flags = flags_of(db)
    assert comparable(db)[(a.bundle_id, 1)] == rev1_flags
    assert codes(flags[(a.bundle_id, 2)]) == {"UNPLANNED"}  # its own revision 1 is no duplicate
    dup = next(r for r in flags[(b.bundle_id, 1)] if r.code == "DUPLICATE_PHOTO")
    assert dup.related_inspection_id == ids[(a.bundle_id, 2)]
    # B is judged against A's report as it stands now: the rework added a sentence to a
    # short summary, which is no longer 90% alike B's
    assert "COPY_PASTE_REPORT" not in codes(flags[(b.bundle_id, 1)])
    incremental = comparable(db)
    recompute_all(db)
    assert comparable(db) == incremental


@pytest.mark.parametrize(("gap_min", "flagged"), [(2, True), (3, False)])
def test_impossible_travel_between_two_visits_of_one_inspector(
    master_loaded: Database, tmp_path: Path, gap_min: int, flagged: bool
) -> None:
    """A ends 09:45 at C0001000; B (C0001001, 4.7 km away) checks in ``gap_min`` minutes
    later: 2 minutes is 140 km/h, 3 minutes 93 km/h."""
    db = master_loaded
    a = build_bundle(2, seed=31)
    b = build_bundle(
        0,
        seed=32,
        customer_no="C0001001",
        inspector="E00101",
        edit=shifted(dt.timedelta(minutes=-60 - 15 + gap_min)),
    )
    import_bundles(db, tmp_path, b, a)  # the later one first
    flags = flags_of(db)
    assert "IMPOSSIBLE_TRAVEL" not in codes(flags[(a.bundle_id, 1)])
    travel = [r for r in flags[(b.bundle_id, 1)] if r.code == "IMPOSSIBLE_TRAVEL"]
    assert bool(travel) == flagged
    if flagged:
        assert travel[0].related_inspection_id == ids_of(db)[(a.bundle_id, 1)]
        assert travel[0].detail["speed_kmh"] > 120


# --- thresholds, reading, the command line ----------------------------------------------------------


def test_thresholds_live_in_the_database_and_recompute_uses_them(
    master_loaded: Database, tmp_path: Path
) -> None:
    db = master_loaded
    add_task(db, "C0001002", "E00103")
    bundle = build_bundle(1, seed=41, edit=planned)
    import_bundles(db, tmp_path, bundle)
    assert flags_of(db) == {(bundle.bundle_id, 1): ()}
    assert load_thresholds(db) == Thresholds()
    stricter = dataclasses.replace(Thresholds(), short_visit_min=60.0)
    save_thresholds(db, stricter)
    assert load_thresholds(db) == stricter
    assert recompute_all(db) == 1
    (rows,) = flags_of(db).values()
    assert [(r.code, r.severity, r.detail) for r in rows] == [
        ("SHORT_VISIT", "MEDIUM", {"minutes": 45.0, "limit_min": 60.0})
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rows[0].code = "X"  # type: ignore[misc]


def test_compute_flags_replaces_only_what_it_is_asked_for(master_loaded: Database, tmp_path: Path) -> None:
    db = master_loaded
    a, b, c = three_visits()
    import_bundles(db, tmp_path, a, b, c)
    ids = ids_of(db)
    save_thresholds(db, dataclasses.replace(Thresholds(), shared_device_days=1.0))
    with db.write_session() as s:
        compute_flags(s, [ids[(c.bundle_id, 1)]])
    flags = flags_of(db)
    assert codes(flags[(c.bundle_id, 1)]) == {"UNPLANNED"}
    assert "SHARED_DEVICE" in codes(flags[(a.bundle_id, 1)])  # not recomputed
    with db.read_session() as s:
        assert flags_for(s, [999_999]) == {999_999: ()}


def test_cli_lists_every_revision_with_its_flags(master_loaded: Database, tmp_path: Path) -> None:
    import main

    db = master_loaded
    a, b, c = three_visits()
    import_bundles(db, tmp_path, a, b, c)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main.main(["authenticity", "--db", db.url, "--recompute", "--json"]) == 0
    listed = json.loads(out.getvalue())
    assert [(o["bundle_id"], o["revision"]) for o in listed] == [
        (a.bundle_id, 1),
        (b.bundle_id, 1),
        (c.bundle_id, 1),
    ]
    assert set(listed[0]) == {"bundle_id", "revision", "customer_no", "inspector", "flags"}
    assert (listed[1]["customer_no"], listed[1]["inspector"]) == ("C0001000", "E00101")
    assert {f["code"] for f in listed[1]["flags"]} >= {"DUPLICATE_PHOTO", "COPY_PASTE_REPORT"}
    assert all(set(f) == {"code", "severity", "detail"} for o in listed for f in o["flags"])


def test_flags_a_killed_import_left_queued_are_computed_by_the_next_run(
    master_loaded: Database, tmp_path: Path
) -> None:
    """An import queues each inspection for its flags in the bundle's own transaction and
    computes them in batches; a run killed between the two leaves the queue, and the next
    run (even one with nothing new) computes exactly what an uninterrupted one would."""
    from data.ingest.runner import SourceItem
    from data.models import PendingFlags

    db = master_loaded
    a, b, c = three_visits()
    importer = Importer(db)
    run_id = importer._start_run(["killed"])
    for n, built in enumerate((a, b, c)):
        path = built.write(tmp_path / "killed", f"v{n}.zip")
        importer.import_item(SourceItem(path.name, "bundle", location=path), run_id)
    # the bundles are stored and queued, their flags not yet computed: the "kill"
    with db.read_session() as s:
        queued = set(s.execute(select(PendingFlags.inspection_id)).scalars())
        stored = set(ids_of(db).values())
        assert queued == stored
        assert len(queued) == 3
        assert all(rows == () for rows in flags_for(s, queued).values())

    assert run(db).exit_code == 0  # the next run, with nothing to import
    with db.read_session() as s:
        assert list(s.execute(select(PendingFlags.inspection_id)).scalars()) == []
    expect_three(db, a, b, c)
    incremental = comparable(db)
    recompute_all(db)
    assert comparable(db) == incremental


def test_a_chance_match_of_the_64_bit_hash_is_not_called_a_copy(tmp_path: Path) -> None:
    """The fine 256-bit hash confirms a near match: a real copy stays close, two different
    photos that the 64-bit hash happens to put within its radius do not."""
    from data.authenticity import PhotoHashIndex
    from data.images import PhotoStore
    from data.rules.authenticity import Thresholds

    store = PhotoStore(tmp_path / "photos")
    original = make_jpeg(seed=11, size=(640, 480))
    copy_ = near_copy(original)
    other = make_jpeg(seed=12, size=(640, 480))
    shas = {}
    for name, data in (("original", original), ("copy", copy_), ("other", other)):
        shas[name] = hashlib.sha256(data).hexdigest()
        store.put(shas[name], data)
    index = PhotoHashIndex(store)
    limit = Thresholds().duplicate_confirm_max_distance
    close = index.fine_distance(shas["original"], shas["copy"])
    apart = index.fine_distance(shas["original"], shas["other"])
    assert close is not None
    assert close <= limit
    assert apart is not None
    assert apart > limit
    assert PhotoHashIndex().fine_distance(shas["original"], shas["other"]) is None  # no store
    assert index.fine_distance(shas["original"], "0" * 64) is None  # a file it cannot read


def test_a_bug_in_one_inspections_checks_does_not_wedge_the_queue(
    master_loaded: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the checks raise on one inspection (a bug, not the database), the others still get
    their flags, the failing one leaves the queue with an audit event saying why, and the
    run goes on: the next run does not stop on it again."""
    import data.ingest.runner as runner_module
    from data.audit import verify
    from data.ingest.runner import SourceItem
    from data.models import AuditEvent, PendingFlags

    db = master_loaded
    importer = Importer(db)
    run_id = importer._start_run(["queued"])
    for n, built in enumerate(three_visits()):
        path = built.write(tmp_path / "queued", f"v{n}.zip")
        importer.import_item(SourceItem(path.name, "bundle", location=path), run_id)
    with db.read_session() as s:
        queued = sorted(s.execute(select(PendingFlags.inspection_id)).scalars())
    broken = queued[1]
    real = runner_module.update_flags

    def update_flags(session: Any, ids: list[int], **kw: Any) -> Any:
        if broken in ids:
            raise ZeroDivisionError("a bug in a check")
        return real(session, ids, **kw)

    monkeypatch.setattr(runner_module, "update_flags", update_flags)
    assert Importer(db).flush_flags() == 3
    with db.read_session() as s:
        assert list(s.execute(select(PendingFlags.inspection_id)).scalars()) == []
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "FLAG_CHECK_FAILED")).scalar_one()
        assert event.entity_id == str(broken)
        assert "ZeroDivisionError" in event.details
        assert verify(s).ok
