"""The rNPV of what a deal still has to pay, tranche by tranche (spec: "Valuation").

Pure computation on a validated deal: no files, no settings lookup, no output. Each tranche
gets a probability, a date and a discount factor, each with a plain-words basis, so that
every figure a report prints can be reproduced by hand from `--explain`.

Arithmetic is Decimal throughout. The fractional power (1 + rate)^t is evaluated under a
local context of 34 significant digits; the discount factor is then rounded to 16 decimal
places and that rounded factor is the one used and shown. Each tranche's amount, risk-adjusted
amount and rNPV are rounded half-even to the reporting currency's minor unit, and deal and
ledger figures are sums of those rounded tranche figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from functools import lru_cache

from ..domain.assumptions import STAGE_INDEX, Assumptions, next_stage
from ..domain.codes import minor_unit
from ..domain.figures import conversion_date, deal_figures, tranche_currency
from ..domain.fx import FxTable, MissingRate
from ..domain.models import Asset, Deal, Tranche
from ..domain.money import normalize, short_form
from ..domain.periods import due_start, due_text
from ..domain.royalties import forecasts_for, royalty_bounds

DAYS_PER_YEAR = Decimal("365.25")
PRECISION = 34
FACTOR_PLACES = 16
YEAR_PLACES = 6
CERTAIN_TYPES = frozenset({"upfront", "equity", "funding", "other"})
# An option's fee never comes once the option was given up.
GIVEN_UP = frozenset({"declined", "lapsed"})
# Deals whose expected tranches cannot still come; valuing them would overstate the ledger.
ENDED = frozenset({"terminated", "expired"})


@dataclass(frozen=True, slots=True)
class TrancheValue:
    """One valued tranche (or one forecast year of a royalty)."""

    index: int
    label: str
    type: str
    amount: Decimal
    probability: Decimal
    basis: str
    date: date
    timing: str
    days: int
    years: Decimal
    discount_factor: Decimal
    risk_adjusted: Decimal
    rnpv: Decimal
    amount_high: Decimal | None = None
    rnpv_high: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Unvalued:
    """A tranche still to come that could not be valued, and what would fix that."""

    index: int
    label: str
    type: str | None
    amount: Decimal | None
    reason: str


@dataclass(frozen=True)
class DealValue:
    deal_id: str
    title: str
    currency: str
    headline: Decimal | None
    tranches: tuple[TrancheValue, ...]
    unvalued: tuple[Unvalued, ...]
    # paid and forfeited tranches: not to come, shown by --explain so every tranche is there
    settled: tuple[Unvalued, ...] = ()
    # "declared" (the deal's `total`) or "disclosed tranches" (their sum, where none is declared)
    headline_basis: str | None = None

    @property
    def valued_nominal(self) -> Decimal:
        return sum((item.amount for item in self.tranches), Decimal(0))

    @property
    def unvalued_nominal(self) -> Decimal:
        """What is still to come but could not be valued (its disclosed amounts)."""
        return sum((item.amount or Decimal(0) for item in self.unvalued), Decimal(0))

    @property
    def nominal(self) -> Decimal:
        """Everything still to come, valued or not: the unvalued part is not nothing."""
        return self.valued_nominal + self.unvalued_nominal

    @property
    def risk_adjusted(self) -> Decimal:
        return sum((item.risk_adjusted for item in self.tranches), Decimal(0))

    @property
    def rnpv(self) -> Decimal:
        return sum((item.rnpv for item in self.tranches), Decimal(0))

    @property
    def rnpv_high(self) -> Decimal:
        """rNPV with every royalty range at its high end (equal to rnpv without ranges)."""
        return sum(
            (item.rnpv if item.rnpv_high is None else item.rnpv_high for item in self.tranches),
            Decimal(0),
        )

    @property
    def share(self) -> Decimal | None:
        return share_of(self.rnpv, self.headline)


def share_of(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """rNPV as a fraction of the headline, to four decimal places (0.0123 = 1.23%)."""
    if whole is None or whole == 0:
        return None
    return (part / whole).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)


class _Skip(Exception):
    """A tranche that cannot be valued; the message says why and how to fix it."""


def percent(value: Decimal) -> str:
    return f"{normalize(value * 100)}%"


def _round(value: Decimal, currency: str) -> Decimal:
    """Half-even to the minor unit, with precision enough for any amount (no InvalidOperation)."""
    places = minor_unit(currency)
    with localcontext() as context:
        context.prec = max(PRECISION, value.adjusted() + places + 2)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


@lru_cache(maxsize=8192)
def discount(days: int, rate: Decimal) -> tuple[Decimal, Decimal]:
    """(years, discount factor) for a payment `days` after the valuation date.

    Cached: a fractional Decimal power costs ~0.15 ms, and large ledgers repeat due dates.
    """
    with localcontext() as context:
        context.prec = PRECISION
        years = Decimal(days) / DAYS_PER_YEAR
        factor = Decimal(1) if days == 0 else Decimal(1) / (Decimal(1) + rate) ** years
        return years, factor.quantize(Decimal(1).scaleb(-FACTOR_PLACES), ROUND_HALF_EVEN)


def tranche_asset(deal: Deal, tranche: Tranche) -> Asset | None:
    if tranche.asset is not None:
        return deal.asset_named(tranche.asset)
    return deal.assets[0] if len(deal.assets) == 1 else None


def _label(tranche: Tranche, index: int) -> str:
    return tranche.label or f"{tranche.type} #{index + 1}"


def _stage(deal: Deal, tranche: Tranche) -> tuple[Asset, str]:
    asset = tranche_asset(deal, tranche)
    if asset is None:
        if deal.assets:
            raise _Skip(
                f"the deal has {len(deal.assets)} assets and the tranche names none; "
                'add asset = "..." to the tranche (or set probability)'
            )
        raise _Skip(
            "no asset to take a development stage from; add [[assets]] with its phase "
            "(or set probability on the tranche)"
        )
    if asset.phase is None:
        raise _Skip(
            f'asset {asset.name!r} has no phase; add phase = "phase1" (its stage at signing) '
            "to the asset, or set probability on the tranche"
        )
    return asset, asset.phase


def _chain(assumptions: Assumptions, start: str, through: str) -> tuple[Decimal, str]:
    """Product of transition probabilities from stage `start` through stage `through`."""
    stages = _stages(start, through)
    if not stages:
        return Decimal(1), "approved: no stage left to pass"
    probability = Decimal(1)
    parts = []
    for stage in stages:
        step = assumptions.transition(stage)
        if step is None:
            raise _Skip(
                f"no transition probability for {stage} → {next_stage(stage)} (none is "
                f'built in: no published figure was confirmed); set {stage} = "NN%" under '
                "[valuation.transitions] in dealledger.toml"
            )
        probability *= step
        parts.append(f"{stage}→{next_stage(stage)} {percent(step)}")
    origins = sorted({assumptions.transition_origin.get(s, "?") for s in stages})
    scale = f", scaled ×{normalize(assumptions.pos_scale)}" if assumptions.pos_scale != 1 else ""
    return probability, " × ".join(parts) + f" ({', '.join(origins)}{scale})"


def _stages(start: str, through: str) -> list[str]:
    """Stages whose success is needed, from `start` through `through` (`approved` has none)."""
    last = min(STAGE_INDEX[through], STAGE_INDEX["filed"])
    return [stage for stage, index in STAGE_INDEX.items() if STAGE_INDEX[start] <= index <= last]


def probability_of(
    deal: Deal, tranche: Tranche, assumptions: Assumptions, amount: Decimal | None = None
) -> tuple[Decimal, str]:
    """The tranche's probability and how it was derived (spec order of precedence).

    `amount` (in the reporting currency) places a sales milestone in its threshold band.
    """
    if tranche.probability is not None:
        return tranche.probability, "probability set on the tranche"
    if tranche.status == "achieved":
        return Decimal(1), "event achieved"
    if tranche.type == "option":
        return _exercise(deal, tranche, assumptions)
    if tranche.type in CERTAIN_TYPES:
        return Decimal(1), f"{tranche.type}: contractual, not contingent on development"
    asset, stage = _stage(deal, tranche)
    if tranche.type == "milestone":
        if tranche.phase is not None:
            if STAGE_INDEX[stage] > STAGE_INDEX[tranche.phase]:
                return Decimal(1), f"asset {asset.name!r} already past {tranche.phase}"
            probability, how = _chain(assumptions, stage, tranche.phase)
            event = "approval" if tranche.phase == "approved" else f"{tranche.phase} success"
            return probability, f"milestone on {event}, asset at {stage}: {how}"
        if stage == "approved":
            raise _Skip(
                f"asset {asset.name!r} is approved, so no next-stage transition applies; "
                "set phase or probability on the milestone"
            )
        probability, how = _chain(assumptions, stage, stage)
        return probability, f"milestone without phase, asset at {stage}: {how}"
    # commercial milestones and royalties need approval first
    if stage == "approved":
        probability, how = Decimal(1), f"asset {asset.name!r} already approved"
    else:
        probability, chain = _chain(assumptions, stage, "filed")
        how = f"{tranche.type} needs approval, asset at {stage}: {chain}"
    if tranche.type != "commercial" or amount is None:
        return probability, how
    threshold, floor = assumptions.sales_threshold(amount)
    return probability * threshold, (
        f"{how}; × sales threshold reached {percent(threshold)} (amount band from "
        f"{short_form(floor)}, {assumptions.sales_thresholds_origin})"
    )


def _exercise(deal: Deal, tranche: Tranche, assumptions: Assumptions) -> tuple[Decimal, str]:
    """An option fee comes only if the option is exercised (a given-up option never gets here)."""
    option = deal.option_named(tranche.option) if tranche.option else None
    if option is not None and option.status == "exercised":
        return Decimal(1), f"option {option.id!r} exercised {option.exercised}"
    if option is not None and option.probability is not None:
        return option.probability, f"exercise probability set on option {option.id!r}"
    return assumptions.option_exercise, (
        f"option exercise probability {percent(assumptions.option_exercise)} "
        f"({assumptions.option_exercise_origin})"
    )


def _years_text(years: Decimal) -> str:
    return f"{normalize(years)} year" + ("" if years == 1 else "s")


def delay_of(deal: Deal, tranche: Tranche, assumptions: Assumptions) -> tuple[Decimal, str]:
    """Default delay from the deal's date for a tranche without `due`, and its basis."""
    delays = assumptions.delays
    if tranche.type in CERTAIN_TYPES or tranche.type == "option":
        return delays[tranche.type], f"{tranche.type} delay"
    asset = tranche_asset(deal, tranche)
    stage = asset.phase if asset is not None else None
    if stage is None:
        return delays["milestone"], "milestone delay (asset stage unknown)"
    if tranche.type == "milestone":
        through = tranche.phase or stage
        if tranche.phase is None and stage == "approved":
            return delays["milestone"], "milestone delay"
        if STAGE_INDEX[stage] > STAGE_INDEX[through]:
            return Decimal(0), f"asset already past {through}"
        stages = _stages(stage, through)
    else:
        stages = _stages(stage, "filed")
    total = sum((delays[s] for s in stages), Decimal(0))
    parts = [f"{s} {normalize(delays[s])}" for s in stages]
    if tranche.type != "milestone":
        total += delays["commercial"]
        parts.append(f"after approval {normalize(delays['commercial'])}")
    return total, "stage durations " + " + ".join(parts) if parts else "no stage to pass"


