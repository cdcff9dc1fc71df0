"""`dealledger summarize`: one row per deal, with its figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import app
from .common import (
    AsOfOption,
    Format,
    FormatOption,
    LedgerOption,
    NoCacheOption,
    PathsArgument,
    RawCsvOption,
    open_ledger,
    parse_as_of,
    report_problems_to_stderr,
)
from .filter_options import FilterOptions, filtered, note_empty, takes_deal_filters
from .pager import NoPagerOption

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

from .table_options import (
    ProblemOptions,
    RowOptions,
    takes_problem_options,
    takes_row_options,
)


@app.command()
@takes_deal_filters
@takes_row_options
@takes_problem_options
def summarize(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    output_format: FormatOption = Format.TABLE,
    raw_cells: RawCsvOption = False,
    filters: FilterOptions = FilterOptions(),
    no_pager: NoPagerOption = False,
    rows: RowOptions = RowOptions(),
    problems: ProblemOptions = ProblemOptions(),
    no_cache: NoCacheOption = False,
    as_of: AsOfOption = None,
) -> None:
    """One row per deal in date order: parties, kind, status, upfront, milestones, totals.

    Undisclosed amounts show as "undisclosed", never as 0. "Overdue" counts the expected
    tranches whose due date or period ended before today (or --as-of). Tables use readable units
    (USD 1.62B); json, csv and tsv carry the exact figures. Problems go to stderr, the valid
    deals are still summarized, and the exit code is 1 when any file has errors.

    Examples:

      dealledger summarize

      dealledger summarize --format json | jq '.[].total'

      dealledger summarize deals/2025 --format csv > deals.csv

      dealledger summarize --party CSPC --kind license --since 2024
    """
    from ..render.summary_view import summary_view
    from ..reports.ordering import Ordering
    from ..reports.summary import SUMMARY_FIELDS, summary_records
    from .output import emit_records, write_pieces

    chosen = filters.parse()
    ordering = rows.ordering(SUMMARY_FIELDS)
    day = parse_as_of(as_of)
    loaded = filtered(open_ledger(ledger, paths, no_cache=no_cache), chosen)
    report_problems_to_stderr(loaded, quiet=problems.quiet, no_warnings=problems.no_warnings)
    if output_format is Format.JSON and rows.columns is None and ordering == Ordering():
        from ..render.jsonout import dumps_array
        from ..reports.summary import iter_summary_records

        # Deal by deal: 100,000 deals stream out in flat memory.
        write_pieces(dumps_array(iter_summary_records(loaded, day)))
        raise typer.Exit(1 if loaded.errors else 0)
    if ordering == Ordering():
        from ..reports.summary import iter_summary_records

        # Rows as they come: the table spools them, 100,000 deals in flat memory.
        def records() -> list[dict[str, Any]]:
            return summary_records(loaded, day)

        def in_order() -> Iterable[dict[str, Any]]:
            return iter_summary_records(loaded, day)
    else:
        arranged = ordering.arrange(summary_records(loaded, day))

        def records() -> list[dict[str, Any]]:
            return arranged

        in_order = records
    emit_records(
        output_format,
        document=records,
        rows=records,
        fields=SUMMARY_FIELDS,
        view=lambda: summary_view(in_order()),
        raw_cells=raw_cells,
        no_pager=no_pager,
        before_table=lambda: note_empty(loaded, chosen),
        options=rows,
    )
    raise typer.Exit(1 if loaded.errors else 0)
