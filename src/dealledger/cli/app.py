"""The Typer application and its global options; every command module registers on it.

Kept apart from `cli/__init__.py` so that command modules import `app` from here and the
package imports the commands: no module of the CLI imports its own package back.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from .. import __version__
from .errors import DealledgerGroup

app = typer.Typer(
    name="dealledger",
    cls=DealledgerGroup,
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
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", help="Say what the run did besides its output (e.g. no cache usable)."
        ),
    ] = False,
) -> None:
    """dealledger keeps each agreement as a TOML file under deals/ and reports on them.

    Exit codes: 0 success, 1 the ledger has errors (or warnings with --strict), 2 usage error.
    """
    if debug:
        os.environ["DEALLEDGER_DEBUG"] = "1"
    if verbose:
        os.environ["DEALLEDGER_VERBOSE"] = "1"
