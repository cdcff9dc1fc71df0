"""CSV (RFC 4180) and TSV with the JSON key names as header and exact numbers as cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ..domain.money import to_json_number
from ..domain.periods import Period
from ..domain.safe_text import spreadsheet_safe, terminal_safe

ITEM_SEPARATOR = "; "
FIELD_SEPARATOR = " | "


def cell(value: Any) -> str:
    """One cell; nested lists join items with "; " and an object's values with " | "."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return to_json_number(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Period):
        return value.text
    if isinstance(value, Mapping):
        return FIELD_SEPARATOR.join(cell(item) for item in value.values())
    if isinstance(value, list | tuple):
        return ITEM_SEPARATOR.join(cell(item) for item in value)
    return str(value)


def render_delimited(
    records: Iterable[Mapping[str, Any]],
    fields: list[str],
    *,
    delimiter: str = ",",
    neutralize: bool = True,
) -> str:
    """RFC 4180 with CRLF line ends for CSV; TSV replaces tabs and newlines inside cells."""
    buffer = io.StringIO()
    if delimiter == "\t":
        buffer.write("\t".join(fields) + "\n")
        for record in records:
            cells = [_tsv_cell(cell(record.get(name)), neutralize) for name in fields]
            buffer.write("\t".join(cells) + "\n")
        return buffer.getvalue()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(fields)
    for record in records:
        writer.writerow(_guard(cell(record.get(name)), neutralize) for name in fields)
    return buffer.getvalue()


def _guard(text: str, neutralize: bool) -> str:
    """Default: controls made visible, then formulas neutralised; `--raw-cells`: untouched.

    CSV is often printed straight to a terminal or pasted into a spreadsheet, so by default
    it gets the same protection as a table; pipelines that need the bytes as written in the
    deal files opt out with --raw-cells.
    """
    return spreadsheet_safe(terminal_safe(text, keep_newlines=True)) if neutralize else text


def _tsv_cell(text: str, neutralize: bool) -> str:
    cleaned = text.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return _guard(cleaned, neutralize)
