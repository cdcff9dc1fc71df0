"""`export`: the ledger as flat tables, for SQLite, JSON or CSV.

Amounts are stored twice: as exact decimal TEXT (what the file says, never a float) and as
INTEGER minor units (cents), because SQLite's own arithmetic on decimals is binary floating
point. Each tranche also carries its amount converted to the reporting currency by the same
per-tranche rule as `totals`, so `SELECT SUM(reporting_minor) FROM tranches` gives the
ledger total in cents, equal to `totals` to the cent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from .. import __version__
from ..domain.codes import minor_unit
from ..domain.figures import (
    CATEGORY_OF_TYPE,
    FIGURE_NAMES,
    conversion_date,
    deal_figures,
    tranche_currency,
)
from ..domain.periods import due_start, due_text
from ..domain.safe_text import unicode_safe
from ..ledger import Entry, Ledger
from ..rules.within_deal import tranche_parties
from .currency import convert
from .timeline import deal_events
from .totals import JOINT, party_key

FORMAT_VERSION = "1"


@dataclass(frozen=True, slots=True)
class Table:
    """A table's columns with their SQL declarations, its key and its indexes."""

    name: str
    columns: tuple[tuple[str, str], ...]
    primary_key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    foreign_key: bool = True

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def create_sql(self) -> list[str]:
        lines = [f"{name} {declaration}" for name, declaration in self.columns]
        lines.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        if self.foreign_key:
            lines.append("FOREIGN KEY (deal_id) REFERENCES deals(id)")
        body = ",\n  ".join(lines)
        statements = [f"CREATE TABLE {self.name} (\n  {body}\n)"]
        for columns in self.indexes:
            index_name = f"{self.name}_{'_'.join(columns)}"
            statements.append(f"CREATE INDEX {index_name} ON {self.name} ({', '.join(columns)})")
        return statements


MONEY_FIGURES = FIGURE_NAMES

TABLES: tuple[Table, ...] = (
    Table(
        "meta",
        (("key", "TEXT NOT NULL"), ("value", "TEXT")),
        ("key",),
        foreign_key=False,
    ),
    Table(
        "deals",
        (
            ("id", "TEXT NOT NULL"),
            ("title", "TEXT NOT NULL"),
            ("kind", "TEXT NOT NULL"),
            ("status", "TEXT NOT NULL"),
            ("announced", "TEXT NOT NULL"),
            ("signed", "TEXT"),
            ("effective", "TEXT"),
            ("terminated", "TEXT"),
            ("date", "TEXT NOT NULL"),
            ("year", "INTEGER NOT NULL"),
            ("currency", "TEXT"),
            ("financials", "TEXT NOT NULL"),
            ("declared_total", "TEXT"),
            ("total_qualifier", "TEXT"),
            ("total_includes", "TEXT"),
            ("total_covers_undisclosed", "INTEGER"),
            *((name, "TEXT") for name in MONEY_FIGURES),
            ("complete", "INTEGER NOT NULL"),
            ("territory", "TEXT"),
            ("therapeutic_areas", "TEXT"),
            ("tags", "TEXT"),
            ("summary", "TEXT"),
            ("notes", "TEXT"),
            ("path", "TEXT NOT NULL"),
        ),
        ("id",),
        (("date",), ("kind",), ("status",)),
        foreign_key=False,
    ),
    Table(
        "parties",
        (
            ("deal_id", "TEXT NOT NULL"),
            ("position", "INTEGER NOT NULL"),
            ("name", "TEXT NOT NULL"),
            ("role", "TEXT NOT NULL"),
            ("parent", "TEXT"),
            ("country", "TEXT"),
            ("registered_name", "TEXT NOT NULL"),
            ("group_name", "TEXT NOT NULL"),
        ),
        ("deal_id", "position"),
        (("name",), ("group_name",)),
    ),
    Table(
        "assets",
        (
            ("deal_id", "TEXT NOT NULL"),
            ("position", "INTEGER NOT NULL"),
            ("name", "TEXT NOT NULL"),
            ("code", "TEXT"),
            ("modality", "TEXT"),
            ("target", "TEXT"),
            ("owner", "TEXT"),
            ("indications", "TEXT"),
            ("phase", "TEXT"),
        ),
        ("deal_id", "position"),
        (("name",),),
    ),
    Table(
        "tranches",
        (
            ("deal_id", "TEXT NOT NULL"),
            ("position", "INTEGER NOT NULL"),
            ("type", "TEXT NOT NULL"),
            ("category", "TEXT"),
            ("label", "TEXT"),
            ("status", "TEXT NOT NULL"),
            ("currency", "TEXT"),
            ("amount", "TEXT"),
            ("amount_minor", "INTEGER"),
            ("undisclosed", "INTEGER NOT NULL"),
            ("payer", "TEXT"),
            ("payee", "TEXT"),
            ("payer_group", "TEXT"),
            ("payee_group", "TEXT"),
            ("due", "TEXT"),
            ("due_start", "TEXT"),
            ("achieved", "TEXT"),
            ("paid", "TEXT"),
            ("phase", "TEXT"),
            ("asset", "TEXT"),
            ("probability", "TEXT"),
            ("rate", "TEXT"),
            ("tiers", "TEXT"),
            ("fx_date", "TEXT"),
            ("reporting_currency", "TEXT"),
            ("reporting_amount", "TEXT"),
            ("reporting_minor", "INTEGER"),
        ),
        ("deal_id", "position"),
        (("type",), ("status",), ("payee_group",), ("payer_group",), ("due_start",)),
    ),
    Table(
        "sources",
        (
            ("deal_id", "TEXT NOT NULL"),
            ("position", "INTEGER NOT NULL"),
            ("url", "TEXT NOT NULL"),
            ("title", "TEXT"),
            ("publisher", "TEXT"),
            ("published", "TEXT"),
        ),
        ("deal_id", "position"),
    ),
    Table(
        "events",
        (
            ("deal_id", "TEXT NOT NULL"),
            ("position", "INTEGER NOT NULL"),
            ("date", "TEXT NOT NULL"),
            ("start", "TEXT NOT NULL"),
            ("event", "TEXT NOT NULL"),
            ("tranche_position", "INTEGER"),
            ("type", "TEXT"),
            ("label", "TEXT"),
            ("amount", "TEXT"),
            ("currency", "TEXT"),
        ),
        ("deal_id", "position"),
        (("start",), ("event",)),
    ),
    Table(
        "areas",
        (("deal_id", "TEXT NOT NULL"), ("area", "TEXT NOT NULL")),
        ("deal_id", "area"),
        (("area",),),
    ),
    Table(
        "tags",
        (("deal_id", "TEXT NOT NULL"), ("tag", "TEXT NOT NULL")),
        ("deal_id", "tag"),
        (("tag",),),
    ),
    Table(
        "related",
        (("deal_id", "TEXT NOT NULL"), ("related_id", "TEXT NOT NULL")),
        ("deal_id", "related_id"),
        (("related_id",),),
    ),
)
Rows = dict[str, list[dict[str, Any]]]


