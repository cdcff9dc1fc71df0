"""What a deal adds up to (spec: "What a deal adds up to"), in one currency.

Undisclosed is not zero: each figure sums the disclosed amounts it covers and is `None` only
where every amount it covers is undisclosed, so a reader never mistakes "not told" for
"nothing".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fx import FxTable
    from .models import Deal, Tranche


CATEGORY_OF_TYPE: dict[str, str] = {
    "upfront": "upfront",
    "milestone": "milestone",
    "commercial": "commercial",
    "equity": "other",
    "option": "other",
    "funding": "other",
    # A payment combining several kinds (its `parts`) counts as `other`, as in version 1.
    "mixed": "other",
    "other": "other",
}
CATEGORIES = ("upfront", "milestone", "commercial", "other")
# Every money figure of a deal or a group of deals, in the spec's order.
FIGURE_NAMES: tuple[str, ...] = (*CATEGORIES, "total", "paid", "forfeited", "outstanding")


@dataclass(frozen=True, slots=True)
class Figures:
    upfront: Decimal | None
    milestone: Decimal | None
    commercial: Decimal | None
    other: Decimal | None
    total: Decimal | None
    paid: Decimal | None
    forfeited: Decimal | None
    outstanding: Decimal | None
    complete: bool

    def as_dict(self) -> dict[str, Decimal | None]:
        return {name: getattr(self, name) for name in FIGURE_NAMES}


def conversion_date(deal: Deal, tranche: Tranche) -> date:
    """The FX date rule: the tranche's paid date (the first day of `paid_in`), else the
    deal's signed, else announced."""
    return tranche.paid_date or deal.date


def tranche_currency(deal: Deal, tranche: Tranche) -> str | None:
    return tranche.currency or deal.currency


def converted_amount(deal: Deal, tranche: Tranche, target: str, fx: FxTable) -> Decimal | None:
    """A tranche's disclosed amount in `target`; raises MissingRate where no rate covers it."""
    amount = tranche.disclosed_amount
    source = tranche_currency(deal, tranche)
    if amount is None or source is None:
        return None
    return fx.convert(amount, source, target, conversion_date(deal, tranche))


def sum_disclosed(amounts: Iterable[Decimal | None]) -> Decimal | None:
    """Sum of the disclosed amounts; None only where there were amounts and all undisclosed."""
    values = list(amounts)
    disclosed = [value for value in values if value is not None]
    if values and not disclosed:
        return None
    return sum(disclosed, Decimal(0))


def deal_figures(deal: Deal, fx: FxTable, currency: str | None = None) -> Figures:
    """Figures in `currency` (default: the deal's own), converting tranche by tranche."""
    target = currency or deal.currency
    if deal.financials != "disclosed" or target is None:
        return Figures(
            None, None, None, None, None, None, None, None, complete=deal.financials == "none"
        )
    by_category: dict[str, list[Decimal | None]] = {name: [] for name in CATEGORIES}
    paid: list[Decimal | None] = []
    forfeited: list[Decimal | None] = []
    complete = True
    for tranche in deal.tranches:
        category = CATEGORY_OF_TYPE.get(tranche.type)
        if category is None:
            continue
        amount = converted_amount(deal, tranche, target, fx)
        complete = complete and amount is not None
        by_category[category].append(amount)
        if tranche.status == "paid":
            paid.append(amount)
        elif tranche.status == "forfeited":
            forfeited.append(amount)
    sums = {name: sum_disclosed(values) for name, values in by_category.items()}
    total = sum_disclosed(value for values in by_category.values() for value in values)
    paid_sum = sum_disclosed(paid)
    forfeited_sum = sum_disclosed(forfeited)
    outstanding = (
        None if total is None else total - (paid_sum or Decimal(0)) - (forfeited_sum or Decimal(0))
    )
    return Figures(
        sums["upfront"],
        sums["milestone"],
        sums["commercial"],
        sums["other"],
        total,
        paid_sum,
        forfeited_sum,
        outstanding,
        complete,
    )
