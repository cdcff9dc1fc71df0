"""`totals`: ledger-wide figures in the reporting currency, overall and grouped by `--by` keys.

Every tranche is converted straight from its own currency into the reporting currency and
rounded to the minor unit before anything is added (spec: FX rule), so a figure here equals
the sum of the per-tranche amounts that `export` stores and a reader can recompute by hand.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from ..domain.errors import UsageError, did_you_mean
from ..domain.figures import (
    CATEGORIES,
    CATEGORY_OF_TYPE,
    FIGURE_NAMES,
    sum_disclosed,
    tranche_currency,
)
from ..ledger import Entry, Ledger
from .currency import convert

if TYPE_CHECKING:
    from ..domain.models import Deal
    from ..domain.registry import Registry

BY_KEYS: tuple[str, ...] = (
    "payee",
    "payer",
    "payee-group",
    "payer-group",
    "year",
    "kind",
    "status",
    "currency",
    "area",
)
FIGURE_FIELDS = FIGURE_NAMES
JOINT = " + "


class ByKeyError(UsageError, ValueError):
    """An unknown `--by` key; the message lists the accepted ones."""


def parse_by(values: Sequence[str]) -> list[str]:
    """`--by a --by b` and `--by a,b` alike; order kept, repeats dropped."""
    keys: list[str] = []
    for value in values:
        for part in value.split(","):
            key = part.strip().lower().replace("_", "-")
            if not key:
                continue
            if key not in BY_KEYS:
                raise ByKeyError(
                    f"--by {part.strip()!r} is not a grouping key; accepted: {', '.join(BY_KEYS)}"
                    + did_you_mean(key, BY_KEYS)
                )
            if key not in keys:
                keys.append(key)
    return keys


def deal_incomplete(entry: Entry) -> bool:
    """An undisclosed amount, or financials = "undisclosed": figures cover only part of it."""
    deal = entry.deal
    return deal.financials == "undisclosed" or any(
        tranche.is_undisclosed for tranche in deal.tranches if tranche.type in CATEGORY_OF_TYPE
    )


@dataclass(slots=True)
class _Item:
    """One contribution to the totals: a money tranche, or a deal-wide placeholder.

    `opaque` stands for a deal whose financials are undisclosed or none (every figure
    unknown); `position is None` without `opaque` is a deal with no money tranche at all.
    """

    entry: Entry
    position: int | None
    amount: Decimal | None = None
    opaque: bool = False


@dataclass
class _DealPart:
    """What one deal contributes to one group, summed like `deal_figures` sums a deal."""

    opaque: bool = False
    categories: dict[str, list[Decimal | None]] = field(
        default_factory=lambda: {name: [] for name in CATEGORIES}
    )
    paid: list[Decimal | None] = field(default_factory=list)
    forfeited: list[Decimal | None] = field(default_factory=list)

    def figures(self) -> dict[str, Decimal | None]:
        if self.opaque:
            return dict.fromkeys((*CATEGORIES, "total", "paid", "forfeited"))
        sums = {name: sum_disclosed(values) for name, values in self.categories.items()}
        sums["total"] = sum_disclosed(
            value for values in self.categories.values() for value in values
        )
        sums["paid"] = sum_disclosed(self.paid)
        sums["forfeited"] = sum_disclosed(self.forfeited)
        return sums


_PART_NAMES = (*CATEGORIES, "total", "paid", "forfeited")
_PARTS = len(_PART_NAMES)

# One deal's share of one group: the group's key (None: the overall figures), the deal's
# figures in it, and whether the deal is incomplete.
Contribution = tuple[tuple[Any, ...] | None, dict[str, Decimal | None], bool]


@dataclass
class _Sums:
    """A group: how many deals it covers and the sums of their disclosed figures.

    Summing deal by deal keeps the spec's meaning of `null` at every level: a figure is
    unknown only where every deal it covers left it unknown, and a deal with no tranche of a
    category adds 0 to it.
    """

    deals: int = 0
    incomplete: int = 0
    sums: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(_PART_NAMES, ZERO))
    known: set[str] = field(default_factory=set)

    def add(self, figures: dict[str, Decimal | None], incomplete: bool) -> None:
        self.deals += 1
        self.incomplete += incomplete
        sums = self.sums
        for name, value in figures.items():
            if value is not None:
                sums[name] += value
                self.known.add(name)

    def figures(self) -> dict[str, Any]:
        sums = {
            name: self.sums[name] if name in self.known or not self.deals else None
            for name in _PART_NAMES
        }
        total, paid, forfeited = sums["total"], sums["paid"], sums["forfeited"]
        outstanding = None if total is None else total - (paid or ZERO) - (forfeited or ZERO)
        return {
            "deals": self.deals,
            **{name: sums[name] for name in CATEGORIES},
            "total": total,
            "paid": paid,
            "forfeited": forfeited,
            "outstanding": outstanding,
            "incomplete_deals": self.incomplete,
        }


ZERO = Decimal(0)
CENT = Decimal("0.01")


def _add_item(part: _DealPart, item: _Item) -> None:
    if item.opaque:
        part.opaque = True
        return
    if item.position is None:
        return
    tranche = item.entry.deal.tranches[item.position]
    part.categories[CATEGORY_OF_TYPE[tranche.type]].append(item.amount)
    if tranche.status == "paid":
        part.paid.append(item.amount)
    elif tranche.status == "forfeited":
        part.forfeited.append(item.amount)


def deal_contributions(
    entry: Entry, ledger: Ledger, by: Sequence[str], currency: str | None
) -> list[Contribution]:
    """What one deal adds to the overall figures and to each group it falls in."""
    overall = _DealPart()
    parts: dict[tuple[Any, ...], _DealPart] = {}
    by_payee = any(key.startswith("payee") for key in by)
    for item in _items(entry, ledger, currency):
        _add_item(overall, item)
        if not by:
            continue
        for piece, payees in _split_pieces(item) if by_payee else [(item, None)]:
            values = [_key_values(key, piece, ledger, payees) for key in by]
            for combination in itertools.product(*values):
                _add_item(parts.setdefault(combination, _DealPart()), piece)
    incomplete = deal_incomplete(entry)
    return [
        (None, overall.figures(), incomplete),
        *((key, part.figures(), incomplete) for key, part in parts.items()),
    ]


def _items(entry: Entry, ledger: Ledger, currency: str | None) -> Iterator[_Item]:
    deal = entry.deal
    if deal.financials != "disclosed":
        yield _Item(entry, None, opaque=True)
        return
    money = [
        position
        for position, tranche in enumerate(deal.tranches)
        if tranche.type in CATEGORY_OF_TYPE
    ]
    if not money:
        yield _Item(entry, None)
    for position in money:
        yield _Item(entry, position, convert(entry, position, currency, ledger))


def joint_key(names: Iterable[str]) -> str | None:
    """One key for a shared payment: distinct names sorted, so the order written in a file
    does not split one payee into two groups."""
    unique = sorted(set(names))
    return JOINT.join(unique) if unique else None


def party_key(deal: Deal, names: Iterable[str], registry: Registry, *, group: bool) -> str | None:
    """Registered names (aliases resolved), or with `group` the top of each party's chain;
    a joint payee whose parties share one group is that group."""
    if not group:
        return joint_key(registry.canonical(name) for name in names)
    groups = []
    for name in names:
        party = deal.party(name)
        groups.append(registry.group(party) if party else registry.canonical(name))
    return joint_key(groups)


def _split_pieces(item: _Item) -> list[tuple[_Item, tuple[str, ...] | None]]:
    """A tranche split among payees, as one piece per payee (format version 2).

    Each disclosed share is rounded to the cent; the entries whose share is undisclosed
    take the rest together, as one joint payee, so the pieces always add up to the tranche.
    """
    if item.position is None:
        return [(item, None)]
    split = item.entry.deal.tranches[item.position].split
    if not split:
        return [(item, None)]
    pieces: list[tuple[_Item, tuple[str, ...] | None]] = []
    rest: list[str] = []
    left = item.amount
    for index, entry in enumerate(split):
        if not isinstance(entry.share, Decimal):
            rest += entry.payee
            continue
        amount = None
        if item.amount is not None:
            last = index == len(split) - 1 and not rest
            share = item.amount * entry.share
            amount = left if last else share.quantize(CENT, rounding=ROUND_HALF_EVEN)
            left = (left or ZERO) - amount
        pieces.append((replace(item, amount=amount), entry.payee))
    if rest:
        pieces.append((replace(item, amount=left), tuple(rest)))
    return pieces


def _key_values(
    key: str, item: _Item, ledger: Ledger, payees: tuple[str, ...] | None = None
) -> list[Any]:
    """The value(s) of one grouping key for one item; several only for `area`. `payees`
    replaces the tranche's payee for one piece of a split tranche."""
    deal = item.entry.deal
    if key == "year":
        return [deal.date.year]
    if key == "kind":
        return [deal.kind]
    if key == "status":
        return [deal.status]
    if key == "area":
        return list(dict.fromkeys(deal.therapeutic_areas)) or [None]
    if item.position is None:
        return [deal.currency if key == "currency" else None]
    tranche = deal.tranches[item.position]
    if key == "currency":
        return [tranche_currency(deal, tranche)]
    from ..rules.within_deal import tranche_parties

    payers, tranche_payees = tranche_parties(deal, tranche)
    names = (payees or tranche_payees) if key.startswith("payee") else payers
    return [party_key(deal, names, ledger.registry, group=key.endswith("-group"))]


