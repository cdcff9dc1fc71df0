"""Rules on the terms format version 2 adds: roles, splits, combined milestones, stock, mixed
tranches, options, rights, events and territory.

Each finding points at the key at fault and says what to write instead. They need nothing
outside the file, so they run with the other within-deal rules and are cached with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ..domain.models import Deal, Tranche
from ..domain.money import readable
from ..domain.periods import Period, after_last_day
from ..domain.problems import Finding, KeyPath, error
from ..domain.regions import region_problem
from .parties import tranche_parties

# Roles no party can hold together: each pair is two sides of the same exchange.
_OPPOSED = (("licensor", "licensee"), ("acquirer", "target"), ("investor", "investee"))
_HUNDRED = Decimal(1)


def check_terms(deal: Deal) -> list[Finding]:
    return [
        *_roles(deal),
        *_before_start(deal),
        *_tranche_terms(deal),
        *_options(deal),
        *_references(deal),
        *_territories(deal),
        *_total_basis(deal),
    ]


def _total_basis(deal: Deal) -> Iterator[Finding]:
    """The headline's qualifier and basis describe a declared total and agree with it."""
    keys = ("total_qualifier", "total_includes", "total_covers_undisclosed")
    if deal.total is None:
        for key in keys:
            if getattr(deal, key) is not None:
                yield error(
                    "DL231",
                    (key,),
                    f"`{key}` describes the declared total, and there is none; add "
                    'total = "…" as announced, or remove it',
                    "key",
                )
        return
    includes = deal.total_includes
    types = {tranche.type for tranche in deal.tranches}
    for index, name in enumerate(includes or ()):
        if name not in types:
            yield error(
                "DL231",
                ("total_includes", index),
                f'total_includes names "{name}", but no tranche has that type; remove it',
            )
    floors = [
        index
        for index, tranche in enumerate(deal.tranches)
        if tranche.qualifier == "over" and (includes is None or tranche.type in includes)
    ]
    if floors and deal.total_qualifier != "over":
        written = deal.total_qualifier or "up to"
        yield error(
            "DL231",
            ("total_qualifier",) if deal.total_qualifier else ("total",),
            f'the total adds tranche {floors[0] + 1}, announced as "over" its amount, so it '
            f'is itself a floor, not "{written}"; write total_qualifier = "over"',
        )


def _roles(deal: Deal) -> Iterator[Finding]:
    for index, party in enumerate(deal.parties):
        roles = party.roles
        loc = ("parties", index, "role")
        if len(set(roles)) != len(roles):
            unique = list(dict.fromkeys(roles))
            yield error(
                "DL215", loc, f"role {_toml_list(roles)} repeats a role; write {_toml_list(unique)}"
            )
        for first, second in _OPPOSED:
            if first in roles and second in roles:
                yield error(
                    "DL215",
                    loc,
                    f"{party.name!r} cannot be both {first} and {second} of one deal; keep the "
                    "role it has in this agreement, and record the other side as its own party",
                )


def _before_start(deal: Deal) -> Iterator[Finding]:
    """Nothing is paid, achieved, exercised or amended before the deal exists."""
    start, start_key = deal.start

    def early(when: date | None, loc: KeyPath, key: str) -> Iterator[Finding]:
        if when is not None and when < start:
            yield error(
                "DL204",
                loc,
                f"{key} {when} is before the deal was {start_key} ({start}); correct the date, "
                f"or the deal's `{start_key}`",
            )

    for index, tranche in enumerate(deal.tranches):
        loc = ("tranches", index)
        yield from early(tranche.paid, (*loc, "paid"), "paid")
        yield from early(tranche.achieved, (*loc, "achieved"), "achieved")
        for key in ("paid_in", "achieved_in"):
            period = getattr(tranche, key)
            if period is not None and period.end < start:
                yield error(
                    "DL204",
                    (*loc, key),
                    f"{key} {period} ends before the deal was {start_key} ({start}); correct it",
                )
    for index, option in enumerate(deal.options):
        yield from early(option.exercised, ("options", index, "exercised"), "exercised")
        yield from early(option.ended, ("options", index, "ended"), "ended")
    for index, event in enumerate(deal.events):
        last = event.date.end if isinstance(event.date, Period) else event.date
        if last < start:
            yield error(
                "DL204",
                ("events", index, "date"),
                f"event date {event.date} is before the deal was {start_key} ({start}); "
                "correct the date",
            )


