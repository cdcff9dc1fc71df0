"""`show`: everything about one deal, with its computed figures and its problems.

The JSON object is the `summarize` object of the deal plus the detail (spec: "show ID
--format json"); the table form is a stack of small views built from that same object, so
the two can never disagree.
"""

from __future__ import annotations

import difflib
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain.errors import LEDGER_ERRORS, USAGE_ERRORS, DealledgerError
from ..domain.figures import CATEGORY_OF_TYPE, converted_amount, tranche_currency
from ..domain.fx import MissingRate
from ..domain.overdue import is_overdue
from ..ledger import Entry, Ledger
from ..rules.within_deal import tranche_parties
from .check import problem_record
from .summary import summary_record
from .terms import deal_terms, tranche_terms


class UnknownDeal(DealledgerError, LookupError):
    """No valid deal has the id; `suggestions` holds the nearest ids.

    A usage error (exit 2) for an id no file has; a ledger error (exit 1) where the deal's
    file has errors (`broken`).
    """

    def __init__(self, deal_id: str, suggestions: list[str], broken: bool) -> None:
        if broken:
            message = f"deal {deal_id!r} has errors; run `dealledger check` to see them"
        else:
            message = f"no deal has the id {deal_id!r}"
            if suggestions:
                message += "; did you mean " + ", ".join(suggestions) + "?"
        super().__init__(message, exit_code=LEDGER_ERRORS if broken else USAGE_ERRORS)
        self.suggestions = suggestions
        self.broken = broken


def find_deal(ledger: Ledger, deal_id: str) -> Entry:
    """The deal among the selected ones; an UnknownDeal error suggests close ids."""
    for entry in ledger.entries:
        if entry.deal_id == deal_id:
            return entry
    broken = any(
        problem.deal == deal_id and problem.severity.value == "error" for problem in ledger.problems
    )
    ids = [entry.deal_id for entry in ledger.entries]
    close = difflib.get_close_matches(deal_id, ids, n=3, cutoff=0.5)
    containing = [known for known in ids if deal_id and deal_id in known and known not in close]
    raise UnknownDeal(deal_id, (close + containing)[:5], broken)


def _tranche_record(entry: Entry, ledger: Ledger, position: int, as_of: date) -> dict[str, Any]:
    deal = entry.deal
    tranche = deal.tranches[position]
    payers, payees = tranche_parties(deal, tranche)
    converted: Decimal | None = None
    if tranche.type in CATEGORY_OF_TYPE and deal.currency is not None:
        try:
            converted = converted_amount(deal, tranche, deal.currency, ledger.fx)
        except MissingRate:
            converted = None
    return {
        "position": position + 1,
        "type": tranche.type,
        "label": tranche.label,
        "amount": tranche.amount,
        "currency": tranche_currency(deal, tranche) if tranche.amount is not None else None,
        "amount_in_deal_currency": converted,
        "payer": list(payers),
        "payee": list(payees),
        "status": tranche.status,
        "overdue": is_overdue(tranche, as_of),
        "due": tranche.due,
        "achieved": tranche.achieved,
        "paid": tranche.paid,
        "phase": tranche.phase,
        "asset": list(tranche.asset) if isinstance(tranche.asset, tuple) else tranche.asset,
        "probability": tranche.probability,
        "rate": tranche.rate,
        "tiers": [{"from": tier.start, "rate": tier.rate} for tier in tranche.tiers or ()],
        **tranche_terms(tranche),
    }


def related_records(entry: Entry, ledger: Ledger) -> list[dict[str, Any]]:
    """Related deals both ways: ones this deal lists, and ones that list this deal."""
    deal_id = entry.deal.id
    listed = list(entry.deal.related)
    listing = [
        other.deal_id
        for other in ledger.all_entries or ledger.entries
        if deal_id in other.facts.related and other.deal_id != deal_id
    ]
    records = []
    for other_id in dict.fromkeys(listed + listing):
        other = ledger.find(other_id)
        if other_id in listed and other_id in listing:
            direction = "both"
        elif other_id in listed:
            direction = "listed here"
        else:
            direction = "lists this deal"
        records.append(
            {
                "id": other_id,
                "title": other.deal.title if other else None,
                "direction": direction,
            }
        )
    return records


def show_record(entry: Entry, ledger: Ledger, as_of: date) -> dict[str, Any]:
    """The spec's `show ID --format json` object; `as_of` decides which tranches are overdue."""
    deal = entry.deal
    record = summary_record(entry, ledger, as_of)
    record.update(
        {
            "effective": deal.effective,
            "terminated": deal.terminated,
            "financials": deal.financials,
            "territory": list(deal.territory or ()),
            "therapeutic_areas": list(deal.therapeutic_areas),
            "tags": list(deal.tags),
            "summary": deal.summary,
            "notes": deal.notes,
            "assets": [
                {
                    "name": asset.name,
                    "code": asset.code,
                    "modality": asset.modality,
                    "target": asset.target,
                    "owner": asset.owner,
                    "indications": list(asset.indications),
                    "phase": asset.phase,
                }
                for asset in deal.assets
            ],
            "tranches": [
                _tranche_record(entry, ledger, position, as_of)
                for position in range(len(deal.tranches))
            ],
            "sources": [
                {
                    "url": source.url,
                    "title": source.title,
                    "publisher": source.publisher,
                    "published": source.published,
                }
                for source in deal.sources
            ],
            "related": related_records(entry, ledger),
            "problems": [
                problem_record(problem)
                for problem in ledger.problems
                if problem.deal == deal.id or problem.path == entry.display
            ],
            **deal_terms(deal),
        }
    )
    return record


# --- the human form ----------------------------------------------------------------------


SHOW_FIELDS = [
    "id",
    "title",
    "kind",
    "status",
    "announced",
    "signed",
    "effective",
    "terminated",
    "currency",
    "financials",
    "parties",
    "upfront",
    "milestone",
    "commercial",
    "other",
    "total",
    "declared_total",
    "paid",
    "forfeited",
    "outstanding",
    "overdue",
    "complete",
    "territory",
    "therapeutic_areas",
    "tags",
    "assets",
    "tranches",
    "sources",
    "related",
    "problems",
    "summary",
    "notes",
    "path",
]
