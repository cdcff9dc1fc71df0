"""Tables as lines of text: laid out to a terminal's width by dropping whole columns, or in
full for a pipe.

A narrow terminal gets fewer columns, never cut figures: the key column (an id, a year, a
group) is always shown and wraps only at `-` or a space; amounts and dates are never cut or
wrapped; text columns wrap at words; columns are dropped whole in each view's order of
importance (`Column.drop_order`) and a note under the table names them. The layout costs
one measure per cell, so 10,000 rows lay out as fast as they can be written, and lines are
produced one row at a time (a pager can take them as they come).

Every cell goes through `terminal_safe`: nothing from a deal file reaches the terminal as a
control character, and no markup language is involved at all.
"""

from __future__ import annotations

import functools
import itertools
import re
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rich.cells import cell_len as _rich_cell_len

from ..domain.errors import UsageError, did_you_mean
from ..domain.safe_text import terminal_safe
from .view import Column, View

SEPARATOR = "  "
RULE = "─"
BOLD, RESET = "\x1b[1m", "\x1b[0m"
# A wrapping text column is not squeezed below this (or its natural width) before columns
# are dropped: a column of 4-character lines is noise, not information.
TEXT_MIN_WIDTH = 12


# Characters the views themselves write (arrows, separators, dashes, currency signs): each
# takes one cell, so a cell made of them and ASCII is measured by its length.
_ONE_CELL = str.maketrans(dict.fromkeys("→·—–…×±≤≥€£¥"))


def cell_len(text: str) -> int:
    """Terminal cells `text` takes: its length for ASCII (nearly every cell) and the views'
    own one-cell signs, else Rich's measure of wide and combining characters."""
    if text.isascii() or text.translate(_ONE_CELL).isascii():
        return len(text)
    return _wide_cell_len(text)


@functools.lru_cache(maxsize=8192)
def _wide_cell_len(text: str) -> int:
    """Cached: the same party names and arrows come back row after row."""
    return _rich_cell_len(text)


@dataclass(frozen=True, slots=True)
class Layout:
    """Which columns are shown, how wide each is, and which were left out."""

    shown: list[int]
    widths: list[int]
    hidden: list[str]
    width: int | None  # the terminal's width; None in a pipe (no limit)

    @property
    def table_width(self) -> int:
        return sum(self.widths) + len(SEPARATOR) * max(len(self.widths) - 1, 0)


@dataclass(frozen=True, slots=True)
class _Measure:
    natural: int
    minimum: int
    squeezed: int  # the key column at its narrowest (longest piece between `-`)


_PIECE = re.compile(r"[^\s-]*-|[^\s-]+")


def _pieces(text: str) -> list[str]:
    """An id's wrap points: after each `-` and at spaces (`azn-`, `cspc-`, `2023`)."""
    return _PIECE.findall(text) or [""]


def _measures(columns: Sequence[Column], rows: Iterable[Sequence[str]]) -> list[_Measure]:
    """Every column's widths, in one pass over the rows (they may be spooled on disk)."""
    widest = [0] * len(columns)
    piece = [0] * len(columns)
    keys = [position for position, column in enumerate(columns) if column.key]
    for row in rows:
        for position, cell in enumerate(row):
            size = cell_len(cell)
            if size > widest[position]:
                widest[position] = size
        for position in keys:
            cell = row[position]
            if cell_len(cell) > piece[position]:
                piece[position] = max(piece[position], *(cell_len(p) for p in _pieces(cell)))
    return [
        _measure(column, widest[position], piece[position])
        for position, column in enumerate(columns)
    ]


def _measure(column: Column, widest: int, piece: int) -> _Measure:
    natural = max(cell_len(column.title), widest)
    title_word = max((cell_len(word) for word in column.title.split()), default=0)
    if column.key:
        return _Measure(natural, natural, max(title_word, piece))
    if not column.wraps:
        # Header words may wrap; the figures never do.
        body = max(widest, title_word)
        return _Measure(natural, body, body)
    if column.max_width is not None:
        natural = max(min(natural, column.max_width), title_word)
    minimum = min(natural, max(TEXT_MIN_WIDTH, title_word))
    return _Measure(natural, minimum, minimum)


