"""Values typed on the command line, checked and turned into the TOML text a file will hold.

Shared by `new` and `record`. Each function raises ValueError with a message that shows the
accepted form, so that the command can exit 2 (or re-ask, when prompting) with it.
"""

from __future__ import annotations

import re
from datetime import date

import tomlkit
from pydantic_core import PydanticCustomError

from ..domain.fields import UNDISCLOSED, money_precision
from ..domain.periods import parse_period

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# A TOML integer as people write amounts: no sign, no leading zero, `_` between digits.
_INTEGER_RE = re.compile(r"0|[1-9](?:_?\d)*", re.ASCII)


def toml_string(value: str) -> str:
    """A basic (double-quoted) TOML string, escapes included."""
    return tomlkit.string(value).as_string()


def parse_date(text: str, what: str) -> date:
    value = text.strip()
    if _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{what} {text!r} is not a date; write YYYY-MM-DD, e.g. 2025-06-13")


def due_toml(text: str, what: str = "--due") -> str:
    value = text.strip()
    if _DATE_RE.fullmatch(value):
        return parse_date(value, what).isoformat()
    try:
        parse_period(value)
    except ValueError as exc:
        raise ValueError(
            f"{what} {text!r}: {exc}; write a date (2027-06-30) or a period "
            "(2027, 2027-06, 2027-Q2, 2027-H1)"
        ) from None
    return toml_string(value)


def amount_toml(text: str, what: str = "--amount", *, undisclosed: bool = True) -> str:
    """The amount exactly as typed: plain digits stay a TOML integer, anything else a string."""
    value = text.strip()
    if undisclosed and value.lower() == UNDISCLOSED:
        return toml_string(UNDISCLOSED)
    if _INTEGER_RE.fullmatch(value):
        return value
    try:
        money_precision(value)
    except PydanticCustomError as exc:
        extra = ' (or "undisclosed")' if undisclosed else ""
        raise ValueError(f"{what} {text!r}: {exc.message()}{extra}") from None
    return toml_string(value)
