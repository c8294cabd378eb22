"""What every interchange file shares: decoding, CSV reading, field parsers, reports.

Each parser raises ``FieldError`` naming the field and a stable code; the file importers
turn those into line-numbered row errors. Messages are English fallbacks for logs and the
command line; the UI words errors from ``code`` and ``params``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from data.rules.coords import Crs, in_china_bbox, in_valid_range, to_wgs84

BEIJING = dt.timezone(dt.timedelta(hours=8))
_MONEY_RE = re.compile(r"^-?\d{1,16}(\.\d{1,2})?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: the years a time may fall in (anything else is a typo or a device's clock at zero)
MIN_YEAR, MAX_YEAR = 1900, 2199


@dataclass(frozen=True)
class RowError:
    line: int | None
    field: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "code": self.code, "message": self.message}


@dataclass
class FileReport:
    """The outcome of one file; ``status`` is imported|unchanged|partial|rejected|quarantined."""

    path: str
    kind: str
    status: str = "imported"
    imported: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    sha256: str | None = None

    def settle(self) -> None:
        """Derive the status of a row file from its counts."""
        if self.rejected and not (self.imported or self.unchanged):
            self.status = "rejected"
        elif self.rejected:
            self.status = "partial"
        elif self.imported:
            self.status = "imported"
        else:
            self.status = "unchanged"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "kind": self.kind,
            "status": self.status,
            "rows": {
                "imported": self.imported,
                "unchanged": self.unchanged,
                "rejected": self.rejected,
            },
            "errors": [e.as_dict() for e in self.errors],
        }
        if self.warnings:
            out["warnings"] = [w.as_dict() for w in self.warnings]
        return out


class FileRejected(Exception):
    """The whole file is unusable (encoding, header): nothing of it is imported."""

    def __init__(self, code: str, message: str, field: str | None = None, line: int | None = None):
        super().__init__(message)
        self.error = RowError(line, field, code, message)


class FieldError(Exception):
    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


def decode_text(data: bytes) -> str:
    """Strict UTF-8 (BOM or not), then GB18030; anything else rejects the file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "ENCODING",
            f"the file is neither UTF-8 nor GB18030 (undecodable byte at offset {exc.start})",
        ) from exc


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]


def read_csv(text: str, required: tuple[str, ...]) -> Iterator[CsvRow]:
    """RFC 4180 rows as dicts with trimmed values, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise FileRejected("EMPTY", "the file is empty: no header line", line=1) from None
    except csv.Error as exc:
        raise FileRejected("CSV_SYNTAX", f"malformed header: {exc}", line=1) from exc
    names = [h.strip() for h in header]
    missing = [c for c in required if c not in names]
    if missing:
        raise FileRejected(
            "MISSING_COLUMN",
            f"required column(s) missing from the header: {', '.join(missing)}",
            field=missing[0],
            line=1,
        )
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileRejected("CSV_SYNTAX", f"malformed CSV: {exc}", line=line) from exc
        start, line = line, reader.line_num + 1
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # blank line
        if len(record) > len(names):
            yield CsvRow(start, {"__extra__": ",".join(record[len(names) :])})
            continue
        values = {n: (record[i].strip() if i < len(record) else "") for i, n in enumerate(names)}
        yield CsvRow(start, values)


# --- field parsers -------------------------------------------------------------------


def text_field(row: dict[str, Any], name: str, *, required: bool = True, max_len: int = 500) -> str:
    raw = row.get(name)
    value = "" if raw is None else str(raw).strip()
    if required and not value:
        raise FieldError(name, "REQUIRED", f"{name} is required")
    if "\x00" in value:  # PostgreSQL text cannot hold it, and no system means one
        raise FieldError(name, "BAD_CHARACTER", f"{name} contains a NUL character")
    if len(value) > max_len:
        raise FieldError(name, "TOO_LONG", f"{name} is longer than {max_len} characters")
    return value


def enum_field(row: dict[str, Any], name: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
    value = text_field(row, name)
    if value not in allowed:
        raise FieldError(name, "BAD_VALUE", f"{name} {value!r} is not one of {', '.join(sorted(allowed))}")
    return value


INT32_MAX = 2**31 - 1


def int_field(row: dict[str, Any], name: str, *, minimum: int | None = None, maximum: int = INT32_MAX) -> int:
    raw = row.get(name)
    if isinstance(raw, bool):
        raise FieldError(name, "BAD_NUMBER", f"{name} must be a whole number")
    if isinstance(raw, int):
        value = raw
    else:
        text = "" if raw is None else str(raw).strip()
        if not re.fullmatch(r"-?\d+", text):
            raise FieldError(name, "BAD_NUMBER", f"{name} {text!r} is not a whole number")
        value = int(text)
    if minimum is not None and value < minimum:
        raise FieldError(name, "OUT_OF_RANGE", f"{name} must be at least {minimum}")
    if value > maximum:
        raise FieldError(name, "OUT_OF_RANGE", f"{name} must be at most {maximum}")
    return value


def money_field(row: dict[str, Any], name: str, *, required: bool = True) -> Decimal | None:
    """Yuan as a decimal string with at most two decimals, never a float."""
    raw = row.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise FieldError(name, "REQUIRED", f"{name} is required")
        return None
    if not isinstance(raw, str):
        raise FieldError(name, "BAD_MONEY", f'{name} must be a decimal string such as "1250000.00"')
    text = raw.strip()
    if not _MONEY_RE.match(text):
        raise FieldError(name, "BAD_MONEY", f"{name} {text!r} is not an amount with at most 2 decimals")
    return Decimal(text)


def decimal_field(row: dict[str, Any], name: str, places: int) -> Decimal:
    text = text_field(row, name)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise FieldError(name, "BAD_NUMBER", f"{name} {text!r} is not a number") from None
    if not value.is_finite() or value.as_tuple().exponent < -places:  # type: ignore[operator]
        raise FieldError(name, "BAD_NUMBER", f"{name} {text!r} has more than {places} decimals")
    return value


def date_field(row: dict[str, Any], name: str) -> dt.date:
    text = text_field(row, name)
    if not _DATE_RE.match(text):
        raise FieldError(name, "BAD_DATE", f"{name} {text!r} is not a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(name, "BAD_DATE", f"{name} {text!r} is not a real date") from None


def parse_time(value: Any, name: str) -> dt.datetime:
    """ISO 8601; a time without an offset is Beijing time. Returned in UTC."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError(name, "BAD_TIME", f"{name} must be an ISO 8601 time")
    text = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise FieldError(name, "BAD_TIME", f"{name} {text!r} is not an ISO 8601 time") from None
    if "T" not in text and " " not in text:
        raise FieldError(name, "BAD_TIME", f"{name} {text!r} has no time of day")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BEIJING)
    try:
        utc = parsed.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it
        utc = None
    if utc is None or not MIN_YEAR <= utc.year <= MAX_YEAR:
        # the rules add margins of days to these times: keep them far from datetime's ends
        raise FieldError(
            name, "OUT_OF_RANGE", f"{name} {text!r} is not between the years {MIN_YEAR} and {MAX_YEAR}"
        )
    return utc


