"""The data of `dealledger report`: what the HTML page and its charts show, gathered from the
report functions the commands use, so the page and the terminal can never disagree.

The summary is `summarize`'s records, the totals `totals --by year`, the timeline
`timeline`'s events, the payment schedule `timeline --by year`'s schedule, each deal's
detail `show`'s record and the valuation `value --format json`'s document (with each deal's
paid and forfeited tranches, as `value --explain` lists them). Tranches still expected whose
due date or period ended before the as-of date carry `"overdue": true`
(`domain.overdue.is_overdue`), in the deal details and on the timeline, as in `show` and
`timeline`; each summary row counts them, as in `summarize`. The page renderer
(render/html.py) and the chart renderer (render/svg.py) only format what is here.

Where the commands would stop for want of a reporting currency (amounts in several currencies
and none set), the page instead shows one totals table and one schedule per deal currency:
a page is for reading, so it must not refuse, and it never adds euros to dollars either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import PurePath
from typing import Any, TypeVar

from ..domain.assumptions import build_assumptions
from ..domain.problems import Severity
from ..ledger import Ledger
from ..load.discover import SETTINGS_FILE
from ..valuation.report import deal_records, value_document
from .check import problem_record
from .currency import ConversionError, CurrencyChoiceError, reporting_currency
from .show import show_record
from .summary import summary_records
from .timeline import schedule, timeline_events, timeline_records
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


def valuation_record(ledger: Ledger, currency: str, as_of: date) -> dict[str, Any]:
    """`value --format json`'s document for `ledger` in `currency`, each deal with its
    `settled` (paid, forfeited) tranches too, so its explanation lists every tranche."""
    assumptions = build_assumptions(ledger.settings)
    found = list(deal_records(ledger, assumptions, as_of, currency))
    document = value_document([record for record, _ in found], assumptions, as_of, currency)
    for record, (_, settled) in zip(document["deals"], found, strict=True):
        record["settled"] = settled
    return document


def files_left_out(ledger: Ledger) -> list[str]:
    """The deal files an error keeps out of the report (the settings file is not a deal)."""
    return sorted(
        {
            problem.path
            for problem in ledger.problems
            if problem.severity is Severity.ERROR and PurePath(problem.path).name != SETTINGS_FILE
        }
    )


def report_data(ledger: Ledger, today: date, title: str | None = None) -> dict[str, Any]:
    """Everything the page shows, as of `today` (the valuation date and the overdue cut-off)."""
    currency = report_currency(ledger)
    totals: list[dict[str, Any]] = []
    schedules: list[dict[str, Any]] = []
    valuations: list[dict[str, Any]] = []
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
        valuations.append(valuation_record(selected, code, today))
    lanes = [
        {"deal": entry.deal.id, "title": entry.deal.title, "date": entry.deal.date}
        for entry in ledger.entries
    ]
    deals = [show_record(entry, ledger, today) for entry in ledger.entries]
    summary = summary_records(ledger, today)
    return {
        "title": title or "Deal ledger report",
        "generated": today,
        "currency": currency,
        "summary": summary,
        "totals": totals,
        "timeline": timeline_records(timeline_events(ledger), today),
        "lanes": lanes,
        "schedules": schedules,
        "valuations": valuations,
        "deals": deals,
        "overdue": {record["id"]: record["overdue"] for record in summary},
        "problems": [problem_record(problem) for problem in ledger.problems],
        "files_left_out": files_left_out(ledger),
        "conversion_gaps": sorted(set(gaps)),
    }
