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
    PeriodText,
    Probability,
    RoyaltyRate,
    RuleSelector,
    Share,
    ShareCount,
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
    "upfront",
    "milestone",
    "commercial",
    "royalty",
    "equity",
    "option",
    "funding",
    "mixed",
    "other",
]
TrancheStatus = Literal["expected", "achieved", "paid", "forfeited"]
# A part of a mixed tranche is one of the money types a tranche can have (not royalty, mixed).
PartType = Literal["upfront", "milestone", "commercial", "equity", "option", "funding", "other"]
# How an amount or a headline was announced: a cap (the default), a floor, an approximation.
Qualifier = Literal["up to", "over", "about"]
# What a combined milestone figure covers.
MilestoneStage = Literal["development", "regulatory", "technology-transfer", "sales"]
OptionRight = Literal[
    "license",
    "territory",
    "programs",
    "co-commercialization",
    "co-promotion",
    "co-development",
    "cost-profit-share",
    "other",
]
OptionStatus = Literal["open", "exercised", "declined", "lapsed"]
RightType = Literal[
    "co-commercialization",
    "co-promotion",
    "co-development",
    "cost-share",
    "profit-share",
    "cost-profit-share",
    "retained",
    "manufacturing",
    "supply",
]
EventType = Literal[
    "closing",
    "amendment",
    "expansion",
    "partial-termination",
    "termination",
    "option-exercised",
    "option-declined",
    "option-lapsed",
    "other",
]

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


def _asset_refs(value: object) -> str | tuple[str, ...]:
    """One asset reference (version 1) or a list of them (a tranche on several assets)."""
    if isinstance(value, list):
        return _strings(value) if value else _names(value)  # _names refuses the empty list
    if not isinstance(value, str) or not value.strip():
        raise PydanticCustomError(
            "DL103", 'expected an asset name or a list of them, e.g. ["SSGJ-707"]'
        )
    return value


AssetRefs = Annotated[
    str | tuple[str, ...], PlainValidator(_asset_refs), WithJsonSchema(_NAMES_SCHEMA)
]


def _roles(value: object) -> str | tuple[str, ...]:
    """A role (version 1) or a list of roles: a party that licenses and also issues shares."""
    allowed = _ROLE_VALUES
    items = value if isinstance(value, list) else [value]
    if not items:
        raise PydanticCustomError("DL116", 'empty list; give at least one role, e.g. "licensor"')
    for item in items:
        if item not in allowed:
            import difflib

            text = item if isinstance(item, str) else None
            nearest = difflib.get_close_matches(text, allowed, n=1, cutoff=0.6) if text else []
            hint = f'; did you mean "{nearest[0]}"?' if nearest else ""
            choices = ", ".join(f'"{choice}"' for choice in allowed)
            raise PydanticCustomError(
                "DL104", f"`role` must be one of {choices} (or a list of them), not {item!r}{hint}"
            )
    return tuple(items) if isinstance(value, list) else value


_ROLE_VALUES: tuple[str, ...] = (
    "licensor",
    "licensee",
    "partner",
    "acquirer",
    "target",
    "investor",
    "investee",
)
# if/then/else rather than anyOf, so that an editor names the allowed roles for a typo.
_ROLE_SCHEMA = {
    "type": ["string", "array"],
    "if": {"type": "string"},
    "then": {"enum": list(_ROLE_VALUES)},
    "else": {"items": {"type": "string", "enum": list(_ROLE_VALUES)}, "minItems": 1},
}
Roles = Annotated[str | tuple[str, ...], PlainValidator(_roles), WithJsonSchema(_ROLE_SCHEMA)]


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
    role: Roles
    parent: Text | None = None
    country: Country | None = None

    @property
    def roles(self) -> tuple[str, ...]:
        return self.role if isinstance(self.role, tuple) else (self.role,)

    @property
    def role_text(self) -> str:
        """The role, or the roles joined by ", ": one text column in reports and exports."""
        return ", ".join(self.roles)


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


class SplitShare(Model):
    """One payee's percentage of a tranche paid to several parties."""

    payee: PartyNames
    share: Share


class Part(Model):
    """One component of a `mixed` tranche (an upfront, near-term milestones, option fees)."""

    type: PartType
    label: Text | None = None
    amount: Amount | None = None


class Stock(Model):
    """Shares that change hands in a tranche.

    On an `equity` tranche the payer buys shares that the payee issues (an investment); on
    any other tranche part of the payment is made in the payer's own shares (consideration in
    stock), `amount` being the value so paid. `issuer` says whose shares they are, which
    fixes the direction either way.
    """

    issuer: Text
    shares: ShareCount | None = None
    price: Money | None = None
    currency: Currency | None = None
    amount: Amount | None = None
    stake: PercentString | None = None
    premium: PercentString | None = None


