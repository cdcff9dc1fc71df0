"""The export tables written out: one SQLite database, one JSON document, or one CSV per table."""

from __future__ import annotations

import errno
import os
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..domain.errors import LedgerError
from ..domain.money import to_json_number
from ..reports.export import TABLES, Rows
from .jsonout import dumps

# SQLite's INTEGER is 64 bits; a larger Python int raises OverflowError deep in sqlite3.
_SQLITE_INT = range(-(2**63), 2**63)


class ExportValueError(LedgerError, ValueError):
    """A value the chosen format cannot hold exactly; nothing was written (exit 1)."""


def _sql_value(value: Any, table: str = "", column: str = "") -> Any:
    """Decimals as exact TEXT: SQLite would otherwise store a binary float."""
    if isinstance(value, Decimal):
        return to_json_number(value)
    if isinstance(value, int) and not isinstance(value, bool) and value not in _SQLITE_INT:
        raise ExportValueError(
            f"{table}.{column} = {value} does not fit SQLite's 64-bit INTEGER (an amount "
            "converted at an unrealistic FX rate?); check dealledger.toml's [[fx]] rates, "
            "or export --format json or csv, which hold any size"
        )
    return value


def _flat(rows: Rows) -> Rows:
    """Rows as every format writes them: a tranche's royalty tiers as one compact JSON cell.

    The spec flattens nested lists into one documented cell, the same text in SQLite, CSV and
    the JSON document, so a script reads one form whichever export it opened.
    """
    if not rows.get("tranches"):
        return rows
    tranches = [
        {**row, "tiers": dumps(row["tiers"], indent=None)} if row["tiers"] else row
        for row in rows["tranches"]
    ]
    return {**rows, "tranches": tranches}


def write_sqlite(chunks: Iterable[Rows], path: Any) -> Counter[str]:
    """Create the tables, keys and indexes in a new database file at `path`, filled from
    `chunks` (pieces of the tables, as `export_chunks` gives them) as they come; the rows
    written per table."""
    import sqlite3

    try:
        return _fill_database(map(_flat, chunks), path)
    except sqlite3.OperationalError as exc:
        # SQLite reports the system's refusals in its own words; they are what they are, an
        # OSError (exit 1, "No space left on device"), not a bug in dealledger.
        code = getattr(exc, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL or "disk is full" in str(exc):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)) from None
        if code is not None and code & 0xFF in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN):
            raise OSError(errno.EIO, f"{os.strerror(errno.EIO)} ({exc})") from None
        raise


# Rows are inserted this many chunks (deals) at a time: few calls, bounded memory.
_CHUNKS_PER_INSERT = 500


def _fill_database(chunks: Iterable[Rows], path: Any) -> Counter[str]:
    import sqlite3

    written: Counter[str] = Counter()
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        # The database is a new file that only becomes the export once it is complete (the
        # caller writes a temporary file, syncs it and renames it): a rollback journal and
        # syncs on every commit would protect nothing.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        with connection:
            for table in TABLES:
                connection.execute(table.create_sql()[0])
            pending: dict[str, list[list[Any]]] = {table.name: [] for table in TABLES}
            for number, chunk in enumerate(chunks, start=1):
                for table in TABLES:
                    names = table.column_names
                    pending[table.name].extend(
                        [
                            value
                            if type(value) is str or value is None
                            else _sql_value(value, table.name, name)
                            for name in names
                            for value in (row[name],)
                        ]
                        for row in chunk.get(table.name, ())
                    )
                if number % _CHUNKS_PER_INSERT == 0:
                    _insert(connection, pending, written)
            _insert(connection, pending, written)
            # Indexes built once the rows are in: faster than keeping them up to date.
            for table in TABLES:
                for statement in table.create_sql()[1:]:
                    connection.execute(statement)
    finally:
        connection.close()
    return written


def _insert(connection: Any, pending: dict[str, list[list[Any]]], written: Counter[str]) -> None:
    """The pending rows, parents (deals) before the rows that refer to them."""
    for table in TABLES:
        rows = pending[table.name]
        if rows:
            names = table.column_names
            connection.executemany(
                f"INSERT INTO {table.name} ({', '.join(names)}) "
                f"VALUES ({', '.join('?' for _ in names)})",
                rows,
            )
            written[table.name] += len(rows)
            rows.clear()


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
