"""The `comps` table: the statistics record in, one row per group and measure out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..reports.comps import MEASURES, STATISTICS
from .view import Column, View, money_cell

MEASURE_TITLES = {"upfront": "Upfront", "total": "Total", "upfront_share": "Upfront share"}
BY_TITLES = {
    "phase": "Phase",
    "modality": "Modality",
    "area": "Area",
    "kind": "Kind",
    "year": "Year",
    "territory": "Territory",
}


def share_cell(value: Decimal | None) -> str:
    """A share as a percentage with two decimals: 0.123457 → 12.35%."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.01'))}%"


def _cell(value: Any, measure: str, currency: str | None) -> str:
    if measure == "upfront_share":
        return share_cell(value)
    return money_cell(value, currency, undisclosed=False)


def _rows(figures: dict[str, Any], currency: str | None, label: list[str]) -> list[list[str]]:
    rows = []
    for measure in MEASURES:
        stats = figures[measure]
        rows.append(
            [
                *label,
                MEASURE_TITLES[measure],
                str(stats["count"]),
                str(stats["left_out"]),
                *(_cell(stats[name], measure, currency) for name, _ in STATISTICS),
            ]
        )
        label = [""] * len(label)
    return rows


def comps_view(record: dict[str, Any]) -> View:
    by = record["by"]
    currency = record["currency"]
    # On a narrow terminal: left out, P25, P75, min, max and deals go in that order; the
    # group, the measure and the median stay.
    drop = {"p25": 2, "p75": 3, "min": 4, "max": 5}
    columns = [
        *([Column(BY_TITLES[by], key=True, name="group")] if by else []),
        Column("Measure", key=not by, name="measure"),
        Column("Deals", "right", drop_order=6, name="count"),
        Column("Left out", "right", drop_order=1, name="left_out"),
        *(
            Column(title, "right", drop_order=drop.get(name), name=name)
            for (name, _), title in zip(
                STATISTICS, ("Min", "P25", "Median", "P75", "Max"), strict=True
            )
        ),
    ]
    rows: list[list[str]] = []
    for group in record["groups"]:
        key = "—" if group["key"] is None else str(group["key"])
        rows += _rows(group, currency, [key])
    overall = _rows(record["overall"], currency, ["All"] if by else [])
    footer = overall if by else []
    if not by:
        rows += overall
    notes = [f"In {currency}" if currency else "No amounts"]
    notes.append("deals = deals disclosing the figure; left out = those that do not")
    notes.append("quartiles by the inclusive linear method (Excel QUARTILE.INC)")
    like = record["like"]
    title = None
    if like is not None:
        shared = _like_words(like)
        title = f"Deals like {like['id']}: {like['deals']} sharing {shared}, itself included"
        notes += _position_notes(like, currency)
    if by in ("phase", "modality", "area", "territory"):
        notes.append(f"a deal with several values of {by} counts in each")
    return View(columns, rows, footer, title=title, caption="; ".join(notes) + ".")


def _like_words(like: dict[str, Any]) -> str:
    parts = [
        f"{key} {', '.join(str(value) for value in like[key])}"
        for key in ("phase", "modality", "area")
        if like[key]
    ]
    return "; ".join(parts) if parts else "no phase, modality or area: every selected deal"


def _position_notes(like: dict[str, Any], currency: str | None) -> list[str]:
    notes = []
    for measure in MEASURES:
        place = like["position"][measure]
        name = MEASURE_TITLES[measure].lower()
        if place["value"] is None:
            notes.append(f"{like['id']}: {name} not disclosed")
        elif place["percentile"] is None:
            notes.append(
                f"{like['id']}: {name} {_cell(place['value'], measure, currency)}, no peer"
            )
        else:
            notes.append(
                f"{like['id']}: {name} {_cell(place['value'], measure, currency)} at the "
                f"{place['percentile']}th percentile of {place['among']}"
            )
    return notes
