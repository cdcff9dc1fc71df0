"""`summarize`: one row per deal, in date order, with its figures in the deal's currency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..domain.figures import FIGURE_NAMES, Figures, deal_figures
from ..domain.overdue import due_dates, overdue_count
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
    "overdue",
    "complete",
    "path",
]
# Depend on the as-of date, so never kept with the rest of a row.
DATED_FIELDS = ("overdue", "path")
MONEY_FIELDS = FIGURE_NAMES


def _party_rows(deal: Deal, registry: Registry) -> list[dict[str, Any]]:
    return [
        {"name": party.name, "role": party.role_text, "group": registry.group(party)}
        for party in deal.parties
    ]


def summary_record(
    entry: Entry, ledger: Ledger, as_of: date, figures: Figures | None = None
) -> dict[str, Any]:
    """The spec's summarize object for one deal (also the base of `show`)."""
    record = summary_fields(entry.deal, ledger.registry, ledger.fx, figures)
    return _with_dated(record, due_dates(entry.deal), as_of, entry.display)


def _with_dated(record: dict[str, Any], due: list[date], as_of: date, path: str) -> dict[str, Any]:
    """The row with what depends on the day and the file's place, in the fields' order."""
    dated = {"overdue": overdue_count(due, as_of), "path": path}
    return {name: dated[name] if name in dated else record[name] for name in SUMMARY_FIELDS}


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
    return {name: record[name] for name in SUMMARY_FIELDS if name not in DATED_FIELDS}


def summary_records(ledger: Ledger, as_of: date) -> list[dict[str, Any]]:
    return list(iter_summary_records(ledger, as_of))


def iter_summary_records(ledger: Ledger, as_of: date) -> Iterator[dict[str, Any]]:
    """Every selected deal's summary, in order.

    A row without its `path` and overdue count depends only on the deal's file and the
    settings, so the ledger keeps it, with the days its expected tranches fall due, per file
    version (`Ledger.derived`): a warm run decodes no deal, whatever the as-of date.
    """
    rows = ledger.derived(
        "summary-due",
        lambda entry: [
            summary_fields(entry.deal, ledger.registry, ledger.fx),
            due_dates(entry.deal),
        ],
    )
    for entry, (row, due) in zip(ledger.entries, rows, strict=True):
        yield _with_dated(row, due, as_of, entry.display)


class CurrencyTotals:
    """Per-currency sums of the disclosed figures, for the table footer, added row by row (a
    table of 100,000 deals is written as its rows come)."""

    def __init__(self) -> None:
        self._totals: dict[str, dict[str, Decimal]] = defaultdict(
            lambda: dict.fromkeys(MONEY_FIELDS, Decimal(0))
        )

    def add(self, record: dict[str, Any]) -> None:
        currency = record["currency"]
        if currency is None or record["total"] is None:
            return
        sums = self._totals[currency]
        for name in MONEY_FIELDS:
            if record[name] is not None:
                sums[name] += record[name]

    def by_currency(self) -> dict[str, dict[str, Decimal]]:
        return dict(sorted(self._totals.items()))


def currency_totals(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Decimal]]:
    totals = CurrencyTotals()
    for record in records:
        totals.add(record)
    return totals.by_currency()
