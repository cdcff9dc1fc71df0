"""A cache of per-file results, so an unchanged deal file is never parsed or validated twice.

What is cached is what one file contributes given the settings: its own problems (including
those of the rules that need the settings: registry, FX coverage, declared totals), the facts
that rules across files need (`facts.DealFacts`), the validated deal, and what reports derived
from it. Rules across files and against today's date always run again on the facts
(`rules/across_files.py`), so a cached run gives the same verdict as a cold one. A file's record is
used when its size and mtime are unchanged; when they changed, the file is read and its
content hash decides, so `touch` or `git checkout` costs a hash, not a parse.

Layout: `<root>/.dealledger-cache/` (or `$DEALLEDGER_CACHE_DIR`) holds 64 shards, each an
index (`index-NN.json`, read by every run) and lines files (`deals-NN.jsonl`, and one per
kind of kept report value), read by offset and only by the reports that need them; each line
carries the content hash of the file version it came from. Every shard file starts with a
header line `{"format", "key", "digest"}`. `key` covers the cache format, the dealledger
version, a fingerprint of the installed source (an editable install changes code without
changing the version) and the exact bytes of dealledger.toml; any difference discards the
shard. `digest` is the SHA-256 of the body, so a truncated, garbled or half-written shard is
detected and rebuilt, never trusted. docs/performance.md has the whole picture.

Threat model: the cache lives in the user's own tree and is as trusted as the deal files
next to it; but since it may come with the ledger (a committed `.dealledger-cache`), it is
used only as a real folder of regular files, read bounded and never through a link (see
`FileCache.for_ledger`), so it cannot redirect a write or hang a run. The digest detects
corruption, not tampering: someone who can write the cache can write the deal files. Even so
it is plain JSON (never pickle), so a hostile cache can at worst give wrong verdicts, not
run code. Shards are written to a temporary file in the same folder and renamed into place,
so concurrent runs each see a complete old or new shard; the last writer wins, and both
writers' records were valid.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import stat
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .. import __version__
from ..domain.facts import DealFacts, DealFile
from ..domain.limits import MAX_FILE_BYTES
from ..domain.problems import Problem, Severity
from ..load.discover import Target, file_refusal, settings_file
from ..load.reading import NotRegularFile, TooLarge, open_regular, read_bounded
from .cache_index import CacheFormatError, IndexCodec

if TYPE_CHECKING:
    from ..domain.models import Deal
    from ..rules.with_settings import RuleContext
    from .cache_codec import RecordCodec

CACHE_DIR_NAME = ".dealledger-cache"
CACHE_ENV = "DEALLEDGER_CACHE_DIR"
FORMAT = 5
SHARDS = 64
DEALS = "deals"
SETTINGS_RECORD = "settings.json"
GITIGNORE = ".gitignore"
# A bound on one cache file, far above any real shard (100,000 deals make 64 shards of a few
# megabytes each): a larger one is not trusted, and is rebuilt.
MAX_CACHE_FILE_BYTES = 256 * 1024 * 1024
# A file modified this recently may change again within the same mtime tick; its record is
# stored without an mtime so that the next run compares content hashes instead ("racy git").
RACY_SECONDS = 2.0
# A run that parses more files than this keeps none of their deals in memory (see
# `load_deal_files`).
KEEP_PARSED = 10_000

_SEVERITIES = {severity.value: severity for severity in Severity}

Progress = Callable[[int], None]


# --- records ------------------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    """What one file contributed, and how to tell whether the file is still the same.

    The path is not stored in the problems: it is shown differently from other folders and is
    filled in when the record is used. `facts` is what rules across files need (see
    facts.py); the deal itself lives in a separate file of the shard and is decoded only when
    a report asks for it. `deal` and `deal_json` exist only for a file parsed in this run.
    """

    size: int
    mtime_ns: int | None
    digest: str
    deal_id: str | None
    problems: tuple[tuple[Any, ...], ...]
    facts: tuple[Any, ...] | None
    deal: Deal | None = None
    deal_json: bytes | None = None
    fresh: bool = False
    spilled: bool = False
    # The index record as a pool worker encoded it, written as it is.
    index_json: bytes | None = None
    # Values a report derived from the deal while it was parsed: (kind, value).
    derived: list[tuple[str, bytes]] = field(default_factory=list)

    @classmethod
    def of(cls, size: int, mtime_ns: int | None, digest: str, deal_file: DealFile) -> Record:
        problems = tuple(
            (
                p.code,
                p.severity.value,
                p.line,
                p.column,
                p.message,
                p.deal,
                p.end_line,
                p.end_column,
            )
            for p in deal_file.problems
        )
        facts = deal_file.facts.as_tuple() if deal_file.facts is not None else None
        return cls(
            size, mtime_ns, digest, deal_file.deal_id, problems, facts, deal_file.deal, fresh=True
        )

    def index_fields(self) -> tuple[Any, ...]:
        return (self.size, self.mtime_ns, self.digest, self.deal_id, self.problems, self.facts)

    def deal_file(self, path: Path, display: str) -> DealFile:
        """The file's result, without its deal (that is `FileCache.deal`'s job)."""
        problems = (
            tuple(
                Problem(code, _SEVERITIES[severity], display, line, column, message, deal_id, *end)
                for code, severity, line, column, message, deal_id, *end in self.problems
            )
            if self.problems
            else ()
        )
        facts = DealFacts(*self.facts) if self.facts is not None else None
        return DealFile(path, display, self.deal, problems, self.deal_id, facts)


def codec() -> RecordCodec | None:
    """The deal codec, or None if the models hold a type it cannot store (then no deal is
    cached, and every file is parsed)."""
    from .cache_codec import RecordCodec

    try:
        return RecordCodec.build()
    except CacheFormatError:
        return None


# --- the cache --------------------------------------------------------------------------


@dataclass
class FileCache:
    """The shards of one cache folder; `load_deal_files` reads and updates it.

    Each shard is two files: `index-NN.json` (per path: size, mtime, hash, problems, facts),
    which every run reads, and `deals-NN.jsonl` (per path: the validated deal), which only a
    report that needs whole deals reads, one line per deal, decoding just the lines it uses.
    """

    folder: Path
    key: str
    # Named by the user ($DEALLEDGER_CACHE_DIR), not found in the ledger: may be a link.
    chosen: bool = False
    records: dict[str, Record] = field(default_factory=dict)
    dirty: set[int] = field(default_factory=set)
    _loaded: set[int] = field(default_factory=set)
    _lines_read: dict[tuple[str, int], _LinesShard] = field(default_factory=dict)
    _derived: set[tuple[str, int]] = field(default_factory=set)
    # Deals parsed in this run wait for `save` in temporary files, not in memory: a cold run
    # over 100,000 files would otherwise hold every encoded deal at once.
    _spill: dict[tuple[str, int], BinaryIO] = field(default_factory=dict)

    @classmethod
    def for_ledger(cls, root: Path | None) -> FileCache | None:
        """The cache for a ledger root, or None where there is nowhere safe to keep one.

        The cache folder inside a ledger comes with the ledger (a pull request can commit
        one), so it is used only as a real folder: a `.dealledger-cache` that is a link, or
        whose settings record or .gitignore is a link, FIFO, device or folder, means no cache
        for this run (it is then neither read nor written, and the run is as with
        --no-cache). A folder named in $DEALLEDGER_CACHE_DIR is the user's own choice and
        may be a link; the files in it are held to the same rule. Settings that cannot be
        read (a FIFO, a link out of the ledger, too large) also mean no cache: the run
        reports them as it would without one.
        """
        env = os.environ.get(CACHE_ENV)
        if env:
            folder = Path(env)
        elif root is not None:
            folder = root / CACHE_DIR_NAME
        else:
            return None
        cache = cls(folder, "", chosen=bool(env))
        if not cache.usable():
            return None
        settings = b""
        found = settings_file(root) if root is not None else None
        if found is not None:
            path, refusal = found
            if refusal is not None:
                return None
            try:
                settings = read_bounded(path)
            except (OSError, NotRegularFile, TooLarge):
                return None
        cache.key = cache_key(settings)
        return cache

    def usable(self) -> bool:
        """Whether the folder is (or can become) a real folder whose own files are regular.

        Checked when the cache is opened and again before it is first written, so a link
        put in place meanwhile is not written through either.
        """
        try:
            info = self.folder.stat() if self.chosen else self.folder.lstat()
        except FileNotFoundError:
            return True  # created on first save
        except OSError:
            return False
        if not stat.S_ISDIR(info.st_mode):
            return False
        return all(
            file_refusal(self.folder / name, None, links=False) is None
            for name in (SETTINGS_RECORD, GITIGNORE)
        )

    def _ready(self) -> bool:
        """Create the folder if need be; False where it cannot be (safely) written."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        return self.usable()

    @staticmethod
    def shard_of(path_key: str) -> int:
        """The shard of a path: any stable, well-spread hash will do, so the cheapest."""
        return zlib.crc32(path_key.encode("utf-8", "surrogatepass")) % SHARDS

    def _index_path(self, shard: int) -> Path:
        return self.folder / f"index-{shard:02d}.json"

    def _lines_path(self, kind: str, shard: int) -> Path:
        return self.folder / f"{kind}-{shard:02d}.jsonl"

    def _read_verified(self, path: Path) -> bytes | None:
        """A shard file's body if its header has this cache's key and the body its digest.

        Read like a deal file (bounded, never blocking, never through a link): a shard
        linked to /dev/zero or replaced by a FIFO is simply not a valid shard.
        """
        try:
            raw = read_bounded(path, MAX_CACHE_FILE_BYTES, follow_links=False)
        except (OSError, NotRegularFile, TooLarge):
            return None
        return self._verified(raw)

    def _verified(self, raw: bytes) -> bytes | None:
        header, _, body = raw.partition(b"\n")
        try:
            meta = json.loads(header)
        except ValueError:
            return None
        if (
            not isinstance(meta, dict)
            or meta.get("format") != FORMAT
            or meta.get("key") != self.key
            or meta.get("digest") != hashlib.sha256(body).hexdigest()
        ):
            return None
        return body

    def _load_shard(self, shard: int) -> None:
        """Read one index shard into `records`; anything wrong leaves the shard empty."""
        self._loaded.add(shard)
        body = self._read_verified(self._index_path(shard))
        if body is None:
            if self._index_path(shard).exists():
                self.dirty.add(shard)  # stale or garbled: rebuild it from the files
            return
        try:
            records = IndexCodec.build().load_shard(body)
        except (CacheFormatError, ValueError, TypeError, RecursionError):
            self.dirty.add(shard)
            return
        for path_key, fields in records.items():
            self.records.setdefault(path_key, Record(*fields))

    def _lines(self, shard: int, kind: str = DEALS) -> _LinesShard:
        """A lines shard, verified and indexed; values are read from the file when asked for.

        Keeping only where each value lies (not the values) is what lets a report walk
        100,000 deals in flat memory.
        """
        lines = self._lines_read.get((kind, shard))
        if lines is None:
            lines = self._lines_read[kind, shard] = _LinesShard.open(
                self._lines_path(kind, shard), self._verified
            )
        return lines

    def lookup(self, path_key: str) -> Record | None:
        shard = self.shard_of(path_key)
        if shard not in self._loaded:
            self._load_shard(shard)
        return self.records.get(path_key)

    def deal(self, path_key: str) -> Deal | None:
        """The cached deal of a file whose record was used, or None if it cannot be had."""
        record = self.records.get(path_key)
        if record is not None and record.deal is not None:
            return record.deal
        shard = self.shard_of(path_key)
        encoded = self._lines(shard).get(_quoted(path_key), record.digest) if record else None
        if encoded is not None:
            deals = codec()
            if deals is not None:
                with contextlib.suppress(CacheFormatError):
                    return deals.load_deal(encoded)
        # The deals shard is missing, damaged or from another run: drop the index shard too,
        # so that the next run parses these files again and writes both anew.
        with contextlib.suppress(OSError):
            self._index_path(shard).unlink()
        return None

    def store(self, path_key: str, record: Record) -> None:
        self.lookup(path_key)  # the shard is loaded before it is changed
        shard = self.shard_of(path_key)
        self.records[path_key] = record
        self.dirty.add(shard)
        if record.deal_json is not None:
            with contextlib.suppress(OSError, UnicodeEncodeError):
                line = _deal_line(path_key, record.digest, record.deal_json)
                self._spill_file(DEALS, shard).write(line)
                record.deal_json = None
                record.spilled = True

    def _spill_file(self, kind: str, shard: int) -> BinaryIO:
        stream = self._spill.get((kind, shard))
        if stream is None:
            # Anonymous: nothing is left behind, whatever ends the run.
            stream = tempfile.TemporaryFile(prefix="dealledger-")  # noqa: SIM115 - closed by save or drop_spill
            self._spill[kind, shard] = stream
        return stream

    def _spilled(self, kind: str, shard: int) -> dict[bytes, bytes]:
        """What waited in a spill file: the last value per path."""
        stream = self._spill.pop((kind, shard), None)
        if stream is None:
            return {}
        with stream:
            stream.seek(0)
            lines = stream.read().split(b"\n")
        spilled = {}
        for line in lines:
            parts = line.split(b"\t", 2)
            if len(parts) == 3:
                spilled[parts[0]] = parts[2]
        return spilled

    def forget(self, path_key: str) -> None:
        self.lookup(path_key)
        if self.records.pop(path_key, None) is not None:
            self.dirty.add(self.shard_of(path_key))

    def save(self) -> None:
        """Write the shards that changed; a cache that cannot be written is simply skipped."""
        if not self.dirty:
            return
        try:
            if not self._ready():
                raise OSError("the cache folder cannot be written safely")
            ignore = self.folder / GITIGNORE
            if not ignore.exists():
                _write_atomic(ignore, b"# dealledger's cache: safe to delete\n*\n")
        except OSError:
            self.drop_spill()
            return
        index = IndexCodec.build()
        keys: dict[int, list[str]] = {shard: [] for shard in self.dirty}
        for path_key in self.records:
            bucket = keys.get(self.shard_of(path_key))
            if bucket is not None:
                bucket.append(path_key)
        # One shard at a time, so a cold run never holds the whole cache as JSON at once.
        for shard, shard_keys in keys.items():
            old_lines = self._lines(shard)
            spilled = self._spilled(DEALS, shard)
            index_parts = []
            deal_lines = []
            for path_key in shard_keys:
                record = self.records[path_key]
                try:
                    path_key.encode("utf-8")  # a name with undecodable bytes: not cached
                    quoted = _quoted(path_key)
                    encoded = record.index_json or index.dump(record.index_fields())
                    deal_json = record.deal_json
                    if deal_json is None and record.spilled:
                        deal_json = spilled.get(quoted)
                    if deal_json is None and record.deal is not None:
                        deals = codec()
                        deal_json = deals.dump_deal(record.deal) if deals else None
                    if deal_json is None and not record.fresh:
                        deal_json = old_lines.get(quoted, record.digest)
                except (CacheFormatError, UnicodeEncodeError):
                    continue  # not cacheable: parsed again next time
                if record.facts is not None and deal_json is None:
                    continue  # a valid deal whose deal cannot be had: parse it next time
                index_parts.append(quoted + b":" + encoded)
                if deal_json is not None:
                    deal_lines.append(_deal_line(path_key, record.digest, deal_json))
            self._write_shard(self._lines_path(DEALS, shard), b"".join(deal_lines))
            self._write_shard(self._index_path(shard), b"{" + b",".join(index_parts) + b"}")
            self._forget_lines(DEALS, shard)
            # The deals written are on disk now: keep only what reports may still ask for.
            for path_key in shard_keys:
                record = self.records[path_key]
                record.deal_json = record.index_json = None
                record.fresh = record.spilled = False
        self.dirty.clear()
        self.drop_spill()

    def drop_spill(self, kind: str = DEALS) -> None:
        for key in [key for key in self._spill if key[0] == kind]:
            self._spill.pop(key).close()

    def derived(self, kind: str, path_key: str) -> bytes | None:
        """A value a report derived from this file version earlier (see `keep_derived`)."""
        record = self.records.get(path_key)
        if record is None:
            return None
        return self._lines(self.shard_of(path_key), kind).get(_quoted(path_key), record.digest)

    def keep_derived(self, kind: str, path_key: str, value: bytes) -> None:
        """Remember a report's per-file result, such as a deal's summary row, for next time.

        Only results that depend on nothing but the file and the settings (both in the key)
        belong here; `save_derived` writes them.
        """
        record = self.records.get(path_key)
        if record is None or b"\n" in value:
            return
        shard = self.shard_of(path_key)
        with contextlib.suppress(OSError, UnicodeEncodeError):
            self._spill_file(kind, shard).write(_deal_line(path_key, record.digest, value))
            self._derived.add((kind, shard))

    def settings_record(self, display: str) -> tuple[tuple[Problem, ...], str | None] | None:
        """dealledger.toml's own problems and reporting currency, as found when these exact
        settings were validated.

        The cache's key holds the settings' bytes, so a record under this key is about this
        very file: a warm run then needs neither the models nor the validation.
        """
        body = self._read_verified(self.folder / SETTINGS_RECORD)
        if body is None:
            return None
        try:
            rows, currency = IndexCodec.build().load_settings(body)
        except CacheFormatError:
            return None
        problems = tuple(
            Problem(code, _SEVERITIES[severity], display, line, column, message, deal_id, *end)
            for code, severity, line, column, message, deal_id, *end in rows
        )
        return problems, currency

    def keep_settings_record(self, problems: tuple[Problem, ...], currency: str | None) -> None:
        rows = tuple(
            (
                p.code,
                p.severity.value,
                p.line,
                p.column,
                p.message,
                p.deal,
                p.end_line,
                p.end_column,
            )
            for p in problems
        )
        if not self._ready():
            return
        try:
            body = IndexCodec.build().dump_settings((rows, currency))
        except CacheFormatError:
            return
        self._write_shard(self.folder / SETTINGS_RECORD, body)

    def save_derived(self) -> None:
        """Merge the kept results into their shards; lines of older file versions go."""
        if not self._derived or not self._ready():
            return
        digests_by_shard: dict[int, dict[bytes, str]] = {}
        touched = {shard for _, shard in self._derived}
        for path_key, record in self.records.items():
            shard = self.shard_of(path_key)
            if shard in touched:
                digests_by_shard.setdefault(shard, {})[_quoted(path_key)] = record.digest
        for kind, shard in self._derived:
            digests = digests_by_shard.get(shard, {})
            merged = {
                quoted: (digest, value)
                for quoted, digest, value in self._lines(shard, kind).items()
                if digests.get(quoted) == digest
            }
            for quoted, value in self._spilled(kind, shard).items():
                if quoted in digests:
                    merged[quoted] = (digests[quoted], value)
            body = b"".join(
                _line(quoted, digest, value) for quoted, (digest, value) in merged.items()
            )
            self._write_shard(self._lines_path(kind, shard), body)
            self._forget_lines(kind, shard)
        self._derived.clear()

    def _forget_lines(self, kind: str, shard: int) -> None:
        lines = self._lines_read.pop((kind, shard), None)
        if lines is not None:
            lines.close()

    def _write_shard(self, path: Path, body: bytes) -> None:
        header = json.dumps(
            {"format": FORMAT, "key": self.key, "digest": hashlib.sha256(body).hexdigest()}
        ).encode()
        with contextlib.suppress(OSError):
            _write_atomic(path, header + b"\n" + body)


