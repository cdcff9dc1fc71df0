"""A human view of a report: titled columns of display strings, shared by table and markdown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ..domain.money import readable

Justify = Literal["left", "right"]


@dataclass(frozen=True, slots=True)
class Column:
    """A column's title and how it gives way on a narrow terminal (pipes get full text).

    `name` is the field's JSON key, the name `--columns` and `--sort` know it by. `key`
    marks the row's identity (an id, a year, a group): never dropped, wrapped only at `-`
    or a space. `wrap=None` means: text columns wrap at word boundaries, right-justified
    (number) columns never do, so "USD 1.62B" is never split or cut. Columns are dropped
    whole, lowest `drop_order` first; a column without one is dropped only when nothing
    else can give (then from the right), and `on_terminal=False` ones are left out on a
    terminal unless asked for. `max_width` caps how wide a wrapping column grows.
    """

    title: str
    justify: Justify = "left"
    wrap: bool | None = None
    max_width: int | None = None
    on_terminal: bool = True
    drop_order: int | None = None
    name: str | None = None
    key: bool = False

    @property
    def wraps(self) -> bool:
        return self.justify == "left" if self.wrap is None else self.wrap


@dataclass(frozen=True)
class View:
    """`rows` is read more than once (a table is measured, then written): a list, or a
    `RowSpool` for a report that may have more rows than it should hold in memory."""

    columns: list[Column]
    rows: Iterable[list[str]]
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
