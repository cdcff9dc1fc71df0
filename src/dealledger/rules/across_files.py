"""Rules across deal files and against today's date, on each file's `DealFacts` alone.

They run on every load, also when every file comes from the cache, because their verdict
changes when another file or the date changes; needing only the facts, they never make a
warm run decode a deal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date

from ..domain.facts import DealFacts, DealFile
from ..domain.problems import Finding, error


def cross_file_findings(
    files: Sequence[DealFile], facts: Sequence[DealFacts | None], today: date
) -> dict[int, list[Finding]]:
    """Findings per index into `files`; `facts[i]` is None where file i has no valid deal."""
    findings: dict[int, list[Finding]] = defaultdict(list)
    ids: dict[str, list[int]] = defaultdict(list)
    for index, deal_file in enumerate(files):
        if deal_file.deal_id is not None:
            ids[deal_file.deal_id].append(index)
    for deal_id, indexes in ids.items():
        if len(indexes) > 1:
            for index in indexes:
                others = ", ".join(files[other].display for other in indexes if other != index)
                findings[index].append(
                    error(
                        "DL301",
                        ("id",),
                        f"id {deal_id!r} is also used by {others}; ids are unique across "
                        "the ledger",
                    )
                )
    today_text = today.isoformat()
    for index, deal_facts in enumerate(facts):
        if deal_facts is None:
            continue
        if deal_facts.related:
            found = list(_related(files[index].deal_id, deal_facts, ids))
            if found:
                findings[index].extend(found)
        for loc, linked in deal_facts.links:
            if linked not in ids:
                findings[index].append(
                    error(
                        "DL306",
                        tuple(loc),
                        f"no deal in the ledger has id {linked!r}; check the spelling or add "
                        "that deal",
                    )
                )
        for position, key, when in deal_facts.events:
            if when > today_text:  # ISO dates of four-digit years sort as dates
                findings[index].append(_future(position, key, when, today))
    return findings


def _related(deal_id: str | None, facts: DealFacts, ids: dict[str, list[int]]) -> Iterator[Finding]:
    for index, related_id in enumerate(facts.related):
        if related_id not in ids and related_id != deal_id:
            yield error(
                "DL302",
                ("related", index),
                f"no deal in the ledger has id {related_id!r}; check the spelling or add that deal",
            )


def _future(position: int, key: str, when: str, today: date) -> Finding:
    return error(
        "DL203",
        ("tranches", position, key),
        f"{key} {when} is in the future (today is {today}); record it when it "
        f'happens, and use due = {when} with status = "expected" until then',
    )
