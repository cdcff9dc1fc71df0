"""One deal file from disk to a `DealFile`: read and validated (load), then its own rules.

The step every reader of deal files shares (the ledger, `fmt`, drafts),
so that a file gives the same problems whichever command reads it.
"""

from __future__ import annotations

from pathlib import Path

from ..domain.facts import DealFile, facts_of
from ..domain.models import Deal
from ..load.document import _raw_id, place_findings, read_document
from ..load.validate import validate_model
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
        findings = check_deal(deal)
        if context is not None:
            findings += settings_findings(deal, context)
        facts = facts_of(deal)
    deal_id = deal.id if deal is not None else _raw_id(document.data)
    problems = place_findings(findings, document.text, display, deal_id)
    return DealFile(path, display, deal, problems, deal_id, facts)
