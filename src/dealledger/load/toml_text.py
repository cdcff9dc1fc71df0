"""TOML text as written: its statements, keys and values, by offsets into the text.

`tomllib` turns text into data and forgets the text. Two things need the text itself: where a
key path is written, for error messages (`positions`), and which bytes are a comment, a header
or a key's value, so that `fmt` and `record` can rewrite a file and keep every byte they do not
mean to change. Both read the text through this one scanner, so TOML's lexical rules (bare,
quoted and dotted keys, four kinds of strings, a date-time with a space, comments inside
arrays) are written down once.

It is not a parser: it is meant for text that `tomllib` accepted and never converts a number or
a date. On any other text it neither raises nor loops: a statement it cannot read is an
"invalid" statement up to the end of the line where reading stopped, and the scan goes on from
there, so every pass is linear in the length of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

__all__ = [
    "Key",
    "Statement",
    "StatementKind",
    "TomlTextError",
    "ValueVisitor",
    "layout",
    "parse_key",
    "statements",
    "walk_value",
]

StatementKind = Literal["blank", "comment", "header", "keyvalue", "invalid"]

# Whitespace, newlines and comments: everything that may separate tokens in an array.
# Each alternative consumes at least one character, so the outer loop cannot spin or backtrack.
_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_INDENT = re.compile(r"[ \t]*")
_BLANK = re.compile(r"[ \t\r]*(?:\n|\Z)")  # the rest of a line that holds only spaces
# What may follow a value or a header on its line.
_TAIL = re.compile(r"[ \t]*(?:#[^\n]*)?\r?(?:\n|\Z)")
# One part of a (possibly dotted) key, with the whitespace around it; group 1, 2 or 3 is the
# part as written (quotes included). Basic strings use the "unrolled loop" form so that a
# failing match is linear, not exponential.
_KEY_PART = re.compile(
    r"""[ \t]*(?:([A-Za-z0-9_-]+)|("[^"\\\n]*(?:\\.[^"\\\n]*)*")|('[^'\n]*'))[ \t]*"""
)
# Fast paths for the most common statements, ``key = "text"`` or ``key = 42`` alone on a line
# (or followed by "," or "}" in an inline table): one match instead of a token at a time. The
# lookahead rejects anything more complex (``"""``, a date with a space, a second token), which
# then takes the general route.
_SIMPLE_VALUE = r"""([A-Za-z0-9_-]+)[ \t]*=[ \t]*("[^"\\\n]*"|'[^'\n]*'|[A-Za-z0-9_+\-.:]+)"""
_SIMPLE_KEY_VALUE = re.compile(_SIMPLE_VALUE + r"(?=[ \t]*(?:[#\r\n]|\Z))")
_SIMPLE_INLINE = re.compile(_SIMPLE_VALUE + r"(?=[ \t]*[,}])")
_BASIC_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
# Numbers, booleans, dates and times are skipped as one token. The first alternative exists
# only because a date-time may use a space instead of "T" (``1979-05-27 07:32:00Z``).
_SCALAR = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:[0-9:.+\-Zz]*|[^ \t\r\n,\]}#]+")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|x([0-9A-Fa-f]{2})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    '"': '"',
    "\\": "\\",
}


class TomlTextError(ValueError):
    """The text is not the TOML this scanner reads (callers of `layout` parse it first)."""


@dataclass(frozen=True, slots=True)
class Key:
    """A (possibly dotted) key: its decoded parts, the parts as written, and where it ends.

    `written` keeps each part's quoting but not the spaces around the dots, which is how `fmt`
    writes a key back. `end` is just past the whitespace that follows the key.
    """

    parts: tuple[str, ...]
    written: tuple[str, ...]
    end: int


class Statement(NamedTuple):
    """One statement of a document, by offsets into the text it was scanned from.

    `start`/`end` cover whole lines (`end` is just past the final newline, or the end of the
    text). `key_start` is where the key (or the header's first bracket) begins. For a
    key/value, `value_start`/`value_end` cover the value exactly; `tail_start` is where what
    follows the value (or a header's closing bracket) on its last line begins. An "invalid"
    statement keeps what could be read of its key and value.

    A named tuple rather than a frozen dataclass: building one per line is most of the cost
    of a scan, and a frozen dataclass takes seven times as long to build.
    """

    kind: StatementKind
    start: int
    end: int
    source: str
    key_start: int = 0
    key: tuple[str, ...] = ()
    written: tuple[str, ...] = ()
    is_array: bool = False
    value_start: int = 0
    value_end: int = 0
    tail_start: int = 0

    def __repr__(self) -> str:  # the whole source in every repr would bury the statement
        return f"Statement({self.kind!r}, {self.start}, {self.end}, {self.text!r})"

    @property
    def text(self) -> str:
        return self.source[self.start : self.end]

    @property
    def value_text(self) -> str:
        return self.source[self.value_start : self.value_end]

    @property
    def tail(self) -> str:
        """What follows the value or the header on its line: spaces, a comment, no newline."""
        return self.source[self.tail_start : self.end].rstrip("\r\n")


