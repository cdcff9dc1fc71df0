"""JSON with exact decimals: amounts are JSON numbers holding the decimal as written.

`json.dumps` would turn a Decimal into a float (or refuse it); a float would print
43243243.24 as 43243243.239999998 in some consumers. The encoder writes Decimal digits
straight into the output instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from ..money import to_json_number
from ..periods import Period

# json.dumps escapes C0 controls; C1 controls and bidi controls are escaped too, so that a
# terminal showing the JSON shows what the file holds rather than what it makes the line do.
_EXTRA_ESCAPES = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    return _EXTRA_ESCAPES.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)


def dumps(value: Any, indent: int | None = 2) -> str:
    return "".join(_encode(value, indent, 0))


def _encode(value: Any, indent: int | None, level: int) -> Iterator[str]:
    if value is None:
        yield "null"
    elif value is True:
        yield "true"
    elif value is False:
        yield "false"
    elif isinstance(value, Decimal):
        yield to_json_number(value)
    elif isinstance(value, int):
        yield str(value)
    elif isinstance(value, str):
        yield _string(value)
    elif isinstance(value, date):
        yield _string(value.isoformat())
    elif isinstance(value, Period):
        yield _string(value.text)
    elif isinstance(value, dict):
        yield from _container(
            "{",
            "}",
            [(_string(str(key)) + ": ", item) for key, item in value.items()],
            indent,
            level,
        )
    elif isinstance(value, list | tuple):
        yield from _container("[", "]", [("", item) for item in value], indent, level)
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _container(
    opening: str, closing: str, items: list[tuple[str, Any]], indent: int | None, level: int
) -> Iterator[str]:
    if not items:
        yield opening + closing
        return
    if indent is None:
        yield opening
        for position, (prefix, item) in enumerate(items):
            if position:
                yield ", "
            yield prefix
            yield from _encode(item, indent, level + 1)
        yield closing
        return
    inner = "\n" + " " * (indent * (level + 1))
    yield opening
    for position, (prefix, item) in enumerate(items):
        yield ("," if position else "") + inner + prefix
        yield from _encode(item, indent, level + 1)
    yield "\n" + " " * (indent * level) + closing
