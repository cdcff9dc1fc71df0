"""`dealledger show DEAL_ID`: one deal in full."""

from __future__ import annotations

from typing import Annotated

import typer

from . import app
from .common import (
    Format,
    FormatOption,
    LedgerOption,
    RawCsvOption,
    open_ledger,
    write,
)
from .completion import complete_deal_id
from .pipe import closed_pipe_ends_quietly, report_console

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
    output_format: FormatOption = Format.TABLE,
    raw_cells: RawCsvOption = False,
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
    from ..reports.show import (
        SHOW_FIELDS,
        UnknownDeal,
        find_deal,
        show_overview,
        show_record,
        show_views,
    )
    from .common import usage_error

    loaded = open_ledger(ledger, None)
    try:
        entry = find_deal(loaded, deal_id)
    except UnknownDeal as exc:
        if exc.broken:
            import sys

            from .common import problem_line

            for problem in loaded.problems:
                if problem.deal == deal_id:
                    sys.stderr.write(problem_line(problem) + "\n")
            sys.stderr.write(f"dealledger: error: {exc}\n")
            raise typer.Exit(1) from None
        usage_error(str(exc))
    record = show_record(entry, loaded)
    with closed_pipe_ends_quietly():
        if output_format is Format.JSON:
            from ..render.jsonout import dumps

            write(dumps(record) + "\n")
        elif output_format in (Format.CSV, Format.TSV):
            from ..render.delimited import render_delimited

            delimiter = "," if output_format is Format.CSV else "\t"
            write(
                render_delimited(
                    [record], SHOW_FIELDS, delimiter=delimiter, neutralize=not raw_cells
                )
            )
        elif output_format is Format.MARKDOWN:
            from ..render.markdown import render_markdown

            head = [f"## {_markdown_text(record['id'])}", ""]
            head += [
                f"- **{label}**: {_markdown_text(value)}" for label, value in show_overview(record)
            ]
            write("\n".join([*head, "", *(render_markdown(view) for view in show_views(record))]))
        else:
            from rich.text import Text

            from ..render.table import print_view, safe

            console = report_console()
            decorated = console.is_terminal
            console.print(safe(record["id"], "bold" if decorated else ""))
            for label, value in show_overview(record):
                line = Text(f"{label:<11} ", style="bold" if decorated else "")
                line.append(safe(value))
                console.print(line)
            for view in show_views(record):
                console.print()
                print_view(view, console)
    raise typer.Exit(1 if any(p["severity"] == "error" for p in record["problems"]) else 0)


def _markdown_text(text: str) -> str:
    from ..safe_text import terminal_safe

    return terminal_safe(text).replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
