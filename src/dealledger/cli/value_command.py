"""`dealledger value`: risk-adjusted and discounted (rNPV) value of what deals still owe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..domain.errors import UsageError
from .app import app
from .common import (
    Format,
    FormatOption,
    LedgerOption,
    NoCacheOption,
    PathsArgument,
    RawCsvOption,
    open_ledger,
    parse_as_of,
    report_problems_to_stderr,
)
from .completion import complete_deal_id
from .currency_options import CurrencyOption, checked_currency
from .filter_options import FilterOptions, filtered, note_empty, takes_deal_filters
from .pager import NoPagerOption
from .table_options import (
    ProblemOptions,
    RowOptions,
    takes_problem_options,
    takes_row_options,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from datetime import date
    from decimal import Decimal
    from typing import Any

    from ..domain.assumptions import Assumptions
    from ..ledger import Ledger
    from ..render.view import View


def _parse_rate(text: str | None) -> Decimal | None:
    from pydantic_core import PydanticCustomError

    from ..domain.models import _discount_rate

    if text is None:
        return None
    try:
        return _discount_rate(text)
    except PydanticCustomError:
        raise UsageError(
            f"--rate {text!r} is not a discount rate between 0% and 100%; "
            "write e.g. --rate 10% or --rate 0.1"
        ) from None


def _parse_scale(text: str | None) -> Decimal | None:
    from decimal import Decimal, InvalidOperation

    if text is None:
        return None
    try:
        scale = Decimal(text.strip())
    except InvalidOperation:
        scale = Decimal(-1)
    if not scale.is_finite() or scale < 0:
        raise UsageError(
            f"--pos-scale {text!r} is not a factor; write a number of 0 or more, e.g. 0.8 "
            "(every transition probability × 0.8) or 1.2 (capped at 100%)"
        )
    return scale


@app.command()
@takes_deal_filters
@takes_row_options
@takes_problem_options
def value(
    paths: PathsArgument = None,
    ledger: LedgerOption = None,
    no_cache: NoCacheOption = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Valuation date (YYYY-MM-DD); payments are discounted back to it. Default: today.",
            show_default=False,
        ),
    ] = None,
    rate: Annotated[
        str | None,
        typer.Option(
            "--rate",
            metavar="RATE",
            help='Annual discount rate, "12%" or 0.12. Default: [valuation] rate in '
            "dealledger.toml, else 10%.",
            show_default=False,
        ),
    ] = None,
    pos_scale: Annotated[
        str | None,
        typer.Option(
            "--pos-scale",
            metavar="FACTOR",
            help="Multiply every phase-transition probability by this factor (capped at 100%) "
            "to see a range, e.g. 0.8 or 1.2.",
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            help="Show every tranche of this deal: amount, probability and its basis, date, "
            "years, discount factor and contribution.",
            metavar="DEAL_ID",
            show_default=False,
            autocompletion=complete_deal_id,
        ),
    ] = None,
    currency_code: CurrencyOption = None,
    output_format: FormatOption = Format.TABLE,
    raw_cells: RawCsvOption = False,
    filters: FilterOptions = FilterOptions(),
    no_pager: NoPagerOption = False,
    rows: RowOptions = RowOptions(),
    problems: ProblemOptions = ProblemOptions(),
) -> None:
    """Risk-adjusted net present value (rNPV) of the tranches still to come, per deal and in
    total, in the reporting currency.

    Each tranche not yet paid or forfeited is weighted by the probability of its trigger
    (its own `probability`, else the phase-transition probabilities from its asset's stage)
    and discounted from its due date. Tranches that cannot be valued (undisclosed amount,
    unknown stage, a stage with no transition probability, royalties without a forecast)
    are listed as unvalued and left out, never counted as certain.

    Examples:

      dealledger value --as-of 2026-01-01

      dealledger value --rate 12% --pos-scale 0.8

      dealledger value --explain azn-cspc-2025-ai-research

      dealledger value --format json | jq .overall.rnpv

      dealledger value --party AstraZeneca --since 2025
    """
    from ..domain.assumptions import build_assumptions
    from ..reports.currency import reporting_currency
    from ..valuation.report import DEAL_FIELDS, TRANCHE_FIELDS, value_document
    from .output import emit_records

    valuation_date = parse_as_of(as_of)
    chosen_rate = _parse_rate(rate)
    scale = _parse_scale(pos_scale)
    chosen = filters.parse()
    loaded = filtered(open_ledger(ledger, paths, no_cache=no_cache), chosen)
    report_problems_to_stderr(loaded, quiet=problems.quiet, no_warnings=problems.no_warnings)
    # With no disclosed amount at all there is nothing to convert; any code will do.
    currency = reporting_currency(loaded, checked_currency(currency_code)) or "USD"
    assumptions = build_assumptions(loaded.settings, rate=chosen_rate, pos_scale=scale)
    if explain is not None:
        document, view = _explained(loaded, explain, assumptions, valuation_date, currency)
        deal = document["deals"][0]
        # valued rows first, then the unvalued ones with their reason
        records = [*deal["tranches"], *deal["unvalued"]]
        fields = [*TRANCHE_FIELDS, "reason"]
    else:
        from ..render.valuation_view import value_view
        from ..reports.ordering import Ordering
        from ..valuation.report import deal_records
        from .progress import with_progress

        def found() -> Iterator[dict[str, Any]]:
            valued = deal_records(loaded, assumptions, valuation_date, currency)
            bar = with_progress(valued, "valuing deals", len(loaded.entries))
            return (record for record, _ in bar)

        ordering = rows.ordering(DEAL_FIELDS)
        in_order: Callable[[], Iterable[dict[str, Any]]] = found
        if ordering != Ordering():
            arranged = ordering.arrange(found())
            in_order = lambda: arranged  # noqa: E731

        def records() -> list[dict[str, Any]]:
            return list(in_order())

        def document() -> dict[str, Any]:
            return value_document(records(), assumptions, valuation_date, currency)

        fields = DEAL_FIELDS

        def view() -> View:
            # Deal by deal into the table's spool: 100,000 deals in flat memory.
            return value_view(in_order(), assumptions, valuation_date, currency)

    emit_records(
        output_format,
        document=document,
        rows=records,
        fields=fields,
        view=view,
        raw_cells=raw_cells,
        no_pager=no_pager,
        before_table=lambda: note_empty(loaded, chosen),
        options=rows,
        row_list="deals" if explain is None else None,
    )
    raise typer.Exit(1 if loaded.errors else 0)


def _explained(
    loaded: Ledger, deal_id: str, assumptions: Assumptions, as_of: date, currency: str
) -> tuple[dict[str, Any], Callable[[], View]]:
    """`--explain`: one deal's document and its explanation table."""
    from ..render.valuation_view import explain_view
    from ..valuation.model import value_deal
    from ..valuation.report import deal_record, value_document

    entry = next((entry for entry in loaded.entries if entry.deal_id == deal_id), None)
    if entry is None:
        hint = "" if loaded.find(deal_id) is None else " (it is not among the selected files)"
        raise UsageError(f"no valid deal with id {deal_id!r}{hint}; run `dealledger summarize`")
    value = value_deal(entry.deal, assumptions, as_of, currency, loaded.fx)
    document = value_document([deal_record(value)], assumptions, as_of, currency)
    return document, lambda: explain_view(value, assumptions, as_of)
