"""Documented limits on one file, so hostile input costs bounded time and memory.

Deal files arrive in pull requests from strangers. Without limits a 30 MB file, a
100,000-deep `[[[[...` array or a million-key table would make `check` in CI slow, eat
memory, or hit Python's recursion limit inside `tomllib`. Every limit below is far beyond any
real deal (the largest real agreements have a few dozen tranches); a file over a limit gets one
problem, DL004, naming the limit and what to do, and the rest of the ledger is still checked.

The order matters for cost: the size is checked from `stat` before reading, nesting depth by
a linear scan of the text before `tomllib` runs, and the sizes of strings, arrays and tables
by an iterative walk of the parsed data before validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .problems import Finding, Severity

#: Bytes in one deal file or in dealledger.toml.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Folders inside deals/ (or a folder given on the command line) searched for deal files.
MAX_FOLDER_DEPTH = 64
#: Arrays, inline tables and tables nested inside each other, counting the document as 0.
MAX_NESTING = 16
#: Characters in one string (a title, a summary, the notes).
MAX_STRING_CHARS = 100_000
#: Items in `tranches` of one deal.
MAX_TRANCHES = 1_000
#: Items in `parties`, `assets` and `sources` of one deal.
MAX_PARTIES = 200
#: Items in any other array of a deal file, and keys in any one table.
MAX_ITEMS = 1_000
#: Values (keys, array items) in one deal file: a real deal has a few hundred; 1,000
#: tranches of a dozen keys each stay within it.
MAX_VALUES = 20_000
#: Values in dealledger.toml.
MAX_SETTINGS_VALUES = 2_000_000
#: Items in an array and keys in a table of dealledger.toml (years of daily FX rates, a big
#: party registry).
MAX_SETTINGS_ITEMS = 200_000
#: Problems reported for one file; the rest are counted in one last problem.
MAX_PROBLEMS = 200
#: Characters of one problem message: messages quote the value at fault, which may be a
#: 100,000-character string.
MAX_MESSAGE_CHARS = 500
#: The largest amount, in units of its currency: a thousand trillion. Together with
#: MAX_MONEY_DECIMALS it keeps every sum within the 28 significant digits that Python's
#: decimal arithmetic keeps exactly.
MAX_AMOUNT = Decimal(10) ** 15
#: Significant digits kept where amounts are multiplied by rates or normalised: enough that
#: no product of two amounts within the limits is rounded.
MAX_DIGITS = 80
#: Digits after the decimal point of an amount or rate, after applying k/M/B.
MAX_MONEY_DECIMALS = 10

TABLES_TOO_DEEP = f"arrays or tables nested more than {MAX_NESTING} deep; flatten the value"

_NAMED_ARRAY_LIMITS = {
    "tranches": MAX_TRANCHES,
    "parties": MAX_PARTIES,
    "assets": MAX_PARTIES,
    "sources": MAX_PARTIES,
}

# Tokens that can hold a bracket without opening anything: strings of all four kinds and
# comments. Multi-line strings may end in up to two extra quotes (`""""a"""""`). The patterns
# are "unrolled" so that matching is linear in the input.
_TOKEN = re.compile(
    r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"{3,5}'
    r"|'''[^']*(?:'(?!'')[^']*)*'{3,5}"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[\]{}]"
)


@dataclass(frozen=True, slots=True)
class LimitBreach:
    """Where a limit was exceeded: a key path after parsing, or an offset before it."""

    message: str
    loc: tuple[str | int, ...] = ()
    offset: int | None = None


#: Below this many opening brackets `tomllib` cannot recurse anywhere near Python's limit,
#: so the scan is skipped; `structure_breach` still enforces MAX_NESTING after parsing.
_BRACKETS_WORTH_SCANNING = 256


def nesting_breach(text: str, limit: int = MAX_NESTING) -> LimitBreach | None:
    """Find brackets nested deeper than `limit`, before `tomllib` recurses into them.

    Brackets inside strings and comments do not count. Table headers such as `[[tranches]]`
    open and close on one line, so they never accumulate depth. A file with few brackets
    cannot nest deeply: counting them (in C) spares the token scan for nearly every file.
    """
    if text.count("[") + text.count("{") < _BRACKETS_WORTH_SCANNING:
        return None
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return LimitBreach(
                    f"arrays or inline tables nested more than {limit} deep; "
                    "real deal files need a few levels at most; flatten the value",
                    offset=match.start(),
                )
        elif token in ("]", "}"):
            depth = max(depth - 1, 0)
    return None


def structure_breach(data: dict[str, Any], *, settings: bool = False) -> LimitBreach | None:
    """The first string, array, table or nesting level over its limit, walking iteratively.

    Nearly every file is far within the limits, so a quick walk that builds no key paths
    decides first; only a file it flags is walked again to name the place and the limit.
    """
    if _within_limits(data, settings=settings):
        return None
    return _first_breach(data, settings=settings)


def _within_limits(data: dict[str, Any], *, settings: bool) -> bool:
    items_limit = MAX_SETTINGS_ITEMS if settings else MAX_ITEMS
    values_limit = MAX_SETTINGS_VALUES if settings else MAX_VALUES
    values = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        container, depth = stack.pop()
        if depth + 1 > MAX_NESTING + 1 or len(container) > items_limit:
            return False
        values += len(container)
        if values > values_limit:
            return False
        items = container.values() if type(container) is dict else container
        for item in items:
            kind = type(item)
            if kind is str:
                if len(item) > MAX_STRING_CHARS:
                    return False
            elif kind is dict or kind is list:
                if depth + 1 > MAX_NESTING:
                    return False
                stack.append((item, depth + 1))
    if not settings:
        for name, limit in _NAMED_ARRAY_LIMITS.items():
            value = data.get(name)
            if type(value) is list and len(value) > limit:
                return False
    return True


def _first_breach(data: dict[str, Any], *, settings: bool) -> LimitBreach | None:
    items_limit = MAX_SETTINGS_ITEMS if settings else MAX_ITEMS
    values_limit = MAX_SETTINGS_VALUES if settings else MAX_VALUES
    for count, (loc, value) in enumerate(_walk(data)):
        if count > values_limit:
            return LimitBreach(
                f"more than {values_limit:,} values in one file; "
                "split the agreement into several deal files",
            )
        # A value inside N arrays or tables has a key path of N + 1 parts; an array or table
        # at level N (the document is level 0) has a key path of N parts.
        nested_container = isinstance(value, dict | list) and len(loc) > MAX_NESTING
        if nested_container or len(loc) > MAX_NESTING + 1:
            return LimitBreach(TABLES_TOO_DEEP, loc[: MAX_NESTING + 1])
        if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
            return LimitBreach(
                f"string of {len(value):,} characters, over the {MAX_STRING_CHARS:,}-character "
                "limit; shorten it or link to the source in [[sources]]",
                loc,
            )
        if isinstance(value, list):
            name = loc[-1] if loc and not settings and len(loc) == 1 else None
            limit = (
                _NAMED_ARRAY_LIMITS.get(name, items_limit)
                if isinstance(name, str)
                else (items_limit)
            )
            if len(value) > limit:
                return LimitBreach(
                    f"array of {len(value):,} items, over the limit of {limit:,}; "
                    "split the agreement into several deal files",
                    loc,
                )
        if isinstance(value, dict) and len(value) > items_limit:
            return LimitBreach(
                f"table of {len(value):,} keys, over the limit of {items_limit:,}", loc
            )
    return None


def _walk(data: Any) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every value with its key path, depth-first, with an explicit stack (no recursion)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        yield loc, value
        if len(loc) > MAX_NESTING + 1:
            continue
        if isinstance(value, dict):
            stack.extend(((*loc, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*loc, index), item) for index, item in reversed(list(enumerate(value))))


def shorten_message(message: str) -> str:
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return message[: MAX_MESSAGE_CHARS - 1] + "…"


def too_many_problems(count: int) -> Finding:
    """The problem that stands for the ones not reported, at the top of the file."""
    return Finding(
        "DL004",
        Severity.ERROR,
        (),
        f"{count:,} problems in this file; only the first {MAX_PROBLEMS} are reported, "
        "fix those and check again",
        "value",
    )


def money_breach(value: Decimal) -> str | None:
    """Why an amount is outside what dealledger can add up exactly, or None."""
    if not value.is_finite():
        return "is not a finite number"
    if value.copy_abs() > MAX_AMOUNT:
        return f"exceeds the largest amount dealledger accepts, {MAX_AMOUNT:,} units"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_MONEY_DECIMALS:
        normalized = value.normalize().as_tuple().exponent
        if isinstance(normalized, int) and normalized < -MAX_MONEY_DECIMALS:
            return f"has more than {MAX_MONEY_DECIMALS} digits after the decimal point"
    return None
