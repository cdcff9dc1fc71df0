"""JSON with exact decimals: amounts are JSON numbers holding the decimal as written.

`json.dumps` would turn a Decimal into a float (or refuse it); a float would print
43243243.24 as 43243243.239999998 in some consumers. The encoder writes Decimal digits
straight into the output instead.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from ..domain.money import to_json_number
from ..domain.periods import Period
from ..domain.safe_text import UNSAFE_NON_ASCII

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


_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# In orjson's two-space output every newline is layout (a newline inside a string is always
# escaped), so the one-line form is that output with each line break and its indentation
# taken out: after a comma it becomes json.dumps' ", " item separator, elsewhere nothing.
_ITEM_BREAK = re.compile(r",\n *")
_BREAK = re.compile(r"\n *")


def dumps(value: Any, indent: int | None = 2) -> str:
    """One pass of orjson, byte for byte what `_slow_dumps` writes.

    orjson's two-space layout, separators and string escapes are those of
    `json.dumps(ensure_ascii=False, indent=2)`; Decimals go in as `to_json_number` text. What
    orjson refuses (integers beyond 64 bits, keys that are not plain str, lone surrogates,
    types neither knows, very deep nesting) and indents other than 2 and None go through the
    reference encoder, so the output never depends on which path wrote it.
    """
    if indent is not None and not (type(indent) is int and indent == 2):
        return _slow_dumps(value, indent)
    try:
        text = orjson.dumps(value, default=_orjson_default, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return _slow_dumps(value, indent)
    if indent is None:
        text = _BREAK.sub("", _ITEM_BREAK.sub(", ", text))
    if "\x7f" in text:
        text = text.replace("\x7f", "\\u007f")
    if text.isascii():
        return text
    return text.encode("ascii", _ESCAPE_UNSAFE).decode()


def dumps_array(items: Iterable[Any], batch: int = 512) -> Iterator[str]:
    """`dumps(list(items))` in pieces, so that a long report streams out in flat memory.

    A batch of items is encoded as one array and its brackets cut away; since no string in
    JSON holds a raw newline, the pieces join into exactly the document `dumps` writes.
    """
    pending: list[Any] = []
    first = True
    for item in items:
        pending.append(item)
        if len(pending) >= batch:
            yield _array_piece(pending, first)
            pending.clear()
            first = False
    if pending:
        yield _array_piece(pending, first)
        first = False
    yield "[]" if first else "\n]"


def _array_piece(items: list[Any], first: bool) -> str:
    inner = dumps(items)[1:-2]  # "[" ... "\n]": keep "\n  item,\n  item"
    return ("[" if first else ",") + inner


def _orjson_default(item: Any) -> Any:
    if isinstance(item, Decimal):
        return orjson.Fragment(to_json_number(item))
    if isinstance(item, date):
        return item.isoformat()
    if isinstance(item, Period):
        return item.text
    raise TypeError(f"cannot encode {type(item).__name__} as JSON")


def _escape_unsafe_run(error: UnicodeError) -> tuple[bytes, int]:
    """Codec error handler: `_EXTRA_ESCAPES` applied from the first non-ASCII character on.

    Encoding to ASCII runs at C speed over the ASCII text that makes up most of a ledger and
    stops only at non-ASCII characters. The handler then applies the escapes to a block of at
    least `_BLOCK` characters and returns it as UTF-8, so text full of non-ASCII costs about
    one regex pass rather than one call per character run. Any block boundary is correct: each
    escape replaces a single code point.
    """
    if not isinstance(error, UnicodeEncodeError):
        raise error
    end = max(error.end, error.start + _BLOCK)
    block = error.object[error.start : end]
    return _EXTRA_ESCAPES.sub(_json_escape, block).encode(), error.start + len(block)


_BLOCK = 4096
_ESCAPE_UNSAFE = "dealledger-json-escape"
codecs.register_error(_ESCAPE_UNSAFE, _escape_unsafe_run)


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
