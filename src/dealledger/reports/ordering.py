"""`--sort`, `--reverse` and `--limit`: the rows of any report put in order and cut, in one
place, before any format sees them (table, json, csv alike).

Rows are dicts keyed by their JSON names, so `--sort total` means the `total` field in
every format. Unknown values sort last whatever the direction (an undisclosed amount is not
the smallest one); a due period sorts by its first day, with dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from ..domain.errors import UsageError, did_you_mean
from ..domain.periods import Period, due_start

Row = TypeVar("Row")


def unknown_name(option: str, name: str, accepted: Sequence[str]) -> UsageError:
    return UsageError(
        f"{option} {name!r} is not a field of this report; accepted: "
        f"{', '.join(accepted)}{did_you_mean(name, accepted)}"
    )


def parse_names(text: str, accepted: Sequence[str], option: str = "--columns") -> list[str]:
    """`id,total` → ["id", "total"], every name checked against the report's fields."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise UsageError(f"{option} needs field names, e.g. {option} {','.join(accepted[:3])}")
    for name in names:
        if name not in accepted:
            raise unknown_name(option, name, accepted)
    return names


@dataclass(frozen=True, slots=True)
class Ordering:
    """Which field to sort on, in which direction, and how many rows to keep."""

    sort: str | None = None
    reverse: bool = False
    limit: int | None = None

    def check(self, accepted: Sequence[str]) -> None:
        if self.sort is not None and self.sort not in accepted:
            raise unknown_name("--sort", self.sort, accepted)
        if self.limit is not None and self.limit < 0:
            raise UsageError(f"--limit {self.limit} is negative; give 0 or more rows")

    def arrange(
        self, rows: Iterable[Row], value: Callable[[Row, str], Any] | None = None
    ) -> list[Row]:
        """The rows sorted (stable), reversed and cut as asked; the input is not changed."""
        arranged = list(rows)
        if self.sort is not None:
            field = self.sort
            get = value or field_value
            known = [row for row in arranged if get(row, field) is not None]
            unknown = [row for row in arranged if get(row, field) is None]
            known.sort(key=lambda row: _comparable(get(row, field)), reverse=self.reverse)
            arranged = known + unknown
        elif self.reverse:
            arranged.reverse()
        if self.limit is not None:
            arranged = arranged[: self.limit]
        return arranged


def field_value(row: Any, name: str) -> Any:
    """A row's field by its JSON name; grouped rows keep their key fields under `key`."""
    if name in row:
        return row[name]
    key = row.get("key")
    return key.get(name) if isinstance(key, dict) else None


def _comparable(value: Any) -> tuple[int, Any]:
    """One order across a column's types: numbers, then dates and periods, then text."""
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float | Decimal):
        return (0, value)
    if isinstance(value, Period):
        return (1, due_start(value))
    if isinstance(value, date):
        return (1, value)
    return (2, str(value).casefold())
