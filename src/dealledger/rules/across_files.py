"""Rules across deal files and against today's date, on each file's `DealFacts` alone.

They run on every load, also when every file comes from the cache, because their verdict
changes when another file or the date changes; needing only the facts, they never make a
warm run decode a deal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterator, Sequence
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
    for index, deal_facts in enumerate(facts):
        if deal_facts is not None and has_findings_to_look_for(deal_facts):
            found = deal_findings(files[index].deal_id, deal_facts, ids, today)
            if found:
                findings[index].extend(found)
    return findings


def has_findings_to_look_for(facts: DealFacts) -> bool:
    """Whether `deal_findings` has anything to check in `facts`: most deals name no other
    deal, so this spares the call for them (and `import` keeps only these rows for it)."""
    return bool(facts.related or facts.links or facts.events)


def deal_findings(
    deal_id: str | None, facts: DealFacts, known: Container[str], today: date
) -> list[Finding]:
    """One deal's `related` and linked ids that no deal has, and its dates in the future.

    `known` only has to answer whether an id is in the ledger, so `import` can ask this of
    each row once every row's id is known, from ids kept on disk rather than from the
    ledger as it will be, held in memory.
    """
    found = list(_related(deal_id, facts, known)) if facts.related else []
    for loc, linked in facts.links:
        if linked not in known:
            found.append(
                error(
                    "DL306",
                    tuple(loc),
                    f"no deal in the ledger has id {linked!r}; check the spelling or add that deal",
                )
            )
    today_text = today.isoformat()
    for position, key, when in facts.events:
        if when > today_text:  # ISO dates of four-digit years sort as dates
            found.append(_future(position, key, when, today))
    return found


def _related(deal_id: str | None, facts: DealFacts, known: Container[str]) -> Iterator[Finding]:
    for index, related_id in enumerate(facts.related):
        if related_id not in known and related_id != deal_id:
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
