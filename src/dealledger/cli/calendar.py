"""`dealledger calendar`: the dated events still to come, as an iCalendar file."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import (
    LedgerOption,
    NoCacheOption,
    PathsArgument,
    check_output_file,
    open_ledger,
    report_problems_to_stderr,
    write_output_file,
)
from .filter_options import FilterOptions, filtered, takes_deal_filters
from .table_options import ProblemOptions, takes_problem_options


@app.command(short_help="Payments due and expected milestones as an iCalendar (.ics) file.")
@takes_deal_filters
@takes_problem_options
def calendar(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    no_cache: NoCacheOption = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Today's date for the calendar (YYYY-MM-DD): entries due before it are "
            "flagged overdue, and it is every entry's DTSTAMP. Default: today.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE.ics",
            help="Write the calendar to this file (replaced in one step) instead of stdout.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    filters: FilterOptions = FilterOptions(),
    problems: ProblemOptions = ProblemOptions(),
) -> None:
    """An iCalendar (RFC 5545) file of what is still to come: each tranche not yet paid that
    has a due date, and signings or closings dated after today, as all-day entries.

    A due period (2026, 2026-H1, 2026-Q2, 2026-06) is entered on its last day. A tranche
    still expected (or achieved and unpaid) whose day has passed is kept and flagged:
    "OVERDUE:" in its summary and the category overdue. Each entry keeps its UID from run to
    run, so a calendar subscribed to the file updates entries instead of duplicating them.
    Here --since and --until select entries by their own date; the other filters select
    deals as in every report.

    Examples:

      dealledger calendar --output deals.ics

      dealledger calendar --party CSPC --since 2026 --until 2026-Q4 > cspc-2026.ics

      dealledger calendar --as-of 2026-01-01 --kind license
    """
    from ..reports.calendar import calendar_records
    from .common import parse_as_of

    day = parse_as_of(as_of)
    window = filters.parse()
    # --since/--until act on the entries' dates, not on the deals'.
    chosen = dataclasses.replace(filters, since=None, until=None).parse()
    if output is not None:
        check_output_file(output)
    loaded = filtered(open_ledger(ledger, paths, no_cache=no_cache), chosen)
    report_problems_to_stderr(loaded, quiet=problems.quiet, no_warnings=problems.no_warnings)
    records = calendar_records(loaded, day, window.since, window.until)
    from ..render.ical import render_ical

    text = render_ical(records, day)
    if output is None:
        from .common import write
        from .pipe import closed_pipe_ends_quietly

        with closed_pipe_ends_quietly():
            write(text)
    else:
        from ..domain.safe_text import terminal_safe

        write_output_file(output, text)
        typer.echo(terminal_safe(f"Wrote {output} ({len(records)} entries)."), err=True)
    raise typer.Exit(1 if loaded.errors else 0)
