"""`timeline`: every dated event in order, and the payment schedule per period.

Events keep each amount in its tranche's own currency (what the file says); the schedule
(`--by year|quarter|month`) converts into the reporting currency by the same per-tranche rule
as `totals`, so a schedule's paid + due + unscheduled adds up to the totals' outstanding and
paid figures for the disclosed amounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain.errors import UsageError, did_you_mean
from ..domain.figures import CATEGORY_OF_TYPE, sum_disclosed, tranche_currency
from ..domain.overdue import is_overdue
from ..domain.periods import DueDate, due_start
from ..ledger import Entry, Ledger
from .currency import convert

EVENT_FIELDS = ["date", "deal", "event", "type", "label", "amount", "currency", "overdue"]
SCHEDULE_FIELDS = ["period", "paid", "due", "currency"]
BUCKETS = ("year", "quarter", "month")
DEAL_EVENTS = ("announced", "signed", "effective", "terminated")
TRANCHE_EVENTS = ("due", "achieved", "paid")


class BucketError(UsageError, ValueError):
    """An unknown `--by` for timeline; the message lists the accepted ones."""


@dataclass(frozen=True, slots=True)
class Event:
    """One dated happening; `start` orders it (a period's first day)."""

    start: date
    when: DueDate
    entry: Entry
    event: str
    position: int | None
    sequence: int

    def record(self, as_of: date | None = None) -> dict[str, Any]:
        """The event as a row; a `due` event of a tranche overdue on `as_of` is marked (none
        without a day, as in exports, which do not depend on one)."""
        deal = self.entry.deal
        if self.position is None:
            return {
                "date": self.when,
                "deal": deal.id,
                "event": self.event,
                "type": None,
                "label": None,
                "amount": None,
                "currency": None,
                "overdue": False,
            }
        tranche = deal.tranches[self.position]
        amount = tranche.disclosed_amount
        return {
            "date": self.when,
            "deal": deal.id,
            "event": self.event,
            "type": tranche.type,
            "label": tranche.label,
            "amount": amount,
            "currency": tranche_currency(deal, tranche) if amount is not None else None,
            "overdue": self.event == "due" and as_of is not None and is_overdue(tranche, as_of),
        }


def deal_events(entry: Entry) -> Iterator[Event]:
    deal = entry.deal
    sequence = 0
    for name in DEAL_EVENTS:
        when = getattr(deal, name)
        if when is not None:
            yield Event(when, when, entry, name, None, sequence)
            sequence += 1
    for position, tranche in enumerate(deal.tranches):
        for name in TRANCHE_EVENTS:
            when = getattr(tranche, name)
            if when is not None:
                yield Event(due_start(when), when, entry, name, position, sequence)
                sequence += 1


def timeline_events(ledger: Ledger) -> list[Event]:
    """Every dated event of the selected deals, by date (a period by its first day), then by
    deal date and id, then in file order."""
    events = [event for entry in ledger.entries for event in deal_events(entry)]
    events.sort(
        key=lambda event: (
            event.start,
            event.entry.deal.date,
            event.entry.deal.id,
            event.sequence,
        )
    )
    return events


def timeline_records(ledger: Ledger, as_of: date) -> list[dict[str, Any]]:
    """The spec's `timeline --format json` array, overdue `due` events marked."""
    return [event.record(as_of) for event in timeline_events(ledger)]


# --- chart rows --------------------------------------------------------------------------

MARK_OF_EVENT = {
    "announced": "deal",
    "signed": "deal",
    "effective": "deal",
    "terminated": "terminated",
    "due": "due",
    "achieved": "achieved",
    "paid": "paid",
}


def chart_rows(ledger: Ledger) -> list[tuple[str, list[tuple[date, str]]]]:
    """Per deal (in deal order): its label and its events as (date, mark kind) for the chart.

    A tranche already paid shows as paid, not also as due; a forfeited one shows no due mark.
    """
    rows = []
    for entry in ledger.entries:
        marks: list[tuple[date, str]] = []
        for event in deal_events(entry):
            if event.position is not None:
                tranche = entry.deal.tranches[event.position]
                if event.event == "due" and tranche.status in ("paid", "forfeited"):
                    continue
            marks.append((event.start, MARK_OF_EVENT[event.event]))
        rows.append((entry.deal.id, marks))
    return rows


# --- the schedule per period -------------------------------------------------------------


def parse_bucket(value: str) -> str:
    lowered = value.strip().lower()
    if lowered not in BUCKETS:
        raise BucketError(
            f"--by {value!r} is not a period for timeline; accepted: {', '.join(BUCKETS)}"
            + did_you_mean(lowered, BUCKETS)
        )
    return lowered


def period_name(day: date, bucket: str) -> str:
    """`2024`, `2024-Q3` or `2024-07`: the bucket holding `day`."""
    if bucket == "year":
        return f"{day.year:04d}"
    if bucket == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class Schedule:
    record: dict[str, Any]
    undisclosed: int


def schedule(ledger: Ledger, bucket: str, currency: str | None) -> Schedule:
    """Paid per period (by paid date), due per period (by `due`'s first day, else the achieved
    date for an achieved tranche), and the outstanding amount with no date.

    Forfeited tranches and royalties are left out; undisclosed amounts are counted apart.
    """
    paid: dict[str, list[Decimal | None]] = {}
    due: dict[str, list[Decimal | None]] = {}
    unscheduled: list[Decimal | None] = []
    undisclosed = 0
    for entry in ledger.entries:
        deal = entry.deal
        if deal.financials != "disclosed":
            continue
        for position, tranche in enumerate(deal.tranches):
            if tranche.type not in CATEGORY_OF_TYPE or tranche.status == "forfeited":
                continue
            amount = convert(entry, position, currency, ledger)
            undisclosed += tranche.is_undisclosed
            paid_on = tranche.paid_date
            if tranche.status == "paid" and paid_on is not None:
                paid.setdefault(period_name(paid_on, bucket), []).append(amount)
                continue
            when = due_start(tranche.due) if tranche.due is not None else tranche.achieved_date
            if when is None:
                unscheduled.append(amount)
            else:
                due.setdefault(period_name(when, bucket), []).append(amount)
    periods = []
    for name in sorted(set(paid) | set(due)):
        periods.append(
            {
                "period": name,
                "paid": sum_disclosed(paid.get(name, [])),
                "due": sum_disclosed(due.get(name, [])),
            }
        )
    record = {"currency": currency, "periods": periods, "unscheduled": sum_disclosed(unscheduled)}
    return Schedule(record, undisclosed)


def schedule_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """csv/tsv rows: one per period, then `unscheduled` (its amount in `due`)."""
    rows = [{**period, "currency": record["currency"]} for period in record["periods"]]
    rows.append(
        {
            "period": "unscheduled",
            "paid": None,
            "due": record["unscheduled"],
            "currency": record["currency"],
        }
    )
    return rows
