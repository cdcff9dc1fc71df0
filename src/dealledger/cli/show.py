"""`dealledger show DEAL_ID`: one deal in full."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import app
from .common import (
    AsOfOption,
    Format,
    FormatOption,
    LedgerOption,
    NoCacheOption,
    RawCsvOption,
    open_ledger,
    parse_as_of,
    write,
)
from .completion import complete_deal_id
from .pager import NoPagerOption
from .pipe import closed_pipe_ends_quietly

if TYPE_CHECKING:
    from rich.console import RenderableType

DealIdArgument = Annotated[
    str,
    typer.Argument(
        metavar="DEAL_ID",
        help="The deal's id, e.g. azn-cspc-2024-ys2302018.",
        autocompletion=complete_deal_id,
    ),
]


@app.command(short_help="Everything about one deal, with its figures and problems.")
def show(
    deal_id: DealIdArgument,
    ledger: LedgerOption = None,
    no_cache: NoCacheOption = False,
    output_format: FormatOption = Format.TABLE,
    raw_cells: RawCsvOption = False,
    no_pager: NoPagerOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Everything about one deal: parties and their groups, assets, every tranche (payer →
    payee, status, dates, royalties), sources, related deals in both directions, computed
    figures and the deal file's problems.

    An unknown id exits with 2 and suggests the nearest ids. In json, `tranches` lists every
    tranche in file order with its payer and payee resolved and its amount converted to the
    deal's currency.

    Examples:

      dealledger show azn-cspc-2024-ys2302018

      dealledger show azn-cspc-2025-ai-research --format json | jq '.tranches[].amount'

      dealledger show azn-cspc-2026-obesity-peptides --format markdown > deal.md
    """
    from ..render.show_view import show_overview, show_views
    from ..reports.show import SHOW_FIELDS, UnknownDeal, find_deal, show_record
    from .output import write_delimited, write_json

    day = parse_as_of(as_of)
    loaded = open_ledger(ledger, None, no_cache=no_cache)
    try:
        entry = find_deal(loaded, deal_id)
    except UnknownDeal as exc:
        if exc.broken:  # the deal's own problems first, then why it cannot be shown
            import sys

            from .common import problem_line

            for problem in loaded.problems:
                if problem.deal == deal_id:
                    sys.stderr.write(problem_line(problem) + "\n")
        raise
    record = show_record(entry, loaded, day)
    with closed_pipe_ends_quietly():
        if output_format is Format.JSON:
            write_json(record)
        elif output_format in (Format.CSV, Format.TSV):
            write_delimited([record], SHOW_FIELDS, output_format, raw_cells)
        elif output_format is Format.MARKDOWN:
            from ..render.markdown import render_markdown

            head = [f"## {_markdown_text(record['id'])}", ""]
            head += [
                f"- **{label}**: {_markdown_text(value)}" for label, value in show_overview(record)
            ]
            write("\n".join([*head, "", *(render_markdown(view) for view in show_views(record))]))
        else:
            from rich.console import Group

            from .pager import show_renderable

            show_renderable(Group(*_table_form(record)), no_pager=no_pager)
    raise typer.Exit(1 if any(p["severity"] == "error" for p in record["problems"]) else 0)


def _table_form(record: dict[str, Any]) -> list[RenderableType]:
    """The id, the overview lines, then each section's table after a blank line."""
    from rich.console import NewLine
    from rich.text import Text

    from ..render.show_view import show_overview, show_views
    from ..render.table import build_table, safe
    from .terminal import stdout_style

    decorated = stdout_style().decorated
    parts: list[RenderableType] = [safe(record["id"], "bold" if decorated else "")]
    for label, value in show_overview(record):
        line = Text(f"{label:<11} ", style="bold" if decorated else "")
        line.append(safe(value))
        parts.append(line)
    for view in show_views(record):
        parts += [NewLine(), build_table(view, decorated=decorated)]
    return parts


def _markdown_text(text: str) -> str:
    from ..domain.safe_text import terminal_safe

    return terminal_safe(text).replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
