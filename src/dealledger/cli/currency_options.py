"""`--currency` and the two ways a reporting-currency conversion can fail on the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from ..domain.fx import MissingRate
    from ..reports.currency import ConversionError

CurrencyOption = Annotated[
    str | None,
    typer.Option(
        "--currency",
        "-c",
        metavar="CODE",
        help="Reporting currency (ISO 4217). Default: dealledger.toml `currency`, else the "
        "selection's only currency.",
        show_default=False,
    ),
]


def checked_currency(code: str | None) -> str | None:
    """An ISO 4217 code, or a usage error (exit 2)."""
    from ..domain.codes import CURRENCIES
    from .common import usage_error

    if code is None:
        return None
    upper = code.strip().upper()
    if upper not in CURRENCIES:
        usage_error(f"--currency {code!r} is not an ISO 4217 currency code (e.g. USD, EUR, CNY)")
    return upper


def conversion_failed(exc: ConversionError | MissingRate) -> NoReturn:
    """A missing FX rate is a fault of the ledger, not of the command line: exit 1."""
    import sys

    from ..domain.safe_text import terminal_safe

    sys.stderr.write(f"dealledger: error: {terminal_safe(str(exc))}\n")
    raise typer.Exit(1)
