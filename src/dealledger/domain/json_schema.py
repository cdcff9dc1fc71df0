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
        "format": "The format version the file is written in: 1 or 2. With 2, territory "
        "entries must be ISO codes or region words.",
        "total": 'The headline value as announced ("up to" unless total_qualifier says '
        "otherwise), checked against the tranches.",
        "total_qualifier": '"up to" (default): a cap; "over": a floor the tranches must reach; '
        '"about": an approximation, read at its precision.',
        "total_includes": "The tranche types the headline adds up (default: all); e.g. "
        '["upfront", "milestone", "commercial"] for a headline that leaves out equity.',
        "total_covers_undisclosed": "true where the headline includes parts that are not "
        "broken out: the tranches may then add up to less.",
        "territory": 'e.g. "worldwide", ["ex-CN"], ["CN", "HK", "MO", "TW"].',
        "related": "Ids of related deals in the ledger.",
        "amends": "Id of the deal this file amends.",
        "options": "Options a party may exercise (licence, territory, opt-in, programmes).",
        "rights": "Rights granted outright: co-commercialisation, cost/profit share, "
        "retained territory.",
        "events": "What changed the deal after signing: closing, amendments, terminations.",
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
        "rate": 'Royalty only: "12%", "8%-12%", a band such as "single-digit" or '
        '"high-teens to high-twenties", "tiered, up to mid-teens", or "undisclosed".',
        "tiers": "Royalty only: incremental bands of annual net sales.",
        "qualifier": '"up to" (default), "over" or "about": how the amount was announced.',
        "split": "Each payee's percentage of this payment; an undisclosed remainder is "
        'share = "undisclosed".',
        "achieved_in": "The month, quarter or year it was achieved, where no day is known.",
        "paid_in": "The month, quarter or year it was paid, where no day is known.",
        "covers": "The stages a combined milestone figure covers.",
        "sales_share": "The part of a combined figure that is sales milestones, where disclosed.",
        "asset": "The asset (name or code) the tranche depends on, or a list of them.",
        "option": "The id of the [[options]] entry whose exercise fee this is.",
        "parts": 'The components of a type = "mixed" payment, with amounts where disclosed.',
        "stock": "Shares that change hands: an equity purchase, or a payment in the payer's "
        "own shares.",
    },
    "Option": {
        "holder": "The party (or parties) who may exercise it.",
        "right": "What is optioned.",
        "after": "The stage after which it may be exercised (e.g. approved).",
        "deadline": 'A date, period or bound ("by 2026-06-30").',
        "status": "open (default), exercised (with `exercised`), declined or lapsed "
        "(with `ended`).",
        "probability": "Chance of exercise for valuation.",
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
    return _framed(schema, "dealledger deal file (format version 2, a superset of version 1)")


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
