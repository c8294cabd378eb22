"""Inspection bundles from the mobile app: reading, validating and storing them.

A bundle is all-or-nothing. It is read (zip or folder) within hard limits, its manifest
validated against INTERCHANGE.md and the checklist template, every photo decoded fully,
and only then written, in one transaction with its audit event. An invalid bundle imports
nothing; one that names a customer or staff member the workstation does not know yet
waits in quarantine and is retried on every later import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import os
import stat
import uuid
import zipfile
import zlib
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from data.images import BadImage, JpegInfo, PhotoStore, inspect_jpeg
from data.ingest.common import (
    INT32_MAX,
    FieldError,
    FileRejected,
    Point,
    RowError,
    decode_text,
    parse_time,
    point_field,
    text_field,
)
from data.ingest.master import CLASSIFICATIONS, existing_keys, key_map
from data.models import (
    ChecklistAnswer,
    Customer,
    Inspection,
    InspectionDocument,
    Photo,
    PostLoanTask,
    Staff,
    TrackPoint,
    VoiceNote,
    table,
)
from data.paths import resource

FORMAT = "postloan-inspection-bundle"
VERSION = 1
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ENTRIES = 500
MAX_RATIO = 100
_COMPRESSIONS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
KINDS = ("FIRST", "ROUTINE", "FOCUSED", "SPECIAL")
EVENTS = ("TRACK", "CHECKIN", "CHECKOUT")
ANSWERS = ("YES", "NO", "NA", "TEXT", "NUMBER")
PHOTO_CATEGORIES = (
    "STOREFRONT",
    "PREMISES",
    "INVENTORY",
    "EQUIPMENT",
    "COLLATERAL",
    "DOCUMENT",
    "MEETING",
    "OTHER",
)
OPINIONS = ("NORMAL", "ATTENTION", "RISK")


class BundleInvalid(Exception):
    """The bundle breaks the contract; ``errors`` lists every reason found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def _err(field_name: str | None, code: str, message: str) -> RowError:
    return RowError(None, field_name, code, message)


# --- reading, within limits --------------------------------------------------------------


def _check_entry_name(name: str) -> str | None:
    """Why an entry path is unsafe, or None. Absolute paths and ``..`` are refused."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":"):
        return "is an absolute path"
    if any(part == ".." for part in norm.split("/")):
        return "climbs out of the bundle with '..'"
    return None


def read_zip(data: bytes) -> dict[str, bytes]:
    """The files of a zipped bundle, refusing anything outside the contract's limits."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise BundleInvalid([_err(None, "BAD_ZIP", f"not a readable zip file: {exc}")]) from exc
    errors: list[RowError] = []
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise BundleInvalid(
                [_err(None, "TOO_MANY_ENTRIES", f"{len(infos)} entries (at most {MAX_ENTRIES})")]
            )
        total = 0
        names: set[str] = set()
        for info in infos:
            problem = _check_entry_name(info.filename)
            if problem:
                errors.append(_err(info.filename, "UNSAFE_PATH", f"entry {info.filename!r} {problem}"))
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                errors.append(_err(info.filename, "LINK", f"entry {info.filename!r} is a link"))
                continue
            if info.is_dir():
                continue
            if info.filename in names:
                errors.append(
                    _err(info.filename, "DUPLICATE_ENTRY", f"entry {info.filename!r} appears twice")
                )
            names.add(info.filename)
            if info.file_size and (
                info.compress_size == 0 or info.file_size / info.compress_size > MAX_RATIO
            ):
                errors.append(
                    _err(
                        info.filename,
                        "COMPRESSION_RATIO",
                        f"entry {info.filename!r} expands more than {MAX_RATIO}:1",
                    )
                )
            if info.compress_type not in _COMPRESSIONS:
                errors.append(
                    _err(
                        info.filename,
                        "BAD_ZIP",
                        f"entry {info.filename!r} uses compression method {info.compress_type}, "
                        "which is not stored, deflate, bzip2 or LZMA",
                    )
                )
            total += info.file_size
        if total > MAX_UNPACKED:
            errors.append(_err(None, "TOO_LARGE", f"{total} bytes unpacked (at most {MAX_UNPACKED})"))
        if errors:
            raise BundleInvalid(errors)
        files: dict[str, bytes] = {}
        budget = MAX_UNPACKED
        for info in infos:
            if info.is_dir():
                continue
            try:
                with zf.open(info) as fh:
                    # never trust the declared size: read at most one byte more than it
                    content = fh.read(min(info.file_size, budget) + 1)
            except (
                zipfile.BadZipFile,
                zlib.error,
                OSError,
                EOFError,
                RuntimeError,  # an encrypted entry
            ) as exc:
                raise BundleInvalid(
                    [_err(info.filename, "BAD_ZIP", f"entry {info.filename!r}: {exc}")]
                ) from exc
            if len(content) != info.file_size:
                raise BundleInvalid(
                    [_err(info.filename, "BAD_ZIP", f"entry {info.filename!r} is not the size it declares")]
                )
            budget -= len(content)
            files[info.filename.replace("\\", "/")] = content
    return files