def minor_units(amount: Decimal | None, currency: str | None) -> int | None:
    """The amount in the currency's minor unit (cents); exact for amounts written to the cent,
    rounded half-even below that."""
    if amount is None or currency is None:
        return None
    scaled = amount.scaleb(minor_unit(currency))
    # to_integral_value, not quantize: quantize refuses (InvalidOperation) a result of more
    # digits than the context keeps, and a converted amount may have 31 (10^15 x 10^15).
    return int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN))


def _joined(values: Any) -> str | None:
    items = [str(value) for value in values or ()]
    return "; ".join(items) if items else None


def _deal_row(entry: Entry, ledger: Ledger) -> dict[str, Any]:
    deal = entry.deal
    computed = deal_figures(deal, ledger.fx)
    figures = computed.as_dict()
    complete = computed.complete
    return {
        "id": deal.id,
        "title": deal.title,
        "kind": deal.kind,
        "status": deal.status,
        "announced": deal.announced.isoformat(),
        "signed": deal.signed.isoformat() if deal.signed else None,
        "effective": deal.effective.isoformat() if deal.effective else None,
        "terminated": deal.terminated.isoformat() if deal.terminated else None,
        "date": deal.date.isoformat(),
        "year": deal.date.year,
        "currency": deal.currency,
        "financials": deal.financials,
        "declared_total": deal.total.value if deal.total is not None else None,
        # The headline's basis (format 2), so an import reads the total as the file meant it.
        "total_qualifier": deal.total_qualifier,
        "total_includes": _joined(deal.total_includes),
        "total_covers_undisclosed": None
        if deal.total_covers_undisclosed is None
        else int(deal.total_covers_undisclosed),
        **figures,
        "complete": int(complete),
        "territory": _joined(deal.territory),
        "therapeutic_areas": _joined(deal.therapeutic_areas),
        "tags": _joined(deal.tags),
        "summary": deal.summary,
        "notes": deal.notes,
        "path": None,  # the file's place, filled in by export_chunks on every run
    }


