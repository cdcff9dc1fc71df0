"""Parsing many files across processes, for cold runs over large ledgers.

Parsing and validating are CPU-bound Python, so threads do not help; processes do. Results
travel back as the cache's tagged JSON (the same form the cache stores and trusts) rather than
as pickled models, which is both faster and keeps one decoding path. Small inputs are loaded
in this process: starting workers costs more than a few hundred files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..domain.facts import DealFile
    from ..load.discover import Target
    from ..rules.with_settings import RuleContext
    from .cache import Derive, Miss, Record

# Below this many files to parse, one process is faster than starting a pool.
PARALLEL_MIN_FILES = 1500
CHUNK = 250
WORKERS_ENV = "DEALLEDGER_WORKERS"


def worker_count(files: int, requested: int | None = None) -> int:
    """How many processes to use: one per core for large inputs; $DEALLEDGER_WORKERS
    overrides (1 turns the pool off)."""
    if requested is None:
        env = os.environ.get(WORKERS_ENV, "")
        requested = int(env) if env.isdigit() else None
    if requested is not None:
        return max(1, requested)
    if files < PARALLEL_MIN_FILES:
        return 1
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        available = os.cpu_count() or 1
    # Workers send back small encoded records and the parent decodes no deal, so the pool
    # pays for itself on every core it gets; on a machine busy with other work, the
    # scheduler shares the cores out either way.
    return max(1, min(available, files // CHUNK))


def load_uncached(
    misses: Sequence[Miss],
    for_cache: bool,
    *,
    context: RuleContext | None = None,
    keep_deals: bool = True,
    derive: Derive | None = None,
    workers: int | None = None,
) -> Iterator[tuple[Miss, DealFile, Record | None]]:
    """Load each missed file, in order; with `for_cache`, also the record to store."""
    from .cache import codec, load_deal_file, load_for_cache
    from .cache_codec import share_fields_sets

    count = worker_count(len(misses), workers)
    if count > 1 and codec() is not None:
        done = 0
        try:
            for item in _pooled(misses, count, context, keep_deals, derive):
                done += 1
                yield item
            return
        except (OSError, RuntimeError, ImportError):
            # No process pool here (sandbox, no /dev/shm) or a worker died: the rest serially.
            misses = misses[done:]
    for miss in misses:
        if for_cache:
            deal_file, record = load_for_cache(
                miss.target, context, keep_deal=keep_deals, derive=derive
            )
            yield miss, deal_file, record
        else:
            deal_file = load_deal_file(miss.target.path, miss.target.display, None, context)
            if deal_file.deal is not None:
                share_fields_sets(deal_file.deal)
            yield miss, deal_file, None


def _pooled(
    misses: Sequence[Miss],
    count: int,
    context: RuleContext | None,
    keep_deals: bool,
    derive: Derive | None,
) -> Iterator[tuple[Miss, DealFile, Record | None]]:
    """Workers parse and validate; the parent only decodes the small index records.

    The deals come back as the cache's JSON and stay encoded until the cache writes them or a
    report asks for one, so a `check` never decodes a deal at all.
    """
    import dataclasses
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    from .cache import IndexCodec, Record, codec, load_for_cache

    records = codec()
    assert records is not None  # checked by the caller
    index = IndexCodec.build()

    methods = multiprocessing.get_all_start_methods()
    mp_context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunks = [misses[start : start + CHUNK] for start in range(0, len(misses), CHUNK)]
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=mp_context,
        initializer=_start_worker,
        initargs=(context, derive),
    ) as pool:
        jobs = deque(pool.submit(_load_chunk, [miss.target for miss in chunk]) for chunk in chunks)
        for chunk in chunks:
            # Taken off the queue: a done chunk's bytes are let go as soon as it is handled.
            for miss, item in zip(chunk, jobs.popleft().result(), strict=True):
                if item is None:  # not encodable: load it here
                    deal_file, record = load_for_cache(
                        miss.target, context, keep_deal=keep_deals, derive=derive
                    )
                    yield miss, deal_file, record
                    continue
                encoded, deal_json, derived, cacheable = item
                record = Record(*index.load(encoded))
                record.deal_json = deal_json
                record.index_json = encoded
                record.derived = derived
                record.fresh = True
                deal_file = record.deal_file(miss.target.path, miss.target.display)
                if deal_json is not None and keep_deals:
                    deal_file = dataclasses.replace(deal_file, deal=records.load_deal(deal_json))
                yield miss, deal_file, record if cacheable else None


_WORKER_CONTEXT: list[RuleContext | None] = [None]
_WORKER_DERIVE: list[Derive | None] = [None]


def _start_worker(context: RuleContext | None, derive: Derive | None) -> None:
    """Each worker keeps the run's settings, sent once rather than with every chunk."""
    import gc

    _WORKER_CONTEXT[0] = context
    _WORKER_DERIVE[0] = derive
    # What the worker inherited lives as long as it does: frozen, the cyclic collector never
    # rescans it, and still frees the cycles a failed validation leaves (an exception and
    # its traceback), which would otherwise pile up over tens of thousands of files.
    gc.freeze()


def _load_chunk(targets: list[Target]) -> list[Any]:
    """In a worker: each file's index record and deal as JSON bytes (None: load it in the
    parent).

    JSON bytes cross the process boundary far faster than pickled models, and the parent
    decodes them in Rust; it is the same form the cache stores.
    """
    from .cache import CacheFormatError, IndexCodec, Record, load_for_cache

    index = IndexCodec.build()
    out: list[Any] = []
    for target in targets:
        deal_file, record = load_for_cache(
            target, _WORKER_CONTEXT[0], keep_deal=False, derive=_WORKER_DERIVE[0]
        )
        cacheable = record is not None
        if record is None:  # not a regular readable file: still send its result
            if deal_file.deal is not None:
                out.append(None)
                continue
            record = Record.of(0, None, "", deal_file)
        try:
            out.append(
                (index.dump(record.index_fields()), record.deal_json, record.derived, cacheable)
            )
        except CacheFormatError:
            out.append(None)
    return out
