"""A progress bar for long loads: on stderr, only on a terminal, only after about a second.

Short runs and pipes stay silent (CI logs and `| jq` must not fill with bar frames); the bar
appears once a load has taken longer than `DELAY` seconds and vanishes when it is done. It
shows files read of the total and the time left, the total counted when the bar first
appears (a quick walk of the deals folder, or the number of paths given).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

DELAY = 1.0
T = TypeVar("T")
_EVERY = 64  # look at the clock once per this many files


class LoadProgress:
    """The `progress` callback of `load_ledger` (files loaded) and of `import` (rows read)."""

    def __init__(
        self,
        stream: Any = None,
        delay: float = DELAY,
        label: str = "reading deal files",
        total: Callable[[], int | None] | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.total = total
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.delay = delay
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None
        self._total: int | None = None
        self._seen = 0

    def __call__(self, count: int) -> None:
        # Counts come one by one from a serial load and in batches from the pool: look at
        # the clock once per _EVERY files whatever the steps.
        if not self.enabled or count - self._seen < _EVERY:
            return
        self._seen = count
        if self._bar is None:
            if time.monotonic() - self.started < self.delay:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            total = self.total() if self.total is not None else None
            console = Console(file=self.stream, markup=False, highlight=False)
            self._bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("load", total=total or None)
            self._total = total
        if self._total is not None and count > self._total:
            self._total = count  # a link counted once by the walk, twice by the loader
            self._bar.update(self._task, total=count)
        self._bar.update(self._task, completed=count)

    def __enter__(self) -> LoadProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def with_progress(
    items: Iterable[T], label: str, total: int, stream: Any = None, delay: float = DELAY
) -> Iterator[T]:
    """`items`, with a bar of how many were taken of `total`: for the work a report does after
    loading (valuing or exporting every deal, seconds on a cold cache of a large ledger)."""
    with LoadProgress(stream, delay, label, lambda: total) as progress:
        for count, item in enumerate(items, start=1):
            progress(count)
            yield item
