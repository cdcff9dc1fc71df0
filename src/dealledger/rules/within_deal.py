"""Rules within one deal file that relate several values: dates, statuses, parties, money.

They run on a validated `Deal` and depend on nothing outside the file, so their findings can
be cached with the file. Rules that also need the settings are in `with_settings.py`; those
that need other files or today's date are in `across_files.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..domain.models import Deal, Tranche
from ..domain.problems import Finding, error
from ..domain.royalties import check_forecasts
from .parties import paying_and_receiving, tranche_parties
from .terms import check_terms


def check_deal(deal: Deal) -> list[Finding]:
    return [
        *_date_order(deal),
        *_status_dates(deal),
        *_parties(deal),
        *_assets(deal),
        *_money_presence(deal),
        *_royalties(deal),
        *_tranche_parties(deal),
        *_related(deal),
        *check_forecasts(deal),
        *check_terms(deal),
    ]


def _date_order(deal: Deal) -> Iterator[Finding]:
    if deal.effective and deal.signed and deal.effective < deal.signed:
        yield error(
            "DL201",
            ("effective",),
            f"effective {deal.effective} is before signed {deal.signed}; "
            "the closing date cannot precede signing",
        )
    start, start_key = (deal.signed, "signed") if deal.signed else (deal.announced, "announced")
    if deal.terminated and deal.terminated < start:
        yield error(
            "DL201",
            ("terminated",),
            f"terminated {deal.terminated} is before {start_key} {start}",
        )
    for index, tranche in enumerate(deal.tranches):
        if tranche.paid and tranche.achieved and tranche.paid < tranche.achieved:
            yield error(
                "DL201",
                ("tranches", index, "paid"),
                f"paid {tranche.paid} is before achieved {tranche.achieved}; "
                "a payment follows its event",
            )


def _status_dates(deal: Deal) -> Iterator[Finding]:
    if deal.status == "terminated" and deal.terminated is None:
        yield error(
            "DL202",
            ("status",),
            'status "terminated" needs the date: add terminated = YYYY-MM-DD',
        )
    if deal.terminated is not None and deal.status != "terminated":
        yield error(
            "DL202",
            ("terminated",),
            f'a terminated date needs status = "terminated" (status is "{deal.status}")',
            anchor="key",
        )
    for index, tranche in enumerate(deal.tranches):
        loc = ("tranches", index)
        if tranche.status == "achieved" and tranche.achieved_date is None:
            yield error(
                "DL202",
                (*loc, "status"),
                'status "achieved" needs the date: add achieved = YYYY-MM-DD',
            )
        if tranche.status == "paid" and tranche.paid_date is None:
            yield error(
                "DL202", (*loc, "status"), 'status "paid" needs the date: add paid = YYYY-MM-DD'
            )
        for key in ("paid", "paid_in"):
            if getattr(tranche, key) is not None and tranche.status != "paid":
                yield error(
                    "DL202",
                    (*loc, key),
                    f'a paid date needs status = "paid" (status is "{tranche.status}")',
                    anchor="key",
                )
        for key in ("achieved", "achieved_in"):
            if getattr(tranche, key) is not None and tranche.status == "expected":
                yield error(
                    "DL202",
                    (*loc, key),
                    'an achieved date needs status = "achieved" (or "paid" once paid)',
                    anchor="key",
                )


def _parties(deal: Deal) -> Iterator[Finding]:
    if len(deal.parties) < 2:
        loc = ("parties", 0) if deal.parties else ()
        yield error(
            "DL212",
            loc,
            f"a deal needs at least two [[parties]], found {len(deal.parties)}; add "
            '[[parties]] with name = "..." and role = "licensee" (or another role)',
            anchor="table" if not deal.parties else "key",
        )
    seen: set[str] = set()
    for index, party in enumerate(deal.parties):
        if party.name in seen:
            yield error(
                "DL213",
                ("parties", index, "name"),
                f"party {party.name!r} is listed twice; name each party once",
            )
        seen.add(party.name)


def _assets(deal: Deal) -> Iterator[Finding]:
    names = {party.name for party in deal.parties}
    seen: set[str] = set()
    for index, asset in enumerate(deal.assets):
        if asset.name in seen:
            yield error(
                "DL213",
                ("assets", index, "name"),
                f"asset {asset.name!r} is listed twice; give each asset its own name",
            )
        seen.add(asset.name)
        if asset.owner is not None and asset.owner not in names:
            yield error(
                "DL210",
                ("assets", index, "owner"),
                f"owner {asset.owner!r} is not a party of this deal; "
                f"write one of {_quoted(sorted(names))}",
            )
    for index, tranche in enumerate(deal.tranches):
        # A list of assets is checked entry by entry with the version-2 terms.
        if isinstance(tranche.asset, str) and deal.asset_named(tranche.asset) is None:
            known = [asset.name for asset in deal.assets]
            hint = f"write one of {_quoted(known)}" if known else "add it under [[assets]]"
            yield error(
                "DL214",
                ("tranches", index, "asset"),
                f"asset {tranche.asset!r} is not an asset name or code of this deal; {hint}",
            )


def _money_presence(deal: Deal) -> Iterator[Finding]:
    if deal.financials == "disclosed" and not deal.tranches:
        yield error(
            "DL220",
            (),
            'financials are "disclosed" (the default) but there are no [[tranches]]; '
            'add the tranches, or write financials = "undisclosed"',
            anchor="table",
        )
    if deal.financials != "disclosed":
        for index, tranche in enumerate(deal.tranches):
            if tranche.amount is not None:
                yield error(
                    "DL220",
                    ("tranches", index, "amount"),
                    f'financials = "{deal.financials}" allows no amounts; remove the amount '
                    'or write financials = "disclosed"',
                    anchor="key",
                )
        if deal.total is not None:
            yield error(
                "DL220",
                ("total",),
                f'financials = "{deal.financials}" allows no declared total; remove it',
                anchor="key",
            )
    if deal.currency is None and (
        deal.total is not None
        or any(tranche.disclosed_amount is not None for tranche in deal.tranches)
    ):
        yield error(
            "DL221",
            (),
            'the deal has amounts but no currency; add currency = "USD" (an ISO 4217 code)',
            anchor="table",
        )
    for index, tranche in enumerate(deal.tranches if deal.financials == "disclosed" else ()):
        if tranche.type != "royalty" and tranche.amount is None:
            yield error(
                "DL224",
                ("tranches", index),
                f'a {tranche.type} tranche needs an amount; write amount = "110M" '
                'or amount = "undisclosed"',
                anchor="key",
            )


def _royalties(deal: Deal) -> Iterator[Finding]:
    for index, tranche in enumerate(deal.tranches):
        loc = ("tranches", index)
        if tranche.type == "royalty":
            if tranche.amount is not None:
                yield error(
                    "DL222",
                    (*loc, "amount"),
                    'royalties carry no amount; give the rate (rate = "8%") or tiers instead',
                    anchor="key",
                )
            if tranche.rate is None and tranche.tiers is None:
                yield error(
                    "DL222",
                    loc,
                    'a royalty needs rate = "12%" (or a band such as "single-digit") or tiers',
                    anchor="key",
                )
            if tranche.tiers is not None:
                yield from _tier_order(tranche, loc)
        elif tranche.rate is not None or tranche.tiers is not None:
            for key in ("rate", "tiers"):
                if getattr(tranche, key) is not None:
                    yield error(
                        "DL222",
                        (*loc, key),
                        f"`{key}` belongs to royalty tranches only; remove it or set "
                        'type = "royalty"',
                        anchor="key",
                    )


def _tier_order(tranche: Tranche, loc: tuple[str | int, ...]) -> Iterator[Finding]:
    tiers = tranche.tiers or ()
    if not tiers:
        yield error(
            "DL223", (*loc, "tiers"), 'tiers is empty; list at least { from = 0, rate = "5%" }'
        )
        return
    if tiers[0].start != 0:
        yield error(
            "DL223",
            (*loc, "tiers", 0, "from"),
            f"the first tier starts at 0 (from = 0), not {tiers[0].start}",
        )
    previous: Decimal | None = None
    for tier_index, tier in enumerate(tiers):
        if previous is not None and tier.start <= previous:
            yield error(
                "DL223",
                (*loc, "tiers", tier_index, "from"),
                f"tier `from` values increase strictly; {tier.start} follows {previous}",
            )
        previous = tier.start


def _tranche_parties(deal: Deal) -> Iterator[Finding]:
    payers, payees = paying_and_receiving(deal)
    can_default = len(payers) == 1 and len(payees) == 1
    names = {party.name for party in deal.parties}
    for index, tranche in enumerate(deal.tranches):
        if can_default and tranche.payer is None and tranche.payee is None:
            continue  # both sides defaulted: the common case, nothing to check
        loc = ("tranches", index)
        for key, given in (("payer", tranche.payer), ("payee", tranche.payee)):
            if given is None and key == "payee" and tranche.split:
                continue  # the split names the payees (checked with the split)
            if given is None:
                if not can_default:
                    side = payers if key == "payer" else payees
                    example = side[0] if len(side) == 1 else (side or sorted(names) or ["name"])
                    yield error(
                        "DL211",
                        loc,
                        f"`{key}` cannot be defaulted: the deal has {len(payers)} paying and "
                        f"{len(payees)} receiving parties (the default needs one of each); "
                        f"write {key} = {_toml_names(example)}",
                        anchor="key",
                    )
                continue
            for name_index, name in enumerate(given):
                if name not in names:
                    item_loc = (*loc, key, name_index) if len(given) > 1 else (*loc, key)
                    yield error(
                        "DL210",
                        item_loc,
                        f"{key} {name!r} is not a party of this deal; write one of "
                        f"{_quoted(sorted(names))}",
                    )


def _related(deal: Deal) -> Iterator[Finding]:
    for index, related_id in enumerate(deal.related):
        if related_id == deal.id:
            yield error(
                "DL305",
                ("related", index),
                f"deal {deal.id!r} lists itself in `related`; remove it",
            )


def _toml_names(names: str | list[str]) -> str:
    """A TOML value naming one party or a list of them, ready to paste."""
    if isinstance(names, str):
        return f'"{names}"'
    if len(names) == 1:
        return f'"{names[0]}"'
    return "[" + ", ".join(f'"{name}"' for name in names) + "]"


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names) if names else "(none)"


__all__ = ["check_deal", "paying_and_receiving", "tranche_parties"]
