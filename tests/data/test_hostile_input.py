"""Hostile input: property tests for the importer, and a corpus of JPEGs with unusual EXIF.

``test_bad_input.py`` holds one test per known bad file. Here Hypothesis throws *any*
mutation at the importer, starting from valid files:

* a valid bundle's manifest with values of the wrong type, missing or extra fields, huge
  numbers, NaN/Infinity, odd Unicode (RTL marks, NUL, lone surrogates escaped in JSON,
  combining characters, emoji, 10,000-character strings), wrong nested shapes, badly
  formatted dates and out-of-range coordinates;
* a valid master-data or signals CSV with bad cells, missing or extra columns, stray
  quotes, BOMs, GB18030 / UTF-16 bytes, truncated multi-byte sequences, CR or CRLF line
  ends, embedded NUL and very long lines.

Every example must either import or be rejected (or wait in quarantine) with errors that
name the file and the line or field; never an exception out of ``Importer.run``, never an
``INTERNAL`` error (a bug caught by the per-file guard), never an exit code other than 0
or 1; a rejected file leaves every data table's count as it was and the audit chain
verifying; an accepted one has all its rows.

One database per test and backend holds the spec's imported examples (copied from a
template made once per module and backend); the examples of a test all run against it, each checked against a
snapshot taken just before it.

The JPEG corpus is made at test time with Pillow (EXIF through ``Image.Exif``); the cases
Pillow cannot write (EXIF in the other byte order with broken values, a truncated APP1
segment, GPS rationals with zero denominators, a frame header claiming 30000×30000) are
patched in by hand, by the helpers below.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import struct
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, TiffImagePlugin
from sqlalchemy import func, select

from data.audit import verify
from data.db import Database
from data.images import BadImage, _read_exif, fine_hash, inspect_jpeg, perceptual_hash
from data.ingest.common import FileReport, decode_text, read_csv
from data.ingest.runner import Importer, RunReport
from data.models import Base, Inspection
from tests._templates import Template, clone, discard, new_template
from tests.data._bundles import BuiltBundle, build_bundle, zip_bundle

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"

#: the data tables a file may write; a rejected file must leave all of them as they were
DATA_TABLES = (
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
#: errors of a whole file that have no line or field (the message says where: a byte offset)
WHOLE_FILE_CODES = {"ENCODING"}
EXAMPLES_RUN: dict[str, int] = {}  # property -> examples run, printed at the end


# --- the database ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A database and data folder holding the spec's imported examples, made once per
    backend."""
    if not EXAMPLES.is_dir():
        pytest.skip(f"the spec's examples are not at {EXAMPLES}")
    root = tmp_path_factory.mktemp(f"hostile-template-{backend}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOANSIGHT_DATA_DIR", str(root / "userdata"))
        mp.delenv("LOANSIGHT_DB", raising=False)
        mp.delenv("LOANSIGHT_PHOTO_DIR", raising=False)
        database, template = new_template(backend, root, "hostile")
        try:
            report = Importer(database).run([str(EXAMPLES)])
        finally:
            database.dispose()
    assert report.exit_code == 0, [f.as_dict() for f in report.files]
    return template


@contextlib.contextmanager
def fresh_db(template: Template, target: Path) -> Iterator[Database]:
    """A private copy of the template database."""
    database = clone(template, target)
    try:
        yield database
    finally:
        discard(database)


def table_counts(db: Database) -> dict[str, int]:
    with db.read_session() as s:
        return {
            name: int(s.execute(select(func.count()).select_from(Base.metadata.tables[name])).scalar_one())
            for name in DATA_TABLES
        }


def audit_ok(db: Database) -> None:
    with db.read_session() as s:
        result = verify(s)
    assert result.ok, result


def run_one(importer: Importer, path: Path) -> tuple[RunReport, FileReport]:
    """Import one file; nothing may escape the run, and its outcome must be a clear one."""
    report = importer.run([str(path)])  # an exception here fails the property
    assert report.failed is None, report.failed
    assert report.exit_code in (0, 1), report.as_dict()
    assert len(report.files) == 1, report.as_dict()
    fr = report.files[0]
    assert fr.path == str(path)  # the report names the file
    assert fr.status in ("imported", "unchanged", "partial", "rejected", "quarantined"), fr.as_dict()
    for e in fr.errors:
        assert e.code != "INTERNAL", f"a crash caught by the guard: {e.message}"
        assert e.message.strip(), e
        assert e.line is not None or e.field is not None or e.code in WHOLE_FILE_CODES, e
    if fr.status in ("rejected", "quarantined", "partial"):
        assert fr.errors, fr.as_dict()
    return report, fr


# --- hostile values ------------------------------------------------------------------------------