def date_of(
    deal: Deal, tranche: Tranche, assumptions: Assumptions, as_of: date
) -> tuple[date, str]:
    if tranche.status == "achieved":
        return as_of, f"achieved {tranche.achieved}: valued as due at the valuation date"
    if tranche.due is not None:
        start = due_start(tranche.due)
        text = due_text(tranche.due)
        return start, f"due {text}" + ("" if text == start.isoformat() else f" (from {start})")
    years, basis = delay_of(deal, tranche, assumptions)
    with localcontext() as context:
        context.prec = PRECISION
        days = int((years * DAYS_PER_YEAR).to_integral_value(ROUND_HALF_EVEN))
    try:
        when = deal.date + timedelta(days=days)
    except OverflowError:
        raise _Skip(f"deal date {deal.date} + {_years_text(years)} is past 9999-12-31") from None
    return when, f"no due: deal date {deal.date} + {_years_text(years)} ({basis})"


def value_deal(
    deal: Deal, assumptions: Assumptions, as_of: date, currency: str, fx: FxTable
) -> DealValue:
    """Value every tranche still to come (not paid, not forfeited) of one deal."""
    valued: list[TrancheValue] = []
    unvalued: list[Unvalued] = []
    headline, headline_basis = None, None
    if deal.financials == "disclosed":
        headline, headline_basis = _headline(deal, currency, fx)
    elif deal.financials == "undisclosed":
        unvalued.append(
            Unvalued(-1, "all terms", None, None, 'financials = "undisclosed": nothing to value')
        )
    settled: list[Unvalued] = []
    for index, tranche in enumerate(deal.tranches):
        label = _label(tranche, index)
        not_to_come = _not_to_come(deal, tranche)
        if not_to_come is not None:
            amount_known = _amount_or_none(deal, tranche, currency, fx)
            settled.append(Unvalued(index, label, tranche.type, amount_known, not_to_come))
            continue
        amount: Decimal | None = None
        try:
            if deal.status in ENDED and tranche.status != "achieved":
                raise _Skip(
                    f"the deal is {deal.status}: an expected tranche will not come; record it "
                    'as status = "forfeited" (or "paid"/"achieved" if it was)'
                )
            if tranche.type == "royalty":
                valued.extend(
                    _royalty_values(deal, tranche, index, assumptions, as_of, currency, fx)
                )
                continue
            amount = _amount(deal, tranche, currency, fx)
            rows = [
                _valued(
                    index,
                    part_label,
                    part.type,
                    part_amount,
                    *probability_of(deal, part, assumptions, part_amount),
                    *date_of(deal, part, assumptions, as_of),
                    as_of,
                    assumptions.rate,
                    currency,
                    basis_prefix=prefix,
                )
                for part, part_label, part_amount, prefix in _pieces(
                    tranche, label, amount, assumptions, currency
                )
            ]
        except _Skip as skip:
            unvalued.append(Unvalued(index, label, tranche.type, amount, str(skip)))
            continue
        valued.extend(rows)
    return DealValue(
        deal.id,
        deal.title,
        currency,
        headline,
        tuple(valued),
        tuple(unvalued),
        tuple(settled),
        headline_basis,
    )