def _need(widths: Iterable[int]) -> int:
    widths = list(widths)
    return sum(widths) + len(SEPARATOR) * max(len(widths) - 1, 0)


def lay_out(view: View, width: int | None, *, for_person: bool, wide: bool = False) -> Layout:
    """The columns to show at `width` (None: a pipe, every column in full).

    `for_person` (a terminal, or boxes forced on) leaves out `on_terminal=False` columns;
    `wide` never drops a column and lets lines run past `width` if they must.
    """
    columns = view.columns
    measures = _measures(columns, itertools.chain(view.rows, view.footer))
    shown = [
        position
        for position, column in enumerate(columns)
        if wide or not for_person or column.on_terminal
    ]
    hidden = [columns[position].title for position in range(len(columns)) if position not in shown]
    if width is None:
        return Layout(shown, [measures[p].natural for p in shown], hidden, None)
    if not wide:
        ranked = [
            position
            for _, position in sorted(
                (columns[position].drop_order, position)
                for position in shown
                if columns[position].drop_order is not None
            )
        ]
        last_resort = [
            position
            for position in reversed(shown)
            if columns[position].drop_order is None and not columns[position].key
        ]

        def fits(*, squeeze: bool) -> bool:
            return _need(_minimum(measures, shown, squeeze=squeeze)) <= width

        for position in ranked:
            if fits(squeeze=False):
                break
            shown.remove(position)
            hidden.append(columns[position].title)
        # Then the key column wraps at `-`; only then do columns without an order go.
        for position in last_resort:
            if fits(squeeze=True):
                break
            shown.remove(position)
            hidden.append(columns[position].title)
    squeeze = _need(_minimum(measures, shown, squeeze=False)) > width
    widths = _minimum(measures, shown, squeeze=squeeze)
    spare = width - _need(widths)
    # Spare room goes to the key column first, then to text columns, left to right.
    order = sorted(range(len(shown)), key=lambda index: not columns[shown[index]].key)
    for index in order:
        if spare <= 0:
            break
        grow = min(spare, measures[shown[index]].natural - widths[index])
        if grow > 0:
            widths[index] += grow
            spare -= grow
    return Layout(shown, widths, hidden, width)


def _minimum(measures: Sequence[_Measure], shown: Sequence[int], *, squeeze: bool) -> list[int]:
    return [measures[p].squeezed if squeeze else measures[p].minimum for p in shown]


def _wrap(text: str, width: int, column: Column) -> list[str]:
    if cell_len(text) <= width:
        return [text]
    if column.key:
        lines: list[str] = []
        for piece in _pieces(text):
            joiner = "" if not lines or lines[-1].endswith("-") else " "
            if lines and cell_len(lines[-1] + joiner + piece) <= width:
                lines[-1] += joiner + piece
            else:
                lines.append(piece)
        return [part for line in lines for part in _fold(line, width)]
    if not column.wraps:
        return [text]  # never cut: the line runs long instead (only under --wide)
    wrapped = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return [part for line in wrapped for part in _fold(line, width)] or [""]


def _fold(text: str, width: int) -> list[str]:
    """A word longer than its column (a URL in a text column) split by characters."""
    if cell_len(text) <= width:
        return [text]
    parts, current = [], ""
    for char in text:
        if current and cell_len(current + char) > width:
            parts.append(current)
            current = ""
        current += char
    return [*parts, current]


_TITLE = Column("", wrap=True)  # a title wraps at words, whatever its column holds


def _pad(text: str, width: int, column: Column) -> str:
    if len(text) == cell_len(text):  # one cell per character: the C padding does it
        return text.rjust(width) if column.justify == "right" else text.ljust(width)
    gap = " " * max(width - cell_len(text), 0)
    return gap + text if column.justify == "right" else text + gap


def _row_lines(
    cells: Sequence[str],
    columns: Sequence[Column],
    widths: Sequence[int],
    fitted: bool,
    *,
    header: bool = False,
) -> list[str]:
    if not fitted:
        return [
            SEPARATOR.join(
                _pad(cell, width, column)
                for cell, column, width in zip(cells, columns, widths, strict=True)
            ).rstrip()
        ]
    wrapped = [
        _wrap(cell, width, _TITLE if header else column)
        for cell, column, width in zip(cells, columns, widths, strict=True)
    ]
    height = max(len(lines) for lines in wrapped)
    return [
        SEPARATOR.join(
            _pad(lines[line] if line < len(lines) else "", width, column)
            for lines, column, width in zip(wrapped, columns, widths, strict=True)
        ).rstrip()
        for line in range(height)
    ]


