"""`dealledger timeline`: dated events in order, or the payment schedule per period."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

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
from .completion import complete_timeline_by
from .currency_options import CurrencyOption, checked_currency
from .filter_options import FilterOptions, filtered, note_empty, takes_deal_filters
from .pager import NoPagerOption
from .pipe import report_console
from .table_options import (
    ProblemOptions,
    RowOptions,
    takes_problem_options,
    takes_row_options,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date
    from typing import Any

    from rich.console import RenderableType

    from ..ledger import Ledger

BucketOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        "-b",
        metavar="year|quarter|month",
        help="Show the payment schedule per period instead of events: year, quarter or month.",
        show_default=False,
        autocompletion=complete_timeline_by,
    ),
]
ChartOption = Annotated[
    bool | None,
    typer.Option(
        "--chart/--no-chart",
        help="Draw the chart (events over time, or bars per period) above the table. "
        "Default: only when writing to a terminal.",
        show_default=False,
    ),
]


@app.command(short_help="Dated events in order, or the payment schedule per period.")
@takes_deal_filters
@takes_row_options
@takes_problem_options
def timeline(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    no_cache: NoCacheOption = False,
    by: BucketOption = None,
    currency: CurrencyOption = None,
    chart: ChartOption = None,
    output_format: FormatOption = Format.TABLE,
    raw_cells: RawCsvOption = False,
    filters: FilterOptions = FilterOptions(),
    no_pager: NoPagerOption = False,
    rows: RowOptions = RowOptions(),
    problems: ProblemOptions = ProblemOptions(),
    as_of: AsOfOption = None,
) -> None:
    """Every dated event in order: announced, signed, effective, terminated, and per tranche
    due, achieved and paid (a due period such as 2027-H1 is placed at its first day).

    Event amounts are in the tranche's own currency; the due date of an expected tranche
    that has passed (before today, or --as-of) is marked overdue. With --by
    year|quarter|month it shows the payment schedule in the reporting currency instead: per
    period what was paid and what is due, plus what is outstanding with no date. On a
    terminal a chart is drawn too.

    Examples:

      dealledger timeline

      dealledger timeline --party AstraZeneca --since 2025 --format json

      dealledger timeline --by quarter

      dealledger timeline --by year --currency EUR --format csv > schedule.csv
    """
    bucket = None
    if by is not None:
        from ..reports.timeline import parse_bucket

        bucket = parse_bucket(by)
    chosen = filters.parse()
    day = parse_as_of(as_of)
    override = checked_currency(currency)
    loaded = filtered(open_ledger(ledger, paths, no_cache=no_cache), chosen)
    report_problems_to_stderr(loaded, quiet=problems.quiet, no_warnings=problems.no_warnings)
    draw = report_console().is_terminal if chart is None else chart
    if output_format is Format.TABLE:
        note_empty(loaded, chosen)
    if bucket is None:
        _events(loaded, day, output_format, raw_cells, draw, no_pager, rows)
    else:
        _schedule(loaded, bucket, override, output_format, raw_cells, draw, no_pager, rows)
    raise typer.Exit(1 if loaded.errors else 0)


def _chart_above(chart: RenderableType) -> list[RenderableType]:
    from rich.console import NewLine

    return [chart, NewLine()]


def _events(
    loaded: Ledger,
    as_of: date,
    output_format: Format,
    raw_cells: bool,
    draw: bool,
    no_pager: bool,
    rows: RowOptions,
) -> None:
    from ..render.timeline_view import timeline_view
    from ..reports.ordering import Ordering
    from ..reports.timeline import EVENT_FIELDS, chart_rows, timeline_events, timeline_records
    from .output import emit_records

    events = timeline_events(loaded)
    ordering = rows.ordering(EVENT_FIELDS)
    if ordering == Ordering():
        # The table takes the rows as they are made (into its spool), never all at once.
        def in_order() -> Iterable[dict[str, Any]]:
            return (event.record(as_of) for event in events)

        def records() -> list[dict[str, Any]]:
            return list(in_order())
    else:
        arranged = ordering.arrange(timeline_records(events, as_of))

        def records() -> list[dict[str, Any]]:
            return arranged

        in_order = records

    def chart() -> list[RenderableType]:
        from ..render.chart import TimelineChart

        shown = events if ordering == Ordering() else arranged
        return _chart_above(TimelineChart(chart_rows(events))) if draw and shown else []

    emit_records(
        output_format,
        document=records,
        rows=records,
        fields=EVENT_FIELDS,
        view=lambda: timeline_view(in_order()),
        raw_cells=raw_cells,
        no_pager=no_pager,
        above_table=chart,
        options=rows,
    )


def _schedule(
    loaded: Ledger,
    bucket: str,
    override: str | None,
    output_format: Format,
    raw_cells: bool,
    draw: bool,
    no_pager: bool,
    rows: RowOptions,
) -> None:
    from ..render.timeline_view import schedule_view
    from ..reports.currency import reporting_currency
    from ..reports.timeline import SCHEDULE_FIELDS, schedule, schedule_rows
    from .output import emit_records

    found = schedule(loaded, bucket, reporting_currency(loaded, override))
    record = found.record
    record["periods"] = rows.ordering(SCHEDULE_FIELDS).arrange(record["periods"])

    def chart() -> list[RenderableType]:
        from ..render.chart import PeriodBars

        if not (draw and record["periods"]):
            return []
        return _chart_above(PeriodBars(record["periods"], record["currency"]))

    emit_records(
        output_format,
        document=record,
        rows=schedule_rows(record),
        fields=SCHEDULE_FIELDS,
        view=lambda: schedule_view(found),
        raw_cells=raw_cells,
        no_pager=no_pager,
        above_table=chart,
        options=rows,
        row_list="periods",
    )
