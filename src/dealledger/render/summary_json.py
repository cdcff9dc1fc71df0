"""`summarize --format json`, written deal by deal, each deal's text kept in the cache.

A deal's object in the document depends only on its file and the settings (both in the
cache's key) and on where the command runs (its `path`, added last). So the text of each
object without the path is kept per file version, and a warm run writes the document
from those texts: the same bytes as rendering every row, without decoding or encoding one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from .jsonout import dumps

if TYPE_CHECKING:
    from ..domain.models import Deal
    from ..ledger import Entry, Ledger
    from ..rules.with_settings import RuleContext

KIND = "summary.json"
# Objects are written this many at a time.
_BATCH = 512


def summary_json_pieces(ledger: Ledger) -> Iterator[str]:
    """The summarize document in pieces; joined, exactly `dumps(summary_records(ledger))`."""
    from ..reports.summary import iter_summary_records

    cache = ledger.cache
    if cache is None:
        from .jsonout import dumps_array

        yield from dumps_array(iter_summary_records(ledger))
        return
    from ..ledger.cache import path_key

    entries = ledger.entries
    first = True
    for start in range(0, len(entries), _BATCH):
        batch = entries[start : start + _BATCH]
        keys = [path_key(entry.path) for entry in batch]
        elements = _kept_elements([cache.derived(KIND, key) for key in keys])
        for position, (entry, key) in enumerate(zip(batch, keys, strict=True)):
            if elements[position] is None:
                element = _element(_record_without_path(entry, ledger))
                cache.keep_derived(KIND, key, element.replace("\n", "\t").encode("utf-8"))
                elements[position] = element
        pieces = [
            _with_path(element, entry.display)
            for element, entry in zip(elements, batch, strict=True)
            if element is not None
        ]
        if pieces:
            yield ("[\n" if first else ",\n") + ",\n".join(pieces)
            first = False
    yield "[]" if first else "\n]"
    cache.save_derived()


def _kept_elements(kept: list[bytes | None]) -> list[str | None]:
    """Kept texts, each checked to be one JSON object (a damaged one is rendered again)."""
    elements = [
        None if value is None else value.decode("utf-8", "replace").replace("\t", "\n")
        for value in kept
    ]
    present = [element for element in elements if element is not None]
    if present and not _objects(present):
        elements = [
            element if element is not None and _objects([element]) else None for element in elements
        ]
    return elements


def _objects(elements: list[str]) -> bool:
    """Whether each text is an indented JSON object, as `_element` writes them."""
    if not all(element.startswith("  {\n") and element.endswith("\n  }") for element in elements):
        return False
    try:
        parsed = orjson.loads("[" + ",".join(elements) + "]")
    except orjson.JSONDecodeError:
        return False
    return len(parsed) == len(elements) and all(type(item) is dict for item in parsed)


def derive_elements(deal: Deal, _display: str, context: RuleContext) -> list[tuple[str, bytes]]:
    """The object text to keep in the cache, computed where the deal is parsed."""
    from ..reports.summary import summary_fields

    element = _element(summary_fields(deal, context.registry, context.fx))
    return [(KIND, element.replace("\n", "\t").encode("utf-8"))]


def _record_without_path(entry: Entry, ledger: Ledger) -> dict[str, Any]:
    from ..reports.summary import summary_row

    record = summary_row(entry, ledger)
    return {name: value for name, value in record.items() if name != "path"}


def _element(record: dict[str, Any]) -> str:
    """An object as an element of the top-level array: indented one level."""
    return "  " + dumps(record).replace("\n", "\n  ")


def _with_path(element: str, display: str) -> str:
    """The element with `"path"` as its last key, as `dumps` writes it."""
    return f'{element[:-4]},\n    "path": {dumps(display)}\n  }}'