def time_field(row: dict[str, Any], name: str, *, required: bool = True) -> dt.datetime | None:
    raw = row.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise FieldError(name, "REQUIRED", f"{name} is required")
        return None
    return parse_time(raw, name)


def _float(raw: Any, name: str) -> float:
    if isinstance(raw, bool):
        raise FieldError(name, "BAD_NUMBER", f"{name} must be a number")
    try:
        value = float(raw) if isinstance(raw, int | float) else float(str(raw).strip())
    except (ValueError, OverflowError):  # OverflowError: an integer too large for a float
        raise FieldError(name, "BAD_NUMBER", f"{name} {raw!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise FieldError(name, "BAD_NUMBER", f"{name} {raw!r} is not a finite number")
    return value


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    orig_lat: float
    orig_lon: float
    orig_crs: str
    outside_china: bool


def point_field(
    row: dict[str, Any],
    *,
    lat: str = "lat",
    lon: str = "lon",
    crs: str = "crs",
    default_crs: str = "WGS84",
    required: bool = True,
) -> Point | None:
    """A coordinate pair in its CRS, converted to WGS-84 (the original kept)."""
    raw_lat, raw_lon = row.get(lat), row.get(lon)
    empty = [n for n, v in ((lat, raw_lat), (lon, raw_lon)) if v is None or v == ""]
    if empty:
        if len(empty) == 2 and not required:
            return None
        raise FieldError(empty[0], "REQUIRED", f"{empty[0]} is required")
    y, x = _float(raw_lat, lat), _float(raw_lon, lon)
    crs_value = row.get(crs)
    crs_text = default_crs if crs_value is None or str(crs_value).strip() == "" else str(crs_value).strip()
    if crs_text not in Crs.__members__:
        raise FieldError(crs, "BAD_VALUE", f"{crs} {crs_text!r} is not one of WGS84, GCJ02, BD09, CGCS2000")
    if not in_valid_range(y, x):
        bad = lat if not -90.0 <= y <= 90.0 else lon
        raise FieldError(bad, "OUT_OF_RANGE", f"point ({y}, {x}) is outside latitude ±90 / longitude ±180")
    w_lat, w_lon = to_wgs84(y, x, crs_text)
    return Point(w_lat, w_lon, y, x, crs_text, not in_china_bbox(y, x))


def outside_china_warning(line: int | None, point: Point, field_name: str = "lat") -> RowError:
    return RowError(
        line,
        field_name,
        "OUTSIDE_CHINA",
        f"point ({point.orig_lat}, {point.orig_lon}) is outside China's bounding box",
    )
