"""`dealledger diff [REV] [REV2]`: the ledger at one git revision against another."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import app
from .common import (
    Format,
    FormatOption,
    LedgerOption,
    NoCacheOption,
    RawCsvOption,
    ledger_root,
    open_ledger,
    report_problems_to_stderr,
)
from .currency_options import CurrencyOption, checked_currency
from .filter_options import FilterOptions, filtered, takes_deal_filters
from .pager import NoPagerOption
from .table_options import ProblemOptions, takes_problem_options

if TYPE_CHECKING:
    from pathlib import Path

    from ..reports.diff import Side


@app.command(short_help="What a change does to the ledger: deals added, changed, totals moved.")
@takes_deal_filters
@takes_problem_options
def diff(
    revision: Annotated[
        str,
        typer.Argument(
            metavar="REV",
            help="The git revision to compare from (commit, branch, tag).",
        ),
    ] = "HEAD",
    revision2: Annotated[
        str | None,
        typer.Argument(
            metavar="REV2",
            help="The revision to compare to. Default: the working tree.",
            show_default=False,
        ),
    ] = None,
    ledger: LedgerOption = None,
    no_cache: NoCacheOption = False,
    currency: CurrencyOption = None,
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code",
            help="Exit 1 when there are changes (deals added, removed, renamed or changed, "
            "or new settings), 0 when there are none, as `git diff --exit-code` does.",
        ),
    ] = False,
    output_format: FormatOption = Format.TABLE,
    raw_cells: RawCsvOption = False,
    filters: FilterOptions = FilterOptions(),
    problems: ProblemOptions = ProblemOptions(),
    no_pager: NoPagerOption = False,
) -> None:
    """Compare the ledger at git revision REV (default HEAD) with REV2 (default the working
    tree): deals added, removed, renamed (same id, new path) and changed, field by field and
    tranche by tranche, and the change in every totals figure in the reporting currency.

    Revisions are read straight from git's objects into a private temporary folder, removed
    afterwards: nothing is checked out. Paths are relative to the ledger root. Only deals
    without errors are compared; problems of the working tree go to stderr (exit 1), those
    of a revision are counted in a note. --format markdown writes a short comment for a pull
    request. Not a git repository, or an unknown revision: exit 2.

    Examples:

      dealledger diff

      dealledger diff main --format markdown > comment.md

      dealledger diff v1.0 v1.1 --format json

      dealledger diff origin/main --exit-code --party CSPC
    """

    chosen = filters.parse()
    override = checked_currency(currency)
    root = ledger_root(ledger)
    with contextlib.ExitStack() as stack:
        old = stack.enter_context(_revision(root, revision))
        if revision2 is None:
            new = _working_tree(root, ledger, no_cache, problems)
        else:
            new = stack.enter_context(_revision(root, revision2))
        record = _compare(old, new, chosen, override)
    _emit(record, output_format, raw_cells, no_pager)
    from ..reports.diff import has_changes

    errors = new.ledger.errors if revision2 is None else 0
    raise typer.Exit(1 if errors or (exit_code and has_changes(record)) else 0)


@contextlib.contextmanager
def _revision(root: Path, revision: str) -> Any:
    from ..reports.diff import ledger_at_revision

    with ledger_at_revision(root, revision) as side:
        _note_revision_problems(side)
        yield side


def _note_revision_problems(side: Side) -> None:
    """A revision's own problems are history: say how many, not where in a temporary folder."""
    from ..domain.safe_text import terminal_safe

    ledger = side.ledger
    if ledger.errors or ledger.warnings:
        sys.stderr.write(
            terminal_safe(
                f"dealledger: note: the ledger at {side.label} has {ledger.errors} errors and "
                f"{ledger.warnings} warnings; deals with errors are left out of the comparison\n"
            )
        )
    for path in side.skipped:
        sys.stderr.write(
            terminal_safe(f"dealledger: note: {path} at {side.label} is not a regular file\n")
        )


def _working_tree(
    root: Path, ledger: Path | None, no_cache: bool, problems: ProblemOptions
) -> Side:
    from ..reports.diff import Side

    loaded = open_ledger(ledger, None, no_cache=no_cache)
    report_problems_to_stderr(loaded, quiet=problems.quiet, no_warnings=problems.no_warnings)
    return Side(loaded, root, None)


def _compare(old: Side, new: Side, chosen: Any, override: str | None) -> dict[str, Any]:
    import dataclasses

    from ..reports.currency import reporting_currency
    from ..reports.diff import diff_record

    old = dataclasses.replace(old, ledger=filtered(old.ledger, chosen))
    new = dataclasses.replace(new, ledger=filtered(new.ledger, chosen))
    # The rule of every report, over both sides: --currency, the settings (the newer side's
    # first), else the only currency of the amounts on either side.
    both = dataclasses.replace(new.ledger, entries=old.ledger.entries + new.ledger.entries)
    chosen_currency = override or new.ledger.settings_currency or old.ledger.settings_currency
    currency = reporting_currency(both, chosen_currency)
    return diff_record(old, new, currency)


def _emit(record: dict[str, Any], output_format: Format, raw_cells: bool, no_pager: bool) -> None:
    from ..render.diff_view import changes_view, render_diff_markdown, totals_view
    from ..reports.diff import DIFF_FIELDS, diff_rows
    from .common import write
    from .output import emit_records
    from .pipe import closed_pipe_ends_quietly, report_console

    if output_format is Format.MARKDOWN:
        with closed_pipe_ends_quietly():
            write(render_diff_markdown(record))
        return

    def totals_above() -> list[Any]:
        from rich.text import Text

        from ..render.table import table_text
        from .terminal import stdout_style

        style = stdout_style()
        width = report_console().width if style.fit_width else None
        return [Text(table_text(totals_view(record), width, boxed=style.decorated))]

    emit_records(
        output_format,
        document=record,
        rows=diff_rows(record),
        fields=DIFF_FIELDS,
        view=lambda: changes_view(record),
        raw_cells=raw_cells,
        no_pager=no_pager,
        above_table=totals_above,
    )
