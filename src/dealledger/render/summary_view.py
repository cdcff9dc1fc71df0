"""The `summarize` table: summary records in, a titled view of display strings out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..reports.summary import CurrencyTotals
from .row_spool import RowSpool
from .view import Column, View, money_cell, parties_cell

# On a narrow terminal columns go in this order (`show` and the machine formats have them
# all); the deal's id never goes.
_DROP_ORDER = {
    "Declared": 1,
    "Paid": 2,
    "Commercial": 3,
    "Milestone": 5,
    "Upfront": 6,
    "Outstanding": 9,
    "Total": 10,
}
_NAMES = {"Declared": "declared_total"}


def summary_view(records: Iterable[dict[str, Any]]) -> View:
    money_titles = [
        "Upfront",
        "Milestone",
        "Commercial",
        "Total",
        "Declared",
        "Paid",
        "Outstanding",
    ]
    columns = [
        Column("Date", wrap=False, drop_order=11, name="signed"),
        Column("Deal", key=True, name="id"),
        Column("Title", on_terminal=False, name="title"),
        Column("Parties (licensor → licensee)", max_width=44, drop_order=4, name="parties"),
        Column("Kind", wrap=False, drop_order=7, name="kind"),
        Column("Status", wrap=False, drop_order=8, name="status"),
        *(
            Column(
                title,
                "right",
                drop_order=_DROP_ORDER[title],
                name=_NAMES.get(title, title.lower()),
            )
            for title in money_titles
        ),
        Column("Overdue", "right", wrap=False, drop_order=9, name="overdue"),
    ]
    rows = RowSpool()
    totals = CurrencyTotals()
    count = incomplete = overdue = 0
    for record in records:
        totals.add(record)
        count += 1
        incomplete += not record["complete"]
        overdue += record["overdue"]
        currency = record["currency"]
        deal_date = record["signed"] or record["announced"]
        rows.append(
            [
                deal_date.isoformat(),
                record["id"],
                record["title"],
                parties_cell(record["parties"]),
                record["kind"],
                record["status"],
                *(
                    money_cell(record[name], currency, undisclosed=True)
                    for name in ("upfront", "milestone", "commercial", "total")
                ),
                money_cell(record["declared_total"], currency, undisclosed=False),
                money_cell(record["paid"], currency),
                money_cell(record["outstanding"], currency),
                _count_cell(record["overdue"]),
            ]
        )
    footer = []
    for currency, sums in totals.by_currency().items():
        footer.append(
            [
                "",
                f"Total {currency}",
                "",
                "",
                "",
                "",
                *(
                    money_cell(sums[name], currency)
                    for name in ("upfront", "milestone", "commercial", "total")
                ),
                "",
                money_cell(sums["paid"], currency),
                money_cell(sums["outstanding"], currency),
                "",
            ]
        )
    caption = (
        f"{count} deals; {incomplete} with undisclosed amounts "
        "(totals cover disclosed amounts only)"
        if incomplete
        else f"{count} deals"
    )
    if overdue:
        caption += f"; {overdue} expected tranche{'s' if overdue != 1 else ''} overdue"
    return View(columns, rows, footer, caption=caption)


def _count_cell(count: int) -> str:
    return str(count) if count else ""
