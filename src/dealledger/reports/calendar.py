"""`calendar`: the dated events still to come, one record per calendar entry.

What goes in, for the selected deals:

- every tranche still to be paid (status `expected`, or `achieved` and not yet paid) that has
  a `due`: a payment due, or for a milestone the expected event;
- a deal's `signed` or `effective` date that is later than the as-of date (a signing or a
  closing still expected).

A `due` period (`2026`, `2026-Q2`, `2026-H1`, `2026-06`) becomes an all-day entry on the
period's last day: the date by which the payment is expected. An entry is overdue where that
day is before the as-of date; overdue entries stay in the calendar, flagged, because a
payment that is late is the one to chase.

Each entry has a UID built from what identifies it in the ledger, not from where it sits in
the output, so a subscribed calendar updates an entry rather than duplicating it: the deal
id, the event, and for a tranche its type and label (its position only where the deal has no
unique label for it). Editing an amount or a date keeps the UID; so does inserting another
tranche before a labelled one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from typing import Any

from ..domain.figures import tranche_currency
from ..domain.models import Deal, Option
from ..domain.periods import due_text
from ..ledger import Entry, Ledger
from .filters import parse_filter_date
from .timeline import deal_events

CALENDAR_FIELDS = [
    "uid",
    "date",
    "deal",
    "title",
    "event",
    "type",
    "label",
    "amount",
    "currency",
    "status",
    "due",
    "overdue",
]
# Statuses of a tranche whose payment is still to come.
OPEN_STATUSES = ("expected", "achieved")
# Deal dates that are entries while they lie ahead (an expected signing or closing).
FUTURE_DEAL_EVENTS = ("signed", "effective")
UID_DOMAIN = "dealledger"


def _tranche_key(deal: Deal, position: int) -> str:
    """`milestone-3f2a…` for a labelled tranche whose (type, label) is unique, else
    `milestone-at-2` (its position among the deal's tranches)."""
    tranche = deal.tranches[position]
    if tranche.label:
        counts = Counter((t.type, t.label) for t in deal.tranches)
        if counts[(tranche.type, tranche.label)] == 1:
            digest = hashlib.sha256(tranche.label.encode("utf-8")).hexdigest()[:12]
            return f"{tranche.type}-{digest}"
    return f"{tranche.type}-at-{position}"


def entry_uid(deal: Deal, event: str, position: int | None) -> str:
    """Stable across runs and edits of amounts and dates (see the module's note)."""
    what = event if position is None else f"{event}.{_tranche_key(deal, position)}"
    return f"{deal.id}.{what}@{UID_DOMAIN}"


def calendar_records(
    ledger: Ledger,
    as_of: date,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """The calendar's entries by date, then deal date and id, then file order.

    `since` and `until` select entries by their own date (the day they are on).
    """
    found: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for entry in ledger.entries:
        deal = entry.deal
        candidates = [
            (event.sequence, _record(entry, event.event, event.when, event.position, as_of))
            for event in deal_events(deal)
        ]
        candidates += [
            (10_000 + number, _option_record(deal, option, as_of))
            for number, option in enumerate(deal.options)
        ]
        for sequence, record in candidates:
            if record is None:
                continue
            day = record["date"]
            if (since is not None and day < since) or (until is not None and day > until):
                continue
            found.append(((day, deal.date, deal.id, sequence), record))
    found.sort(key=lambda item: item[0])
    return [record for _, record in found]


def _option_record(deal: Deal, option: Option, as_of: date) -> dict[str, Any] | None:
    """An open option's deadline (format version 2): the day by which it must be exercised.

    Its UID is keyed by the option's id, so a changed deadline moves the event instead of
    adding one. Options already exercised, declined or lapsed have no deadline to keep.
    """
    if option.deadline is None or option.status != "open":
        return None
    written = due_text(option.deadline)
    day = parse_filter_date(written.removeprefix("by ").strip(), end=True)
    holders = ", ".join(option.holder)
    return _base(deal, "option-deadline", None, day, as_of) | {
        "uid": f"{deal.id}.option-deadline.{option.id}@{UID_DOMAIN}",
        "type": "option",
        "label": option.label or f"{option.right} option of {holders}",
        "status": option.status,
        "due": written,
    }


def _record(
    entry: Entry, event: str, when: Any, position: int | None, as_of: date
) -> dict[str, Any] | None:
    deal = entry.deal
    if position is None:
        if event not in FUTURE_DEAL_EVENTS or when <= as_of:
            return None
        return _base(deal, event, None, when, as_of) | {"due": when}
    tranche = deal.tranches[position]
    if event != "due" or tranche.status not in OPEN_STATUSES:
        return None
    written = due_text(when)
    day = parse_filter_date(written, end=True)  # a period's last day
    record = _base(deal, event, position, day, as_of)
    amount = tranche.disclosed_amount
    record.update(
        {
            "type": tranche.type,
            "label": tranche.label,
            "amount": amount,
            "currency": tranche_currency(deal, tranche) if amount is not None else None,
            "status": tranche.status,
            "due": written,
        }
    )
    return record


def _base(deal: Deal, event: str, position: int | None, day: date, as_of: date) -> dict[str, Any]:
    return {
        "uid": entry_uid(deal, event, position),
        "date": day,
        "deal": deal.id,
        "title": deal.title,
        "event": event,
        "type": None,
        "label": None,
        "amount": None,
        "currency": None,
        "status": deal.status if position is None else None,
        "due": None,
        "overdue": day < as_of,
    }
