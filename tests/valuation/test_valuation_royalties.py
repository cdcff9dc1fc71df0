"""Royalty rates, bands and tiers; properties of the discounting."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealledger.domain.assumptions import build_assumptions
from dealledger.domain.fx import FxTable
from dealledger.domain.models import Deal, Settings, Tier
from dealledger.domain.royalties import BAND_RANGES, rate_range, tiered_royalty
from dealledger.valuation.model import discount, value_deal

P = Decimal("0.01")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12%", (12 * P, 12 * P)),
        ("8%-12%", (8 * P, 12 * P)),
        ("single-digit", (1 * P, 9 * P)),
        ("mid-single-digit", (4 * P, 6 * P)),
        ("low-double-digit", (10 * P, 13 * P)),
        ("high-single-digit to low-double-digit", (7 * P, 13 * P)),
        ("up to double-digit", (Decimal(0), 19 * P)),
        ("up to 15%", (Decimal(0), 15 * P)),
        ("tiered", None),
    ],
)
def test_rate_range(text: str, expected: tuple[Decimal, Decimal] | None) -> None:
    assert rate_range(text) == expected


def test_every_band_has_a_range_low_to_high() -> None:
    for low, high in BAND_RANGES.values():
        assert 0 < low <= high < 1


def tiers(*pairs: tuple[str, str]) -> tuple[Tier, ...]:
    return tuple(Tier.model_validate({"from": start, "rate": rate}) for start, rate in pairs)


def test_tiers_apply_incrementally() -> None:
    scheme = tiers(("0", "5%"), ("100M", "10%"), ("500M", "15%"))
    assert tiered_royalty(Decimal("50000000"), scheme) == Decimal("2500000")
    assert tiered_royalty(Decimal("100000000"), scheme) == Decimal("5000000")
    # 100M × 5% + 400M × 10% + 100M × 15%
    assert tiered_royalty(Decimal("600000000"), scheme) == Decimal("60000000")
    assert tiered_royalty(Decimal(0), scheme) == 0


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_tiered_royalty_is_monotonic(a: int, b: int) -> None:
    scheme = tiers(("0", "5%"), ("100M", "10%"), ("500M", "15%"))
    low, high = sorted((Decimal(a), Decimal(b)))
    assert tiered_royalty(low, scheme) <= tiered_royalty(high, scheme)
    assert tiered_royalty(high, scheme) <= high * Decimal("0.15")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=20_000), st.integers(min_value=0, max_value=100))
def test_discount_factor_in_unit_interval_and_decreasing(days: int, percent: int) -> None:
    rate = Decimal(percent) / 100
    _, factor = discount(days, rate)
    _, later = discount(days + 30, rate)
    # Factors are rounded to FACTOR_PLACES: 100 % over 54 years (about 5e-17) rounds to 0.
    assert 0 <= later <= factor <= 1
    if percent <= 50:  # at most 1.5 ** -55, far above the rounding step
        assert later > 0


def _deal(amount: int, due: date, probability: str) -> Deal:
    return Deal.model_validate(
        {
            "id": "p",
            "title": "P",
            "kind": "license",
            "announced": date(2024, 1, 1),
            "currency": "USD",
            "parties": [{"name": "A", "role": "licensor"}, {"name": "B", "role": "licensee"}],
            "assets": [{"name": "X", "phase": "phase2"}],
            "tranches": [
                {"type": "milestone", "amount": amount, "due": due, "probability": probability},
                {"type": "milestone", "amount": amount, "due": due},
            ],
        }
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**11),
    st.integers(min_value=-2000, max_value=8000),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=100),
)
def test_rnpv_never_exceeds_risk_adjusted_or_nominal(
    amount: int, offset: int, percent: int, rate: int
) -> None:
    as_of = date(2025, 1, 1)
    deal = _deal(amount, as_of + timedelta(days=offset), f"{percent}%")
    assumptions = build_assumptions(Settings(), rate=Decimal(rate) / 100)
    value = value_deal(deal, assumptions, as_of, "USD", FxTable(()))
    assert 0 <= value.rnpv <= value.risk_adjusted <= value.nominal
    for item in value.tranches:
        assert item.days == max(0, offset)


def test_pos_scale_range_orders_the_values() -> None:
    deal = _deal(100_000_000, date(2027, 1, 1), "50%")
    results = [
        value_deal(
            deal,
            build_assumptions(Settings(), pos_scale=Decimal(scale)),
            date(2025, 1, 1),
            "USD",
            FxTable(()),
        ).rnpv
        for scale in ("0.5", "1", "1.5")
    ]
    assert results == sorted(results) and results[0] < results[2]
