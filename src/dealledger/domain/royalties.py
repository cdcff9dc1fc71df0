"""Royalties: rates and disclosure bands as ranges, tiers applied incrementally, forecasts.

A royalty is worth something only against a sales forecast, which a deal's announcement never
gives; the analyst supplies it as `[[forecast]]` entries in the deal file. Disclosure bands
("mid-single-digit") are conventions, so each maps to a documented range and the valuation
reports both ends rather than inventing a point.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from .models import Asset, Deal, Forecast, Tier, Tranche
from .problems import Finding, error

_PCT = Decimal("0.01")

# Conventional reading of the bands used in press releases, as whole percentages.
BAND_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "single-digit": (1 * _PCT, 9 * _PCT),
    "low-single-digit": (1 * _PCT, 3 * _PCT),
    "mid-single-digit": (4 * _PCT, 6 * _PCT),
    "high-single-digit": (7 * _PCT, 9 * _PCT),
    "double-digit": (10 * _PCT, 19 * _PCT),
    "low-double-digit": (10 * _PCT, 13 * _PCT),
    "mid-double-digit": (14 * _PCT, 16 * _PCT),
    "high-double-digit": (17 * _PCT, 19 * _PCT),
}

_PERCENT = r"(\d+(?:\.\d+)?)%"


def rate_range(text: str) -> tuple[Decimal, Decimal] | None:
    """(low, high) royalty rate of a `rate` string; None where no rate is disclosed ("tiered").

    "up to X" has no known floor, so its low end is 0%.
    """
    rest = text.strip()
    up_to = rest.startswith("up to ")
    if up_to:
        rest = rest[len("up to ") :]
    bounds: tuple[Decimal, Decimal] | None
    if match := re.fullmatch(rf"{_PERCENT}\s*-\s*{_PERCENT}", rest):
        bounds = (Decimal(match[1]) * _PCT, Decimal(match[2]) * _PCT)
    elif match := re.fullmatch(_PERCENT, rest):
        bounds = (Decimal(match[1]) * _PCT, Decimal(match[1]) * _PCT)
    elif " to " in rest:
        first, last = rest.split(" to ", 1)
        if first not in BAND_RANGES or last not in BAND_RANGES:
            return None
        bounds = (BAND_RANGES[first][0], BAND_RANGES[last][1])
    elif rest in BAND_RANGES:
        bounds = BAND_RANGES[rest]
    else:
        return None
    return (Decimal(0), bounds[1]) if up_to else bounds


def tiered_royalty(net_sales: Decimal, tiers: Sequence[Tier]) -> Decimal:
    """Royalty on one year's net sales, each tier's rate applied to the slice inside it."""
    total = Decimal(0)
    for index, tier in enumerate(tiers):
        upper = tiers[index + 1].start if index + 1 < len(tiers) else None
        if net_sales <= tier.start:
            break
        top = net_sales if upper is None else min(net_sales, upper)
        total += (top - tier.start) * tier.rate
    return total


def royalty_bounds(tranche: Tranche, net_sales: Decimal) -> tuple[Decimal, Decimal] | None:
    """(low, high) royalty on `net_sales`; None where the terms give no rate to apply."""
    if tranche.tiers:
        amount = tiered_royalty(net_sales, tranche.tiers)
        return amount, amount
    if tranche.rate is None:
        return None
    bounds = rate_range(tranche.rate)
    if bounds is None:
        return None
    return net_sales * bounds[0], net_sales * bounds[1]


def forecast_asset(deal: Deal, forecast: Forecast) -> Asset | None:
    if forecast.asset is not None:
        return deal.asset_named(forecast.asset)
    return deal.assets[0] if len(deal.assets) == 1 else None


def forecasts_for(deal: Deal, asset: Asset) -> list[Forecast]:
    """The asset's forecast years, in year order."""
    found = [item for item in deal.forecast if forecast_asset(deal, item) == asset]
    return sorted(found, key=lambda item: item.year)


def check_forecasts(deal: Deal) -> Iterator[Finding]:
    """Each forecast names an asset of the deal (or the deal has one), each year once."""
    seen: dict[tuple[str, int], int] = {}
    names = [asset.name for asset in deal.assets]
    for index, forecast in enumerate(deal.forecast):
        loc = ("forecast", index)
        asset = forecast_asset(deal, forecast)
        if asset is None:
            if forecast.asset is not None:
                hint = (
                    "write one of " + ", ".join(f'"{name}"' for name in names)
                    if names
                    else "add it under [[assets]]"
                )
                yield error(
                    "DL504",
                    (*loc, "asset"),
                    f"asset {forecast.asset!r} is not an asset name or code of this deal; {hint}",
                )
            else:
                yield error(
                    "DL504",
                    loc,
                    f"the deal has {len(names)} assets, so the forecast needs "
                    'asset = "..." naming one of them'
                    if names
                    else "a forecast needs an asset: add [[assets]] with its name",
                    "key",
                )
            continue
        key = (asset.name, forecast.year)
        if key in seen:
            yield error(
                "DL505",
                (*loc, "year"),
                f"{asset.name!r} already has a forecast for {forecast.year} "
                f"([[forecast]] #{seen[key] + 1}); keep one",
            )
        else:
            seen[key] = index
