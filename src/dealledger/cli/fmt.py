"""`dealledger fmt`: rewrite deal files in the canonical layout, or check that they are."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..domain.errors import UsageError
from .app import app
from .common import ForceOption, LedgerOption, PathsArgument

if TYPE_CHECKING:
    from ..load.discover import Target


@app.command()
def fmt(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Change nothing; exit 1 listing the files fmt would change."),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Change nothing; show what fmt would change as a diff.")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Lay deal files out canonically, keeping every comment and every amount as written.

    Root keys in the format's order, then [[parties]], [[assets]], [[tranches]], [[sources]];
    one space around `=`, one blank line before each table. Running it twice changes nothing.

    Exit 0 when done (or, with --check/--diff, when nothing would change), 1 when a file
    would change or cannot be formatted, 2 on bad usage.

    Examples:

      dealledger fmt

      dealledger fmt --check          # in CI or a pre-commit hook

      dealledger fmt --diff deals/2025
    """
    from ..authoring.canonical import format_files
    from ..domain.safe_text import terminal_safe

    targets = _targets(ledger, paths, force=force)
    outcome = format_files(targets, write=not (check or diff))
    if diff:
        for patch in outcome.diffs:
            sys.stdout.write(terminal_safe(patch, keep_newlines=True))
    for display, reason in outcome.failed:
        sys.stderr.write(terminal_safe(f"{display}: error: {reason}") + "\n")
    changed = outcome.changed
    if check or diff:
        for display in changed:
            sys.stderr.write(terminal_safe(f"would reformat {display}") + "\n")
        total = f"{len(changed)} of {outcome.files} file(s) would be reformatted"
    else:
        for display in changed:
            sys.stderr.write(terminal_safe(f"reformatted {display}") + "\n")
        total = f"{len(changed)} of {outcome.files} file(s) reformatted"
    sys.stderr.write(total + "\n")
    failed = bool(outcome.failed) or ((check or diff) and bool(changed))
    raise typer.Exit(1 if failed else 0)


def _targets(ledger: Path | None, paths: list[str] | None, *, force: bool) -> list[Target]:
    from ..load.discover import (
        DEALS_DIR,
        SETTINGS_FILE,
        deal_files,
        expand_paths,
        find_root,
        refuse_outside,
    )

    root = find_root(ledger, Path.cwd())
    if paths:
        stdin = sys.stdin if "-" in paths else None
        targets = expand_paths(paths, stdin)
        if not force:
            refuse_outside(targets, root)
            # The settings are no deal file: fmt leaves them as written.
            targets = [target for target in targets if target.path.name != SETTINGS_FILE]
        return targets
    if root is None or not (root / DEALS_DIR).is_dir():
        raise UsageError(
            "no ledger found: run inside a folder that has a deals/ folder, or pass --ledger"
        )
    from ..authoring.draft import display_path

    return list(deal_files(root / DEALS_DIR, display_path(root / DEALS_DIR)))
