"""`value` report: plain records (the JSON document) and human views of a valuation."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..domain.assumptions import TRANSITION_SOURCE, Assumptions
from .model import DealValue, TrancheValue, Unvalued, share_of, value_deal

if TYPE_CHECKING:
    from ..ledger import Entry, Ledger

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


VALUE_PREFIX = "value|"


def deal_records(
    ledger: Ledger, assumptions: Assumptions, as_of: date, currency: str
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each selected deal's `value --format json` record, with its settled (paid, forfeited)
    tranches beside it for the explanations.

    A deal's valuation depends only on its file, the settings and what the kept name spells
    out (the valuation date, rate, PoS scale and currency), so the ledger keeps the records
    per file version: a warm run decodes no deal. Only the last date and rates asked are kept.
    """
    name = VALUE_PREFIX + "|".join(
        [as_of.isoformat(), str(assumptions.rate), str(assumptions.pos_scale), currency]
    )

    def compute(entry: Entry) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        value = value_deal(entry.deal, assumptions, as_of, currency, ledger.fx)
        return deal_record(value), [unvalued_record(item) for item in value.settled]

    return ledger.derived(name, compute, replaces=VALUE_PREFIX)


def overall_record(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The ledger's figures: the sums of the deals' records."""

    def total(name: str) -> Decimal:
        return sum((record[name] for record in records), Decimal(0))

    headlines = [record["headline"] for record in records if record["headline"] is not None]
    headline = sum(headlines, Decimal(0)) if headlines else None
    rnpv = total("rnpv")
    return {
        "deals": len(records),
        "nominal": total("nominal"),
        "unvalued_nominal": total("unvalued_nominal"),
        "risk_adjusted": total("risk_adjusted"),
        "rnpv": rnpv,
        "rnpv_high": total("rnpv_high"),
        "headline": headline,
        "share": share_of(rnpv, headline),
        "unvalued": sum(len(record["unvalued"]) for record in records),
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
    records: Sequence[dict[str, Any]], assumptions: Assumptions, as_of: date, currency: str
) -> dict[str, Any]:
    """The `value --format json` document, of the deals' records (`deal_records`)."""
    return {
        "as_of": as_of,
        "rate": assumptions.rate,
        "currency": currency,
        "deals": list(records),
        "overall": overall_record(records),
        "assumptions": assumptions_record(assumptions),
    }
