"""Drawn charts for terminals: deals over time with their events, and bars per period.

Both are Rich renderables that size themselves to the console at render time, built only
from `Text` (never markup) with terminal-safe labels. Colour is decoration: the glyphs alone
carry the meaning, so NO_COLOR and TERM=dumb lose nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from ..domain.money import readable
from ..domain.periods import year_start
from ..domain.safe_text import terminal_safe

# Mark kinds, from least to most important: a later one wins a shared column.
GLYPHS: dict[str, tuple[str, str]] = {
    "deal": ("│", "dim"),
    "terminated": ("✕", "red"),
    "due": ("○", "cyan"),
    "achieved": ("◉", "yellow"),
    "paid": ("●", "green"),
}
LEGEND = (
    ("deal", "deal dates"),
    ("due", "due"),
    ("achieved", "achieved"),
    ("paid", "paid"),
    ("terminated", "terminated"),
)
_RANK = {kind: rank for rank, kind in enumerate(GLYPHS)}

ChartRow = tuple[str, Sequence[tuple[date, str]]]


def _truncate(text: str, width: int) -> str:
    text = terminal_safe(text)
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


class TimelineChart:
    """One line per deal: a rule from its first to its last event, glyphs at each event."""

    def __init__(self, rows: Sequence[ChartRow]) -> None:
        self.rows = [(label, list(marks)) for label, marks in rows if marks]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.rows:
            return
        width = min(options.max_width, 160)
        label_width = min(max(len(label) for label, _ in self.rows), 32)
        plot = max(width - label_width - 2, 12)
        days = [day for _, marks in self.rows for day, _ in marks]
        low = date(min(days).year, 1, 1)
        high = year_start(max(days).year + 1)
        span = (high - low).days or 1

        def column(day: date) -> int:
            return min(plot - 1, (day - low).days * (plot - 1) // span)

        for label, marks in self.rows:
            cells: list[tuple[str, str] | None] = [None] * plot
            first = column(min(day for day, _ in marks))
            last = column(max(day for day, _ in marks))
            for position in range(first, last + 1):
                cells[position] = ("─", "dim")
            ranks: dict[int, int] = {}
            for day, kind in marks:
                position = column(day)
                if _RANK[kind] >= ranks.get(position, -1):
                    ranks[position] = _RANK[kind]
                    cells[position] = GLYPHS[kind]
            line = Text(f"{_truncate(label, label_width):<{label_width}}  ")
            for cell in cells:
                if cell is None:
                    line.append(" ")
                else:
                    line.append(cell[0], style=cell[1])
            line.rstrip()
            yield line
        yield from self._axis(label_width, plot, low, high, column)
        legend = Text()
        for kind, meaning in LEGEND:
            glyph, style = GLYPHS[kind]
            legend.append(glyph, style=style)
            legend.append(f" {meaning}  ")
        legend.rstrip()
        if label_width + 2 + legend.cell_len <= width:
            legend = Text(" " * (label_width + 2)) + legend
        yield legend

    @staticmethod
    def _axis(label_width: int, plot: int, low: date, high: date, column: Any) -> Iterator[Text]:
        ticks = [" "] * plot
        rule = ["─"] * plot
        last_end = -2
        for year in range(low.year, high.year):
            position = column(date(year, 1, 1))
            rule[position] = "┬"
            text = str(year)
            if position > last_end and position + len(text) <= plot:
                ticks[position : position + len(text)] = list(text)
                last_end = position + len(text)
        yield Text(" " * (label_width + 2) + "".join(rule), style="dim")
        yield Text((" " * (label_width + 2) + "".join(ticks)).rstrip())


class PeriodBars:
    """Per period: the paid amount as solid blocks, then the due amount as shaded blocks."""

    def __init__(self, periods: Sequence[dict[str, Any]], currency: str | None) -> None:
        self.periods = list(periods)
        self.currency = currency

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.periods:
            return
        values = [
            (period["period"], period["paid"] or Decimal(0), period["due"] or Decimal(0))
            for period in self.periods
        ]
        name_width = max(len(name) for name, _, _ in values)
        amount_texts = [
            (f"{readable(paid)}" if paid else "", f"{readable(due)}" if due else "")
            for _, paid, due in values
        ]
        paid_width = max(len(text) for text, _ in amount_texts) or 1
        due_width = max(len(text) for _, text in amount_texts) or 1
        fixed = name_width + paid_width + due_width + 6
        bar_width = max(min(options.max_width - fixed, 60), 4)
        biggest = max((paid + due for _, paid, due in values), default=Decimal(0))
        header = Text(
            f"{self.currency or '':<{name_width}}  {'paid':>{paid_width}}  {'due':>{due_width}}  ",
            style="bold",
        )
        header.append("█", style="green")
        header.append(" paid  ")
        header.append("░", style="cyan")
        header.append(" due")
        yield header
        for (name, paid, due), (paid_text, due_text) in zip(values, amount_texts, strict=True):
            line = Text(
                f"{name:<{name_width}}  {paid_text:>{paid_width}}  {due_text:>{due_width}}  "
            )
            if biggest > 0:
                paid_cells = round(paid * bar_width / biggest)
                due_cells = round(due * bar_width / biggest)
                if paid and not paid_cells:
                    paid_cells = 1
                if due and not due_cells:
                    due_cells = 1
                line.append("█" * paid_cells, style="green")
                line.append("░" * due_cells, style="cyan")
            line.rstrip()
            yield line