def _headline(deal: Deal, currency: str, fx: FxTable) -> tuple[Decimal | None, str | None]:
    """The declared headline where the deal has one, else the sum of its disclosed tranches."""
    if deal.total is not None and deal.currency is not None:
        try:
            declared = fx.convert(deal.total.value, deal.currency, currency, deal.date)
        except MissingRate:
            pass
        else:
            return _round(declared, currency), "declared"
    total = deal_figures(deal, fx, currency).total
    return total, None if total is None else "disclosed tranches"


def _not_to_come(deal: Deal, tranche: Tranche) -> str | None:
    """Why a tranche is not to come: paid, forfeited, or the fee of an option given up."""
    if tranche.status in ("paid", "forfeited"):
        return tranche.status + (f" {tranche.paid}" if tranche.paid else "")
    if tranche.type != "option" or tranche.option is None or tranche.status == "achieved":
        return None
    option = deal.option_named(tranche.option)
    if option is None or option.status not in GIVEN_UP:
        return None
    when = f" {option.ended}" if option.ended else ""
    return f"option {option.id!r} {option.status}{when}: its fee will not come"


def _mixed_parts(
    tranche: Tranche, label: str, amount: Decimal, currency: str
) -> list[tuple[Tranche, str, Decimal, str]]:
    """A mixed payment valued part by part, each like a tranche of its type; it cannot be
    valued whole, since an upfront is certain and a milestone or option fee is not."""
    parts = tranche.parts or ()
    whole = tranche.disclosed_amount
    if not parts or whole is None:
        raise _Skip(
            "a mixed payment is valued part by part; list its `parts` with their types and "
            "amounts, or set probability on the tranche"
        )
    amounts = [part.amount if isinstance(part.amount, Decimal) else None for part in parts]
    if any(value is None for value in amounts):
        if all(part.type in CERTAIN_TYPES for part in parts):
            return [
                (
                    tranche.model_copy(update={"type": "other"}),
                    label,
                    amount,
                    "mixed, every part contractual: ",
                )
            ]
        raise _Skip(
            "a part of this mixed payment is undisclosed and not certain to be paid; set "
            "probability on the tranche, or the parts' amounts"
        )
    pieces = []
    left = amount
    for number, (part, value) in enumerate(zip(parts, amounts, strict=True), start=1):
        assert value is not None
        share = left if number == len(parts) else _round(amount * value / whole, currency)
        left -= share
        piece = tranche.model_copy(update={"type": part.type, "amount": value})
        name = f"{label} — {part.label or part.type}"
        pieces.append((piece, name, share, f"part {number} of a mixed payment: "))
    return pieces


