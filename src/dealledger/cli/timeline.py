"""`dealledger timeline`: dated events in order, or the payment schedule per period."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from . import app
from .common import (
    Format,
    FormatOption,
    LedgerOption,
    PathsArgument,
    RawCsvOption,
    open_ledger,
    report_problems_to_stderr,
    write,
)
from .currency_options import CurrencyOption, checked_currency, conversion_failed
from .filter_options import (
    AreaFilter,
    KindFilter,
    PartyFilter,
    SinceFilter,
    StatusFilter,
    TagFilter,
    UntilFilter,
    deal_filter,
    filtered,
    note_empty,
)
from .pipe import closed_pipe_ends_quietly, report_console

if TYPE_CHECKING:
    from rich.console import Console

    from ..ledger import Ledger

BucketOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        "-b",
        metavar="year|quarter|month",
        help="Show the payment schedule per period instead of events: year, quarter or month.",
        show_default=False,
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
def timeline(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    by: BucketOption = None,
    currency: CurrencyOption = None,
    chart: ChartOption = None,
    output_format: FormatOption = Format.TABLE,
    raw_cells: RawCsvOption = False,
    party: PartyFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    kind: KindFilter = None,
    status: StatusFilter = None,
    area: AreaFilter = None,
    tag: TagFilter = None,
) -> None:
    """Every dated event in order: announced, signed, effective, terminated, and per tranche
    due, achieved and paid (a due period such as 2027-H1 is placed at its first day).

    Event amounts are in the tranche's own currency. With --by year|quarter|month it shows
    the payment schedule in the reporting currency instead: per period what was paid and
    what is due, plus what is outstanding with no date. On a terminal a chart is drawn too.

    Examples:

      dealledger timeline

      dealledger timeline --party AstraZeneca --since 2025 --format json

      dealledger timeline --by quarter

      dealledger timeline --by year --currency EUR --format csv > schedule.csv
    """
    from .common import usage_error

    bucket = None
    if by is not None:
        from ..reports.timeline import BucketError, parse_bucket

        try:
            bucket = parse_bucket(by)
        except BucketError as exc:
            usage_error(str(exc))
    chosen = deal_filter(party, since, until, kind, status, area, tag)
    override = checked_currency(currency)
    loaded = filtered(open_ledger(ledger, paths), chosen)
    report_problems_to_stderr(loaded)
    console = report_console()
    draw = console.is_terminal if chart is None else chart
    if output_format is Format.TABLE:
        note_empty(loaded, chosen)
    with closed_pipe_ends_quietly():
        if bucket is None:
            _events(loaded, output_format, raw_cells, draw, console)
        else:
            _schedule(loaded, bucket, override, output_format, raw_cells, draw, console)
    raise typer.Exit(1 if loaded.errors else 0)


def _events(
    loaded: Ledger, output_format: Format, raw_cells: bool, draw: bool, console: Console
) -> None:
    from ..reports.timeline import EVENT_FIELDS, chart_rows, timeline_records, timeline_view

    records = timeline_records(loaded)
    if output_format is Format.JSON:
        from ..render.jsonout import dumps

        write(dumps(records) + "\n")
    elif output_format in (Format.CSV, Format.TSV):
        from ..render.delimited import render_delimited

        delimiter = "," if output_format is Format.CSV else "\t"
        write(
            render_delimited(records, EVENT_FIELDS, delimiter=delimiter, neutralize=not raw_cells)
        )
    elif output_format is Format.MARKDOWN:
        from ..render.markdown import render_markdown

        write(render_markdown(timeline_view(records)))
    else:
        from ..render.table import print_view

        if draw and records:
            from ..render.chart import TimelineChart

            console.print(TimelineChart(chart_rows(loaded)))
            console.print()
        print_view(timeline_view(records), console)


def _schedule(
    loaded: Ledger,
    bucket: str,
    override: str | None,
    output_format: Format,
    raw_cells: bool,
    draw: bool,
    console: Console,
) -> None:
    from ..reports.currency import ConversionError, CurrencyChoiceError, reporting_currency
    from ..reports.timeline import SCHEDULE_FIELDS, schedule, schedule_rows, schedule_view
    from .common import usage_error

    try:
        found = schedule(loaded, bucket, reporting_currency(loaded, override))
    except CurrencyChoiceError as exc:
        usage_error(str(exc))
    except ConversionError as exc:
        conversion_failed(exc)
    record = found.record
    if output_format is Format.JSON:
        from ..render.jsonout import dumps

        write(dumps(record) + "\n")
    elif output_format in (Format.CSV, Format.TSV):
        from ..render.delimited import render_delimited

        delimiter = "," if output_format is Format.CSV else "\t"
        write(
            render_delimited(
                schedule_rows(record),
                SCHEDULE_FIELDS,
                delimiter=delimiter,
                neutralize=not raw_cells,
            )
        )
    elif output_format is Format.MARKDOWN:
        from ..render.markdown import render_markdown

        write(render_markdown(schedule_view(found)))
    else:
        from ..render.table import print_view

        if draw and record["periods"]:
            from ..render.chart import PeriodBars

            console.print(PeriodBars(record["periods"], record["currency"]))
            console.print()
        print_view(schedule_view(found), console)
