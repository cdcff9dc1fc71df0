"""Run the app so that no failure ends in a bare traceback."""

from __future__ import annotations

import os
import sys
import traceback

import typer

from .. import __version__

INTERNAL_ERROR = 3


def run(app: typer.Typer) -> int:
    try:
        app(prog_name="dealledger")
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except Exception as exc:
        if os.environ.get("DEALLEDGER_DEBUG"):
            traceback.print_exc()
        else:
            sys.stderr.write(
                f"dealledger {__version__}: internal error ({type(exc).__name__}: {exc}).\n"
                "This is a bug in dealledger, not in your files. Please report it with the "
                "command you ran; add --debug for the traceback.\n"
            )
        return INTERNAL_ERROR
    return 0


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at devnull so the final flush cannot complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
