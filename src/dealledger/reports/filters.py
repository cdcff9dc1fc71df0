"""Which deals a report covers: `--party`, `--since`, `--until`, `--kind`, `--status`,
`--area`, `--tag`.

Different filters combine with AND, repeated values of one filter with OR, so
`--party CSPC --kind license --kind option` reads as "CSPC's licences and options". Filters
act on whole deals (a deal's date is signed, else announced), never on single tranches, so a
filtered report still adds up deal by deal.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, get_args

from ..domain.errors import UsageError, did_you_mean
from ..domain.periods import parse_period
from ..ledger import Entry, Ledger

if TYPE_CHECKING:
    from ..domain.registry import Registry

DATE_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY, YYYY-Qn or YYYY-Hn (e.g. 2024-10-07, 2024-10, 2024-Q4)"


class FilterError(UsageError, ValueError):
    """A filter value that cannot mean anything; the message lists what is accepted."""


@dataclass(frozen=True)
class DealFilter:
    parties: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return any(
            (self.parties, self.since, self.until, self.kinds, self.statuses, self.areas, self.tags)
        )

    def matches(self, entry: Entry, registry: Registry) -> bool:
        deal = entry.deal
        if self.since is not None and deal.date < self.since:
            return False
        if self.until is not None and deal.date > self.until:
            return False
        if self.kinds and deal.kind not in self.kinds:
            return False
        if self.statuses and deal.status not in self.statuses:
            return False
        if self.areas and not _overlap(self.areas, deal.therapeutic_areas):
            return False
        if self.tags and not _overlap(self.tags, deal.tags):
            return False
        return not self.parties or any(
            party_matches(query, entry, registry) for query in self.parties
        )


def _overlap(wanted: Iterable[str], present: Iterable[str]) -> bool:
    folded = {value.casefold() for value in present}
    return any(value.casefold() in folded for value in wanted)


def party_names(entry: Entry, registry: Registry) -> set[str]:
    """Every name a deal's parties go by: as written, registered, aliases and groups above."""
    names: set[str] = set()
    for party in entry.deal.parties:
        chain = [party.name, registry.canonical(party.name)]
        if party.parent:
            chain += registry.groups_of(party.parent)
        chain += registry.groups_of(party.name)
        for name in chain:
            names.add(name)
            names.update(registry.aliases_of(name))
    return {name.casefold() for name in names}


def party_matches(query: str, entry: Entry, registry: Registry) -> bool:
    """A party's name, a registry alias, or any group it rolls up to (case-insensitive)."""
    names = party_names(entry, registry)
    return query.casefold() in names or registry.canonical(query).casefold() in names


def parse_filter_date(text: str, *, end: bool) -> date:
    """A date, or a period meaning its first day (`--since`) or its last day (`--until`)."""
    stripped = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stripped, re.ASCII):
        try:
            return date.fromisoformat(stripped)
        except ValueError as exc:
            raise FilterError(f"{text!r} is not a real date ({exc}); write {DATE_FORMS}") from None
    try:
        period = parse_period(stripped)
    except ValueError:
        raise FilterError(f"{text!r} is not a date; write {DATE_FORMS}") from None
    return period.end if end else period.start


def _kinds() -> tuple[str, ...]:
    """The accepted `kind`s, read from the model (imported only when a filter asks)."""
    from ..domain.models import Kind

    return get_args(Kind)


def _statuses() -> tuple[str, ...]:
    from ..domain.models import DealStatus

    return get_args(DealStatus)


def _choices(values: Sequence[str], accepted: tuple[str, ...], option: str) -> tuple[str, ...]:
    chosen = []
    for value in _split(values):
        lowered = value.lower()
        if lowered not in accepted:
            raise FilterError(
                f"{option} {value!r} is not one of the accepted values: {', '.join(accepted)}"
                + did_you_mean(lowered, accepted)
            )
        chosen.append(lowered)
    return tuple(dict.fromkeys(chosen))


def _split(values: Sequence[str]) -> list[str]:
    """`--kind a,b` means `--kind a --kind b`."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def build_filter(
    *,
    parties: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    kinds: Sequence[str] = (),
    statuses: Sequence[str] = (),
    areas: Sequence[str] = (),
    tags: Sequence[str] = (),
) -> DealFilter:
    """Check the raw option values; party names are not split (they may hold commas)."""
    # `is not None`, not truthiness: `--since ""` (an unset shell variable) is a mistake to
    # report, never silently no filter at all.
    since_date = parse_filter_date(since, end=False) if since is not None else None
    until_date = parse_filter_date(until, end=True) if until is not None else None
    if since_date and until_date and since_date > until_date:
        raise FilterError(f"--since {since} is after --until {until}")
    return DealFilter(
        parties=tuple(party.strip() for party in parties if party.strip()),
        since=since_date,
        until=until_date,
        kinds=_choices(kinds, _kinds(), "--kind") if kinds else (),
        statuses=_choices(statuses, _statuses(), "--status") if statuses else (),
        areas=tuple(_split(areas)),
        tags=tuple(_split(tags)),
    )


def apply_filter(ledger: Ledger, deal_filter: DealFilter) -> Ledger:
    """The same ledger with only the matching deals selected (problems are kept as they are)."""
    if not deal_filter.active:
        return ledger
    entries = tuple(
        entry for entry in ledger.entries if deal_filter.matches(entry, ledger.registry)
    )
    return dataclasses.replace(ledger, entries=entries)
