"""Field types of the deal format, as Pydantic annotated types.

Each type validates the raw value `tomllib` produced and raises a `PydanticCustomError` whose
type is the problem code, and whose message says what to write instead. Plain validators are
used (not Pydantic's lax coercion) because the format must reject what lax mode would accept:
a TOML float for money, a quoted date, `true` where a number is due.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from .codes import COUNTRIES, CURRENCIES
from .limits import money_breach
from .money import MoneyError, Precision, float_hint, parse_money_text, precision_of_integer
from .periods import Period, impossible_date, parse_period

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
# re.ASCII throughout: `\d` would also take "١٢٣" or fullwidth digits as a number.
_PERCENT_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*%\s*", re.ASCII)
_URL_RE = re.compile(
    r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?|https?://localhost(?::\d+)?(?:[/?#]\S*)?"
)
_DATE_TEXT_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

STAGES = ("discovery", "preclinical", "phase1", "phase2", "phase3", "filed", "approved")
Stage = Literal["discovery", "preclinical", "phase1", "phase2", "phase3", "filed", "approved"]

UNDISCLOSED = "undisclosed"


def _fail(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def _type_name(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
        datetime: "a date-time",
        date: "a date",
        time: "a time",
    }
    return names.get(type(value), type(value).__name__)


def _require_str(value: object, what: str) -> str:
    if type(value) is str:  # what tomllib returns: skip the isinstance machinery
        return value
    if not isinstance(value, str):
        raise _fail("DL103", f"expected {what}, found {_type_name(value)}")
    return value


# --- money -------------------------------------------------------------------------------


def money_precision(value: object) -> Precision:
    """Validate a money value and keep the precision it was written at.

    A ledger repeats the same few hundred amounts ("100M", 50_000_000) across thousands of
    files, so accepted values are remembered: the answer is a pure function of the value
    (Precision and Decimal are immutable), and only exact `str` and `int` are keys, because
    `True == 1` and `1.0 == 1` must still be refused.
    """
    kind = type(value)
    if kind is str or kind is int:
        memo = _TEXT_MEMO if kind is str else _INT_MEMO
        known = memo.get(value)
        if known is not None:
            return known
        precision = _checked_money_precision(value)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[value] = precision
        return precision
    return _checked_money_precision(value)


# The memos of accepted amounts, periods and royalty rates (beside their checks, which stay
# the reference) save about 6% of a cold 10k `check` (docs/performance.md). Bounded: a file
# of 20,000 distinct amounts must not grow memory for the rest of the run.
_MEMO_LIMIT = 4096
_TEXT_MEMO: dict[object, Precision] = {}
_INT_MEMO: dict[object, Precision] = {}


def _checked_money_precision(value: object) -> Precision:
    try:
        precision = _money_precision(value)
    except ArithmeticError:  # decimal Overflow/InvalidOperation on absurdly long digits
        raise _fail(
            "DL109", f"{value!r} is too large to be an amount; check the amount and its suffix"
        ) from None
    problem = money_breach(precision.value)
    if problem is not None:
        raise _fail("DL109", f"{value!r} {problem}; check the amount and its k/M/B suffix")
    return precision


def _money_precision(value: object) -> Precision:
    if isinstance(value, bool):
        raise _fail("DL103", "expected an amount, found a boolean")
    if isinstance(value, int):
        if value < 0:
            raise _fail("DL110", f"amounts cannot be negative; write {-value}")
        return precision_of_integer(value)
    if isinstance(value, float):
        raise _fail(
            "DL108",
            f"{value!r} is a TOML float, which cannot hold money exactly; "
            f"write {float_hint(abs(value))} or an integer",
        )
    if isinstance(value, str):
        try:
            return parse_money_text(value)
        except MoneyError as exc:
            code = "DL110" if "negative" in str(exc) else "DL109"
            raise _fail(code, f"{exc}; write {exc.hint}") from None
    raise _fail("DL103", f"expected an amount, found {_type_name(value)}")


def _money(value: object) -> Decimal:
    return money_precision(value).value


def _amount(value: object) -> Decimal | str:
    kind = type(value)
    if kind is str or kind is int:
        # The memos never hold "undisclosed", which is no amount.
        known = (_TEXT_MEMO if kind is str else _INT_MEMO).get(value)
        if known is not None:
            return known.value
    if isinstance(value, str) and value.strip().lower() == UNDISCLOSED:
        return UNDISCLOSED
    return _money(value)


def _declared(value: object) -> Precision:
    return money_precision(value)


_MONEY_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "integer", "minimum": 0},
        {
            "type": "string",
            "pattern": r"^(?:\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)(?:\.\d+)?"
            r"(?: ?(?:[kK]|[mM][nN]?|[bB][nN]?))?$",
        },
    ],
    "description": 'An amount: integer units, or a string such as "110M", "1.62B", "5.3 bn".',
}

Money = Annotated[Decimal, PlainValidator(_money), WithJsonSchema(_MONEY_SCHEMA)]
Amount = Annotated[
    Decimal | str,
    PlainValidator(_amount),
    WithJsonSchema({"anyOf": [_MONEY_SCHEMA, {"const": UNDISCLOSED}]}),
]
DeclaredTotal = Annotated[Precision, PlainValidator(_declared), WithJsonSchema(_MONEY_SCHEMA)]


# --- dates and periods -------------------------------------------------------------------


def _date(value: object) -> date:
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        raise _fail("DL106", f"expected a date without a time; write {value.date().isoformat()}")
    if isinstance(value, str) and _DATE_TEXT_RE.fullmatch(value.strip()):
        text = value.strip()
        impossible = impossible_date(text)
        if impossible:
            raise _fail("DL106", f"{text} is not a date: {impossible}; write YYYY-MM-DD")
        raise _fail("DL106", f"dates are TOML dates, not strings; remove the quotes: {text}")
    raise _fail("DL106", f"expected a date such as 2025-06-13, found {_type_name(value)}")


def _due(value: object) -> date | Period:
    if type(value) is not str:
        return _due_value(value)
    known = _PERIOD_MEMO.get(value)
    if known is None:
        known = _due_value(value)
        if len(_PERIOD_MEMO) >= _MEMO_LIMIT:
            _PERIOD_MEMO.clear()
        _PERIOD_MEMO[value] = known
    return known


# Periods repeat across a ledger ("2027-Q2"); Period is immutable, so accepted ones are kept.
_PERIOD_MEMO: dict[str, date | Period] = {}


def _due_value(value: object) -> date | Period:
    if isinstance(value, str):
        if _DATE_TEXT_RE.fullmatch(value.strip()):
            raise _fail(
                "DL107",
                f"dates are TOML dates, not strings; remove the quotes: {value.strip()}",
            )
        try:
            return parse_period(value)
        except ValueError as exc:
            raise _fail("DL107", str(exc)) from None
    try:
        return _date(value)
    except PydanticCustomError:
        raise _fail(
            "DL107",
            f'expected a date (2027-06-30) or a period string ("2027-Q2"), '
            f"found {_type_name(value)}",
        ) from None


_PERIOD_BODY = r"\d{4}(?:-(?:0[1-9]|1[0-2]|Q[1-4]|H[12]))?"
_PERIOD_PATTERN = rf"^(?:by (?:\d{{4}}-\d{{2}}-\d{{2}}|{_PERIOD_BODY})|{_PERIOD_BODY})$"


def _period(value: object) -> Period:
    """A period or bound string only (`paid_in`, `achieved_in`): a day is `paid`'s job."""
    if isinstance(value, date):
        raise _fail(
            "DL107",
            f"a known day belongs in the date key: write e.g. paid = {value.isoformat()} "
            '(the `_in` keys take a month, quarter, half or year such as "2023-01")',
        )
    due = _due(value)
    if not isinstance(due, Period) or due.is_bound:
        raise _fail("DL107", 'expected a period such as "2023-01", "2023-Q1" or "2023"')
    return due