ODD_TEXT = [
    "",
    " ",
    "\u202e",  # right-to-left override
    "\u200f石家庄\u200e",  # RTL / LTR marks
    "a\x00b",  # NUL
    "\x00",
    "e\u0301\u0301\u0301\u0301",  # combining marks
    "Z̷̢̛͈̳̓̈a̴͍͐l̶̰̈́g̸͚̈́o̵̗̊",
    "😀👍🏽🇨🇳",
    "\U0010ffff",
    "\ufeff",  # a BOM in the middle of a value
    "x" * 10_000,
    "长" * 10_000,
    '"',
    '""',
    "'",
    "\\",
    ",",
    "a,b",
    "\n",
    "\r\n",
    "\r",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e308",
    "-1e308",
    "1e400",
    "-1",
    "0",
    str(2**63),
    str(-(2**63)),
    str(10**40),
    "1.0000000001",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits
    "１２３",  # full-width digits
    "null",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "'; DROP TABLE customers; --",
]
ODD_DATES = [
    "2026-13-45",
    "2026-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "2026/11/02",
    "02-11-2026",
    "20261102",
    "2026-11-02T09:12:05",
    "2026-11-02 09:12:05+08:00",
    "2026-11-02T25:61:61+08:00",
    "0001-01-01T00:00:00+08:00",  # one hour before the first representable UTC time
    "9999-12-31T23:59:59-08:00",  # after the last
    "0001-01-01T00:00:00Z",
    "2026-11-02T09:12:05+24:00",
    "2026-W45-1",
    "2026-306",
    "2026-11-02T09:12:05.123456789+08:00",
    "2026:11:02 09:12:05",
    "２０２６-１１-０２",
]
ODD_NUMBERS: list[Any] = [
    0,
    -1,
    1e308,
    -1e308,
    2**63,
    -(2**63),
    2**64,
    10**400,  # Python's json writes and reads it; float() of it overflows
    float("nan"),
    float("inf"),
    float("-inf"),
    90.0000001,
    -90.5,
    180.5,
    -181,
    1e-320,
    0.1 + 0.2,
    True,
    False,
]

odd_text = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=30))
lone_surrogates = st.sampled_from(["\ud800", "a\udfffb", "\udc00\ud800", "石\udbff"])
scalar = st.one_of(
    st.none(),
    st.sampled_from(ODD_NUMBERS),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    odd_text,
    lone_surrogates,
    st.sampled_from(ODD_DATES),
)
json_value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


# --- mutating a manifest -------------------------------------------------------------------------

Path_ = tuple[str | int, ...]