class _LinesShard:
    """A verified lines shard: where each value lies in the file, read when asked for.

    The file stays open, so a writer renaming a new shard into place meanwhile changes
    nothing for this reader: it keeps reading the version it verified.
    """

    # A body this small is kept and sliced: cheaper than a read per value, and small.
    KEEP_BODY = 256 * 1024

    def __init__(
        self,
        stream: BinaryIO | None,
        spans: dict[bytes, tuple[str, int, int]],
        raw: bytes | None = None,
    ):
        self._stream = stream
        self._spans = spans
        self._raw = raw

    @classmethod
    def open(cls, path: Path, verified: Callable[[bytes], bytes | None]) -> _LinesShard:
        try:
            descriptor = open_regular(path, follow_links=False)
        except (OSError, NotRegularFile):
            return cls(None, {})
        stream = os.fdopen(descriptor, "rb")
        try:
            size = os.fstat(descriptor).st_size
            # Read what fstat says is there: a file that grows meanwhile fails its digest.
            raw = stream.read(size) if size <= MAX_CACHE_FILE_BYTES else b""
        except OSError:
            stream.close()
            return cls(None, {})
        body = verified(raw)
        if body is None:
            stream.close()
            return cls(None, {})
        base = len(raw) - len(body)
        spans: dict[bytes, tuple[str, int, int]] = {}
        start, size = 0, len(body)
        while start < size:
            end = body.find(b"\n", start)
            end = size if end < 0 else end
            first = body.find(b"\t", start, end)
            second = body.find(b"\t", first + 1, end) if first >= 0 else -1
            if second >= 0:
                with contextlib.suppress(UnicodeDecodeError):
                    digest = body[first + 1 : second].decode("ascii")
                    spans[body[start:first]] = (digest, base + second + 1, end - second - 1)
            start = end + 1
        if len(raw) <= cls.KEEP_BODY:
            stream.close()
            return cls(None, spans, raw)
        return cls(stream, spans)

    def get(self, quoted: bytes, digest: str) -> bytes | None:
        """The value kept for this file version, or None."""
        span = self._spans.get(quoted)
        if span is None or span[0] != digest:
            return None
        if self._raw is not None:
            return self._raw[span[1] : span[1] + span[2]]
        if self._stream is None:
            return None
        try:
            if hasattr(os, "pread"):
                value = os.pread(self._stream.fileno(), span[2], span[1])
            else:  # pragma: no cover - Windows has no pread
                self._stream.seek(span[1])
                value = self._stream.read(span[2])
        except OSError:
            return None
        return value if len(value) == span[2] else None

    def items(self) -> Iterator[tuple[bytes, str, bytes]]:
        for quoted, (digest, _, _) in self._spans.items():
            value = self.get(quoted, digest)
            if value is not None:
                yield quoted, digest, value

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def __del__(self) -> None:
        self.close()


