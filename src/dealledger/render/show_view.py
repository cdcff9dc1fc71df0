"""`show` for people: the overview lines and tables of one deal, from its show record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ..domain.figures import FIGURE_NAMES
from ..domain.money import readable
from ..domain.periods import Period, due_text
from .view import Column, View, money_cell


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value) if value else "—"
    if isinstance(value, Decimal):
        return readable(value)
    if isinstance(value, date | Period):
        return due_text(value)
    return str(value)


def _amount_cell(tranche: dict[str, Any], deal_currency: str | None) -> str:
    amount = tranche["amount"]
    if tranche["type"] == "royalty":
        return tranche["rate"] or ("tiered" if tranche["tiers"] else "—")
    if amount is None:
        return "—"
    if isinstance(amount, str):
        return amount
    text = money_cell(amount, tranche["currency"])
    converted = tranche["amount_in_deal_currency"]
    if tranche["currency"] != deal_currency and converted is not None:
        text += f" (= {money_cell(converted, deal_currency)})"
    return text


def show_overview(record: dict[str, Any]) -> list[tuple[str, str]]:
    """Label and value lines for the head of `show` (long texts stay one paragraph each)."""
    lines = [
        ("Title", record["title"]),
        ("Kind", record["kind"]),
        ("Status", record["status"]),
        ("Announced", _text(record["announced"])),
        ("Signed", _text(record["signed"])),
        ("Effective", _text(record["effective"])),
        ("Terminated", _text(record["terminated"])),
        ("Currency", _text(record["currency"])),
        ("Financials", record["financials"]),
        ("Territory", _text(record["territory"])),
        ("Areas", _text(record["therapeutic_areas"])),
        ("Tags", _text(record["tags"])),
        ("File", record["path"]),
    ]
    if record["overdue"]:
        count = record["overdue"]
        lines.insert(3, ("Overdue", f"{count} expected tranche{'s' if count != 1 else ''}"))
    if record["summary"]:
        lines.append(("Summary", record["summary"]))
    if record["notes"]:
        lines.append(("Notes", record["notes"]))
    return lines


def show_views(record: dict[str, Any]) -> list[View]:
    """The sections after the overview: parties, assets, tranches, figures, sources, ..."""
    currency = record["currency"]
    views: list[View] = []
    views.append(
        View(
            [Column("Party", key=True), Column("Role"), Column("Group", drop_order=1)],
            [[party["name"], party["role"], party["group"]] for party in record["parties"]],
            title="Parties",
        )
    )
    if record["assets"]:
        views.append(
            View(
                [
                    Column("Asset", key=True),
                    Column("Code", drop_order=3),
                    Column("Modality", drop_order=2),
                    Column("Phase", drop_order=4),
                    Column("Indications", drop_order=1),
                ],
                [
                    [
                        asset["name"],
                        _text(asset["code"]),
                        _text(asset["modality"]),
                        _text(asset["phase"]),
                        _text(asset["indications"]),
                    ]
                    for asset in record["assets"]
                ],
                title="Assets",
            )
        )
    if record["tranches"]:
        views.append(
            View(
                [
                    Column("#", "right", key=True),
                    Column("Type", drop_order=5),
                    Column("Label", drop_order=6),
                    Column("Amount", "right"),
                    Column("Status", drop_order=4),
                    Column("Due", wrap=False, drop_order=7),
                    Column("Achieved", wrap=False, drop_order=2),
                    Column("Paid", wrap=False, drop_order=3),
                    Column("Payer → payee", drop_order=1),
                ],
                [
                    [
                        str(tranche["position"]),
                        tranche["type"],
                        _text(tranche["label"]),
                        _amount_cell(tranche, currency),
                        tranche["status"] + (" (overdue)" if tranche["overdue"] else ""),
                        _text(tranche["due"]),
                        _text(tranche["achieved"]),
                        _text(tranche["paid"]),
                        f"{' + '.join(tranche['payer']) or '?'} → "
                        f"{' + '.join(tranche['payee']) or '?'}",
                    ]
                    for tranche in record["tranches"]
                ],
                title="Tranches",
            )
        )
    figures = [[name.capitalize(), money_cell(record[name], currency)] for name in FIGURE_NAMES]
    figures.append(
        ["Declared total", money_cell(record["declared_total"], currency, undisclosed=False)]
    )
    caption = (
        None
        if record["complete"]
        else "Some amounts are undisclosed: figures cover disclosed amounts only."
    )
    views.append(
        View(
            [Column("Figure", key=True), Column("Amount", "right")],
            figures,
            title="Figures",
            caption=caption,
        )
    )
    if record["sources"]:
        views.append(
            View(
                [
                    Column("Source"),
                    Column("Publisher", drop_order=2),
                    Column("Published", wrap=False, drop_order=3),
                    Column("URL", drop_order=1),
                ],
                [
                    [
                        _text(source["title"]),
                        _text(source["publisher"]),
                        _text(source["published"]),
                        source["url"],
                    ]
                    for source in record["sources"]
                ],
                title="Sources",
            )
        )
    if record["related"]:
        views.append(
            View(
                [
                    Column("Related deal", key=True),
                    Column("Title", drop_order=1),
                    Column("Link", drop_order=2),
                ],
                [
                    [related["id"], _text(related["title"]), related["direction"]]
                    for related in record["related"]
                ],
                title="Related",
            )
        )
    if record["problems"]:
        views.append(
            View(
                [
                    Column("Where", key=True),
                    Column("Severity", drop_order=2),
                    Column("Code", drop_order=1),
                    Column("Message"),
                ],
                [
                    [
                        f"{problem['path']}:{problem['line'] or '-'}:{problem['column'] or '-'}",
                        problem["severity"],
                        problem["code"],
                        problem["message"],
                    ]
                    for problem in record["problems"]
                ],
                title="Problems",
            )
        )
    return views
