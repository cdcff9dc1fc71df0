"""Currency conversion by the spec's FX rule, with exact decimals and per-tranche rounding.

Rule: an amount on date D converts from A to B with the latest A→B rate dated on or before
D; only where there is none, with the latest B→A rate on or before D, inverted. No chaining
through a third currency, and no network: a missing rate is an error naming pair and date.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import TYPE_CHECKING

from .codes import minor_unit
from .errors import LedgerError
from .limits import MAX_DIGITS

if TYPE_CHECKING:
    from .models import FxRate


class MissingRate(LedgerError, LookupError):
    """No rate converts between two currencies on a date; the message says what to add."""

    def __init__(self, source: str, target: str, on: date) -> None:
        super().__init__(
            f"no FX rate {source}→{target} (or {target}→{source}) dated on or before {on}; "
            f'add [[fx]] date = {on}, from = "{source}", to = "{target}", rate = "…" '
            "to dealledger.toml"
        )
        self.source = source
        self.target = target
        self.on = on


class FxTable:
    def __init__(self, rates: Iterable[FxRate]) -> None:
        series: dict[tuple[str, str], list[tuple[date, Decimal]]] = defaultdict(list)
        for rate in rates:
            series[(rate.from_, rate.to)].append((rate.date, rate.rate))
        self._dates: dict[tuple[str, str], list[date]] = {}
        self._rates: dict[tuple[str, str], list[Decimal]] = {}
        for pair, points in series.items():
            # On equal dates the later line of the file wins, as a correction would.
            points.sort(key=lambda point: point[0])
            self._dates[pair] = [point[0] for point in points]
            self._rates[pair] = [point[1] for point in points]

    def rate(self, source: str, target: str, on: date) -> tuple[Decimal, bool]:
        """The rate that applies and whether it is the inverse pair's (divide, don't multiply)."""
        direct = self._latest((source, target), on)
        if direct is not None:
            return direct, False
        inverse = self._latest((target, source), on)
        if inverse is not None and inverse != 0:
            return inverse, True
        raise MissingRate(source, target, on)

    def _latest(self, pair: tuple[str, str], on: date) -> Decimal | None:
        dates = self._dates.get(pair)
        if not dates:
            return None
        position = bisect.bisect_right(dates, on)
        return self._rates[pair][position - 1] if position else None

    def convert(self, amount: Decimal, source: str, target: str, on: date) -> Decimal:
        """Convert, rounding half-even to the target's minor unit; same-currency stays exact."""
        if source == target:
            return amount
        if amount == 0:
            return Decimal(0)
        rate, inverted = self.rate(source, target, on)
        # Wide enough that amount x rate is exact and quantize cannot fail on a large product.
        with localcontext(prec=MAX_DIGITS):
            exact = amount / rate if inverted else amount * rate
            quantum = Decimal(1).scaleb(-minor_unit(target))
            return exact.quantize(quantum, rounding=ROUND_HALF_EVEN)
