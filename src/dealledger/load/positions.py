"""Source positions for key paths in TOML text.

``tomllib`` turns a deal file into plain dicts and lists and forgets where every value came
from, so a validation error found later ("tranche 2 has no amount") could only name a key
path. This module re-scans the same text once and remembers where each key path is defined,
so that messages can say ``deal.toml:41:10`` instead.

The scanner is deliberately *not* a parser: it only ever sees text that ``tomllib`` has
already accepted, so it trusts the structure and skips everything it does not need (it never
converts a number or a date). On text that is not valid TOML it does not complain either; it
resynchronises at the next line and simply knows fewer positions. It never raises.

Positions are stored as string offsets while scanning and are turned into line/column pairs
only when asked for, because most files are scanned and never queried.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

__all__ = [
    "Path",
    "PositionIndex",
    "Span",
    "decode_error_span",
    "scan_positions",
    "utf8_error_span",
]

Path = tuple[str | int, ...]

# Levels deeper than this are not recorded (the scan still walks them to find where the value
# ends). Without a cap, 5 MB of ``[[[[`` or ``a.a.a.a`` would build millions of nodes; with it,
# memory stays proportional to what a real document contains, which is never this deep.
_MAX_DEPTH = 512

# Whitespace, newlines and comments: everything that may separate tokens in an array.
# Each alternative consumes at least one character, so the outer loop cannot spin or backtrack.
_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_WS = re.compile(r"[ \t]*")
# One part of a (possibly dotted) key, with the whitespace around it. Basic strings use the
# "unrolled loop" form so that a failing match is linear, not exponential.
_KEY_PART = re.compile(
    r"""[ \t]*(?:([A-Za-z0-9_-]+)|"([^"\\\n]*(?:\\.[^"\\\n]*)*)"|'([^'\n]*)')[ \t]*"""
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
_DECODE_COORD = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*\Z")
_DECODE_END = re.compile(r"\s*\(at end of document\)\s*\Z")


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based line and column, the way editors and compilers report positions.

    Columns count code points, not bytes or UTF-16 units, because that is what a Python
    string index measures and what most editors show for non-ASCII text.
    """

    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


class _Node:
    """One key path: the tree mirrors the document, so recording a key costs O(1) per part.

    A dict keyed by path tuples would have to build and hash every prefix of every dotted key
    and header, which is quadratic in the nesting depth.
    """

    __slots__ = ("children", "depth", "explicit", "header", "items", "key", "value")

    def __init__(self, depth: int) -> None:
        self.children: dict[str | int, _Node] | None = None
        self.depth = depth
        self.key = -1  # offsets into the text; -1 = unknown
        self.value = -1
        self.header = -1
        self.items = 0  # elements of this array of tables opened by ``[[...]]`` so far
        self.explicit = False  # ``header`` and ``key`` come from the table's own header


def _child(node: _Node | None, part: str | int) -> _Node | None:
    """The node for ``part`` under ``node``, created on first use; ``None`` past the cap."""
    if node is None:
        return None
    children = node.children
    if children is None:
        children = node.children = {}
    child = children.get(part)
    if child is None:
        if node.depth >= _MAX_DEPTH:
            return None
        child = children[part] = _Node(node.depth + 1)
    return child


class PositionIndex:
    """Where each key path of one TOML document is defined.

    Built by :func:`scan_positions`. Offsets are kept raw and converted on demand, so that
    scanning thousands of files that never produce an error stays cheap.
    """

    __slots__ = ("_line_starts", "_root", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._root = _Node(0)
        self._line_starts: list[int] | None = None

    def key(self, path: Path) -> Span | None:
        """Where the definition of ``path`` begins.

        This is what to underline when the *presence* of a key is the problem (an unknown or
        duplicated field), as opposed to its value.
        """
        node = self._find(path)
        return None if node is None or node.key < 0 else self._span(node.key)

    def value(self, path: Path) -> Span | None:
        """Where the value of ``path`` begins; ``None`` for tables opened by headers.

        This is what to underline when a value has the wrong type or is out of range.
        """
        node = self._find(path)
        return None if node is None or node.value < 0 else self._span(node.value)

    def table(self, path: Path) -> Span | None:
        """The header of the innermost header-defined table holding ``path`` (or being it).

        Useful when something is *missing*: a required key has no position of its own, but
        the ``[[tranches]]`` header of the element that lacks it does. ``None`` means the path
        lives in the root table, which has no header.
        """
        for node in reversed(self._walk(path)):
            if node.header >= 0:
                return self._span(node.header)
        return None

    def nearest(self, path: Path) -> Span:
        """The best position available for ``path``, so that reporting code never branches.

        Falls back to the closest known ancestor (a path from a model may go deeper than the
        document, e.g. a missing nested field), and finally to the start of the file.
        """
        for node in reversed(self._walk(path)):
            offset = node.value if node.value >= 0 else node.key
            if offset >= 0:
                return self._span(offset)
        return Span(1, 1)

    def _find(self, path: Path) -> _Node | None:
        nodes = self._walk(path)
        if len(nodes) == 1 or len(nodes) <= len(path):
            return None  # the root is no key, and a partial match is not the path
        return nodes[-1]

    def _walk(self, path: object) -> list[_Node]:
        """The root and the nodes along ``path``, as far as the document defines it."""
        node = self._root
        nodes = [node]
        if not isinstance(path, tuple | list):
            return nodes
        try:
            for part in path:
                children = node.children
                if children is None:
                    break
                child = children.get(part)
                if child is None:
                    break
                node = child
                nodes.append(node)
        except TypeError:  # an unhashable part cannot name anything
            pass
        return nodes

    def _span(self, offset: int) -> Span:
        starts = self._line_starts
        if starts is None:
            # Start offset of every line: one past each "\n". A "\r" before the "\n" stays on
            # the line it ends, so it never shifts the columns of the next line.
            parts = self._text.split("\n")
            starts = list(accumulate(map(len, parts), lambda a, b: a + b + 1, initial=0))
            self._line_starts = starts
        line = bisect_right(starts, offset) - 1
        return Span(line + 1, offset - starts[line] + 1)


def scan_positions(text: str) -> PositionIndex:
    """Map every key path of ``text`` to where it is defined.

    Meant for text that ``tomllib.loads`` accepted; anything else yields a partial index
    rather than an exception, because position lookup must never turn a helpful validation
    message into a crash. Offsets refer to ``text`` exactly as given, so strip a BOM before
    both parsing and scanning if you want line 1 columns to match what editors show.
    """
    if not isinstance(text, str):
        return PositionIndex("")
    index = PositionIndex(text)
    # A partial index beats an exception: whatever was recorded before a failure stays valid.
    with contextlib.suppress(Exception):
        _Scanner(text, index).run()
    return index


# Frames of the containers open in ``_Scanner.value``: [is_array, node, index of the current
# element]. Unrecorded levels share one frame per kind, so a deep ``[[[[`` costs one pointer
# per level; they are never mutated (the index only matters where something is recorded).
_SKIPPED_ARRAY = (True, None, 0)
_SKIPPED_TABLE = (False, None, 0)


class _Scanner:
    """One pass over the text; a class only to share state between the few rules."""

    __slots__ = ("n", "root", "text")

    def __init__(self, text: str, index: PositionIndex) -> None:
        self.text = text
        self.n = len(text)
        self.root = index._root

    def run(self) -> None:
        text, n = self.text, self.n
        skip, simple_match = _SKIP.match, _SIMPLE_KEY_VALUE.match
        pos = 1 if text.startswith("\ufeff") else 0
        table: _Node | None = self.root
        while True:
            pos = skip(text, pos).end()
            if pos >= n:
                return
            start = pos
            if text[pos] == "[":
                table, pos = self.header(pos)  # always moves on, at least to the next line
                continue
            simple = simple_match(text, pos)
            if simple is not None:
                node = _child(table, simple.group(1))
                if node is not None:
                    if node.key < 0:
                        node.key = pos
                    if node.value < 0:
                        node.value = simple.start(2)
                pos = simple.end()
                continue
            pos = self.key_value(table, pos)
            if pos <= start:
                pos = _next_line(text, start)

    def header(self, pos: int) -> tuple[_Node | None, int]:
        """Scan ``[a.b]`` or ``[[a.b]]``; return the table that now receives keys."""
        text = self.text
        start = pos
        is_aot = text.startswith("[[", pos)
        parsed = _parse_key(text, pos + (2 if is_aot else 1))
        if parsed is None:
            return None, _next_line(text, pos)
        parts, pos = parsed
        close = "]]" if is_aot else "]"
        if not text.startswith(close, pos):
            return None, _next_line(text, pos)
        pos += len(close)

        node: _Node | None = self.root
        last = len(parts) - 1
        for i, part in enumerate(parts):
            node = _child(node, part)
            if node is None:
                return None, pos
            if i < last or is_aot:
                # Tables the header passes through: known from here unless defined elsewhere.
                if node.key < 0:
                    node.key = start
                if node.header < 0:
                    node.header = start
            if i < last and node.items:
                # ``[a.b]`` after ``[[a]]`` means b inside the *last* element of a.
                node = _child(node, node.items - 1)
                if node is None:
                    return None, pos
        if is_aot and node is not None:
            node.items += 1
            node = _child(node, node.items - 1)
            if node is None:
                return None, pos
        if node is not None and not node.explicit:
            node.explicit = True
            node.key = start
            node.header = start
        return node, pos

    def key_value(self, table: _Node | None, pos: int) -> int:
        """Scan ``dotted.key = value``; return where the statement ends (or gave up)."""
        text = self.text
        start = pos
        parsed = _parse_key(text, pos)
        if parsed is None:
            return _next_line(text, pos)
        parts, pos = parsed
        if pos >= self.n or text[pos] != "=":
            return _next_line(text, pos)
        node = _define(table, parts, start)
        pos = _WS.match(text, pos + 1).end()
        return self.value(pos, node)

    def value(self, pos: int, node: _Node | None) -> int:
        """Scan one value, however deeply nested, with an explicit stack instead of recursion.

        Returns the position just after the value, or where it gave up on malformed text.
        """
        text, n = self.text, self.n
        skip = _SKIP.match
        stack: list = []
        # False when the inline-table fast path has already consumed the next value.
        expecting = True
        while True:
            if expecting:
                # --- a value starts at ``pos`` ---
                if pos >= n:
                    return pos
                char = text[pos]
                if node is not None and node.value < 0:
                    node.value = pos
                if char == "[":
                    pos = skip(text, pos + 1).end()
                    if pos < n and text[pos] == "]":
                        pos += 1
                    else:
                        stack.append(_SKIPPED_ARRAY if node is None else [True, node, 0])
                        node = _child(node, 0)
                        if node is not None and node.key < 0 and pos < n:
                            node.key = pos
                        continue
                elif char == "{":
                    pos = skip(text, pos + 1).end()
                    if pos < n and text[pos] == "}":
                        pos += 1
                    else:
                        stack.append(_SKIPPED_TABLE if node is None else [False, node, 0])
                        found = self.inline_key(node, pos)
                        if found is None:
                            return pos
                        node, pos, expecting = found
                        continue
                elif char == '"' or char == "'":
                    end = _skip_string(text, n, pos)
                    if end < 0:
                        return _next_line(text, pos)
                    pos = end
                else:
                    match = _SCALAR.match(text, pos)
                    if match is None:
                        return pos
                    pos = match.end()
            expecting = True

            # --- a value ended: close containers until one expects another value ---
            while stack:
                frame = stack[-1]
                pos = skip(text, pos).end()
                if pos >= n:
                    return pos
                char = text[pos]
                if char == ",":
                    pos = skip(text, pos + 1).end()
                    closer = "]" if frame[0] else "}"
                    if pos < n and text[pos] == closer:  # trailing comma
                        stack.pop()
                        pos += 1
                        continue
                    if not frame[0]:
                        found = self.inline_key(frame[1], pos)
                        if found is None:
                            return pos
                        node, pos, expecting = found
                    elif frame[1] is None:
                        node = None
                    else:
                        frame[2] += 1
                        node = _child(frame[1], frame[2])
                        if node is not None and node.key < 0 and pos < n:
                            node.key = pos
                    break
                if char == ("]" if frame[0] else "}"):
                    stack.pop()
                    pos += 1
                    continue
                return pos
            else:
                return pos

    def inline_key(self, table: _Node | None, pos: int) -> tuple[_Node | None, int, bool] | None:
        """Scan ``key =`` inside ``{ }``; ``None`` on malformed text.

        Returns the key's node, the position after it and whether a value is still expected
        there: a plain ``key = 1`` is consumed whole, because inline tables of tiers and
        amounts are where a deal file spends most of its statements.
        """
        text = self.text
        simple = _SIMPLE_INLINE.match(text, pos)
        if simple is not None:
            node = _child(table, simple.group(1))
            if node is not None:
                if node.key < 0:
                    node.key = pos
                if node.value < 0:
                    node.value = simple.start(2)
            return node, simple.end(), False
        parsed = _parse_key(text, pos)
        if parsed is None:
            return None
        parts, end = parsed
        if end >= self.n or text[end] != "=":
            return None
        return _define(table, parts, pos), _WS.match(text, end + 1).end(), True


def _define(table: _Node | None, parts: list[str], start: int) -> _Node | None:
    """Record a (dotted) key: every table it passes through starts where the key starts."""
    node = table
    for part in parts:
        node = _child(node, part)
        if node is None:
            return None
        if node.key < 0:
            node.key = start
    return node


def _next_line(text: str, pos: int) -> int:
    """Resynchronise after something unexpected: TOML statements are line-based."""
    newline = text.find("\n", pos)
    return len(text) if newline < 0 else newline + 1


def _parse_key(text: str, pos: int) -> tuple[list[str], int] | None:
    """A dotted key and the whitespace after it, as decoded parts (``"a.b"`` is one part)."""
    parts: list[str] = []
    match = _KEY_PART.match
    n = len(text)
    while True:
        found = match(text, pos)
        if found is None:
            return None
        bare, basic, literal = found.groups()
        if bare is not None:
            parts.append(bare)
        elif basic is not None:
            parts.append(_unescape(basic) if "\\" in basic else basic)
        else:
            parts.append(literal)
        pos = found.end()
        if pos < n and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


def _unescape(body: str) -> str:
    """Decode a basic-string key, so that ``"\\u0061" = 1`` is found under ``a``."""

    def replace(match: re.Match[str]) -> str:
        digits = match.group(1) or match.group(2) or match.group(3)
        if digits:
            code = int(digits, 16)
            return chr(code) if code <= 0x10FFFF else "\ufffd"
        return _SIMPLE_ESCAPES.get(match.group(4), match.group(0))

    return _ESCAPE.sub(replace, body)


def _skip_string(text: str, n: int, pos: int) -> int:
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


def decode_error_span(message: str, text: str) -> tuple[Span, str]:
    """Split a ``tomllib.TOMLDecodeError`` message into a position and the bare message.

    Python 3.11 only reports the position inside the message text, and we want to print it
    in our own ``file:line:column`` format. ``tomllib`` counts on text with ``\\r\\n`` turned
    into ``\\n``, which leaves lines and columns unchanged, so no translation is needed.
    A message without a recognised suffix is returned whole, positioned at the start.
    """
    try:
        message = str(message)
        found = _DECODE_COORD.search(message)
        if found is not None:
            line = max(int(found.group(1)), 1)
            column = max(int(found.group(2)), 1)
            return Span(line, column), message[: found.start()]
        found = _DECODE_END.search(message)
        if found is not None:
            text = text if isinstance(text, str) else ""
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
            return Span(line, column), message[: found.start()]
    except Exception:  # error reporting must not fail in turn
        pass
    return Span(1, 1), message if isinstance(message, str) else str(message)


def utf8_error_span(data: bytes, offset: int) -> Span:
    """Position of an undecodable byte, so a bad file is reported like any syntax error.

    The line prefix is decoded with replacement characters: the column is then what an
    editor that shows U+FFFD for bad bytes would display.
    """
    try:
        offset = min(max(int(offset), 0), len(data))
        line_start = data.rfind(b"\n", 0, offset) + 1
        line = data.count(b"\n", 0, offset) + 1
        column = len(bytes(data[line_start:offset]).decode("utf-8", errors="replace")) + 1
        return Span(line, column)
    except Exception:  # error reporting must not fail in turn
        return Span(1, 1)
