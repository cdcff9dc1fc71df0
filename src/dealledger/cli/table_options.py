"""The row options of the reporting commands (`--columns`, `--sort`, `--reverse`,
`--limit`, `--wide`) and the problem options (`--quiet`, `--no-warnings`), declared once.

A command decorated with `@takes_row_options` declares `rows: RowOptions`; with
`@takes_problem_options`, `problems: ProblemOptions` (see `option_groups`). Field names are
the report's JSON keys, checked with a did-you-mean; the rows are ordered by
`reports.ordering`, the same for every format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .option_groups import takes_options

if TYPE_CHECKING:
    from ..reports.ordering import Ordering

_ROWS = "Rows and columns"

WideOption = Annotated[
    bool | None,
    typer.Option(
        "--wide",
        help="On a terminal, show every column (none left out for width; lines may be long).",
        rich_help_panel=_ROWS,
        show_default=False,
    ),
]
ROW_PARAMETERS: dict[str, Any] = {
    "columns": Annotated[
        str | None,
        typer.Option(
            "--columns",
            metavar="NAME,…",
            help="Only these fields, in this order, by their JSON names (e.g. id,total); "
            "in every format.",
            rich_help_panel=_ROWS,
            show_default=False,
        ),
    ],
    "sort": Annotated[
        str | None,
        typer.Option(
            "--sort",
            metavar="NAME",
            help="Sort rows by this field (its JSON name), smallest first; unknown values last.",
            rich_help_panel=_ROWS,
            show_default=False,
        ),
    ],
    "reverse": Annotated[
        bool | None,
        typer.Option("--reverse", help="Reverse the row order.", rich_help_panel=_ROWS),
    ],
    "limit": Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            metavar="N",
            help="Only the first N rows (after --sort and --reverse).",
            rich_help_panel=_ROWS,
            show_default=False,
        ),
    ],
    "wide": WideOption,
}


@dataclass(frozen=True, slots=True)
class RowOptions:
    """The raw values of the row options, as Typer parsed them."""

    columns: str | None = None
    sort: str | None = None
    reverse: bool | None = None
    limit: int | None = None
    wide: bool | None = None

    def ordering(self, accepted: Sequence[str]) -> Ordering:
        """The checked ordering; an unknown field is a usage error with a did-you-mean."""
        from ..reports.ordering import Ordering

        ordering = Ordering(self.sort, bool(self.reverse), self.limit)
        ordering.check(accepted)
        return ordering

    def chosen(self, accepted: Sequence[str]) -> list[str] | None:
        """The --columns names, checked, or None for the report's own columns."""
        if self.columns is None:
            return None
        from ..reports.ordering import parse_names

        return parse_names(self.columns, accepted)


PROBLEM_PARAMETERS: dict[str, Any] = {
    "quiet": Annotated[
        bool | None,
        typer.Option(
            "--quiet",
            "-q",
            help="Problems as one count line on stderr instead of one line each "
            "(`dealledger check` lists them).",
            show_default=False,
        ),
    ],
    "no_warnings": Annotated[
        bool | None,
        typer.Option(
            "--no-warnings",
            help="Do not print warnings on stderr (errors are still printed).",
            show_default=False,
        ),
    ],
}


@dataclass(frozen=True, slots=True)
class ProblemOptions:
    """How the problems of the ledger are reported on stderr by a report."""

    quiet: bool | None = None
    no_warnings: bool | None = None


takes_row_options = takes_options("rows", RowOptions, ROW_PARAMETERS)
takes_problem_options = takes_options("problems", ProblemOptions, PROBLEM_PARAMETERS)
