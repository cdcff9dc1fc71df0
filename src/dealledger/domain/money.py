"""Money as exact decimals: parsing the spec's amount strings, precision of declared totals,
and readable short forms for tables.

Everything here works on `Decimal`; a binary float never enters, because a ledger whose
figures cannot be reproduced by hand from the files is worse than no ledger.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation

from .errors import LedgerError
from .limits import MAX_DIGITS

SCALES: dict[str, Decimal] = {
    "": Decimal(1),
    "k": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
}

_MONEY_RE = re.compile(
    r"""
    (?P<int>\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)   # 1,620,000,000 or 1_620_000_000 or 1620
    (?:\.(?P<frac>\d+))?                        # optional decimal part
    (?:\ ?(?P<scale>k|mn|m|bn|b))?              # optional suffix, optionally after one space
    """,
    # ASCII digits only: `\d` alone would read "١٢٣", fullwidth or mathematical digits.
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
_CURRENCY_PREFIX_RE = re.compile(r"^\s*(?:US\$|\$|€|£|¥|[A-Z]{3}\s+)", re.IGNORECASE)


class MoneyError(LedgerError, ValueError):
    """A money value the spec does not accept; `hint` says what to write instead."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Precision:
    """A parsed amount together with how precisely it was written.

    Declared headline totals ("up to $5.3 billion") are claims made at a precision; checking
    them against the tranches needs that precision, which the bare Decimal has lost.
    """

    value: Decimal
    tolerance: Decimal


def parse_money_text(text: str) -> Precision:
    """Parse a money string such as "110M", "1.62B", "5.3 bn" or "1,620,000,000"."""
    stripped = text.strip()
    if stripped.startswith("-"):
        raise MoneyError("amounts cannot be negative", hint=f'"{stripped[1:].strip()}"')
    match = _MONEY_RE.fullmatch(stripped)
    if match is None:
        prefix = _CURRENCY_PREFIX_RE.match(stripped)
        if prefix is not None and _MONEY_RE.fullmatch(stripped[prefix.end() :].strip()):
            bare = stripped[prefix.end() :].strip()
            raise MoneyError(
                f"{text!r} carries a currency; write the amount alone and the code in `currency`",
                hint=f'"{bare}"',
            )
        raise MoneyError(
            f"{text!r} is not an amount",
            hint='an integer such as 110_000_000, or a string such as "110M", "1.62B", '
            '"5.3 bn" or "1,620,000,000"',
        )
    integer_digits = match["int"].replace(",", "").replace("_", "")
    fraction_digits = match["frac"] or ""
    scale = SCALES[(match["scale"] or "").lower()]
    value = Decimal(f"{integer_digits}.{fraction_digits or '0'}") * scale
    return Precision(normalize(value), _tolerance(integer_digits, fraction_digits, scale))


def precision_of_integer(value: int) -> Precision:
    """Precision of a TOML integer: trailing zeros of an integer are not significant."""
    return Precision(Decimal(value), _tolerance(str(abs(value)), "", Decimal(1)))


def _tolerance(integer_digits: str, fraction_digits: str, scale: Decimal) -> Decimal:
    """Half the place value of the last significant digit (spec: "Money", declared total)."""
    if fraction_digits:
        place = Decimal(1).scaleb(-len(fraction_digits)) * scale
    else:
        significant = integer_digits.rstrip("0")
        if not significant:
            return Decimal(0)
        place = Decimal(1).scaleb(len(integer_digits) - len(significant)) * scale
    return normalize(place / 2)


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (110E+6 -> 110000000)."""
    # A wide context: an integral value of more than 28 digits must not make quantize fail.
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=_WIDE)
    return value.normalize(context=_WIDE)


_WIDE = Context(prec=MAX_DIGITS)


def float_hint(value: float) -> str:
    """The string form to write instead of a TOML float, e.g. 1.62e9 -> "1.62B"."""
    try:
        exact = Decimal(repr(value))
    except InvalidOperation:
        return '"110M"'
    return f'"{short_form(exact)}"'


def short_form(value: Decimal) -> str:
    """The shortest spec money string for an exact amount, losing nothing ("1.62B", "110M")."""
    for suffix, scale in (("B", SCALES["b"]), ("M", SCALES["m"]), ("K", SCALES["k"])):
        if abs(value) >= scale:
            scaled = normalize(value / scale)
            if len(str(scaled).replace("-", "").replace(".", "")) <= 6:
                return f"{scaled}{suffix}"
    return str(normalize(value))


@functools.lru_cache(maxsize=4096)
def readable(value: Decimal) -> str:
    """Amount for humans in tables: B/M/K units, exact where four significant digits suffice.

    Tables are for reading; where the short form had to round, a leading "~" says so, and the
    exact figure is always in the machine formats. Kept per value: a ledger's tables repeat
    the same round amounts row after row (equal Decimals read the same, whatever their
    exponent).
    """
    magnitude = abs(value)
    for suffix, scale in (("B", SCALES["b"]), ("M", SCALES["m"]), ("K", SCALES["k"])):
        if magnitude >= scale:
            scaled = normalize(value / scale)
            if len(scaled.as_tuple().digits) <= 4:
                return f"{scaled}{suffix}"
            digits = 2 if abs(scaled) < 10 else 1 if abs(scaled) < 100 else 0
            rounded = f"{scaled:.{digits}f}".rstrip("0").rstrip(".")
            return f"~{rounded}{suffix}"
    return f"{normalize(value):,}"


def to_json_number(value: Decimal) -> str:
    """The exact decimal as JSON number text: no exponent, no float rounding noise.

    `str` writes the digits as held; with no exponent, no trailing zero after a decimal point,
    a finite value and no more digits than the context keeps, normalizing changes nothing.
    Most amounts are like that, and taking `str` for them halves the cost of a Decimal (an
    export writes hundreds of thousands).
    """
    text = str(value)
    if (
        "E" in text
        or len(text) > MAX_DIGITS
        or not text[-1].isdigit()
        or (text[-1] == "0" and "." in text)
    ):
        return format(normalize(value), "f")
    return text
