"""A cache of per-file results, so an unchanged deal file is never parsed or validated twice.

What is cached is exactly what one file contributes on its own (`DealFile`: the validated deal
and the file's own problems); rules across files, the settings and today's date always run
again on top (`ledger_rules.check_ledger`), so a cached run gives the same verdict as a cold
one. A file's record is used when its size and mtime are unchanged; when they changed, the
file is read and its content hash decides, so `touch` or `git checkout` costs a hash, not a
parse.

Layout: `<root>/.dealledger-cache/` (or `$DEALLEDGER_CACHE_DIR`) holds up to 64 shard files,
each a header line `{"format", "key", "digest"}` and a JSON body of records. `key` covers the
cache format, the dealledger version, a fingerprint of the installed source (an editable
install changes code without changing the version) and the exact bytes of dealledger.toml;
any difference discards the shard. `digest` is the SHA-256 of the body, so a truncated,
garbled or half-written shard is detected and rebuilt, never trusted.

Threat model: the cache lives in the user's own tree and is as trusted as the deal files next
to it. The digest detects corruption, not tampering: someone who can write the cache can write
the deal files. Even so it is plain JSON (never pickle), so a hostile cache can at worst give
wrong verdicts, not run code. Shards are written to a temporary file in the same folder,
fsynced and renamed into place, so concurrent runs each see a complete old or new shard; the
last writer wins, and both writers' records were valid.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import __version__
from .discover import SETTINGS_FILE, Target
from .loader import MAX_FILE_BYTES, DealFile, load_deal_file
from .models import Asset, Deal, Party, Source, Tier, Tranche
from .money import Precision
from .periods import Period
from .problems import Problem, Severity

CACHE_DIR_NAME = ".dealledger-cache"
CACHE_ENV = "DEALLEDGER_CACHE_DIR"
FORMAT = 1
SHARDS = 64
# A file modified this recently may change again within the same mtime tick; its record is
# stored without an mtime so that the next run compares content hashes instead ("racy git").
RACY_SECONDS = 2.0

_MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model for model in (Deal, Party, Asset, Tranche, Tier, Source)
}
_FIELDS = {name: frozenset(model.model_fields) for name, model in _MODELS.items()}
_SEVERITIES = {severity.value: severity for severity in Severity}
_set = object.__setattr__

Progress = Callable[[int], None]


class CacheFormatError(ValueError):
    """A record that does not decode: the file is loaded afresh instead."""


# --- encoding: tagged JSON --------------------------------------------------------------


def encode_value(value: Any) -> Any:
    """A validated value as JSON, with its Python type tagged so it decodes to the same."""
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return value
    if kind is tuple:
        return [encode_value(item) for item in value]
    if kind is Decimal:
        return {"$d": str(value)}
    if kind is date:
        return {"$t": value.isoformat()}
    if kind is Period:
        return {"$p": [value.start.isoformat(), value.text]}
    if kind is Precision:
        return {"$q": [str(value.value), str(value.tolerance)]}
    if isinstance(value, BaseModel) and kind.__name__ in _MODELS:
        return {
            "$m": kind.__name__,
            "$s": sorted(value.model_fields_set),
            "v": {name: encode_value(item) for name, item in value.__dict__.items()},
        }
    raise CacheFormatError(f"cannot cache a {kind.__name__}")


def _decode_hook(item: dict[str, Any]) -> Any:
    """json object_hook: rebuilds tagged values bottom-up while the JSON is parsed."""
    if "$m" in item:
        name = item["$m"]
        values = item["v"]
        for key, value in values.items():
            if type(value) is list:
                values[key] = tuple(value)
        if values.keys() != _FIELDS[name]:
            raise CacheFormatError("record does not match the model")
        # The shard's digest and version key vouch that these values were produced by
        # validation (see the module docstring), so validation is not repeated. This is what
        # `model_construct` does, without its per-field default handling (every field is here).
        model = _MODELS[name]
        instance = model.__new__(model)
        _set(instance, "__dict__", values)
        _set(instance, "__pydantic_fields_set__", set(item["$s"]))
        _set(instance, "__pydantic_extra__", None)
        _set(instance, "__pydantic_private__", None)
        return instance
    if "$d" in item:
        return Decimal(item["$d"])
    if "$t" in item:
        return date.fromisoformat(item["$t"])
    if "$p" in item:
        start, text = item["$p"]
        return Period(date.fromisoformat(start), text)
    if "$q" in item:
        value, tolerance = item["$q"]
        return Precision(Decimal(value), Decimal(tolerance))
    return item


def encode_result(deal_file: DealFile) -> dict[str, Any]:
    """What one file contributed, without its path (shown differently from other folders)."""
    return {
        "d": None if deal_file.deal is None else encode_value(deal_file.deal),
        "i": deal_file.deal_id,
        "p": [
            [p.code, p.severity.value, p.line, p.column, p.message, p.deal]
            for p in deal_file.problems
        ],
    }


def decode_result(payload: Any, path: Path, display: str) -> DealFile:
    if not isinstance(payload, dict):
        raise CacheFormatError("record is not a table")
    deal = payload["d"]
    if deal is not None and not isinstance(deal, Deal):
        raise CacheFormatError("record's deal is not a deal")
    problems = tuple(
        Problem(code, _SEVERITIES[severity], display, line, column, message, deal_id)
        for code, severity, line, column, message, deal_id in payload["p"]
    )
    return DealFile(path, display, deal, problems, payload["i"])


# --- the cache --------------------------------------------------------------------------


@dataclass
class _Record:
    size: int
    mtime_ns: int | None
    digest: str
    payload: Any  # decoded dict (from disk) or DealFile (computed this run)


@dataclass
class FileCache:
    """The shards of one cache folder; `load_deal_files` reads and updates it."""

    folder: Path
    key: str
    records: dict[str, _Record] = field(default_factory=dict)
    dirty: set[int] = field(default_factory=set)
    _loaded: set[int] = field(default_factory=set)

    @classmethod
    def for_ledger(cls, root: Path | None) -> FileCache | None:
        """The cache for a ledger root, or None where there is nowhere to keep one."""
        env = os.environ.get(CACHE_ENV)
        if env:
            folder = Path(env)
        elif root is not None:
            folder = root / CACHE_DIR_NAME
        else:
            return None
        settings = b""
        if root is not None:
            with contextlib.suppress(OSError):
                settings = (root / SETTINGS_FILE).read_bytes()
        return cls(folder, cache_key(settings))

    @staticmethod
    def shard_of(path_key: str) -> int:
        return (
            hashlib.blake2b(path_key.encode("utf-8", "surrogatepass"), digest_size=2).digest()[0]
            % SHARDS
        )

    def _shard_path(self, shard: int) -> Path:
        return self.folder / f"files-{shard:02d}.json"

    def _load_shard(self, shard: int) -> None:
        """Read one shard into `records`; anything wrong with it leaves the shard empty."""
        self._loaded.add(shard)
        try:
            raw = self._shard_path(shard).read_bytes()
        except OSError:
            return
        header, _, body = raw.partition(b"\n")
        try:
            meta = json.loads(header)
            if (
                not isinstance(meta, dict)
                or meta.get("format") != FORMAT
                or meta.get("key") != self.key
                or meta.get("digest") != hashlib.sha256(body).hexdigest()
            ):
                raise CacheFormatError("stale or corrupt shard")
            records = json.loads(body, object_hook=_decode_hook)
            if not isinstance(records, dict):
                raise CacheFormatError("shard body is not a table")
            loaded: dict[str, _Record] = {}
            for path_key, record in records.items():
                size, mtime_ns, digest, payload = record
                if not (
                    type(size) is int
                    and (mtime_ns is None or type(mtime_ns) is int)
                    and type(digest) is str
                ):
                    raise CacheFormatError("bad record")
                loaded[path_key] = _Record(size, mtime_ns, digest, payload)
        except (ValueError, TypeError, KeyError, RecursionError):
            # Unreadable, stale or garbled: rebuild this shard from the files.
            self.dirty.add(shard)
            return
        self.records.update(loaded)

    def lookup(self, path_key: str) -> _Record | None:
        shard = self.shard_of(path_key)
        if shard not in self._loaded:
            self._load_shard(shard)
        return self.records.get(path_key)

    def store(self, path_key: str, record: _Record) -> None:
        self.records[path_key] = record
        self.dirty.add(self.shard_of(path_key))

    def forget(self, path_key: str) -> None:
        if self.records.pop(path_key, None) is not None:
            self.dirty.add(self.shard_of(path_key))

    def save(self) -> None:
        """Write the shards that changed; a cache that cannot be written is simply skipped."""
        if not self.dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                _write_atomic(ignore, b"# dealledger's cache: safe to delete\n*\n")
        except OSError:
            return
        by_shard: dict[int, dict[str, list[Any]]] = {shard: {} for shard in self.dirty}
        for path_key, record in self.records.items():
            bucket = by_shard.get(self.shard_of(path_key))
            if bucket is None:
                continue
            payload = record.payload
            if isinstance(payload, DealFile):
                try:
                    payload = encode_result(payload)
                except CacheFormatError:
                    continue
            else:
                payload = _reencode(payload)
            bucket[path_key] = [record.size, record.mtime_ns, record.digest, payload]
        for shard, bucket in by_shard.items():
            body = json.dumps(bucket, ensure_ascii=False, separators=(",", ":")).encode(
                "utf-8", "surrogatepass"
            )
            header = json.dumps(
                {"format": FORMAT, "key": self.key, "digest": hashlib.sha256(body).hexdigest()}
            ).encode()
            with contextlib.suppress(OSError):
                _write_atomic(self._shard_path(shard), header + b"\n" + body)
        self.dirty.clear()


def _reencode(payload: dict[str, Any]) -> dict[str, Any]:
    """A record read from disk (decoded) back to its JSON form, for rewriting its shard."""
    deal = payload["d"]
    return {
        "d": None if deal is None else encode_value(deal),
        "i": payload["i"],
        "p": payload["p"],
    }


def _write_atomic(target: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def _source_fingerprint() -> str:
    """Names, sizes and mtimes of the package's modules: code edits without a version bump."""
    package = Path(__file__).parent
    parts = []
    for directory, _, files in sorted(os.walk(package)):
        for name in sorted(files):
            if name.endswith(".py"):
                info = (Path(directory) / name).stat()
                parts.append(f"{directory}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_key(settings_bytes: bytes) -> str:
    """Everything besides a file's own bytes that its cached result depends on."""
    digest = hashlib.sha256()
    for part in (str(FORMAT), __version__, _source_fingerprint()):
        digest.update(part.encode() + b"\0")
    digest.update(settings_bytes)
    return digest.hexdigest()


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# --- loading through the cache -----------------------------------------------------------


def path_key(path: Path) -> str:
    """Absolute, not resolved: resolving every path costs more than the cache saves."""
    return os.path.abspath(path)  # noqa: PTH100 - Path.absolute() is slower still


@dataclass
class Miss:
    """A file that must be parsed: its position in the result and what is known already."""

    index: int
    target: Target
    key: str


def load_deal_files(
    targets: Iterable[Target],
    cache: FileCache | None,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
) -> list[DealFile]:
    """Every target's DealFile, in order, from the cache where it is still valid."""
    from .parallel import load_uncached

    targets = list(targets)
    results: list[DealFile | None] = [None] * len(targets)
    misses: list[Miss] = []
    done = 0
    for index, target in enumerate(targets):
        if cache is None:
            misses.append(Miss(index, target, ""))
            continue
        key = path_key(target.path)
        hit = _cached(cache, key, target)
        if hit is None:
            misses.append(Miss(index, target, key))
            continue
        results[index] = hit
        done += 1
        if progress is not None:
            progress(done)
    for miss, deal_file, record in load_uncached(misses, cache is not None, workers=workers):
        results[miss.index] = deal_file
        if cache is not None:
            if record is None:
                cache.forget(miss.key)
            else:
                cache.store(miss.key, record)
        done += 1
        if progress is not None:
            progress(done)
    if cache is not None:
        cache.save()
    return [result for result in results if result is not None]


def _cached(cache: FileCache, key: str, target: Target) -> DealFile | None:
    record = cache.lookup(key)
    if record is None:
        return None
    try:
        info = target.path.stat()
    except OSError:
        return None
    if info.st_size != record.size:
        return None
    if record.mtime_ns is None or info.st_mtime_ns != record.mtime_ns:
        try:
            data = target.path.read_bytes()
        except OSError:
            return None
        if content_hash(data) != record.digest:
            return None
        record.mtime_ns = _trusted_mtime(info)
        cache.dirty.add(cache.shard_of(key))
    payload = record.payload
    if isinstance(payload, DealFile):
        return DealFile(
            target.path, target.display, payload.deal, payload.problems, payload.deal_id
        )
    try:
        return decode_result(payload, target.path, target.display)
    except (CacheFormatError, KeyError, TypeError, ValueError):
        cache.forget(key)
        return None


def _trusted_mtime(info: os.stat_result) -> int | None:
    return None if time.time() - info.st_mtime < RACY_SECONDS else info.st_mtime_ns


def load_for_cache(target: Target) -> tuple[DealFile, _Record | None]:
    """Load one file from its bytes, returning the record to cache (None: do not cache it)."""
    try:
        info = target.path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return load_deal_file(target.path, target.display), None
        data = target.path.read_bytes()
    except OSError:
        return load_deal_file(target.path, target.display), None
    deal_file = load_deal_file(target.path, target.display, data)
    record = _Record(len(data), _trusted_mtime(info), content_hash(data), deal_file)
    if len(data) != info.st_size:  # changed while reading: do not vouch for it
        record.mtime_ns = None
    return deal_file, record
