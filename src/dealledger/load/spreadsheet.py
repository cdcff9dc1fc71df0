"""Spreadsheets (.csv, .tsv, .xlsx) read as header and rows, streaming, never evaluated.

`import` meets files written by other programs and by people, so reading refuses what it
cannot read honestly: a file whose bytes are not what its name says (a CSV named .xlsx, a zip
that is not a workbook, a workbook named .csv), an encoding that is not the declared one.
Workbooks are opened read-only with `data_only=True`: a formula cell gives the value the
spreadsheet last computed and saved, and is never evaluated; one saved without a value reads
as `UnsavedFormula`, not as empty (`workbook_formulas`), so it is reported, not imported as a
blank. Rows are yielded one at a time
so that a 100,000-row sheet needs memory for one row, not for the sheet.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.errors import UsageError
from .workbook_formulas import has_formulas, sheet_parts, unsaved_formulas

SUFFIXES = (".csv", ".tsv", ".xlsx")
EXCEL_EXTRA = "reading .xlsx needs the excel extra: pip install 'dealledger[excel]'"
ALL_SHEETS = "*"
SAVE_VALUES = (
    "open and save the workbook in Excel or LibreOffice so that formula values are stored, "
    "or replace the formula with its value"
)
_SNIFF_BYTES = 64 * 1024
_DELIMITERS = ",;\t|"
# A cell of a CSV may be long (notes), but not without bound.
_FIELD_LIMIT = 1_000_000


@dataclass(frozen=True, slots=True)
class UnsavedFormula:
    """A formula cell whose workbook stores no computed value: it is not read as blank."""

    formula: str  # "=1000+620", or "" for a cell of a shared formula


class SpreadsheetError(UsageError):
    """The file cannot be read as the spreadsheet its name says it is; nothing was imported."""


class NoHeaderRow(SpreadsheetError):
    """The sheet ends before its header row: an empty sheet."""


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its 1-based row number in the file (or sheet) and its cell values.

    CSV cells are strings; workbook cells are what openpyxl gives (str, int, float, bool,
    datetime, or None for an empty cell).
    """

    number: int
    cells: tuple[Any, ...]


@dataclass
class Table:
    """One sheet (a CSV file is one sheet without a name): its header and its rows."""

    source: str
    header: tuple[str, ...]
    rows: Iterator[SheetRow]


