"""`dealledger show DEAL_ID`: one deal in full."""

from __future__ import annotations

from typing import Annotated, Any

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
from .table_options import WideOption

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
    wide: WideOption = False,
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
            from .pager import show_parts

            show_parts([_overview_lines(record), *show_views(record)], no_pager=no_pager, wide=wide)
    raise typer.Exit(1 if any(p["severity"] == "error" for p in record["problems"]) else 0)


def _overview_lines(record: dict[str, Any]) -> list[str]:
    """The id and the overview lines, each label bold on a terminal, then a blank line."""
    import textwrap

    from ..domain.safe_text import terminal_safe
    from ..render.show_view import show_overview
    from ..render.table import strong
    from .pipe import report_console
    from .terminal import stdout_style

    style = stdout_style()
    width = report_console().width if style.fit_width else None
    lines = [strong(terminal_safe(record["id"]), style.styled)]
    for label, value in show_overview(record):
        text = terminal_safe(value)
        parts = [text] if width is None else textwrap.wrap(text, max(width - 12, 20)) or [""]
        lines.append(strong(f"{label:<11}", style.styled) + " " + parts[0])
        lines += [" " * 12 + part for part in parts[1:]]
    return [*lines]


def _markdown_text(text: str) -> str:
    from ..domain.safe_text import terminal_safe

    return terminal_safe(text).replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
