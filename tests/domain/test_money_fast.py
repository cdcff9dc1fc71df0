"""The shortcuts in money parsing build exactly the Precision the general parser builds.

`parse_money_text` and `precision_of_integer` take an integer-arithmetic shortcut for the
common forms ("282M", "2.86B", 112_000_000). A Decimal equal in value but different in form
("2.82E+8" for "282000000") would change JSON output and cache contents, so the comparisons
below are on the exact Decimal tuple and text of both the value and the tolerance.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealledger.domain.money import (
    MoneyError,
    Precision,
    _parse_money_text_reference,
    _precision_of_integer_reference,
    parse_money_text,
    precision_of_integer,
)


def _exact(decimal: Decimal) -> tuple[object, str]:
    return decimal.as_tuple(), str(decimal)


def _same(fast: Precision, reference: Precision) -> None:
    assert _exact(fast.value) == _exact(reference.value)
    assert _exact(fast.tolerance) == _exact(reference.tolerance)


def _outcome(parse: object, text: str) -> tuple[str, object]:
    try:
        precision = parse(text)  # type: ignore[operator]
    except MoneyError as exc:
        return ("error", (str(exc), exc.hint))
    except ArithmeticError as exc:
        return ("arithmetic", type(exc))
    return ("ok", (_exact(precision.value), _exact(precision.tolerance)))


_digits = st.one_of(
    st.text("0123456789", min_size=1, max_size=18),
    st.integers(min_value=0, max_value=10**19).map(lambda number: f"{number:,}"),
    st.lists(st.text("0123456789", min_size=1, max_size=4), min_size=2, max_size=6).map(",".join),
)
_money_like = st.builds(
    lambda integer, point, fraction, space, suffix, sign: (
        f"{sign}{integer}{point}{fraction if point else ''}{space if suffix else ''}{suffix}"
    ),
    _digits,
    st.sampled_from(["", ".", "."]),
    st.text("0123456789", min_size=0, max_size=11),
    st.sampled_from(["", " "]),
    st.sampled_from(["", "k", "K", "m", "M", "b", "B", "mn", "bn", "MN", "Bn", "x"]),
    st.sampled_from(["", "", "", "-", " "]),
)


@settings(max_examples=400, deadline=None)
@given(_money_like)
def test_money_strings_parse_as_the_reference_does(text: str) -> None:
    assert _outcome(parse_money_text, text) == _outcome(_parse_money_text_reference, text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789.,_ kKmMbBn-$٣"), max_size=14))
def test_any_text_parses_or_fails_as_the_reference_does(text: str) -> None:
    assert _outcome(parse_money_text, text) == _outcome(_parse_money_text_reference, text)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.integers(min_value=0, max_value=10**16),
        st.integers(min_value=0, max_value=400).map(lambda n: n * 10 ** (n % 16)),
        st.integers(min_value=-(10**6), max_value=-1),
    )
)
def test_integers_have_the_reference_precision(value: int) -> None:
    _same(precision_of_integer(value), _precision_of_integer_reference(value))


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "000",
        "0.0",
        "0M",
        "0.000000001B",
        "282M",
        "2.86B",
        "2.860B",
        "1.5",
        "1.5k",
        "1.25k",
        "1.2345k",
        "007M",
        "999999999999999",
        "999999999999999.999999999B",
        "1000000000000000",
        "43243243.24",
        "5.3 bn",
        "1,620,000,000",
        "2,430,000,000",
        "999,999,999,999,999",
        "1,000,000,000,000,000",
        "1,62,000",
        "1,620.5M",
        "0,000",
    ],
)
def test_edge_forms_parse_as_the_reference_does(text: str) -> None:
    assert _outcome(parse_money_text, text) == _outcome(_parse_money_text_reference, text)


@pytest.mark.parametrize("value", [0, 1, 5, 10, 110_000_000, 10**15, 10**15 + 1, 10**40])
def test_edge_integers_have_the_reference_precision(value: int) -> None:
    _same(precision_of_integer(value), _precision_of_integer_reference(value))
