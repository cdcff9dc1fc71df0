from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealledger.domain.money import MoneyError, parse_money_text, precision_of_integer, readable


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("110M", 110_000_000),
        ("1.62B", 1_620_000_000),
        ("5.3 bn", 5_300_000_000),
        ("1,620,000,000", 1_620_000_000),
        ("1_620_000_000", 1_620_000_000),
        ("3.6b", 3_600_000_000),
        ("250k", 250_000),
        ("12.5 mn", 12_500_000),
        ("43243243.24", Decimal("43243243.24")),
    ],
)
def test_spec_money_strings(text: str, value: int | Decimal) -> None:
    assert parse_money_text(text).value == Decimal(value)


@pytest.mark.parametrize(
    ("text", "tolerance"),
    [("5.3B", 50_000_000), ("1.20B", 5_000_000), ("1.92B", 5_000_000), ("110M", 5_000_000)],
)
def test_declared_precision_examples_from_the_spec(text: str, tolerance: int) -> None:
    assert parse_money_text(text).tolerance == tolerance


def test_integer_precision_ignores_trailing_zeros() -> None:
    assert precision_of_integer(5_300_000_000).tolerance == 50_000_000


@pytest.mark.parametrize("text", ["1,62,000", "1.2.3M", "M", "", "12 million", "1e9", "$"])
def test_malformed_money_is_rejected(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_money_text(text)


def test_currency_symbol_gets_a_hint() -> None:
    with pytest.raises(MoneyError) as raised:
        parse_money_text("$110M")
    assert raised.value.hint == '"110M"'


@given(st.integers(min_value=0, max_value=10**15))
def test_grouped_integers_round_trip(number: int) -> None:
    assert parse_money_text(f"{number:,}").value == number
    assert parse_money_text(f"{number:_}").value == number


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
def test_scaled_strings_are_exact(amount: Decimal) -> None:
    assert parse_money_text(f"{amount}M").value == amount * 1_000_000


def test_readable_marks_rounding() -> None:
    assert readable(Decimal("1620000000")) == "1.62B"
    assert readable(Decimal("43243243.24")) == "~43.2M"
    assert readable(Decimal(950)) == "950"
