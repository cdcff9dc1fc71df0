"""The few facts about a valid deal that rules across files and the ledger's order need.

A run whose files all come from the cache works on these alone: `check` never decodes a
whole deal, which is what makes a warm check over 100,000 files fast and small in memory.
They are plain strings and numbers so that the cache stores and reads them as JSON directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import Problem

if TYPE_CHECKING:
    from .models import Deal

# A tranche date that must not lie in the future: (tranche index, key, ISO date).
DatedEvent = tuple[int, str, str]
# A deal id named by `amends` or an event's `deal`: (key path, id).
Link = tuple[tuple[str | int, ...], str]


@dataclass(frozen=True, slots=True)
class DealFacts:
    """`date` is the deal's date (signed, else announced) as ISO text, which sorts as dates."""

    id: str
    date: str
    related: tuple[str, ...]
    events: tuple[DatedEvent, ...]
    links: tuple[Link, ...] = ()

    def as_tuple(
        self,
    ) -> tuple[str, str, tuple[str, ...], tuple[DatedEvent, ...], tuple[Link, ...]]:
        return (self.id, self.date, self.related, self.events, self.links)


def facts_of(deal: Deal) -> DealFacts:
    events = tuple(
        (index, key, value.isoformat())
        for index, tranche in enumerate(deal.tranches)
        for key, value in (("achieved", tranche.achieved), ("paid", tranche.paid))
        if value is not None
    )
    links: list[Link] = [(("amends",), deal.amends)] if deal.amends else []
    links += [
        (("events", index, "deal"), event.deal)
        for index, event in enumerate(deal.events)
        if event.deal is not None
    ]
    return DealFacts(deal.id, deal.date.isoformat(), deal.related, events, tuple(links))


@dataclass(frozen=True, slots=True)
class DealFile:
    """What one deal file contributed: the deal if it validated, and its own problems.

    `facts` is set exactly when the file holds a valid deal; `deal` may then still be None
    where the deal was not kept in memory (see `ledger.files.load_deal_files`).
    """

    path: Path
    display: str
    deal: Deal | None
    problems: tuple[Problem, ...]
    deal_id: str | None = None
    facts: DealFacts | None = None