def _tranche_terms(deal: Deal) -> Iterator[Finding]:
    for index, tranche in enumerate(deal.tranches):
        loc = ("tranches", index)
        yield from _split(deal, tranche, loc)
        yield from _covers(tranche, loc)
        yield from _stock(deal, tranche, loc)
        yield from _parts(tranche, loc)
        if tranche.paid_in is not None and tranche.paid is not None:
            yield error(
                "DL202", (*loc, "paid_in"), "give `paid` (the day) or `paid_in`, not both", "key"
            )
        if tranche.achieved_in is not None and tranche.achieved is not None:
            yield error(
                "DL202",
                (*loc, "achieved_in"),
                "give `achieved` (the day) or `achieved_in`, not both",
                "key",
            )


def _split(deal: Deal, tranche: Tranche, loc: KeyPath) -> Iterator[Finding]:
    if tranche.split is None:
        return
    if not tranche.split:
        yield error("DL116", (*loc, "split"), 'empty split; list { payee = "…", share = "35%" }')
        return
    disclosed = [item.share for item in tranche.split if isinstance(item.share, Decimal)]
    total = sum(disclosed, Decimal(0))
    remainder = len(disclosed) < len(tranche.split)
    shown = f"{total * 100:g}%"
    if remainder and total >= _HUNDRED:
        yield error(
            "DL225",
            (*loc, "split"),
            f"the disclosed shares add up to {shown}, leaving nothing for the share marked "
            '"undisclosed"; correct the shares or remove that entry',
        )
    elif not remainder and total != _HUNDRED:
        yield error(
            "DL225",
            (*loc, "split"),
            f"the split shares add up to {shown}, not 100%; correct them, or mark the "
            'unknown remainder share = "undisclosed"',
        )
    names = {party.name for party in deal.parties}
    for item_index, item in enumerate(tranche.split):
        for name in item.payee:
            if name not in names:
                yield _not_a_party("payee", name, names, (*loc, "split", item_index, "payee"))
            elif tranche.payee is not None and name not in tranche.payee:
                yield error(
                    "DL225",
                    (*loc, "split", item_index, "payee"),
                    f"{name!r} is not among the tranche's payee; add it there, or remove "
                    "`payee` (a split names the payees itself)",
                )


def _covers(tranche: Tranche, loc: KeyPath) -> Iterator[Finding]:
    if tranche.covers is not None and tranche.type not in ("milestone", "commercial"):
        yield error(
            "DL226",
            (*loc, "covers"),
            f"`covers` describes a milestone figure; a {tranche.type} tranche has none: "
            'remove it, or set type = "milestone"',
            "key",
        )
    covers = tranche.covers or ()
    if len(set(covers)) != len(covers):
        yield error("DL226", (*loc, "covers"), "`covers` names a stage twice; name each once")
    if tranche.sales_share is None:
        return
    if "sales" not in covers or len(set(covers) - {"sales"}) == 0:
        yield error(
            "DL226",
            (*loc, "sales_share"),
            "`sales_share` splits a figure that covers sales and another stage; add e.g. "
            'covers = ["development", "regulatory", "sales"], or remove it',
            "key",
        )
    elif tranche.sales_share > _HUNDRED:
        yield error("DL226", (*loc, "sales_share"), "`sales_share` lies between 0% and 100%")


