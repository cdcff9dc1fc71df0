"""The row spool: rows come back as appended, from memory or from its file, pass after pass."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dealledger.render.row_spool import RowSpool


@given(st.lists(st.lists(st.text(), max_size=4), max_size=60), st.integers(1, 400))
def test_rows_come_back_as_appended(rows: list[list[str]], in_memory: int) -> None:
    """Any text, control characters and line breaks included, and any spill point."""
    spool = RowSpool(in_memory=in_memory)
    half = len(rows) // 2
    for row in rows[:half]:
        spool.append(row)
    assert list(spool) == rows[:half]
    for row in rows[half:]:  # appending after a pass adds at the end, not over the start
        spool.append(row)
    assert list(spool) == rows
    assert list(spool) == rows
    assert len(spool) == len(rows)


def test_a_large_spool_is_on_disk() -> None:
    spool = RowSpool(in_memory=1000)
    for number in range(500):
        spool.append([f"row {number}", "x" * 20])
    assert spool.on_disk
    assert [row[0] for row in spool] == [f"row {number}" for number in range(500)]