def read_folder(folder: Path) -> dict[str, bytes]:
    """The files of an unzipped bundle folder, with the same limits as a zip."""
    files: dict[str, bytes] = {}
    total = 0
    for root, dirs, names in os.walk(folder, followlinks=False):
        for d in dirs:
            if os.path.islink(os.path.join(root, d)):
                raise BundleInvalid([_err(d, "LINK", f"{d!r} is a link")])
        for name in sorted(names):
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                raise BundleInvalid([_err(rel, "LINK", f"{rel!r} is a link")])
            if len(files) >= MAX_ENTRIES:
                raise BundleInvalid([_err(None, "TOO_MANY_ENTRIES", f"more than {MAX_ENTRIES} files")])
            total += path.stat().st_size
            if total > MAX_UNPACKED:
                raise BundleInvalid([_err(None, "TOO_LARGE", f"more than {MAX_UNPACKED} bytes")])
            files[rel] = path.read_bytes()
    return files


def snapshot_folder(folder: Path, errors: list[RowError]) -> bytes:
    """What can be kept of a folder bundle that was refused while being read: its regular
    files within the limits (never following a link), plus the reasons, as one zip."""
    files: dict[str, bytes] = {}
    total = 0
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        for name in sorted(names):
            path = Path(root) / name
            if path.is_symlink() or not path.is_file() or len(files) >= MAX_ENTRIES:
                continue
            total += path.stat().st_size
            if total > MAX_UNPACKED:
                break
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    files["REJECTED.json"] = json.dumps([e.as_dict() for e in errors], ensure_ascii=False).encode()
    return zip_files(files)


def files_of(bundle: ParsedBundle) -> dict[str, bytes]:
    """A validated bundle's files again (manifest, photos, documents), for keeping a copy."""
    files = {"manifest.json": bundle.manifest_text.encode("utf-8")}
    for photo in bundle.photos:
        files[photo["file_name"]] = bundle.photo_bytes[photo["sha256"]]
    for doc in bundle.documents:
        files[doc["file_name"]] = bundle.document_bytes[doc["sha256"]]
    return files


