"""A spreadsheet row read through the mapping into a `Candidate`: one deal's data, each key
with the cell it came from.

A value that cannot be read (an amount, a date, a party pair) becomes a problem at its cell
and its key is left out, so the row still goes through the loader and every other problem
of the row is reported in the same run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..load.spreadsheet import SAVE_VALUES, SheetRow, Table, UnsavedFormula
from .import_cells import (
    CellError,
    amount_value,
    cell_text,
    read_amount,
    read_date,
    split_list,
    split_parties,
    stage_text,
)
from .import_mapping import AMOUNT_FIELDS, DATE_FIELDS, ImportMapping, MappingError, header_key
from .importer import Candidate, CellRef, cell_problem

_AMOUNT_LABELS = {
    "upfront": "Upfront payment",
    "milestone": "Development and regulatory milestones",
    "commercial": "Sales milestones",
}
_ROOT_TEXT = ("id", "title", "kind", "status", "summary", "notes")


def column_positions(table: Table, mapping: ImportMapping) -> dict[str, tuple[int, str]]:
    """Field → (0-based column index, header) for every column the mapping names."""
    by_header: dict[str, int] = {}
    for index, text in enumerate(table.header):
        by_header.setdefault(header_key(text), index)
    found: dict[str, tuple[int, str]] = {}
    missing: list[str] = []
    for name, header in mapping.columns.given().items():
        index = by_header.get(header_key(header))
        if index is None:
            missing.append(f"{name} = {header!r}")
        else:
            found[name] = (index, table.header[index])
    if missing:
        listed = ", ".join(repr(text) for text in table.header if text)
        raise MappingError(
            f"{table.source}: no column named {', '.join(missing)} in the header row; "
            f"its columns: {listed} (set header_row in the mapping file if the header is "
            "not the first row)"
        )
    return found


def table_candidates(table: Table, mapping: ImportMapping) -> Iterator[Candidate]:
    positions = column_positions(table, mapping)
    for row in table.rows:
        yield row_candidate(table.source, row, positions, mapping)


def row_candidate(
    source: str, row: SheetRow, positions: dict[str, tuple[int, str]], mapping: ImportMapping
) -> Candidate:
    reader = _RowReader(source, row, positions, mapping)
    return reader.candidate()


class _RowReader:
    def __init__(
        self,
        source: str,
        row: SheetRow,
        positions: dict[str, tuple[int, str]],
        mapping: ImportMapping,
    ) -> None:
        self.mapping = mapping
        self.positions = positions
        self.row = row
        self.row_ref = CellRef(source, row.number)
        self.result = Candidate({}, self.row_ref)
        self.constants = mapping.constants.given()
        self.unsaved: set[int] = set()  # columns whose formula without a value is reported

    # A field's raw value and cell: the column's cell where mapped, else the constant.
    def raw(self, name: str) -> tuple[Any, CellRef] | None:
        if name in self.positions:
            index, header = self.positions[name]
            value = self.row.cells[index] if index < len(self.row.cells) else None
            cell = CellRef(self.row_ref.source, self.row.number, index + 1, header)
            if isinstance(value, UnsavedFormula):
                self._unsaved(index, cell, value)
                return None  # neither blank nor the constant: the value is unknown
            if cell_text(value) is not None or name not in self.constants:
                return value, cell
        if name in self.constants:
            return self.constants[name], CellRef(
                self.row_ref.source, self.row.number, None, f"constants.{name}"
            )
        return None

    def _unsaved(self, index: int, cell: CellRef, value: UnsavedFormula) -> None:
        if index in self.unsaved:
            return  # one column mapped to two fields: one problem
        self.unsaved.add(index)
        formula = f"the formula {value.formula}" if value.formula else "a shared formula"
        self.result.problems.append(
            cell_problem(
                cell,
                "DL007",
                f"{formula} has no saved value (the workbook was written by a program that "
                f"does not compute formulas); {SAVE_VALUES}",
            )
        )

    def text(self, name: str) -> tuple[str, CellRef] | None:
        found = self.raw(name)
        if found is None:
            return None
        value = cell_text(found[0])
        return (value, found[1]) if value is not None else None

    def fail(self, cell: CellRef, error: CellError) -> None:
        self.result.problems.append(cell_problem(cell, error.code, str(error)))

    def candidate(self) -> Candidate:
        data = self.result.data
        cells = self.result.cells
        for name in _ROOT_TEXT:
            found = self.text(name)
            if found is not None:
                value = found[0].lower() if name in ("kind", "status") else found[0]
                data[name] = value
                cells[(name,)] = found[1]
        for name in DATE_FIELDS:
            found = self.raw(name)
            if found is None or cell_text(found[0]) is None:
                continue
            try:
                data[name] = read_date(found[0], self.mapping.date_order)
                cells[(name,)] = found[1]
            except CellError as exc:
                self.fail(found[1], exc)
        currency = self.text("currency")
        if currency is not None:
            data["currency"] = currency[0].upper()
            cells[("currency",)] = currency[1]
        self._parties()
        self._money()
        self._lists()
        self._asset()
        self._source()
        return self.result

    def _parties(self) -> None:
        data, cells = self.result.data, self.result.cells
        first_role, second_role = self.mapping.party_roles
        names: list[tuple[str, str, CellRef]] = []
        pair = self.text("parties")
        if pair is not None:
            try:
                first, second = split_parties(pair[0], self.mapping.party_separators)
                names += [(first, first_role, pair[1]), (second, second_role, pair[1])]
            except CellError as exc:
                self.fail(pair[1], exc)
        for name, role in (("licensor", "licensor"), ("licensee", "licensee")):
            found = self.text(name)
            if found is not None:
                names.append((found[0], role, found[1]))
        if names:
            data["parties"] = [{"name": name, "role": role} for name, role, _ in names]
            for index, (_, _, cell) in enumerate(names):
                cells[("parties", index)] = cell

    def _money(self) -> None:
        data, cells = self.result.data, self.result.cells
        mapping = self.mapping
        tranches: list[dict[str, Any]] = []
        sources: list[CellRef] = []
        disclosed = False
        seen_currency: str | None = None
        for name in AMOUNT_FIELDS:
            found = self.raw(name)
            if found is None:
                continue
            try:
                amount, currency = read_amount(found[0], mapping.unit, mapping.undisclosed)
            except CellError as exc:
                self.fail(found[1], exc)
                continue
            disclosed = disclosed or not isinstance(amount, str)
            seen_currency = seen_currency or currency
            tranches.append(
                {"type": name, "label": _AMOUNT_LABELS[name], "amount": amount_value(amount)}
            )
            sources.append(found[1])
        royalty = self.text("royalty")
        total = self.raw("total")
        if total is not None:
            try:
                amount, currency = read_amount(total[0], mapping.unit, mapping.undisclosed)
                if not isinstance(amount, str):
                    data["total"] = amount_value(amount)
                    cells[("total",)] = total[1]
                    seen_currency = seen_currency or currency
            except CellError as exc:
                self.fail(total[1], exc)
        if not disclosed:
            # Every amount blank or undisclosed: say so once rather than per tranche.
            tranches, sources = [], []
            if "total" not in data:
                data["financials"] = "undisclosed"
        if royalty is not None and royalty[0].casefold() not in (
            word.casefold() for word in mapping.undisclosed
        ):
            tranches.append({"type": "royalty", "label": "Royalties", "rate": royalty[0]})
            sources.append(royalty[1])
        if tranches:
            data["tranches"] = tranches
            for index, cell in enumerate(sources):
                cells[("tranches", index)] = cell
        if seen_currency is not None and "currency" not in data and (disclosed or "total" in data):
            data["currency"] = seen_currency
            cells[("currency",)] = cells.get(("tranches", 0), self.row_ref)

    def _lists(self) -> None:
        data, cells = self.result.data, self.result.cells
        separator = self.mapping.list_separator
        for name, key in (("area", "therapeutic_areas"), ("tags", "tags"), ("related", "related")):
            found = self.text(name)
            if found is not None:
                items = split_list(found[0], separator)
                if items:
                    data[key] = items
                    cells[(key,)] = found[1]
        territory = self.text("territory")
        if territory is not None:
            items = split_list(territory[0], separator)
            if items:
                data["territory"] = items[0] if len(items) == 1 else items
                cells[("territory",)] = territory[1]

    def _asset(self) -> None:
        data, cells = self.result.data, self.result.cells
        asset: dict[str, Any] = {}
        for name in ("asset", "modality", "phase"):
            found = self.text(name)
            if found is not None:
                key = "name" if name == "asset" else name
                asset[key] = stage_text(found[0]) if name == "phase" else found[0]
                cells[("assets", 0, key)] = found[1]
        if asset:
            asset.setdefault("name", "Undisclosed asset")
            data["assets"] = [asset]

    def _source(self) -> None:
        data, cells = self.result.data, self.result.cells
        url = self.text("source_url")
        if url is None:
            return
        source = {"url": url[0]}
        cells[("sources", 0)] = url[1]
        title = self.text("source_title")
        if title is not None:
            source["title"] = title[0]
            cells[("sources", 0, "title")] = title[1]
        data["sources"] = [source]
