"""`timeline`: every dated event in order, and the payment schedule per period.

Events keep each amount in its tranche's own currency (what the file says); the schedule
(`--by year|quarter|month`) converts into the reporting currency by the same per-tranche rule
as `totals`, so a schedule's paid + due + unscheduled adds up to the totals' outstanding and
paid figures for the disclosed amounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..domain.errors import UsageError, did_you_mean
from ..domain.figures import CATEGORY_OF_TYPE, sum_disclosed, tranche_currency
from ..domain.overdue import due_by
from ..domain.periods import DueDate, Period, due_start
from ..ledger import Ledger

if TYPE_CHECKING:
    from ..domain.models import Deal
from .currency import convert
from .sorted_runs import RUN_SIZE, SortedRuns

EVENT_FIELDS = ["date", "deal", "event", "type", "label", "amount", "currency", "overdue"]
SCHEDULE_FIELDS = ["period", "paid", "due", "currency"]
BUCKETS = ("year", "quarter", "month")
DEAL_EVENTS = ("announced", "signed", "effective", "terminated")
TRANCHE_EVENTS = ("due", "achieved", "paid")


class BucketError(UsageError, ValueError):
    """An unknown `--by` for timeline; the message lists the accepted ones."""


@dataclass(frozen=True, slots=True)
class Event:
    """One dated happening of a deal, with what the reports show of it: no deal needed.

    `start` orders it (a period's first day); `position` is its tranche's index, None for
    the deal's own dates; `due_by` is the last day before an expected tranche's `due` event
    is overdue; `settled` says the tranche was paid or forfeited (its due date is no mark).
    """

    start: date
    when: DueDate
    deal: str
    event: str
    position: int | None
    sequence: int
    type: str | None = None
    label: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    due_by: date | None = None
    settled: bool = False
    order: int = 0  # the deal's place among the selected entries

    def record(self, as_of: date | None = None) -> dict[str, Any]:
        """The event as a row; a `due` event of a tranche overdue on `as_of` is marked (none
        without a day, as in exports, which do not depend on one)."""
        return {
            "date": self.when,
            "deal": self.deal,
            "event": self.event,
            "type": self.type,
            "label": self.label,
            "amount": self.amount,
            "currency": self.currency,
            "overdue": self.event == "due"
            and as_of is not None
            and self.due_by is not None
            and self.due_by < as_of,
        }


def deal_events(deal: Deal) -> Iterator[Event]:
    sequence = 0
    for name in DEAL_EVENTS:
        when = getattr(deal, name)
        if when is not None:
            yield Event(when, when, deal.id, name, None, sequence)
            sequence += 1
    for position, tranche in enumerate(deal.tranches):
        amount = tranche.disclosed_amount
        for name in TRANCHE_EVENTS:
            when = getattr(tranche, name)
            if when is not None:
                yield Event(
                    due_start(when),
                    when,
                    deal.id,
                    name,
                    position,
                    sequence,
                    tranche.type,
                    tranche.label,
                    amount,
                    tranche_currency(deal, tranche) if amount is not None else None,
                    due_by(tranche),
                    tranche.status in ("paid", "forfeited"),
                )
                sequence += 1


def _kept(event: Event) -> list[Any]:
    """An event as the ledger keeps it: plain values, a period as its first day and text."""
    when = event.when
    return [
        [when.start, when.text] if isinstance(when, Period) else when,
        event.event,
        event.position,
        event.type,
        event.label,
        event.amount,
        event.currency,
        event.due_by,
        event.settled,
    ]


def _event(start: date, order: int, sequence: int, deal: str, kept: list[Any]) -> Event:
    when, name, position, kind, label, amount, currency, last, settled = kept
    if isinstance(when, list):
        when = Period(when[0], when[1])
    return Event(
        start, when, deal, name, position, sequence, kind, label, amount, currency, last, settled,
        order,
    )  # fmt: skip


# An event before it is made: (start, order, sequence, deal id, kept values). The first three
# are unique, so plain tuple order is the timeline's order and sorting never compares the rest.
Pending = tuple[date, int, int, str, list[Any]]


def _pending(deal: str, order: int, sequence: int, kept: list[Any]) -> Pending:
    when = kept[0]
    return (when[0] if isinstance(when, list) else when), order, sequence, deal, kept


class TimelineEvents:
    """The events in timeline order, made as they are read; iterable as often as wanted."""

    def __init__(self, pending: SortedRuns[Pending]) -> None:
        self._pending = pending

    def __iter__(self) -> Iterator[Event]:
        return (_event(*item) for item in self._pending)

    def __len__(self) -> int:
        return len(self._pending)

    @property
    def spilled(self) -> bool:
        return self._pending.spilled


def timeline_events(ledger: Ledger, run_size: int = RUN_SIZE) -> TimelineEvents:
    """Every dated event of the selected deals, by date (a period by its first day), then by
    deal date and id (the entries' order), then in file order.

    A deal's events depend on its file alone, so the ledger keeps them per file version
    (`Ledger.derived`): a warm run decodes no deal. They are put in order in runs of plain
    tuples (see sorted_runs.py), so a large ledger's events are never all in memory at once.
    """
    kept = ledger.derived("timeline-events", lambda entry: [*map(_kept, deal_events(entry.deal))])
    pending = (
        _pending(entry.deal_id, order, sequence, item)
        for order, (entry, items) in enumerate(zip(ledger.entries, kept, strict=True))
        for sequence, item in enumerate(items)
    )
    return TimelineEvents(SortedRuns(pending, run_size=run_size))


def timeline_records(events: Iterable[Event], as_of: date) -> list[dict[str, Any]]:
    """The spec's `timeline --format json` array, overdue `due` events marked."""
    return [event.record(as_of) for event in events]


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


def chart_rows(events: Iterable[Event]) -> list[tuple[str, list[tuple[date, str]]]]:
    """Per deal (in deal order): its label and its events as (date, mark kind) for the chart.

    A tranche already paid shows as paid, not also as due; a forfeited one shows no due mark.
    """
    rows: dict[int, tuple[str, list[tuple[date, str]]]] = {}
    for event in sorted(events, key=lambda event: (event.order, event.sequence)):
        marks = rows.setdefault(event.order, (event.deal, []))[1]
        if event.event == "due" and event.settled:
            continue
        marks.append((event.start, MARK_OF_EVENT[event.event]))
    return list(rows.values())


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
