"""`summarize`: one row per deal, in date order, with its figures in the deal's currency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..domain.figures import FIGURE_NAMES, Figures, deal_figures
from ..ledger import Entry, Ledger

if TYPE_CHECKING:
    from ..domain.fx import FxTable
    from ..domain.models import Deal
    from ..domain.registry import Registry

SUMMARY_FIELDS = [
    "id",
    "title",
    "kind",
    "status",
    "announced",
    "signed",
    "currency",
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
    "complete",
    "path",
]
MONEY_FIELDS = FIGURE_NAMES


def _party_rows(deal: Deal, registry: Registry) -> list[dict[str, Any]]:
    return [
        {"name": party.name, "role": party.role_text, "group": registry.group(party)}
        for party in deal.parties
    ]


def summary_record(entry: Entry, ledger: Ledger, figures: Figures | None = None) -> dict[str, Any]:
    """The spec's summarize object for one deal (also the base of `show`)."""
    record = summary_fields(entry.deal, ledger.registry, ledger.fx, figures)
    record["path"] = entry.display
    return record


def summary_fields(
    deal: Deal, registry: Registry, fx: FxTable, figures: Figures | None = None
) -> dict[str, Any]:
    """The summarize object without its `path`: what depends on the file and settings only."""
    figures = figures or deal_figures(deal, fx)
    record: dict[str, Any] = {
        "id": deal.id,
        "title": deal.title,
        "kind": deal.kind,
        "status": deal.status,
        "announced": deal.announced,
        "signed": deal.signed,
        "currency": deal.currency,
        "parties": _party_rows(deal, registry),
        **figures.as_dict(),
        "declared_total": deal.total.value if deal.total is not None else None,
        "complete": figures.complete,
    }
    return {name: record[name] for name in SUMMARY_FIELDS if name != "path"}


def summary_records(ledger: Ledger) -> list[dict[str, Any]]:
    return list(iter_summary_records(ledger))


def iter_summary_records(ledger: Ledger) -> Iterator[dict[str, Any]]:
    """Every selected deal's summary, in order.

    A row without its `path` depends only on the deal's file and the settings, so the ledger
    keeps it per file version (`Ledger.derived`): a warm run decodes no deal.
    """
    rows = ledger.derived(
        "summary", lambda entry: summary_fields(entry.deal, ledger.registry, ledger.fx)
    )
    for entry, row in zip(ledger.entries, rows, strict=True):
        row["path"] = entry.display
        yield row


def currency_totals(records: list[dict[str, Any]]) -> dict[str, dict[str, Decimal]]:
    """Per-currency sums of the disclosed figures, for the table footer."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(MONEY_FIELDS, Decimal(0))
    )
    for record in records:
        currency = record["currency"]
        if currency is None or record["total"] is None:
            continue
        for name in MONEY_FIELDS:
            if record[name] is not None:
                totals[currency][name] += record[name]
    return dict(sorted(totals.items()))