def _pieces(
    tranche: Tranche, label: str, amount: Decimal, assumptions: Assumptions, currency: str
) -> list[tuple[Tranche, str, Decimal, str]]:
    """The tranche as valued: whole, or a combined milestone figure as its development and
    sales parts, each valued like a tranche of its kind (the sales part gets the threshold
    probability a development milestone never faces)."""
    if tranche.probability is not None or tranche.status == "achieved":
        return [(tranche, label, amount, "")]
    if tranche.type == "mixed":
        return _mixed_parts(tranche, label, amount, currency)
    covers = tranche.covers or ()
    if "sales" not in covers:
        return [(tranche, label, amount, "")]
    if len(covers) == 1:
        sales = tranche.model_copy(update={"type": "commercial"})
        return [(sales, label, amount, "a milestone covering sales only: ")]
    if tranche.sales_share is not None:
        share, origin = tranche.sales_share, "sales_share on the tranche"
    else:
        share, origin = assumptions.combined_sales_share, assumptions.combined_sales_share_origin
    sales_amount = _round(amount * share, currency)
    split = f"combined figure, sales share {percent(share)} ({origin}): "
    development = tranche.model_copy(update={"type": "milestone"})
    sales = tranche.model_copy(update={"type": "commercial"})
    return [
        (development, f"{label} — development part", amount - sales_amount, split),
        (sales, f"{label} — sales part", sales_amount, split),
    ]


