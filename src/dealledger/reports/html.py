"""The data of `dealledger report`: what the HTML page and its charts show, gathered from the
report functions the commands use, so the page and the terminal can never disagree.

The summary is `summarize`'s records, the totals `totals --by year`, the timeline
`timeline`'s events, the payment schedule `timeline --by year`'s schedule and each deal's
detail `show`'s record. The page renderer (render/html.py) and the chart renderer
(render/svg.py) only format what is here.

Where the commands would stop for want of a reporting currency (amounts in several currencies
and none set), the page instead shows one totals table and one schedule per deal currency:
a page is for reading, so it must not refuse, and it never adds euros to dollars either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any, TypeVar

from ..ledger import Ledger
from .check import problem_record
from .currency import ConversionError, CurrencyChoiceError, reporting_currency
from .show import show_record
from .summary import summary_records
from .timeline import schedule, timeline_records
from .totals import totals_record

T = TypeVar("T")


def report_currency(ledger: Ledger) -> str | None:
    """The commands' reporting currency; None where they would ask the user to choose one."""
    try:
        return reporting_currency(ledger, None)
    except CurrencyChoiceError:
        return None


def currency_selections(ledger: Ledger, currency: str | None) -> list[tuple[str, Ledger]]:
    """(currency, deals) to total: all deals in the reporting currency, else each deal
    currency with its own deals."""
    if currency is not None:
        return [(currency, ledger)]
    deal_currencies = sorted(
        {entry.deal.currency for entry in ledger.entries if entry.deal.currency}
    )
    return [
        (
            code,
            dataclasses.replace(
                ledger,
                entries=tuple(entry for entry in ledger.entries if entry.deal.currency == code),
            ),
        )
        for code in deal_currencies
    ]


def leaving_out_gaps(ledger: Ledger, build: Callable[[Ledger], T]) -> tuple[T, list[str]]:
    """`build(ledger)`, leaving out any deal a missing FX rate stops from converting.

    The ledger's FX-coverage rule already rejects such deals, so this only guards the page
    against a rate the rule did not foresee: the deal is listed, never guessed.
    """
    gaps: list[str] = []
    while True:
        try:
            return build(ledger), gaps
        except ConversionError as exc:
            gaps.append(str(exc))
            entries = tuple(entry for entry in ledger.entries if entry is not exc.entry)
            ledger = dataclasses.replace(ledger, entries=entries)


def schedule_record(ledger: Ledger, currency: str) -> dict[str, Any]:
    """`timeline --by year`'s schedule, with the count of undisclosed tranches it leaves out."""
    found = schedule(ledger, "year", currency)
    return {**found.record, "undisclosed_tranches": found.undisclosed}


def report_data(ledger: Ledger, today: date, title: str | None = None) -> dict[str, Any]:
    currency = report_currency(ledger)
    totals: list[dict[str, Any]] = []
    schedules: list[dict[str, Any]] = []
    gaps: list[str] = []
    for code, selected in currency_selections(ledger, currency):
        record, missing = leaving_out_gaps(
            selected, partial(totals_record, by=["year"], currency=code)
        )
        totals.append(record)
        gaps += missing
        found, missing = leaving_out_gaps(selected, partial(schedule_record, currency=code))
        schedules.append(found)
        gaps += missing
    lanes = [
        {"deal": entry.deal.id, "title": entry.deal.title, "date": entry.deal.date}
        for entry in ledger.entries
    ]
    return {
        "title": title or "Deal ledger report",
        "generated": today,
        "currency": currency,
        "summary": summary_records(ledger),
        "totals": totals,
        "timeline": timeline_records(ledger),
        "lanes": lanes,
        "schedules": schedules,
        "deals": [show_record(entry, ledger) for entry in ledger.entries],
        "problems": [problem_record(problem) for problem in ledger.problems],
        "conversion_gaps": sorted(set(gaps)),
    }
