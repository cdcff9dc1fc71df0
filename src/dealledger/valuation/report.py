"""`value` report: plain records (the JSON document) and human views of a valuation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
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


_SUMMED = ("nominal", "unvalued_nominal", "risk_adjusted", "rnpv", "rnpv_high")


class Overall:
    """The ledger's figures, the sums of the deals' records, added deal by deal (the table
    of 100,000 deals is written as its rows come)."""

    def __init__(self) -> None:
        self.deals = 0
        self.sums = dict.fromkeys(_SUMMED, Decimal(0))
        self.headline: Decimal | None = None
        self.unvalued = 0

    def add(self, record: dict[str, Any]) -> None:
        self.deals += 1
        for name in _SUMMED:
            self.sums[name] += record[name]
        if record["headline"] is not None:
            self.headline = (self.headline or Decimal(0)) + record["headline"]
        self.unvalued += len(record["unvalued"])

    def record(self) -> dict[str, Any]:
        return {
            "deals": self.deals,
            **self.sums,
            "headline": self.headline,
            "share": share_of(self.sums["rnpv"], self.headline),
            "unvalued": self.unvalued,
        }


def overall_record(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    overall = Overall()
    for record in records:
        overall.add(record)
    return overall.record()


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
