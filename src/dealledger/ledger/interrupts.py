"""Ctrl-C that Python could not raise where it landed: kept, and raised where it can be.

A KeyboardInterrupt that lands while Rust code (pydantic-core serializing a deal for the
cache) calls back into Python, or in a `__del__` or a generator's clean-up, cannot propagate
from there: Python prints "Exception ignored in: Decimal('228000000') ... KeyboardInterrupt"
and drops the interrupt, and pydantic-core even goes on, writing "<unprintable Decimal
object>" in place of the amount. `install` replaces that message with a note that an
interrupt is owed; the serializers call `raise_owed` when they return, so the run ends as for
any Ctrl-C (exit 130, no message) before the damaged encoding is used.

SIGTERM takes the same path: its handler notes it and raises KeyboardInterrupt, so every
clean-up written for Ctrl-C (temporary files, the cache's transaction, owed interrupts) runs
for it too, and the run ends with 143 (128 + SIGTERM) instead of 130.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

INTERRUPTED = 130  # 128 + SIGINT, the shell's convention
TERMINATED = 143  # 128 + SIGTERM

_owed: list[bool] = [False]
_terminated: list[bool] = [False]


def install() -> None:
    """Route swallowed KeyboardInterrupts here; other unraisable errors go on as before.

    Forked pool workers inherit the hook. The hook itself calls nothing, so a second Ctrl-C
    cannot land inside it. Also routes SIGINT and SIGTERM to KeyboardInterrupt, replacing the
    quiet exit `dealledger.__main__` installs for start-up; a signal the parent process
    ignores (a background job's SIGINT) stays ignored.
    """
    _route_signals()
    previous = sys.unraisablehook
    if getattr(previous, "_dealledger", False):
        return

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        kind = unraisable.exc_type
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            _owed[0] = True
            return
        previous(unraisable)

    hook._dealledger = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    _terminated[0] = True
    raise KeyboardInterrupt


def _route_signals() -> None:
    handlers = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: _terminate}
    for number, handler in handlers.items():
        try:
            if signal.getsignal(number) is not signal.SIG_IGN:
                signal.signal(number, handler)
        except ValueError:  # not the main thread: the caller handles signals itself
            return


def interrupted_exit_code() -> int:
    """130 after Ctrl-C, 143 after SIGTERM: how an interrupted run ends."""
    return TERMINATED if _terminated[0] else INTERRUPTED


def raise_owed() -> None:
    """Raise the KeyboardInterrupt a callback swallowed since the last call, if any."""
    if _owed[0]:
        _owed[0] = False
        raise KeyboardInterrupt
