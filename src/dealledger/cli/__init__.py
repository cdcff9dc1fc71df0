"""The `dealledger` command line: argument parsing and the choice of renderer, nothing else.

Each command lives in its own module and registers itself on `app` (cli/app.py); heavy modules
are imported inside the command functions so that `--help`, `--version` and completion stay
fast.
"""

from __future__ import annotations

import sys

from . import (  # noqa: F401 - each command module registers itself on `app`
    calendar,
    check,
    comps,
    diff,
    export,
    fmt,
    import_command,
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
from .app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point: maps every failure to the spec's exit codes."""
    from .errors import run

    sys.exit(run(app))
