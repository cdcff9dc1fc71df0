"""JSON Schema (draft 2020-12) of a deal file and of `dealledger.toml`, from the models.

Generated, not written by hand, so that it cannot drift from what `check` accepts for the
shape of a file: the field types in `fields.py` carry their own JSON Schema, and the models
forbid unknown keys. Cross-value rules (date order, party references, totals) are beyond a
schema; `dealledger check` remains the authority, the schema is for editors and CI.

Pydantic writes optional fields as `anyOf [T, null]` with `default: null`; TOML has no null,
so those branches are removed, and every object with fixed keys gets
`additionalProperties: false` so that a typo is flagged in the editor too.
"""

from __future__ import annotations

from typing import Any

from .models import Deal, Settings

DRAFT = "https://json-schema.org/draft/2020-12/schema"

_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Deal": {
        "id": "Unique across the ledger: lowercase letters, digits and hyphens.",
        "title": "A short human title of the agreement.",
        "kind": "What kind of agreement this is.",
        "status": "Default active; terminated needs `terminated`.",
        "announced": "Date of the public announcement.",
        "signed": "Date of signing; may be before or after `announced`.",
        "effective": "Closing / effective date; not before `signed`.",
        "terminated": "Only with status terminated, and required then.",
        "currency": "ISO 4217 code of every amount in the file (unless a tranche names its own).",
        "financials": "disclosed needs at least one tranche; undisclosed and none allow no "
        "amounts.",
        "total": 'The headline "up to" value as announced, checked against the tranches.',
        "territory": 'e.g. "worldwide", ["ex-CN"], ["CN", "HK", "MO", "TW"].',
        "related": "Ids of related deals in the ledger.",
        "parties": "At least two parties.",
        "tranches": "The money: one table per payment or milestone category.",
    },
    "Tranche": {
        "type": "milestone: development/regulatory events; commercial: sales-based.",
        "amount": 'Integer units or a string such as "110M"; "undisclosed" where not public. '
        "For milestone and commercial it is the up-to cap.",
        "payer": "A party name of this deal, or a list of them.",
        "payee": "A party name of this deal, or a list of them.",
        "status": "Default expected; achieved needs `achieved`, paid needs `paid`.",
        "due": "A date, or a period: YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn.",
        "rate": 'Royalty only: "12%", "8%-12%", or a band such as "single-digit".',
        "tiers": "Royalty only: incremental bands of annual net sales.",
    },
}


def deal_schema() -> dict[str, Any]:
    schema = _clean(Deal.model_json_schema(by_alias=True, mode="validation"))
    schema["properties"]["parties"]["minItems"] = 2
    for model, descriptions in _DESCRIPTIONS.items():
        properties = (
            schema["properties"] if model == "Deal" else schema["$defs"][model]["properties"]
        )
        for key, text in descriptions.items():
            properties[key]["description"] = text
    return _framed(schema, "dealledger deal file (format version 1)")


def settings_schema() -> dict[str, Any]:
    schema = _clean(Settings.model_json_schema(by_alias=True, mode="validation"))
    return _framed(schema, "dealledger.toml (format version 1)")


def _framed(schema: dict[str, Any], title: str) -> dict[str, Any]:
    head = {"$schema": DRAFT, "title": title}
    schema.pop("title", None)
    return {**head, **schema}


def _clean(node: Any) -> Any:
    """Drop null branches and generated titles; close every object with fixed keys."""
    if isinstance(node, list):
        return [_clean(item) for item in node]
    if not isinstance(node, dict):
        return node
    cleaned = {key: _clean(value) for key, value in node.items()}
    branches = cleaned.get("anyOf")
    if isinstance(branches, list):
        kept = [branch for branch in branches if branch != {"type": "null"}]
        if len(kept) != len(branches):
            cleaned.pop("default", None)
            if len(kept) == 1:
                cleaned.pop("anyOf")
                cleaned = {**kept[0], **cleaned}
            else:
                cleaned["anyOf"] = kept
    if "properties" in cleaned and isinstance(cleaned["properties"], dict):
        cleaned["properties"] = {
            key: _untitled(value) for key, value in cleaned["properties"].items()
        }
        cleaned["additionalProperties"] = False
    return cleaned


def _untitled(node: Any) -> Any:
    if isinstance(node, dict):
        node = dict(node)
        node.pop("title", None)
    return node
