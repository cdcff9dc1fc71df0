"""Options and helpers shared by the commands: ledger selection, formats, consoles."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..domain.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from ..domain.models import CheckSettings
    from ..domain.problems import Problem
    from ..ledger import Ledger


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    TSV = "tsv"
    MARKDOWN = "markdown"


LedgerOption = Annotated[
    Path | None,
    typer.Option(
        "--ledger",
        "-L",
        help="Ledger root (the folder holding deals/). Default: $DEALLEDGER_LEDGER, else the "
        "nearest folder upwards with a deals/ folder.",
        file_okay=False,
        show_default=False,
    ),
]
PathsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATHS",
        help="Deal files or folders to use instead of the whole ledger; - reads paths from "
        "standard input, one a line.",
        show_default=False,
    ),
]
FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
RawCsvOption = Annotated[
    bool,
    typer.Option(
        "--raw-cells",
        help="In csv/tsv, do not prefix cells that a spreadsheet would run as formulas.",
    ),
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Accept paths outside the ledger's deals/ folder (they are refused by default, "
        "so a hook or glob never treats pyproject.toml as a deal).",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="The day the report is as of (YYYY-MM-DD): an expected tranche whose due date or "
        "period ended before it is overdue. Default: today.",
        show_default=False,
    ),
]


def parse_as_of(text: str | None) -> date:
    """`--as-of`: the day a report is as of (today without it); a bad date is a usage error."""
    if text is None:
        return date.today()
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--as-of {text!r} is not a date; write YYYY-MM-DD, e.g. --as-of 2026-01-01"
        ) from None


NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Parse every file afresh: neither read nor update the cache in "
        ".dealledger-cache/ (or $DEALLEDGER_CACHE_DIR).",
    ),
]


def ledger_root(ledger: Path | None) -> Path:
    """The ledger root for a command that works on the folder itself, or a usage error."""
    from ..domain.errors import UsageError
    from ..load.discover import find_root

    root = find_root(ledger, Path.cwd())
    if root is None:
        raise UsageError(
            "no ledger found: run inside a folder that has a deals/ folder, or pass --ledger"
        )
    return root


@dataclass(frozen=True)
class RuleChoice:
    """`check`'s `--select`, `--extend-select` and `--ignore`, as given."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def open_ledger(
    ledger: Path | None,
    paths: list[str] | None,
    *,
    no_cache: bool = False,
    keep_deals: bool = True,
    rules: RuleChoice | None = None,
    anywhere: bool = True,
) -> Ledger:
    """Find the root, expand the paths and load; a bad path or root raises UsageError.

    `keep_deals=False` is for commands that report problems only: deals parsed on the way
    are then not held in memory (see `load_ledger`).
    """
    from ..ledger import load_ledger
    from ..load.discover import DEALS_DIR, count_deal_files, expand_paths, find_root, refuse_outside
    from .progress import LoadProgress

    root = find_root(ledger, Path.cwd())
    targets = None
    if paths:
        stdin = sys.stdin if "-" in paths else None
        targets = expand_paths(paths, stdin, on_empty_folder=_note_empty_folder)
        if not anywhere:
            refuse_outside(targets, root)

    def total() -> int | None:
        if targets is not None:
            return len(targets)
        return count_deal_files(root / DEALS_DIR) if root is not None else None

    with LoadProgress(total=total) as progress:
        loaded = load_ledger(
            root,
            targets,
            progress=progress,
            cache=not no_cache,
            keep_deals=keep_deals,
        )
    # A command runs once and exits: keep the collector from rescanning the whole ledger
    # each time rendering allocates (reports build as many objects again).
    import gc

    gc.freeze()
    if loaded.cache_note and os.environ.get("DEALLEDGER_VERBOSE"):
        from ..domain.safe_text import terminal_safe

        sys.stderr.write(
            terminal_safe(f"dealledger: note: running without a cache: {loaded.cache_note}") + "\n"
        )
    return _selected(loaded, rules or RuleChoice())