def _sort_key(key: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple(
        (value is None, f"{value:>12}" if isinstance(value, int) else str(value or ""))
        for value in key
    )


def totals_record(ledger: Ledger, by: Sequence[str], currency: str | None) -> dict[str, Any]:
    """The spec's `totals --format json` document."""
    overall = _Sums()
    groups: dict[tuple[Any, ...], _Sums] = {}
    for contributions in _all_contributions(ledger, by, currency):
        for key, figures, incomplete in contributions:
            if key is None:
                overall.add(figures, incomplete)
            else:
                group = groups.get(key)
                if group is None:
                    group = groups[key] = _Sums()
                group.add(figures, incomplete)
    return {
        "currency": currency,
        "by": list(by),
        "groups": [
            {"key": dict(zip(by, key, strict=True)), **groups[key].figures()}
            for key in sorted(groups, key=_sort_key)
        ],
        "overall": overall.figures(),
    }


def _all_contributions(
    ledger: Ledger, by: Sequence[str], currency: str | None
) -> Iterator[list[Contribution]]:
    """Each selected deal's contributions, kept per file version by the ledger: they depend
    on the deal's file, the settings, the reporting currency and the grouping keys (the last
    two spelled out in the name), never on other files."""
    name = f"totals.{currency or 'none'}.{'+'.join(by) or 'overall'}"
    return ledger.derived(name, lambda entry: deal_contributions(entry, ledger, by, currency))


def totals_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Flat rows for csv/tsv: one per group (`scope` = group), then the `overall` row."""
    by = record["by"]
    rows = []
    for group in record["groups"]:
        row: dict[str, Any] = {"scope": "group", **{key: group["key"][key] for key in by}}
        row.update({name: value for name, value in group.items() if name != "key"})
        row["reporting_currency"] = record["currency"]
        rows.append(row)
    overall: dict[str, Any] = {"scope": "overall", **dict.fromkeys(by)}
    overall.update(record["overall"])
    overall["reporting_currency"] = record["currency"]
    rows.append(overall)
    return rows


def totals_fields(record: dict[str, Any]) -> list[str]:
    return [
        "scope",
        *record["by"],
        "deals",
        *FIGURE_FIELDS,
        "incomplete_deals",
        "reporting_currency",
    ]
