"""Risk codes in words: signal sources and types, review states, customer issues, a
health score's breakdown and a task's reason (``data.rules.health.explain``).

Plain functions over plain values (the codes and JSON the core stores).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale

from widgets.labels import classification_name, opinion_name, tier_name


def _t(text: str) -> str:
    return QCoreApplication.translate("RiskWords", text)


def points_text(value: Any) -> str:
    return QLocale().toString(float(value or 0), "f", 1)


def source_name(source: str) -> str:
    return {
        "CREDIT_BUREAU": _t("Credit bureau"),
        "BUSINESS_REGISTRY": _t("Business registry"),
        "JUDICIAL": _t("Courts"),
        "TAX": _t("Tax"),
        "ACCOUNT_FLOW": _t("Account flows"),
        "UTILITIES": _t("Utilities"),
        "PUBLIC_OPINION": _t("Public opinion"),
        "ADMIN_PENALTY": _t("Administrative penalties"),
        "COLLATERAL": _t("Collateral"),
    }.get(source, source)


def signal_type_name(kind: str) -> str:
    return {
        "OVERDUE_ELSEWHERE": _t("Overdue at another lender"),
        "NEW_LENDERS": _t("New lenders"),
        "INQUIRY_SPIKE": _t("Many credit inquiries"),
        "GUARANTEE_DEFAULT": _t("Guarantee in default"),
        "GUARANTEE_LIABILITY_UP": _t("Guarantee liabilities up"),
        "EQUITY_PLEDGE": _t("Equity pledged"),
        "SHAREHOLDER_CHANGE": _t("Shareholder change"),
        "LEGAL_REP_CHANGE": _t("Legal representative change"),
        "EQUITY_FREEZE": _t("Equity frozen"),
        "ABNORMAL_OPERATION_LIST": _t("Listed for abnormal operation"),
        "ADDRESS_CHANGE": _t("Address change"),
        "DEREGISTRATION": _t("Deregistration"),
        "LAWSUIT_DEFENDANT": _t("Sued as defendant"),
        "ENFORCEMENT": _t("Enforcement"),
        "DISHONEST_DEBTOR": _t("Dishonest debtor"),
        "CONSUMPTION_RESTRICTION": _t("Consumption restriction"),
        "ACCOUNT_FROZEN": _t("Account frozen"),
        "TAX_ARREARS": _t("Tax arrears"),
        "CREDIT_GRADE_DOWN": _t("Tax credit grade down"),
        "INVOICE_DROP": _t("Invoices dropped"),
        "ABNORMAL_TAXPAYER": _t("Abnormal taxpayer"),
        "INFLOW_DROP": _t("Inflows dropped"),
        "RELATED_PARTY_OUTFLOW": _t("Outflows to related parties"),
        "FUNDS_DIVERSION": _t("Funds diverted"),
        "LARGE_CASH": _t("Large cash withdrawals"),
        "ELECTRICITY_DROP": _t("Electricity use dropped"),
        "WATER_DROP": _t("Water use dropped"),
        "UTILITY_ARREARS": _t("Utility arrears"),
        "NEGATIVE_NEWS": _t("Negative news"),
        "PRODUCTION_HALT": _t("Production halted"),
        "EXECUTIVE_MISSING": _t("Executive missing"),
        "ENVIRONMENTAL": _t("Environmental penalty"),
        "SAFETY": _t("Safety penalty"),
        "MARKET_REGULATION": _t("Market regulation penalty"),
        "VALUATION_DROP": _t("Collateral value dropped"),
        "COLLATERAL_SEIZED": _t("Collateral seized"),
        "INSURANCE_LAPSE": _t("Insurance lapsed"),
    }.get(kind, kind)


def review_status_name(status: str) -> str:
    return {"NEW": _t("Not reviewed"), "CONFIRMED": _t("Confirmed"), "DISMISSED": _t("Dismissed")}.get(
        status, status
    )


def issue_name(code: str) -> str:
    return {
        "OVERDUE_STILL_NORMAL": _t("Past due but still classified normal"),
        "OVERDUE_90_NOT_SUBSTANDARD": _t("More than 90 days past due, not yet substandard"),
        "OVERDUE_270_NOT_DOUBTFUL": _t("More than 270 days past due, not yet doubtful"),
        "OVERDUE_360_NOT_LOSS": _t("More than 360 days past due, not yet loss"),
    }.get(code, code)


def breakdown_lines(breakdown: dict[str, Any]) -> list[str]:
    """The score's factors in words, one line each (the breakdown JSON of
    ``data.rules.health.score_customer``)."""
    lines: list[str] = []
    sig = breakdown.get("signals") or {}
    if sig.get("points"):
        lines.append(
            _t("Risk signals: {points} points from {n} signals").format(
                points=points_text(sig["points"]), n=sig.get("count", 0)
            )
        )
        for item in sig.get("items", [])[:5]:
            lines.append(
                "  · "
                + _t("{source}: {type}, severity {severity}, {age} days old, {status}: +{points}").format(
                    source=source_name(str(item.get("source", ""))),
                    type=signal_type_name(str(item.get("type", ""))),
                    severity=item.get("severity", ""),
                    age=item.get("age_days", ""),
                    status=review_status_name(str(item.get("status", ""))),
                    points=points_text(item.get("points")),
                )
            )
    else:
        lines.append(_t("Risk signals: none that count"))
    loan = (breakdown.get("loan") or {}).get("loan")
    if loan and (breakdown.get("loan") or {}).get("points"):
        parts = []
        if loan.get("overdue_points"):
            parts.append(
                _t("{days} days past due +{points}").format(
                    days=loan["overdue_days"], points=points_text(loan["overdue_points"])
                )
            )
        if loan.get("classification_points"):
            parts.append(
                _t("classified {classification} +{points}").format(
                    classification=classification_name(loan["classification"]),
                    points=points_text(loan["classification_points"]),
                )
            )
        if loan.get("maturity_points"):
            parts.append(
                _t("matures in {days} days +{points}").format(
                    days=loan["days_to_maturity"], points=points_text(loan["maturity_points"])
                )
            )
        lines.append(
            _t("Worst loan {loan}: {points} points ({parts})").format(
                loan=loan["loan_no"], points=points_text(breakdown["loan"]["points"]), parts=", ".join(parts)
            )
        )
    else:
        lines.append(_t("Loans: no points"))
    insp = breakdown.get("inspection") or {}
    if insp.get("points"):
        lines.append(
            _t(
                "Latest inspection on {date}: {points} points (opinion {opinion} +{op}; {n} abnormal "
                "answers +{ap}; authenticity flags +{fp})"
            ).format(
                date=insp.get("started_on", ""),
                points=points_text(insp["points"]),
                opinion=opinion_name(insp.get("opinion")),
                op=points_text(insp.get("opinion_points")),
                n=insp.get("abnormal_answers", 0),
                ap=points_text(insp.get("abnormal_points")),
                fp=points_text(insp.get("flag_points")),
            )
        )
    else:
        lines.append(_t("Inspections: no points"))
    trend = breakdown.get("trend") or {}
    if trend.get("points"):
        lines.append(
            _t("Trend: the base score rose {change} in a month +{points}").format(
                change=points_text(trend.get("change")), points=points_text(trend["points"])
            )
        )
    floor = breakdown.get("floor")
    if floor:
        lines.append(
            _t("Tier at least {tier}: loan {loan} is classified {classification}").format(
                tier=tier_name(floor.get("tier")),
                loan=floor.get("loan_no", ""),
                classification=classification_name(floor.get("classification")),
            )
        )
    return lines


def task_reason_words(reason: str) -> str:
    """A task's reason (``explain``: "RED 180; SIGNAL JUDICIAL/ENFORCEMENT S4 #12 +24.9;
    OVERDUE L1 518d; ...") in words; a part it does not know stays as it is."""
    out: list[str] = []
    for i, part in enumerate(p.strip() for p in (reason or "").split(";")):
        bits = part.split()
        if not bits:
            continue
        try:
            out.append(_reason_part(i, bits))
        except (IndexError, ValueError):
            out.append(part)
    return "; ".join(out)


