"""JSON with exact decimals: amounts are JSON numbers holding the decimal as written.

`json.dumps` would turn a Decimal into a float (or refuse it); a float would print
43243243.24 as 43243243.239999998 in some consumers. The encoder writes Decimal digits
straight into the output instead.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from ..money import to_json_number
from ..periods import Period
from ..safe_text import UNSAFE_NON_ASCII

# json.dumps escapes C0 controls; C1 controls and bidi controls are escaped too, so that a
# terminal showing the JSON shows what the file holds rather than what it makes the line do.
_EXTRA_ESCAPES = re.compile(f"[{UNSAFE_NON_ASCII}]")


def _string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    return _EXTRA_ESCAPES.sub(_json_escape, encoded)


def _json_escape(match: re.Match[str]) -> str:
    """`\\uXXXX`, as a surrogate pair beyond the BMP (JSON has no longer escape)."""
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def dumps(value: Any, indent: int | None = 2) -> str:
    """The whole document in one pass of the C encoder, Decimals spliced in as number text.

    Each Decimal is first encoded as a string token carrying a per-call random nonce behind a
    NUL, which no value from a file can forge; the tokens are then replaced by the exact
    number text. Ten times faster than walking the document in Python on a large ledger.
    """
    numbers: list[str] = []
    nonce = secrets.token_hex(8)

    def default(item: Any) -> Any:
        if isinstance(item, Decimal):
            numbers.append(to_json_number(item))
            return f"\x00{nonce}:{len(numbers) - 1}"
        if isinstance(item, date):
            return item.isoformat()
        if isinstance(item, Period):
            return item.text
        raise TypeError(f"cannot encode {type(item).__name__} as JSON")

    text = json.dumps(value, ensure_ascii=False, indent=indent, default=default)
    if numbers:
        token = re.compile(rf'"\\u0000{nonce}:(\d+)"')
        text = token.sub(lambda match: numbers[int(match.group(1))], text)
    return _EXTRA_ESCAPES.sub(_json_escape, text)


def _slow_dumps(value: Any, indent: int | None = 2) -> str:
    """The reference encoder the fast one is tested against."""
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
