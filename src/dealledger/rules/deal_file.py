"""One deal file from disk to a `DealFile`: read and validated (load), then its own rules.

The step every reader of deal files shares (the ledger, `fmt`, drafts),
so that a file gives the same problems whichever command reads it.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain.facts import DealFile, facts_of
from ..domain.models import Deal
from ..domain.problems import Finding
from ..load.document import _raw_id, place_findings, read_document
from ..load.validate import validate_model
from .selection import ACROSS_FILES, apply_directives, directives
from .with_settings import RuleContext, settings_findings
from .within_deal import check_deal


def load_deal_file(
    path: Path, display: str, data: bytes | None = None, context: RuleContext | None = None
) -> DealFile:
    """One file's deal and own problems; with `context`, also the rules that need settings."""
    document = read_document(path, display, data)
    if document.data is None or document.text is None:
        return DealFile(path, display, None, document.problems)
    deal, findings = validate_model(Deal, document.data)
    facts = None
    if deal is not None:
        findings = _rule_findings(deal, context)
        facts = facts_of(deal)
    else:
        findings += _findings_beyond_the_faults(document.data, findings, context)
    deal_id = deal.id if deal is not None else _raw_id(document.data)
    problems = place_findings(findings, document.text, display, deal_id)
    found = directives(document.text)
    if found:
        problems = tuple(apply_directives(problems, found, display, deferred=ACROSS_FILES))
    return DealFile(path, display, deal, problems, deal_id, facts)


def _rule_findings(deal: Deal, context: RuleContext | None) -> list[Finding]:
    findings = check_deal(deal)
    if context is not None:
        findings += settings_findings(deal, context)
    return findings


def _findings_beyond_the_faults(
    data: dict[str, Any], faults: list[Finding], context: RuleContext | None
) -> list[Finding]:
    """The rules' findings on a file whose model did not validate, so one run shows all.

    Faults that have exactly one meaning are mended in a copy (a float amount becomes its
    exact decimal, an unknown key is dropped, a quoted date loses its quotes); when the copy
    then validates, the rules run on it and report what else is wrong (a declared total
    that the amounts contradict, say). Any other fault leaves the rules unrun, because their
    verdict on a guessed value would mislead. The mended copy is never used for reports.
    """
    mended = _mended(data, faults)
    if mended is None:
        return []
    deal, remaining = validate_model(Deal, mended)
    if deal is None or remaining:
        return []
    seen = {(finding.code, finding.loc) for finding in faults}
    return [f for f in _rule_findings(deal, context) if (f.code, f.loc) not in seen]


def _mended(data: dict[str, Any], faults: list[Finding]) -> dict[str, Any] | None:
    copy = _containers_copied(data)
    for fault in faults:
        if not fault.loc:
            return None
        *parents, last = fault.loc
        container: Any = copy
        for step in parents:
            try:
                container = container[step]
            except (KeyError, IndexError, TypeError):
                return None
        try:
            value = container[last]
        except (KeyError, IndexError, TypeError):
            return None
        if fault.code == "DL102" and isinstance(container, dict):
            del container[last]
        elif fault.code == "DL108" and isinstance(value, float) and math.isfinite(value):
            container[last] = str(Decimal(repr(value)))
        elif fault.code == "DL106" and isinstance(value, str):
            try:
                container[last] = date.fromisoformat(value.strip())
            except ValueError:
                return None
        elif fault.code == "DL106" and isinstance(value, datetime):
            container[last] = value.date()
        else:
            return None
    return copy


def _containers_copied(value: Any) -> Any:
    """Tables and arrays copied, leaves shared: TOML's leaves are immutable values."""
    if isinstance(value, dict):
        return {key: _containers_copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_containers_copied(item) for item in value]
    return value
