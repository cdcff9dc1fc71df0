"""The reporting currency of a ledger-wide report, and conversion into it.

Totals across deals only mean something in one currency. The choice is the user's
(`--currency`), else the ledger's (`dealledger.toml` `currency`); only where neither is set
and every amount selected is already in one currency is that currency taken silently.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..domain.errors import LedgerError, UsageError
from ..ledger import Entry, Ledger

if TYPE_CHECKING:
    from ..domain.fx import MissingRate


class CurrencyChoiceError(UsageError, ValueError):
    """Several currencies and no reporting currency: the user must choose."""


class ConversionError(LedgerError, LookupError):
    """A tranche the report needs converted has no FX rate."""

    def __init__(self, missing: MissingRate, entry: Entry, position: int) -> None:
        super().__init__(f"{entry.display}: tranche {position + 1} of {entry.deal.id}: {missing}")
        self.missing = missing
        self.entry = entry


def selection_currencies(ledger: Ledger) -> list[str]:
    """Currencies of the disclosed amounts in the selected deals, sorted."""
    from ..domain.figures import tranche_currency

    found: set[str] = set()
    for entry in ledger.entries:
        for tranche in entry.deal.tranches:
            currency = tranche_currency(entry.deal, tranche)
            if tranche.disclosed_amount is not None and currency is not None:
                found.add(currency)
    return sorted(found)


def reporting_currency(ledger: Ledger, override: str | None) -> str | None:
    """`--currency`, else the settings', else the selection's only currency (None: no amounts)."""
    if override:
        return override.upper()
    if ledger.settings_currency:
        return ledger.settings_currency
    currencies = selection_currencies(ledger)
    if len(currencies) > 1:
        raise CurrencyChoiceError(
            f"the selected deals have amounts in {', '.join(currencies)} and dealledger.toml "
            "sets no reporting currency; pass --currency "
            f'{currencies[0]} (or another), or set currency = "{currencies[0]}" in dealledger.toml'
        )
    return currencies[0] if currencies else None


def convert(entry: Entry, position: int, target: str | None, ledger: Ledger) -> Decimal | None:
    """A tranche's disclosed amount in `target`, straight from its own currency, rounded."""
    from ..domain.figures import conversion_date, tranche_currency
    from ..domain.fx import MissingRate

    deal = entry.deal
    tranche = deal.tranches[position]
    amount = tranche.disclosed_amount
    source = tranche_currency(deal, tranche)
    if amount is None or source is None or target is None:
        return None
    try:
        return ledger.fx.convert(amount, source, target, conversion_date(deal, tranche))
    except MissingRate as missing:
        raise ConversionError(missing, entry, position) from None
