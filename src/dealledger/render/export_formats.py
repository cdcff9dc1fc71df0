"""The export tables written out: one SQLite database, one JSON document, or one CSV per table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..domain.money import to_json_number
from ..reports.export import TABLES, Rows
from .jsonout import dumps


def _sql_value(value: Any) -> Any:
    """Decimals as exact TEXT: SQLite would otherwise store a binary float."""
    return to_json_number(value) if isinstance(value, Decimal) else value


def _flat(rows: Rows) -> Rows:
    """Rows as every format writes them: a tranche's royalty tiers as one compact JSON cell.

    The spec flattens nested lists into one documented cell, the same text in SQLite, CSV and
    the JSON document, so a script reads one form whichever export it opened.
    """
    tranches = [
        {**row, "tiers": dumps(row["tiers"], indent=None)} if row["tiers"] else row
        for row in rows["tranches"]
    ]
    return {**rows, "tranches": tranches}


def write_sqlite(rows: Rows, path: Any) -> None:
    """Create the tables, keys and indexes in a new database file at `path`."""
    import sqlite3

    rows = _flat(rows)

    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        with connection:
            for table in TABLES:
                for statement in table.create_sql():
                    connection.execute(statement)
            for table in TABLES:
                names = table.column_names
                placeholders = ", ".join("?" for _ in names)
                connection.executemany(
                    f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({placeholders})",
                    [[_sql_value(row[name]) for name in names] for row in rows[table.name]],
                )
    finally:
        connection.close()


def json_document(rows: Rows) -> str:
    return dumps(_flat(rows)) + "\n"


def csv_files(rows: Rows, neutralize: bool) -> dict[str, str]:
    """One RFC 4180 file per table, named `<table>.csv`."""
    from .delimited import render_delimited

    return {
        f"{table.name}.csv": render_delimited(
            rows[table.name], table.column_names, delimiter=",", neutralize=neutralize
        )
        for table in TABLES
    }
