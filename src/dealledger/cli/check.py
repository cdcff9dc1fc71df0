"""`dealledger check`: every problem of every file, for people and for CI."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app
from .common import (
    LedgerOption,
    NoCacheOption,
    PathsArgument,
    open_ledger,
    problem_line,
    write,
)

if TYPE_CHECKING:
    from ..ledger import Ledger


class CheckFormat(StrEnum):
    TEXT = "text"
    CONCISE = "concise"
    JSON = "json"
    JSON_LINES = "json-lines"
    GITHUB = "github"
    GITLAB = "gitlab"
    SARIF = "sarif"
    JUNIT = "junit"


@app.command()
def check(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    output_format: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="Output format: text for people; concise for editors; json, json-lines, "
            "github (workflow annotations), gitlab (Code Quality), sarif (code scanning), "
            "junit for CI.",
            envvar="DEALLEDGER_FORMAT",
            case_sensitive=False,
        ),
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

      dealledger check --format github        # annotations in a GitHub Actions job

      DEALLEDGER_FORMAT=sarif dealledger check > dealledger.sarif
    """
    from .pipe import closed_pipe_ends_quietly

    loaded = open_ledger(ledger, paths, no_cache=no_cache, keep_deals=False)
    failed = loaded.errors > 0 or (strict and loaded.warnings > 0)
    with closed_pipe_ends_quietly(1 if failed else 0):
        if output_format is CheckFormat.TEXT:
            for problem in loaded.problems:
                write(problem_line(problem) + "\n")
            write(_count_line(loaded.errors, loaded.warnings, loaded.files) + "\n")
        else:
            write(_machine_output(loaded, output_format))
    raise typer.Exit(1 if failed else 0)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _count_line(errors: int, warnings: int, files: int) -> str:
    checked = _plural(files, "file")
    if not errors and not warnings:
        return f"No problems in {checked}."
    return f"Found {_plural(errors, 'error')} and {_plural(warnings, 'warning')} in {checked}."


def _machine_output(loaded: Ledger, output_format: CheckFormat) -> str:
    """Every format but text: the document alone, no count line, nothing to skip."""
    from ..render import ci_formats

    if output_format is CheckFormat.JSON:
        from ..render.jsonout import dumps
        from ..reports.check import check_record

        return dumps(check_record(loaded)) + "\n"
    if output_format is CheckFormat.CONCISE:
        return ci_formats.render_concise(loaded.problems)
    if output_format is CheckFormat.JSON_LINES:
        return ci_formats.render_json_lines(loaded.problems)
    if output_format is CheckFormat.GITHUB:
        return ci_formats.render_github(loaded.problems)
    if output_format is CheckFormat.GITLAB:
        return ci_formats.render_gitlab(loaded.problems)
    if output_format is CheckFormat.SARIF:
        from .. import __version__

        return ci_formats.render_sarif(loaded.problems, __version__)
    return ci_formats.render_junit(loaded)
