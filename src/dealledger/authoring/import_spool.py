"""An import's bookkeeping per row, kept in a scratch SQLite database instead of in memory.

`import` must remember something of every row until the last one is read: each id (to add
`-2` to a later row's and to check `related` ids), each planned file (to write them all or
none, and to list them), each problem (printed once the bar is gone), and the facts of the
few rows whose checks need every id. Held as Python objects that came to about 1.7 KB a row
(213 MiB peak for 100,000 rows); in a database in the import's staging folder, memory is
SQLite's page cache whatever the number of rows. The database is scratch: no journal, no
fsync, one transaction, deleted with the staging folder.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..domain.facts import DealFacts
from ..domain.problems import Problem, Severity

DATABASE = "plan.sqlite3"
# What a file row holds, in this order (see `ImportSpool.add_file`).
FILE_COLUMNS = (
    "deal_id",
    "target",
    "display",
    "source",
    "row",
    "offset",
    "length",
    "action",
    "old_offset",
    "old_length",
    "errors",
)
_INSERT_FILE = f"INSERT INTO files VALUES (?{', ?' * len(FILE_COLUMNS)})"
_SCHEMA = f"""
CREATE TABLE ids (id TEXT PRIMARY KEY, place TEXT NOT NULL, planned INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE files (seq INTEGER PRIMARY KEY, {", ".join(FILE_COLUMNS)});
CREATE TABLE problems (
    seq INTEGER PRIMARY KEY, code, severity, path, line, col, message, deal, end_line, end_col
);
CREATE TABLE deferred (seq INTEGER PRIMARY KEY, facts TEXT NOT NULL, cells TEXT NOT NULL);
"""


class ImportSpool:
    """Ids, planned files, problems and deferred checks of one import, in row order."""

    def __init__(self, folder: Path) -> None:
        self._db = sqlite3.connect(folder / DATABASE, isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.executescript(_SCHEMA)
        self._db.execute("BEGIN")
        self._last: tuple[str | None, str | None] = (None, None)
        self.files = 0
        self.errors = 0
        self.warnings = 0

    def close(self) -> None:
        self._db.close()

    # --- ids -------------------------------------------------------------------------------

    def place_of(self, deal_id: str) -> str | None:
        """Where the first row with this id is (`book.csv:R3`), if a row had it."""
        if self._last[0] == deal_id:
            return self._last[1]  # a generated id is looked up twice: free, then its row's
        found = self._db.execute("SELECT place FROM ids WHERE id = ?", (deal_id,)).fetchone()
        self._last = (deal_id, found[0] if found else None)
        return self._last[1]

    def has_id(self, deal_id: str) -> bool:
        """Whether any row so far had this id."""
        return self.place_of(deal_id) is not None

    def take_id(self, deal_id: str, place: str, *, planned: bool) -> None:
        """Record a row's id: the first row's place is kept; `planned` once any row with it
        became a file."""
        self._db.execute(
            "INSERT INTO ids VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET planned = max(planned, excluded.planned)",
            (deal_id, place, int(planned)),
        )
        self._last = (None, None)

    def is_planned(self, deal_id: str) -> bool:
        """Whether a planned file has this id: the ids the rules across files see."""
        found = self._db.execute("SELECT planned FROM ids WHERE id = ?", (deal_id,)).fetchone()
        return bool(found and found[0])

    # --- files -----------------------------------------------------------------------------

    def add_file(self, values: tuple[Any, ...]) -> int:
        """Store a planned file (values in `FILE_COLUMNS` order); returns its number, from 1."""
        self.files += 1
        self._db.execute(_INSERT_FILE, (self.files, *values))
        return self.files

    def add_errors(self, seq: int, count: int) -> None:
        self._db.execute("UPDATE files SET errors = errors + ? WHERE seq = ?", (count, seq))

    def file_place(self, seq: int) -> tuple[str, int]:
        """The sheet and row a planned file came from."""
        found = self._db.execute("SELECT source, row FROM files WHERE seq = ?", (seq,))
        source, row = found.fetchone()
        return str(source), int(row)

    def invalid_files(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM files WHERE errors > 0").fetchone()[0])

    def file_rows(self, *, valid_only: bool = False) -> Iterator[tuple[Any, ...]]:
        """(seq, *values) of each planned file in row order; read lazily, a page at a time."""
        where = " WHERE errors = 0" if valid_only else ""
        cursor = self._db.execute(f"SELECT * FROM files{where} ORDER BY seq")
        while batch := cursor.fetchmany(256):
            yield from batch

    # --- problems --------------------------------------------------------------------------

    def add_problems(self, problems: Iterable[Problem]) -> None:
        rows = []
        for problem in problems:
            if problem.severity is Severity.ERROR:
                self.errors += 1
            else:
                self.warnings += 1
            rows.append(
                (
                    problem.code,
                    problem.severity.value,
                    problem.path,
                    problem.line,
                    problem.column,
                    problem.message,
                    problem.deal,
                    problem.end_line,
                    problem.end_column,
                )
            )
        if rows:
            self._db.executemany(
                "INSERT INTO problems VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )

    def problems(self) -> Iterator[Problem]:
        cursor = self._db.execute("SELECT * FROM problems ORDER BY seq")
        while batch := cursor.fetchmany(256):
            for _, code, severity, path, line, column, message, deal, end_line, end_col in batch:
                yield Problem(
                    code, Severity(severity), path, line, column, message, deal, end_line, end_col
                )

    # --- checks that need every id ---------------------------------------------------------

    def defer(self, seq: int, facts: DealFacts, cells: list[Any]) -> None:
        """Keep a file's facts (and the cells they came from) for the checks across files."""
        self._db.execute(
            "INSERT INTO deferred VALUES (?, ?, ?)",
            (seq, json.dumps(facts.as_tuple()), json.dumps(cells)),
        )

    def deferred(self) -> Iterator[tuple[int, DealFacts, list[Any]]]:
        cursor = self._db.execute("SELECT * FROM deferred ORDER BY seq")
        while batch := cursor.fetchmany(256):
            for seq, facts, cells in batch:
                deal_id, when, related, events, links = json.loads(facts)
                yield (
                    seq,
                    DealFacts(
                        deal_id,
                        when,
                        tuple(related),
                        tuple((position, key, day) for position, key, day in events),
                        tuple((tuple(loc), linked) for loc, linked in links),
                    ),
                    json.loads(cells),
                )