def _quoted(path_key: str) -> bytes:
    """A path as the lines shards write it: a JSON string, ASCII only (so no tab or newline)."""
    return encode_basestring_ascii(path_key).encode("ascii")


def _deal_line(path_key: str, digest: str, value: bytes) -> bytes:
    """One line of a lines shard: the path as JSON, the content hash, the value's JSON."""
    return _line(_quoted(path_key), digest, value)


def _line(quoted: bytes, digest: str, value: bytes) -> bytes:
    return quoted + b"\t" + digest.encode("ascii") + b"\t" + value + b"\n"


def _write_atomic(target: Path, data: bytes) -> None:
    """Temporary file in the same folder, then rename: readers see the old or the new shard.

    No fsync: after a crash a shard may be empty or torn, which its digest reveals and the
    next run rebuilds; durability is not worth 64 disk flushes per run for a cache.
    """
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def _source_fingerprint() -> str:
    """Names, sizes and mtimes of the package's modules: code edits without a version bump."""
    package = Path(__file__).parent.parent
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
    # The source fingerprint covers the models too: a changed field is a changed file.
    for part in (str(FORMAT), __version__, _source_fingerprint()):
        digest.update(part.encode() + b"\0")
    digest.update(settings_bytes)
    return digest.hexdigest()


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# --- loading through the cache -----------------------------------------------------------


