"""`value` report: plain records (the JSON document) and human views of a valuation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain.assumptions import TRANSITION_SOURCE, Assumptions
from ..domain.codes import minor_unit
from ..domain.money import normalize
from ..render.view import Column, View, money_cell
from .model import DealValue, TrancheValue, Unvalued, percent, share_of

DEAL_FIELDS = [
    "id",
    "title",
    "nominal",
    "risk_adjusted",
    "rnpv",
    "rnpv_high",
    "headline",
    "share",
    "tranches",
    "unvalued",
]
TRANCHE_FIELDS = [
    "label",
    "type",
    "amount",
    "probability",
    "basis",
    "years",
    "discount_factor",
    "rnpv",
    "risk_adjusted",
    "date",
    "days",
    "timing",
    "amount_high",
    "rnpv_high",
]


def tranche_record(item: TrancheValue) -> dict[str, Any]:
    return {
        "label": item.label,
        "type": item.type,
        "amount": item.amount,
        "probability": item.probability,
        "basis": item.basis,
        "years": item.years,
        "discount_factor": item.discount_factor,
        "rnpv": item.rnpv,
        "risk_adjusted": item.risk_adjusted,
        "date": item.date,
        "days": item.days,
        "timing": item.timing,
        "amount_high": item.amount_high,
        "rnpv_high": item.rnpv_high,
    }


def unvalued_record(item: Unvalued) -> dict[str, Any]:
    return {"label": item.label, "type": item.type, "amount": item.amount, "reason": item.reason}


def deal_record(value: DealValue) -> dict[str, Any]:
    return {
        "id": value.deal_id,
        "title": value.title,
        "nominal": value.nominal,
        "risk_adjusted": value.risk_adjusted,
        "rnpv": value.rnpv,
        "rnpv_high": value.rnpv_high,
        "headline": value.headline,
        "share": value.share,
        "tranches": [tranche_record(item) for item in value.tranches],
        "unvalued": [unvalued_record(item) for item in value.unvalued],
    }


def overall_record(values: Sequence[DealValue]) -> dict[str, Any]:
    def total(name: str) -> Decimal:
        return sum((getattr(value, name) for value in values), Decimal(0))

    headlines = [value.headline for value in values if value.headline is not None]
    headline = sum(headlines, Decimal(0)) if headlines else None
    rnpv = total("rnpv")
    return {
        "deals": len(values),
        "nominal": total("nominal"),
        "risk_adjusted": total("risk_adjusted"),
        "rnpv": rnpv,
        "rnpv_high": total("rnpv_high"),
        "headline": headline,
        "share": share_of(rnpv, headline),
        "unvalued": sum(len(value.unvalued) for value in values),
    }


def assumptions_record(assumptions: Assumptions) -> dict[str, Any]:
    return {
        "rate_origin": assumptions.rate_origin,
        "pos_scale": assumptions.pos_scale,
        "transitions": {
            stage: {
                "probability": probability,
                "used": assumptions.transition(stage),
                "origin": assumptions.transition_origin.get(stage),
            }
            for stage, probability in assumptions.transitions.items()
        },
        "transition_source": TRANSITION_SOURCE,
        "delays": dict(assumptions.delays),
    }


def value_document(
    values: Sequence[DealValue], assumptions: Assumptions, as_of: date, currency: str
) -> dict[str, Any]:
    """The `value --format json` document."""
    return {
        "as_of": as_of,
        "rate": assumptions.rate,
        "currency": currency,
        "deals": [deal_record(value) for value in values],
        "overall": overall_record(values),
        "assumptions": assumptions_record(assumptions),
    }


def _share_cell(share: Decimal | None) -> str:
    return "—" if share is None else percent(share)


def _title(assumptions: Assumptions, as_of: date, currency: str) -> str:
    scale = f", PoS ×{normalize(assumptions.pos_scale)}" if assumptions.pos_scale != 1 else ""
    return (
        f"Value as of {as_of}, {currency}, discounted at {percent(assumptions.rate)} "
        f"({assumptions.rate_origin}){scale}"
    )


def value_view(
    values: Sequence[DealValue], assumptions: Assumptions, as_of: date, currency: str
) -> View:
    columns = [
        Column("Deal"),
        Column("Nominal outstanding", "right"),
        Column("Risk-adjusted", "right"),
        Column("rNPV", "right"),
        Column("Headline", "right"),
        Column("rNPV/headline", "right"),
        Column("Unvalued", "right"),
    ]
    rows = []
    for value in values:
        rows.append(
            [
                value.deal_id,
                money_cell(value.nominal, currency),
                money_cell(value.risk_adjusted, currency),
                money_cell(value.rnpv, currency)
                + (
                    ""
                    if value.rnpv_high == value.rnpv
                    else f" – {money_cell(value.rnpv_high, currency)}"
                ),
                money_cell(value.headline, currency, undisclosed=value.headline is None),
                _share_cell(value.share),
                str(len(value.unvalued)),
            ]
        )
    overall = overall_record(values)
    footer = [
        [
            f"Ledger ({overall['deals']} deal{'' if overall['deals'] == 1 else 's'})",
            money_cell(overall["nominal"], currency),
            money_cell(overall["risk_adjusted"], currency),
            money_cell(overall["rnpv"], currency)
            + (
                ""
                if overall["rnpv_high"] == overall["rnpv"]
                else f" – {money_cell(overall['rnpv_high'], currency)}"
            ),
            money_cell(overall["headline"], currency),
            _share_cell(overall["share"]),
            str(overall["unvalued"]),
        ]
    ]
    caption = (
        "Unvalued tranches are left out of every figure; see why with --explain DEAL_ID. "
        f"Transition probabilities: {TRANSITION_SOURCE}, overridden by dealledger.toml."
    )
    return View(columns, rows, footer, _title(assumptions, as_of, currency), caption)


def _exact(value: Decimal | None, currency: str) -> str:
    """Exact money for --explain: whole units without decimals, else to the minor unit."""
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return f"{currency} {normalize(value):,}"
    places = minor_unit(currency)
    return f"{currency} {value:,.{places}f}"


def explain_view(value: DealValue, assumptions: Assumptions, as_of: date) -> View:
    """Every tranche of one deal with each step of its figure, so it can be redone by hand."""
    currency = value.currency
    columns = [
        Column("#", "right"),
        Column("Tranche"),
        Column("Type"),
        Column("Amount", "right"),
        Column("Probability", "right"),
        Column("Probability basis"),
        Column("Date"),
        Column("Date basis"),
        Column("Years", "right"),
        Column("Discount factor", "right"),
        Column("Risk-adjusted", "right"),
        Column("rNPV", "right"),
    ]
    rows = []
    for item in value.tranches:
        high = "" if item.amount_high is None else f" – {_exact(item.amount_high, currency)}"
        rnpv_high = "" if item.rnpv_high is None else f" – {_exact(item.rnpv_high, currency)}"
        rows.append(
            [
                str(item.index + 1),
                item.label,
                item.type,
                _exact(item.amount, currency) + high,
                percent(item.probability),
                item.basis,
                item.date.isoformat(),
                item.timing,
                f"{item.years} ({item.days} d)",
                str(item.discount_factor),
                _exact(item.risk_adjusted, currency),
                _exact(item.rnpv, currency) + rnpv_high,
            ]
        )
    for missing, verdict in [
        *((item, "unvalued") for item in value.unvalued),
        *((item, "not to come") for item in value.settled),
    ]:
        rows.append(
            [
                str(missing.index + 1) if missing.index >= 0 else "",
                missing.label,
                missing.type or "",
                _exact(missing.amount, currency) if missing.amount is not None else "—",
                "—",
                f"{verdict}: {missing.reason}",
                "",
                "",
                "",
                "",
                "—",
                verdict,
            ]
        )
    footer = [
        [
            "",
            "Deal total",
            "",
            _exact(value.nominal, currency),
            "",
            "",
            "",
            "",
            "",
            "",
            _exact(value.risk_adjusted, currency),
            _exact(value.rnpv, currency)
            + ("" if value.rnpv_high == value.rnpv else f" – {_exact(value.rnpv_high, currency)}"),
        ]
    ]
    caption = (
        "rNPV = amount × probability × discount factor, rounded half-even to the minor unit; "
        f"discount factor = 1 / (1 + {percent(assumptions.rate)})^years rounded to 16 "
        "decimal places, years = days from the valuation date / 365.25 (never negative). "
        f"Headline {_exact(value.headline, currency)}; rNPV/headline {_share_cell(value.share)}."
    )
    title = f"{value.deal_id}: " + _title(assumptions, as_of, currency)
    return View(columns, rows, footer, title, caption)