def _amount_or_none(deal: Deal, tranche: Tranche, currency: str, fx: FxTable) -> Decimal | None:
    try:
        return _amount(deal, tranche, currency, fx)
    except _Skip:
        return None


def _amount(deal: Deal, tranche: Tranche, currency: str, fx: FxTable) -> Decimal:
    amount = tranche.disclosed_amount
    source = tranche_currency(deal, tranche)
    if amount is None or source is None:
        raise _Skip("amount undisclosed")
    try:
        converted = fx.convert(amount, source, currency, conversion_date(deal, tranche))
    except MissingRate as missing:
        raise _Skip(str(missing)) from None
    return _round(converted, currency)


def _valued(
    index: int,
    label: str,
    kind: str,
    amount: Decimal,
    probability: Decimal,
    basis: str,
    when: date,
    timing: str,
    as_of: date,
    rate: Decimal,
    currency: str,
    amount_high: Decimal | None = None,
    basis_prefix: str = "",
) -> TrancheValue:
    days = max(0, (when - as_of).days)
    years, factor = discount(days, rate)
    if days == 0 and when < as_of:
        timing += f"; before the valuation date {as_of}, so t = 0"
    with localcontext() as context:
        context.prec = PRECISION
        risk_adjusted = _round(amount * probability, currency)
        rnpv = _round(amount * probability * factor, currency)
        rnpv_high = None
        if amount_high is not None:
            rnpv_high = _round(amount_high * probability * factor, currency)
    return TrancheValue(
        index=index,
        label=label,
        type=kind,
        amount=amount,
        probability=probability,
        basis=basis_prefix + basis,
        date=when,
        timing=timing,
        days=days,
        years=years.quantize(Decimal(1).scaleb(-YEAR_PLACES), ROUND_HALF_EVEN),
        discount_factor=factor,
        risk_adjusted=risk_adjusted,
        rnpv=rnpv,
        amount_high=amount_high,
        rnpv_high=rnpv_high,
    )


