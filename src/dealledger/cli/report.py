"""`dealledger report --output FILE.html|FILE.svg`: the ledger as a page or a chart."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..domain.errors import UsageError
from .app import app
from .common import (
    LedgerOption,
    NoCacheOption,
    PathsArgument,
    open_ledger,
    report_problems_to_stderr,
)

HTML_SUFFIXES = (".html", ".htm")


@app.command()
def report(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    no_cache: NoCacheOption = False,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="File to write: .html for the full page, .svg for the timeline chart alone; "
            "- writes the page to standard output.",
            dir_okay=False,
            show_default=False,
        ),
    ] = ...,  # type: ignore[assignment]
    title: Annotated[
        str | None, typer.Option("--title", help="Heading of the page.", show_default=False)
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Date the report is as of (YYYY-MM-DD): the valuation date, the today line "
            "and the cut-off for overdue tranches. Default: today.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a self-contained HTML report (or the timeline as SVG) to share or print.

    The page holds the summary table, totals in the reporting currency, a timeline chart and
    a payment-schedule chart (inline SVG), the valuation (rNPV) with its assumptions, each
    deal's detail, valuation and sources as links, and overdue tranches marked. It
    loads nothing from the network and runs no script, so it opens offline and in mail.
    Problems go to stderr; the report covers the valid deals and the exit code is 1 when any
    file has errors.

    Examples:

      dealledger report --output report.html

      dealledger report deals/2025 --output timeline.svg

      dealledger report --as-of 2026-01-01 -o report.html
    """
    from ..authoring.safe_write import WriteError, output_refusal, write_atomic
    from ..domain.safe_text import terminal_safe
    from ..reports.html import report_data
    from .common import parse_as_of

    to_stdout = str(output) == "-"
    suffix = ".html" if to_stdout else output.suffix.lower()
    if suffix not in (*HTML_SUFFIXES, ".svg"):
        raise UsageError(
            f"--output {str(output)!r}: the file name must end in .html (the full report) "
            "or .svg (the timeline chart)"
        )
    if not to_stdout and not output.parent.is_dir() and str(output.parent):
        raise UsageError(f"--output {str(output)!r}: folder {str(output.parent)!r} does not exist")
    refusal = None if to_stdout else output_refusal(output)
    if refusal is not None:
        raise UsageError(refusal)
    day = parse_as_of(as_of)
    loaded = open_ledger(ledger, paths, no_cache=no_cache)
    report_problems_to_stderr(loaded)
    data = report_data(loaded, day, title)
    if suffix == ".svg":
        from ..render.svg import standalone, timeline_svg

        text = standalone(timeline_svg(data["lanes"], data["timeline"], data["generated"]))
    else:
        from ..render.html import render_html

        text = render_html(data)
    if to_stdout:
        from .pipe import closed_pipe_ends_quietly

        with closed_pipe_ends_quietly():
            sys.stdout.write(text)
        raise typer.Exit(1 if loaded.errors else 0)
    try:
        write_atomic(output, text.encode("utf-8"))
    except WriteError as exc:  # the output path is the user's choice: a usage error
        raise UsageError(str(exc)) from None
    typer.echo(
        terminal_safe(f"Wrote {output} ({len(data['deals'])} deals)."),
        err=True,
    )
    raise typer.Exit(1 if loaded.errors else 0)
