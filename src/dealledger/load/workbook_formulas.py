"""Formula cells of a workbook's sheet that hold no saved value, found in the sheet's XML.

A workbook stores each formula with the value it last computed, and `import` reads that
value (openpyxl's `data_only` mode), never evaluating anything. Files written by openpyxl
and by some generators store no value at all; openpyxl then gives None, the same as an empty
cell, and an amount column would silently read as "undisclosed". openpyxl cannot tell those
apart, nor from a formula whose saved value is the empty string (`=IF(…, "", …)`, stored as
`t="str"` with an empty `<v>`), so the sheet's XML is read a second time, streaming, for
`<c>` elements that have an `<f>` and no value. A sheet without any `<f>` (most exports)
is not parsed again: a byte search over it finds none.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterator

_CHUNK = 1024 * 1024
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_COORDINATE = re.compile(r"([A-Z]{1,3})(\d+)$")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the archive member holding its XML, from the workbook's relationships."""
    with archive.open("xl/_rels/workbook.xml.rels") as handle:
        targets = {
            element.get("Id", ""): element.get("Target", "")
            for element in ElementTree.parse(handle).getroot()
            if _local(element.tag) == "Relationship"
        }
    with archive.open("xl/workbook.xml") as handle:
        root = ElementTree.parse(handle).getroot()
    parts: dict[str, str] = {}
    for element in root.iter():
        if _local(element.tag) != "sheet":
            continue
        # r:id, whichever relationships namespace (transitional or strict) the file uses.
        rel = next((value for key, value in element.attrib.items() if key.endswith("}id")), "")
        target = targets.get(rel, "")
        if target:
            # Targets are relative to xl/, or absolute within the archive.
            parts[element.get("name", "")] = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
    return parts


def has_formulas(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether the member's XML holds an `<f>` element (any prefix), by a byte search."""
    tail = b""
    with archive.open(member) as handle:
        while chunk := handle.read(_CHUNK):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def unsaved_formulas(archive: zipfile.ZipFile, member: str) -> Iterator[tuple[int, int, str]]:
    """(row, column, formula) of each formula cell without a saved value, in row order.

    Rows and columns count from 1 as the spreadsheet shows them; the formula is its text
    with a leading `=`, or "" for a cell of a shared formula that only points at it.
    """
    row_number, column_number = 0, 0
    sheet_data = None
    with archive.open(member) as handle:
        for event, element in ElementTree.iterparse(handle, events=("start", "end")):
            name = _local(element.tag)
            if event == "start":
                if name == "row":
                    row_number = int(element.get("r") or row_number + 1)
                    column_number = 0
                elif name == "sheetData":
                    sheet_data = element
                continue
            if name == "c":
                row_number, column_number = _place(element.get("r"), row_number, column_number)
                found = _unsaved(element)
                if found is not None:
                    yield row_number, column_number, found
            elif name == "row" and sheet_data is not None:
                sheet_data.clear()  # rows read are dropped: memory stays one row


def _unsaved(cell: ElementTree.Element) -> str | None:
    formula = value = None
    for child in cell:
        name = _local(child.tag)
        if name == "f":
            formula = child
        elif name == "v":
            value = child
    if formula is None:
        return None
    if value is not None and (value.text or cell.get("t") == "str"):
        return None  # a saved value (an empty one where the formula gave "")
    return f"={formula.text}" if formula.text else ""


def _place(reference: str | None, row: int, column: int) -> tuple[int, int]:
    """A cell's row and column from its `r` ("F3"), else the next column of the row."""
    match = _COORDINATE.match(reference or "")
    if match is None:
        return row, column + 1
    number = 0
    for letter in match[1]:
        number = number * 26 + ord(letter) - 64
    return int(match[2]), number
