"""The version-2 terms of a deal as plain JSON-ready values, for `show` and exports.

Version-1 output must not change by a byte, so a key appears only where the file sets it:
a version-1 deal adds nothing here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..domain.models import Deal, Tranche

#: Tranche keys added by version 2, in the format's order.
TRANCHE_TERMS: tuple[str, ...] = (
    "qualifier",
    "split",
    "achieved_in",
    "paid_in",
    "covers",
    "sales_share",
    "option",
    "parts",
    "stock",
)
#: Deal keys and tables added by version 2.
DEAL_TERMS: tuple[str, ...] = (
    "format",
    "total_qualifier",
    "total_includes",
    "total_covers_undisclosed",
    "amends",
    "options",
    "rights",
    "events",
)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {
            (field.alias or name): _plain(getattr(value, name))
            for name, field in type(value).model_fields.items()
            if name in value.model_fields_set
        }
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def tranche_terms(tranche: Tranche) -> dict[str, Any]:
    """The version-2 keys the tranche sets; a list-valued `asset` is reported as set."""
    return {
        key: _plain(getattr(tranche, key))
        for key in TRANCHE_TERMS
        if key in tranche.model_fields_set
    }


def deal_terms(deal: Deal) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in DEAL_TERMS:
        value = getattr(deal, key)
        if key in deal.model_fields_set and value not in ((), None):
            found[key] = _plain(value)
    return found
