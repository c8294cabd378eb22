"""Risk signals from the big-data platform (``signals*.csv`` and ``signals*.jsonl``).

Rules: upsert by (``source``, ``signal_id``); at least one of ``customer_no`` and
``uscc``; a signal for a customer the workstation does not know is kept unmatched, and is
matched when the customer arrives; a type not listed for its source is accepted with a
warning and scored with its given severity.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from data.ingest.common import (
    CsvRow,
    FieldError,
    FileReport,
    RowError,
    enum_field,
    int_field,
    money_field,
    text_field,
    time_field,
)
from data.ingest.master import existing_keys, key_map
from data.models import Customer, RiskSignal

SIGNAL_TYPES: dict[str, tuple[str, ...]] = {
    "CREDIT_BUREAU": ("OVERDUE_ELSEWHERE", "NEW_LENDERS", "GUARANTEE_LIABILITY_UP", "INQUIRY_SPIKE"),
    "BUSINESS_REGISTRY": (
        "LEGAL_REP_CHANGE",
        "SHAREHOLDER_CHANGE",
        "EQUITY_PLEDGE",
        "EQUITY_FREEZE",
        "ABNORMAL_OPERATION_LIST",
        "ADDRESS_CHANGE",
        "DEREGISTRATION",
    ),
    "JUDICIAL": (
        "LAWSUIT_DEFENDANT",
        "ENFORCEMENT",
        "DISHONEST_DEBTOR",
        "CONSUMPTION_RESTRICTION",
        "ACCOUNT_FROZEN",
    ),
    "TAX": ("TAX_ARREARS", "CREDIT_GRADE_DOWN", "INVOICE_DROP", "ABNORMAL_TAXPAYER"),
    "ACCOUNT_FLOW": ("INFLOW_DROP", "RELATED_PARTY_OUTFLOW", "FUNDS_DIVERSION", "LARGE_CASH"),
    "UTILITIES": ("ELECTRICITY_DROP", "WATER_DROP", "UTILITY_ARREARS"),
    "PUBLIC_OPINION": ("NEGATIVE_NEWS", "PRODUCTION_HALT", "EXECUTIVE_MISSING"),
    "ADMIN_PENALTY": ("ENVIRONMENTAL", "SAFETY", "MARKET_REGULATION"),
    "COLLATERAL": ("VALUATION_DROP", "COLLATERAL_SEIZED", "INSURANCE_LAPSE"),
}
REQUIRED_COLUMNS = ("source", "signal_id", "type", "severity", "occurred_at", "detected_at", "title")
_COMPARED = (
    "sent_customer_no",
    "sent_uscc",
    "type",
    "type_known",
    "severity",
    "occurred_at",
    "detected_at",
    "title",
    "detail",
    "amount",
)


def jsonl_rows(text: str) -> Iterator[CsvRow]:
    """One JSON object a line; a line that is not an object becomes a row error."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield CsvRow(number, {"__invalid__": f"not valid JSON: {exc.msg}"})
            continue
        if not isinstance(value, dict):
            yield CsvRow(number, {"__invalid__": "the line is not a JSON object"})
            continue
        yield CsvRow(number, value)


def _parse(row: dict[str, Any], line: int, warnings: list[RowError]) -> dict[str, Any]:
    source = enum_field(row, "source", tuple(SIGNAL_TYPES))
    sent_no = text_field(row, "customer_no", required=False, max_len=30) or None
    sent_uscc = (text_field(row, "uscc", required=False, max_len=18) or "").upper() or None
    if not sent_no and not sent_uscc:
        raise FieldError("customer_no", "REQUIRED", "a signal needs customer_no or uscc")
    sig_type = text_field(row, "type", max_len=40)
    known = sig_type in SIGNAL_TYPES[source]
    if not known:
        warnings.append(
            RowError(line, "type", "UNKNOWN_SIGNAL_TYPE", f"type {sig_type!r} is not listed for {source}")
        )
    severity = int_field(row, "severity")
    if severity not in (1, 2, 3, 4):
        raise FieldError("severity", "OUT_OF_RANGE", f"severity {severity} must be 1 (blue) to 4 (red)")
    occurred = time_field(row, "occurred_at")
    detected = time_field(row, "detected_at")
    return {
        "source": source,
        "signal_id": text_field(row, "signal_id", max_len=100),
        "sent_customer_no": sent_no,
        "sent_uscc": sent_uscc,
        "type": sig_type,
        "type_known": known,
        "severity": severity,
        "occurred_at": occurred,
        "detected_at": detected,
        "title": text_field(row, "title", required=False, max_len=300),
        "detail": text_field(row, "detail", required=False, max_len=10_000),
        "amount": money_field(row, "amount", required=False),
    }


def import_signals(session: Session, rows: Iterable[CsvRow], report: FileReport, now: dt.datetime) -> None:
    """Validate and upsert one signals file inside the caller's transaction."""
    parsed: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if "__invalid__" in row.values or "__extra__" in row.values:
            message = row.values.get("__invalid__", "the row has more fields than the header")
            report.errors.append(RowError(row.line, None, "BAD_ROW", str(message)))
            continue
        try:
            values = _parse(row.values, row.line, report.warnings)
        except FieldError as exc:
            report.errors.append(RowError(row.line, exc.field, exc.code, exc.message))
            continue
        key = (values["source"], values["signal_id"])
        if key in parsed:
            report.errors.append(
                RowError(row.line, "signal_id", "DUPLICATE_KEY", f"{key} appears twice in the file")
            )
            continue
        parsed[key] = values
    report.rejected = len(report.errors)

    existing: dict[tuple[str, str], dict[str, Any]] = {}
    keys = list(parsed)
    for i in range(0, len(keys), 400):
        for sig in session.execute(
            select(RiskSignal).where(tuple_(RiskSignal.source, RiskSignal.signal_id).in_(keys[i : i + 400]))
        ).scalars():
            existing[(sig.source, sig.signal_id)] = {
                c: getattr(sig, c) for c in (*_COMPARED, "id", "customer_no")
            }
        session.expunge_all()

    known_nos = existing_keys(
        session,
        Customer.customer_no,
        (v["sent_customer_no"] for v in parsed.values() if v["sent_customer_no"]),
    )
    by_uscc: dict[str, str] = key_map(
        session,
        Customer.uscc,
        Customer.customer_no,
        (v["sent_uscc"] for v in parsed.values() if v["sent_uscc"]),
    )

    inserts, updates = [], []
    for key, v in parsed.items():
        target = (
            v["sent_customer_no"] if v["sent_customer_no"] in known_nos else by_uscc.get(v["sent_uscc"] or "")
        )
        old = existing.get(key)
        if old is None:
            inserts.append(
                {**v, "customer_no": target, "imported_at": now, "matched_at": now if target else None}
            )
        elif any(old[c] != v[c] for c in _COMPARED):
            change = {**v, "id": old["id"]}
            if old["customer_no"] != target:
                change.update(customer_no=target, matched_at=now if target else None)
            updates.append(change)
        else:
            report.unchanged += 1
    if inserts:
        session.execute(insert(RiskSignal), inserts)
    if updates:
        session.execute(update(RiskSignal), updates)
    report.imported += len(inserts) + len(updates)
    report.errors.sort(key=lambda e: e.line or 0)
