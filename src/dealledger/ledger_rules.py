"""Rules that need more than one file: ids across the ledger, the registry, FX coverage,
declared totals (which may need FX), and dates compared with today.

They run on every load, also when per-file results come from a cache, because their
verdict changes when another file, the settings or the date changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date

from .figures import conversion_date, deal_figures, tranche_currency
from .fx import FxTable, MissingRate
from .loader import DealFile
from .models import Deal, Settings
from .money import readable
from .problems import Finding, error, warning
from .registry import Registry
from .valuation.assumptions import check_valuation_settings


def check_ledger(
    files: Sequence[DealFile], settings: Settings, registry: Registry, fx: FxTable, today: date
) -> dict[int, list[Finding]]:
    """Findings per index into `files`."""
    findings: dict[int, list[Finding]] = defaultdict(list)
    ids: dict[str, list[int]] = defaultdict(list)
    for index, deal_file in enumerate(files):
        if deal_file.deal_id is not None:
            ids[deal_file.deal_id].append(index)
    for deal_id, indexes in ids.items():
        if len(indexes) > 1:
            for index in indexes:
                others = ", ".join(files[other].display for other in indexes if other != index)
                findings[index].append(
                    error(
                        "DL301",
                        ("id",),
                        f"id {deal_id!r} is also used by {others}; ids are unique across "
                        "the ledger",
                    )
                )
    for index, deal_file in enumerate(files):
        deal = deal_file.deal
        if deal is None:
            continue
        findings[index].extend(_related(deal, ids))
        findings[index].extend(_registry(deal, registry))
        fx_findings = list(_fx_coverage(deal, settings, fx))
        findings[index].extend(fx_findings)
        if not fx_findings:
            findings[index].extend(_declared_total(deal, fx))
        findings[index].extend(_future_dates(deal, today))
    return findings


def _related(deal: Deal, ids: dict[str, list[int]]) -> Iterator[Finding]:
    for index, related_id in enumerate(deal.related):
        if related_id not in ids and related_id != deal.id:
            yield error(
                "DL302",
                ("related", index),
                f"no deal in the ledger has id {related_id!r}; check the spelling or add that deal",
            )


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
    figures = deal_figures(deal, fx)
    computed = figures.total
    if computed is None:
        return
    difference = abs(declared.value - computed)
    if difference <= declared.tolerance:
        return
    message = (
        f"declared total {readable(declared.value)} (±{readable(declared.tolerance)} at the "
        f"precision written) differs from the tranches' {readable(computed)} ({computed}) by "
        f"{readable(difference)}; correct the tranches, or the total"
    )
    if figures.complete:
        yield error("DL230", ("total",), message)
    else:
        yield warning("DL230", ("total",), message + " (some amounts are undisclosed)")


def _future_dates(deal: Deal, today: date) -> Iterator[Finding]:
    for index, tranche in enumerate(deal.tranches):
        for key in ("achieved", "paid"):
            value: date | None = getattr(tranche, key)
            if value is not None and value > today:
                yield error(
                    "DL203",
                    ("tranches", index, key),
                    f"{key} {value} is in the future (today is {today}); record it when it "
                    f'happens, and use due = {value} with status = "expected" until then',
                )


def check_settings(settings: Settings, registry: Registry) -> list[Finding]:
    findings: list[Finding] = []
    for name in registry.cycles():
        findings.append(
            error(
                "DL401",
                ("parties", name, "parent"),
                f"the parent chain of {name!r} loops back on itself; remove one `parent`",
            )
        )
    owners: dict[str, str] = {}
    for name, entry in settings.parties.items():
        for alias_index, alias in enumerate((name, *entry.aliases)):
            previous = owners.get(alias)
            if previous is not None and previous != name:
                loc = (
                    ("parties", name, "aliases", alias_index - 1)
                    if alias_index
                    else ("parties", name)
                )
                findings.append(
                    error("DL403", loc, f"{alias!r} already names {previous!r}; use it once", "key")
                )
            owners.setdefault(alias, name)
    for index, rate in enumerate(settings.fx):
        if rate.from_ == rate.to:
            findings.append(
                error(
                    "DL402",
                    ("fx", index, "to"),
                    f"an FX rate converts between two currencies, not {rate.to} to itself",
                )
            )
        if rate.rate <= 0:
            findings.append(
                error("DL402", ("fx", index, "rate"), "an FX rate must be greater than 0")
            )
    findings.extend(check_valuation_settings(settings))
    return findings