def _reason_part(i: int, bits: list[str]) -> str:
    head = bits[0]
    if i == 0 and head in ("NORMAL", "BLUE", "YELLOW", "ORANGE", "RED"):
        return _t("{tier}, score {score}").format(tier=tier_name(head), score=points_text(bits[1]))
    if head == "SIGNAL":
        source, _, kind = bits[1].partition("/")
        return _t("{source}: {type}, severity {severity} +{points}").format(
            source=source_name(source),
            type=signal_type_name(kind),
            severity=bits[2].lstrip("S"),
            points=points_text(bits[4].lstrip("+")),
        )
    if head == "OVERDUE":
        return _t("loan {loan} {days} days past due").format(loan=bits[1], days=int(bits[2].rstrip("d")))
    if head == "CLASSIFICATION":
        return _t("loan {loan} classified {classification}").format(
            loan=bits[1], classification=classification_name(bits[2])
        )
    if head == "MATURITY":
        return _t("loan {loan} matures in {days} days").format(loan=bits[1], days=int(bits[2].rstrip("d")))
    if head == "INSPECTION":
        return _t("inspection {id}: {opinion}, {abnormal} abnormal answers, {flags} flags").format(
            id=bits[1],
            opinion=opinion_name(bits[2]),
            abnormal=int(bits[3].partition("=")[2]),
            flags=int(bits[4].partition("=")[2]),
        )
    if head == "TREND":
        return _t("score rose {change} in a month").format(change=points_text(bits[1].lstrip("+")))
    if head == "FLOOR":
        return _t("at least {tier}: loan {loan} classified {classification}").format(
            tier=tier_name(bits[1]), loan=bits[2], classification=classification_name(bits[3])
        )
    raise ValueError(head)