def zip_files(files: dict[str, bytes]) -> bytes:
    """Pack a bundle's files as a zip (for keeping a folder bundle in quarantine)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name in sorted(files):
            zf.writestr(name, files[name])
    return buf.getvalue()


# --- the checklist template --------------------------------------------------------------


@dataclass(frozen=True)
class TemplateItem:
    code: str
    section: str
    answer: str  # YES/NO (the healthy answer), TEXT or NUMBER
    photo: str | None
    required: frozenset[str]


@lru_cache(maxsize=1)
def checklist_template() -> dict[str, TemplateItem]:
    raw = json.loads(resource("checklist-template.json").read_text("utf-8"))
    return {
        item["code"]: TemplateItem(
            item["code"], item["section"], item["answer"], item.get("photo"), frozenset(item["required"])
        )
        for item in raw["items"]
    }


# --- validating the manifest -------------------------------------------------------------


@dataclass
class ParsedBundle:
    """A bundle that passed every check, in the shape the database wants."""

    bundle_id: str
    revision: int
    content_sha256: str
    manifest_text: str
    customer_no: str
    inspector_no: str
    companion_no: str | None
    task_no: str | None
    values: dict[str, Any]
    track: list[dict[str, Any]]
    checklist: list[dict[str, Any]]
    photos: list[dict[str, Any]]
    photo_bytes: dict[str, bytes]
    documents: list[dict[str, Any]]
    document_bytes: dict[str, bytes]
    voice_notes: list[dict[str, Any]]
    warnings: list[RowError] = field(default_factory=list)


class _Collector:
    """Collects every problem of a manifest instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []

    def error(self, field_name: str | None, code: str, message: str) -> None:
        self.errors.append(_err(field_name, code, message))

    def run(self, field_prefix: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FieldError as exc:
            self.error(f"{field_prefix}{exc.field}", exc.code, f"{field_prefix}{exc.message}")
            return None


def _unstorable_text(value: Any, path: str = "") -> Any:
    """(JSON path, reason) of every text no database can store: a lone surrogate (JSON
    lets ``\\ud800`` be escaped, UTF-8 cannot encode it) or a NUL (PostgreSQL text cannot
    hold one). Keys are checked as well as values."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path, "contains a NUL character"
        elif any("\ud800" <= ch <= "\udfff" for ch in value):
            yield path, "contains a lone UTF-16 surrogate (not a character)"
    elif isinstance(value, dict):
        for k, v in value.items():
            here = f"{path}.{k}" if path else str(k)
            if "\x00" in k or any("\ud800" <= ch <= "\udfff" for ch in k):
                yield (
                    here.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00"),
                    ("the key contains a NUL or a lone surrogate"),
                )
                continue
            yield from _unstorable_text(v, here)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _unstorable_text(v, f"{path}[{i}]")


def _metres(value: int | float) -> bool:
    """A distance a float can hold: finite and not negative (NaN, ±inf, 10**400 are not)."""
    try:
        return math.isfinite(float(value)) and value >= 0
    except OverflowError:
        return False


def _obj(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _list(c: _Collector, manifest: dict[str, Any], name: str, required: bool) -> list[Any]:
    value = manifest.get(name)
    if value is None:
        if required:
            c.error(name, "REQUIRED", f"{name} is required")
        return []
    if not isinstance(value, list):
        c.error(name, "BAD_TYPE", f"{name} must be a list")
        return []
    return value


def content_hash(manifest: dict[str, Any], documents: dict[str, bytes]) -> str:
    """What makes two deliveries of (bundle_id, revision) the same: the manifest's
    content (not its layout) and the bytes of any documents. Photos are covered by the
    SHA-256 values inside the manifest, which are verified."""
    h = hashlib.sha256()
    h.update(json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
    for name in sorted(documents):
        h.update(f"\n{name}:{hashlib.sha256(documents[name]).hexdigest()}".encode())
    return h.hexdigest()


def _decode_photos(photo_bytes: dict[str, bytes], pool: Executor | None) -> dict[str, JpegInfo | BadImage]:
    def one(data: bytes) -> JpegInfo | BadImage:
        try:
            return inspect_jpeg(data)
        except BadImage as exc:
            return exc

    if pool is None or len(photo_bytes) <= 1:
        return {k: one(v) for k, v in photo_bytes.items()}
    # JPEG decoding releases the GIL: decode a bundle's photos side by side
    return dict(zip(photo_bytes, pool.map(one, photo_bytes.values()), strict=True))


def parse_bundle(files: dict[str, bytes], pool: Executor | None = None) -> ParsedBundle:
    """Validate a bundle's files against the contract. Raises ``BundleInvalid``.

    ``pool``, if given, decodes the photos side by side."""
    raw = files.get("manifest.json")
    if raw is None:
        raise BundleInvalid([_err("manifest.json", "NO_MANIFEST", "the bundle has no manifest.json")])
    try:
        text = decode_text(raw)
        manifest = json.loads(text)
    except FileRejected as exc:
        raise BundleInvalid(
            [_err("manifest.json", exc.error.code, f"manifest.json: {exc.error.message}")]
        ) from exc
    except json.JSONDecodeError as exc:
        raise BundleInvalid(
            [RowError(exc.lineno, "manifest.json", "BAD_JSON", f"manifest.json is not valid JSON: {exc.msg}")]
        ) from exc
    if not isinstance(manifest, dict):
        raise BundleInvalid([_err("manifest.json", "BAD_JSON", "manifest.json is not a JSON object")])
    unstorable = list(_unstorable_text(manifest))
    if unstorable:
        raise BundleInvalid(
            [
                _err(path or "manifest.json", "BAD_CHARACTER", f"{path or 'manifest.json'}: {why}")
                for path, why in unstorable[:20]
            ]
        )
    fmt, version = manifest.get("format"), manifest.get("version")
    if fmt != FORMAT or version != VERSION or isinstance(version, bool):
        raise BundleInvalid(
            [
                _err(
                    "format" if fmt != FORMAT else "version",
                    "UNSUPPORTED_FORMAT",
                    f"format {fmt!r} version {version!r} is not supported: this workstation reads "
                    f"{FORMAT!r} version {VERSION}",
                )
            ]
        )
    c = _Collector()

    bundle_id = c.run("", text_field, manifest, "bundle_id", max_len=100)
    if bundle_id:
        try:
            bundle_id = str(uuid.UUID(bundle_id))
        except ValueError:
            c.error("bundle_id", "BAD_VALUE", f"bundle_id {bundle_id!r} is not a UUID")
    revision = manifest.get("revision")
    if not isinstance(revision, int) or isinstance(revision, bool) or not 1 <= revision <= INT32_MAX:
        c.error("revision", "BAD_VALUE", f"revision must be a whole number from 1 to {INT32_MAX}")
    task_no = manifest.get("task_no")
    if task_no is not None and (not isinstance(task_no, str) or len(task_no) > 40):
        c.error("task_no", "BAD_VALUE", "task_no must be a string or null")
    task_no = task_no.strip() or None if isinstance(task_no, str) else None
    customer_no = c.run("", text_field, manifest, "customer_no", max_len=30)
    inspector = c.run("", text_field, manifest, "inspector", max_len=20)
    companion = manifest.get("companion")
    if companion is not None and not isinstance(companion, str):
        c.error("companion", "BAD_VALUE", "companion must be an employee number or null")
        companion = None
    companion = (companion or "").strip() or None
    if companion and companion == inspector:
        c.error("companion", "BAD_VALUE", "the companion cannot be the inspector")
    kind = manifest.get("kind")
    if kind not in KINDS:
        c.error("kind", "BAD_VALUE", f"kind {kind!r} is not one of {', '.join(KINDS)}")
    device_id = manifest.get("device_id")
    if device_id is not None and not isinstance(device_id, str):
        c.error("device_id", "BAD_VALUE", "device_id must be a string")
        device_id = None
    elif isinstance(device_id, str) and len(device_id.strip()) > 100:
        c.error("device_id", "TOO_LONG", "device_id is longer than 100 characters")
    times = {
        n: c.run("", lambda n=n: parse_time(manifest.get(n), n))
        for n in ("started_at", "finished_at", "submitted_at")
    }
    if all(times.values()) and not times["started_at"] <= times["finished_at"] <= times["submitted_at"]:
        c.error("finished_at", "BAD_ORDER", "times must satisfy started_at ≤ finished_at ≤ submitted_at")

    # track
    track_rows: list[dict[str, Any]] = []
    track = _obj(manifest.get("track"))
    if track is None:
        c.error("track", "REQUIRED", "track is required")
    else:
        track_crs = track.get("crs") or "WGS84"
        points = track.get("points")
        if not isinstance(points, list):
            c.error("track.points", "REQUIRED", "track.points must be a list")
            points = []
        checkins = checkouts = 0
        for i, p in enumerate(points):
            prefix = f"track.points[{i}]."
            if not isinstance(p, dict):
                c.error(prefix[:-1], "BAD_TYPE", f"{prefix[:-1]} must be an object")
                continue
            t = c.run(prefix, lambda p=p: parse_time(p.get("t"), "t"))
            pt: Point | None = c.run(prefix, point_field, {**p, "crs": track_crs})
            event = p.get("event")
            if event not in EVENTS:
                c.error(
                    f"{prefix}event",
                    "BAD_VALUE",
                    f"{prefix}event {event!r} is not one of {', '.join(EVENTS)}",
                )
            checkins += event == "CHECKIN"
            checkouts += event == "CHECKOUT"
            acc = p.get("acc")
            if acc is not None and (
                isinstance(acc, bool) or not isinstance(acc, int | float) or not _metres(acc)
            ):
                c.error(f"{prefix}acc", "BAD_NUMBER", f"{prefix}acc must be a non-negative number of metres")
                acc = None
            if pt and pt.outside_china:
                c.warnings.append(
                    _err(f"{prefix}lat", "OUTSIDE_CHINA", f"{prefix[:-1]} is outside China's bounding box")
                )
            if t and pt and event in EVENTS:
                track_rows.append(
                    {
                        "seq": i,
                        "t": t,
                        "lat": pt.lat,
                        "lon": pt.lon,
                        "orig_lat": pt.orig_lat,
                        "orig_lon": pt.orig_lon,
                        "orig_crs": pt.orig_crs,
                        "accuracy_m": float(acc) if acc is not None else None,
                        "event": event,
                    }
                )
        if checkins != 1:
            c.error(
                "track.points", "CHECKIN_COUNT", f"the track must have exactly one CHECKIN, it has {checkins}"
            )
        if checkouts > 1:
            c.error(
                "track.points", "CHECKOUT_COUNT", f"the track has {checkouts} CHECKOUT points (at most one)"
            )

    # photos
    photo_rows: list[dict[str, Any]] = []
    photo_bytes: dict[str, bytes] = {}
    photo_ids: set[str] = set()
    raw_photos = _list(c, manifest, "photos", required=False)
    wanted: dict[str, bytes] = {}
    for ph in raw_photos:
        if isinstance(ph, dict) and isinstance(ph.get("file"), str) and ph["file"] in files:
            wanted[ph["file"]] = files[ph["file"]]
    decoded = _decode_photos(wanted, pool)
    for i, ph in enumerate(raw_photos):
        prefix = f"photos[{i}]."
        if not isinstance(ph, dict):
            c.error(prefix[:-1], "BAD_TYPE", f"{prefix[:-1]} must be an object")
            continue
        pid = ph.get("id")
        if not isinstance(pid, str) or not pid.strip():
            c.error(f"{prefix}id", "REQUIRED", f"{prefix}id is required")
            continue
        if len(pid) > 50:
            c.error(f"{prefix}id", "TOO_LONG", f"{prefix}id is longer than 50 characters")
            continue
        if pid in photo_ids:
            c.error(f"{prefix}id", "DUPLICATE_KEY", f"photo id {pid!r} appears twice")
        photo_ids.add(pid)
        fname = ph.get("file")
        if isinstance(fname, str) and len(fname) > 300:
            c.error(f"{prefix}file", "TOO_LONG", f"{prefix}file is longer than 300 characters")
            continue
        if not isinstance(fname, str) or fname not in files:
            c.error(f"{prefix}file", "MISSING_FILE", f"{prefix}file {fname!r} is not in the bundle")
            continue
        if PurePosixPath(fname).parts[:1] != ("photos",):
            c.error(f"{prefix}file", "BAD_VALUE", f"{prefix}file {fname!r} is not under photos/")
        data = files[fname]
        sha = hashlib.sha256(data).hexdigest()
        declared = ph.get("sha256")
        if not isinstance(declared, str) or declared.lower() != sha:
            c.error(
                f"{prefix}sha256",
                "SHA256_MISMATCH",
                f"{fname}: SHA-256 is {sha}, the manifest says {declared!r}",
            )
        info = decoded[fname]
        if isinstance(info, BadImage):
            what = {
                "NOT_JPEG": "is not a JPEG",
                "TOO_MANY_PIXELS": "is over 50 megapixels",
                "UNDECODABLE": "does not decode completely (truncated or corrupt)",
            }[info.code]
            c.error(f"{prefix}file", info.code, f"{fname} {what}: {info.detail}")
            continue
        category = ph.get("category")
        if category not in PHOTO_CATEGORIES:
            c.error(
                f"{prefix}category", "BAD_VALUE", f"{prefix}category {category!r} is not a photo category"
            )
        taken = (
            c.run(prefix, lambda ph=ph: parse_time(ph.get("taken_at"), "taken_at"))
            if ph.get("taken_at") is not None
            else None
        )
        pt = c.run(prefix, point_field, ph, required=False)
        watermark = ph.get("watermark") if isinstance(ph.get("watermark"), str) else ""
        photo_bytes[sha] = data
        photo_rows.append(
            {
                "seq": i,
                "photo_key": pid,
                "file_name": fname,
                "sha256": sha,
                "category": category,
                "taken_at": taken,
                "lat": pt.lat if pt else None,
                "lon": pt.lon if pt else None,
                "orig_lat": pt.orig_lat if pt else None,
                "orig_lon": pt.orig_lon if pt else None,
                "orig_crs": pt.orig_crs if pt else None,
                "watermark": watermark,
                "exif_taken_at": info.exif_taken_at,
                "exif_lat": info.exif_lat,
                "exif_lon": info.exif_lon,
                "exif_camera": info.exif_camera,
                "width": info.width,
                "height": info.height,
                "size_bytes": len(data),
                "phash": info.phash,
            }
        )

    # checklist
    template = checklist_template()
    answers: list[dict[str, Any]] = []
    codes: set[str] = set()
    for i, item in enumerate(_list(c, manifest, "checklist", required=True)):
        prefix = f"checklist[{i}]."
        if not isinstance(item, dict):
            c.error(prefix[:-1], "BAD_TYPE", f"{prefix[:-1]} must be an object")
            continue
        code = item.get("code")
        tpl = template.get(code) if isinstance(code, str) else None
        if tpl is None:
            c.error(
                f"{prefix}code", "UNKNOWN_CODE", f"{prefix}code {code!r} is not in the checklist template"
            )
            continue
        if code in codes:
            c.error(f"{prefix}code", "DUPLICATE_KEY", f"checklist item {code} appears twice")
        codes.add(tpl.code)
        answer = item.get("answer")
        allowed = ("YES", "NO", "NA") if tpl.answer in ("YES", "NO") else (tpl.answer, "NA")
        if answer not in ANSWERS or answer not in allowed:
            c.error(
                f"{prefix}answer",
                "BAD_VALUE",
                f"{code}: answer {answer!r} must be one of {', '.join(allowed)}",
            )
            continue
        value = item.get("value")
        if answer in ("TEXT", "NUMBER"):
            if isinstance(value, bool) or not isinstance(value, str | int):
                c.error(f"{prefix}value", "REQUIRED", f"{code}: a {answer} answer needs a value (a string)")
                continue
            value = str(value).strip()
            if answer == "NUMBER":
                try:
                    from decimal import Decimal, InvalidOperation

                    if not Decimal(value).is_finite():
                        raise InvalidOperation
                except InvalidOperation:
                    c.error(f"{prefix}value", "BAD_NUMBER", f"{code}: value {value!r} is not a number")
                    continue
        elif value is not None:
            value = str(value)
        abnormal = item.get("abnormal", False)
        if not isinstance(abnormal, bool):
            c.error(f"{prefix}abnormal", "BAD_VALUE", f"{code}: abnormal must be true or false")
            abnormal = False
        refs = item.get("photos") or []
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            c.error(f"{prefix}photos", "BAD_TYPE", f"{code}: photos must be a list of photo ids")
            refs = []
        for r in refs:
            if r not in photo_ids:
                c.error(f"{prefix}photos", "UNKNOWN_PHOTO", f"{code}: photo {r!r} is not in photos[]")
        remark = item.get("remark") if isinstance(item.get("remark"), str) else ""
        answers.append(
            {
                "seq": i,
                "code": code,
                "section": tpl.section,
                "answer": answer,
                "value": value,
                "abnormal": abnormal,
                "deviates": tpl.answer in ("YES", "NO") and answer in ("YES", "NO") and answer != tpl.answer,
                "remark": remark,
                "photo_keys": refs,
            }
        )
    if kind in KINDS:
        missing = sorted(code for code, tpl in template.items() if kind in tpl.required and code not in codes)
        if missing:
            c.error(
                "checklist", "MISSING_REQUIRED_ITEM", f"a {kind} inspection must answer {', '.join(missing)}"
            )

    # conclusion
    conclusion = _obj(manifest.get("conclusion"))
    opinion = suggested = None
    summary = follow_up = ""
    if conclusion is None:
        c.error("conclusion", "REQUIRED", "conclusion is required")
    else:
        opinion = conclusion.get("opinion")
        if opinion not in OPINIONS:
            c.error(
                "conclusion.opinion",
                "BAD_VALUE",
                f"conclusion.opinion {opinion!r} is not one of {', '.join(OPINIONS)}",
            )
        suggested = conclusion.get("suggested_classification")
        if suggested is not None and suggested not in CLASSIFICATIONS:
            c.error(
                "conclusion.suggested_classification",
                "BAD_VALUE",
                f"suggested_classification {suggested!r} is not a classification",
            )
        summary = str(conclusion.get("summary") or "") if isinstance(conclusion.get("summary"), str) else ""
        follow_up = (
            str(conclusion.get("follow_up") or "") if isinstance(conclusion.get("follow_up"), str) else ""
        )

    notes: list[dict[str, Any]] = []
    for i, note in enumerate(_list(c, manifest, "voice_notes", required=False)):
        if not isinstance(note, dict) or not isinstance(note.get("text", ""), str):
            c.error(f"voice_notes[{i}]", "BAD_TYPE", f"voice_notes[{i}] must be an object with text")
            continue
        at = (
            c.run(f"voice_notes[{i}].", lambda note=note: parse_time(note.get("at"), "at"))
            if note.get("at")
            else None
        )
        notes.append({"seq": i, "at": at, "text": note.get("text", "")})

    # documents under docs/: PDF or JPEG scans
    documents: list[dict[str, Any]] = []
    document_bytes: dict[str, bytes] = {}
    for name in sorted(files):
        if not name.startswith("docs/") or name.endswith("/"):
            continue
        data = files[name]
        if data.startswith(b"%PDF-"):
            media = "application/pdf"
        else:
            try:
                inspect_jpeg(data)
                media = "image/jpeg"
            except BadImage:
                c.error(name, "BAD_DOCUMENT", f"{name} is neither a PDF nor a JPEG that decodes")
                continue
        sha = hashlib.sha256(data).hexdigest()
        document_bytes[sha] = data
        documents.append({"file_name": name, "sha256": sha, "media_type": media, "size_bytes": len(data)})

    if c.errors:
        raise BundleInvalid(c.errors)
    doc_files = {n: files[n] for n in files if n.startswith("docs/")}
    assert isinstance(revision, int)
    assert bundle_id
    assert customer_no
    assert inspector
    return ParsedBundle(
        bundle_id=bundle_id,
        revision=revision,
        content_sha256=content_hash(manifest, doc_files),
        manifest_text=text,
        customer_no=customer_no,
        inspector_no=inspector,
        companion_no=companion,
        task_no=task_no,
        values={
            "device_id": (device_id or "").strip(),
            "kind": kind,
            **times,
            "opinion": opinion,
            "suggested_classification": suggested,
            "summary": summary,
            "follow_up": follow_up,
        },
        track=track_rows,
        checklist=answers,
        photos=photo_rows,
        photo_bytes=photo_bytes,
        documents=documents,
        document_bytes=document_bytes,
        voice_notes=notes,
        warnings=c.warnings,
    )


# --- writing -------------------------------------------------------------------------------


def missing_references(session: Session, bundle: ParsedBundle) -> list[RowError]:
    """The master data a bundle names that the workstation does not have (yet)."""
    problems = []
    if (
        session.execute(
            select(Customer.customer_no).where(Customer.customer_no == bundle.customer_no)
        ).first()
        is None
    ):
        problems.append(
            _err("customer_no", "UNKNOWN_CUSTOMER", f"customer {bundle.customer_no!r} is not in master data")
        )
    people = [("inspector", bundle.inspector_no)]
    if bundle.companion_no:
        people.append(("companion", bundle.companion_no))
    known = set(
        session.execute(
            select(Staff.employee_no).where(Staff.employee_no.in_([no for _f, no in people]))
        ).scalars()
    )
    for field_name, no in people:
        if no not in known:
            problems.append(_err(field_name, "UNKNOWN_STAFF", f"{field_name} {no!r} is not in master data"))
    return problems


@dataclass(frozen=True)
class ExistingRevision:
    id: int
    content_sha256: str


def find_revision(session: Session, bundle_id: str, revision: int) -> ExistingRevision | None:
    row = session.execute(
        select(Inspection.id, Inspection.content_sha256).where(
            Inspection.bundle_id == bundle_id, Inspection.revision == revision
        )
    ).first()
    return ExistingRevision(row[0], row[1]) if row else None


def store_files(store: PhotoStore, bundle: ParsedBundle) -> None:
    """Write originals before the rows that name them: a crash leaves at worst an unnamed
    file in the store (harmless, reused on retry), never a row without its file."""
    items = [(sha, data, ".jpg") for sha, data in bundle.photo_bytes.items()]
    for doc in bundle.documents:
        ext = ".pdf" if doc["media_type"] == "application/pdf" else ".jpg"
        items.append((doc["sha256"], bundle.document_bytes[doc["sha256"]], ext))
    store.put_many(items)


def insert_bundle(
    session: Session, bundle: ParsedBundle, now: dt.datetime, import_file_id: int | None
) -> int:
    """Insert a validated bundle's rows in the caller's transaction; return the id.

    A higher revision supersedes the current one (kept, ``is_current`` cleared); a lower
    revision arriving late is stored as already superseded.
    """
    others = session.execute(
        select(Inspection.id, Inspection.revision, Inspection.customer_no)
        .where(Inspection.bundle_id == bundle.bundle_id)
        .order_by(Inspection.revision)
    ).all()
    for _id, rev, customer in others:
        if customer != bundle.customer_no:
            raise BundleInvalid(
                [
                    _err(
                        "customer_no",
                        "REVISION_MISMATCH",
                        f"revision {rev} of this bundle is for customer {customer}, not {bundle.customer_no}",
                    )
                ]
            )
    lower = [o for o in others if o[1] < bundle.revision]
    higher = [o for o in others if o[1] > bundle.revision]
    is_current = not higher
    if is_current and lower:
        session.execute(
            update(Inspection).where(Inspection.bundle_id == bundle.bundle_id).values(is_current=False)
        )
    unplanned = bundle.task_no is None or session.get(PostLoanTask, bundle.task_no) is None
    inspection_id: Any = session.execute(
        insert(table(Inspection)).returning(table(Inspection).c.id),
        [
            _inspection_row(
                bundle,
                is_current=is_current,
                supersedes_id=lower[-1][0] if lower else None,
                unplanned=unplanned,
                import_file_id=import_file_id,
                now=now,
            )
        ],
    ).scalar_one()
    if higher:  # the next revision up now supersedes this late arrival
        session.execute(
            update(Inspection).where(Inspection.id == higher[0][0]).values(supersedes_id=inspection_id)
        )

    _insert_children(session, [(bundle, int(inspection_id))])
    return int(inspection_id)


def insert_new_bundles(
    session: Session, bundles: list[ParsedBundle], now: dt.datetime, file_ids: list[int]
) -> list[int]:
    """Bulk-insert bundles whose ``bundle_id`` the database does not hold yet (each the
    only revision so far, so current and superseding nothing), a handful of statements for
    the whole list instead of several per bundle. Returns the new ids, in order."""
    if not bundles:
        return []
    known_tasks = existing_keys(session, PostLoanTask.task_no, (b.task_no for b in bundles if b.task_no))
    rows = [
        _inspection_row(
            b,
            is_current=True,
            supersedes_id=None,
            unplanned=b.task_no is None or b.task_no not in known_tasks,
            import_file_id=file_id,
            now=now,
        )
        for b, file_id in zip(bundles, file_ids, strict=True)
    ]
    # a plain executemany, then the new ids by key: far cheaper than RETURNING in
    # parameter order for hundreds of rows
    session.execute(insert(table(Inspection)), rows)
    id_of = key_map(session, Inspection.bundle_id, Inspection.id, (b.bundle_id for b in bundles))
    ids = [int(id_of[b.bundle_id]) for b in bundles]
    _insert_children(session, list(zip(bundles, ids, strict=True)))
    return ids


def _inspection_row(
    bundle: ParsedBundle,
    *,
    is_current: bool,
    supersedes_id: int | None,
    unplanned: bool,
    import_file_id: int | None,
    now: dt.datetime,
) -> dict[str, Any]:
    return {
        "bundle_id": bundle.bundle_id,
        "revision": bundle.revision,
        "content_sha256": bundle.content_sha256,
        "is_current": is_current,
        "supersedes_id": supersedes_id,
        "task_no": bundle.task_no,
        "unplanned": unplanned,
        "customer_no": bundle.customer_no,
        "inspector_no": bundle.inspector_no,
        "companion_no": bundle.companion_no,
        **bundle.values,
        "manifest": bundle.manifest_text,
        "import_file_id": import_file_id,
        "imported_at": now,
    }


_CHILDREN = (
    (TrackPoint, "track"),
    (ChecklistAnswer, "checklist"),
    (Photo, "photos"),
    (InspectionDocument, "documents"),
    (VoiceNote, "voice_notes"),
)


def _insert_children(session: Session, inserted: list[tuple[ParsedBundle, int]]) -> None:
    """Track points, answers, photos, documents and voice notes of inserted bundles: one
    executemany per table for all of them."""
    for model, attr in _CHILDREN:
        children = [
            {**item, "inspection_id": inspection_id}
            for bundle, inspection_id in inserted
            for item in getattr(bundle, attr)
        ]
        if children:
            session.execute(insert(table(model)), children)
