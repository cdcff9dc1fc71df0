"""Items put in order without holding them all: sorted runs, spilled to disk, merged lazily.

`timeline` lists every event of the ledger by date, but its events come per deal, in deal
order. Sorting them in one list holds every event at once (about 450 bytes each: 180 MB for
the 390,000 events of a 100,000-deal ledger, on top of the ledger). Here the items are sorted
a run at a time; when there is more than one run, each is written to an anonymous temporary
file and the runs are merged as they are read, so memory is one run plus a chunk per run.
An ordinary ledger fits in one run and never touches the disk.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Generic, TypeVar

T = TypeVar("T")

RUN_SIZE = 65_536
# Items pickled together: big enough to pickle fast, small enough to hold one per run.
CHUNK = 1_024


class SortedRuns(Generic[T]):
    """`items` in `key` order (stable: equal keys keep their input order), iterable as often
    as wanted; the temporary files go when the object does."""

    def __init__(
        self,
        items: Iterable[T],
        key: Callable[[T], Any] | None = None,
        run_size: int = RUN_SIZE,
    ) -> None:
        self._key = key
        self._memory: list[T] = []
        self._runs: list[IO[bytes]] = []
        self._count = 0
        run: list[T] = []
        for item in items:
            if len(run) >= run_size:
                self._spill(run)
                run = []
            run.append(item)
        if self._runs:
            self._spill(run)
        else:
            run.sort(key=key)
            self._count += len(run)
            self._memory = run

    def _spill(self, run: list[T]) -> None:
        run.sort(key=self._key)
        self._count += len(run)
        stream = tempfile.TemporaryFile()  # noqa: SIM115 (kept open: read back on each pass)
        for start in range(0, len(run), CHUNK):
            pickle.dump(run[start : start + CHUNK], stream, pickle.HIGHEST_PROTOCOL)
        self._runs.append(stream)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[T]:
        if not self._runs:
            return iter(self._memory)
        # heapq.merge is stable across its inputs in their order, and the runs are in input
        # order, so equal keys keep the order they came in.
        return heapq.merge(*map(_read_run, self._runs), key=self._key)

    @property
    def spilled(self) -> bool:
        return bool(self._runs)


def _read_run(stream: IO[bytes]) -> Iterator[Any]:
    """A run's items, a chunk at a time; the file was written by this process (see _spill).

    Each pass keeps its own offset, so two passes over the same runs may interleave.
    """
    offset = 0
    while True:
        stream.seek(offset)
        try:
            chunk = pickle.load(stream)  # our own anonymous temporary file: trusted bytes
        except EOFError:
            return
        offset = stream.tell()
        yield from chunk
