"""`dealledger check`: every problem of every file, for people and for CI."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from . import app
from .common import (
    LedgerOption,
    NoCacheOption,
    PathsArgument,
    open_ledger,
    problem_line,
    write,
)


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@app.command()
def check(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    output_format: Annotated[
        CheckFormat,
        typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
    ] = CheckFormat.TEXT,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too, not only errors.")
    ] = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Validate deal files and the settings; report every problem at its file and line.

    Exit 0 when clean, 1 when there are errors (or warnings with --strict), 2 on bad usage.

    Examples:

      dealledger check

      dealledger check deals/2025 --format json

      git diff --name-only -- '*.toml' | dealledger check -
    """
    from ..reports.check import check_record

    loaded = open_ledger(ledger, paths, no_cache=no_cache)
    if output_format is CheckFormat.JSON:
        from ..render.jsonout import dumps

        write(dumps(check_record(loaded)) + "\n")
    else:
        for problem in loaded.problems:
            write(problem_line(problem) + "\n")
        write(_count_line(loaded.errors, loaded.warnings, loaded.files) + "\n")
    failed = loaded.errors > 0 or (strict and loaded.warnings > 0)
    raise typer.Exit(1 if failed else 0)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _count_line(errors: int, warnings: int, files: int) -> str:
    checked = _plural(files, "file")
    if not errors and not warnings:
        return f"No problems in {checked}."
    return f"Found {_plural(errors, 'error')} and {_plural(warnings, 'warning')} in {checked}."
