"""`dealledger totals`: ledger-wide figures in the reporting currency, optionally grouped."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import app
from .common import (
    Format,
    FormatOption,
    LedgerOption,
    NoCacheOption,
    PathsArgument,
    RawCsvOption,
    open_ledger,
    report_problems_to_stderr,
)
from .completion import complete_totals_by
from .currency_options import CurrencyOption, checked_currency
from .filter_options import FilterOptions, filtered, note_empty, takes_deal_filters
from .pager import NoPagerOption
from .table_options import (
    ProblemOptions,
    RowOptions,
    takes_problem_options,
    takes_row_options,
)

ByOption = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        "-b",
        metavar="KEY",
        help="Group by one or more of: payee, payer, payee-group, payer-group, year, kind, "
        "status, currency, area. Repeat (--by payee-group --by year) or comma-separate "
        "(--by payee-group,year).",
        show_default=False,
        autocompletion=complete_totals_by,
    ),
]


@app.command(short_help="Ledger-wide figures in one reporting currency, grouped by --by.")
@takes_deal_filters
@takes_row_options
@takes_problem_options
def totals(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    no_cache: NoCacheOption = False,
    by: ByOption = None,
    currency: CurrencyOption = None,
    output_format: FormatOption = Format.TABLE,
    raw_cells: RawCsvOption = False,
    filters: FilterOptions = FilterOptions(),
    no_pager: NoPagerOption = False,
    rows: RowOptions = RowOptions(),
    problems: ProblemOptions = ProblemOptions(),
) -> None:
    """Upfront, milestone, commercial, other, total, paid, forfeited and outstanding across
    the ledger, in one reporting currency.

    Each tranche is converted from its own currency by the FX rates in dealledger.toml (the
    latest rate on or before its paid date, else the deal's date) and rounded to the cent
    before summing. Undisclosed amounts are left out of the sums and the deals holding them
    are counted as incomplete. A missing FX rate is an error naming the pair and date (exit 1).

    Examples:

      dealledger totals

      dealledger totals --by payee-group --by year

      dealledger totals --by kind,status --currency EUR --format json

      dealledger totals --party CSPC --since 2024 --format csv > cspc.csv
    """
    from ..render.totals_view import totals_view
    from ..reports.currency import reporting_currency
    from ..reports.totals import (
        parse_by,
        totals_fields,
        totals_record,
        totals_rows,
    )
    from .output import emit_records

    keys = parse_by(by or [])
    chosen = filters.parse()
    override = checked_currency(currency)
    loaded = filtered(open_ledger(ledger, paths, no_cache=no_cache), chosen)
    report_problems_to_stderr(loaded, quiet=problems.quiet, no_warnings=problems.no_warnings)
    record = totals_record(loaded, keys, reporting_currency(loaded, override))
    fields = totals_fields(record)
    record["groups"] = rows.ordering(fields).arrange(record["groups"])
    emit_records(
        output_format,
        document=record,
        rows=totals_rows(record),
        fields=fields,
        view=lambda: totals_view(record),
        raw_cells=raw_cells,
        no_pager=no_pager,
        before_table=lambda: note_empty(loaded, chosen),
        options=rows,
        row_list="groups",
    )
    raise typer.Exit(1 if loaded.errors else 0)
