"""A folder written by `export --format csv`, read back as one `Candidate` per deal.

`deals.csv` gives the root keys; `parties.csv`, `assets.csv`, `tranches.csv`, `sources.csv`
and `related.csv` the arrays, joined on `deal_id` in their `position` order, so that
`export` then `import` gives the same figures. Computed columns (figures, groups, reporting
amounts, events) are not read: the files carry the terms, and reports compute the rest.
The registry and FX rates live in dealledger.toml, which an export does not carry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain.models import PAYING_ROLES, RECEIVING_ROLES
from ..load.spreadsheet import SpreadsheetError, read_tables
from .import_cells import amount_value
from .importer import Candidate, CellRef

TABLE_FILES = ("deals", "parties", "assets", "tranches", "sources", "related")
_JOINT = " + "
_ITEMS = "; "
_FIELDS = " | "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_export_folder(path: Path) -> bool:
    return path.is_dir() and (path / "deals.csv").is_file()


class _Rows:
    """One table's rows as dicts of text (empty cells left out), with their row numbers."""

    def __init__(self, folder: Path, name: str) -> None:
        self.source = f"{name}.csv"
        self.by_deal: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
        self.rows: list[tuple[int, dict[str, str]]] = []
        self.header: tuple[str, ...] = ()
        path = folder / self.source
        if not path.is_file():
            return
        for table in read_tables(path, delimiter=","):
            self.header = table.header
            for row in table.rows:
                record = {
                    name: _unguard(value)
                    for name, value in zip(table.header, row.cells, strict=False)
                    if value != ""
                }
                self.rows.append((row.number, record))
                if "deal_id" in record:
                    self.by_deal[record["deal_id"]].append((row.number, record))
        for rows in self.by_deal.values():
            rows.sort(key=lambda item: int(item[1].get("position", "0") or 0))

    def cell(self, number: int, column: str) -> CellRef:
        index = self.header.index(column) + 1 if column in self.header else None
        return CellRef(self.source, number, index, column if index else None)


