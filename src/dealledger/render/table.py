"""Rich tables for terminals, plain aligned text for pipes.

Every cell is built as a `rich.text.Text` from terminal-safe text, so nothing from a deal
file is ever parsed as Rich markup.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..domain.safe_text import terminal_safe
from .view import View


def safe(text: str, style: str = "") -> Text:
    return Text(terminal_safe(text), style=style)


def build_table(view: View, *, decorated: bool, width: int | None = None) -> Table:
    """The table for a pipe (`decorated=False`: every column, full text) or a terminal of
    `width` columns, leaving out droppable columns until the rest fit."""
    dropped: set[int] = set()
    droppable = sorted(
        (column.drop_order, position)
        for position, column in enumerate(view.columns)
        if column.drop_order is not None
    )
    table = _table(view, decorated=decorated, dropped=dropped)
    if not decorated or width is None:
        return table
    # Measured on an unbounded console: a bounded one clamps the measure to its own width.
    console = Console(width=1_000_000, markup=False, highlight=False)
    for _, position in droppable:
        if Measurement.get(console, console.options, table).minimum <= width:
            break
        dropped.add(position)
        table = _table(view, decorated=decorated, dropped=dropped)
    return table


def _table(view: View, *, decorated: bool, dropped: set[int]) -> Table:
    table = Table(
        title=safe(view.title) if view.title else None,
        caption=safe(view.caption) if view.caption else None,
        # In a pipe: no box at all, so columns are plain whitespace-separated text.
        box=box.SIMPLE_HEAD if decorated else None,
        header_style="bold" if decorated else "",
        show_edge=False,
        pad_edge=False,
        expand=False,
    )
    shown = [
        position
        for position, column in enumerate(view.columns)
        if not decorated or (column.on_terminal and position not in dropped)
    ]
    for column in (view.columns[position] for position in shown):
        wraps = column.justify == "left" if column.wrap is None else column.wrap
        table.add_column(
            safe(column.title),
            justify=column.justify,
            # Only a terminal is laid out to a width; a pipe gets every character.
            no_wrap=decorated and not wraps,
            overflow="fold" if wraps or not decorated else "ellipsis",
            max_width=column.max_width if decorated else None,
        )
    for row in view.rows:
        table.add_row(*(safe(row[position]) for position in shown))
    if view.footer:
        table.add_section()
        for row in view.footer:
            table.add_row(*(safe(row[position], "bold" if decorated else "") for position in shown))
    return table
