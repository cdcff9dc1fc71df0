"""`summarize`: one row per deal, in date order, with its figures in the deal's currency."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from ..domain.figures import FIGURE_NAMES, Figures, deal_figures
from ..ledger import Entry, Ledger

if TYPE_CHECKING:
    from ..domain.fx import FxTable
    from ..domain.models import Deal
    from ..domain.registry import Registry
    from ..rules.with_settings import RuleContext

SUMMARY_FIELDS = [
    "id",
    "title",
    "kind",
    "status",
    "announced",
    "signed",
    "currency",
    "parties",
    "upfront",
    "milestone",
    "commercial",
    "other",
    "total",
    "declared_total",
    "paid",
    "forfeited",
    "outstanding",
    "complete",
    "path",
]
MONEY_FIELDS = FIGURE_NAMES


def _party_rows(deal: Deal, registry: Registry) -> list[dict[str, Any]]:
    return [
        {"name": party.name, "role": party.role_text, "group": registry.group(party)}
        for party in deal.parties
    ]


def summary_record(entry: Entry, ledger: Ledger, figures: Figures | None = None) -> dict[str, Any]:
    """The spec's summarize object for one deal (also the base of `show`)."""
    record = summary_fields(entry.deal, ledger.registry, ledger.fx, figures)
    record["path"] = entry.display
    return record


def summary_fields(
    deal: Deal, registry: Registry, fx: FxTable, figures: Figures | None = None
) -> dict[str, Any]:
    """The summarize object without its `path`: what depends on the file and settings only."""
    figures = figures or deal_figures(deal, fx)
    record: dict[str, Any] = {
        "id": deal.id,
        "title": deal.title,
        "kind": deal.kind,
        "status": deal.status,
        "announced": deal.announced,
        "signed": deal.signed,
        "currency": deal.currency,
        "parties": _party_rows(deal, registry),
        **figures.as_dict(),
        "declared_total": deal.total.value if deal.total is not None else None,
        "complete": figures.complete,
    }
    return {name: record[name] for name in SUMMARY_FIELDS if name != "path"}


def derive_rows(deal: Deal, _display: str, context: RuleContext) -> list[tuple[str, bytes]]:
    """The summary row to keep in the cache, computed where the deal is parsed."""
    return [(SUMMARY_KIND, _encoded(summary_fields(deal, context.registry, context.fx)))]


def summary_records(ledger: Ledger) -> list[dict[str, Any]]:
    return list(iter_summary_records(ledger))


def summary_row(entry: Entry, ledger: Ledger) -> dict[str, Any]:
    """One deal's summary, from the cache where it is kept (see `iter_summary_records`)."""
    cache = ledger.cache
    if cache is None:
        return summary_record(entry, ledger)
    from ..ledger.cache import path_key

    key = path_key(entry.path)
    kept = cache.derived(SUMMARY_KIND, key)
    record = _decoded(kept) if kept is not None else None
    if record is None:
        record = summary_record(entry, ledger)
        cache.keep_derived(SUMMARY_KIND, key, _encoded(record))
    else:
        record["path"] = entry.display
    return record


# Rows are decoded this many at a time: one call into Rust per batch, and memory that stays
# flat however many deals are streamed out.
BATCH = 1024


def iter_summary_records(ledger: Ledger) -> Iterator[dict[str, Any]]:
    """Every selected deal's summary, in order; unchanged files' rows come from the cache.

    A row depends only on its file and the settings, which are both in the cache's key, so a
    warm `summarize` decodes neither deals nor figures; rows computed here are kept for the
    next run.
    """
    cache = ledger.cache
    if cache is None:
        for entry in ledger.entries:
            yield summary_record(entry, ledger)
        return
    from ..ledger.cache import path_key

    entries = ledger.entries
    for start in range(0, len(entries), BATCH):
        batch = entries[start : start + BATCH]
        keys = [path_key(entry.path) for entry in batch]
        kept = [cache.derived(SUMMARY_KIND, key) for key in keys]
        decoded = _decoded_batch(kept)
        for entry, key, record in zip(batch, keys, decoded, strict=True):
            if record is None:
                record = summary_record(entry, ledger)
                cache.keep_derived(SUMMARY_KIND, key, _encoded(record))
            else:
                record["path"] = entry.display
            yield record
    cache.save_derived()


SUMMARY_KIND = "summary"
_DECIMAL_FIELDS = (*MONEY_FIELDS, "declared_total")


def _encoded(record: dict[str, Any]) -> bytes:
    """The row without its path (shown relative to where the command runs), as JSON text."""
    row = {name: value for name, value in record.items() if name != "path"}
    for name in _DECIMAL_FIELDS:
        if row[name] is not None:
            row[name] = str(row[name])
    for name in ("announced", "signed"):
        if row[name] is not None:
            row[name] = row[name].isoformat()
    return json.dumps(row, separators=(",", ":")).encode()


def _decoded_batch(kept: list[bytes | None]) -> list[dict[str, Any] | None]:
    """Cached rows (None where there is none), every field type-checked in Rust.

    The whole batch is one JSON array and one call; if any row does not decode, the rows are
    decoded one by one so that only the bad ones are computed again.
    """
    from pydantic_core import ValidationError

    present = [encoded for encoded in kept if encoded is not None]
    if not present:
        return [None] * len(kept)
    try:
        rows = iter(_rows_validator().validate_json(b"[" + b",".join(present) + b"]"))
        return [None if encoded is None else next(rows) for encoded in kept]
    except ValidationError:
        return [None if encoded is None else _decoded(encoded) for encoded in kept]


def _decoded(encoded: bytes) -> dict[str, Any] | None:
    from pydantic_core import ValidationError

    try:
        record: dict[str, Any] = _row_validator().validate_json(encoded)
    except ValidationError:
        return None
    return record


@cache
def _rows_validator() -> Any:
    from pydantic_core import SchemaValidator, core_schema

    return SchemaValidator(core_schema.list_schema(_row_schema()))


@cache
def _row_validator() -> Any:
    from pydantic_core import SchemaValidator

    return SchemaValidator(_row_schema())


def _row_schema() -> Any:
    from pydantic_core import core_schema

    def text() -> Any:
        return core_schema.str_schema(strict=True)

    def nullable(schema: Any) -> Any:
        return core_schema.nullable_schema(schema)

    party = core_schema.typed_dict_schema(
        {name: core_schema.typed_dict_field(text()) for name in ("name", "role", "group")},
        extra_behavior="forbid",
    )
    kinds: dict[str, Any] = {
        "id": text(),
        "title": text(),
        "kind": text(),
        "status": text(),
        "announced": core_schema.date_schema(),
        "signed": nullable(core_schema.date_schema()),
        "currency": nullable(text()),
        "parties": core_schema.list_schema(party),
        "complete": core_schema.bool_schema(strict=True),
        **{name: nullable(core_schema.decimal_schema()) for name in _DECIMAL_FIELDS},
    }
    fields = {
        name: core_schema.typed_dict_field(kinds[name]) for name in SUMMARY_FIELDS if name != "path"
    }
    return core_schema.typed_dict_schema(fields, extra_behavior="forbid")


def currency_totals(records: list[dict[str, Any]]) -> dict[str, dict[str, Decimal]]:
    """Per-currency sums of the disclosed figures, for the table footer."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(MONEY_FIELDS, Decimal(0))
    )
    for record in records:
        currency = record["currency"]
        if currency is None or record["total"] is None:
            continue
        for name in MONEY_FIELDS:
            if record[name] is not None:
                totals[currency][name] += record[name]
    return dict(sorted(totals.items()))
