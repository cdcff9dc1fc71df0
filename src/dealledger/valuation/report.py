"""`value` report: plain records (the JSON document) and human views of a valuation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain.assumptions import TRANSITION_SOURCE, Assumptions
from .model import DealValue, TrancheValue, Unvalued, share_of

DEAL_FIELDS = [
    "id",
    "title",
    "nominal",
    "unvalued_nominal",
    "risk_adjusted",
    "rnpv",
    "rnpv_high",
    "headline",
    "headline_basis",
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
        "unvalued_nominal": value.unvalued_nominal,
        "risk_adjusted": value.risk_adjusted,
        "rnpv": value.rnpv,
        "rnpv_high": value.rnpv_high,
        "headline": value.headline,
        "headline_basis": value.headline_basis,
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
        "unvalued_nominal": total("unvalued_nominal"),
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
        "option_exercise": {
            "probability": assumptions.option_exercise,
            "origin": assumptions.option_exercise_origin,
        },
        "combined_sales_share": {
            "share": assumptions.combined_sales_share,
            "origin": assumptions.combined_sales_share_origin,
        },
        "sales_thresholds": {
            "bands": [
                {"from": floor, "probability": probability}
                for floor, probability in sorted(assumptions.sales_thresholds.items())
            ],
            "origin": assumptions.sales_thresholds_origin,
        },
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
