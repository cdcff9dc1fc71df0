"""The data of `dealledger report`: everything the HTML page and its charts show, as plain
values (dicts, lists, Decimals, dates) computed from the ledger.

The page renderer (render/html.py) and the chart renderer (render/svg.py) only format what is
here. Figures follow the spec: deal figures in the deal's currency, ledger totals and the
payment schedule in the reporting currency, converted tranche by tranche by the FX rule; an
amount no rate covers is left out and listed, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from ..figures import CATEGORIES, CATEGORY_OF_TYPE, converted_amount, deal_figures
from ..fx import MissingRate
from ..ledger import Entry, Ledger
from ..periods import Period, due_start, due_text
from ..rules import tranche_parties
from .check import problem_record
from .summary import summary_record

FIGURE_KEYS = (*CATEGORIES, "total", "paid", "forfeited", "outstanding")
DEAL_EVENTS = ("announced", "signed", "effective", "terminated")


def reporting_currency(ledger: Ledger) -> str | None:
    """The settings' currency; else the one currency every deal uses; else None."""
    if ledger.settings.currency:
        return ledger.settings.currency
    currencies = {entry.deal.currency for entry in ledger.entries if entry.deal.currency}
    return currencies.pop() if len(currencies) == 1 else None


# --------------------------------------------------------------------------- totals


def _empty_group(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "deals": 0,
        **dict.fromkeys(FIGURE_KEYS, Decimal(0)),
        "incomplete_deals": 0,
    }


def _add(group: dict[str, Any], figures: dict[str, Decimal | None], complete: bool) -> None:
    group["deals"] += 1
    for name in FIGURE_KEYS:
        if figures[name] is not None:
            group[name] += figures[name]
    if not complete:
        group["incomplete_deals"] += 1


def totals_blocks(ledger: Ledger, currency: str | None) -> tuple[list[dict[str, Any]], list[str]]:
    """Totals by year and overall: one block in the reporting currency, or one per currency.

    Returns the blocks and the deals that could not be converted (no FX rate).
    """
    blocks: dict[str, dict[str, Any]] = {}
    years: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    gaps: list[str] = []
    for entry in ledger.entries:
        deal = entry.deal
        target = currency or deal.currency
        if target is None:
            continue  # no amounts at all (financials none/undisclosed without a currency)
        try:
            figures = deal_figures(deal, ledger.fx, target)
        except MissingRate as exc:
            gaps.append(f"{deal.id}: {exc}")
            continue
        block = blocks.setdefault(target, {"currency": target, "overall": _empty_group("all")})
        year = str(deal.date.year)
        row = years[target].setdefault(year, _empty_group(year))
        values = figures.as_dict()
        complete = figures.complete and deal.financials != "undisclosed"
        _add(row, values, complete)
        _add(block["overall"], values, complete)
    result = []
    for target in sorted(blocks):
        block = blocks[target]
        block["rows"] = [years[target][year] for year in sorted(years[target])]
        result.append(block)
    return result, gaps


# --------------------------------------------------------------------------- timeline


def timeline_events(ledger: Ledger) -> list[dict[str, Any]]:
    """Every dated event: the deal's own dates and each tranche's due, achieved and paid.

    Shaped like the reports' `timeline --format json` objects, plus `sort` (the date a
    period starts on) so charts can place periods.
    """
    events: list[dict[str, Any]] = []
    for entry in ledger.entries:
        deal = entry.deal
        for name in DEAL_EVENTS:
            when = getattr(deal, name)
            if when is not None:
                events.append(_event(when, deal.id, name, None, deal.title, None, None))
        for tranche in deal.tranches:
            currency = tranche.currency or deal.currency
            amount = tranche.disclosed_amount
            label = tranche.label or tranche.type
            for name in ("due", "achieved", "paid"):
                when = getattr(tranche, name)
                if when is not None:
                    events.append(
                        _event(when, deal.id, name, tranche.type, label, amount, currency)
                    )
    events.sort(key=lambda event: (event["sort"], event["deal"], DEAL_ORDER.get(event["event"], 9)))
    return events


DEAL_ORDER = {name: index for index, name in enumerate((*DEAL_EVENTS, "due", "achieved", "paid"))}


def _event(
    when: date | Period,
    deal_id: str,
    event: str,
    tranche_type: str | None,
    label: str,
    amount: Decimal | None,
    currency: str | None,
) -> dict[str, Any]:
    return {
        "date": due_text(when),
        "sort": due_start(when),
        "deal": deal_id,
        "event": event,
        "type": tranche_type,
        "label": label,
        "amount": amount,
        "currency": currency if amount is not None else None,
    }


# --------------------------------------------------------------------------- schedule


