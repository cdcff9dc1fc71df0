"""The line layout of a TOML document: which bytes are a comment, a header or a key's value.

`fmt` and `record` must change what they mean to change and not one byte more. A TOML
library that round-trips a document (tomlkit) re-models it as nested tables, and where a file
interleaves `[[tranches]]` and `[[sources]]`, or puts a comment above a header, the model no
longer says where those bytes sat. This module works on the text itself: it splits a document
that `tomllib` has already accepted into statements (blank line, comment line, table header,
key/value, the last possibly spanning lines) with their exact offsets, so that callers can
splice a value or reorder whole statements and leave everything else as it was.

It trusts its input: callers parse the text with `tomllib` first.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Literal

StatementKind = Literal["blank", "comment", "header", "keyvalue"]

_KEY_PART = re.compile(r"""[ \t]*(?:([A-Za-z0-9_-]+)|("(?:[^"\\\n]|\\.)*")|('[^'\n]*'))[ \t]*""")


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of the document, by offsets into the text it was scanned from.

    `start`/`end` cover whole lines (end is just past the final newline, or the end of the
    text). For a key/value, `value_start`/`value_end` cover the value exactly, and `tail` is
    what follows it on its last line (spaces and an optional comment, no newline). For a
    header, `tail` is what follows the closing bracket.
    """

    kind: StatementKind
    start: int
    end: int
    key: tuple[str, ...] = ()
    key_text: str = ""
    is_array: bool = False
    value_start: int = 0
    value_end: int = 0
    tail: str = ""
    text: str = ""

    @property
    def value_text(self) -> str:
        return self.text[self.value_start - self.start : self.value_end - self.start]


class LayoutError(ValueError):
    """The text is not the TOML this scanner expects (callers parse with tomllib first)."""


def scan(text: str) -> list[Statement]:
    """Split `text` into statements; their spans tile the text exactly, in order."""
    statements: list[Statement] = []
    pos, n = 0, len(text)
    while pos < n:
        line_end = _line_end(text, pos)
        stripped = text[pos:line_end].strip(" \t\r\n")
        if not stripped:
            statements.append(Statement("blank", pos, line_end, text=text[pos:line_end]))
            pos = line_end
        elif stripped.startswith("#"):
            statements.append(Statement("comment", pos, line_end, text=text[pos:line_end]))
            pos = line_end
        elif stripped.startswith("["):
            statements.append(_header(text, pos, line_end))
            pos = line_end
        else:
            statement = _key_value(text, pos)
            statements.append(statement)
            pos = statement.end
    return statements


def _line_end(text: str, pos: int) -> int:
    newline = text.find("\n", pos)
    return len(text) if newline < 0 else newline + 1


def _parse_key(text: str, pos: int) -> tuple[tuple[str, ...], int]:
    parts: list[str] = []
    while True:
        match = _KEY_PART.match(text, pos)
        if match is None:
            raise LayoutError(f"expected a key at offset {pos}")
        bare, basic, literal = match.groups()
        if bare is not None:
            parts.append(bare)
        else:
            parts.append(decode_key(basic or literal))
        pos = match.end()
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return tuple(parts), pos


def decode_key(quoted: str) -> str:
    """The name a quoted key stands for, decoded by tomllib itself (escapes included)."""
    return next(iter(tomllib.loads(f"{quoted} = 0")))


def _header(text: str, pos: int, line_end: int) -> Statement:
    inner = pos + len(text[pos:line_end]) - len(text[pos:line_end].lstrip(" \t"))
    is_array = text.startswith("[[", inner)
    key, after = _parse_key(text, inner + (2 if is_array else 1))
    close = "]]" if is_array else "]"
    if not text.startswith(close, after):
        raise LayoutError(f"unterminated table header at offset {pos}")
    key_text = text[inner + len(close) : after].strip()
    tail = text[after + len(close) : line_end].rstrip("\r\n")
    return Statement(
        "header",
        pos,
        line_end,
        key=key,
        key_text=key_text,
        is_array=is_array,
        tail=tail,
        text=text[pos:line_end],
    )


def _key_value(text: str, pos: int) -> Statement:
    key_start = pos + len(text[pos:]) - len(text[pos:].lstrip(" \t"))
    key, after = _parse_key(text, key_start)
    if after >= len(text) or text[after] != "=":
        raise LayoutError(f"expected '=' at offset {after}")
    key_text = text[key_start:after].strip()
    value_start = after + 1
    while value_start < len(text) and text[value_start] in " \t":
        value_start += 1
    value_end = value_extent(text, value_start)
    end = _line_end(text, value_end)
    tail = text[value_end:end].rstrip("\r\n")
    return Statement(
        "keyvalue",
        pos,
        end,
        key=key,
        key_text=key_text,
        value_start=value_start,
        value_end=value_end,
        tail=tail,
        text=text[pos:end],
    )


def value_extent(text: str, pos: int) -> int:
    """Offset just past the value starting at `pos` (strings, arrays and inline tables)."""
    n = len(text)
    depth = 0
    last = pos  # one past the last character that belongs to the value
    i = pos
    while i < n:
        char = text[i]
        if text.startswith('"""', i) or text.startswith("'''", i):
            i = _multiline_end(text, i)
            last = i
            if depth == 0:
                return i
            continue
        if char in "\"'":
            i = _string_end(text, i)
            last = i
            if depth == 0:
                return i
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        elif char == "#":
            if depth == 0:
                return last
            i = _line_end(text, i)
            continue
        elif char in "\r\n":
            if depth == 0:
                return last
        elif char not in " \t," and depth == 0:
            last = i + 1
        i += 1
    return last


def _string_end(text: str, pos: int) -> int:
    quote = text[pos]
    i = pos + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and quote == '"':
            i += 2
            continue
        if char == quote:
            return i + 1
        i += 1
    raise LayoutError(f"unterminated string at offset {pos}")


def _multiline_end(text: str, pos: int) -> int:
    delimiter = text[pos : pos + 3]
    i = pos + 3
    while i < len(text):
        if delimiter == '"""' and text[i] == "\\":
            i += 2
            continue
        if text.startswith(delimiter, i):
            end = i + 3
            # Up to two quotes right before the closing delimiter belong to the content.
            extra = 0
            while extra < 2 and end < len(text) and text[end] == delimiter[0]:
                end += 1
                extra += 1
            return end
        i += 1
    raise LayoutError(f"unterminated multi-line string at offset {pos}")
