"""Bad input gets a clear error naming the file, line or field, and loses nothing stored.

Every test starts from a database holding the spec's imported examples, then writes a real bad file derived
from them (an edited CSV line, a re-zipped bundle with a changed manifest or photo, a
crafted zip entry), imports it and checks: the file's status, the error's code, its line
(CSV) or field (bundle JSON path), a message that names the problem, that every count and
every stored row is as before except what the rules demand (a partial file imports its
good rows), the exit code, and that the audit chain still verifies.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import random
import shutil
import sqlite3
import stat
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.engine import make_url

from data.audit import verify
from data.db import Database, open_database
from data.ingest.common import FileReport, RowError
from data.ingest.runner import Importer, RunReport
from data.models import Base, Inspection, QuarantineEntry
from data.queries import counts

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"
EXAMPLE_BUNDLE = "bundles/7b7fec4b-0331-4ead-a229-30ae9158d4a8.zip"  # C0001000, inspector E00101
EXAMPLE_BUNDLE_ID = "7b7fec4b-0331-4ead-a229-30ae9158d4a8"
FRESH_BUNDLE_ID = "5d3c1b8e-1f2a-4b3c-9d4e-5f6a7b8c9d0e"
STORED_TABLES = (
    "branches",
    "staff",
    "customers",
    "loans",
    "loan_snapshots",
    "risk_signals",
    "inspections",
    "photos",
    "track_points",
    "checklist_answers",
    "inspection_documents",
    "voice_notes",
)


# --- what the database holds ----------------------------------------------------------------


def _counts(db: Database) -> dict[str, int]:
    with db.read_session() as s:
        return counts(s)


def _stored(db: Database) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """Every stored row of the data tables, by primary key."""
    out: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    with db.read_session() as s:
        for name in STORED_TABLES:
            table = Base.metadata.tables[name]
            pk = [c.name for c in table.primary_key.columns]
            rows = s.execute(select(table)).mappings().all()
            out[name] = {tuple(r[c] for c in pk): dict(r) for r in rows}
    return out


@dataclass
class Baseline:
    """The database after importing the spec's examples: what a bad file must not disturb."""

    db: Database
    counts: dict[str, int]
    stored: dict[str, dict[tuple[Any, ...], dict[str, Any]]]

    def assert_kept(self, delta: dict[str, int] | None = None, added: dict[str, int] | None = None) -> None:
        """Counts moved by exactly ``delta``; every stored row is still there, unchanged;
        exactly ``added`` new rows per table; the audit chain verifies."""
        delta, added = delta or {}, added or {}
        now = _counts(self.db)
        expected = {k: v + delta.get(k, 0) for k, v in self.counts.items()}
        assert now == expected, {k: (expected[k], now[k]) for k in now if now[k] != expected[k]}
        stored = _stored(self.db)
        for name, before in self.stored.items():
            after = stored[name]
            changed = [k for k, row in before.items() if after.get(k) != row]
            assert not changed, f"{name}: stored rows lost or modified: {changed}"
            assert len(after) - len(before) == added.get(name, 0), f"{name}: {len(after) - len(before)} added"
        with self.db.read_session() as s:
            result = verify(s)
        assert result.ok, result


@pytest.fixture(scope="session")
def sqlite_baseline_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database (and its data folder) holding the imported examples, made once:
    each SQLite test starts from a copy, which keeps the whole file fast. PostgreSQL tests
    import the examples themselves."""
    if not EXAMPLES.is_dir():
        pytest.skip(f"the spec's examples are not at {EXAMPLES}")
    root = tmp_path_factory.mktemp("baseline")
    shutil.copytree(EXAMPLES, root / "examples")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOANSIGHT_DATA_DIR", str(root / "userdata"))
        mp.delenv("LOANSIGHT_DB", raising=False)
        mp.delenv("LOANSIGHT_PHOTO_DIR", raising=False)
        database = open_database(f"sqlite:///{root / 'template.db'}", data_dir=root / "data")
        try:
            report = Importer(database).run([str(root / "examples")])
        finally:
            database.dispose()
    assert report.exit_code == 0, [f.as_dict() for f in report.files]
    return root


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a WAL-mode database, through SQLite's backup API."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


@pytest.fixture
def baseline(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Baseline]:
    """A database on each backend holding the spec's examples, imported without a fault."""
    data_dir = tmp_path / "data"
    if db_url.startswith("sqlite"):
        template: Path = request.getfixturevalue("sqlite_baseline_template")
        _copy_sqlite(template / "template.db", Path(make_url(db_url).database or ""))
        shutil.copytree(template / "data", data_dir)
        database = open_database(db_url, data_dir=data_dir)
    else:
        examples: Path = request.getfixturevalue("examples_dir")
        database = open_database(db_url, data_dir=data_dir)
        report = Importer(database).run([str(examples)])
        assert report.exit_code == 0, [f.as_dict() for f in report.files]
    try:
        yield Baseline(database, _counts(database), _stored(database))
    finally:
        database.dispose()


def _import_one(db: Database, path: Path) -> tuple[RunReport, FileReport]:
    report = Importer(db).run([str(path)])
    assert len(report.files) == 1, [f.as_dict() for f in report.files]
    return report, report.files[0]


def _only_error(fr: FileReport) -> RowError:
    assert len(fr.errors) == 1, [e.as_dict() for e in fr.errors]
    return fr.errors[0]


def _says(message: str, *words: str) -> None:
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


