"""Immutable Pydantic models of a deal file and of `dealledger.toml`.

The models describe shape and single values only; rules that relate several values (date
order, party references, totals) live in the `rules` package, where each can point at its own
key.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from .fields import (
    Amount,
    Country,
    Currency,
    DeclaredTotal,
    Due,
    Money,
    PercentString,
    Probability,
    RoyaltyRate,
    RuleSelector,
    Slug,
    Stage,
    Text,
    TomlDate,
    Url,
    _fraction,
)

Kind = Literal[
    "license",
    "collaboration",
    "co-development",
    "option",
    "acquisition",
    "equity",
    "framework",
    "other",
]
DealStatus = Literal["announced", "active", "completed", "terminated", "expired"]
Financials = Literal["disclosed", "undisclosed", "none"]
Role = Literal["licensor", "licensee", "partner", "acquirer", "target", "investor", "investee"]
TrancheType = Literal[
    "upfront", "milestone", "commercial", "royalty", "equity", "option", "funding", "other"
]
TrancheStatus = Literal["expected", "achieved", "paid", "forfeited"]

PAYING_ROLES = frozenset({"licensee", "acquirer", "investor"})
RECEIVING_ROLES = frozenset({"licensor", "target", "investee"})


def _names(value: object) -> tuple[str, ...]:
    """One party name or a list of them (a shared payment), always as a tuple."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise PydanticCustomError("DL116", "empty list; name at least one party")
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise PydanticCustomError(
                "DL103", 'expected a party name or a list of them, e.g. "AstraZeneca"'
            )
    return tuple(items)


def _strings(value: object) -> tuple[str, ...]:
    """A string or a list of strings (territory), always as a tuple."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise PydanticCustomError(
                "DL103", 'expected a string or a list of strings, e.g. ["CN", "HK"]'
            )
    return tuple(items)


_NAMES_SCHEMA = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}
PartyNames = Annotated[tuple[str, ...], PlainValidator(_names), WithJsonSchema(_NAMES_SCHEMA)]
StringOrList = Annotated[tuple[str, ...], PlainValidator(_strings), WithJsonSchema(_NAMES_SCHEMA)]


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        # Validators are built on first use: a run served from the cache never needs them.
        defer_build=True,
    )


class Party(Model):
    name: Text
    role: Role
    parent: Text | None = None
    country: Country | None = None


class Asset(Model):
    name: Text
    code: Text | None = None
    modality: Text | None = None
    target: Text | None = None
    owner: Text | None = None
    indications: tuple[Text, ...] = ()
    phase: Stage | None = None


class Tier(Model):
    start: Money = Field(alias="from")
    rate: PercentString


class Tranche(Model):
    type: TrancheType
    label: Text | None = None
    amount: Amount | None = None
    currency: Currency | None = None
    payer: PartyNames | None = None
    payee: PartyNames | None = None
    status: TrancheStatus = "expected"
    due: Due | None = None
    achieved: TomlDate | None = None
    paid: TomlDate | None = None
    phase: Stage | None = None
    asset: Text | None = None
    probability: Probability | None = None
    rate: RoyaltyRate | None = None
    tiers: tuple[Tier, ...] | None = None

    @property
    def disclosed_amount(self) -> Decimal | None:
        return self.amount if isinstance(self.amount, Decimal) else None

    @property
    def is_undisclosed(self) -> bool:
        return isinstance(self.amount, str)


class Source(Model):
    url: Url
    title: Text | None = None
    publisher: Text | None = None
    published: TomlDate | None = None


def _discount_rate(value: object) -> Decimal:
    """An annual discount rate: a share in [0, 1]; above 100% is taken as a typo ("10" for 10%)."""
    rate = _fraction(value)
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise PydanticCustomError(
            "DL501",
            f'a discount rate lies between 0% and 100%, not {value!r}; write e.g. rate = "10%"',
        )
    return rate


def _years(value: object) -> Decimal:
    """A delay in years: an integer, a decimal string such as "1.5", or a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("DL503", 'expected a number of years such as 3 or "1.5"')
    try:
        years = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except ArithmeticError:
        raise PydanticCustomError(
            "DL503", f'{value!r} is not a number of years; write e.g. 3 or "1.5"'
        ) from None
    if not years.is_finite() or not 0 <= years <= 100:
        raise PydanticCustomError("DL503", f"a delay lies between 0 and 100 years, not {value!r}")
    return years


