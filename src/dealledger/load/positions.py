"""Source positions for key paths in TOML text.

``tomllib`` turns a deal file into plain dicts and lists and forgets where every value came
from, so a validation error found later ("tranche 2 has no amount") could only name a key
path. This module re-scans the same text once and remembers where each key path is defined,
so that messages can say ``deal.toml:41:10`` instead.

The text is read by the shared scanner in `toml_text` (statements, keys, values), which is not
a parser: on text that is not valid TOML it resynchronises at the next line, so the index
simply knows fewer positions. Building the index never raises.

Positions are stored as string offsets while scanning and are turned into line/column pairs
only when asked for, because most files are scanned and never queried.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from .toml_text import Statement, statements, walk_value

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
        _record(text, index._root)
    return index


def _record(text: str, root: _Node) -> None:
    """Walk the statements of `text` and record where each key path is defined."""
    table: _Node | None = root
    recorder = _Recorder()
    for statement in statements(text, 1 if text.startswith("\ufeff") else 0):
        kind = statement.kind
        if kind == "header" or (kind == "invalid" and text[statement.key_start] == "["):
            # A header, or one followed by more than a comment: keys below belong to no
            # known table where its key could not be read.
            table = _header(root, statement) if statement.key else None
        elif statement.key:  # a key/value, or one whose value could not be read to its end
            node = _define(table, statement.key, statement.key_start)
            start = statement.value_start
            if node is not None and node.value < 0 and start < len(text):
                node.value = start
            if start < len(text) and text[start] in "[{":
                recorder.node = node
                walk_value(text, start, recorder)
                recorder.stack.clear()


def _header(root: _Node, statement: Statement) -> _Node | None:
    """The table that a ``[a.b]`` or ``[[a.b]]`` header opens, recording the way to it."""
    start = statement.key_start
    is_aot = statement.is_array
    parts = statement.key
    node: _Node | None = root
    last = len(parts) - 1
    for i, part in enumerate(parts):
        node = _child(node, part)
        if node is None:
            return None
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
                return None
    if is_aot and node is not None:
        node.items += 1
        node = _child(node, node.items - 1)
        if node is None:
            return None
    if node is not None and not node.explicit:
        node.explicit = True
        node.key = start
        node.header = start
    return node


# The frame of a container opened where nothing is recorded (past the depth cap): shared, so
# a deep ``[[[[`` costs one pointer per level, and never changed.
_SKIPPED = (None, -1)


class _Recorder:
    """Records the positions inside one array or inline table as `walk_value` reports them."""

    __slots__ = ("node", "stack")

    def __init__(self) -> None:
        self.node: _Node | None = None
        # [the container's node, index of its current element] for every open container.
        self.stack: list = []

    def value(self, pos: int) -> None:
        node = self.node
        if node is not None and node.value < 0:
            node.value = pos

    def open(self) -> None:
        self.stack.append(_SKIPPED if self.node is None else [self.node, -1])

    def element(self, pos: int) -> None:
        frame = self.stack[-1]
        if frame[0] is None:
            self.node = None
            return
        frame[1] += 1
        node = self.node = _child(frame[0], frame[1])
        if node is not None and node.key < 0:
            node.key = pos

    def key(self, parts: tuple[str, ...], pos: int) -> None:
        self.node = _define(self.stack[-1][0], parts, pos)

    def close(self) -> None:
        self.stack.pop()


def _define(table: _Node | None, parts: tuple[str, ...], start: int) -> _Node | None:
    """Record a (dotted) key: every table it passes through starts where the key starts."""
    node = table
    for part in parts:
        node = _child(node, part)
        if node is None:
            return None
        if node.key < 0:
            node.key = start
    return node


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
