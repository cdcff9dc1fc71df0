"""Spreadsheet cells read as the values a deal file holds: text, amounts, dates, party pairs.

Spreadsheets write amounts as people do ("$110M", "1.62bn", "USD 5,300 million", "€50m",
or a bare 110 in a column of millions) and dates as their locale does (`03/06/2025`, an
Excel serial number, a datetime cell). Each reader returns the exact value or raises
`CellError` with what to write instead; an unknown or blank amount is "undisclosed",
never 0, because a ledger that counts an unknown figure as nothing reports a wrong total.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ..domain.errors import LedgerError
from ..domain.fields import UNDISCLOSED


class CellError(LedgerError, ValueError):
    """A cell that cannot be read as its field; `code` is the problem code it would be."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_SCALES: dict[str, Decimal] = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "mio": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "millions": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
    "billions": Decimal(1_000_000_000),
}
_SYMBOLS = {"us$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "rmb": "CNY", "¥": None}
_AMOUNT_RE = re.compile(
    r"""^(?P<prefix>us\$|\$|€|£|¥|rmb|[a-z]{3}(?=[\s\d]))?\s*
    (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:_\d+)*(?:\.\d+)?)\s*
    (?P<scale>[a-z]+)?\s*(?P<suffix>[a-z]{3})?$""",
    re.VERBOSE,
)
_EXCEL_EPOCH = date(1899, 12, 30)
_TEXT_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%d-%b-%Y", "%b %d %Y")


def cell_text(value: Any) -> str | None:
    """A cell as text, None where blank. Numbers keep their digits (7 not 7.0)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def is_undisclosed(value: Any, words: tuple[str, ...]) -> bool:
    text = cell_text(value)
    return text is None or text.casefold() in {word.casefold() for word in words}


def read_amount(
    value: Any, unit: Decimal, words: tuple[str, ...]
) -> tuple[Decimal | str, str | None]:
    """(amount or "undisclosed", the currency its symbol or code names, if any)."""
    if is_undisclosed(value, words):
        return UNDISCLOSED, None
    if isinstance(value, (bool, date)):
        raise CellError("DL109", f"{cell_text(value)!r} is not an amount")
    if isinstance(value, int):
        return _checked(Decimal(value) * unit, value), None
    if isinstance(value, float):
        # The shortest text that reads back as the same float: 1.62, never 1.6200000000000001.
        return _checked(Decimal(repr(value)) * unit, value), None
    text = " ".join(str(value).split()).casefold()
    text = re.sub(r"^(?:up to|approx\.?|approximately|about|~|c\.)\s*", "", text)
    match = _AMOUNT_RE.match(text)
    if match is None:
        raise CellError(
            "DL109",
            f"{value!r} is not an amount; write e.g. 110000000, 110M, $1.62bn, "
            '"USD 5,300 million", or leave it blank (undisclosed)',
        )
    number = Decimal(match["number"].replace(",", "").replace("_", ""))
    scale_word = match["scale"]
    currency = _currency_of(match["prefix"], match["suffix"], scale_word)
    if scale_word is not None and scale_word.upper() == currency:
        scale_word = None
    if scale_word is None:
        scale = unit
    elif scale_word in _SCALES:
        scale = _SCALES[scale_word]
    else:
        raise CellError(
            "DL109", f"{value!r}: unknown scale {scale_word!r}; use k, m, mn, million, bn, billion"
        )
    return _checked(number * scale, value), currency


def _currency_of(prefix: str | None, suffix: str | None, scale: str | None) -> str | None:
    if prefix is not None:
        return _SYMBOLS.get(prefix, prefix.upper())
    if suffix is not None:
        return suffix.upper()
    if scale is not None and len(scale) == 3 and scale not in _SCALES:
        return scale.upper()  # "5300 usd": no scale, a code after the number
    return None


def _checked(amount: Decimal, written: Any) -> Decimal:
    if amount < 0:
        raise CellError("DL110", f"{written!r} is negative; amounts are never negative")
    return amount.normalize() if amount == amount.to_integral_value() else amount


def amount_value(amount: Decimal | str) -> int | str:
    """The TOML value of an amount: an integer where whole, else an exact decimal string."""
    if isinstance(amount, str):
        return amount
    if amount == amount.to_integral_value():
        return int(amount)
    return format(amount, "f")


def read_date(value: Any, order: str | None) -> date:
    """A date from a datetime cell, an Excel serial number, ISO text or `03/06/2025`."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("DL106", f"{value!r} is not a date")
    if isinstance(value, int | float):
        return _serial(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        return _serial(float(text))
    iso = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][\d:.]+)?", text)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]), text)
    local = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if local:
        first, second, year = int(local[1]), int(local[2]), int(local[3])
        if order is None and first <= 12 and second <= 12 and first != second:
            raise CellError(
                "DL106",
                f"{text!r} could be day/month or month/day; declare the order in the mapping "
                'file: date_order = "DMY" (3 June) or "MDY" (March 6)',
            )
        day_first = order == "DMY" or (order is None and first > 12)
        day, month = (first, second) if day_first else (second, first)
        return _date(year, month, day, text)
    for pattern in _TEXT_DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(
        "DL106", f"{text!r} is not a date; write 2025-06-13, 13/06/2025 or 13 June 2025"
    )


def _serial(number: float) -> date:
    if not 1 <= number < 2_958_466:  # 1900-01-01 .. 9999-12-31
        raise CellError("DL106", f"{number!r} is not an Excel date serial number")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError("DL106", f"{text!r} is not a calendar date") from None


def split_parties(text: str, separators: tuple[str, ...]) -> tuple[str, str]:
    """("Licensor", "Licensee") from "Licensor → Licensee" or "A / B"."""
    for separator in separators:
        if separator.strip() and separator.strip() == separator:
            pieces = text.split(separator)
        else:
            pieces = re.split(re.escape(separator), text, flags=re.IGNORECASE)
        if len(pieces) == 2 and all(piece.strip() for piece in pieces):
            return pieces[0].strip(), pieces[1].strip()
    shown = ", ".join(repr(item) for item in separators)
    raise CellError(
        "DL212",
        f'{text!r} does not name two parties; write them as "Licensor → Licensee" or '
        f'"A / B" (separators: {shown}; set party_separators in the mapping file)',
    )


def split_list(text: str, separator: str) -> list[str]:
    return [item.strip() for item in text.split(separator) if item.strip()]


_ROMAN = {"i": "1", "ii": "2", "iii": "3", "1/2": "2", "2/3": "3"}


def stage_text(text: str) -> str:
    """ "Phase II", "phase 2", "Pre-clinical" → the format's stage names (phase2, preclinical);
    anything else is kept for the loader to report."""
    value = text.strip().lower().replace("-", "").replace("_", " ")
    match = re.fullmatch(r"(?:phase|ph\.?)\s*(i{1,3}|[1-3]|1/2|2/3)[ab]?", value)
    if match:
        return "phase" + _ROMAN.get(match[1], match[1])[-1]
    return value.replace(" ", "")