def _stock(deal: Deal, tranche: Tranche, loc: KeyPath) -> Iterator[Finding]:
    stock = tranche.stock
    if stock is None:
        return
    payers, payees = tranche_parties(deal, tranche)
    sides = set(payers) | set(payees)
    if stock.issuer not in sides:
        yield error(
            "DL227",
            (*loc, "stock", "issuer"),
            f"issuer {stock.issuer!r} is neither the tranche's payer nor its payee: an equity "
            "tranche buys the payee's shares, a payment in stock hands over the payer's; "
            "write one of " + ", ".join(f'"{name}"' for name in sorted(sides) or ["…"]),
        )
    stated = stock.amount if stock.amount is not None else tranche.amount
    if (
        stock.shares is None
        or stock.price is None
        or not isinstance(stated, Decimal)
        or (stock.currency or tranche.currency or deal.currency)
        != (tranche.currency or deal.currency)
    ):
        if isinstance(stock.amount, Decimal) and isinstance(tranche.amount, Decimal):
            yield from _stock_part(stock.amount, tranche.amount, loc)
        return
    value = stock.price * stock.shares
    tolerance = max(stated * Decimal("0.005"), _half_unit(stated))
    if abs(value - stated) > tolerance:
        key = "amount" if stock.amount is not None else "price"
        yield error(
            "DL227",
            (*loc, "stock", key),
            f"{stock.shares:,} shares at {stock.price} come to {readable(value)} ({value}), "
            f"not the {readable(stated)} stated; correct the share count, the price or the "
            "amount",
        )
    if isinstance(stock.amount, Decimal) and isinstance(tranche.amount, Decimal):
        yield from _stock_part(stock.amount, tranche.amount, loc)


def _stock_part(part: Decimal, whole: Decimal, loc: KeyPath) -> Iterator[Finding]:
    if part > whole:
        yield error(
            "DL227",
            (*loc, "stock", "amount"),
            f"the part paid in stock ({readable(part)}) exceeds the tranche's amount "
            f"({readable(whole)}); correct one of them",
        )


def _half_unit(amount: Decimal) -> Decimal:
    """Half the place value of the last significant digit: "25.1M" is good to ±50,000."""
    exponent = amount.normalize().as_tuple().exponent
    return Decimal(5).scaleb(exponent - 1) if isinstance(exponent, int) else Decimal(0)


def _parts(tranche: Tranche, loc: KeyPath) -> Iterator[Finding]:
    if tranche.parts is None:
        if tranche.type == "mixed":
            yield error(
                "DL228",
                loc,
                'a mixed tranche lists its parts: add parts = [{ type = "upfront", amount = '
                '"undisclosed" }, { type = "milestone", amount = "undisclosed" }]',
                "key",
            )
        return
    if tranche.type != "mixed":
        yield error(
            "DL228",
            (*loc, "parts"),
            f'`parts` belong to a mixed payment; set type = "mixed" (now "{tranche.type}") '
            "or remove them",
            "key",
        )
        return
    amounts = [part.amount for part in tranche.parts if isinstance(part.amount, Decimal)]
    known = sum(amounts, Decimal(0))
    whole = tranche.disclosed_amount
    if whole is None:
        return
    if known > whole:
        yield error(
            "DL228",
            (*loc, "parts"),
            f"the parts' amounts add up to {readable(known)}, more than the tranche's "
            f"{readable(whole)}; correct them",
        )
    elif len(amounts) == len(tranche.parts) and known != whole:
        yield error(
            "DL228",
            (*loc, "parts"),
            f"every part is disclosed and they add up to {readable(known)}, not the tranche's "
            f'{readable(whole)}; correct them, or mark the unknown part amount = "undisclosed"',
        )


