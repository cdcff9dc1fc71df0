"""`dealledger summarize`: one row per deal, with its figures."""

from __future__ import annotations

import typer

from . import app
from .common import (
    Format,
    FormatOption,
    LedgerOption,
    NoCacheOption,
    PathsArgument,
    RawCsvOption,
    open_ledger,
    report_problems_to_stderr,
    stdout_console,
    write,
)


@app.command()
def summarize(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    output_format: FormatOption = Format.TABLE,
    raw_cells: RawCsvOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """One row per deal in date order: parties, kind, status, upfront, milestones, totals.

    Undisclosed amounts show as "undisclosed", never as 0. Tables use readable units
    (USD 1.62B); json, csv and tsv carry the exact figures. Problems go to stderr, the valid
    deals are still summarized, and the exit code is 1 when any file has errors.

    Examples:

      dealledger summarize

      dealledger summarize --format json | jq '.[].total'

      dealledger summarize deals/2025 --format csv > deals.csv
    """
    from ..reports.summary import SUMMARY_FIELDS, summary_records, summary_view

    loaded = open_ledger(ledger, paths, no_cache=no_cache)
    report_problems_to_stderr(loaded)
    records = summary_records(loaded)
    if output_format is Format.JSON:
        from ..render.jsonout import dumps

        write(dumps(records) + "\n")
    elif output_format in (Format.CSV, Format.TSV):
        from ..render.delimited import render_delimited

        delimiter = "," if output_format is Format.CSV else "\t"
        write(
            render_delimited(records, SUMMARY_FIELDS, delimiter=delimiter, neutralize=not raw_cells)
        )
    elif output_format is Format.MARKDOWN:
        from ..render.markdown import render_markdown

        write(render_markdown(summary_view(records)))
    else:
        from ..render.table import print_view

        print_view(summary_view(records), stdout_console())
    raise typer.Exit(1 if loaded.errors else 0)
