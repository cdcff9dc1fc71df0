"""`--currency`: the reporting currency a command is asked for."""

from __future__ import annotations

from typing import Annotated

import typer

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
    """An ISO 4217 code, or a UsageError naming the nearest code."""
    from ..domain.codes import CURRENCIES
    from ..domain.errors import UsageError, did_you_mean

    if code is None:
        return None
    upper = code.strip().upper()
    if upper not in CURRENCIES:
        raise UsageError(
            f"--currency {code!r} is not an ISO 4217 currency code (e.g. USD, EUR, CNY)"
            + did_you_mean(upper, sorted(CURRENCIES))
        )
    return upper