def layout(text: str) -> list[Statement]:
    """The statements of `text`, which tile it exactly, in order; for text tomllib accepted."""
    found = list(statements(text))
    for statement in found:
        if statement.kind == "invalid":
            raise TomlTextError(f"cannot read the statement at offset {statement.key_start}")
    return found


def statements(text: str, pos: int = 0) -> Iterator[Statement]:
    """Every statement from `pos` on: blank line, comment line, header or key/value."""
    n = len(text)
    find = text.find
    blank, indent, simple = _BLANK.match, _INDENT.match, _SIMPLE_KEY_VALUE.match
    while pos < n:
        newline = find("\n", pos)
        line_end = n if newline < 0 else newline + 1
        first = indent(text, pos).end()
        char = text[first] if first < n else "\n"
        if char == "\n" or (char == "\r" and blank(text, first) is not None):
            yield Statement("blank", pos, line_end, text)
            pos = line_end
            continue
        if char == "#":
            yield Statement("comment", pos, line_end, text, first)
            pos = line_end
            continue
        if char == "[":
            statement = _header(text, pos, first, line_end)
        else:
            found = simple(text, first)
            if found is not None:
                name = found.group(1)
                value_end = found.end()
                statement = Statement(
                    "keyvalue",
                    pos,
                    line_end,
                    text,
                    first,
                    (name,),
                    (name,),
                    False,
                    found.start(2),
                    value_end,
                    value_end,
                )
            else:
                statement = _key_value(text, pos, first, line_end)
        yield statement
        pos = statement.end


def _line_end(text: str, pos: int) -> int:
    newline = text.find("\n", pos)
    return len(text) if newline < 0 else newline + 1


def _header(text: str, pos: int, first: int, line_end: int) -> Statement:
    is_array = text.startswith("[[", first)
    key = parse_key(text, first + (2 if is_array else 1))
    close = "]]" if is_array else "]"
    if key is None or not text.startswith(close, key.end):
        return Statement("invalid", pos, line_end, text, first, is_array=is_array)
    after = key.end + len(close)
    kind: StatementKind = "header" if _TAIL.match(text, after) else "invalid"
    return Statement(
        kind, pos, line_end, text, first, key.parts, key.written, is_array, after, after, after
    )


def _key_value(text: str, pos: int, first: int, line_end: int) -> Statement:
    key = parse_key(text, first)
    if key is None or key.end >= len(text) or text[key.end] != "=":
        return Statement("invalid", pos, line_end, text, first)
    value_start = _INDENT.match(text, key.end + 1).end()
    value_end, complete = walk_value(text, value_start)
    end = _line_end(text, value_end)
    return Statement(
        "keyvalue" if complete and _TAIL.match(text, value_end) else "invalid",
        pos,
        max(end, line_end),
        text,
        first,
        key.parts,
        key.written,
        False,
        value_start,
        value_end,
        value_end,
    )


def parse_key(text: str, pos: int) -> Key | None:
    """The dotted key at `pos` (after optional spaces); None if there is none."""
    parts: list[str] = []
    written: list[str] = []
    match = _KEY_PART.match
    n = len(text)
    while True:
        found = match(text, pos)
        if found is None:
            return None
        bare, basic, literal = found.groups()
        if bare is not None:
            parts.append(bare)
            written.append(bare)
        elif basic is not None:
            body = basic[1:-1]
            parts.append(_unescape(body) if "\\" in body else body)
            written.append(basic)
        else:
            parts.append(literal[1:-1])
            written.append(literal)
        pos = found.end()
        if pos < n and text[pos] == ".":
            pos += 1
            continue
        return Key(tuple(parts), tuple(written), pos)


def _unescape(body: str) -> str:
    """Decode a basic-string key, so that ``"\\u0061" = 1`` is the key ``a``."""

    def replace(match: re.Match[str]) -> str:
        digits = match.group(1) or match.group(2) or match.group(3)
        if digits:
            code = int(digits, 16)
            return chr(code) if code <= 0x10FFFF else "\ufffd"
        return _SIMPLE_ESCAPES.get(match.group(4), match.group(0))

    return _ESCAPE.sub(replace, body)