def _unguard(value: str) -> str:
    """Undo export's spreadsheet guard ("'=x" → "=x"); `--raw-cells` exports need none."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def folder_candidates(folder: Path) -> Iterator[Candidate]:
    tables = {name: _Rows(folder, name) for name in TABLE_FILES}
    deals = tables["deals"]
    if "id" not in deals.header:
        raise SpreadsheetError(f"{folder}/deals.csv has no `id` column; is it an export?")
    for number, record in deals.rows:
        yield _candidate(number, record, tables)


def _candidate(number: int, record: dict[str, str], tables: dict[str, _Rows]) -> Candidate:
    deals = tables["deals"]
    deal_id = record["id"]
    row = CellRef(deals.source, number)
    candidate = Candidate({}, row)
    data, cells = candidate.data, candidate.cells
    for key in ("id", "title", "kind", "status", "currency", "financials", "summary", "notes"):
        if key in record and not (key == "financials" and record[key] == "disclosed"):
            data[key] = record[key]
            cells[(key,)] = deals.cell(number, key)
    for key in ("announced", "signed", "effective", "terminated"):
        if key in record:
            data[key] = _date(record[key])
            cells[(key,)] = deals.cell(number, key)
    if "declared_total" in record:
        data["total"] = _amount(record["declared_total"])
        cells[("total",)] = deals.cell(number, "declared_total")
    if "total_qualifier" in record:
        data["total_qualifier"] = record["total_qualifier"]
        cells[("total_qualifier",)] = deals.cell(number, "total_qualifier")
    if "total_includes" in record:
        data["total_includes"] = record["total_includes"].split(_ITEMS)
        cells[("total_includes",)] = deals.cell(number, "total_includes")
    if "total_covers_undisclosed" in record:
        data["total_covers_undisclosed"] = record["total_covers_undisclosed"] not in ("0", "")
    if "territory" in record:
        items = record["territory"].split(_ITEMS)
        data["territory"] = items[0] if len(items) == 1 else items
    for key in ("therapeutic_areas", "tags"):
        if key in record:
            data[key] = record[key].split(_ITEMS)
    related = [item["related_id"] for _, item in tables["related"].by_deal.get(deal_id, [])]
    if related:
        data["related"] = related
    _parties(candidate, deal_id, tables["parties"])
    _assets(candidate, deal_id, tables["assets"])
    _tranches(candidate, deal_id, tables["tranches"])
    _sources(candidate, deal_id, tables["sources"])
    return candidate


def _amount(text: str) -> int | str:
    """An exact amount for the file; text that is no number is kept for the loader to report."""
    try:
        return amount_value(Decimal(text))
    except ArithmeticError:
        return text


def _date(text: str) -> date | str:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text  # the loader reports it at its cell


def _parties(candidate: Candidate, deal_id: str, table: _Rows) -> None:
    parties = []
    for index, (number, item) in enumerate(table.by_deal.get(deal_id, [])):
        party = {key: item[key] for key in ("name", "role", "parent", "country") if key in item}
        parties.append(party)
        candidate.cells[("parties", index)] = table.cell(number, "name")
    if parties:
        candidate.data["parties"] = parties


def _assets(candidate: Candidate, deal_id: str, table: _Rows) -> None:
    assets = []
    for index, (number, item) in enumerate(table.by_deal.get(deal_id, [])):
        asset: dict[str, Any] = {
            key: item[key]
            for key in ("name", "code", "modality", "target", "owner", "phase")
            if key in item
        }
        if "indications" in item:
            asset["indications"] = item["indications"].split(_ITEMS)
        assets.append(asset)
        candidate.cells[("assets", index)] = table.cell(number, "name")
    if assets:
        candidate.data["assets"] = assets


def _default_payer_payee(parties: list[dict[str, str]]) -> tuple[str | None, str | None]:
    payers = [party["name"] for party in parties if party.get("role") in PAYING_ROLES]
    payees = [party["name"] for party in parties if party.get("role") in RECEIVING_ROLES]
    if len(payers) == 1 and len(payees) == 1:
        return payers[0], payees[0]
    return None, None


def _names(text: str) -> str | list[str]:
    names = text.split(_JOINT)
    return names[0] if len(names) == 1 else names


def _tranches(candidate: Candidate, deal_id: str, table: _Rows) -> None:
    data = candidate.data
    payer, payee = _default_payer_payee(data.get("parties", []))
    tranches = []
    for index, (number, item) in enumerate(table.by_deal.get(deal_id, [])):
        tranche: dict[str, Any] = {"type": item.get("type", "")}
        if "label" in item:
            tranche["label"] = item["label"]
        if item.get("undisclosed") == "1":
            tranche["amount"] = "undisclosed"
        elif "amount" in item:
            tranche["amount"] = _amount(item["amount"])
        if "currency" in item and item["currency"] != data.get("currency"):
            tranche["currency"] = item["currency"]
        for key, default in (("payer", payer), ("payee", payee)):
            if key in item and item[key] != default:
                tranche[key] = _names(item[key])
        if item.get("status", "expected") != "expected":
            tranche["status"] = item["status"]
        if "due" in item:
            due = _date(item["due"])
            tranche["due"] = due
        for key in ("achieved", "paid"):
            if key in item:
                tranche[key] = _date(item[key])
        for key in ("phase", "asset", "rate"):
            if key in item:
                tranche[key] = item[key]
        if "probability" in item:
            try:
                tranche["probability"] = f"{Decimal(item['probability']) * 100:f}%"
            except ArithmeticError:
                tranche["probability"] = item["probability"]
        if "tiers" in item:
            tranche["tiers"] = [_tier(text) for text in item["tiers"].split(_ITEMS)]
        tranches.append(tranche)
        candidate.cells[("tranches", index)] = table.cell(number, "type")
        for key in ("amount", "status", "due", "achieved", "paid", "payer", "payee", "rate"):
            if key in tranche:
                candidate.cells[("tranches", index, key)] = table.cell(number, key)
    if tranches:
        data["tranches"] = tranches


def _tier(text: str) -> dict[str, Any]:
    start, _, rate = text.partition(_FIELDS)
    return {"from": _amount(start), "rate": rate}


def _sources(candidate: Candidate, deal_id: str, table: _Rows) -> None:
    sources = []
    for index, (number, item) in enumerate(table.by_deal.get(deal_id, [])):
        source: dict[str, Any] = {
            key: item[key] for key in ("url", "title", "publisher") if key in item
        }
        if "published" in item:
            source["published"] = _date(item["published"])
        sources.append(source)
        candidate.cells[("sources", index)] = table.cell(number, "url")
    if sources:
        candidate.data["sources"] = sources