def payment_schedule(
    ledger: Ledger, currency: str, *, deal_currency: str | None = None
) -> dict[str, Any]:
    """Per year: what was paid and what is due, in `currency`; plus what has no date.

    Paid counts on its paid date; a tranche still to come (expected or achieved) counts in
    the year its `due` starts, else in `unscheduled`. Forfeited tranches, royalties and
    undisclosed amounts carry no figure and are left out (undisclosed ones are counted).
    With `deal_currency`, only deals in that currency are scheduled: without a reporting
    currency, each currency gets its own schedule instead of one that adds euros to dollars.
    """
    periods: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"paid": Decimal(0), "due": Decimal(0)}
    )
    unscheduled = Decimal(0)
    undisclosed = 0
    gaps: list[str] = []
    for entry in ledger.entries:
        deal = entry.deal
        target = currency
        if deal.financials != "disclosed" or deal.currency is None:
            continue
        if deal_currency is not None and deal.currency != deal_currency:
            continue
        for tranche in deal.tranches:
            if CATEGORY_OF_TYPE.get(tranche.type) is None or tranche.status == "forfeited":
                continue
            if tranche.is_undisclosed:
                undisclosed += 1
                continue
            try:
                amount = converted_amount(deal, tranche, target, ledger.fx)
            except MissingRate as exc:
                gaps.append(f"{deal.id}: {exc}")
                continue
            if amount is None:
                continue
            if tranche.status == "paid" and tranche.paid is not None:
                periods[str(tranche.paid.year)]["paid"] += amount
            elif tranche.due is not None:
                periods[str(due_start(tranche.due).year)]["due"] += amount
            else:
                unscheduled += amount
    return {
        "currency": currency,
        "periods": [{"period": key, **periods[key]} for key in sorted(periods)],
        "unscheduled": unscheduled,
        "undisclosed_tranches": undisclosed,
        "conversion_gaps": gaps,
    }


# --------------------------------------------------------------------------- deal detail


def _names(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def deal_detail(entry: Entry, ledger: Ledger) -> dict[str, Any]:
    """The summarize object plus what a reader of one deal wants: terms, assets, sources."""
    deal = entry.deal
    record = summary_record(entry, ledger)
    tranches = []
    for tranche in deal.tranches:
        payers, payees = tranche_parties(deal, tranche)
        converted = None
        if deal.currency and tranche.currency and tranche.currency != deal.currency:
            try:
                converted = converted_amount(deal, tranche, deal.currency, ledger.fx)
            except MissingRate:
                converted = None
        tranches.append(
            {
                "type": tranche.type,
                "label": tranche.label,
                "amount": tranche.disclosed_amount,
                "undisclosed": tranche.is_undisclosed,
                "currency": tranche.currency or deal.currency,
                "converted": converted,
                "payer": _names(payers),
                "payee": _names(payees),
                "status": tranche.status,
                "due": due_text(tranche.due) if tranche.due is not None else None,
                "achieved": tranche.achieved,
                "paid": tranche.paid,
                "rate": tranche.rate,
                "tiers": [{"from": tier.start, "rate": tier.rate} for tier in tranche.tiers or ()],
            }
        )
    related_to = [other.deal.id for other in ledger.all_entries if deal.id in other.deal.related]
    return {
        **record,
        "effective": deal.effective,
        "terminated": deal.terminated,
        "financials": deal.financials,
        "territory": _names(deal.territory),
        "therapeutic_areas": list(deal.therapeutic_areas),
        "tags": list(deal.tags),
        "summary": deal.summary,
        "notes": deal.notes,
        "related": sorted(set(deal.related) | set(related_to)),
        "assets": [
            {
                "name": asset.name,
                "code": asset.code,
                "modality": asset.modality,
                "target": asset.target,
                "owner": asset.owner,
                "indications": list(asset.indications),
                "phase": asset.phase,
            }
            for asset in deal.assets
        ],
        "tranches": tranches,
        "sources": [
            {
                "url": source.url,
                "title": source.title,
                "publisher": source.publisher,
                "published": source.published,
            }
            for source in deal.sources
        ],
    }


# --------------------------------------------------------------------------- the report


def report_data(ledger: Ledger, today: date, title: str | None = None) -> dict[str, Any]:
    currency = reporting_currency(ledger)
    totals, gaps = totals_blocks(ledger, currency)
    if currency is not None:
        schedules = [payment_schedule(ledger, currency)]
    else:
        deal_currencies = sorted({e.deal.currency for e in ledger.entries if e.deal.currency})
        schedules = [payment_schedule(ledger, c, deal_currency=c) for c in deal_currencies]
    lanes = [
        {"deal": entry.deal.id, "title": entry.deal.title, "date": entry.deal.date}
        for entry in ledger.entries
    ]
    return {
        "title": title or "Deal ledger report",
        "generated": today,
        "currency": currency,
        "summary": [summary_record(entry, ledger) for entry in ledger.entries],
        "totals": totals,
        "timeline": timeline_events(ledger),
        "lanes": lanes,
        "schedules": schedules,
        "deals": [deal_detail(entry, ledger) for entry in ledger.entries],
        "problems": [problem_record(problem) for problem in ledger.problems],
        "conversion_gaps": sorted(
            set(gaps).union(*(schedule["conversion_gaps"] for schedule in schedules))
        ),
    }
