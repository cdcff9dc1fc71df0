"""When a tranche is overdue: one definition for every report that flags it.

A tranche is overdue when it is still `expected` and the whole of its `due` (a date, or the
last day of a period: "2026-Q2" runs to 2026-06-30) lies before the as-of date. A tranche
`achieved` but not yet paid is not overdue by this rule: its trigger happened and its
payment terms are not in the file. A tranche with no `due` is never overdue.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .periods import due_last_day

if TYPE_CHECKING:
    from .models import Tranche


def is_overdue(tranche: Tranche, as_of: date) -> bool:
    return (
        tranche.status == "expected"
        and tranche.due is not None
        and due_last_day(tranche.due) < as_of
    )