TomlDate = Annotated[
    date, PlainValidator(_date), WithJsonSchema({"type": "string", "format": "date"})
]
Due = Annotated[
    date | Period,
    PlainValidator(_due),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "pattern": _PERIOD_PATTERN},
            ]
        }
    ),
]


PeriodText = Annotated[
    Period,
    PlainValidator(_period),
    WithJsonSchema({"type": "string", "pattern": rf"^{_PERIOD_BODY}$"}),
]


# --- codes and identifiers ---------------------------------------------------------------


def _slug(value: object) -> str:
    text = _require_str(value, "an id string")
    if not SLUG_RE.fullmatch(text):
        suggestion = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:80] or "my-deal"
        raise _fail(
            "DL105",
            "ids are lowercase letters, digits and hyphens, starting with a letter or "
            f'digit, at most 80 characters; write "{suggestion}"',
        )
    return text


def _currency(value: object) -> str:
    text = _require_str(value, "an ISO 4217 currency code")
    if text.upper() in CURRENCIES and text != text.upper():
        raise _fail("DL111", f'currency codes are upper case; write "{text.upper()}"')
    if text not in CURRENCIES:
        raise _fail("DL111", f'{text!r} is not an ISO 4217 currency code (e.g. "USD", "CNY")')
    return text


def _country(value: object) -> str:
    text = _require_str(value, "an ISO 3166-1 alpha-2 country code")
    if text.upper() in COUNTRIES and text != text.upper():
        raise _fail("DL112", f'country codes are upper case; write "{text.upper()}"')
    if text not in COUNTRIES:
        raise _fail(
            "DL112", f'{text!r} is not an ISO 3166-1 alpha-2 country code (e.g. "CN", "GB")'
        )
    return text


