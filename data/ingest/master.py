"""Master data from the credit system: branches, staff, customers, loans.

Rules (INTERCHANGE.md): master rows upsert by their key; a row that fails validation is
rejected with its line number and reason while the other rows of the file still import;
a later ``as_of`` snapshot of a loan updates it and every snapshot is kept as history.
A row may only refer to what exists: in the database already, or earlier in the same
import (branches before staff before customers before loans).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from data.ingest.common import (
    CsvRow,
    FieldError,
    FileReport,
    RowError,
    date_field,
    decimal_field,
    enum_field,
    int_field,
    money_field,
    outside_china_warning,
    point_field,
    text_field,
)
from data.models import Base, Branch, Customer, Loan, LoanSnapshot, RiskSignal, Staff
from data.rules.idcodes import is_valid_resident_id, is_valid_uscc

LEVELS = ("HEAD", "BRANCH", "SUB")
PARENT_LEVEL = {"HEAD": None, "BRANCH": "HEAD", "SUB": "BRANCH"}
ROLES = ("CLIENT_MANAGER", "BRANCH_APPROVER", "HEAD_RISK", "AUDITOR", "ADMIN")
CLASSIFICATIONS = ("NORMAL", "SPECIAL_MENTION", "SUBSTANDARD", "DOUBTFUL", "LOSS")
GUARANTEES = ("CREDIT", "GUARANTEE", "MORTGAGE", "PLEDGE")
PAYMENTS = ("ENTRUSTED", "SELF")
INDUSTRY_SECTIONS = frozenset("ABCDEFGHIJKLMNOPQRST")

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "branches": ("branch_code", "name", "level", "parent_code", "city", "lat", "lon"),
    "staff": ("employee_no", "name", "branch_code", "role", "phone", "active"),
    "customers": (
        "customer_no",
        "name",
        "uscc",
        "legal_rep",
        "legal_rep_id",
        "phone",
        "industry",
        "address",
        "lat",
        "lon",
        "branch_code",
        "manager_no",
    ),
    "loans": (
        "loan_no",
        "customer_no",
        "product",
        "amount",
        "balance",
        "rate",
        "disbursed_on",
        "maturity_on",
        "guarantee",
        "payment",
        "purpose",
        "classification",
        "overdue_days",
        "as_of",
    ),
}

_CHUNK = 900  # stays under every database's bound-parameter limit


@dataclass
class _Parsed:
    line: int
    key: Any
    values: dict[str, Any]


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def existing_keys(session: Session, column: InstrumentedAttribute[Any], keys: Iterable[Any]) -> set[Any]:
    """Which of ``keys`` the column holds, asked in chunks under the parameter limits."""
    found: set[Any] = set()
    key_list = list(set(keys))
    for part in _chunks(key_list):
        found.update(session.execute(select(column).where(column.in_(part))).scalars())
    return found


def key_map(
    session: Session,
    key: InstrumentedAttribute[Any],
    value: InstrumentedAttribute[Any],
    keys: Iterable[Any],
) -> dict[Any, Any]:
    """``value`` by ``key`` for the rows whose key is among ``keys`` (chunked likewise)."""
    found: dict[Any, Any] = {}
    key_list = list(set(keys))
    for part in _chunks(key_list):
        found.update(session.execute(select(key, value).where(key.in_(part))).all())
    return found


def _load(session: Session, model: type[Base], pk: str, keys: list[Any]) -> dict[Any, dict[str, Any]]:
    """Current rows by key, as plain dicts of column values."""
    table = model.__table__
    col = table.c[pk]
    out: dict[Any, dict[str, Any]] = {}
    for part in _chunks(keys):
        for row in session.execute(select(model).where(col.in_(part))).scalars():
            out[getattr(row, pk)] = {c.key: getattr(row, c.key) for c in table.columns}
        session.expunge_all()
    return out


class MasterImporter:
    """Validates and upserts one master-data file inside the caller's transaction."""

    def __init__(self, session: Session, now: dt.datetime) -> None:
        self.session = session
        self.now = now

    # -- per-kind row parsers: return the row's values or raise FieldError ---------------

    def _branch(self, r: dict[str, str], warnings: list[RowError], line: int) -> _Parsed:
        code = text_field(r, "branch_code", max_len=20)
        level = enum_field(r, "level", LEVELS)
        parent = text_field(r, "parent_code", required=False, max_len=20) or None
        if level == "HEAD" and parent:
            raise FieldError("parent_code", "BAD_PARENT", "the head office has no parent_code")
        if level != "HEAD" and not parent:
            raise FieldError("parent_code", "REQUIRED", f"a {level} needs a parent_code")
        point = point_field(r, required=False)
        if point and point.outside_china:
            warnings.append(outside_china_warning(line, point))
        values = {
            "code": code,
            "name": text_field(r, "name", max_len=100),
            "level": level,
            "parent_code": parent,
            "city": text_field(r, "city", required=False, max_len=50),
            **_point_columns(point),
        }
        return _Parsed(line, code, values)

    def _staff(self, r: dict[str, str], warnings: list[RowError], line: int) -> _Parsed:
        no = text_field(r, "employee_no", max_len=20)
        active = text_field(r, "active")
        if active not in ("1", "0"):
            raise FieldError("active", "BAD_VALUE", f"active {active!r} must be 1 or 0")
        values = {
            "employee_no": no,
            "name": text_field(r, "name", max_len=50),
            "branch_code": text_field(r, "branch_code", max_len=20),
            "role": enum_field(r, "role", ROLES),
            "phone": text_field(r, "phone", required=False, max_len=30),
            "active": active == "1",
        }
        return _Parsed(line, no, values)

    def _customer(self, r: dict[str, str], warnings: list[RowError], line: int) -> _Parsed:
        no = text_field(r, "customer_no", max_len=30)
        uscc = text_field(r, "uscc", max_len=18).upper()
        if not is_valid_uscc(uscc):
            raise FieldError(
                "uscc",
                "BAD_CHECK_DIGIT",
                f"uscc {uscc!r} is not a valid unified social credit code (GB 32100-2015)",
            )
        rep_id = text_field(r, "legal_rep_id", max_len=18).upper()
        if not is_valid_resident_id(rep_id):
            raise FieldError(
                "legal_rep_id",
                "BAD_CHECK_DIGIT",
                "legal_rep_id is not a valid resident ID number (GB 11643-1999)",
            )
        industry = text_field(r, "industry", required=False, max_len=2).upper()
        if industry and industry not in INDUSTRY_SECTIONS:
            raise FieldError("industry", "BAD_VALUE", f"industry {industry!r} is not a GB/T 4754 section A–T")
        point = point_field(r, required=False)
        if point is None:
            warnings.append(RowError(line, "lat", "NO_LOCATION", "the customer has no location"))
        elif point.outside_china:
            warnings.append(outside_china_warning(line, point))
        values = {
            "customer_no": no,
            "name": text_field(r, "name", max_len=200),
            "uscc": uscc,
            "legal_rep": text_field(r, "legal_rep", required=False, max_len=50),
            "legal_rep_id": rep_id,
            "phone": text_field(r, "phone", required=False, max_len=30),
            "industry": industry,
            "address": text_field(r, "address", required=False, max_len=300),
            "branch_code": text_field(r, "branch_code", max_len=20),
            "manager_no": text_field(r, "manager_no", max_len=20),
            **_point_columns(point),
        }
        return _Parsed(line, no, values)

    def _loan(self, r: dict[str, str], warnings: list[RowError], line: int) -> _Parsed:
        no = text_field(r, "loan_no", max_len=30)
        amount = money_field(r, "amount")
        balance = money_field(r, "balance")
        assert amount is not None
        assert balance is not None
        if amount <= 0:
            raise FieldError("amount", "OUT_OF_RANGE", "amount must be positive")
        if balance < 0:
            raise FieldError("balance", "OUT_OF_RANGE", "balance cannot be negative")
        rate = decimal_field(r, "rate", 6)
        if not (0 <= rate < 1):
            raise FieldError("rate", "OUT_OF_RANGE", f"rate {rate} is not an annual fraction such as 0.0435")
        disbursed, maturity = date_field(r, "disbursed_on"), date_field(r, "maturity_on")
        if maturity < disbursed:
            raise FieldError("maturity_on", "BAD_ORDER", "maturity_on is before disbursed_on")
        as_of = date_field(r, "as_of")
        values = {
            "loan_no": no,
            "customer_no": text_field(r, "customer_no", max_len=30),
            "product": text_field(r, "product", required=False, max_len=100),
            "amount": amount,
            "balance": balance,
            "rate": rate,
            "disbursed_on": disbursed,
            "maturity_on": maturity,
            "guarantee": enum_field(r, "guarantee", GUARANTEES),
            "payment": enum_field(r, "payment", PAYMENTS),
            "purpose": text_field(r, "purpose", required=False, max_len=200),
            "classification": enum_field(r, "classification", CLASSIFICATIONS),
            "overdue_days": int_field(r, "overdue_days", minimum=0),
            "as_of": as_of,
        }
        return _Parsed(line, (no, as_of), values)

    # -- the driver ------------------------------------------------------------------

    def run(self, kind: str, rows: Iterable[CsvRow], report: FileReport) -> None:
        parser: Callable[[dict[str, str], list[RowError], int], _Parsed] = {
            "branches": self._branch,
            "staff": self._staff,
            "customers": self._customer,
            "loans": self._loan,
        }[kind]
        parsed: list[_Parsed] = []
        seen: set[Any] = set()
        for row in rows:
            if "__extra__" in row.values:
                report.errors.append(
                    RowError(row.line, None, "EXTRA_FIELDS", "the row has more fields than the header")
                )
                continue
            try:
                item = parser(row.values, report.warnings, row.line)
            except FieldError as exc:
                report.errors.append(RowError(row.line, exc.field, exc.code, exc.message))
                continue
            if item.key in seen:
                report.errors.append(
                    RowError(row.line, None, "DUPLICATE_KEY", f"{item.key} appears twice in the file")
                )
                continue
            seen.add(item.key)
            parsed.append(item)
        checker = {
            "branches": self._check_branches,
            "staff": self._check_staff,
            "customers": self._check_customers,
            "loans": self._check_loans,
        }[kind]
        parsed = checker(parsed, report)
        if kind == "loans":
            self._upsert_loans(parsed, report)
        else:
            model, pk = {
                "branches": (Branch, "code"),
                "staff": (Staff, "employee_no"),
                "customers": (Customer, "customer_no"),
            }[kind]
            self._upsert(model, pk, parsed, report)
            if kind == "customers":
                self.match_signals([p.values for p in parsed])
        report.rejected = len(report.errors)
        report.errors.sort(key=lambda e: e.line or 0)

    def _reject(self, report: FileReport, item: _Parsed, field: str, code: str, message: str) -> None:
        report.errors.append(RowError(item.line, field, code, message))

    # -- reference checks ------------------------------------------------------------

    def _check_branches(self, parsed: list[_Parsed], report: FileReport) -> list[_Parsed]:
        known = {code: level for code, level in self.session.execute(select(Branch.code, Branch.level)).all()}
        in_file = {p.key: p.values["level"] for p in parsed}
        levels = {**known, **in_file}
        ok: list[_Parsed] = []
        for p in parsed:
            parent = p.values["parent_code"]
            want = PARENT_LEVEL[p.values["level"]]
            if parent is None:
                ok.append(p)
            elif parent not in levels:
                self._reject(
                    report, p, "parent_code", "UNKNOWN_REFERENCE", f"parent branch {parent!r} is unknown"
                )
            elif levels[parent] != want:
                self._reject(
                    report,
                    p,
                    "parent_code",
                    "BAD_PARENT",
                    f"the parent of a {p.values['level']} must be a {want}, {parent!r} is a {levels[parent]}",
                )
            else:
                ok.append(p)
        order = {lvl: i for i, lvl in enumerate(LEVELS)}
        return sorted(ok, key=lambda p: order[p.values["level"]])  # parents insert first

    def _check_refs(
        self,
        parsed: list[_Parsed],
        report: FileReport,
        field: str,
        column: InstrumentedAttribute[Any],
        what: str,
    ) -> list[_Parsed]:
        known = existing_keys(self.session, column, (p.values[field] for p in parsed))
        ok = []
        for p in parsed:
            if p.values[field] in known:
                ok.append(p)
            else:
                self._reject(report, p, field, "UNKNOWN_REFERENCE", f"{what} {p.values[field]!r} is unknown")
        return ok

    def _check_staff(self, parsed: list[_Parsed], report: FileReport) -> list[_Parsed]:
        return self._check_refs(parsed, report, "branch_code", Branch.code, "branch")

    def _check_customers(self, parsed: list[_Parsed], report: FileReport) -> list[_Parsed]:
        parsed = self._check_refs(parsed, report, "branch_code", Branch.code, "branch")
        parsed = self._check_refs(parsed, report, "manager_no", Staff.employee_no, "manager")
        # a USCC belongs to one customer: neither another row of this file nor another
        # customer already known may carry it
        owners: dict[str, str] = key_map(
            self.session, Customer.uscc, Customer.customer_no, (p.values["uscc"] for p in parsed)
        )
        ok = []
        for p in parsed:
            owner = owners.get(p.values["uscc"])
            if owner is not None and owner != p.key:
                self._reject(report, p, "uscc", "DUPLICATE_USCC", f"uscc already belongs to customer {owner}")
                continue
            owners[p.values["uscc"]] = p.key
            ok.append(p)
        return ok

    def _check_loans(self, parsed: list[_Parsed], report: FileReport) -> list[_Parsed]:
        return self._check_refs(parsed, report, "customer_no", Customer.customer_no, "customer")

    # -- writing -----------------------------------------------------------------------

    def _upsert(self, model: type[Base], pk: str, parsed: list[_Parsed], report: FileReport) -> None:
        current = _load(self.session, model, pk, [p.key for p in parsed])
        inserts, updates = [], []
        for p in parsed:
            old = current.get(p.key)
            if old is None:
                inserts.append({**p.values, "updated_at": self.now})
            elif any(old.get(k) != v for k, v in p.values.items()):
                updates.append({**p.values, "updated_at": self.now})
            else:
                report.unchanged += 1
        if inserts:
            self.session.execute(insert(model), inserts)
        if updates:
            self.session.execute(update(model), updates)
        report.imported += len(inserts) + len(updates)

    def _upsert_loans(self, parsed: list[_Parsed], report: FileReport) -> None:
        loans = _load(self.session, Loan, "loan_no", list({p.values["loan_no"] for p in parsed}))
        snaps: dict[tuple[str, dt.date], dict[str, Any]] = {}
        keys = [p.key for p in parsed]
        for part in _chunks(keys, 400):
            for s in self.session.execute(
                select(LoanSnapshot).where(tuple_(LoanSnapshot.loan_no, LoanSnapshot.as_of).in_(part))
            ).scalars():
                snaps[(s.loan_no, s.as_of)] = {
                    "id": s.id,
                    "classification": s.classification,
                    "overdue_days": s.overdue_days,
                    "balance": s.balance,
                }
            self.session.expunge_all()
        loan_inserts: dict[str, dict[str, Any]] = {}
        loan_updates: dict[str, dict[str, Any]] = {}
        snap_inserts, snap_updates = [], []
        # oldest first, so that the newest snapshot of a loan in the file wins
        for p in sorted(parsed, key=lambda p: p.values["as_of"]):
            v = p.values
            changed = False
            snap = {
                "classification": v["classification"],
                "overdue_days": v["overdue_days"],
                "balance": v["balance"],
            }
            old_snap = snaps.get(p.key)
            if old_snap is None:
                snap_inserts.append({"loan_no": v["loan_no"], "as_of": v["as_of"], **snap})
                changed = True
            elif any(old_snap[k] != snap[k] for k in snap):
                snap_updates.append({"id": old_snap["id"], **snap})
                changed = True
            no = v["loan_no"]
            old = loans.get(no)
            if old is None:
                loans[no] = dict(v)
                loan_inserts[no] = {**v, "updated_at": self.now}
                changed = True
            elif v["as_of"] >= old["as_of"] and any(old.get(k) != val for k, val in v.items()):
                loans[no] = {**old, **v}
                target = loan_inserts if no in loan_inserts else loan_updates
                target[no] = {**v, "updated_at": self.now}
                changed = True
            if changed:
                report.imported += 1
            else:
                report.unchanged += 1
        if loan_inserts:
            self.session.execute(insert(Loan), list(loan_inserts.values()))
        if loan_updates:
            self.session.execute(update(Loan), list(loan_updates.values()))
        if snap_inserts:
            self.session.execute(insert(LoanSnapshot), snap_inserts)
        if snap_updates:
            self.session.execute(update(LoanSnapshot), snap_updates)

    def match_signals(self, customers: list[dict[str, Any]] | None = None) -> int:
        """Attach unmatched signals to customers, by customer number or else by USCC."""
        unmatched = self.session.execute(
            select(RiskSignal.id, RiskSignal.sent_customer_no, RiskSignal.sent_uscc).where(
                RiskSignal.customer_no.is_(None)
            )
        ).all()
        if not unmatched:
            return 0
        if customers is None:
            nos = existing_keys(self.session, Customer.customer_no, (u[1] for u in unmatched if u[1]))
            by_no = {n: n for n in nos}
            by_uscc: dict[str, str] = key_map(
                self.session, Customer.uscc, Customer.customer_no, (u[2] for u in unmatched if u[2])
            )
        else:
            by_no = {c["customer_no"]: c["customer_no"] for c in customers}
            by_uscc = {c["uscc"]: c["customer_no"] for c in customers}
        updates = []
        for sid, sent_no, sent_uscc in unmatched:
            target = (by_no.get(sent_no) if sent_no else None) or (
                by_uscc.get(sent_uscc) if sent_uscc else None
            )
            if target:
                updates.append({"id": sid, "customer_no": target, "matched_at": self.now})
        if updates:
            self.session.execute(update(RiskSignal), updates)
        return len(updates)


def _point_columns(point: Any) -> dict[str, Any]:
    if point is None:
        return {"lat": None, "lon": None, "orig_lat": None, "orig_lon": None, "orig_crs": None}
    return {
        "lat": point.lat,
        "lon": point.lon,
        "orig_lat": point.orig_lat,
        "orig_lon": point.orig_lon,
        "orig_crs": point.orig_crs,
    }
