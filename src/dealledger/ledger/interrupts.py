"""Ctrl-C that Python could not raise where it landed: kept, and raised where it can be.

A KeyboardInterrupt that lands while Rust code (pydantic-core serializing a deal for the
cache) calls back into Python, or in a `__del__` or a generator's clean-up, cannot propagate
from there: Python prints "Exception ignored in: Decimal('228000000') ... KeyboardInterrupt"
and drops the interrupt, and pydantic-core even goes on, writing "<unprintable Decimal
object>" in place of the amount. `install` replaces that message with a note that an
interrupt is owed; the serializers call `raise_owed` when they return, so the run ends as for
any Ctrl-C (exit 130, no message) before the damaged encoding is used.
"""

from __future__ import annotations

import sys

_owed: list[bool] = [False]


def install() -> None:
    """Route swallowed KeyboardInterrupts here; other unraisable errors go on as before.

    Forked pool workers inherit the hook. The hook itself calls nothing, so a second Ctrl-C
    cannot land inside it.
    """
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


def raise_owed() -> None:
    """Raise the KeyboardInterrupt a callback swallowed since the last call, if any."""
    if _owed[0]:
        _owed[0] = False
        raise KeyboardInterrupt