def _forecast_year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("DL506", "expected a calendar year as an integer, e.g. 2030")
    if not 1900 <= value <= 2200:
        raise PydanticCustomError("DL506", f"{value} is not a plausible calendar year (1900-2200)")
    return value


DiscountRate = Annotated[
    Decimal,
    PlainValidator(_discount_rate),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": r"^\s*\d+(?:\.\d+)?\s*%\s*$"},
            ]
        }
    ),
]
Years = Annotated[
    Decimal,
    PlainValidator(_years),
    WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": 0, "maximum": 100}, {"type": "string"}]}
    ),
]
ForecastYear = Annotated[
    int, PlainValidator(_forecast_year), WithJsonSchema({"type": "integer", "minimum": 1900})
]


class Forecast(Model):
    """An analyst's annual net-sales forecast for an asset, used to value its royalties.

    Amounts are in the royalty tranche's currency (the deal's unless the tranche names its
    own); `asset` may be left out where the deal has exactly one asset.
    """

    asset: Text | None = None
    year: ForecastYear
    net_sales: Money


class Deal(Model):
    id: Slug
    title: Text
    kind: Kind
    status: DealStatus = "active"
    announced: TomlDate
    signed: TomlDate | None = None
    effective: TomlDate | None = None
    terminated: TomlDate | None = None
    currency: Currency | None = None
    financials: Financials = "disclosed"
    total: DeclaredTotal | None = None
    territory: StringOrList | None = None
    therapeutic_areas: tuple[Text, ...] = ()
    tags: tuple[Text, ...] = ()
    related: tuple[Slug, ...] = ()
    summary: Text | None = None
    notes: Text | None = None
    parties: tuple[Party, ...] = Field(min_length=0)
    assets: tuple[Asset, ...] = ()
    tranches: tuple[Tranche, ...] = ()
    sources: tuple[Source, ...] = ()
    forecast: tuple[Forecast, ...] = ()

    @property
    def date(self) -> date:
        """The deal's date for ordering, filters and FX: signed, else announced."""
        return self.signed or self.announced

    def party(self, name: str) -> Party | None:
        return next((party for party in self.parties if party.name == name), None)

    def asset_named(self, reference: str) -> Asset | None:
        return next((asset for asset in self.assets if reference in (asset.name, asset.code)), None)


# --- dealledger.toml ---------------------------------------------------------------------


class FxRate(Model):
    date: TomlDate
    from_: Currency = Field(alias="from")
    to: Currency
    rate: Money


class RegistryParty(Model):
    aliases: tuple[Text, ...] = ()
    parent: Text | None = None
    country: Country | None = None


class ValuationDelays(Model):
    """Years from the deal's date to a tranche with no `due` (see domain/assumptions.py).

    Type keys give the delay of that tranche type; stage keys give the years an asset spends
    in that stage, summed from the asset's stage to the milestone's phase. `commercial` is
    the years from approval to a sales milestone (or royalty start).
    """

    upfront: Years | None = None
    milestone: Years | None = None
    commercial: Years | None = None
    equity: Years | None = None
    option: Years | None = None
    funding: Years | None = None
    other: Years | None = None
    discovery: Years | None = None
    preclinical: Years | None = None
    phase1: Years | None = None
    phase2: Years | None = None
    phase3: Years | None = None
    filed: Years | None = None


class ValuationSettings(Model):
    rate: DiscountRate | None = None
    transitions: dict[Stage, Probability] = Field(default_factory=dict)
    delays: ValuationDelays = Field(default_factory=ValuationDelays)


class CheckSettings(Model):
    """`[check]`: which rules `check` reports, as ruff's `select`/`ignore` do."""

    select: tuple[RuleSelector, ...] | None = None
    extend_select: tuple[RuleSelector, ...] = Field(default=(), alias="extend-select")
    ignore: tuple[RuleSelector, ...] = ()
    per_file_ignores: dict[str, tuple[RuleSelector, ...]] = Field(
        default_factory=dict, alias="per-file-ignores"
    )
    docs_url: Url | None = Field(default=None, alias="docs-url")


class Settings(Model):
    currency: Currency | None = None
    fx: tuple[FxRate, ...] = ()
    parties: dict[str, RegistryParty] = Field(default_factory=dict)
    valuation: ValuationSettings = Field(default_factory=ValuationSettings)
    check: CheckSettings = Field(default_factory=CheckSettings)
