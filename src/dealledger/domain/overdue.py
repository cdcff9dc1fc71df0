"""When a tranche is overdue: one definition for every report that flags it.

A tranche is overdue when it is still `expected` and the whole of its `due` (a date, or the
last day of a period: "2026-Q2" runs to 2026-06-30) lies before the as-of date. A tranche
`achieved` but not yet paid is not overdue by this rule: its trigger happened and its
payment terms are not in the file. A tranche with no `due` is never overdue.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from .periods import due_last_day

if TYPE_CHECKING:
    from .models import Deal, Tranche


def due_by(tranche: Tranche) -> date | None:
    """The last day an expected tranche may come without being overdue; None if never overdue.

    Kept apart from the as-of date so a report may keep it per file version and count the
    overdue tranches of any day without reading the deal again.
    """
    if tranche.status != "expected" or tranche.due is None:
        return None
    return due_last_day(tranche.due)


def is_overdue(tranche: Tranche, as_of: date) -> bool:
    last = due_by(tranche)
    return last is not None and last < as_of


def due_dates(deal: Deal) -> list[date]:
    """`due_by` of each of the deal's tranches that can become overdue."""
    return [last for last in map(due_by, deal.tranches) if last is not None]


def overdue_count(due: Iterable[date], as_of: date) -> int:
    return sum(1 for last in due if last < as_of)