def spreadsheet_kind(path: Path) -> str:
    """`csv`, `tsv` or `xlsx` from the name, after checking the bytes agree with it."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise SpreadsheetError(
            f"{path.name}: the old .xls format is not read; save it as .xlsx (or .csv)"
        )
    if suffix not in SUFFIXES:
        raise SpreadsheetError(
            f"{path.name}: not a spreadsheet dealledger reads; give a .csv, .tsv or .xlsx file "
            "(or an `export --format csv` folder)"
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise SpreadsheetError(f"cannot read {path}: {exc.strerror or exc}") from None
    zipped = head.startswith(b"PK\x03\x04")
    if suffix == ".xlsx":
        if not zipped:
            raise SpreadsheetError(
                f"{path.name} is not an Excel workbook (its content is not a .xlsx zip "
                "archive; a CSV file renamed?); give it its real extension"
            )
        if not _is_workbook(path):
            raise SpreadsheetError(
                f"{path.name} is a zip archive but not an Excel workbook (no xl/workbook.xml); "
                "save it from the spreadsheet program as .xlsx"
            )
        return "xlsx"
    if zipped:
        raise SpreadsheetError(
            f"{path.name} is a zip archive (an Excel workbook?), not {suffix} text; "
            "name it .xlsx or save it as CSV"
        )
    if b"\x00" in head:
        raise SpreadsheetError(
            f"{path.name} holds NUL bytes: a binary file, or text in UTF-16; "
            "save it as CSV in UTF-8"
        )
    return suffix[1:]


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def read_tables(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int = 1,
    skip_rows: int = 0,
    delimiter: str | None = None,
    encoding: str = "utf-8-sig",
) -> Iterator[Table]:
    """The file's sheets as tables (a CSV is one); for .xlsx, `sheet` names one or is `*`.

    Tables are yielded lazily and must be read in order: a workbook stays open until the
    last table's rows are read.
    """
    kind = spreadsheet_kind(path)
    if kind == "xlsx":
        yield from _workbook_tables(path, sheet, header_row, skip_rows)
        return
    if sheet is not None:
        raise SpreadsheetError(f"{path.name}: `sheet` is for .xlsx workbooks; a {kind} has one")
    chosen = "\t" if kind == "tsv" and delimiter is None else delimiter
    yield from _text_tables(path, chosen, encoding, header_row, skip_rows)


def _text_tables(
    path: Path, delimiter: str | None, encoding: str, header_row: int, skip_rows: int
) -> Iterator[Table]:
    try:
        handle = path.open("r", encoding=encoding, newline="")
    except LookupError:
        raise SpreadsheetError(f"encoding {encoding!r} is unknown; e.g. utf-8, cp1252") from None
    with handle:
        try:
            sample = handle.read(_SNIFF_BYTES)
            handle.seek(0)
        except UnicodeDecodeError as exc:
            raise _encoding_error(path, encoding, exc) from None
        if delimiter is None:
            delimiter = _sniff(sample)
        csv.field_size_limit(_FIELD_LIMIT)
        reader = csv.reader(handle, delimiter=delimiter, strict=False)
        numbered = _numbered(reader, path, encoding)
        header = _header(numbered, header_row, path.name)
        yield Table(path.name, header, _data(numbered, skip_rows))


def _numbered(reader: Any, path: Path, encoding: str) -> Iterator[SheetRow]:
    try:
        # Rows are counted as a spreadsheet shows them: a quoted cell holding a line break
        # is still one row.
        for number, cells in enumerate(reader, start=1):
            yield SheetRow(number, tuple(cells))
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, encoding, exc) from None
    except csv.Error as exc:
        raise SpreadsheetError(f"{path.name}: line {reader.line_num}: {exc}") from None


def _encoding_error(path: Path, encoding: str, exc: UnicodeDecodeError) -> SpreadsheetError:
    return SpreadsheetError(
        f"{path.name} is not {encoding} text (byte 0x{exc.object[exc.start]:02x}); "
        'save it as UTF-8, or declare its encoding in the mapping file, e.g. encoding = "cp1252"'
    )


def _sniff(sample: str) -> str:
    """The delimiter of the first line: the candidate it holds most of, "," by default."""
    first = sample.split("\n", 1)[0]
    counts = {candidate: first.count(candidate) for candidate in _DELIMITERS}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _header(rows: Iterator[SheetRow], header_row: int, name: str) -> tuple[str, ...]:
    for row in rows:
        if row.number >= header_row:
            try:
                return tuple(_header_text(value) for value in row.cells)
            except SpreadsheetError as exc:
                raise SpreadsheetError(f"{name}: row {row.number}: {exc}") from None
    raise NoHeaderRow(f"{name}: no header row (row {header_row} is past the end)")


def _header_text(value: Any) -> str:
    if isinstance(value, UnsavedFormula):
        raise SpreadsheetError(
            f"a header cell is the formula {value.formula or '(shared)'} with no saved value; "
            + SAVE_VALUES
        )
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def _data(rows: Iterator[SheetRow], skip_rows: int) -> Iterator[SheetRow]:
    for index, row in enumerate(rows):
        if index < skip_rows:
            continue
        if all(
            value is None or (isinstance(value, str) and not value.strip()) for value in row.cells
        ):
            continue
        yield row


def _workbook_tables(
    path: Path, sheet: str | None, header_row: int, skip_rows: int
) -> Iterator[Table]:
    try:
        import openpyxl
    except ImportError:
        raise SpreadsheetError(EXCEL_EXTRA) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged archive
        raise SpreadsheetError(
            f"{path.name} cannot be read as an Excel workbook ({type(exc).__name__}); "
            "open and save it again from the spreadsheet program"
        ) from None
    try:
        names = workbook.sheetnames
        if sheet == ALL_SHEETS:
            chosen = names
        elif sheet is None:
            chosen = names[:1]
        elif sheet in names:
            chosen = [sheet]
        else:
            listed = ", ".join(repr(name) for name in names)
            raise SpreadsheetError(f"{path.name} has no sheet {sheet!r}; its sheets: {listed}")
        parts = _sheet_parts(path)
        for name in chosen:
            worksheet = workbook[name]
            numbered: Iterator[SheetRow] = (
                SheetRow(number, tuple(cells))
                for number, cells in enumerate(
                    worksheet.iter_rows(min_row=1, values_only=True), start=1
                )
            )
            if name in parts:
                numbered = _with_unsaved_formulas(numbered, path, parts[name])
            try:
                header = _header(numbered, header_row, f"{path.name}:{name}")
            except NoHeaderRow:
                if sheet == ALL_SHEETS:
                    continue  # an empty sheet among several is no reason to stop
                raise
            yield Table(f"{path.name}:{name}", header, _data(numbered, skip_rows))
    finally:
        workbook.close()


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its XML in the archive; {} where the workbook's parts cannot be read
    (openpyxl read it, so only the check for formulas without values is lost)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return {
                name: member
                for name, member in sheet_parts(archive).items()
                if has_formulas(archive, member)
            }
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return {}


def _with_unsaved_formulas(rows: Iterator[SheetRow], path: Path, member: str) -> Iterator[SheetRow]:
    """`rows` with each formula cell that has no saved value as an `UnsavedFormula`.

    The sheet's XML is scanned alongside openpyxl's rows, both in row order, so only the
    next such cell is held.
    """
    with zipfile.ZipFile(path) as archive:
        unsaved = unsaved_formulas(archive, member)
        pending = next(unsaved, None)
        for row in rows:
            while pending is not None and pending[0] < row.number:
                pending = next(unsaved, None)
            if pending is None or pending[0] > row.number:
                yield row
                continue
            cells = list(row.cells)
            while pending is not None and pending[0] == row.number:
                _, column, formula = pending
                cells += [None] * (column - len(cells))
                if cells[column - 1] is None:
                    cells[column - 1] = UnsavedFormula(formula)
                pending = next(unsaved, None)
            yield SheetRow(row.number, tuple(cells))
