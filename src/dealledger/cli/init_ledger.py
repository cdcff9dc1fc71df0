"""`dealledger init DIR`: start a ledger from the bundled example (or an empty one)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..domain.errors import UsageError
from .app import app
from .common import write


@app.command()
def init(
    directory: Annotated[
        Path,
        typer.Argument(help="Folder for the new ledger: created, or an empty existing one."),
    ],
    empty: Annotated[
        bool,
        typer.Option("--empty", help="Start with an empty deals/ folder instead of the example."),
    ] = False,
) -> None:
    """Create a new ledger: deals/ and dealledger.toml, copied from the bundled example.

    The example is the AstraZeneca–CSPC ledger the documentation uses, so every command has
    something to show at once; edit or delete its files to make the ledger yours. Nothing
    existing is overwritten: a folder that already has deals/ or dealledger.toml is refused.

    Examples:

      dealledger init my-deals && cd my-deals && dealledger summarize

      dealledger init --empty ~/work/deals
    """
    from ..authoring.init_ledger import create_ledger
    from ..domain.safe_text import terminal_safe

    try:
        files = create_ledger(directory, empty=empty)
    except OSError as exc:
        raise UsageError(
            f"cannot create the ledger in {str(directory)!r}: {exc.strerror or exc}"
        ) from None
    shown = terminal_safe(str(directory))
    count = f"{len(files)} deal file{'' if len(files) == 1 else 's'}"
    write(f"Created a ledger in {shown} ({count} and dealledger.toml).\n")
    write(f"Next: cd {shown} && dealledger check && dealledger summarize\n")
