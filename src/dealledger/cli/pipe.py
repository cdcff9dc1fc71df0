"""A reader that stops early (`dealledger timeline | head -1`) is not an error.

Click turns a broken pipe into a silent exit 1, which `set -o pipefail` scripts would take
for "the ledger has errors". Output is written inside `closed_pipe_ends_quietly()`, which
ends the command with 0 and points stdout at /dev/null so the final flush cannot complain.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console


@contextlib.contextmanager
def closed_pipe_ends_quietly(exit_code: int = 0) -> Iterator[None]:
    """Output written inside ends the command with `exit_code` if the reader has gone.

    Reports end with 0 (what was asked for was written as far as anyone read); `check` passes
    its verdict, so `dealledger check | head -1` under `set -o pipefail` still fails on errors.
    """
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(exit_code) from None


def _broken_pipe() -> None:
    raise BrokenPipeError


def report_console() -> Console:
    """The stdout console, but a closed pipe raises instead of Rich's own `exit(1)`."""
    from .common import stdout_console

    console = stdout_console()
    console.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]
    return console