class ValueVisitor(Protocol):
    """What `walk_value` reports inside a value, for a caller that records positions."""

    def value(self, pos: int) -> None:
        """A value (of the current key or array element) starts at `pos`."""

    def open(self) -> None:
        """A non-empty array or inline table opens; its elements or keys follow."""

    def element(self, pos: int) -> None:
        """The next element of the innermost array starts at `pos`."""

    def key(self, parts: tuple[str, ...], pos: int) -> None:
        """A key of the innermost inline table starts at `pos`."""

    def close(self) -> None:
        """The innermost array or inline table ends."""


def walk_value(text: str, pos: int, visitor: ValueVisitor | None = None) -> tuple[int, bool]:
    """Where the value at `pos` ends, and whether it was a well-formed value.

    Walks nested arrays and inline tables with an explicit stack instead of recursion, so any
    depth costs memory, not the Python stack. Where the text is not a value, returns the
    offset where reading stopped and False.
    """
    n = len(text)
    skip = _SKIP.match
    closers: list[str] = []  # "]" or "}" for every container open around `pos`
    expecting = True  # False when the inline-table fast path has consumed the next value
    while True:
        if expecting:
            # --- a value starts at ``pos`` ---
            if pos >= n:
                return pos, False
            char = text[pos]
            if visitor is not None:
                visitor.value(pos)
            if char == "[":
                pos = skip(text, pos + 1).end()
                if pos < n and text[pos] == "]":
                    pos += 1
                else:
                    closers.append("]")
                    if visitor is not None:
                        visitor.open()
                        if pos < n:
                            visitor.element(pos)
                    continue
            elif char == "{":
                pos = skip(text, pos + 1).end()
                if pos < n and text[pos] == "}":
                    pos += 1
                else:
                    closers.append("}")
                    if visitor is not None:
                        visitor.open()
                    found = _inline_key(text, pos, visitor)
                    if found is None:
                        return pos, False
                    pos, expecting = found
                    continue
            elif char == '"' or char == "'":
                end = _string_end(text, n, pos)
                if end < 0:
                    newline = text.find("\n", pos)
                    return (n if newline < 0 else newline), False
                pos = end
            else:
                match = _SCALAR.match(text, pos)
                if match is None:
                    return pos, False
                pos = match.end()
        expecting = True

        # --- a value ended: close containers until one expects another value ---
        while closers:
            closer = closers[-1]
            pos = skip(text, pos).end()
            if pos >= n:
                return pos, False
            char = text[pos]
            if char == ",":
                pos = skip(text, pos + 1).end()
                if pos < n and text[pos] == closer:  # trailing comma
                    closers.pop()
                    if visitor is not None:
                        visitor.close()
                    pos += 1
                    continue
                if closer == "}":
                    found = _inline_key(text, pos, visitor)
                    if found is None:
                        return pos, False
                    pos, expecting = found
                elif visitor is not None and pos < n:
                    visitor.element(pos)
                break
            if char == closer:
                closers.pop()
                if visitor is not None:
                    visitor.close()
                pos += 1
                continue
            return pos, False
        else:
            return pos, True


def _inline_key(text: str, pos: int, visitor: ValueVisitor | None) -> tuple[int, bool] | None:
    """Read ``key =`` inside ``{ }``; None on malformed text.

    Returns the position after it and whether a value is still expected there: a plain
    ``key = 1`` is consumed whole, because inline tables of tiers and amounts are where a deal
    file spends most of its statements.
    """
    simple = _SIMPLE_INLINE.match(text, pos)
    if simple is not None:
        if visitor is not None:
            visitor.key((simple.group(1),), pos)
            visitor.value(simple.start(2))
        return simple.end(), False
    key = parse_key(text, pos)
    if key is None or key.end >= len(text) or text[key.end] != "=":
        return None
    if visitor is not None:
        visitor.key(key.parts, pos)
    return _INDENT.match(text, key.end + 1).end(), True


def _string_end(text: str, n: int, pos: int) -> int:
    """End of the string starting at ``pos`` (a quote), or -1 if it is not terminated."""
    quote = text[pos]
    triple = quote * 3
    if text.startswith(triple, pos):
        content = pos + 3
        search = content
        while True:
            found = text.find(triple, search)
            if found < 0:
                return -1
            if quote == '"':
                # A quote preceded by an odd run of backslashes is escaped.
                before = found
                while before > content and text[before - 1] == "\\":
                    before -= 1
                if (found - before) & 1:
                    search = found + 1
                    continue
            end = found + 3
            # Up to two quotes right before the closing delimiter belong to the content:
            # the delimiter is the *last* three of a run of at most five.
            if end < n and text[end] == quote:
                end += 1
                if end < n and text[end] == quote:
                    end += 1
            return end
    if quote == '"':
        match = _BASIC_STRING.match(text, pos)
        return -1 if match is None else match.end()
    close = text.find("'", pos + 1)
    if close < 0:
        return -1
    newline = text.find("\n", pos + 1, close)
    return -1 if newline >= 0 else close + 1
