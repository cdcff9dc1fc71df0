"""`dealledger export`: the ledger as SQLite, JSON or CSV tables."""

from __future__ import annotations

import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..domain.errors import LedgerError, UsageError
from .app import app
from .common import (
    LedgerOption,
    NoCacheOption,
    PathsArgument,
    RawCsvOption,
    open_ledger,
    report_problems_to_stderr,
)
from .currency_options import CurrencyOption, checked_currency
from .filter_options import FilterOptions, filtered, takes_deal_filters
from .pipe import closed_pipe_ends_quietly
from .table_options import ProblemOptions, takes_problem_options


class ExportFormat(StrEnum):
    SQLITE = "sqlite"
    JSON = "json"
    CSV = "csv"


ExportFormatOption = Annotated[
    ExportFormat,
    typer.Option(
        "--format",
        "-f",
        help="sqlite: one database file; json: one document of tables; csv: a folder holding "
        "one <table>.csv per table.",
        case_sensitive=False,
    ),
]
OutputOption = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="File to write (a folder for csv). Its folder must exist; - writes json to "
        "standard output.",
        show_default=False,
        dir_okay=True,
    ),
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace the output if it already exists: a regular file, or (csv) a folder that "
        "a previous csv export wrote (it holds .dealledger-export); never anything else.",
    ),
]


@app.command(short_help="The ledger as SQLite, JSON or CSV tables, amounts exact.")
@takes_deal_filters
@takes_problem_options
def export(
    output: OutputOption,
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    no_cache: NoCacheOption = False,
    output_format: ExportFormatOption = ExportFormat.SQLITE,
    currency: CurrencyOption = None,
    force: ForceOption = False,
    raw_cells: RawCsvOption = False,
    filters: FilterOptions = FilterOptions(),
    problems: ProblemOptions = ProblemOptions(),
) -> None:
    """Write the ledger as tables: deals, parties, assets, tranches (every tranche, royalties
    included), sources, events, plus areas, tags, related and meta.

    Amounts are exact: TEXT decimals plus INTEGER minor units (cents), and each tranche's
    amount in the reporting currency, so SELECT SUM(reporting_minor) FROM tranches equals
    the total of `dealledger totals`, in cents. The file is written under a temporary name
    and renamed when complete; an existing output is replaced only with --force.

    Examples:

      dealledger export --output deals.sqlite

      sqlite3 deals.sqlite "SELECT SUM(reporting_minor) FROM tranches"

      dealledger export --format json --output - | jq '.tranches | length'

      dealledger export --format csv --output tables/ --force
    """
    from ..authoring.export_target import (
        check_target,
        write_file_atomically,
        write_folder_atomically,
    )
    from ..render.export_formats import csv_files, json_document, write_sqlite
    from ..reports.currency import reporting_currency
    from ..reports.export import export_chunks, export_rows
    from .progress import with_progress

    to_stdout = str(output) == "-"
    if to_stdout and output_format is not ExportFormat.JSON:
        raise UsageError("--output - (standard output) is only for --format json")
    chosen = filters.parse()
    override = checked_currency(currency)
    if not to_stdout:
        check_target(output, force=force, folder=output_format is ExportFormat.CSV)
    loaded = filtered(open_ledger(ledger, paths, no_cache=no_cache), chosen)
    report_problems_to_stderr(loaded, quiet=problems.quiet, no_warnings=problems.no_warnings)
    currency_code = reporting_currency(loaded, override)
    written: Counter[str] = Counter()
    try:
        if output_format is ExportFormat.SQLITE:
            chunks = with_progress(
                export_chunks(loaded, currency_code), "exporting deals", len(loaded.entries) + 1
            )
            write_file_atomically(
                output, lambda path: written.update(write_sqlite(chunks, path)), force=force
            )
        elif to_stdout:
            with closed_pipe_ends_quietly():
                sys.stdout.write(json_document(export_rows(loaded, currency_code)))
        elif output_format is ExportFormat.JSON:
            rows = export_rows(loaded, currency_code)
            written.update({name: len(found) for name, found in rows.items()})
            document = json_document(rows)
            write_file_atomically(
                output, lambda path: path.write_text(document, encoding="utf-8"), force=force
            )
        else:
            rows = export_rows(loaded, currency_code)
            written.update({name: len(found) for name, found in rows.items()})
            write_folder_atomically(output, csv_files(rows, not raw_cells), force=force)
    except OSError as exc:  # the system refused (disk full, I/O error): exit 1, not usage
        raise LedgerError(f"cannot write {str(output)!r}: {exc.strerror or exc}") from None
    if not to_stdout:
        counts = ", ".join(f"{written[name]} {name}" for name in ("deals", "tranches", "events"))
        sys.stderr.write(f"wrote {output} ({counts})\n")
    raise typer.Exit(1 if loaded.errors else 0)
