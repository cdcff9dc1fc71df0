"""`value` for people: the valuation table and one deal's explanation, as display strings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain.assumptions import TRANSITION_SOURCE, Assumptions
from ..domain.codes import minor_unit
from ..domain.money import normalize
from ..valuation.model import DealValue, percent
from ..valuation.report import Overall
from .row_spool import RowSpool
from .view import Column, View, money_cell


def _share_cell(share: Decimal | None) -> str:
    return "—" if share is None else percent(share)


def _title(assumptions: Assumptions, as_of: date, currency: str) -> str:
    scale = f", PoS ×{normalize(assumptions.pos_scale)}" if assumptions.pos_scale != 1 else ""
    return (
        f"Value as of {as_of}, {currency}, discounted at {percent(assumptions.rate)} "
        f"({assumptions.rate_origin}){scale}"
    )


def value_view(
    records: Iterable[dict[str, Any]], assumptions: Assumptions, as_of: date, currency: str
) -> View:
    # On a narrow terminal: the share, risk-adjusted, nominal, headline and unvalued count
    # go in that order; the deal and its rNPV stay.
    columns = [
        Column("Deal", key=True, name="id"),
        Column("Nominal outstanding", "right", drop_order=3, name="nominal"),
        Column("of which unvalued", "right", drop_order=6, name="unvalued_nominal"),
        Column("Risk-adjusted", "right", drop_order=2, name="risk_adjusted"),
        Column("rNPV", "right", name="rnpv"),
        Column("Headline", "right", drop_order=4, name="headline"),
        Column("rNPV/headline", "right", drop_order=1, name="share"),
        Column("Unvalued", "right", drop_order=5, name="unvalued"),
    ]
    rows = RowSpool()
    overall_figures = Overall()
    for record in records:
        overall_figures.add(record)
        rows.append(
            [
                record["id"],
                money_cell(record["nominal"], currency),
                money_cell(record["unvalued_nominal"], currency),
                money_cell(record["risk_adjusted"], currency),
                money_cell(record["rnpv"], currency)
                + (
                    ""
                    if record["rnpv_high"] == record["rnpv"]
                    else f" – {money_cell(record['rnpv_high'], currency)}"
                ),
                money_cell(record["headline"], currency, undisclosed=record["headline"] is None),
                _share_cell(record["share"]),
                str(len(record["unvalued"])),
            ]
        )
    overall = overall_figures.record()
    footer = [
        [
            f"Ledger ({overall['deals']} deal{'' if overall['deals'] == 1 else 's'})",
            money_cell(overall["nominal"], currency),
            money_cell(overall["unvalued_nominal"], currency),
            money_cell(overall["risk_adjusted"], currency),
            money_cell(overall["rnpv"], currency)
            + (
                ""
                if overall["rnpv_high"] == overall["rnpv"]
                else f" – {money_cell(overall['rnpv_high'], currency)}"
            ),
            money_cell(overall["headline"], currency),
            _share_cell(overall["share"]),
            str(overall["unvalued"]),
        ]
    ]
    caption = (
        "Nominal outstanding includes what could not be valued (its disclosed amounts, shown "
        "apart); unvalued tranches are left out of the other figures; see why with --explain "
        "DEAL_ID. Options, sales thresholds and combined milestone splits use dealledger "
        "defaults (not sourced figures) unless the deal or [valuation] sets them. "
        f"Transition probabilities: {TRANSITION_SOURCE}, overridden by dealledger.toml."
    )
    return View(columns, rows, footer, _title(assumptions, as_of, currency), caption)


def exact_money(value: Decimal | None, currency: str) -> str:
    """Exact money for --explain (and the report's explanations), so each step can be redone
    by hand: whole units without decimals, else to the minor unit."""
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return f"{currency} {normalize(value):,}"
    places = minor_unit(currency)
    return f"{currency} {value:,.{places}f}"


def explain_view(value: DealValue, assumptions: Assumptions, as_of: date) -> View:
    """Every tranche of one deal with each step of its figure, so it can be redone by hand."""
    currency = value.currency
    # On a narrow terminal the bases, years, factor, type, risk-adjusted value, probability,
    # date and amount go in that order; the tranche and its rNPV stay.
    columns = [
        Column("#", "right", drop_order=10),
        Column("Tranche", key=True, name="label"),
        Column("Type", drop_order=5, name="type"),
        Column("Amount", "right", drop_order=9, name="amount"),
        Column("Probability", "right", drop_order=7, name="probability"),
        Column("Probability basis", drop_order=1, name="basis"),
        Column("Date", wrap=False, drop_order=8, name="date"),
        Column("Date basis", drop_order=2, name="timing"),
        Column("Years", "right", drop_order=3, name="years"),
        Column("Discount factor", "right", drop_order=4, name="discount_factor"),
        Column("Risk-adjusted", "right", drop_order=6, name="risk_adjusted"),
        Column("rNPV", "right", name="rnpv"),
    ]
    rows = []
    for item in value.tranches:
        high = "" if item.amount_high is None else f" – {exact_money(item.amount_high, currency)}"
        rnpv_high = "" if item.rnpv_high is None else f" – {exact_money(item.rnpv_high, currency)}"
        rows.append(
            [
                str(item.index + 1),
                item.label,
                item.type,
                exact_money(item.amount, currency) + high,
                percent(item.probability),
                item.basis,
                item.date.isoformat(),
                item.timing,
                f"{item.years} ({item.days} d)",
                str(item.discount_factor),
                exact_money(item.risk_adjusted, currency),
                exact_money(item.rnpv, currency) + rnpv_high,
            ]
        )
    for missing, verdict in [
        *((item, "unvalued") for item in value.unvalued),
        *((item, "not to come") for item in value.settled),
    ]:
        rows.append(
            [
                str(missing.index + 1) if missing.index >= 0 else "",
                missing.label,
                missing.type or "",
                exact_money(missing.amount, currency) if missing.amount is not None else "—",
                "—",
                f"{verdict}: {missing.reason}",
                "",
                "",
                "",
                "",
                "—",
                verdict,
            ]
        )
    footer = [
        [
            "",
            "Deal total",
            "",
            exact_money(value.nominal, currency)
            + (
                ""
                if value.unvalued_nominal == 0
                else f" (unvalued {exact_money(value.unvalued_nominal, currency)})"
            ),
            "",
            "",
            "",
            "",
            "",
            "",
            exact_money(value.risk_adjusted, currency),
            exact_money(value.rnpv, currency)
            + (
                ""
                if value.rnpv_high == value.rnpv
                else f" – {exact_money(value.rnpv_high, currency)}"
            ),
        ]
    ]
    caption = (
        "rNPV = amount × probability × discount factor, rounded half-even to the minor unit; "
        f"discount factor = 1 / (1 + {percent(assumptions.rate)})^years rounded to 16 "
        "decimal places, years = days from the valuation date / 365.25 (never negative). "
        f"Headline {exact_money(value.headline, currency)}"
        f"{'' if value.headline_basis is None else f' ({value.headline_basis})'}; "
        f"rNPV/headline {_share_cell(value.share)}."
    )
    title = f"{value.deal_id}: " + _title(assumptions, as_of, currency)
    return View(columns, rows, footer, title, caption)