def _selected(loaded: Ledger, rules: RuleChoice) -> Ledger:
    """The ledger with the problems the user chose to see: `[check]`, flags, comments."""
    import dataclasses

    from ..rules.selection import (
        build_selection,
        select,
        suppress_across_files,
        unknown_selectors,
    )

    unknown = unknown_selectors((*rules.select, *rules.extend_select, *rules.ignore))
    if unknown:
        raise UsageError(
            f"{unknown[0]!r} is not a rule code or prefix; write a code such as DL303, a "
            "prefix such as DL3, or ALL (docs/problem-codes.md lists them)"
        )
    settings = _check_settings(loaded)
    selection = build_selection(
        settings.select if settings else None,
        settings.extend_select if settings else (),
        settings.ignore if settings else (),
        settings.per_file_ignores if settings else {},
        select=rules.select,
        extend_select=rules.extend_select,
        ignore=rules.ignore,
    )
    problems = select(suppress_across_files(loaded.problems, _read_text), selection)
    if len(problems) == len(loaded.problems):
        return loaded
    return dataclasses.replace(loaded, problems=tuple(problems))


def _check_settings(loaded: Ledger) -> CheckSettings | None:
    """`[check]` of dealledger.toml, validating the settings only when it has that table.

    A warm `check` otherwise never builds the models (see ledger/settings.py); the test on
    the file's bytes keeps it so for every ledger that does not use `[check]`. The file is
    read as every reader reads it: bounded, never a FIFO, a device or a link out.
    """
    from ..load.discover import settings_file
    from ..load.reading import NotRegularFile, TooLarge, read_bounded

    found = settings_file(loaded.root) if loaded.root is not None else None
    if found is None or found[1] is not None:
        return None
    try:
        text = read_bounded(found[0])
    except (OSError, NotRegularFile, TooLarge):
        return None
    if b"check" not in text:
        return None
    return loaded.settings.check


def _read_text(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return None


def check_output_file(path: Path) -> None:
    """Refuse an `-o FILE` that is a link, a device, a FIFO or a folder, or whose folder is
    missing: before the work is done, so a bad target costs nothing."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise UsageError(f"{str(path)!r} is not a regular file; give a new or regular file for -o")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {str(path)!r}: its folder does not exist")


def write_output_file(path: Path, text: str) -> None:
    """`-o FILE`: the whole report or nothing, never through a link or into a device."""
    from ..authoring.safe_write import WriteError, write_atomic

    check_output_file(path)
    try:
        write_atomic(path, text.encode("utf-8", "surrogateescape"))
    except WriteError as exc:
        raise UsageError(str(exc)) from None


def _note_empty_folder(folder: str) -> None:
    """Like ruff: an empty folder is not an error, but a silent pass would hide a typo."""
    from ..domain.safe_text import terminal_safe

    sys.stderr.write(
        f"dealledger: warning: no deal files (*.toml) under {terminal_safe(folder)!r}\n"
    )


def stdout_console() -> Console:
    """A Console for stdout that respects NO_COLOR, FORCE_COLOR and TERM=dumb (terminal.py).

    In a pipe it never wraps at 80 columns: a line of data stays one line.
    """
    from .terminal import stdout_style, styled_console

    return styled_console(stdout_style())


def problem_line(problem: Problem) -> str:
    """`path:line:col: severity CODE message`, made safe for the terminal."""
    from ..domain.safe_text import terminal_safe

    where = problem.path
    if problem.line is not None:
        where += f":{problem.line}:{problem.column or 1}"
    return terminal_safe(f"{where}: {problem.severity.value} {problem.code} {problem.message}")


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def report_problems_to_stderr(
    ledger: Ledger, *, quiet: bool | None = False, no_warnings: bool | None = False
) -> None:
    """Each problem on its own line; with `quiet`, one count line; `no_warnings` leaves the
    warnings out of either. `check` always lists everything (it is the command for that)."""
    from ..domain.problems import Severity

    shown = [
        problem
        for problem in ledger.problems
        if not (no_warnings and problem.severity is Severity.WARNING)
    ]
    if quiet:
        if shown:
            sys.stderr.write(problems_summary(shown) + "\n")
        return
    for problem in shown:
        sys.stderr.write(problem_line(problem) + "\n")


def problems_summary(problems: Sequence[Problem]) -> str:
    """`dealledger: 3 errors, 2 warnings in 2 files; files with errors are left out; run
    `dealledger check``: what --quiet says instead of the problems themselves."""
    from ..domain.problems import Severity

    errors = sum(problem.severity is Severity.ERROR for problem in problems)
    warnings = len(problems) - errors
    files = len({problem.path for problem in problems})
    counts = [
        f"{count} {word}{'s' if count != 1 else ''}"
        for count, word in ((errors, "error"), (warnings, "warning"))
        if count
    ]
    text = f"dealledger: {', '.join(counts)} in {files} file{'s' if files != 1 else ''}"
    if errors:
        text += "; files with errors are left out"
    return text + "; run `dealledger check` to see them"