def _tranche_rows(entry: Entry, ledger: Ledger, currency: str | None) -> list[dict[str, Any]]:
    deal = entry.deal
    rows = []
    for position, tranche in enumerate(deal.tranches):
        payers, payees = tranche_parties(deal, tranche)
        source_currency = tranche_currency(deal, tranche) if tranche.amount is not None else None
        amount = tranche.disclosed_amount
        counted = (
            deal.financials == "disclosed"
            and tranche.type in CATEGORY_OF_TYPE
            and amount is not None
        )
        reporting = convert(entry, position, currency, ledger) if counted else None
        rows.append(
            {
                "deal_id": deal.id,
                "position": position + 1,
                "type": tranche.type,
                "category": CATEGORY_OF_TYPE.get(tranche.type),
                "label": tranche.label,
                "status": tranche.status,
                "currency": source_currency,
                "amount": amount,
                "amount_minor": minor_units(amount, source_currency),
                "undisclosed": int(tranche.is_undisclosed),
                "payer": JOINT.join(payers) or None,
                "payee": JOINT.join(payees) or None,
                "payer_group": party_key(deal, payers, ledger.registry, group=True),
                "payee_group": party_key(deal, payees, ledger.registry, group=True),
                "due": str(tranche.due) if tranche.due is not None else None,
                "due_start": due_start(tranche.due).isoformat() if tranche.due else None,
                "achieved": tranche.achieved.isoformat() if tranche.achieved else None,
                "paid": tranche.paid.isoformat() if tranche.paid else None,
                "phase": tranche.phase,
                "asset": JOINT.join(tranche.assets) or None,
                "probability": tranche.probability,
                "rate": tranche.rate,
                # A list here; the renderers write it as one compact JSON cell.
                "tiers": [{"from": tier.start, "rate": tier.rate} for tier in tranche.tiers]
                if tranche.tiers
                else None,
                "fx_date": conversion_date(deal, tranche).isoformat() if counted else None,
                "reporting_currency": currency if reporting is not None else None,
                "reporting_amount": reporting,
                "reporting_minor": minor_units(reporting, currency),
            }
        )
    return rows


def _event_rows(entry: Entry) -> list[dict[str, Any]]:
    rows = []
    for number, event in enumerate(deal_events(entry.deal), start=1):
        record = event.record()
        rows.append(
            {
                "deal_id": entry.deal.id,
                "position": number,
                "date": due_text(event.when),
                "start": event.start.isoformat(),
                "event": event.event,
                "tranche_position": event.position + 1 if event.position is not None else None,
                "type": record["type"],
                "label": record["label"],
                "amount": record["amount"],
                "currency": record["currency"],
            }
        )
    return rows


def meta_rows(currency: str | None) -> list[dict[str, Any]]:
    return [
        {"key": "format_version", "value": FORMAT_VERSION},
        {"key": "reporting_currency", "value": currency},
        {"key": "dealledger_version", "value": __version__},
    ]


def export_rows(ledger: Ledger, currency: str | None) -> Rows:
    """Every table as a list of row dicts (Decimal amounts kept exact)."""
    rows: Rows = {table.name: [] for table in TABLES}
    for chunk in export_chunks(ledger, currency):
        for name, found in chunk.items():
            rows[name].extend(found)
    return rows


def export_chunks(ledger: Ledger, currency: str | None) -> Iterator[Rows]:
    """The tables in pieces: the meta table, then each deal's rows of every table.

    For writers that stream (SQLite), so a large ledger is never held whole. A deal's rows
    depend on its file, the settings and the reporting currency alone, so the ledger keeps
    them per file version (`Ledger.derived`) and a warm export decodes no deal; only the
    file's place (`path`) is filled in each time.
    """
    yield {"meta": meta_rows(currency)}
    kept = ledger.derived(f"export|{currency}", lambda entry: deal_rows(entry, ledger, currency))
    for entry, tables in zip(ledger.entries, kept, strict=True):
        tables["deals"][0]["path"] = unicode_safe(entry.display)
        yield tables


def deal_rows(entry: Entry, ledger: Ledger, currency: str | None) -> Rows:
    """One deal's rows of every table but meta."""
    registry = ledger.registry
    deal = entry.deal
    rows: Rows = {table.name: [] for table in TABLES if table.name != "meta"}
    rows["deals"].append(_deal_row(entry, ledger))
    for position, party in enumerate(deal.parties, start=1):
        rows["parties"].append(
            {
                "deal_id": deal.id,
                "position": position,
                "name": party.name,
                "role": party.role_text,
                "parent": party.parent,
                "country": party.country,
                "registered_name": registry.canonical(party.name),
                "group_name": registry.group(party),
            }
        )
    for position, asset in enumerate(deal.assets, start=1):
        rows["assets"].append(
            {
                "deal_id": deal.id,
                "position": position,
                "name": asset.name,
                "code": asset.code,
                "modality": asset.modality,
                "target": asset.target,
                "owner": asset.owner,
                "indications": _joined(asset.indications),
                "phase": asset.phase,
            }
        )
    rows["tranches"].extend(_tranche_rows(entry, ledger, currency))
    for position, source in enumerate(deal.sources, start=1):
        rows["sources"].append(
            {
                "deal_id": deal.id,
                "position": position,
                "url": source.url,
                "title": source.title,
                "publisher": source.publisher,
                "published": source.published.isoformat() if source.published else None,
            }
        )
    rows["events"].extend(_event_rows(entry))
    for area in dict.fromkeys(deal.therapeutic_areas):
        rows["areas"].append({"deal_id": deal.id, "area": area})
    for tag in dict.fromkeys(deal.tags):
        rows["tags"].append({"deal_id": deal.id, "tag": tag})
    for related in dict.fromkeys(deal.related):
        rows["related"].append({"deal_id": deal.id, "related_id": related})
    return rows
