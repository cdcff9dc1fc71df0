"""A human view of a report: titled columns of display strings, shared by table and markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ..domain.money import readable

Justify = Literal["left", "right"]


@dataclass(frozen=True, slots=True)
class Column:
    """A column's title and how it behaves on a terminal (pipes always get full text).

    `wrap=None` means: text columns wrap at word boundaries, right-justified (number)
    columns never do, so "USD 1.62B" is never split over two lines. A `max_width` column
    that does not wrap is cut with an ellipsis on a terminal.
    """

    title: str
    justify: Justify = "left"
    wrap: bool | None = None
    max_width: int | None = None
    on_terminal: bool = True
    drop_order: int | None = None


@dataclass(frozen=True)
class View:
    columns: list[Column]
    rows: list[list[str]]
    footer: list[list[str]] = field(default_factory=list)
    title: str | None = None
    caption: str | None = None


UNDISCLOSED_TEXT = "undisclosed"
NOT_APPLICABLE = "—"


def money_cell(value: Decimal | None, currency: str | None, *, undisclosed: bool = True) -> str:
    """`USD 1.62B`; `undisclosed` where the figure is unknown, never a misleading 0."""
    if value is None:
        return UNDISCLOSED_TEXT if undisclosed else NOT_APPLICABLE
    return f"{currency} {readable(value)}" if currency else readable(value)


def parties_cell(parties: list[dict[str, Any]]) -> str:
    """`licensor → licensee (+ others)` from a record's `parties`: who pays whom."""
    from ..domain.models import PAYING_ROLES, RECEIVING_ROLES

    def side(party: dict[str, Any]) -> str:
        """A party's first role places it (a licensor that also invests stays a licensor)."""
        return str(party["role"]).split(", ")[0]

    paying = [p["name"] for p in parties if side(p) in PAYING_ROLES]
    receiving = [p["name"] for p in parties if side(p) in RECEIVING_ROLES]
    others = [p["name"] for p in parties if p["name"] not in paying + receiving]
    if receiving and paying:
        text = f"{', '.join(receiving)} → {', '.join(paying)}"
        return text + (f" (+ {', '.join(others)})" if others else "")
    return " · ".join(p["name"] for p in parties)
