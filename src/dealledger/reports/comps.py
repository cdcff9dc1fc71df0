"""`comps`: what deals like these usually pay, as benchmark statistics.

For the selected deals (optionally grouped by `--by`), three measures in the reporting
currency: the upfront, the total ("biobucks": every disclosed money tranche, as `totals`
adds it), and the upfront as a share of the total. For each: how many deals disclose it,
how many were left out, and the minimum, 25th percentile, median, 75th percentile and
maximum.

A figure counts only where it is fully disclosed: the upfront where no upfront amount is
undisclosed (a deal with no upfront tranche has an upfront of 0), the total where no money
amount is undisclosed, the share where both are known and the total is above 0. Deals with
`financials` `undisclosed` or `none`, or with no money tranche at all, are left out of all
three. The share is rounded half-even to six decimals before the statistics; amounts are
exact.

Quantiles use the inclusive linear method (Excel `QUARTILE.INC`/`PERCENTILE.INC`, numpy's
default "linear", R type 7): with the n values sorted x[0] ≤ … ≤ x[n-1], the p-quantile is at
h = (n − 1)·p, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]), computed on Decimals, so quartiles of
amounts are exact. A deal's percentile (`--like`) is the matching inverse, Excel
`PERCENTRANK.INC`: 100 × (values strictly below it) / (n − 1), rounded to two decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ..domain.errors import UsageError
from ..domain.figures import CATEGORY_OF_TYPE
from ..ledger import Entry, Ledger
from .totals import deal_contributions, deal_incomplete

BY_KEYS: tuple[str, ...] = ("phase", "modality", "area", "kind", "year", "territory")
MEASURES: tuple[str, ...] = ("upfront", "total", "upfront_share")
STATISTICS: tuple[tuple[str, Decimal], ...] = (
    ("min", Decimal(0)),
    ("p25", Decimal("0.25")),
    ("median", Decimal("0.5")),
    ("p75", Decimal("0.75")),
    ("max", Decimal(1)),
)
METHOD = "inclusive linear interpolation (Excel QUARTILE.INC, numpy 'linear', R type 7)"
SHARE_PLACES = Decimal("0.000001")
PERCENTILE_PLACES = Decimal("0.01")
# The dimensions `--like` matches on.
LIKE_KEYS: tuple[str, ...] = ("phase", "modality", "area")


class CompsError(UsageError):
    """A bad `--by` or `--like`: a usage error whose message says what is accepted."""


def parse_comps_by(value: str | None) -> str | None:
    if value is None:
        return None
    key = value.strip().lower()
    if key not in BY_KEYS:
        raise CompsError(f"--by {value!r} is not a comps grouping; accepted: {', '.join(BY_KEYS)}")
    return key


def quantile(values: Sequence[Decimal], p: Decimal) -> Decimal:
    """The inclusive linear p-quantile of sorted `values` (see the module's note)."""
    if not values:
        raise ValueError("no values")
    h = (len(values) - 1) * p
    low = int(h)  # h ≥ 0: floor
    fraction = h - low
    if fraction == 0:
        return values[low]
    return values[low] + fraction * (values[low + 1] - values[low])


def percent_rank(values: Sequence[Decimal], value: Decimal) -> Decimal | None:
    """PERCENTRANK.INC of `value` among sorted `values` (which hold it), in percent."""
    if len(values) < 2:
        return None
    below = sum(1 for item in values if item < value)
    return (Decimal(100 * below) / (len(values) - 1)).quantize(
        PERCENTILE_PLACES, rounding=ROUND_HALF_EVEN
    )


def statistics(values: Iterable[Decimal], deals: int) -> dict[str, Any]:
    ordered = sorted(values)
    found: dict[str, Any] = {"count": len(ordered), "left_out": deals - len(ordered)}
    for name, p in STATISTICS:
        found[name] = quantile(ordered, p) if ordered else None
    return found


@dataclass(frozen=True, slots=True)
class DealMeasures:
    entry: Entry
    values: dict[str, Decimal | None]


def deal_measures(entry: Entry, ledger: Ledger, currency: str | None) -> DealMeasures:
    """The deal's disclosed upfront, total and share, in `currency` (None: not disclosed)."""
    deal = entry.deal
    unknown: dict[str, Decimal | None] = dict.fromkeys(MEASURES)
    money = [t for t in deal.tranches if t.type in CATEGORY_OF_TYPE]
    if deal.financials != "disclosed" or not money or currency is None:
        return DealMeasures(entry, unknown)
    figures = deal_contributions(entry, ledger, (), currency)[0][1]
    upfront_hidden = any(t.is_undisclosed for t in money if t.type == "upfront")
    upfront = None if upfront_hidden else figures["upfront"]
    total = None if deal_incomplete(entry) else figures["total"]
    share = None
    if upfront is not None and total is not None and total > 0:
        share = (upfront / total).quantize(SHARE_PLACES, rounding=ROUND_HALF_EVEN)
    return DealMeasures(entry, {"upfront": upfront, "total": total, "upfront_share": share})


def key_values(entry: Entry, key: str) -> list[Any]:
    """The deal's value(s) for one grouping; a deal with several counts in each."""
    deal = entry.deal
    if key == "phase":
        found: list[Any] = [asset.phase for asset in deal.assets if asset.phase]
    elif key == "modality":
        found = [asset.modality for asset in deal.assets if asset.modality]
    elif key == "area":
        found = list(deal.therapeutic_areas)
    elif key == "territory":
        found = list(deal.territory or ())
    elif key == "kind":
        found = [deal.kind]
    else:
        found = [deal.date.year]
    return list(dict.fromkeys(found)) or [None]


def _group_figures(members: list[DealMeasures]) -> dict[str, Any]:
    figures: dict[str, Any] = {"deals": len(members)}
    for measure in MEASURES:
        values = [m.values[measure] for m in members if m.values[measure] is not None]
        figures[measure] = statistics(values, len(members))  # type: ignore[arg-type]
    return figures


def _sort_key(value: Any) -> tuple[bool, str]:
    return (value is None, f"{value:>12}" if isinstance(value, int) else str(value or ""))


def like_peers(target: Entry, entries: Sequence[Entry]) -> tuple[list[Entry], dict[str, list]]:
    """The deals sharing the target's phase, modality and area (any one of each it has).

    A dimension the target deal leaves blank does not narrow the peers. The target is
    always among its peers.
    """
    wanted = {key: [v for v in key_values(target, key) if v is not None] for key in LIKE_KEYS}

    def shares(entry: Entry) -> bool:
        for key, values in wanted.items():
            if not values:
                continue
            mine = {str(v).casefold() for v in key_values(entry, key) if v is not None}
            if not mine & {str(v).casefold() for v in values}:
                return False
        return True

    peers = [entry for entry in entries if entry.deal_id != target.deal_id and shares(entry)]
    return [target, *peers], wanted


def comps_record(
    ledger: Ledger,
    by: str | None,
    currency: str | None,
    like: Entry | None = None,
) -> dict[str, Any]:
    """The `comps --format json` document."""
    entries: Sequence[Entry] = ledger.entries
    like_part = None
    if like is not None:
        entries, wanted = like_peers(like, entries)
    measured = [deal_measures(entry, ledger, currency) for entry in entries]
    if like is not None:
        like_part = _position(measured[0], measured, wanted)
    groups: dict[Any, list[DealMeasures]] = {}
    if by is not None:
        for item in measured:
            for value in key_values(item.entry, by):
                groups.setdefault(value, []).append(item)
    return {
        "currency": currency,
        "by": by,
        "method": METHOD,
        "like": like_part,
        "groups": [
            {"key": key, **_group_figures(groups[key])} for key in sorted(groups, key=_sort_key)
        ],
        "overall": _group_figures(measured),
    }


def _position(
    target: DealMeasures, measured: list[DealMeasures], wanted: dict[str, list]
) -> dict[str, Any]:
    position = {}
    for measure in MEASURES:
        value = target.values[measure]
        values = sorted(m.values[measure] for m in measured if m.values[measure] is not None)  # type: ignore[type-var]
        position[measure] = {
            "value": value,
            "percentile": None if value is None else percent_rank(values, value),
            "among": len(values),
        }
    return {"id": target.entry.deal_id, **wanted, "deals": len(measured), "position": position}


COMPS_FIELDS = [
    "scope",
    "group",
    "measure",
    "deals",
    "count",
    "left_out",
    *(name for name, _ in STATISTICS),
    "currency",
]


def comps_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Flat rows: per group then overall, one per measure; `currency` empty for the share."""
    rows = []
    scopes = [("group", group) for group in record["groups"]] + [("overall", record["overall"])]
    for scope, figures in scopes:
        for measure in MEASURES:
            stats = figures[measure]
            rows.append(
                {
                    "scope": scope,
                    "group": figures.get("key"),
                    "measure": measure,
                    "deals": figures["deals"],
                    **stats,
                    "currency": None if measure == "upfront_share" else record["currency"],
                }
            )
    return rows