class Tranche(Model):
    type: TrancheType
    label: Text | None = None
    amount: Amount | None = None
    qualifier: Qualifier | None = None
    currency: Currency | None = None
    payer: PartyNames | None = None
    payee: PartyNames | None = None
    split: tuple[SplitShare, ...] | None = None
    status: TrancheStatus = "expected"
    due: Due | None = None
    achieved: TomlDate | None = None
    achieved_in: PeriodText | None = None
    paid: TomlDate | None = None
    paid_in: PeriodText | None = None
    phase: Stage | None = None
    covers: tuple[MilestoneStage, ...] | None = None
    sales_share: PercentString | None = None
    asset: AssetRefs | None = None
    option: Slug | None = None
    probability: Probability | None = None
    rate: RoyaltyRate | None = None
    tiers: tuple[Tier, ...] | None = None
    parts: tuple[Part, ...] | None = None
    stock: Stock | None = None

    @property
    def disclosed_amount(self) -> Decimal | None:
        return self.amount if isinstance(self.amount, Decimal) else None

    @property
    def is_undisclosed(self) -> bool:
        return isinstance(self.amount, str)

    @property
    def assets(self) -> tuple[str, ...]:
        """The asset references (none, one, or several)."""
        if self.asset is None:
            return ()
        return self.asset if isinstance(self.asset, tuple) else (self.asset,)

    @property
    def paid_date(self) -> date | None:
        """The day paid, or the first day of the period it was paid in."""
        if self.paid is not None:
            return self.paid
        return self.paid_in.start if self.paid_in is not None else None

    @property
    def achieved_date(self) -> date | None:
        if self.achieved is not None:
            return self.achieved
        return self.achieved_in.start if self.achieved_in is not None else None


class Option(Model):
    """A right one party may exercise: a licence, more territory, an opt-in, more programmes.

    Its exercise fee, where one is disclosed, is an `option` tranche naming it (`option =
    "<id>"`), so the money is counted once; `probability` is the chance of exercise that a
    valuation may use.
    """

    id: Slug
    holder: PartyNames
    right: OptionRight
    label: Text | None = None
    asset: AssetRefs | None = None
    territory: StringOrList | None = None
    after: Stage | None = None
    deadline: Due | None = None
    status: OptionStatus = "open"
    exercised: TomlDate | None = None
    ended: TomlDate | None = None
    probability: Probability | None = None


class Right(Model):
    """A right the agreement grants outright: co-commercialisation, cost or profit sharing,
    the licensor's retained territory."""

    type: RightType
    holder: PartyNames
    label: Text | None = None
    territory: StringOrList | None = None
    share: Share | None = None
    after: Stage | None = None
    asset: AssetRefs | None = None


class Event(Model):
    """Something that changed the deal after signing: closing, an amendment, a (partial)
    termination, an option exercised or given up."""

    date: Due
    type: EventType
    label: Text | None = None
    asset: AssetRefs | None = None
    option: Slug | None = None
    territory: StringOrList | None = None
    deal: Slug | None = None


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
    format: Literal[1, 2] | None = None
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
    total_qualifier: Qualifier | None = None
    total_includes: tuple[PartType | Literal["mixed"], ...] | None = None
    total_covers_undisclosed: bool | None = None
    territory: StringOrList | None = None
    therapeutic_areas: tuple[Text, ...] = ()
    tags: tuple[Text, ...] = ()
    related: tuple[Slug, ...] = ()
    amends: Slug | None = None
    summary: Text | None = None
    notes: Text | None = None
    parties: tuple[Party, ...] = Field(min_length=0)
    assets: tuple[Asset, ...] = ()
    tranches: tuple[Tranche, ...] = ()
    options: tuple[Option, ...] = ()
    rights: tuple[Right, ...] = ()
    events: tuple[Event, ...] = ()
    sources: tuple[Source, ...] = ()
    forecast: tuple[Forecast, ...] = ()

    @property
    def date(self) -> date:
        """The deal's date for ordering, filters and FX: signed, else announced."""
        return self.signed or self.announced

    def party(self, name: str) -> Party | None:
        return next((party for party in self.parties if party.name == name), None)

    def asset_named(self, reference: str | tuple[str, ...]) -> Asset | None:
        """The asset a reference names; None for a list of several (see `Tranche.assets`)."""
        if isinstance(reference, tuple):
            if len(reference) != 1:
                return None
            reference = reference[0]
        return next((asset for asset in self.assets if reference in (asset.name, asset.code)), None)

    def option_named(self, option_id: str) -> Option | None:
        return next((option for option in self.options if option.id == option_id), None)

    @property
    def start(self) -> tuple[date, str]:
        """The earliest the deal is known to exist, and its key: signed or announced,
        whichever is earlier. Nothing is paid, achieved or exercised before it."""
        if self.signed is not None and self.signed < self.announced:
            return self.signed, "signed"
        return self.announced, "announced"


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
    # The chance an option is exercised where the option sets none.
    option_exercise: Probability | None = None
    # The sales part of a combined milestone figure where the tranche sets no `sales_share`.
    combined_sales_share: Probability | None = None
    # Chance of reaching a sales milestone's threshold, by the band its amount falls in: each
    # key is the lowest amount (in the reporting currency) of its band.
    sales_thresholds: dict[Money, Probability] = Field(default_factory=dict)


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