# --- valid identifiers, computed from the standards (not from the code under test) ------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _uscc(first17: str) -> str:
    """GB 32100-2015: weights 3^i mod 31, check = 31 - sum mod 31."""
    total = sum(_USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + _USCC_ALPHABET[(31 - total % 31) % 31]


def _resident_id(first17: str) -> str:
    """GB 11643-1999: ISO 7064 MOD 11-2, weights 2^(17-i) mod 11."""
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    return first17 + "10X98765432"[total % 11]


def _wrong_check(code: str) -> str:
    """The same identifier with a check character that cannot be right."""
    return code[:-1] + ("1" if code[-1] != "1" else "2")


NEW_USCC = _uscc("91130100MA0ABC123")
NEW_REP_ID = _resident_id("13010219800101001")


def _new_customer(no: str = "C0001006", **changes: str) -> dict[str, str]:
    row = {
        "customer_no": no,
        "name": "石家庄新源科技有限公司",
        "uscc": NEW_USCC,
        "legal_rep": "张伟",
        "legal_rep_id": NEW_REP_ID,
        "phone": "13512345678",
        "industry": "C",
        "address": "石家庄市友谊大街100号",
        "lat": "38.041",
        "lon": "114.501",
        "crs": "WGS84",
        "branch_code": "031101",
        "manager_no": "E00101",
    }
    return {**row, **changes}


# --- CSV files derived from the examples --------------------------------------------------------

CSV_FILES = {
    "branches": "master/branches.csv",
    "staff": "master/staff.csv",
    "customers": "master/customers.csv",
    "loans": "master/loans.csv",
    "signals": "signals/signals-20261101.csv",
}


def _table(ex: Path, kind: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(ex / CSV_FILES[kind], encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _render(header: list[str], rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _edited(ex: Path, kind: str, index: int, **changes: str) -> str:
    """The example file with data row ``index`` (physical line index + 2) changed."""
    header, rows = _table(ex, kind)
    rows[index] = {**rows[index], **changes}
    return _render(header, rows)


def _appended(ex: Path, kind: str, *extra: dict[str, str]) -> str:
    header, rows = _table(ex, kind)
    return _render(header, rows + list(extra))


def _with_line(ex: Path, kind: str, line: int, transform: Callable[[str], str]) -> str:
    lines = (ex / CSV_FILES[kind]).read_text("utf-8").splitlines(keepends=True)
    lines[line - 1] = transform(lines[line - 1])
    return "".join(lines)


def _without_column(ex: Path, kind: str, column: str) -> str:
    header, rows = _table(ex, kind)
    header.remove(column)
    return _render(header, [{k: v for k, v in r.items() if k != column} for r in rows])


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


NEW_BRANCH = "031103,新华支行,SUB,0311,石家庄市,38.0512,114.4710,WGS84\n"


@dataclass(frozen=True)
class RowCase:
    """A bad CSV/JSONL file: what it is named, how it is made, and what the import must say."""

    name: str
    build: Callable[[Path], bytes]
    status: str
    code: str
    line: int | None
    field: str | None
    says: tuple[str, ...] = ()
    delta: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    imported: int = 0
    rows_rejected: int = 1  # a whole-file rejection counts no rows
    warning: bool = False  # the problem is a warning: the row imports


def _rejected(
    name: str, build: Callable[[Path], bytes], code: str, line: int | None, fld: str | None, *says: str
) -> RowCase:
    """The whole file is refused: nothing of it imports, not even its good rows."""
    return RowCase(name, build, "rejected", code, line, fld, says, rows_rejected=0)


def _row(
    name: str,
    build: Callable[[Path], bytes],
    code: str,
    line: int,
    fld: str | None,
    *says: str,
    status: str = "partial",
) -> RowCase:
    """One row is refused; the others are unchanged (or there are none), the stored row is
    kept as it was."""
    return RowCase(name, build, status, code, line, fld, says)


def _jsonl(*lines: dict[str, Any] | str) -> bytes:
    out = [line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines]
    return ("\n".join(out) + "\n").encode("utf-8")


def _signal(signal_id: str = "JUD-NEW-1", **changes: Any) -> dict[str, Any]:
    row = {
        "source": "JUDICIAL",
        "signal_id": signal_id,
        "customer_no": "C0001000",
        "uscc": "",
        "type": "ENFORCEMENT",
        "severity": 3,
        "occurred_at": "2026-11-10T09:00:00+08:00",
        "detected_at": "2026-11-10T12:00:00+08:00",
        "title": "被执行人信息",
        "detail": "",
        "amount": "250000.00",
    }
    return {**row, **changes}


ROW_CASES = {
    # --- whole-file problems: the good row added at the end must not import either
    "encoding-utf16": _rejected(
        "customers.csv",
        lambda ex: _appended(ex, "customers", _new_customer()).encode("utf-16"),
        "ENCODING",
        None,
        None,
        "UTF-8",
        "GB18030",
    ),
    "encoding-invalid-bytes": _rejected(
        "customers.csv",
        lambda ex: _utf8(_appended(ex, "customers", _new_customer())).replace(
            "石家庄泰宇".encode(), b"\xff\xfe\x00\x80"
        ),
        "ENCODING",
        None,
        None,
        "UTF-8",
        "GB18030",
    ),
    "missing-column-uscc": _rejected(
        "customers.csv",
        lambda ex: _utf8(_without_column(ex, "customers", "uscc")),
        "MISSING_COLUMN",
        1,
        "uscc",
        "uscc",
    ),
    "missing-column-signals-severity": _rejected(
        "signals-20261102.csv",
        lambda ex: _utf8(_without_column(ex, "signals", "severity")),
        "MISSING_COLUMN",
        1,
        "severity",
        "severity",
    ),
    "empty-file": _rejected("branches.csv", lambda ex: b"", "EMPTY", 1, None, "empty"),
    "bom-only": _rejected("branches.csv", lambda ex: b"\xef\xbb\xbf", "EMPTY", 1, None, "empty"),
    "quote-inside-field": _rejected(
        "branches.csv",
        lambda ex: _utf8(
            (ex / CSV_FILES["branches"]).read_text("utf-8")
            + NEW_BRANCH
            + '031104,"桥东"支行,SUB,0311,石家庄市,38.05,114.52,WGS84\n'
        ),
        "CSV_SYNTAX",
        9,
        None,
        "malformed",
    ),
    "unterminated-quote": _rejected(
        "branches.csv",
        lambda ex: _utf8(
            (ex / CSV_FILES["branches"]).read_text("utf-8")
            + NEW_BRANCH
            + '031104,"桥东支行,SUB,0311,石家庄市,38.05,114.52,WGS84\n'
        ),
        "CSV_SYNTAX",
        9,
        None,
        "malformed",
    ),
    # --- one bad row in an otherwise unchanged file
    "extra-field": _row(
        "branches.csv",
        lambda ex: _utf8(_with_line(ex, "branches", 5, lambda s: s.rstrip("\n") + ",多余\n")),
        "EXTRA_FIELDS",
        5,
        None,
        "more fields",
    ),
    "uscc-check-digit": _row(
        "customers.csv",
        lambda ex: _utf8(_edited(ex, "customers", 2, uscc="91130100CH8W4TDUH7")),
        "BAD_CHECK_DIGIT",
        4,
        "uscc",
        "91130100CH8W4TDUH7",
    ),
    "resident-id-check-digit": _row(
        "customers.csv",
        lambda ex: _utf8(_edited(ex, "customers", 0, legal_rep_id="130102196504185244")),
        "BAD_CHECK_DIGIT",
        2,
        "legal_rep_id",
        "legal_rep_id",
    ),
    "date-not-real": _row(
        "loans.csv",
        lambda ex: _utf8(_edited(ex, "loans", 1, disbursed_on="2026-02-30")),
        "BAD_DATE",
        3,
        "disbursed_on",
        "2026-02-30",
    ),
    "date-wrong-format": _row(
        "loans.csv",
        lambda ex: _utf8(_edited(ex, "loans", 4, as_of="2026/10/31")),
        "BAD_DATE",
        6,
        "as_of",
        "2026/10/31",
    ),
    "money-three-decimals": _row(
        "loans.csv",
        lambda ex: _utf8(_edited(ex, "loans", 0, amount="800000.001")),
        "BAD_MONEY",
        2,
        "amount",
        "800000.001",
    ),
    "money-exponent": _row(
        "loans.csv",
        lambda ex: _utf8(_edited(ex, "loans", 3, balance="1e5")),
        "BAD_MONEY",
        5,
        "balance",
        "1e5",
    ),
    "enum-level": _row(
        "branches.csv",
        lambda ex: _utf8(_edited(ex, "branches", 2, level="REGION")),
        "BAD_VALUE",
        4,
        "level",
        "REGION",
    ),
    "enum-role": _row(
        "staff.csv",
        lambda ex: _utf8(_edited(ex, "staff", 3, role="BOSS")),
        "BAD_VALUE",
        5,
        "role",
        "BOSS",
    ),
    "enum-classification": _row(
        "loans.csv",
        lambda ex: _utf8(_edited(ex, "loans", 4, classification="GOOD")),
        "BAD_VALUE",
        6,
        "classification",
        "GOOD",
    ),
    "enum-guarantee": _row(
        "loans.csv",
        lambda ex: _utf8(_edited(ex, "loans", 5, guarantee="NONE")),
        "BAD_VALUE",
        7,
        "guarantee",
        "NONE",
    ),
    "staff-unknown-branch": _row(
        "staff.csv",
        lambda ex: _utf8(_edited(ex, "staff", 4, branch_code="9999")),
        "UNKNOWN_REFERENCE",
        6,
        "branch_code",
        "9999",
    ),
    "customer-unknown-manager": _row(
        "customers.csv",
        lambda ex: _utf8(_edited(ex, "customers", 1, manager_no="E99999")),
        "UNKNOWN_REFERENCE",
        3,
        "manager_no",
        "E99999",
    ),
    "loan-unknown-customer": _row(
        "loans.csv",
        lambda ex: _utf8(_edited(ex, "loans", 2, customer_no="C9999999")),
        "UNKNOWN_REFERENCE",
        4,
        "customer_no",
        "C9999999",
    ),
    "duplicate-key": _row(
        "staff.csv",
        lambda ex: _utf8(_appended(ex, "staff", _table(ex, "staff")[1][0])),
        "DUPLICATE_KEY",
        12,
        None,
        "H0001",
    ),
    "duplicate-uscc": _row(
        "customers.csv",
        lambda ex: _utf8(_appended(ex, "customers", _new_customer(uscc="91130100NQ72J9GFW5"))),
        "DUPLICATE_USCC",
        8,
        "uscc",
        "C0001000",
    ),
    "lat-95": _row(
        "branches.csv",
        lambda ex: _utf8(_edited(ex, "branches", 3, lat="95")),
        "OUT_OF_RANGE",
        5,
        "lat",
        "95",
    ),
    "lon-200": _row(
        "customers.csv",
        lambda ex: _utf8(_edited(ex, "customers", 3, lon="200")),
        "OUT_OF_RANGE",
        5,
        "lon",
        "200",
    ),
    "short-row": _row(
        "branches.csv",
        lambda ex: _utf8((ex / CSV_FILES["branches"]).read_text("utf-8") + "031103,新华支行\n"),
        "REQUIRED",
        8,
        "level",
        "level",
    ),
    "maturity-before-disbursement": _row(
        "loans.csv",
        lambda ex: _utf8(_edited(ex, "loans", 1, maturity_on="2026-02-28")),
        "BAD_ORDER",
        3,
        "maturity_on",
        "maturity_on",
        "disbursed_on",
    ),
    "parent-of-wrong-level": _row(
        "branches.csv",
        lambda ex: _utf8(_edited(ex, "branches", 5, parent_code="031101")),
        "BAD_PARENT",
        7,
        "parent_code",
        "031101",
    ),
    "overdue-days-huge": _row(
        "loans.csv",
        lambda ex: _utf8(_edited(ex, "loans", 0, overdue_days="99999999999999999999")),
        "OUT_OF_RANGE",
        2,
        "overdue_days",
        "overdue_days",
    ),
    "outside-china-warns": RowCase(
        "branches.csv",
        lambda ex: _utf8(
            (ex / CSV_FILES["branches"]).read_text("utf-8")
            + "031103,巴黎代表处,SUB,0311,巴黎,48.8566,2.3522,WGS84\n"
        ),
        "imported",
        "OUTSIDE_CHINA",
        8,
        "lat",
        ("48.8566",),
        delta={"branches": 1},
        added={"branches": 1},
        imported=1,
        warning=True,
    ),
    "gb18030-imports": RowCase(
        "customers.csv",
        lambda ex: _appended(ex, "customers", _new_customer()).encode("gb18030"),
        "imported",
        "",
        None,
        None,
        delta={"customers": 1},
        added={"customers": 1},
        imported=1,
        warning=True,
    ),
    # --- signals
    "signal-no-customer-no-uscc": _row(
        "signals-20261102.csv",
        lambda ex: _utf8(_edited(ex, "signals", 1, customer_no="")),
        "REQUIRED",
        3,
        "customer_no",
        "customer_no",
        "uscc",
    ),
    "signal-severity-5": _row(
        "signals-20261102.csv",
        lambda ex: _utf8(_edited(ex, "signals", 2, severity="5")),
        "OUT_OF_RANGE",
        4,
        "severity",
        "5",
    ),
    "signal-severity-word": _row(
        "signals-20261102.csv",
        lambda ex: _utf8(_edited(ex, "signals", 2, severity="red")),
        "BAD_NUMBER",
        4,
        "severity",
        "red",
    ),
    "signal-unknown-source": _row(
        "signals-20261102.csv",
        lambda ex: _utf8(_render(_table(ex, "signals")[0], [{**_signal(), "source": "WEATHER"}])),
        "BAD_VALUE",
        2,
        "source",
        "WEATHER",
        status="rejected",
    ),
    "signal-bad-time": _row(
        "signals-20261102.csv",
        lambda ex: _utf8(_edited(ex, "signals", 0, occurred_at="yesterday")),
        "BAD_TIME",
        2,
        "occurred_at",
        "yesterday",
    ),
    "signal-amount-three-decimals": _row(
        "signals-20261102.csv",
        lambda ex: _utf8(_edited(ex, "signals", 0, amount="12.345")),
        "BAD_MONEY",
        2,
        "amount",
        "12.345",
    ),
    "signal-extra-field": _row(
        "signals-20261102.csv",
        lambda ex: _utf8(_with_line(ex, "signals", 4, lambda s: s.rstrip("\n") + ",多余\n")),
        "BAD_ROW",
        4,
        None,
        "more fields",
    ),
    "signal-duplicate-key": _row(
        "signals-20261102.csv",
        lambda ex: _utf8(_appended(ex, "signals", _table(ex, "signals")[1][0])),
        "DUPLICATE_KEY",
        5,
        "signal_id",
        "JUD-7-0-0",
    ),
    "signal-unknown-type-warns": RowCase(
        "signals-20261102.csv",
        lambda ex: _utf8(_appended(ex, "signals", {**_signal(), "type": "NEGATIVE_NEWS", "severity": "2"})),
        "imported",
        "UNKNOWN_SIGNAL_TYPE",
        5,
        "type",
        ("NEGATIVE_NEWS", "JUDICIAL"),
        delta={"signals": 1},
        added={"risk_signals": 1},
        imported=1,
        warning=True,
    ),
    "jsonl-amount-float": _row(
        "signals-feed.jsonl",
        lambda ex: _jsonl(_signal(amount=1250000.5)),
        "BAD_MONEY",
        1,
        "amount",
        "amount",
        status="rejected",
    ),
    "jsonl-amount-integer": _row(
        "signals-feed.jsonl",
        lambda ex: _jsonl(_signal(amount=100000)),
        "BAD_MONEY",
        1,
        "amount",
        "amount",
        status="rejected",
    ),
    "jsonl-severity-5": _row(
        "signals-feed.jsonl",
        lambda ex: _jsonl(_signal(severity=5)),
        "OUT_OF_RANGE",
        1,
        "severity",
        "5",
        status="rejected",
    ),
    "jsonl-not-an-object": _row(
        "signals-feed.jsonl",
        lambda ex: _jsonl('["JUDICIAL", "JUD-NEW-1"]'),
        "BAD_ROW",
        1,
        None,
        "object",
        status="rejected",
    ),
}


@pytest.mark.parametrize("case", ROW_CASES.values(), ids=ROW_CASES.keys())
def test_bad_row_file(baseline: Baseline, tmp_path: Path, examples_dir: Path, case: RowCase) -> None:
    path = tmp_path / "incoming" / case.name
    path.parent.mkdir()
    path.write_bytes(case.build(examples_dir))

    report, fr = _import_one(baseline.db, path)

    assert fr.path == str(path)
    assert fr.status == case.status, fr.as_dict()
    assert fr.imported == case.imported, fr.as_dict()
    if case.warning:
        assert fr.errors == [], fr.as_dict()
        assert report.exit_code == 0
        if case.code:
            (w,) = [w for w in fr.warnings if w.code == case.code]
            assert (w.line, w.field) == (case.line, case.field), w
            _says(w.message, *case.says)
    else:
        err = _only_error(fr)
        assert (err.code, err.line, err.field) == (case.code, case.line, case.field), err
        _says(err.message, *case.says)
        assert fr.rejected == case.rows_rejected, fr.as_dict()
        assert report.exit_code == 1
    baseline.assert_kept(case.delta, case.added)


def test_partial_file_imports_its_good_row(baseline: Baseline, tmp_path: Path) -> None:
    path = tmp_path / "incoming" / "customers.csv"
    path.parent.mkdir()
    header = list(_new_customer())
    good = _new_customer("C0001006")
    bad = _new_customer("C0001007", uscc=_wrong_check(NEW_USCC))
    path.write_text(_render(header, [good, bad]), "utf-8")

    report, fr = _import_one(baseline.db, path)

    assert (fr.status, fr.imported, fr.unchanged, fr.rejected) == ("partial", 1, 0, 1)
    err = _only_error(fr)
    assert (err.code, err.line, err.field) == ("BAD_CHECK_DIGIT", 3, "uscc")
    assert report.exit_code == 1
    baseline.assert_kept({"customers": 1}, {"customers": 1})
    with baseline.db.read_session() as s:
        nos = set(s.execute(select(Base.metadata.tables["customers"].c.customer_no)).scalars())
    assert "C0001006" in nos
    assert "C0001007" not in nos


def test_line_numbers_count_physical_lines(baseline: Baseline, tmp_path: Path) -> None:
    """Quoted fields spanning lines: an error names the physical line where its record starts."""
    path = tmp_path / "incoming" / "customers.csv"
    path.parent.mkdir()
    header = list(_new_customer())
    rows = [
        _new_customer("C0001006", address="石家庄市友谊大街100号\n二号楼"),  # lines 2-3
        _new_customer(
            "C0001007",
            uscc=_uscc("91130100MA0XYR789"),
            address="石家庄市\n中华大街9号",
            legal_rep_id=_wrong_check(NEW_REP_ID),
        ),  # 4-5
        _new_customer("C0001008", uscc=_uscc("91130100MA0XYR456"), manager_no="E99999"),  # line 6
    ]
    path.write_text(_render(header, rows), "utf-8")

    report, fr = _import_one(baseline.db, path)

    assert (fr.status, fr.imported, fr.rejected) == ("partial", 1, 2)
    assert [(e.line, e.field, e.code) for e in fr.errors] == [
        (4, "legal_rep_id", "BAD_CHECK_DIGIT"),
        (6, "manager_no", "UNKNOWN_REFERENCE"),
    ]
    assert report.exit_code == 1
    baseline.assert_kept({"customers": 1}, {"customers": 1})


def test_signals_csv_line_numbers_after_multiline_detail(baseline: Baseline, tmp_path: Path) -> None:
    path = tmp_path / "incoming" / "signals-20261102.csv"
    path.parent.mkdir()
    header = list(_signal())
    rows = [
        _signal("JUD-NEW-1", detail="第一行\n第二行\n第三行"),  # lines 2-4
        _signal("JUD-NEW-2", severity="9"),  # line 5
    ]
    path.write_text(_render(header, rows), "utf-8")

    _, fr = _import_one(baseline.db, path)

    assert (fr.status, fr.imported, fr.rejected) == ("partial", 1, 1)
    err = _only_error(fr)
    assert (err.code, err.line, err.field) == ("OUT_OF_RANGE", 5, "severity")
    baseline.assert_kept({"signals": 1}, {"risk_signals": 1})


def test_jsonl_broken_lines_are_rejected_and_the_others_import(baseline: Baseline, tmp_path: Path) -> None:
    path = tmp_path / "incoming" / "signals-feed.jsonl"
    path.parent.mkdir()
    path.write_bytes(
        _jsonl(
            _signal("JUD-NEW-1"),
            '{"source": "JUDICIAL", "signal_id": "JUD-NEW-2", "severity": ',
            _signal("JUD-NEW-3", customer_no="", uscc="91130100NQ72J9GFW5"),
            "[1, 2, 3]",
        )
    )

    report, fr = _import_one(baseline.db, path)

    assert (fr.status, fr.imported, fr.rejected) == ("partial", 2, 2), fr.as_dict()
    assert [(e.line, e.code) for e in fr.errors] == [(2, "BAD_ROW"), (4, "BAD_ROW")]
    _says(fr.errors[0].message, "JSON")
    _says(fr.errors[1].message, "object")
    assert report.exit_code == 1
    baseline.assert_kept({"signals": 2}, {"risk_signals": 2})  # both matched: no unmatched


# --- bundles ----------------------------------------------------------------------------------


class Bundle:
    """An example bundle taken apart, to be changed and zipped again under a fresh bundle_id."""

    def __init__(self, zip_path: Path, bundle_id: str = FRESH_BUNDLE_ID) -> None:
        with zipfile.ZipFile(zip_path) as zf:
            self.files = {n: zf.read(n) for n in zf.namelist()}
        self.manifest: dict[str, Any] | None = json.loads(self.files.pop("manifest.json"))
        assert self.manifest is not None
        self.manifest["bundle_id"] = bundle_id
        self.manifest_bytes: bytes | None = None  # raw bytes instead of the manifest dict
        self.extra: list[tuple[zipfile.ZipInfo | str, bytes]] = []

    @property
    def m(self) -> dict[str, Any]:
        assert self.manifest is not None
        return self.manifest

    def photo(self, i: int) -> bytes:
        return self.files[self.m["photos"][i]["file"]]

    def set_photo(self, i: int, data: bytes) -> None:
        """Replace photo ``i`` and declare its true SHA-256, so only the content is wrong."""
        self.files[self.m["photos"][i]["file"]] = data
        self.m["photos"][i]["sha256"] = hashlib.sha256(data).hexdigest()

    def zip(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            if self.manifest_bytes is not None:
                zf.writestr("manifest.json", self.manifest_bytes)
            elif self.manifest is not None:
                zf.writestr("manifest.json", json.dumps(self.manifest, ensure_ascii=False, indent=1))
            for name, data in self.files.items():
                zf.writestr(name, data)
            for info, data in self.extra:
                zf.writestr(info, data)
        return buf.getvalue()


def _entry(name: str, mode: int | None = None, *, deflate: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 11, 2, 9, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    if mode is not None:
        info.create_system = 3  # unix, so that the mode bits mean what they say
        info.external_attr = mode << 16
    return info


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def _claiming_size(jpeg: bytes, width: int, height: int) -> bytes:
    """The same JPEG whose frame header (SOFn) claims other dimensions: a cheap 'huge' photo."""
    i = 2
    while i + 4 <= len(jpeg):
        assert jpeg[i] == 0xFF, "lost in the JPEG segments"
        marker = jpeg[i + 1]
        length = int.from_bytes(jpeg[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return jpeg[: i + 5] + struct.pack(">HH", height, width) + jpeg[i + 9 :]
        i += 2 + length
    raise AssertionError("no SOF segment")


# Offsets inside a zip's local file header; the central directory record has the same
# fields two bytes further on.
_FLAGS, _METHOD, _CRC, _COMPRESSED, _SIZE = 6, 8, 14, 18, 22


def _headers(data: bytes, name: str) -> list[tuple[int, int]]:
    """(position, shift) of the local header and central record of entry ``name``."""
    found = []
    encoded = name.encode()
    for sig, shift, len_at, name_at in ((b"PK\x03\x04", 0, 26, 30), (b"PK\x01\x02", 2, 28, 46)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            n = int.from_bytes(data[pos + len_at : pos + len_at + 2], "little")
            if data[pos + name_at : pos + name_at + n] == encoded:
                found.append((pos, shift))
            pos += 4
    assert len(found) == 2, f"{name}: {found}"
    return found


def _patch_field(data: bytes, name: str, offset: int, value: int, size: int = 4) -> bytes:
    """Change one header field of an entry, in both its local header and its central record."""
    out = bytearray(data)
    for pos, shift in _headers(data, name):
        out[pos + offset + shift : pos + offset + shift + size] = value.to_bytes(size, "little")
    return bytes(out)


def _patch_content(data: bytes, name: str, at: int, value: bytes) -> bytes:
    """Overwrite bytes of an entry's stored (compressed) content, headers untouched."""
    pos = min(p for p, shift in _headers(data, name) if shift == 0)
    n, extra = struct.unpack("<HH", data[pos + 26 : pos + 30])
    start = pos + 30 + n + extra + at
    return data[:start] + value + data[start + len(value) :]


def _blob() -> bytes:
    return random.Random(7).randbytes(64 * 1024)


def _declared_smaller(b: Bundle) -> bytes:
    """An entry that expands to more than it declares: read no further than declared."""
    b.extra.append((_entry("extra/blob.bin"), _blob()))
    return _patch_field(b.zip(), "extra/blob.bin", _SIZE, 1000)


def _declared_huge(b: Bundle) -> bytes:
    """Entries that claim 250 MB unpacked (with a harmless ratio): refused before reading."""
    b.extra.append((_entry("extra/blob.bin"), _blob()))
    size = 250 * 1024 * 1024
    data = _patch_field(b.zip(), "extra/blob.bin", _SIZE, size)
    return _patch_field(data, "extra/blob.bin", _COMPRESSED, size)


def _encrypted(b: Bundle) -> bytes:
    return _patch_field(b.zip(), "photos/p2.jpg", _FLAGS, 0x1, size=2)


def _unknown_method(b: Bundle) -> bytes:
    return _patch_field(b.zip(), "photos/p2.jpg", _METHOD, 99, size=2)  # 99: AES, which we cannot read


def _crc_mismatch(b: Bundle) -> bytes:
    b.extra.append((_entry("extra/notes.txt"), "现场记录\n".encode() * 50))
    return _patch_content(b.zip(), "extra/notes.txt", 5, b"X")


def _corrupt_deflate(b: Bundle) -> bytes:
    b.extra.append((_entry("extra/notes.txt", deflate=True), "现场记录\n".encode() * 50))
    return _patch_content(b.zip(), "extra/notes.txt", 0, b"\xff")  # BTYPE 11: an invalid deflate block


def _duplicate_entry(b: Bundle) -> bytes:
    b.extra.append((_entry("photos/p1.jpg"), b.photo(0)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate name
        return b.zip()


def _set(path: str, value: Any) -> Callable[[Bundle], None]:
    """Set a manifest value by a JSON path such as ``photos[1].category``."""

    def apply(b: Bundle) -> None:
        target: Any = b.m
        parts = path.replace("[", ".").replace("]", "").split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        target[int(last) if last.isdigit() else last] = value

    return apply


def _drop_checklist(code: str) -> Callable[[Bundle], None]:
    def apply(b: Bundle) -> None:
        b.m["checklist"] = [item for item in b.m["checklist"] if item["code"] != code]

    return apply


def _add_entries(*entries: tuple[zipfile.ZipInfo, bytes]) -> Callable[[Bundle], None]:
    def apply(b: Bundle) -> None:
        b.extra.extend(entries)

    return apply


def _del(b: Bundle, name: str) -> None:
    del b.files[name]


@dataclass(frozen=True)
class BundleCase:
    change: Callable[[Bundle], bytes | None]  # changes the bundle in place, or returns raw bytes
    code: str
    field: str | tuple[str, ...] | None
    says: tuple[str, ...] = ()


def _bc(
    change: Callable[[Bundle], Any], code: str, fld: str | tuple[str, ...] | None, *says: str
) -> BundleCase:
    return BundleCase(change, code, fld, says)


BUNDLE_CASES = {
    # the file itself
    "not-a-zip": _bc(lambda b: b"PK but not really a zip file\n", "BAD_ZIP", None, "zip"),
    "truncated-zip": _bc(lambda b: b.zip()[:20_000], "BAD_ZIP", None, "zip"),
    "manifest-missing": _bc(
        lambda b: setattr(b, "manifest", None), "NO_MANIFEST", "manifest.json", "manifest.json"
    ),
    "manifest-not-json": _bc(
        lambda b: setattr(b, "manifest_bytes", b'{"format": "postloan-inspection-bundle", "version": '),
        "BAD_JSON",
        "manifest.json",
        "manifest.json",
        "JSON",
    ),
    "manifest-not-object": _bc(
        lambda b: setattr(b, "manifest_bytes", b"[1, 2]"), "BAD_JSON", "manifest.json", "object"
    ),
    "manifest-not-utf8": _bc(
        lambda b: setattr(b, "manifest_bytes", b"\xff\xfe{\x00}\x00"), "ENCODING", "manifest.json", "UTF-8"
    ),
    # the manifest
    "wrong-format": _bc(
        _set("format", "some-other-bundle"),
        "UNSUPPORTED_FORMAT",
        "format",
        "some-other-bundle",
        "not supported",
    ),
    "version-2": _bc(_set("version", 2), "UNSUPPORTED_FORMAT", "version", "version 2", "not supported"),
    "version-as-string": _bc(_set("version", "1"), "UNSUPPORTED_FORMAT", "version", "not supported"),
    "bad-uuid": _bc(_set("bundle_id", "not-a-uuid"), "BAD_VALUE", "bundle_id", "not-a-uuid"),
    "revision-0": _bc(_set("revision", 0), "BAD_VALUE", "revision", "revision"),
    "revision-text": _bc(_set("revision", "1"), "BAD_VALUE", "revision", "revision"),
    "revision-huge": _bc(_set("revision", 10**20), "BAD_VALUE", "revision", "revision"),
    "device-id-too-long": _bc(_set("device_id", "D" * 101), "TOO_LONG", "device_id", "device_id"),
    "kind-unknown": _bc(_set("kind", "DAILY"), "BAD_VALUE", "kind", "DAILY"),
    "customer-missing": _bc(_set("customer_no", ""), "REQUIRED", "customer_no", "customer_no"),
    "companion-is-inspector": _bc(_set("companion", "E00101"), "BAD_VALUE", "companion", "companion"),
    "started-after-finished": _bc(
        _set("started_at", "2026-11-02T10:00:00+08:00"),
        "BAD_ORDER",
        ("started_at", "finished_at"),
        "started_at",
    ),
    "time-not-iso": _bc(_set("submitted_at", "tomorrow"), "BAD_TIME", "submitted_at", "tomorrow"),
    "two-checkins": _bc(
        _set("track.points[0].event", "CHECKIN"), "CHECKIN_COUNT", "track.points", "CHECKIN", "2"
    ),
    "no-checkin": _bc(
        _set("track.points[6].event", "TRACK"), "CHECKIN_COUNT", "track.points", "CHECKIN", "0"
    ),
    "two-checkouts": _bc(
        _set("track.points[9].event", "CHECKOUT"), "CHECKOUT_COUNT", "track.points", "CHECKOUT"
    ),
    "track-event-unknown": _bc(
        _set("track.points[0].event", "PAUSE"), "BAD_VALUE", "track.points[0].event", "PAUSE"
    ),
    "track-lat-95": _bc(_set("track.points[0].lat", 95), "OUT_OF_RANGE", "track.points[0].lat", "95"),
    "checklist-unknown-code": _bc(
        lambda b: b.m["checklist"].append({"code": "OPS-99", "answer": "YES"}),
        "UNKNOWN_CODE",
        "checklist[10].code",
        "OPS-99",
    ),
    "checklist-duplicate-code": _bc(
        lambda b: b.m["checklist"].append(dict(b.m["checklist"][0])),
        "DUPLICATE_KEY",
        "checklist[10].code",
        "OPS-01",
    ),
    "checklist-required-missing": _bc(
        _drop_checklist("CRD-02"), "MISSING_REQUIRED_ITEM", "checklist", "CRD-02"
    ),
    "answer-not-allowed": _bc(
        _set("checklist[0].answer", "MAYBE"), "BAD_VALUE", "checklist[0].answer", "MAYBE"
    ),
    "answer-yes-for-number-item": _bc(
        _set("checklist[4].answer", "YES"), "BAD_VALUE", "checklist[4].answer", "FIN-03"
    ),
    "number-value-not-a-number": _bc(
        _set("checklist[4].value", "lots"), "BAD_NUMBER", "checklist[4].value", "lots"
    ),
    "checklist-unknown-photo": _bc(
        _set("checklist[0].photos", ["p9"]), "UNKNOWN_PHOTO", "checklist[0].photos", "p9"
    ),
    "opinion-unknown": _bc(_set("conclusion.opinion", "FINE"), "BAD_VALUE", "conclusion.opinion", "FINE"),
    # photos
    "photo-file-missing": _bc(
        lambda b: _del(b, "photos/p2.jpg"), "MISSING_FILE", "photos[1].file", "photos/p2.jpg"
    ),
    "photo-sha256-mismatch": _bc(
        _set("photos[1].sha256", "0" * 64), "SHA256_MISMATCH", "photos[1].sha256", "photos/p2.jpg"
    ),
    "photo-png-renamed-jpg": _bc(
        lambda b: b.set_photo(1, _png()), "NOT_JPEG", "photos[1].file", "photos/p2.jpg", "JPEG"
    ),
    "photo-truncated-jpeg": _bc(
        lambda b: b.set_photo(1, b.photo(1)[: len(b.photo(1)) // 2]),
        "UNDECODABLE",
        "photos[1].file",
        "photos/p2.jpg",
        "truncated",
    ),
    "photo-over-50-megapixels": _bc(
        lambda b: b.set_photo(1, _claiming_size(b.photo(1), 8000, 8000)),
        "TOO_MANY_PIXELS",
        "photos[1].file",
        "photos/p2.jpg",
        "50 megapixels",
    ),
    "photo-header-claims-4-gigapixels": _bc(
        lambda b: b.set_photo(1, _claiming_size(b.photo(1), 65000, 65000)),
        "TOO_MANY_PIXELS",
        "photos[1].file",
        "photos/p2.jpg",
        "50 megapixels",
    ),
    "photo-header-claims-100-megapixels": _bc(
        lambda b: b.set_photo(1, _claiming_size(b.photo(1), 10000, 10000)),
        "TOO_MANY_PIXELS",
        "photos[1].file",
        "photos/p2.jpg",
        "50 megapixels",
    ),
    "photo-id-duplicate": _bc(_set("photos[2].id", "p2"), "DUPLICATE_KEY", "photos[2].id", "p2"),
    "photo-id-too-long": _bc(_set("photos[2].id", "p" * 60), "TOO_LONG", "photos[2].id", "photos[2].id"),
    "photo-category-unknown": _bc(
        _set("photos[1].category", "SELFIE"), "BAD_VALUE", "photos[1].category", "SELFIE"
    ),
    "photo-lat-95": _bc(_set("photos[0].lat", 95), "OUT_OF_RANGE", "photos[0].lat", "95"),
    "document-not-pdf-or-jpeg": _bc(
        lambda b: b.files.__setitem__("docs/contract.pdf", b"just some text"),
        "BAD_DOCUMENT",
        "docs/contract.pdf",
        "docs/contract.pdf",
    ),
    # zip entries
    "entry-dotdot": _bc(_add_entries((_entry("../evil.txt"), b"x")), "UNSAFE_PATH", "../evil.txt", ".."),
    "entry-dotdot-nested": _bc(
        _add_entries((_entry("photos/../../evil.txt"), b"x")), "UNSAFE_PATH", "photos/../../evil.txt", ".."
    ),
    "entry-dotdot-backslash": _bc(
        _add_entries((_entry("..\\evil.txt"), b"x")), "UNSAFE_PATH", "..\\evil.txt", ".."
    ),
    "entry-absolute": _bc(
        _add_entries((_entry("/tmp/evil.txt"), b"x")), "UNSAFE_PATH", "/tmp/evil.txt", "absolute"
    ),
    "entry-drive-letter": _bc(
        _add_entries((_entry("C:/evil.txt"), b"x")), "UNSAFE_PATH", "C:/evil.txt", "absolute"
    ),
    "entry-symlink": _bc(
        _add_entries((_entry("photos/p4.jpg", stat.S_IFLNK | 0o777), b"p1.jpg")),
        "LINK",
        "photos/p4.jpg",
        "link",
    ),
    "entry-duplicate": _bc(_duplicate_entry, "DUPLICATE_ENTRY", "photos/p1.jpg", "photos/p1.jpg"),
    "more-than-500-entries": _bc(
        _add_entries(*((_entry(f"extra/{n:03d}.txt"), b"x") for n in range(501))),
        "TOO_MANY_ENTRIES",
        None,
        "500",
    ),
    "compression-ratio-over-100": _bc(
        _add_entries((_entry("extra/zeros.bin", deflate=True), bytes(2_000_000))),
        "COMPRESSION_RATIO",
        "extra/zeros.bin",
        "100:1",
    ),
    "declared-size-smaller-than-content": _bc(
        _declared_smaller, "BAD_ZIP", "extra/blob.bin", "extra/blob.bin"
    ),
    "declared-250-mb-unpacked": _bc(_declared_huge, "TOO_LARGE", None, "bytes"),
    "entry-encrypted": _bc(_encrypted, "BAD_ZIP", "photos/p2.jpg", "photos/p2.jpg"),
    "entry-unknown-compression": _bc(_unknown_method, "BAD_ZIP", "photos/p2.jpg", "photos/p2.jpg"),
    "entry-crc-mismatch": _bc(_crc_mismatch, "BAD_ZIP", "extra/notes.txt", "extra/notes.txt"),
    "entry-corrupt-deflate-stream": _bc(_corrupt_deflate, "BAD_ZIP", "extra/notes.txt", "extra/notes.txt"),
}


def _no_bundle_rows_added(baseline: Baseline) -> None:
    """Nothing of a refused bundle is stored; its copy is kept for the record."""
    baseline.assert_kept({"rejected_bundles": 1})


@pytest.mark.parametrize("case", BUNDLE_CASES.values(), ids=BUNDLE_CASES.keys())
def test_bad_bundle_is_rejected(
    baseline: Baseline, tmp_path: Path, examples_dir: Path, case: BundleCase
) -> None:
    bundle = Bundle(examples_dir / EXAMPLE_BUNDLE)
    raw = case.change(bundle)
    path = tmp_path / "incoming" / "bundle.zip"
    path.parent.mkdir()
    path.write_bytes(raw if isinstance(raw, bytes) else bundle.zip())

    report, fr = _import_one(baseline.db, path)

    assert (fr.kind, fr.status, fr.imported, fr.rejected) == ("bundle", "rejected", 0, 1), fr.as_dict()
    codes = {e.code for e in fr.errors}
    assert codes == {case.code}, fr.as_dict()
    err = next(e for e in fr.errors if e.code == case.code)
    fields = case.field if isinstance(case.field, tuple) else (case.field,)
    assert err.field in fields, err
    _says(err.message, *case.says)
    assert report.exit_code == 1
    _no_bundle_rows_added(baseline)
    with baseline.db.read_session() as s:
        entry = s.execute(select(QuarantineEntry)).scalar_one()
    assert entry.state == "REJECTED"
    assert case.code in {r["code"] for r in entry.reasons}
    assert Path(entry.stored_copy).read_bytes() == path.read_bytes()  # kept exactly as delivered


def test_valid_fresh_bundle_imports(baseline: Baseline, tmp_path: Path, examples_dir: Path) -> None:
    """The control for the bundle cases: the unchanged bundle under a fresh id imports."""
    path = tmp_path / "incoming" / "bundle.zip"
    path.parent.mkdir()
    path.write_bytes(Bundle(examples_dir / EXAMPLE_BUNDLE).zip())
    report, fr = _import_one(baseline.db, path)
    assert fr.status == "imported", fr.as_dict()
    assert report.exit_code == 0
    baseline.assert_kept(
        {"inspections": 1, "inspection_revisions": 1, "photos": 3, "track_points": 11},
        {"inspections": 1, "photos": 3, "track_points": 11, "checklist_answers": 10},
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_set("conclusion.summary", "经营正常。"), id="manifest-text-changed"),
        pytest.param(lambda b: b.set_photo(2, b.photo(0)), id="photo-replaced"),
    ],
)
def test_same_bundle_revision_with_other_content_is_a_conflict(
    baseline: Baseline, tmp_path: Path, examples_dir: Path, change: Callable[[Bundle], None]
) -> None:
    bundle = Bundle(examples_dir / EXAMPLE_BUNDLE, bundle_id=EXAMPLE_BUNDLE_ID)
    change(bundle)
    path = tmp_path / "incoming" / "again.zip"
    path.parent.mkdir()
    path.write_bytes(bundle.zip())

    report, fr = _import_one(baseline.db, path)

    assert fr.status == "rejected"
    err = _only_error(fr)
    assert (err.code, err.field) == ("CONFLICT", "bundle_id")
    _says(err.message, EXAMPLE_BUNDLE_ID, "revision 1")
    assert report.exit_code == 1
    baseline.assert_kept({"rejected_bundles": 1})  # the original's manifest and photo rows included


def test_revision_for_another_customer_is_rejected(
    baseline: Baseline, tmp_path: Path, examples_dir: Path
) -> None:
    bundle = Bundle(examples_dir / EXAMPLE_BUNDLE, bundle_id=EXAMPLE_BUNDLE_ID)
    bundle.m.update(revision=2, customer_no="C0001001")
    path = tmp_path / "incoming" / "rev2.zip"
    path.parent.mkdir()
    path.write_bytes(bundle.zip())

    report, fr = _import_one(baseline.db, path)

    assert fr.status == "rejected", fr.as_dict()
    err = _only_error(fr)
    assert (err.code, err.field) == ("REVISION_MISMATCH", "customer_no")
    _says(err.message, "C0001000", "C0001001")
    assert report.exit_code == 1
    baseline.assert_kept({"rejected_bundles": 1})  # revision 1 is still the current one


@pytest.mark.parametrize(
    ("manifest_field", "value", "code", "master"),
    [
        pytest.param("customer_no", "C0009999", "UNKNOWN_CUSTOMER", "customers", id="unknown-customer"),
        pytest.param("inspector", "E00199", "UNKNOWN_STAFF", "staff", id="unknown-inspector"),
        pytest.param("companion", "E00199", "UNKNOWN_STAFF", "staff", id="unknown-companion"),
    ],
)
def test_bundle_for_unknown_master_data_waits_then_is_released(
    baseline: Baseline,
    tmp_path: Path,
    examples_dir: Path,
    manifest_field: str,
    value: str,
    code: str,
    master: str,
) -> None:
    bundle = Bundle(examples_dir / EXAMPLE_BUNDLE)
    bundle.m[manifest_field] = value
    path = tmp_path / "incoming" / "waiting.zip"
    path.parent.mkdir()
    path.write_bytes(bundle.zip())

    report, fr = _import_one(baseline.db, path)

    assert fr.status == "quarantined", fr.as_dict()
    err = _only_error(fr)
    assert (err.code, err.field) == (code, manifest_field)
    _says(err.message, value)
    assert report.exit_code == 1
    assert report.quarantine_waiting == 1
    baseline.assert_kept({"quarantined": 1})

    again, fr2 = _import_one(baseline.db, path)  # delivered twice: still one waiting entry
    assert fr2.status == "quarantined"
    assert again.quarantine_released == 0
    baseline.assert_kept({"quarantined": 1})

    master_file = tmp_path / "master2" / f"{master}.csv"
    master_file.parent.mkdir()
    if master == "customers":
        master_file.write_text(_render(list(_new_customer()), [_new_customer(value)]), "utf-8")
    else:
        header = ["employee_no", "name", "branch_code", "role", "phone", "active"]
        master_file.write_text(
            _render(
                header, [dict(zip(header, [value, "赵磊", "031101", "CLIENT_MANAGER", "", "1"], strict=True))]
            ),
            "utf-8",
        )
    released, mf = _import_one(baseline.db, master_file)

    assert (mf.status, mf.imported) == ("imported", 1), mf.as_dict()
    assert released.quarantine_released == 1
    assert released.quarantine_waiting == 0
    assert released.exit_code == 0
    baseline.assert_kept(
        {master: 1, "inspections": 1, "inspection_revisions": 1, "photos": 3, "track_points": 11},
        {master: 1, "inspections": 1, "photos": 3, "track_points": 11, "checklist_answers": 10},
    )
    with baseline.db.read_session() as s:
        entry = s.execute(select(QuarantineEntry)).scalar_one()
        inspection = s.execute(select(Inspection).where(Inspection.bundle_id == FRESH_BUNDLE_ID)).scalar_one()
    assert (entry.state, entry.inspection_id) == ("RELEASED", inspection.id)


def _folder_bundle(examples_dir: Path, target: Path) -> Path:
    bundle = Bundle(examples_dir / EXAMPLE_BUNDLE)
    for name, data in {
        "manifest.json": json.dumps(bundle.m, ensure_ascii=False).encode(),
        **bundle.files,
    }.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    return target


def test_valid_folder_bundle_imports(baseline: Baseline, tmp_path: Path, examples_dir: Path) -> None:
    """The control for the link cases below."""
    folder = _folder_bundle(examples_dir, tmp_path / "incoming" / "visit")
    report, fr = _import_one(baseline.db, folder)
    assert fr.status == "imported", fr.as_dict()
    assert report.exit_code == 0


@pytest.mark.parametrize(
    ("link", "target", "is_dir"),
    [
        pytest.param("photos/p4.jpg", "p1.jpg", False, id="file-link"),
        pytest.param("photos/outside.jpg", "/etc/hostname", False, id="link-out-of-the-folder"),
        pytest.param("more", "photos", True, id="directory-link"),
    ],
)
def test_folder_bundle_with_a_link_is_rejected(
    baseline: Baseline, tmp_path: Path, examples_dir: Path, link: str, target: str, is_dir: bool
) -> None:
    folder = _folder_bundle(examples_dir, tmp_path / "incoming" / "visit")
    os.symlink(target, folder / link, target_is_directory=is_dir)

    report, fr = _import_one(baseline.db, folder)

    assert (fr.kind, fr.status) == ("bundle", "rejected"), fr.as_dict()
    err = _only_error(fr)
    assert err.code == "LINK"
    assert err.field == link
    _says(err.message, Path(link).name, "link")
    assert report.exit_code == 1
    _no_bundle_rows_added(baseline)  # refused, and kept for the record like a refused zip


def test_rejected_bundle_twice_keeps_one_record(
    baseline: Baseline, tmp_path: Path, examples_dir: Path
) -> None:
    bundle = Bundle(examples_dir / EXAMPLE_BUNDLE)
    bundle.m["version"] = 2
    path = tmp_path / "incoming" / "v2.zip"
    path.parent.mkdir()
    path.write_bytes(bundle.zip())
    for _ in range(2):
        report, fr = _import_one(baseline.db, path)
        assert (fr.status, report.exit_code) == ("rejected", 1)
    baseline.assert_kept({"rejected_bundles": 1})
    with baseline.db.read_session() as s:
        assert s.execute(select(QuarantineEntry.attempts)).scalar_one() == 2
