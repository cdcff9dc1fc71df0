"""`dealledger comps`: benchmark statistics of upfronts, totals and upfront shares."""

from __future__ import annotations

from typing import Annotated

import typer

from ..domain.errors import UsageError
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
from .completion import complete_comps_by, complete_deal_id
from .currency_options import CurrencyOption, checked_currency
from .filter_options import FilterOptions, filtered, note_empty, takes_deal_filters
from .pager import NoPagerOption
from .table_options import (
    ProblemOptions,
    RowOptions,
    takes_problem_options,
    takes_row_options,
)


@app.command(short_help="Benchmarks: upfront, total and upfront share across comparable deals.")
@takes_deal_filters
@takes_row_options
@takes_problem_options
def comps(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    no_cache: NoCacheOption = False,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            "-b",
            metavar="phase|modality|area|kind|year|territory",
            help="Statistics per group: the assets' phase or modality, therapeutic area, kind, "
            "year (signed, else announced) or territory. A deal with several counts in each.",
            show_default=False,
            autocompletion=complete_comps_by,
        ),
    ] = None,
    like: Annotated[
        str | None,
        typer.Option(
            "--like",
            metavar="DEAL_ID",
            help="Compare with the deals that share this deal's phase, modality and area, and "
            "show its percentile among them.",
            show_default=False,
            autocompletion=complete_deal_id,
        ),
    ] = None,
    currency: CurrencyOption = None,
    output_format: FormatOption = Format.TABLE,
    raw_cells: RawCsvOption = False,
    filters: FilterOptions = FilterOptions(),
    no_pager: NoPagerOption = False,
    rows: RowOptions = RowOptions(),
    problems: ProblemOptions = ProblemOptions(),
) -> None:
    """What comparable deals pay: for the upfront, the total (biobucks) and the upfront as a
    share of the total, the number of deals, minimum, 25th percentile, median, 75th
    percentile and maximum, in the reporting currency.

    Only fully disclosed figures count; the deals left out are counted. Quartiles use the
    inclusive linear method (Excel QUARTILE.INC, numpy "linear"), exact on decimals. With
    --like DEAL_ID the deals compared are those sharing its asset phase, modality and
    therapeutic area (within the other filters), and the deal's percentile among them is
    shown (Excel PERCENTRANK.INC).

    Examples:

      dealledger comps

      dealledger comps --by phase --kind license

      dealledger comps --like azn-cspc-2024-ys2302018

      dealledger comps --by year --since 2020 --format json
    """
    from ..reports.comps import COMPS_FIELDS, comps_record, comps_rows, parse_comps_by
    from ..reports.currency import reporting_currency

    key = parse_comps_by(by)
    chosen = filters.parse()
    override = checked_currency(currency)
    everything = open_ledger(ledger, paths, no_cache=no_cache)
    loaded = filtered(everything, chosen)
    report_problems_to_stderr(loaded, quiet=problems.quiet, no_warnings=problems.no_warnings)
    target = None
    if like is not None:
        target = everything.find(like)
        if target is None:
            raise UsageError(
                f"--like {like!r}: no valid deal has this id (see `dealledger summarize`)"
            )
    reporting = reporting_currency(loaded, override)
    record = comps_record(loaded, key, reporting, target)
    record["groups"] = rows.ordering(COMPS_FIELDS).arrange(record["groups"])
    from ..render.comps_view import comps_view
    from .output import emit_records

    emit_records(
        output_format,
        document=record,
        rows=comps_rows(record),
        fields=COMPS_FIELDS,
        view=lambda: comps_view(record),
        raw_cells=raw_cells,
        no_pager=no_pager,
        before_table=lambda: note_empty(loaded, chosen),
        options=rows,
        row_list="groups",
    )
    raise typer.Exit(1 if loaded.errors else 0)
