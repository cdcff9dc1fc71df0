"""The `totals` table: the totals record in, a titled view of display strings out."""

from __future__ import annotations

from typing import Any

from ..reports.totals import FIGURE_FIELDS
from .view import Column, View, money_cell

KEY_TITLES = {
    "payee": "Payee",
    "payer": "Payer",
    "payee-group": "Payee group",
    "payer-group": "Payer group",
    "year": "Year",
    "kind": "Kind",
    "status": "Status",
    "currency": "Currency",
    "area": "Area",
}


# On a narrow terminal columns go in this order; the group keys and the total never go.
_DROP_ORDER = {
    "other": 1,
    "forfeited": 2,
    "commercial": 3,
    "milestone": 4,
    "upfront": 5,
    "paid": 6,
    "incomplete_deals": 7,
    "deals": 8,
    "outstanding": 9,
}


def _figure_cells(figures: dict[str, Any], currency: str | None) -> list[str]:
    return [
        str(figures["deals"]),
        *(money_cell(figures[name], currency) for name in FIGURE_FIELDS),
        str(figures["incomplete_deals"]),
    ]


def totals_view(record: dict[str, Any]) -> View:
    by = record["by"]
    currency = record["currency"]
    columns = [
        *(Column(KEY_TITLES[key], key=True, name=key) for key in by),
        Column("Deals", "right", drop_order=_DROP_ORDER["deals"], name="deals"),
        *(
            Column(name.capitalize(), "right", drop_order=_DROP_ORDER.get(name), name=name)
            for name in FIGURE_FIELDS
        ),
        Column(
            "Incomplete",
            "right",
            drop_order=_DROP_ORDER["incomplete_deals"],
            name="incomplete_deals",
        ),
    ]
    rows = [
        [*(_key_cell(group["key"][key]) for key in by), *_figure_cells(group, currency)]
        for group in record["groups"]
    ]
    overall = record["overall"]
    footer = []
    if by:
        footer.append(["Overall", *[""] * (len(by) - 1), *_figure_cells(overall, currency)])
    else:
        rows.append(_figure_cells(overall, currency))
    notes = [f"In {currency}" if currency else "No amounts"]
    if overall["incomplete_deals"]:
        notes.append(
            f"{overall['incomplete_deals']} of {overall['deals']} deals have undisclosed amounts: "
            "figures cover disclosed amounts only"
        )
    if "area" in by:
        notes.append("a deal in several areas counts in each")
    return View(columns, rows, footer, title=None, caption="; ".join(notes) + ".")


def _key_cell(value: Any) -> str:
    return "—" if value is None else str(value)
