"""Rich tables for terminals, plain aligned text for pipes.

Every cell is built as a `rich.text.Text` from terminal-safe text, so nothing from a deal
file is ever parsed as Rich markup.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..safe_text import terminal_safe
from .view import View


def safe(text: str, style: str = "") -> Text:
    return Text(terminal_safe(text), style=style)


def build_table(view: View, *, decorated: bool) -> Table:
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
    for column in view.columns:
        table.add_column(safe(column.title), justify=column.justify, overflow="fold")
    for row in view.rows:
        table.add_row(*(safe(value) for value in row))
    if view.footer:
        table.add_section()
        for row in view.footer:
            table.add_row(*(safe(value, "bold" if decorated else "") for value in row))
    return table


def print_view(view: View, console: Console) -> None:
    console.print(build_table(view, decorated=console.is_terminal))