def strong(line: str, styled: bool) -> str:
    """Bold on a terminal that takes styles; plain text everywhere else."""
    return f"{BOLD}{line}{RESET}" if styled and line else line


def hidden_note(layout: Layout, hint: str | None) -> str | None:
    """`4 columns hidden at 80 columns: Title, Parties, Declared, Paid — use --wide …`."""
    if not layout.hidden:
        return None
    count = len(layout.hidden)
    where = f" at {layout.width} columns" if layout.width is not None else ""
    note = f"{count} column{'s' if count != 1 else ''} hidden{where}: {', '.join(layout.hidden)}"
    return f"{note} — {hint}" if hint else note


def table_lines(
    view: View,
    layout: Layout,
    *,
    boxed: bool,
    styled: bool,
    hint: str | None = "use --wide or --columns",
) -> Iterator[str]:
    """The table's lines, without newlines: title, header, rows, footer, caption, note.

    `boxed` draws rules under the header and above the footer (a person's terminal);
    `styled` makes the header and footer bold with ANSI escapes.
    """
    columns = [view.columns[position] for position in layout.shown]
    widths = layout.widths
    fitted = layout.width is not None
    full = layout.table_width
    limit = layout.width if fitted else None

    if view.title:
        title = terminal_safe(view.title)
        for line in _text_lines(title, limit):
            yield line.center(max(full, cell_len(line))).rstrip() if boxed else line
    titles = [terminal_safe(column.title) for column in columns]
    for line in _row_lines(titles, columns, widths, fitted, header=True):
        yield strong(line, styled)
    if boxed:
        yield RULE * full
    for row in view.rows:
        yield from _row_lines(
            [terminal_safe(row[position]) for position in layout.shown], columns, widths, fitted
        )
    if view.footer:
        if boxed:
            yield RULE * full
        for row in view.footer:
            for line in _row_lines(
                [terminal_safe(row[position]) for position in layout.shown],
                columns,
                widths,
                fitted,
            ):
                yield strong(line, styled)
    for text in (view.caption, hidden_note(layout, hint)):
        if text:
            yield from _text_lines(terminal_safe(text), limit)


def _text_lines(text: str, width: int | None) -> list[str]:
    if width is None or cell_len(text) <= width:
        return [text]
    return [part for line in textwrap.wrap(text, width) for part in _fold(line, width)]


def select_columns(view: View, names: Sequence[str]) -> View:
    """The view with only the columns named (by JSON key), in the order given."""
    known = {column.name: position for position, column in enumerate(view.columns) if column.name}
    for name in names:
        if name not in known:
            raise UsageError(
                f"--columns: the table has no column {name!r}; accepted: "
                f"{', '.join(known)}{did_you_mean(name, known)}"
            )
    positions = [known[name] for name in names]
    return View(
        [_always_shown(view.columns[position]) for position in positions],
        _Picked(view.rows, positions),
        [[row[position] for position in positions] for row in view.footer],
        view.title,
        view.caption,
    )


class _Picked:
    """Some cells of each row, picked as the rows are read (they may be spooled on disk)."""

    def __init__(self, rows: Iterable[Sequence[str]], positions: Sequence[int]) -> None:
        self._rows = rows
        self._positions = positions

    def __iter__(self) -> Iterator[list[str]]:
        positions = self._positions
        for row in self._rows:
            yield [row[position] for position in positions]


def _always_shown(column: Column) -> Column:
    from dataclasses import replace

    return replace(column, on_terminal=True, drop_order=None)


def table_text(
    view: View, width: int | None = None, *, boxed: bool = False, wide: bool = False
) -> str:
    """The whole table as text (no styles): for tests, and for a table inside other text."""
    layout = lay_out(view, width, for_person=boxed or width is not None, wide=wide)
    return "\n".join(table_lines(view, layout, boxed=boxed, styled=False)) + "\n"
