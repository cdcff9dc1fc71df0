"""Rules on the settings alone (registry cycles, names used twice, FX rates, valuation), and
every rule beyond a file's own for files checked without the settings (drafts).

`check_settings` runs when `dealledger.toml` is read. `check_ledger` gathers the rules
across files (`across_files.py`) and the rules on one deal with the settings
(`with_settings.py`) for `new` and `record`, whose proposed file is loaded like any other
and then checked against the ledger as it is on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..domain.assumptions import check_valuation_settings
from ..domain.facts import DealFile, facts_of
from ..domain.models import Settings
from ..domain.problems import Finding, error
from ..domain.registry import Registry
from .across_files import cross_file_findings
from .with_settings import RuleContext, settings_findings


def check_ledger(
    files: Sequence[DealFile], settings: Settings, today: date
) -> dict[int, list[Finding]]:
    """Every rule beyond one file's own, for files loaded without the settings (drafts)."""
    context = RuleContext(settings)
    facts = [facts_of(file.deal) if file.deal is not None else None for file in files]
    findings = cross_file_findings(files, facts, today)
    for index, deal_file in enumerate(files):
        if deal_file.deal is not None:
            findings[index].extend(settings_findings(deal_file.deal, context))
    return findings


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
