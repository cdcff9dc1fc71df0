"""Every deal file's result, from the cache where the file is unchanged, else parsed.

A file's row is used when its size and mtime are unchanged; otherwise the file is read and
its content hash decides, so `touch` costs a hash, not a parse. A file written within
`RACY_SECONDS` of being stored is stored without an mtime and hashed again next time (the
same clock tick could hold a second edit).
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.facts import DealFile
from ..domain.limits import MAX_FILE_BYTES
from ..load.discover import Target
from ..load.reading import NotRegularFile, TooLarge, read_bounded
from .cache import Cache, Record, path_key, problem_rows

if TYPE_CHECKING:
    from ..rules.with_settings import RuleContext

RACY_SECONDS = 2.0
# A cold run that parses more files than this keeps none of their deals in memory: reports
# read each back from the cache when they reach it.
KEEP_PARSED = 10_000

Progress = Callable[[int], None]


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def load_deal_files(
    targets: Iterable[Target],
    cache: Cache | None,
    progress: Progress | None = None,
    *,
    context: Callable[[], RuleContext | None] = lambda: None,
    keep_deals: bool = True,
) -> list[DealFile]:
    """Every target's DealFile, in order, from the cache where it is still valid.

    `context` gives the settings rules' context, asked for only if some file must be parsed
    (building it validates the settings). A file served from the cache has `facts` but no
    `deal`: the ledger reads the deal back only if a report asks for it. Without
    `keep_deals`, deals parsed in this run are not held either.
    """
    targets = list(targets)
    results: list[DealFile | None] = [None] * len(targets)
    misses: list[tuple[int, Target, str]] = []
    done = 0
    for index, target in enumerate(targets):
        key = path_key(target.path) if cache is not None else ""
        hit = _cached(cache, key, target) if cache is not None else None
        if hit is None:
            misses.append((index, target, key))
            continue
        results[index] = hit
        done += 1
        if progress is not None:
            progress(done)
    keep = keep_deals and (cache is None or len(misses) <= KEEP_PARSED)
    rules = context() if misses else None
    for index, target, key in misses:
        if cache is None:
            deal_file = load_deal_file(target.path, target.display, None, rules)
        else:
            deal_file = _load_into(cache, key, target, rules)
        if not keep and deal_file.deal is not None:
            deal_file = DealFile(
                deal_file.path, deal_file.display, None, deal_file.problems,
                deal_file.deal_id, deal_file.facts,
            )  # fmt: skip
        results[index] = deal_file
        done += 1
        if progress is not None:
            progress(done)
    if cache is not None:
        cache.commit()
    return [result for result in results if result is not None]


def _cached(cache: Cache, key: str, target: Target) -> DealFile | None:
    record = cache.lookup(key)
    if record is None:
        return None
    try:
        info = os.stat(target.path)  # noqa: PTH116 - Path.stat() costs more per file
    except OSError:
        return None
    if info.st_size != record.size:
        return None
    if record.mtime_ns is None or info.st_mtime_ns != record.mtime_ns:
        try:
            data = read_bounded(target.path)
        except (OSError, NotRegularFile, TooLarge):
            return None
        if content_hash(data) != record.digest:
            return None
        cache.trust_mtime(key, record, _trusted_mtime(info))
    try:
        return record.deal_file(target.path, target.display)
    except (ValueError, TypeError, KeyError):
        return None  # not a row this module wrote: parse the file


def _trusted_mtime(info: os.stat_result) -> int | None:
    return None if time.time() - info.st_mtime < RACY_SECONDS else info.st_mtime_ns


def load_deal_file(
    path: Path, display: str, data: bytes | None = None, context: RuleContext | None = None
) -> DealFile:
    """The loader's, imported on first use: a run served from the cache never needs it."""
    from ..rules.deal_file import load_deal_file as load

    return load(path, display, data, context)


def _load_into(cache: Cache, key: str, target: Target, context: RuleContext | None) -> DealFile:
    """Parse one file from the bytes it is hashed by, and store its row (if it can be had)."""
    from .cache_codec import dump_deal

    try:
        key.encode("utf-8")
        info = target.path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            raise NotRegularFile(target.display)
        data = read_bounded(target.path)
    except UnicodeEncodeError:  # a name with undecodable bytes: checked, not cached
        return load_deal_file(target.path, target.display, None, context)
    except (OSError, NotRegularFile, TooLarge):
        # Not cacheable: the loader reads it again and reports why it cannot be used.
        cache.forget(key)
        return load_deal_file(target.path, target.display, None, context)
    deal_file = load_deal_file(target.path, target.display, data, context)
    deal_json = dump_deal(deal_file.deal) if deal_file.deal is not None else None
    if deal_file.deal is not None and deal_json is None:
        cache.forget(key)
        return deal_file
    facts = deal_file.facts
    mtime = _trusted_mtime(info) if len(data) == info.st_size else None
    record = Record(
        len(data),
        mtime,
        content_hash(data),
        deal_file.deal_id,
        problem_rows(deal_file.problems),
        facts.as_tuple() if facts is not None else None,
    )
    cache.store(key, record, deal_json)
    return deal_file
