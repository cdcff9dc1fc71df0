"""The deal filters every reporting command takes, declared once.

A command decorated with `@takes_deal_filters` declares one parameter
`filters: FilterOptions` and gets the seven options below (see `option_groups`). The command
parses them with `filters.parse()` where it wants bad values reported (a usage error, exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .completion import complete_deal_status, complete_kind, complete_party
from .option_groups import takes_options

if TYPE_CHECKING:
    from ..ledger import Ledger
    from ..reports.filters import DealFilter

_PANEL = "Filters (AND across options, OR within one)"

PartyFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--party",
        "-p",
        metavar="NAME",
        help="Deals with a party of this name, registry alias, or group it rolls up to "
        "(case-insensitive). Repeat for any of several.",
        rich_help_panel=_PANEL,
        show_default=False,
        autocompletion=complete_party,
    ),
]
SinceFilter = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="Deals dated (signed, else announced) on or after this date; a period "
        "(2024, 2024-Q3, 2024-07) means its first day.",
        rich_help_panel=_PANEL,
        show_default=False,
    ),
]
UntilFilter = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="DATE",
        help="Deals dated on or before this date; a period (2024, 2024-Q3) means its last day.",
        rich_help_panel=_PANEL,
        show_default=False,
    ),
]
KindFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help="license, collaboration, co-development, option, acquisition, equity, "
        "framework, other. Repeat or comma-separate.",
        rich_help_panel=_PANEL,
        show_default=False,
        autocompletion=complete_kind,
    ),
]
StatusFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        metavar="STATUS",
        help="announced, active, completed, terminated, expired. Repeat or comma-separate.",
        rich_help_panel=_PANEL,
        show_default=False,
        autocompletion=complete_deal_status,
    ),
]
AreaFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--area",
        metavar="AREA",
        help="A therapeutic area, e.g. oncology (case-insensitive). Repeat or comma-separate.",
        rich_help_panel=_PANEL,
        show_default=False,
    ),
]
TagFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        metavar="TAG",
        help="A tag (case-insensitive). Repeat or comma-separate.",
        rich_help_panel=_PANEL,
        show_default=False,
    ),
]


def deal_filter(
    party: list[str] | None,
    since: str | None,
    until: str | None,
    kind: list[str] | None,
    status: list[str] | None,
    area: list[str] | None,
    tag: list[str] | None,
) -> DealFilter:
    """Parse the filter options; a bad value raises FilterError naming what is accepted."""
    from ..reports.filters import build_filter

    return build_filter(
        parties=party or (),
        since=since,
        until=until,
        kinds=kind or (),
        statuses=status or (),
        areas=area or (),
        tags=tag or (),
    )


def filtered(ledger: Ledger, chosen: DealFilter) -> Ledger:
    from ..reports.filters import apply_filter

    return apply_filter(ledger, chosen)


def note_empty(ledger: Ledger, chosen: DealFilter) -> None:
    """In table mode, say on stderr that a filter left nothing (the exit code stays 0)."""
    import sys

    if chosen.active and not ledger.entries:
        sys.stderr.write("dealledger: no deal matches the filters\n")


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """The raw values of the seven filter options, as Typer parsed them."""

    party: list[str] | None = None
    since: str | None = None
    until: str | None = None
    kind: list[str] | None = None
    status: list[str] | None = None
    area: list[str] | None = None
    tag: list[str] | None = None

    def parse(self) -> DealFilter:
        return deal_filter(
            self.party, self.since, self.until, self.kind, self.status, self.area, self.tag
        )


FILTER_PARAMETERS: dict[str, Any] = {
    "party": PartyFilter,
    "since": SinceFilter,
    "until": UntilFilter,
    "kind": KindFilter,
    "status": StatusFilter,
    "area": AreaFilter,
    "tag": TagFilter,
}
takes_deal_filters = takes_options("filters", FilterOptions, FILTER_PARAMETERS)
"""Put the seven filter options where a command declares `filters: FilterOptions`."""