def path_key(path: Path) -> str:
    """Absolute, not resolved: resolving every path costs more than the cache saves.

    A path that is already absolute and normal (the usual case: the ledger found from the
    current folder) is taken as it is, which spares `abspath`'s normalization per file.
    """
    text = os.fspath(path)
    if text.startswith(os.sep) and f"{os.sep}." not in text and os.sep * 2 not in text:
        return text
    return os.path.abspath(text)  # noqa: PTH100 - Path.absolute() is slower still


@dataclass
class Miss:
    """A file that must be parsed: its position in the result and what is known already."""

    index: int
    target: Target
    key: str


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a ledger's objects are built.

    Loading creates hundreds of thousands of small objects that all stay alive; each
    automatic collection rescans every one of them, which measured about half of a warm run.
    Deals and their models hold no reference cycles, so nothing is missed.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_deal_files(
    targets: Iterable[Target],
    cache: FileCache | None,
    progress: Progress | None = None,
    *,
    context: Callable[[], RuleContext | None] = lambda: None,
    keep_deals: bool = True,
    derive: Derive | None = None,
    workers: int | None = None,
) -> list[DealFile]:
    """Every target's DealFile, in order, from the cache where it is still valid.

    `context` gives the settings rules' context, asked for only if some file must be parsed
    (building it validates the settings). A valid file's `deal` may be None with `facts`
    set: its deal is then decoded from the cache (or parsed again) only if a report asks
    for it (`FileCache.deal`). With
    `keep_deals=False` (a caller that needs facts only, like `check`) deals parsed in this
    run are not kept in memory either.
    """
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
    if misses:
        from .pool import load_uncached

        # Held in memory, 100,000 deals would take a gigabyte: past a bound, a report reads
        # each deal back from the cache when it needs it, in flat memory.
        keep = keep_deals and (cache is None or len(misses) <= KEEP_PARSED)
        uncached = load_uncached(
            misses,
            cache is not None,
            context=context(),
            keep_deals=keep,
            derive=derive if cache is not None else None,
            workers=workers,
        )
    else:
        uncached = iter(())
    for miss, deal_file, record in uncached:
        results[miss.index] = deal_file
        if cache is not None:
            if record is None:
                cache.forget(miss.key)
            else:
                cache.store(miss.key, record)
                for kind, value in record.derived:
                    cache.keep_derived(kind, miss.key, value)
                record.derived = []
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
        record.mtime_ns = _trusted_mtime(info)
        cache.dirty.add(cache.shard_of(key))
    return record.deal_file(target.path, target.display)