def _royalty_values(
    deal: Deal,
    tranche: Tranche,
    index: int,
    assumptions: Assumptions,
    as_of: date,
    currency: str,
    fx: FxTable,
) -> list[TrancheValue]:
    """One row per forecast year from the valuation year on, dated at the year's first day."""
    asset = tranche_asset(deal, tranche)
    if asset is None:
        raise _Skip(
            "a royalty is valued against an asset's sales forecast; the tranche names no asset "
            'and the deal has not exactly one: add asset = "..."'
        )
    if tranche.tiers is None and (
        tranche.rate is None or royalty_bounds(tranche, Decimal(1)) is None
    ):
        raise _Skip(
            f"royalty rate {tranche.rate!r} discloses no rate to apply; once known, add tiers = "
            '[{ from = 0, rate = "8%" }, ...] or a rate such as "8%" or "mid-single-digit"'
        )
    forecasts = forecasts_for(deal, asset)
    if not forecasts:
        raise _Skip(
            f"no sales forecast for {asset.name!r}: add [[forecast]] asset = "
            f'"{asset.name}", year = 2030, net_sales = "500M" to the deal file to value it'
        )
    upcoming = [item for item in forecasts if item.year >= as_of.year]
    if not upcoming:
        raise _Skip(f"every forecast year of {asset.name!r} is before {as_of.year}")
    probability, basis = probability_of(deal, tranche, assumptions)
    source = tranche_currency(deal, tranche) or currency
    rows = []
    label = _label(tranche, index)
    for item in upcoming:
        bounds = royalty_bounds(tranche, item.net_sales)
        assert bounds is not None
        low, high = (
            _round(_convert(value, source, currency, deal.date, fx), currency) for value in bounds
        )
        terms = "tiers" if tranche.tiers else f"rate {tranche.rate}"
        when = date(item.year, 1, 1)
        rows.append(
            _valued(
                index,
                f"{label} — {item.year}",
                "royalty",
                low,
                probability,
                basis,
                when,
                f"forecast year {item.year}, net sales {source} {short_form(item.net_sales)}, "
                f"{terms}; dated at the year's first day",
                as_of,
                assumptions.rate,
                currency,
                amount_high=high if high != low else None,
            )
        )
    return rows


def _convert(amount: Decimal, source: str, target: str, on: date, fx: FxTable) -> Decimal:
    try:
        return fx.convert(amount, source, target, on)
    except MissingRate as missing:
        raise _Skip(str(missing)) from None


def value_deals(
    deals: Sequence[Deal], assumptions: Assumptions, as_of: date, currency: str, fx: FxTable
) -> list[DealValue]:
    return [value_deal(deal, assumptions, as_of, currency, fx) for deal in deals]
