from datetime import date
from decimal import Decimal

import pytest

from dealledger.domain.fx import FxTable, MissingRate
from dealledger.domain.models import FxRate
from dealledger.domain.periods import parse_period


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("2027", date(2027, 1, 1)),
        ("2027-06", date(2027, 6, 1)),
        ("2027-Q3", date(2027, 7, 1)),
        ("2027-H2", date(2027, 7, 1)),
        ("2027-H1", date(2027, 1, 1)),
    ],
)
def test_periods_start_on_their_first_day(text: str, start: date) -> None:
    assert parse_period(text).start == start


@pytest.mark.parametrize("text", ["2027-Q5", "2027-13", "2027-00", "27", "2027-H3", "2027/06"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(ValueError, match=text):
        parse_period(text)


def rate(day: str, source: str, target: str, value: str) -> FxRate:
    return FxRate.model_validate(
        {"date": date.fromisoformat(day), "from": source, "to": target, "rate": value}
    )


def test_latest_rate_on_or_before_the_date() -> None:
    table = FxTable(
        [rate("2024-01-01", "EUR", "USD", "1.10"), rate("2025-01-01", "EUR", "USD", "1.05")]
    )
    assert table.convert(Decimal(100), "EUR", "USD", date(2024, 12, 31)) == Decimal("110.00")
    assert table.convert(Decimal(100), "EUR", "USD", date(2025, 1, 1)) == Decimal("105.00")


def test_inverse_rate_only_when_no_direct_rate() -> None:
    table = FxTable([rate("2025-01-01", "CNY", "USD", "0.1389")])
    # 1000 USD / 0.1389 = 7199.4240... CNY, rounded half-even to 2 places.
    assert table.convert(Decimal(1000), "USD", "CNY", date(2025, 6, 1)) == Decimal("7199.42")


def test_no_chaining_and_no_rate_before_the_date() -> None:
    table = FxTable(
        [rate("2025-01-01", "EUR", "USD", "1.1"), rate("2025-01-01", "USD", "JPY", "150")]
    )
    with pytest.raises(MissingRate, match="EUR→JPY"):
        table.convert(Decimal(1), "EUR", "JPY", date(2025, 6, 1))
    with pytest.raises(MissingRate, match="2024-12-31"):
        table.convert(Decimal(1), "EUR", "USD", date(2024, 12, 31))


def test_rounding_is_half_even_to_the_minor_unit() -> None:
    table = FxTable(
        [rate("2025-01-01", "USD", "JPY", "150.5"), rate("2025-01-01", "EUR", "USD", "1")]
    )
    assert table.convert(Decimal("1"), "USD", "JPY", date(2025, 2, 1)) == Decimal("150")  # 150.5
    assert table.convert(Decimal("3"), "USD", "JPY", date(2025, 2, 1)) == Decimal("452")  # 451.5
    assert table.convert(Decimal("0.125"), "EUR", "USD", date(2025, 2, 1)) == Decimal("0.12")