def _options(deal: Deal) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for index, option in enumerate(deal.options):
        loc = ("options", index)
        if option.id in seen:
            yield error(
                "DL216",
                (*loc, "id"),
                f"option id {option.id!r} is also used by [[options]] #{seen[option.id] + 1}; "
                "give each option its own id",
            )
        seen.setdefault(option.id, index)
        if option.status == "exercised" and option.exercised is None:
            yield error(
                "DL206",
                (*loc, "status"),
                'status "exercised" needs the date: add exercised = YYYY-MM-DD',
            )
        if option.exercised is not None and option.status != "exercised":
            yield error(
                "DL206",
                (*loc, "exercised"),
                f'an exercised date needs status = "exercised" (status is "{option.status}")',
                "key",
            )
        if option.ended is not None and option.status not in ("declined", "lapsed"):
            yield error(
                "DL206",
                (*loc, "ended"),
                f'`ended` dates a declined or lapsed option (status is "{option.status}"); '
                'set status = "declined" or "lapsed", or remove it',
                "key",
            )
        if (
            option.exercised is not None
            and option.deadline is not None
            and after_last_day(option.exercised, option.deadline)
        ):
            yield error(
                "DL205",
                (*loc, "exercised"),
                f"exercised {option.exercised} is after the option's deadline "
                f"{option.deadline}; correct the date or the deadline",
            )
        names = {party.name for party in deal.parties}
        for name in option.holder:
            if name not in names:
                yield _not_a_party("holder", name, names, (*loc, "holder"))


def _references(deal: Deal) -> Iterator[Finding]:
    """Assets, options and parties named by tranches, rights and events exist in the deal."""
    option_ids = {option.id for option in deal.options}
    names = {party.name for party in deal.parties}
    for table, items in (
        ("tranches", deal.tranches),
        ("options", deal.options),
        ("rights", deal.rights),
        ("events", deal.events),
    ):
        for index, item in enumerate(items):
            asset = getattr(item, "asset", None)
            if isinstance(asset, tuple) or (table != "tranches" and asset is not None):
                refs = asset if isinstance(asset, tuple) else (asset,)
                for ref_index, ref in enumerate(refs):
                    if deal.asset_named(ref) is None:
                        known = [known.name for known in deal.assets]
                        hint = (
                            "write one of " + ", ".join(f'"{name}"' for name in known)
                            if known
                            else "add it under [[assets]]"
                        )
                        where = (
                            (table, index, "asset", ref_index)
                            if len(refs) > 1
                            else (
                                table,
                                index,
                                "asset",
                            )
                        )
                        yield error(
                            "DL214",
                            where,
                            f"asset {ref!r} is not an asset name or code of this deal; {hint}",
                        )
            option = getattr(item, "option", None)
            if option is not None and option not in option_ids:
                hint = (
                    "write one of " + ", ".join(f'"{known}"' for known in sorted(option_ids))
                    if option_ids
                    else "add it as [[options]] with that id"
                )
                yield error(
                    "DL216",
                    (table, index, "option"),
                    f"no [[options]] of this deal has id {option!r}; {hint}",
                )
    for index, right in enumerate(deal.rights):
        for name in right.holder:
            if name not in names:
                yield _not_a_party("holder", name, names, ("rights", index, "holder"))
    for index, event in enumerate(deal.events):
        if event.type == "partial-termination" and event.asset is None:
            yield error(
                "DL229",
                ("events", index),
                'a partial termination names what it ends: add asset = "…" (or a list)',
                "key",
            )
        if event.type.startswith("option-") and event.option is None:
            yield error(
                "DL229",
                ("events", index),
                f'a {event.type} event names its option: add option = "<id>"',
                "key",
            )


def _territories(deal: Deal) -> Iterator[Finding]:
    """Territory entries are codes or region words, in files that declare format 2."""
    if deal.format != 2:
        return
    places: list[tuple[KeyPath, tuple[str, ...] | None]] = [(("territory",), deal.territory)]
    places += [(("options", i, "territory"), o.territory) for i, o in enumerate(deal.options)]
    places += [(("rights", i, "territory"), r.territory) for i, r in enumerate(deal.rights)]
    places += [(("events", i, "territory"), e.territory) for i, e in enumerate(deal.events)]
    for loc, entries in places:
        for entry_index, entry in enumerate(entries or ()):
            problem = region_problem(entry)
            if problem is not None:
                where = (*loc, entry_index) if len(entries or ()) > 1 else loc
                yield error("DL117", where, problem)


def _not_a_party(key: str, name: str, names: set[str], loc: KeyPath) -> Finding:
    known = ", ".join(f'"{party}"' for party in sorted(names))
    return error("DL210", loc, f"{key} {name!r} is not a party of this deal; write one of {known}")


def _toml_list(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"
