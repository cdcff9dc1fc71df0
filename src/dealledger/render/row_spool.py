"""Rows of a table kept on disk once they pass a few megabytes, read back as often as needed.

A table is laid out from every cell (each column as wide as its widest cell) and then
written: two passes over the rows. Holding 100,000 rows of display strings for that costs
more than the ledger itself; a spool keeps the first few megabytes in memory (every table of
an ordinary ledger) and the rest in a temporary file, one JSON array per line, so a report's
peak memory does not grow with its rows. The file is gone when the spool is.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

import orjson

IN_MEMORY = 4 * 1024 * 1024


class RowSpool:
    """A list of rows that only appends and iterates (as often as wanted)."""

    def __init__(self, in_memory: int = IN_MEMORY) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=in_memory, mode="w+b")  # noqa: SIM115
        self._count = 0
        self._at_end = True  # a seek per row costs a second per 300,000 rows

    def append(self, row: list[str]) -> None:
        if not self._at_end:
            self._file.seek(0, 2)
            self._at_end = True
        # orjson escapes every control character: one row is one line, whatever its text.
        self._file.write(orjson.dumps(row) + b"\n")
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[list[str]]:
        self._at_end = False
        self._file.seek(0)
        for line in self._file:
            yield orjson.loads(line)

    @property
    def on_disk(self) -> bool:
        return bool(getattr(self._file, "_rolled", False))