def _url(value: object) -> str:
    text = _require_str(value, "a URL string")
    if not _URL_RE.fullmatch(text):
        raise _fail("DL113", f'{text!r} is not an http(s) URL; write "https://…"')
    return text


def _text(value: object) -> str:
    if type(value) is str and value and not value[0].isspace():
        return value  # nonblank: the first character is not whitespace
    text = _require_str(value, "a string")
    if not text.strip():
        raise _fail("DL116", _BLANK_TEXT)
    return text


def _rule_selector(value: object) -> str:
    from .problems import CODES

    text = _require_str(value, 'a rule code or prefix such as "DL303" or "DL3"')
    if text == "ALL" or (
        RULE_SELECTOR_RE.fullmatch(text) and any(code.startswith(text) for code in CODES)
    ):
        return text
    close = difflib.get_close_matches(text.upper(), [*CODES, "ALL"], n=1)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    raise _fail(
        "DL404",
        f'{text!r} is not a rule code or prefix: write a code such as "DL303", a prefix '
        f'such as "DL3", or "ALL"{hint}',
    )


RULE_SELECTOR_RE = re.compile(r"DL\d{0,3}")
RuleSelector = Annotated[
    str,
    PlainValidator(_rule_selector),
    WithJsonSchema({"type": "string", "pattern": r"^(ALL|DL[0-9]{0,3})$"}),
]
Slug = Annotated[
    str, PlainValidator(_slug), WithJsonSchema({"type": "string", "pattern": SLUG_RE.pattern})
]
Currency = Annotated[
    str, PlainValidator(_currency), WithJsonSchema({"type": "string", "enum": sorted(CURRENCIES)})
]
Country = Annotated[
    str, PlainValidator(_country), WithJsonSchema({"type": "string", "enum": sorted(COUNTRIES)})
]
Url = Annotated[
    str, PlainValidator(_url), WithJsonSchema({"type": "string", "pattern": r"^https?://\S+$"})
]
_BLANK_TEXT = "empty text; write a value or remove the key"

Text = Annotated[str, PlainValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]


# --- percentages and royalty rates -------------------------------------------------------


def _fraction(value: object) -> Decimal:
    """A share written as "35%" or as a plain number such as 0.35; never NaN or infinite."""
    return _within_limits(_any_fraction(value), value)


def _within_limits(fraction: Decimal, value: object) -> Decimal:
    """`fraction` if it is within the limits on every percentage (docs/security.md), else
    DL114: probabilities, discount rates, royalty rates and tier rates alike."""
    # A string such as "1e-999999999" is a valid Decimal whose plain form has a billion
    # digits: refuse what no rate or probability needs, before anything prints it.
    if (
        not fraction.is_finite()
        or fraction.copy_abs() > _MAX_FRACTION
        or (fraction != 0 and fraction.adjusted() < -_MAX_FRACTION_DECIMALS)
        or len(fraction.as_tuple().digits) > _MAX_FRACTION_DECIMALS + 7
    ):
        raise _fail(
            "DL114",
            f'expected a percentage such as "35%" or a number such as 0.35, found {value!r}',
        )
    return fraction


# Far above any rate or probability, far below what makes `(1 + rate) ** t` overflow.
_MAX_FRACTION = Decimal(1_000_000)
_MAX_FRACTION_DECIMALS = 20


def _any_fraction(value: object) -> Decimal:
    if isinstance(value, bool):
        raise _fail("DL114", 'expected a percentage such as "35%" or a number such as 0.35')
    if isinstance(value, int | float):
        try:
            return Decimal(repr(value))
        except InvalidOperation:
            raise _fail("DL114", f"{value!r} is not a number") from None
    if isinstance(value, str):
        match = _PERCENT_RE.fullmatch(value)
        if match:
            return Decimal(match[1]) / 100
        try:
            if value.isascii():  # Decimal() would read other scripts' digits too
                return Decimal(value.strip())
        except InvalidOperation:
            pass
    raise _fail(
        "DL114", f'expected a percentage such as "35%" or a number such as 0.35, found {value!r}'
    )


def _probability(value: object) -> Decimal:
    fraction = _fraction(value)
    if not 0 <= fraction <= 1:
        raise _fail("DL114", f"a probability lies between 0 and 1 (0% and 100%), not {value!r}")
    return fraction


def _percent_string(value: object) -> Decimal:
    text = _require_str(value, 'a percentage string such as "8%"')
    match = _PERCENT_RE.fullmatch(text)
    if match is None:
        raise _fail("DL115", f'expected a percentage such as "8%", found {text!r}')
    return _within_limits(Decimal(match[1]) / 100, value)


