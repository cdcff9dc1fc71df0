"""The errors dealledger raises for a person to read, and the exit code each one means.

Every such error derives from `DealledgerError`, so the command line maps them all in one
place (`cli/errors.py`): it prints `dealledger: error: <message>` and exits with the error's
code. A library caller catches `DealledgerError` to catch them all. The two categories are
the spec's exit codes: `UsageError` (2) when the command line asks for something that cannot
be done, `LedgerError` (1) when the ledger's files are at fault.

Problems found in deal files are not errors: they are values, collected and reported
(`domain/problems.py`). An error stops the command.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

LEDGER_ERRORS = 1
USAGE_ERRORS = 2


class DealledgerError(Exception):
    """An error whose message is written for the user and safe to show as it is.

    `exit_code` is the class's unless the instance is given its own. `multiline` marks
    messages that list items one a line; other messages are shown on one line whatever
    they hold, so untrusted text cannot start a line of its own.
    """

    exit_code: int = LEDGER_ERRORS
    multiline: ClassVar[bool] = False

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self)


class UsageError(DealledgerError):
    """The command line asks for something that cannot be done; the message says what to
    give instead."""

    exit_code = USAGE_ERRORS


class LedgerError(DealledgerError):
    """The ledger's files are at fault (a missing FX rate, a change that would make a deal
    invalid, a file changed while read); the command line was fine."""

    exit_code = LEDGER_ERRORS


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`; did you mean "license"?` for the choice nearest `value`, or "" if none is near.

    The hint every usage error about an enumerated value ends with, worded as the problems
    in deal files word theirs.
    """
    import difflib

    nearest = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f'; did you mean "{nearest[0]}"?' if nearest else ""
