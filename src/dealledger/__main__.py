"""`python -m dealledger` and the `dealledger` script: the CLI, quiet when stopped early.

Importing the CLI (Typer, Click, Rich) takes a good part of a short run's time, before
`cli.errors.run` installs its signal handling; a Ctrl-C or SIGTERM then would print an import
traceback. Until then, either signal ends the process at once with 130 or 143, the shell's
codes: nothing has been written yet, so there is nothing to clean up. The handlers are set
through `_signal`, the C module, because `signal` imports `enum` first and a Ctrl-C in that
import would be Python's own traceback. A signal that arrives as the run ends, after the CLI
has stopped handling them, leaves the run's own exit code.
"""

from __future__ import annotations

import _signal
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import FrameType

_HANDLED = (_signal.SIGINT, _signal.SIGTERM)


def _exit_quietly(signum: int, _frame: FrameType | None) -> None:
    os._exit(128 + signum)


def main() -> None:
    for number in _HANDLED:
        if _signal.getsignal(number) != _signal.SIG_IGN:
            _signal.signal(number, _exit_quietly)
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
        while True:
            try:
                _keep_the_exit_code()
                break
            except KeyboardInterrupt:  # it came after the run decided its code: dropped
                pass


def _keep_the_exit_code() -> None:
    """Let nothing after this point change how the run ends.

    Python's shutdown resets the handlers it installed to the default, so a signal in the
    last milliseconds would kill the process with no exit code of ours: both are ignored from
    here. A signal that arrives before both are may still raise here (`signal.signal` runs
    the handler of one just arrived first); the caller drops it and calls again.

    Under `python -m`, CPython also ends the process by SIGINT, whatever the exit code, when
    any KeyboardInterrupt left a string `exec` during the run, even one the run caught and
    turned into exit 130 (`dataclasses` builds methods that way while the CLI's modules are
    imported). Every string `exec` clears that mark as it starts, so an empty one, run once
    no signal can raise any more, clears it for good.
    """
    for number in _HANDLED:
        _signal.signal(number, _signal.SIG_IGN)
    exec("pass", {})


if __name__ == "__main__":
    main()
