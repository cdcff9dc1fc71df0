"""`python -m dealledger` and the `dealledger` script: the CLI, quiet when stopped early.

Importing the CLI (Typer, Click, Rich) takes a good part of a short run's time, before
`cli.errors.run` installs its signal handling; a Ctrl-C or SIGTERM then would print an import
traceback. Until then, either signal ends the process at once with 130 or 143, the shell's
codes: nothing has been written yet, so there is nothing to clean up. The same holds for a
signal that arrives as the run ends, after the CLI has stopped handling them.
"""

from __future__ import annotations

import os
import signal
from types import FrameType


def _exit_quietly(signum: int, _frame: FrameType | None) -> None:
    os._exit(128 + signum)


def main() -> None:
    for number in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, _exit_quietly)
    from .cli import main as run_cli

    try:
        run_cli()
    except KeyboardInterrupt:
        # The signal landed as the run was ending, after the CLI's own handling (while its
        # exit code was on the way out): end as the signal asks, quietly, not with Python's
        # unhandled-interrupt exit (killed by SIGINT, even for a SIGTERM).
        from .ledger.interrupts import interrupted_exit_code

        raise SystemExit(interrupted_exit_code()) from None
    finally:
        # The run is over and its exit code decided. Python's shutdown resets the handlers
        # it installed to the default, so a signal in those last milliseconds would kill the
        # process with no exit code of ours; ignored, it leaves the run's own code.
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_IGN)


if __name__ == "__main__":
    main()