def paths_of(value: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every path to a value inside a JSON document (the root excluded)."""
    out: list[Path_] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append((*prefix, k))
            out.extend(paths_of(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.append((*prefix, i))
            out.extend(paths_of(v, (*prefix, i)))
    return out


def _parent(doc: Any, path: Path_) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


def _get(doc: Any, path: Path_) -> Any:
    return _parent(doc, path)[path[-1]]


@dataclass(frozen=True)
class Mutation:
    op: str
    path: Path_
    value: Any = None

    def apply(self, doc: dict[str, Any]) -> None:
        try:
            parent = _parent(doc, self.path)
            key = self.path[-1]
            current = parent[key]
        except (KeyError, IndexError, TypeError):
            return  # an earlier mutation removed or reshaped this path
        if self.op == "set":
            parent[key] = self.value
        elif self.op == "delete":
            del parent[key]
        elif self.op == "wrap":  # a value where a list or object was expected, and the reverse
            parent[key] = [current]
        elif self.op == "unwrap":
            parent[key] = current[0] if isinstance(current, list) and current else {"value": current}
        elif self.op == "stringify":
            parent[key] = json.dumps(current, ensure_ascii=False)
        elif self.op == "duplicate" and isinstance(parent, list):
            parent.insert(int(key), copy.deepcopy(current))
        elif self.op == "extra" and isinstance(current, dict):
            current[str(self.value[0])] = self.value[1]
        elif self.op == "append" and isinstance(current, str):
            parent[key] = current + str(self.value)


def mutations(manifest: dict[str, Any]) -> st.SearchStrategy[Mutation]:
    paths = paths_of(manifest)
    time_paths = [
        p for p in paths if str(p[-1]) in ("t", "at", "taken_at", "started_at", "finished_at", "submitted_at")
    ]
    coord_paths = [p for p in paths if str(p[-1]) in ("lat", "lon", "acc")]
    object_paths = [()] + [p for p in paths if isinstance(_get(manifest, p), dict)]
    any_path = st.sampled_from(paths)
    return st.one_of(
        st.builds(Mutation, st.just("set"), any_path, json_value),
        st.builds(
            Mutation, st.just("set"), st.sampled_from(time_paths), st.sampled_from(ODD_DATES) | odd_text
        ),
        st.builds(
            Mutation, st.just("set"), st.sampled_from(coord_paths), st.sampled_from(ODD_NUMBERS) | odd_text
        ),
        st.builds(Mutation, st.just("delete"), any_path),
        st.builds(Mutation, st.sampled_from(["wrap", "unwrap", "stringify", "duplicate"]), any_path),
        st.builds(
            Mutation,
            st.just("append"),
            any_path,
            st.sampled_from(["\u202e", "\x00", "\u0301", "😀", "x" * 10_000, "\ud800"]),
        ),
        st.builds(
            Mutation,
            st.just("extra"),
            st.sampled_from([p for p in object_paths if p]) if len(object_paths) > 1 else st.just(("track",)),
            st.tuples(st.sampled_from(["extra", "", "\x00", "😀", "photos", "__proto__"]), json_value),
        ),
    )


_ids = itertools.count(1)


@pytest.fixture(scope="module")
def valid_bundle() -> BuiltBundle:
    return build_bundle(0, seed=4242)


def _expected_rows(m: dict[str, Any]) -> dict[str, int]:
    return {
        "inspections": 1,
        "photos": len(m.get("photos") or []),
        "track_points": len(m["track"]["points"]),
        "checklist_answers": len(m["checklist"]),
        "voice_notes": len(m.get("voice_notes") or []),
    }


def test_any_manifest_mutation_imports_or_is_rejected_clearly(
    template: Template, valid_bundle: BuiltBundle, tmp_path: Path
) -> None:
    photos = {n: b for n, b in valid_bundle.files.items() if n != "manifest.json"}
    outcomes: dict[str, int] = {}
    with fresh_db(template, tmp_path / "db") as db:
        importer = Importer(db)  # one importer: a quarantined bundle is not re-tried every example

        @settings(
            max_examples=250,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(
            muts=st.lists(mutations(valid_bundle.manifest), min_size=1, max_size=4),
            ascii_json=st.booleans(),
            fresh_id=st.booleans(),
        )
        def prop(muts: list[Mutation], ascii_json: bool, fresh_id: bool) -> None:
            n = next(_ids)
            manifest = copy.deepcopy(valid_bundle.manifest)
            if fresh_id:  # most examples are new bundles; the others may conflict with a stored one
                manifest["bundle_id"] = str(uuid.UUID(int=n, version=4))
            for m in muts:
                m.apply(manifest)
            try:
                text = json.dumps(manifest, ensure_ascii=ascii_json, indent=1)
                raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate is bad UTF-8 here
            except (ValueError, TypeError):
                return  # not JSON at all (the mutations made it unrepresentable)
            target = tmp_path / "in" / f"b{n}.zip"
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(zip_bundle({**photos, "manifest.json": raw}))
            before = table_counts(db)
            _report, fr = run_one(importer, target)
            outcomes[fr.status] = outcomes.get(fr.status, 0) + 1
            after = table_counts(db)
            if fr.status == "imported":
                expected = _expected_rows(manifest)
                delta = {k: after[k] - before[k] for k in after}
                assert delta == {k: expected.get(k, 0) for k in delta}, (delta, fr.as_dict())
                with db.read_session() as s:
                    row = s.execute(
                        select(Inspection.customer_no, Inspection.manifest).where(
                            Inspection.bundle_id == str(uuid.UUID(str(manifest["bundle_id"]))),
                            Inspection.revision == manifest["revision"],
                        )
                    ).one()
                assert row.manifest == text
            else:
                assert after == before, (fr.as_dict(), before, after)
            audit_ok(db)

        prop()
    EXAMPLES_RUN["manifest mutations"] = sum(outcomes.values())
    print(f"\nmanifest mutations: {outcomes}")
    assert sum(outcomes.values()) >= 100
    assert outcomes.get("rejected", 0) > 0


# --- mutating a CSV ---------------------------------------------------------------------------

#: kind -> (example file, key columns in the file, table, key columns in the table)
CSV_FILES = {
    "branches": ("master/branches.csv", ("branch_code",), "branches", ("code",)),
    "staff": ("master/staff.csv", ("employee_no",), "staff", ("employee_no",)),
    "customers": ("master/customers.csv", ("customer_no",), "customers", ("customer_no",)),
    "loans": ("master/loans.csv", ("loan_no",), "loans", ("loan_no",)),
    "signals": (
        "signals/signals-20261101.csv",
        ("source", "signal_id"),
        "risk_signals",
        ("source", "signal_id"),
    ),
}


def _parse_csv(path: str) -> tuple[list[str], list[list[str]]]:
    with open(EXAMPLES / path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


@dataclass(frozen=True)
class CsvMutation:
    op: str
    row: int = 0
    col: int = 0
    value: str = ""

    def apply(self, header: list[str], rows: list[list[str]]) -> None:
        r = self.row % max(len(rows), 1)
        c = self.col % len(header)
        if self.op == "cell" and rows and c < len(rows[r]):
            rows[r][c] = self.value
        elif self.op == "append_cell" and rows and c < len(rows[r]):
            rows[r][c] += self.value
        elif self.op == "drop_column":
            del header[c]
            for row in rows:
                if c < len(row):
                    del row[c]
        elif self.op == "extra_column":
            header.append(self.value[:20] or "extra")
            for row in rows:
                row.append(self.value)
        elif self.op == "rename_column":
            header[c] = self.value[:20]
        elif self.op == "short_row" and rows:
            rows[r] = rows[r][:c]
        elif self.op == "long_row" and rows:
            rows[r] = [*rows[r], self.value, self.value]
        elif self.op == "duplicate_row" and rows:
            rows.insert(r, list(rows[r]))
        elif self.op == "drop_row" and rows:
            del rows[r]
        elif self.op == "new_row" and rows and rows[r]:  # a new key, so it is an insert, not an update
            row = list(rows[r])
            row[0] = (row[0] + self.value)[:20]
            rows.append(row)


@dataclass(frozen=True)
class ByteMutation:
    op: str
    at: int = 0
    value: bytes = b""

    def apply(self, data: bytes) -> bytes:
        i = self.at % (len(data) + 1)
        if self.op == "insert":
            return data[:i] + self.value + data[i:]
        if self.op == "overwrite":
            return data[:i] + self.value + data[i + len(self.value) :]
        if self.op == "truncate":
            return data[:i]
        if self.op == "cut_multibyte":  # drop the tail bytes of the multi-byte character at or after i
            for j in range(i, len(data)):
                if data[j] >= 0xC0:
                    return data[: j + 1] + data[j + 2 :]
            return data
        return data


csv_cell = st.one_of(odd_text, st.sampled_from(ODD_DATES))
csv_mutation = st.one_of(
    st.builds(
        CsvMutation,
        st.sampled_from(["cell", "append_cell"]),
        st.integers(0, 20),
        st.integers(0, 20),
        csv_cell,
    ),
    st.builds(
        CsvMutation,
        st.sampled_from(["drop_column", "extra_column", "rename_column", "short_row", "long_row"]),
        st.integers(0, 20),
        st.integers(0, 20),
        csv_cell,
    ),
    st.builds(
        CsvMutation,
        st.sampled_from(["duplicate_row", "drop_row", "new_row"]),
        st.integers(0, 20),
        st.just(0),
        st.sampled_from(["9", "X", "😀", " "]),
    ),
)
byte_mutation = st.builds(
    ByteMutation,
    st.sampled_from(["insert", "overwrite", "truncate", "cut_multibyte"]),
    st.integers(0, 5000),
    st.sampled_from(
        [
            b"\x00",
            b'"',
            b'"\n',
            b"\r",
            b"\xef\xbb\xbf",
            b"\xff",
            b"\xe4\xb8",
            b"\x80",
            b"\xc3",
            b"\x81\x30",
            b"x" * 200_000,
        ]
    ),
)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "big5", "latin-1"]


def _render_csv(header: list[str], rows: list[list[str]], newline: str, quote_all: bool) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _keys_present(db: Database, kind: str, keys: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    _path, _cols, table_name, key_cols = CSV_FILES[kind]
    table = Base.metadata.tables[table_name]
    with db.read_session() as s:
        stored = {tuple(r) for r in s.execute(select(*(table.c[c] for c in key_cols))).all()}
    return keys - stored


def test_any_csv_mutation_imports_or_is_rejected_clearly(template: Template, tmp_path: Path) -> None:
    outcomes: dict[str, int] = {}
    with fresh_db(template, tmp_path / "db") as db:
        importer = Importer(db)

        @settings(
            max_examples=300,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(
            kind=st.sampled_from(sorted(CSV_FILES)),
            muts=st.lists(csv_mutation, max_size=4),
            newline=st.sampled_from(["\n", "\r\n", "\r", "\n\r"]),
            encoding=st.sampled_from(ENCODINGS),
            quote_all=st.booleans(),
            byte_muts=st.lists(byte_mutation, max_size=2),
        )
        def prop(
            kind: str,
            muts: list[CsvMutation],
            newline: str,
            encoding: str,
            quote_all: bool,
            byte_muts: list[ByteMutation],
        ) -> None:
            n = next(_ids)
            source, key_cols, table_name, _ = CSV_FILES[kind]
            header, rows = _parse_csv(source)
            for m in muts:
                m.apply(header, rows)
            text = _render_csv(header, rows, newline, quote_all)
            data = text.encode(
                encoding, "replace" if encoding in ("big5", "latin-1", "gbk") else "surrogatepass"
            )
            for b in byte_muts:
                data = b.apply(data)
            name = "signals-h.csv" if kind == "signals" else f"{kind}.csv"
            target = tmp_path / "in" / str(n) / name
            target.parent.mkdir(parents=True)
            target.write_bytes(data)
            before = table_counts(db)
            _report, fr = run_one(importer, target)
            outcomes[fr.status] = outcomes.get(fr.status, 0) + 1
            after = table_counts(db)
            if fr.status == "rejected":
                assert after == before, (fr.as_dict(), before, after)
            else:
                # rows in the table: only new keys were added; nothing in other tables moved
                # (a loan's snapshot is its history)
                own = {table_name, "loan_snapshots"} if kind == "loans" else {table_name}
                assert {k: v for k, v in after.items() if k not in own} == {
                    k: v for k, v in before.items() if k not in own
                }, fr.as_dict()
                assert 0 <= after[table_name] - before[table_name] <= fr.imported, fr.as_dict()
                # every row not reported as bad is stored, complete with its key
                bad_lines = {e.line for e in fr.errors}
                required = tuple(c for c in header if c.strip() in key_cols)
                parsed = list(read_csv(decode_text(data), required))
                good = {
                    tuple(r.values.get(c, "") for c in key_cols)
                    for r in parsed
                    if r.line not in bad_lines and "__extra__" not in r.values
                }
                assert fr.imported + fr.unchanged + fr.rejected == len(parsed) or fr.status == "unchanged"
                if fr.status != "unchanged":
                    assert not _keys_present(db, kind, good), fr.as_dict()
            audit_ok(db)

        prop()
    EXAMPLES_RUN["csv mutations"] = sum(outcomes.values())
    print(f"\nCSV mutations: {outcomes}")
    assert sum(outcomes.values()) >= 100
    assert outcomes.get("rejected", 0) > 0


# --- a corpus of JPEGs with unusual EXIF ---------------------------------------------------------

DTO, MAKER_NOTE, USER_COMMENT, ORIENTATION = 36867, 0x927C, 0x9286, 0x0112


def _image(seed: int, size: tuple[int, int] = (96, 64), mode: str = "RGB") -> Image.Image:
    img = Image.frombytes("RGB", size, bytes((seed * 7 + i) % 251 for i in range(size[0] * size[1] * 3)))
    return img.convert(mode) if mode != "RGB" else img


def _jpeg(seed: int, exif: Image.Exif | bytes | None = None, **save: Any) -> bytes:
    buf = io.BytesIO()
    img = _image(seed, save.pop("size", (96, 64)), save.pop("mode", "RGB"))
    if exif is not None:
        save["exif"] = exif
    img.save(buf, "JPEG", quality=85, **save)
    return buf.getvalue()


def _exif(**tags: Any) -> Image.Exif:
    """IFD0 tags by number as ``t271=...``; ``gps={...}`` and ``sub={...}`` for the sub-IFDs."""
    exif = Image.Exif()
    exif[271] = "Xiaomi"
    for key, value in tags.items():
        if key == "gps":
            exif.get_ifd(0x8825).update(value)
        elif key == "sub":
            exif.get_ifd(0x8769).update(value)
        else:
            exif[int(key[1:])] = value
    return exif


def _app1(jpeg: bytes) -> tuple[int, int]:
    """(start, end) of the EXIF APP1 segment of a JPEG Pillow wrote (right after SOI or JFIF)."""
    i = 2
    while i + 4 <= len(jpeg):
        marker, length = jpeg[i + 1], struct.unpack(">H", jpeg[i + 2 : i + 4])[0]
        if marker == 0xE1 and jpeg[i + 4 : i + 10] == b"Exif\x00\x00":
            return i, i + 2 + length
        i += 2 + length
    raise AssertionError("no EXIF segment")


def _with_app1_payload(jpeg: bytes, tiff: bytes) -> bytes:
    """The JPEG with its EXIF APP1 segment replaced by one holding ``tiff`` (written by hand)."""
    start, end = _app1(jpeg)
    payload = b"Exif\x00\x00" + tiff
    return jpeg[:start] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[end:]


def _big_endian_exif(seed: int) -> bytes:
    """A well-formed EXIF in Motorola byte order ("MM"), written by hand: Make and a GPS IFD."""
    make = b"Huawei\x00\x00"
    entries_ifd0 = 2
    ifd0 = 8
    ifd0_size = 2 + 12 * entries_ifd0 + 4
    make_at = ifd0 + ifd0_size
    gps_at = make_at + len(make)
    gps_entries = 4
    rationals_at = gps_at + 2 + 12 * gps_entries + 4
    out = b"MM\x00\x2a" + struct.pack(">I", ifd0)
    out += struct.pack(">H", entries_ifd0)
    out += struct.pack(">HHII", 271, 2, len(make), make_at)
    out += struct.pack(">HHII", 0x8825, 4, 1, gps_at)
    out += struct.pack(">I", 0) + make
    out += struct.pack(">H", gps_entries)
    out += struct.pack(">HHI4s", 1, 2, 2, b"N\x00\x00\x00")
    out += struct.pack(">HHII", 2, 5, 3, rationals_at)
    out += struct.pack(">HHI4s", 3, 2, 2, b"E\x00\x00\x00")
    out += struct.pack(">HHII", 4, 5, 3, rationals_at + 24)
    out += struct.pack(">I", 0)
    out += struct.pack(">6I", 38, 1, 2, 1, 3000, 100) + struct.pack(">6I", 114, 1, 31, 1, 1200, 100)
    return _with_app1_payload(_jpeg(seed, _exif()), out)


def _swapped_byte_order(seed: int) -> bytes:
    """An EXIF whose header claims the other byte order: every offset is nonsense."""
    jpeg = _jpeg(
        seed, _exif(t272="Mi 11", gps={1: "N", 2: (38.0, 2.0, 30.0)}, sub={DTO: "2026:11:02 09:14:30"})
    )
    start, _end = _app1(jpeg)
    at = start + 10
    other = {b"II": b"MM", b"MM": b"II"}[jpeg[at : at + 2]]
    return jpeg[:at] + other + jpeg[at + 2 :]


def _truncated_exif(seed: int) -> bytes:
    """An APP1 segment cut short inside its IFDs (its length field says so, honestly)."""
    jpeg = _jpeg(
        seed, _exif(t272="Mi 11", gps={1: "N", 2: (38.0, 2.0, 30.0)}, sub={DTO: "2026:11:02 09:14:30"})
    )
    start, end = _app1(jpeg)
    tiff = jpeg[start + 10 : end]
    return _with_app1_payload(jpeg, tiff[: len(tiff) // 3])


def _lying_app1_length(seed: int) -> bytes:
    """An APP1 segment whose length runs past the end of the file."""
    jpeg = _jpeg(seed, _exif(t272="Mi 11"))
    start, _end = _app1(jpeg)
    return jpeg[: start + 2] + b"\xff\xf0" + jpeg[start + 4 : start + 40]


def _claiming(jpeg: bytes, width: int, height: int) -> bytes:
    """The same JPEG whose frame header says it is ``width``×``height`` (a tiny 'bomb')."""
    i = 2
    while i + 4 <= len(jpeg):
        marker, length = jpeg[i + 1], struct.unpack(">H", jpeg[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return jpeg[: i + 5] + struct.pack(">HH", height, width) + jpeg[i + 9 :]
        i += 2 + length
    raise AssertionError("no SOF segment")


R = TiffImagePlugin.IFDRational


@dataclass(frozen=True)
class JpegCase:
    name: str
    make: Callable[[int], bytes]
    gps: str = "any"  # "none": EXIF place must be None; "set": must be a valid place; "any"
    time: str = "any"  # likewise for the EXIF time
    bad: str | None = None  # the BadImage code a truly broken photo gets

    def __str__(self) -> str:
        return self.name


def _cases() -> list[JpegCase]:
    good_gps = {1: "N", 2: (38.0, 2.0, 30.0), 3: "E", 4: (114.0, 31.0, 12.0)}
    cases = [
        JpegCase(
            f"orientation-{o}",
            lambda s, o=o: _jpeg(
                s, _exif(t274=o, gps=good_gps, sub={DTO: "2026:11:02 09:14:30"}), size=(120, 48)
            ),
            gps="set",
            time="set",
        )
        for o in range(1, 9)
    ]
    cases += [
        JpegCase(f"orientation-invalid-{o}", lambda s, o=o: _jpeg(s, _exif(t274=o))) for o in (0, 9, 65535)
    ]
    cases += [
        JpegCase("no-exif", lambda s: _jpeg(s), gps="none", time="none"),
        JpegCase(
            "exif-without-gps",
            lambda s: _jpeg(s, _exif(sub={DTO: "2026:11:02 09:14:30"})),
            gps="none",
            time="set",
        ),
        JpegCase(
            "gps-0-0",
            lambda s: _jpeg(s, _exif(gps={1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)})),
            gps="none",
        ),
        JpegCase(
            "gps-zero-denominators",
            lambda s: _jpeg(
                s,
                _exif(gps={1: "N", 2: (R(38, 1), R(5, 0), R(1, 0)), 3: "E", 4: (R(0, 0), R(1, 1), R(7, 0))}),
            ),
            gps="none",
        ),
        JpegCase(
            "gps-refs-missing",
            lambda s: _jpeg(s, _exif(gps={2: (38.0, 2.0, 30.0), 4: (114.0, 31.0, 12.0)})),
            gps="set",
        ),
        JpegCase(
            "gps-refs-lowercase",
            lambda s: _jpeg(s, _exif(gps={1: "n", 2: (38.0, 2.0, 30.0), 3: "e", 4: (114.0, 31.0, 12.0)})),
            gps="set",
        ),
        JpegCase(
            "gps-refs-south-west-lowercase",
            lambda s: _jpeg(s, _exif(gps={1: "s", 2: (33.0, 0.0, 0.0), 3: "w", 4: (70.0, 0.0, 0.0)})),
            gps="set",
        ),
        JpegCase(
            "gps-refs-odd",
            lambda s: _jpeg(s, _exif(gps={1: "北", 2: (38.0, 2.0, 30.0), 3: "", 4: (114.0, 31.0, 12.0)})),
        ),
        JpegCase(
            "gps-two-values",
            lambda s: _jpeg(s, _exif(gps={1: "N", 2: (38.0, 2.0), 3: "E", 4: (114.0, 31.0)})),
            gps="none",
        ),
        JpegCase(
            "gps-four-values",
            lambda s: _jpeg(
                s, _exif(gps={1: "N", 2: (38.0, 2.0, 30.0, 1.0), 3: "E", 4: (114.0, 31.0, 12.0, 1.0)})
            ),
            gps="none",
        ),
        JpegCase(
            "gps-one-value",
            lambda s: _jpeg(s, _exif(gps={1: "N", 2: (38.5,), 3: "E", 4: (114.5,)})),
            gps="none",
        ),
        JpegCase(
            "gps-out-of-range",
            lambda s: _jpeg(s, _exif(gps={1: "N", 2: (123.0, 0.0, 0.0), 3: "E", 4: (400.0, 0.0, 0.0)})),
            gps="none",
        ),
        JpegCase("big-endian-exif", _big_endian_exif, gps="set"),
        JpegCase("exif-byte-order-swapped", _swapped_byte_order),
        JpegCase("exif-truncated", _truncated_exif),
        JpegCase(
            "maker-note-garbage",
            lambda s: _jpeg(s, _exif(sub={MAKER_NOTE: bytes(range(256)) * 40, DTO: "2026:11:02 09:14:30"})),
            time="set",
        ),
        JpegCase(
            "user-comment-huge",
            lambda s: _jpeg(s, _exif(sub={USER_COMMENT: b"UNICODE\x00" + "长".encode("utf-16-le") * 20_000})),
        ),
        JpegCase("make-model-odd", lambda s: _jpeg(s, _exif(t271="\u202e😀\x00", t272="x" * 5000))),
        JpegCase("cmyk", lambda s: _jpeg(s, _exif(gps=good_gps), mode="CMYK"), gps="set"),
        JpegCase("greyscale", lambda s: _jpeg(s, mode="L")),
        JpegCase("progressive", lambda s: _jpeg(s, _exif(gps=good_gps), progressive=True), gps="set"),
        JpegCase("one-pixel", lambda s: _jpeg(s, size=(1, 1))),
        JpegCase("lying-app1-length", _lying_app1_length, bad="NOT_JPEG"),
        JpegCase("bomb-30000x30000", lambda s: _claiming(_jpeg(s), 30000, 30000), bad="TOO_MANY_PIXELS"),
        JpegCase("bomb-65500x65500", lambda s: _claiming(_jpeg(s), 65500, 65500), bad="TOO_MANY_PIXELS"),
        JpegCase("over-50-megapixels", lambda s: _claiming(_jpeg(s), 8000, 8000), bad="TOO_MANY_PIXELS"),
        JpegCase("truncated-scan", lambda s: _jpeg(s)[:-200], bad="UNDECODABLE"),
    ]
    for text in (
        "0000:00:00 00:00:00",
        "2026:13:45 25:61:61",
        "",
        "   ",
        "二〇二六年十一月二日",
        "２０２６:１１:０２ ０９:１４:３０",
        "0001:01:01 00:00:00",
        "9999:12:31 23:59:59",
        "2026:11:02",
        "2026:11:02 09:14:30\x00garbage",
    ):
        cases.append(
            JpegCase(
                f"datetime-original-{text!r}",
                lambda s, text=text: _jpeg(s, _exif(sub={DTO: text})),
                time="none",
            )
        )
    cases.append(
        JpegCase(
            "datetime-original-bytes", lambda s: _jpeg(s, _exif(sub={DTO: b"\xff\xfe2026"})), time="none"
        )
    )
    cases.append(
        JpegCase(
            "datetime-offset-odd",
            lambda s: _jpeg(s, _exif(sub={DTO: "2026:11:02 09:14:30", 36881: "+99:99"})),
            time="set",
        )
    )
    return cases


JPEG_CASES = _cases()


@pytest.mark.parametrize("case", JPEG_CASES, ids=str)
def test_unusual_jpeg_decodes_or_is_refused_clearly(case: JpegCase, tmp_path: Path) -> None:
    data = case.make(JPEG_CASES.index(case))
    if case.bad:
        with pytest.raises(BadImage) as err:
            inspect_jpeg(data)
        assert err.value.code == case.bad, err.value
        return
    info = inspect_jpeg(data)  # nothing but BadImage may come out, and these are all acceptable
    assert info.width >= 1
    assert info.height >= 1
    assert len(info.phash) == 16
    if info.exif_lat is not None or info.exif_lon is not None:
        assert info.exif_lat is not None
        assert info.exif_lon is not None
        assert -90 <= info.exif_lat <= 90
        assert -180 <= info.exif_lon <= 180
        assert (info.exif_lat, info.exif_lon) != (0.0, 0.0)
    if case.gps != "any":
        assert (info.exif_lat is not None) == (case.gps == "set"), info
    if info.exif_taken_at is not None:
        assert info.exif_taken_at.utcoffset() == dt.timedelta(0)
        assert 1900 <= info.exif_taken_at.year <= 2199
    if case.time != "any":
        assert (info.exif_taken_at is not None) == (case.time == "set"), info
    if info.exif_camera is not None:
        assert len(info.exif_camera) <= 100
    # the hashes and the thumbnail (which applies the orientation) work as well
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")  # a corrupt EXIF
        img = Image.open(io.BytesIO(data))
    with img:
        assert _read_exif(img) == (info.exif_taken_at, info.exif_lat, info.exif_lon)
        assert perceptual_hash(img) == info.phash
    assert 0 <= fine_hash(data) < 2**256
    from data.images import PhotoStore

    store = PhotoStore(tmp_path / "photos")
    sha = hashlib.sha256(data).hexdigest()
    store.put(sha, data)
    with Image.open(store.thumbnail(sha, 64)) as thumb:
        assert max(thumb.size) <= 64


def test_orientation_is_applied_to_thumbnails(tmp_path: Path) -> None:
    """Orientations 5–8 swap width and height in the thumbnail; 1–4 do not."""
    from data.images import PhotoStore

    store = PhotoStore(tmp_path / "photos")
    for o in range(1, 9):
        data = _jpeg(o, _exif(t274=o), size=(120, 48))
        sha = hashlib.sha256(data).hexdigest()
        store.put(sha, data)
        with Image.open(store.thumbnail(sha, 60)) as thumb:
            wide = thumb.size[0] > thumb.size[1]
        assert wide == (o <= 4), (o, thumb.size)


def _bundle_with(photos: dict[str, bytes], seed: int) -> BuiltBundle:
    """A valid bundle (example 0) carrying ``photos`` as extra photos of category OTHER."""

    def add(m: dict[str, Any]) -> None:
        for i, name in enumerate(photos):
            m["photos"].append({"id": f"x{i}", "file": name, "sha256": "", "category": "OTHER"})

    return build_bundle(0, seed=seed, edit=add, photo_bytes=photos)


def test_bundle_of_unusual_jpegs_imports(template: Template, tmp_path: Path) -> None:
    acceptable = [c for c in JPEG_CASES if not c.bad]
    photos = {f"photos/odd-{i:02d}.jpg": c.make(1000 + i) for i, c in enumerate(acceptable)}
    bundle = _bundle_with(photos, seed=9001)
    with fresh_db(template, tmp_path / "db") as db:
        before = table_counts(db)
        _report, fr = run_one(Importer(db), bundle.write(tmp_path / "in"))
        assert fr.status == "imported", fr.as_dict()
        after = table_counts(db)
        assert after["photos"] - before["photos"] == len(bundle.manifest["photos"])
        audit_ok(db)
    EXAMPLES_RUN["odd JPEGs in one bundle"] = len(photos)


@pytest.mark.parametrize("case", [c for c in JPEG_CASES if c.bad], ids=str)
def test_bundle_with_a_broken_jpeg_is_rejected_naming_the_photo(
    case: JpegCase, template: Template, tmp_path: Path
) -> None:
    photos = {"photos/ok.jpg": _jpeg(1), "photos/broken.jpg": case.make(2)}
    bundle = _bundle_with(photos, seed=9100 + JPEG_CASES.index(case))
    broken = next(i for i, p in enumerate(bundle.manifest["photos"]) if p["file"] == "photos/broken.jpg")
    with fresh_db(template, tmp_path / "db") as db:
        before = table_counts(db)
        _report, fr = run_one(Importer(db), bundle.write(tmp_path / "in"))
        assert fr.status == "rejected", fr.as_dict()
        assert [(e.field, e.code) for e in fr.errors] == [(f"photos[{broken}].file", case.bad)]
        assert "photos/broken.jpg" in fr.errors[0].message
        assert table_counts(db) == before
        audit_ok(db)


def test_zz_report_examples_run() -> None:
    """Prints how many inputs the properties above tried (shown with ``-s``)."""
    print(f"\nhostile inputs tried: {EXAMPLES_RUN}, JPEG cases: {len(JPEG_CASES)}")
