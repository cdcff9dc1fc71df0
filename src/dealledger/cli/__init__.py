"""The `dealledger` command line: argument parsing and the choice of renderer, nothing else.

Each command lives in its own module and registers itself on `app`; heavy modules are
imported inside the command functions so that `--help`, `--version` and completion stay fast.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from .. import __version__

app = typer.Typer(
    name="dealledger",
    help="A plain-text ledger of biopharma deals: check, summarize, total and value them.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dealledger {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[  # noqa: ARG001 - handled by its eager callback
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="On an internal error, show the Python traceback.")
    ] = False,
) -> None:
    """dealledger keeps each agreement as a TOML file under deals/ and reports on them.

    Exit codes: 0 success, 1 the ledger has errors (or warnings with --strict), 2 usage error.
    """
    if debug:
        os.environ["DEALLEDGER_DEBUG"] = "1"


def main() -> None:
    """Console-script entry point: maps every failure to the spec's exit codes."""
    from .errors import run

    sys.exit(run(app))


# The command modules register themselves on `app`; imported last because they import `app`.
from . import (  # noqa: E402, F401
    check,
    export,
    fmt,
    init_ledger,
    new,
    record,
    report,
    schema,
    show,
    summarize,
    timeline,
    totals,
    value_command,
)
