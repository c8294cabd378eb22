"""Risk signals from the big-data platform, and the monthly files that deliver them.

Rules:

* Signals span the twelve months before ``today``; each is detected one hour to three
  days after it occurred, and never later than the day before ``today``.
* Troubled customers (关注 and worse) draw several times as many signals, more severe and
  more recent ones; over the whole set severity is skewed low (mostly blue and yellow).
* External sources (registry, courts, tax, news, penalties) often know only the USCC;
  the bank's own sources (credit bureau report, account flow, utilities, collateral) give
  the customer number. A handful of signals name a customer the bank does not have
  (an unknown customer number, or an unknown but well-formed USCC): they stay unmatched.
* One file a month, named by its delivery date (the first day of the next month, or
  ``today`` for the current month). The oldest month is GB18030-encoded CSV, the sixth
  is UTF-8 with a byte-order mark, the fourth and ninth are JSON lines, the rest UTF-8 CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from dataclasses import dataclass
from decimal import Decimal

from data.demo import catalog
from data.demo.common import CST, cumulative, iso, money, weighted_index
from data.demo.world import World, make_uscc

SIGNAL_COLUMNS = (
    "source",
    "signal_id",
    "customer_no",
    "uscc",
    "type",
    "severity",
    "occurred_at",
    "detected_at",
    "title",
    "detail",
    "amount",
)
_CUSTOMER_WEIGHT = {
    "NORMAL": 1.0,
    "SPECIAL_MENTION": 4.0,
    "SUBSTANDARD": 6.0,
    "DOUBTFUL": 8.0,
    "LOSS": 8.0,
}
_GB18030_MONTH = 0
_BOM_MONTH = 5
_JSONL_MONTHS = (3, 8)


@dataclass(frozen=True)
class Signal:
    """One signal row. ``customer_no`` or ``uscc`` may be empty, never both; ``matched``
    says whether it names a customer the demo bank has."""

    source: str
    signal_id: str
    customer_no: str
    uscc: str
    type: str
    severity: int
    occurred_at: dt.datetime
    detected_at: dt.datetime
    title: str
    detail: str
    amount: Decimal | None
    matched: bool


@dataclass(frozen=True)
class SignalFile:
    """A delivered file: its path under the output folder, bytes and encoding."""

    path: str
    data: bytes
    encoding: str
    rows: int


def build_signals(world: World, seed: int) -> list[Signal]:
    """All signals of the demo bank, ordered by detection time."""
    rng = random.Random(f"{seed}/signals")
    config = world.config
    customers = world.customers
    cust_cum = cumulative([_CUSTOMER_WEIGHT[c.classification] for c in customers])
    source_cum = cumulative([weight for _, _, weight, _, _ in catalog.SIGNAL_SOURCES])
    last_moment = dt.datetime.combine(world.today, dt.time(0, 0), CST) - dt.timedelta(hours=1)
    window = dt.timedelta(days=365)
    counters: dict[str, int] = {}

    drafts: list[tuple[dt.datetime, Signal]] = []
    matched_count = config.signals - config.unmatched_signals
    for number in range(config.signals):
        unmatched = number >= matched_count
        source, prefix, _, external, types = catalog.SIGNAL_SOURCES[weighted_index(rng, source_cum)]
        if unmatched:
            customer = None
            troubled = False
        else:
            customer = customers[weighted_index(rng, cust_cum)]
            troubled = customer.classification != "NORMAL"
        if troubled:
            type_cum = cumulative([float(t.severity) for t in types])
        else:
            type_cum = cumulative([1.0 / (t.severity**2) for t in types])
        kind = types[weighted_index(rng, type_cum)]
        severity = kind.severity
        if troubled and rng.random() < 0.3:
            severity = min(4, severity + 1)
        elif not troubled and rng.random() < 0.5:
            severity = max(1, severity - 1)

        # Troubled customers' signals cluster in recent months.
        age = rng.random() ** (2.0 if troubled else 1.0)
        occurred = last_moment - window * age - dt.timedelta(hours=rng.uniform(1, 72))
        occurred = occurred.replace(second=0, microsecond=0)
        detected = min(occurred + dt.timedelta(minutes=rng.randint(60, 72 * 60)), last_moment)

        base = customer.total_amount if customer else Decimal(rng.randint(20, 300) * 10_000)
        amount = None
        if kind.has_amount:
            amount = Decimal(int(base * Decimal(rng.uniform(0.05, 0.6)) / 100) * 100)
        detail = kind.detail.format(
            amount=f"{amount / 10_000:.1f}" if amount is not None else "",
            n=rng.randint(2, 9),
            pct=rng.randint(20, 80),
        )
        if kind.code == "OVERDUE_ELSEWHERE":
            detail = f"{rng.choice(catalog.OTHER_BANKS)}:{detail}"

        if customer is None:
            if number % 3 == 2:  # an unknown but well-formed USCC
                customer_no, uscc = "", make_uscc(rng, "130100")
            else:  # a customer number from a system the bank has not loaded yet
                customer_no, uscc = f"C9{rng.randrange(1_000_000):06d}", ""
        elif external:
            roll = rng.random()
            customer_no = "" if roll < 0.3 else customer.customer_no
            uscc = customer.uscc
        else:
            customer_no = customer.customer_no
            uscc = customer.uscc if rng.random() < 0.4 else ""

        seq = counters.get(prefix, 0) + 1
        counters[prefix] = seq
        drafts.append(
            (
                detected,
                Signal(
                    source=source,
                    signal_id=f"{prefix}-{detected:%Y%m%d}-{seq:06d}",
                    customer_no=customer_no,
                    uscc=uscc,
                    type=kind.code,
                    severity=severity,
                    occurred_at=occurred,
                    detected_at=detected,
                    title=kind.title,
                    detail=detail,
                    amount=amount,
                    matched=customer is not None,
                ),
            )
        )
    drafts.sort(key=lambda pair: (pair[0], pair[1].source, pair[1].signal_id))
    return [signal for _, signal in drafts]


def signal_files(signals: list[Signal], today: dt.date) -> list[SignalFile]:
    """Group signals into monthly delivery files (see the module rules for formats)."""
    months: dict[tuple[int, int], list[Signal]] = {}
    for signal in signals:
        local = signal.detected_at.astimezone(CST)
        months.setdefault((local.year, local.month), []).append(signal)
    files: list[SignalFile] = []
    for index, ((year, month), rows) in enumerate(sorted(months.items())):
        next_first = dt.date(year + month // 12, month % 12 + 1, 1)
        delivered = min(next_first, today)
        stem = f"signals/signals-{delivered:%Y%m%d}"
        if index in _JSONL_MONTHS:
            files.append(SignalFile(f"{stem}.jsonl", _jsonl(rows), "utf-8", len(rows)))
            continue
        text = _csv(rows)
        if index == _GB18030_MONTH:
            files.append(SignalFile(f"{stem}.csv", text.encode("gb18030"), "gb18030", len(rows)))
        elif index == _BOM_MONTH:
            files.append(SignalFile(f"{stem}.csv", text.encode("utf-8-sig"), "utf-8-sig", len(rows)))
        else:
            files.append(SignalFile(f"{stem}.csv", text.encode("utf-8"), "utf-8", len(rows)))
    return files


def _csv(rows: list[Signal]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SIGNAL_COLUMNS)
    for s in rows:
        writer.writerow(
            (
                s.source,
                s.signal_id,
                s.customer_no,
                s.uscc,
                s.type,
                s.severity,
                iso(s.occurred_at),
                iso(s.detected_at),
                s.title,
                s.detail,
                money(s.amount) if s.amount is not None else "",
            )
        )
    return out.getvalue()


def _jsonl(rows: list[Signal]) -> bytes:
    """One JSON object a line; fields with no value are left out, ``severity`` is a number
    and ``amount`` a decimal string."""
    lines: list[str] = []
    for s in rows:
        record: dict[str, object] = {"source": s.source, "signal_id": s.signal_id}
        if s.customer_no:
            record["customer_no"] = s.customer_no
        if s.uscc:
            record["uscc"] = s.uscc
        record.update(
            type=s.type,
            severity=s.severity,
            occurred_at=iso(s.occurred_at),
            detected_at=iso(s.detected_at),
            title=s.title,
            detail=s.detail,
        )
        if s.amount is not None:
            record["amount"] = money(s.amount)
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")
