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
        *(Column(KEY_TITLES[key]) for key in by),
        Column("Deals", "right"),
        *(Column(name.capitalize(), "right") for name in FIGURE_FIELDS),
        Column("Incomplete", "right"),
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
