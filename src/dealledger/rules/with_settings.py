"""Rules on one deal that also need the settings: the registry, FX coverage, declared totals.

They depend on nothing but the deal file and dealledger.toml, so they run when the file is
loaded, and their findings are cached with it: the cache key holds the exact bytes of
dealledger.toml, so a settings change re-runs them. Rules that need other deal files or
today's date are in `across_files.py` and run on every load.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from ..domain.figures import (
    conversion_date,
    converted_amount,
    deal_figures,
    sum_disclosed,
    tranche_currency,
)
from ..domain.fx import FxTable, MissingRate
from ..domain.models import Deal, Settings
from ..domain.money import readable
from ..domain.problems import Finding, error, warning
from ..domain.registry import Registry


@dataclass(frozen=True)
class RuleContext:
    """The settings, and what is derived from them once per run rather than once per file."""

    settings: Settings
    registry: Registry = field(init=False)
    fx: FxTable = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "registry", Registry(self.settings.parties))
        object.__setattr__(self, "fx", FxTable(self.settings.fx))


def settings_findings(deal: Deal, context: RuleContext) -> list[Finding]:
    findings = list(_registry(deal, context.registry))
    fx_findings = list(_fx_coverage(deal, context.settings, context.fx))
    findings.extend(fx_findings)
    if not fx_findings:
        findings.extend(_declared_total(deal, context.fx))
    return findings


def _registry(deal: Deal, registry: Registry) -> Iterator[Finding]:
    if not registry:
        return
    for index, party in enumerate(deal.parties):
        if not registry.is_known(party.name):
            nearest = registry.nearest(party.name)
            hint = (
                f'did you mean "{nearest}"?'
                if nearest
                else "add it to [parties] in dealledger.toml, or as an alias of its group"
            )
            yield warning(
                "DL303",
                ("parties", index, "name"),
                f"party {party.name!r} is not in the registry; {hint}",
            )


def _fx_coverage(deal: Deal, settings: Settings, fx: FxTable) -> Iterator[Finding]:
    """Every conversion a report would need: tranche → deal currency and → reporting currency."""
    targets = [currency for currency in (deal.currency, settings.currency) if currency]
    for index, tranche in enumerate(deal.tranches):
        source = tranche_currency(deal, tranche)
        if tranche.disclosed_amount is None or source is None:
            continue
        for target in dict.fromkeys(targets):
            if target == source:
                continue
            try:
                fx.rate(source, target, conversion_date(deal, tranche))
            except MissingRate as missing:
                key = "currency" if tranche.currency else "amount"
                yield error("DL304", ("tranches", index, key), str(missing))


def _declared_total(deal: Deal, fx: FxTable) -> Iterator[Finding]:
    declared = deal.total
    if declared is None or deal.financials != "disclosed" or deal.currency is None:
        return
    if deal.total_includes is None:
        figures = deal_figures(deal, fx)
        computed, complete = figures.total, figures.complete
    else:
        computed, complete = _included_sum(deal, fx, deal.total_includes)
    if computed is None:
        return
    qualifier = deal.total_qualifier or "up to"
    covers_undisclosed = bool(deal.total_covers_undisclosed)
    difference = abs(declared.value - computed)
    if qualifier == "over":
        # A floor: the tranches may add up to more than the headline, never less.
        if computed >= declared.value:
            return
        message = (
            f'declared total "over {readable(declared.value)}" is a floor, but the tranches '
            f"it covers add up to {readable(computed)} ({computed}) only; correct the tranches, "
            "the total, or `total_includes`"
        )
    elif covers_undisclosed and computed <= declared.value + declared.tolerance:
        return  # the rest of the headline is the undisclosed part
    elif difference <= declared.tolerance:
        return
    else:
        basis = f" (the {', '.join(deal.total_includes)} tranches)" if deal.total_includes else ""
        message = (
            f"declared total {readable(declared.value)} (±{readable(declared.tolerance)} at the "
            f"precision written) differs from the tranches' {readable(computed)} ({computed})"
            f"{basis} by {readable(difference)}; correct the tranches, or the total"
        )
    if complete or deal.total_includes is not None or deal.total_qualifier is not None:
        yield error("DL230", ("total",), message)
    else:
        yield warning("DL230", ("total",), message + " (some amounts are undisclosed)")


def _included_sum(
    deal: Deal, fx: FxTable, includes: tuple[str, ...]
) -> tuple[Decimal | None, bool]:
    """The disclosed amounts of the tranche types a headline includes, in the deal's
    currency; and whether all of them are disclosed."""
    amounts = [
        converted_amount(deal, tranche, deal.currency or "", fx)
        for tranche in deal.tranches
        if tranche.type in includes
    ]
    complete = all(amount is not None for amount in amounts)
    return sum_disclosed(amounts), complete