Probability = Annotated[
    Decimal,
    PlainValidator(_probability),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": r"^\s*\d+(?:\.\d+)?\s*%\s*$"},
            ]
        }
    ),
]
PercentString = Annotated[
    Decimal,
    PlainValidator(_percent_string),
    WithJsonSchema({"type": "string", "pattern": r"^\s*\d+(?:\.\d+)?\s*%\s*$"}),
]


def _share(value: object) -> Decimal | str:
    """A percentage of something ("35%"), or "undisclosed" where the source gives none."""
    if isinstance(value, str) and value.strip().lower() == UNDISCLOSED:
        return UNDISCLOSED
    share = _percent_string(value)
    if share > 1:
        raise _fail("DL114", f"a share lies between 0% and 100%, not {value!r}")
    return share


Share = Annotated[
    Decimal | str,
    PlainValidator(_share),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*\d+(?:\.\d+)?\s*%\s*$"},
                {"const": UNDISCLOSED},
            ]
        }
    ),
]


def _share_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail("DL103", "expected a whole number of shares, e.g. 24_307_322")
    if value <= 0:
        raise _fail("DL110", f"a share count is positive, not {value}")
    return value


ShareCount = Annotated[
    int, PlainValidator(_share_count), WithJsonSchema({"type": "integer", "minimum": 1})
]


ROYALTY_BANDS = (
    "single-digit",
    "low-single-digit",
    "mid-single-digit",
    "high-single-digit",
    "double-digit",
    "low-double-digit",
    "mid-double-digit",
    "high-double-digit",
    "teens",
    "low-teens",
    "mid-teens",
    "high-teens",
    "twenties",
    "low-twenties",
    "mid-twenties",
    "high-twenties",
    "tiered",
)
# Bands are letters and hyphens only: joined unescaped, because re.escape's "\\-" is not a
# valid ECMA-262 regex and the pattern is reused in the JSON Schema. Longer names first, so
# that "high-double-digit" is never read as "double-digit".
_BAND = "|".join(sorted(ROYALTY_BANDS, key=len, reverse=True))
_PCT = r"\d+(?:\.\d+)?%"
_ATOM = f"(?:{_PCT}|{_BAND})"
# Version 2 adds: "undisclosed"; a "tiered" (or "tiered,") prefix before a band or rate
# ("tiered, up to mid-teens"); a range of any two atoms ("high-teens to 25%").
ROYALTY_RATE_RE = re.compile(
    rf"undisclosed|(?:tiered,? )?(?:up to )?(?:{_PCT}\s*-\s*{_PCT}|{_ATOM} to {_ATOM}|{_ATOM})",
    re.ASCII,
)


def _royalty_rate(value: object) -> str:
    if type(value) is str and value in _ROYALTY_RATES_SEEN:
        return value
    text = _checked_royalty_rate(value)
    if len(_ROYALTY_RATES_SEEN) >= _MEMO_LIMIT:
        _ROYALTY_RATES_SEEN.clear()
    _ROYALTY_RATES_SEEN.add(text)
    return text


# Rates repeat ("single-digit", "tiered"); a string accepted once is accepted again.
_ROYALTY_RATES_SEEN: set[str] = set()


def _checked_royalty_rate(value: object) -> str:
    text = _require_str(value, 'a royalty rate string such as "12%" or "single-digit"')
    if not ROYALTY_RATE_RE.fullmatch(text):
        raise _fail(
            "DL115",
            f'{text!r} is not a royalty rate; write a percentage ("12%"), a range '
            '("8%-12%"), a band such as "single-digit", "up to double-digit", '
            '"high-single-digit to low-double-digit" or "tiered, up to mid-teens", '
            'or "undisclosed"',
        )
    for number in re.findall(r"([0-9.]+)%", text):
        _within_limits(Decimal(number) / 100, text)
    for low, high in re.findall(rf"({_PCT})\s*-\s*({_PCT})", text, re.ASCII):
        if Decimal(low[:-1]) > Decimal(high[:-1]):
            raise _fail("DL115", f'a rate range runs from low to high; write "{high}-{low}"')
    return text


RoyaltyRate = Annotated[
    str,
    PlainValidator(_royalty_rate),
    WithJsonSchema({"type": "string", "pattern": f"^(?:{ROYALTY_RATE_RE.pattern})$"}),
]


def forget_seen_values() -> None:
    """Empty the memos of accepted amounts, periods and rates (benchmarks time a cold run)."""
    _TEXT_MEMO.clear()
    _INT_MEMO.clear()
    _PERIOD_MEMO.clear()
    _ROYALTY_RATES_SEEN.clear()
