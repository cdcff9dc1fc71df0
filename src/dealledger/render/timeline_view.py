"""The `timeline` tables: events and the payment schedule per period, as display strings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..domain.periods import due_text
from ..reports.timeline import Schedule
from .row_spool import RowSpool
from .view import Column, View, money_cell


def timeline_view(records: Iterable[dict[str, Any]]) -> View:
    rows = RowSpool()
    for record in records:
        amount = record["amount"]
        if amount is None:
            cell = "undisclosed" if record["type"] not in (None, "royalty") else ""
        else:
            cell = money_cell(amount, record["currency"])
        rows.append(
            [
                due_text(record["date"]),
                record["deal"],
                record["event"] + (" (overdue)" if record["overdue"] else ""),
                record["type"] or "",
                record["label"] or "",
                cell,
            ]
        )
    # On a narrow terminal: label, type, event, amount go in that order; date and deal stay.
    columns = [
        Column("Date", wrap=False, name="date"),
        Column("Deal", key=True, name="deal"),
        Column("Event", wrap=False, drop_order=3, name="event"),
        Column("Type", wrap=False, drop_order=2, name="type"),
        Column("Label", drop_order=1, name="label"),
        Column("Amount", "right", drop_order=4, name="amount"),
    ]
    return View(columns, rows, caption=f"{len(rows)} events")


def schedule_view(found: Schedule) -> View:
    record = found.record
    currency = record["currency"]
    rows = [
        [
            period["period"],
            money_cell(period["paid"], currency),
            money_cell(period["due"], currency),
        ]
        for period in record["periods"]
    ]
    footer = [["No date", "", money_cell(record["unscheduled"], currency)]]
    caption = f"In {currency}" if currency else "No amounts"
    if found.undisclosed:
        count = found.undisclosed
        caption += (
            f"; {count} tranche{'s' if count != 1 else ''} with an undisclosed amount "
            f"{'are' if count != 1 else 'is'} not counted"
        )
    return View(
        [
            Column("Period", key=True, name="period"),
            Column("Paid", "right", drop_order=1, name="paid"),
            Column("Due", "right", name="due"),
        ],
        rows,
        footer,
        caption=caption + ".",
    )
