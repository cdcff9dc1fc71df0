"""The assumptions a valuation rests on: transition probabilities, discount rate, delays.

Every built-in figure that claims to describe the world cites its published source. Where no
source was confirmed (preclinical → phase I, discovery → preclinical) there is no built-in
figure: the user must set one in `dealledger.toml` `[valuation.transitions]`, and until then
the tranches that need it are reported unvalued. A silent guess would make the headline
rNPV look more precise than anything behind it.

The default delays are timing conventions, not published figures; they only place tranches
that have no `due` in time, and they are shown for every tranche they date.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .fields import STAGES
from .models import Settings, ValuationSettings
from .problems import Finding, error

# BIO, Informa Pharma Intelligence and QLS Advisors, "Clinical Development Success Rates
# 2011–2020" (February 2021; 12,728 phase transitions, 9,704 programmes): probability of
# passing phase I → II 52.0%, II → III 28.9%, III → NDA/BLA submission 57.8%,
# NDA/BLA → approval 90.6%; likelihood of approval from phase I 7.9%.
TRANSITION_SOURCE = (
    'BIO/Informa/QLS, "Clinical Development Success Rates 2011-2020" (2021), all indications'
)
BUILTIN_TRANSITIONS: Mapping[str, Decimal] = {
    "phase1": Decimal("0.520"),
    "phase2": Decimal("0.289"),
    "phase3": Decimal("0.578"),
    "filed": Decimal("0.906"),
}

# Practitioners quote 8-15% for rNPV of development-stage assets (Stewart, Allison & Johnson,
# Nature Biotechnology 19(9), 2001, and later practice); 10% sits inside that band.
DEFAULT_RATE = Decimal("0.10")

# Years from the deal's date for tranches without `due`. Type keys: the delay of that type.
# Stage keys: years an asset spends in the stage; a milestone on the success of stage S is
# dated by the sum from the asset's stage through S, a commercial milestone by the sum through
# `filed` plus `commercial` (years from approval to the sales event). `milestone` is the
# fallback where the asset's stage is unknown (its probability then has to be explicit).
DEFAULT_DELAYS: Mapping[str, Decimal] = {
    "upfront": Decimal(0),
    "equity": Decimal(0),
    "option": Decimal(0),
    "funding": Decimal(0),
    "other": Decimal(0),
    "milestone": Decimal(3),
    "commercial": Decimal(3),
    "discovery": Decimal(1),
    "preclinical": Decimal(1),
    "phase1": Decimal(2),
    "phase2": Decimal(2),
    "phase3": Decimal(3),
    "filed": Decimal(1),
}

# dealledger defaults, not published figures: no source giving a general rate of option
# exercise, a general split of combined milestone figures or a general chance of reaching
# sales thresholds was confirmed. They are labelled "dealledger default" wherever they are
# used, and `[valuation]` in dealledger.toml replaces each.
DEFAULT_LABEL = "dealledger default, not a sourced figure"
# An even chance: an option is bought because exercise is uncertain, and nothing in a deal
# file says which way it leans.
DEFAULT_OPTION_EXERCISE = Decimal("0.5")
# An even split of a figure announced across development, regulatory and sales milestones.
DEFAULT_COMBINED_SALES_SHARE = Decimal("0.5")
# The chance, once the asset is approved, of reaching a sales milestone's threshold, by the
# lowest amount (reporting currency) of the band its payment falls in. Sales milestones are
# paid at net-sales thresholds that rise with the payment: a small payment marks sales most
# approved products reach, a payment of a billion or more marks blockbuster sales that few do.
DEFAULT_SALES_THRESHOLDS: Mapping[Decimal, Decimal] = {
    Decimal(0): Decimal("0.60"),
    Decimal(50_000_000): Decimal("0.40"),
    Decimal(250_000_000): Decimal("0.25"),
    Decimal(1_000_000_000): Decimal("0.15"),
}

STAGE_INDEX: Mapping[str, int] = {stage: index for index, stage in enumerate(STAGES)}


# Stages from which there is a next stage to pass to (`approved` is the last).
def next_stage(stage: str) -> str:
    return STAGES[STAGE_INDEX[stage] + 1]


@dataclass(frozen=True)
class Assumptions:
    """Everything a valuation needs besides the deals, with where each figure came from."""

    rate: Decimal = DEFAULT_RATE
    rate_origin: str = "default"
    transitions: Mapping[str, Decimal] = field(default_factory=lambda: dict(BUILTIN_TRANSITIONS))
    transition_origin: Mapping[str, str] = field(
        default_factory=lambda: dict.fromkeys(BUILTIN_TRANSITIONS, "built-in")
    )
    delays: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_DELAYS))
    pos_scale: Decimal = Decimal(1)
    option_exercise: Decimal = DEFAULT_OPTION_EXERCISE
    option_exercise_origin: str = DEFAULT_LABEL
    combined_sales_share: Decimal = DEFAULT_COMBINED_SALES_SHARE
    combined_sales_share_origin: str = DEFAULT_LABEL
    sales_thresholds: Mapping[Decimal, Decimal] = field(
        default_factory=lambda: dict(DEFAULT_SALES_THRESHOLDS)
    )
    sales_thresholds_origin: str = DEFAULT_LABEL

    def sales_threshold(self, amount: Decimal) -> tuple[Decimal, Decimal]:
        """(probability, lowest amount of the band) for a sales milestone of `amount`."""
        floors = [floor for floor in self.sales_thresholds if floor <= amount]
        floor = max(floors) if floors else min(self.sales_thresholds)
        return self.sales_thresholds[floor], floor

    def transition(self, stage: str) -> Decimal | None:
        """Probability of passing from `stage` to the next, scaled by --pos-scale, capped at 1."""
        base = self.transitions.get(stage)
        if base is None:
            return None
        return min(Decimal(1), base * self.pos_scale)


def build_assumptions(
    settings: Settings | ValuationSettings,
    *,
    rate: Decimal | None = None,
    pos_scale: Decimal | None = None,
) -> Assumptions:
    """Built-in figures, overridden by dealledger.toml, overridden by command-line flags."""
    valuation = settings.valuation if isinstance(settings, Settings) else settings
    transitions = dict(BUILTIN_TRANSITIONS)
    origin = dict.fromkeys(BUILTIN_TRANSITIONS, "built-in")
    for stage, probability in valuation.transitions.items():
        transitions[stage] = probability
        origin[stage] = "dealledger.toml"
    delays = dict(DEFAULT_DELAYS)
    for key, years in valuation.delays.model_dump(exclude_none=True).items():
        delays[key] = years
    if rate is not None:
        chosen_rate, rate_origin = rate, "--rate"
    elif valuation.rate is not None:
        chosen_rate, rate_origin = valuation.rate, "dealledger.toml"
    else:
        chosen_rate, rate_origin = DEFAULT_RATE, "default"
    return Assumptions(
        rate=chosen_rate,
        rate_origin=rate_origin,
        transitions=transitions,
        transition_origin=origin,
        delays=delays,
        pos_scale=Decimal(1) if pos_scale is None else pos_scale,
        **_term_defaults(valuation),
    )


def _term_defaults(valuation: ValuationSettings) -> dict[str, Any]:
    """The option, combined-split and sales-threshold figures: dealledger.toml's, else ours."""
    chosen: dict[str, Any] = {}
    for name in ("option_exercise", "combined_sales_share"):
        value = getattr(valuation, name)
        if value is not None:
            chosen[name] = value
            chosen[f"{name}_origin"] = "dealledger.toml"
    if valuation.sales_thresholds:
        chosen["sales_thresholds"] = dict(valuation.sales_thresholds)
        chosen["sales_thresholds_origin"] = "dealledger.toml"
    return chosen


def check_valuation_settings(settings: Settings) -> Iterator[Finding]:
    """Rules on `[valuation]` that a field type alone cannot express."""
    if "approved" in settings.valuation.transitions:
        yield error(
            "DL502",
            ("valuation", "transitions", "approved"),
            "`approved` is the last stage: there is no transition from it; remove the key "
            "(the filed → approval probability is `filed`)",
            "key",
        )
