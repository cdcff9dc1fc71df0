"""`dealledger import`: deal files from a spreadsheet or an export folder, checked first."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..domain.errors import UsageError
from .app import app
from .common import LedgerOption, ledger_root, problem_line

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..authoring.importer import Candidate, ImportPlan

_SHOWN_ROWS = 50


@app.command(name="import")
def import_(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A .csv, .tsv or .xlsx file, or a folder written by `export --format csv`.",
            show_default=False,
        ),
    ],
    mapping_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            "-m",
            metavar="MAPPING.toml",
            help="Which column is which field, constants, and how to read amounts and dates "
            "(docs/authoring.md). Without it, columns named like the fields are recognised.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="List what would be written and its problems; write nothing."
        ),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Write without asking (for scripts).")
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Write the rows that pass check and report the others, instead of writing "
            "nothing while any row has an error.",
        ),
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="A row whose id the ledger has already changes that file's imported fields "
            "(comments and everything else kept), instead of being refused.",
        ),
    ] = False,
    ledger: LedgerOption = None,
) -> None:
    """Import deals from a spreadsheet: one deal file per row, in `fmt`'s layout.

    Every row is checked like `dealledger check` (with the rest of the ledger) before any
    file is written; while any row has an error nothing is written, unless --skip-invalid.
    On a terminal the files to write are listed and you are asked; elsewhere pass --yes
    (or --dry-run). Problems are reported at their sheet, row and column.

    Examples:

      dealledger import deals.xlsx --map mapping.toml --dry-run

      dealledger import deals.csv --map mapping.toml --yes

      dealledger export --format csv --output tables/ && dealledger import tables/ --yes
    """
    from ..authoring.importer import commit_import, plan_import
    from ..domain.safe_text import terminal_safe
    from .progress import LoadProgress

    if not (yes or dry_run or _interactive()):
        raise UsageError(
            "standard input is not a terminal, so import cannot ask before writing: pass --yes "
            "to write, or --dry-run to see what would be written"
        )
    root = ledger_root(ledger)
    if not source.exists():
        raise UsageError(f"{str(source)!r} does not exist")
    with LoadProgress(label="reading rows") as progress:
        plan = plan_import(
            root, _candidates(source, mapping_file), update=update, progress=progress
        )
    try:
        for problem in plan.problems():
            sys.stderr.write(problem_line(problem) + "\n")
        unplaced = plan.rows - plan.planned
        if dry_run or not yes:
            _show_plan(plan)
        blocked = plan.invalid + unplaced
        if dry_run:
            sys.stderr.write(_count_line(plan, blocked) + "; dry run: nothing written\n")
            raise typer.Exit(1 if blocked else 0)
        if blocked and not skip_invalid:
            sys.stderr.write(
                _count_line(plan, blocked)
                + "; nothing written (fix the rows, or pass --skip-invalid to write the others)\n"
            )
            raise typer.Exit(1)
        if not plan.valid:
            sys.stderr.write(_count_line(plan, blocked) + "; nothing to write\n")
            raise typer.Exit(1 if blocked else 0)
        if not yes and not typer.confirm(f"write {plan.valid} deal file(s)?", default=False):
            sys.stderr.write("nothing written\n")
            raise typer.Exit(1)
        with LoadProgress(label="writing deal files", total=lambda: plan.valid) as progress:
            written = commit_import(plan, progress)
        # Listed once every file is written: an import that stops part way lists nothing.
        for item in plan.files(valid_only=True):
            verb = "created" if item.action == "create" else "updated"
            sys.stdout.write(terminal_safe(f"{verb} {item.display}") + "\n")
    finally:
        plan.discard()
    tail = f"; {blocked} row(s) with errors skipped" if blocked else ""
    sys.stderr.write(f"imported {written} deal(s){tail}\n")
    if blocked:
        raise typer.Exit(1)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _candidates(source: Path, mapping_file: Path | None) -> Iterator[Candidate]:
    from ..authoring.draft import display_path
    from ..authoring.import_folder import folder_candidates, is_export_folder
    from ..authoring.import_mapping import ImportMapping, load_mapping, mapping_for_headers
    from ..authoring.import_rows import table_candidates
    from ..load.spreadsheet import read_tables

    mapping = load_mapping(mapping_file, display_path(mapping_file)) if mapping_file else None
    if source.is_dir() or (
        source.name == "deals.csv" and mapping is None and is_export_folder(source.parent)
    ):
        folder = source if source.is_dir() else source.parent
        if not is_export_folder(folder):
            raise UsageError(
                f"{str(source)!r} is a folder without deals.csv; give a spreadsheet, or a "
                "folder written by `dealledger export --format csv`"
            )
        yield from folder_candidates(folder)
        return
    tables = read_tables(
        source,
        sheet=mapping.sheet if mapping else None,
        header_row=mapping.header_row if mapping else 1,
        skip_rows=mapping.skip_rows if mapping else 0,
        delimiter=mapping.delimiter if mapping else None,
        encoding=mapping.encoding if mapping else "utf-8-sig",
    )
    for table in tables:
        chosen = mapping or ImportMapping()
        if not chosen.columns.given():  # a mapping of settings only: recognise the headers
            chosen = chosen.model_copy(update={"columns": mapping_for_headers(table.header)})
        yield from table_candidates(table, chosen)


def _count_line(plan: ImportPlan, blocked: int) -> str:
    return (
        f"{plan.rows} row(s): {plan.rows - blocked} ready, {blocked} with errors "
        f"({plan.errors} error(s), {plan.warnings} warning(s))"
    )


def _show_plan(plan: ImportPlan) -> None:
    from ..render.view import Column, View
    from .pager import show_view

    rows = []
    for item in plan.shown[:_SHOWN_ROWS]:
        summary = item.summary
        money = ", ".join(
            f"{key} {summary[key]}"
            for key in ("upfront", "milestone", "commercial")
            if key in summary
        )
        rows.append(
            [
                item.row.where,
                "update" if item.action == "update" else "create",
                item.display,
                item.title,
                str(summary.get("parties", "")),
                f"{summary.get('currency') or ''} {money}".strip(),
                f"{item.errors} error(s)" if item.errors else "ok",
            ]
        )
    more = plan.planned - _SHOWN_ROWS
    view = View(
        [
            Column("row"),
            Column("action"),
            Column("file"),
            Column("title", max_width=40),
            Column("parties", max_width=40),
            Column("amounts"),
            Column("check"),
        ],
        rows,
        caption=f"… and {more} more" if more > 0 else None,
    )
    show_view(view, no_pager=True)