def _trusted_mtime(info: os.stat_result) -> int | None:
    return None if time.time() - info.st_mtime < RACY_SECONDS else info.st_mtime_ns


def load_deal_file(
    path: Path, display: str, data: bytes | None = None, context: RuleContext | None = None
) -> DealFile:
    """The loader's, imported on first use: a run served from the cache never needs it."""
    from ..rules.deal_file import load_deal_file as load

    return load(path, display, data, context)


# What a report derives from one valid deal and the settings (kind, value) pairs, computed
# where the deal is parsed (in a pool worker on a large cold run) and kept in the cache.
Derive = Callable[["Deal", str, "RuleContext"], list[tuple[str, bytes]]]


def derived_values(
    derive: Derive | None, deal_file: DealFile, context: RuleContext | None
) -> list[tuple[str, bytes]]:
    """What `derive` makes of a parsed deal; nothing where it cannot (the report will)."""
    if derive is None or context is None or deal_file.deal is None:
        return []
    try:
        return derive(deal_file.deal, deal_file.display, context)
    except (ArithmeticError, LookupError, ValueError, TypeError):
        return []  # computed again by the report, which then reports what is wrong


def load_for_cache(
    target: Target,
    context: RuleContext | None = None,
    *,
    keep_deal: bool = True,
    derive: Derive | None = None,
) -> tuple[DealFile, Record | None]:
    """Load one file from its bytes, returning the record to cache (None: do not cache it).

    The record carries the deal already encoded for the cache; without `keep_deal` the
    returned DealFile holds no deal (its facts say it is valid).
    """
    try:
        info = target.path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return load_deal_file(target.path, target.display, None, context), None
        data = read_bounded(target.path)
    except (OSError, NotRegularFile, TooLarge):
        # Not cacheable: the loader reads it again and reports why it cannot be used.
        return load_deal_file(target.path, target.display, None, context), None
    deal_file = load_deal_file(target.path, target.display, data, context)
    record = Record.of(len(data), _trusted_mtime(info), content_hash(data), deal_file)
    if len(data) != info.st_size:  # changed while reading: do not vouch for it
        record.mtime_ns = None
    if deal_file.deal is not None:
        from .cache_codec import share_fields_sets

        deals = codec()
        try:
            if deals is None:
                raise CacheFormatError("no codec for these models")
            record.deal_json = deals.dump_deal(deal_file.deal)
        except CacheFormatError:
            return deal_file, None
        record.derived = derived_values(derive, deal_file, context)
        if keep_deal:
            share_fields_sets(deal_file.deal)
        else:
            record.deal = None
            deal_file = DealFile(
                deal_file.path,
                deal_file.display,
                None,
                deal_file.problems,
                deal_file.deal_id,
                deal_file.facts,
            )
    return deal_file, record
