"""Reads that return plain values (never ORM objects)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.models import (
    Branch,
    Customer,
    Inspection,
    Loan,
    Photo,
    QuarantineEntry,
    RiskSignal,
    Staff,
    TrackPoint,
)


def counts(session: Session) -> dict[str, int]:
    """How much the database holds, for ``main.py stats`` and the status screens."""

    def count(stmt: object) -> int:
        return int(session.execute(stmt).scalar_one())  # type: ignore[call-overload]

    return {
        "branches": count(select(func.count()).select_from(Branch)),
        "staff": count(select(func.count()).select_from(Staff)),
        "customers": count(select(func.count()).select_from(Customer)),
        "loans": count(select(func.count()).select_from(Loan)),
        "signals": count(select(func.count()).select_from(RiskSignal)),
        "signals_unmatched": count(
            select(func.count()).select_from(RiskSignal).where(RiskSignal.customer_no.is_(None))
        ),
        "inspections": count(
            select(func.count()).select_from(Inspection).where(Inspection.is_current.is_(True))
        ),
        "inspection_revisions": count(select(func.count()).select_from(Inspection)),
        "photos": count(select(func.count()).select_from(Photo)),
        "track_points": count(select(func.count()).select_from(TrackPoint)),
        "quarantined": count(
            select(func.count()).select_from(QuarantineEntry).where(QuarantineEntry.state == "WAITING")
        ),
        "rejected_bundles": count(
            select(func.count()).select_from(QuarantineEntry).where(QuarantineEntry.state == "REJECTED")
        ),
    }
