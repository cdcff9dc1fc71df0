"""`dealledger check`: every problem of every file, for people and for CI."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import app
from .common import (
    ForceOption,
    LedgerOption,
    NoCacheOption,
    PathsArgument,
    RuleChoice,
    open_ledger,
    problem_line,
    write,
    write_output_file,
)

if TYPE_CHECKING:
    from ..domain.problems import Problem
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
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            help="Report only these codes or prefixes (DL303, DL3, ALL); replaces "
            "[check] select. Comma-separated or repeated.",
            show_default=False,
        ),
    ] = None,
    extend_select: Annotated[
        list[str] | None,
        typer.Option(
            "--extend-select",
            help="Report these codes too, on top of the selection.",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            help="Do not report these codes or prefixes (added to [check] ignore).",
            show_default=False,
        ),
    ] = None,
    statistics: Annotated[
        bool,
        typer.Option("--statistics", help="Count the problems per code instead of listing them."),
    ] = False,
    output_file: Annotated[
        Path | None,
        typer.Option(
            "--output-file",
            "-o",
            help="Write the report to this file instead of stdout (atomically).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    exit_zero: Annotated[
        bool,
        typer.Option("--exit-zero", help="Exit 0 even when problems are found (not on bad usage)."),
    ] = False,
) -> None:
    """Validate deal files and the settings; report every problem at its file and line.

    Exit 0 when clean, 1 when there are errors (or warnings with --strict), 2 on bad usage.
    Each code is explained in docs/problem-codes.md (e.g. docs/problem-codes.md#dl303).

    Examples:

      dealledger check

      dealledger check deals/2025 --format json

      git diff --name-only -- '*.toml' | dealledger check -

      dealledger check --format github        # annotations in a GitHub Actions job

      DEALLEDGER_FORMAT=sarif dealledger check -o dealledger.sarif

      dealledger check --select DL3 --ignore DL303 --statistics
    """
    from .pipe import closed_pipe_ends_quietly

    choice = RuleChoice(_codes(select), _codes(extend_select), _codes(ignore))
    loaded = open_ledger(
        ledger, paths, no_cache=no_cache, keep_deals=False, rules=choice, anywhere=force
    )
    failed = loaded.errors > 0 or (strict and loaded.warnings > 0)
    code = 0 if exit_zero or not failed else 1
    if statistics:
        report = _statistics(loaded.problems)
    elif output_format is CheckFormat.TEXT:
        lines = [problem_line(problem) + "\n" for problem in loaded.problems]
        report = "".join(lines) + _count_line(loaded.errors, loaded.warnings, loaded.files) + "\n"
    else:
        report = _machine_output(loaded, output_format)
    if output_file is not None:
        write_output_file(output_file, report)
    else:
        with closed_pipe_ends_quietly(code):
            write(report)
    raise typer.Exit(code)


def _codes(values: list[str] | None) -> tuple[str, ...]:
    """`--select DL3,DL1 --select DL201` as one list of selectors."""
    return tuple(
        part.strip() for value in values or () for part in value.split(",") if part.strip()
    )


def _statistics(problems: Sequence[Problem]) -> str:
    """ruff's `--statistics`: one line per code, most frequent first."""
    from ..domain.problems import CODES

    counts = Counter(problem.code for problem in problems)
    width = max((len(str(count)) for count in counts.values()), default=1)
    return "".join(
        f"{count:>{width}}  {code}  {CODES.get(code, '')}\n"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


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

        settings = loaded.settings if loaded.root is not None else None
        help_url = settings.check.docs_url if settings is not None else None
        # Not resolved: the paths shown are relative to the folder as the user reached it.
        root = os.path.abspath(loaded.root) if loaded.root is not None else None  # noqa: PTH100
        return ci_formats.render_sarif(loaded.problems, __version__, root, help_url)
    return ci_formats.render_junit(loaded)
