"""The ledger's cache: per-file results in one SQLite database, so an unchanged deal file is
never parsed or validated twice.

What is kept, one table per kind, each row tied to one version of one file:

- `files`: per path, the size, mtime and content hash that identify the version, the file's
  own problems (including those of the rules that need the settings), the facts rules across
  files need (`facts.DealFacts`), and the validated deal as JSON (`cache_codec.py`);
- `settings`: dealledger.toml's own problems and reporting currency;
- `derived`: values computed from one deal and the settings, such as a report's row, under
  a name that says what else they depend on (`Ledger.derived`);
- `meta`: the key of everything besides a file's bytes that a result depends on: the cache
  format, the dealledger version, a fingerprint of the installed source (an editable install
  changes code without changing the version) and the exact bytes of dealledger.toml. Any
  difference empties every table.

Invalidation: a file's row is used when its size and mtime are unchanged; otherwise the file
is read and its content hash decides, so `touch` costs a hash, not a parse. A file written
within `RACY_SECONDS` of being cached is stored without an mtime and re-hashed next time
(the same tick could hold a second edit). Rules across files and against today's date are not
cached: they run on the facts on every load, so a warm run gives a cold run's verdict.

Why SQLite: it gives what a cache of many small records needs and a folder of files would
have to hand-build: reading one row without reading the rest, atomic commits, concurrent
readers beside a writer (WAL mode), and detection of a damaged file. A run that cannot take
the write lock in time keeps what it found and writes nothing; `sqlite3.DatabaseError` on
opening (a damaged file) sets the file aside as `cache.sqlite3.damaged` and starts a new one.

Threat model: the cache lives in the user's tree and is as trusted as the deal files beside
it. It holds JSON text only (never pickle), decoded with every type checked, so a hostile
cache can at worst give wrong verdicts, not run code. A cache folder that is a symbolic link
or not a folder, or a database that is not a regular file, is refused: the run goes without.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..domain.facts import DealFacts, DealFile
from ..domain.problems import Problem, Severity
from ..load.discover import settings_file
from ..load.reading import NotRegularFile, TooLarge, read_bounded

if TYPE_CHECKING:
    from ..domain.models import Deal

CACHE_DIR_NAME = ".dealledger-cache"
CACHE_ENV = "DEALLEDGER_CACHE_DIR"
DATABASE = "cache.sqlite3"
FORMAT = 9
# How long a run waits for another run's write to finish before it skips writing.
LOCK_SECONDS = 2.0
# Rows are written this many at a time.
BATCH = 512
# Kept values are read for at most this many files per query (SQLite's limit on parameters is
# 32,766 since 3.32, 999 before).
_KEYS_PER_QUERY = 900

SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER,"
    " digest TEXT NOT NULL, deal_id TEXT, problems TEXT NOT NULL, facts TEXT, deal TEXT)",
    "CREATE TABLE settings (id INTEGER PRIMARY KEY CHECK (id = 1), problems TEXT NOT NULL,"
    " currency TEXT)",
    "CREATE TABLE derived (name TEXT NOT NULL, path TEXT NOT NULL, digest TEXT NOT NULL,"
    " value TEXT NOT NULL, PRIMARY KEY (name, path))",
)
TABLES = ("files", "settings", "derived", "meta")

_SEVERITIES = {severity.value: severity for severity in Severity}
_OPEN: weakref.WeakSet[Cache] = weakref.WeakSet()


@dataclass(slots=True)
class Record:
    """One file version's row: how to recognise it and what it contributed (paths left out:
    they are shown relative to where the command runs)."""

    size: int
    mtime_ns: int | None
    digest: str
    deal_id: str | None
    problems: Any  # as JSON gives them: checked when used
    facts: Any

    def deal_file(self, path: Path, display: str) -> DealFile:
        """The file's result without its deal (`Cache.deal` reads that); ValueError if the
        row is not what this module writes."""
        problems = tuple(
            Problem(
                _text(code),
                _SEVERITIES[severity],
                display,
                _maybe(_number, line),
                _maybe(_number, column),
                _text(message),
                _maybe(_text, deal),
                _maybe(_number, end_line),
                _maybe(_number, end_column),
            )
            for code, severity, line, column, message, deal, end_line, end_column in self.problems
        )
        facts = None
        if self.facts is not None:
            deal_id, day, related, events, links = self.facts
            facts = DealFacts(
                _text(deal_id),
                _text(day),
                tuple(map(_text, related)),
                tuple((_number(i), _text(key), _text(when)) for i, key, when in events),
                tuple((tuple(map(_key_part, loc)), _text(linked)) for loc, linked in links),
            )
        return DealFile(path, display, None, problems, _maybe(_text, self.deal_id), facts)


def _text(value: Any) -> str:
    if type(value) is not str:
        raise ValueError("not text")
    return value


def _number(value: Any) -> int:
    if type(value) is not int:
        raise ValueError("not a number")
    return value


def _key_part(value: Any) -> str | int:
    """One step of a key path: a key (text) or a list index (a number)."""
    if type(value) is int:
        return value
    return _text(value)


def _maybe(check: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else check(value)


def problem_rows(problems: Iterable[Problem]) -> list[tuple[Any, ...]]:
    return [
        (p.code, p.severity.value, p.line, p.column, p.message, p.deal, p.end_line, p.end_column)
        for p in problems
    ]


def close_caches() -> None:
    """Close every cache this process opened and still holds.

    A command's ledger (and copies of it made by filters) keeps its cache for reading deals
    on demand; in a long-lived process that runs command after command (tests, the fuzz
    harness, an editor integration) the connections would otherwise stay open until garbage
    collection, which the CLI pauses. The CLI calls this when a command ends.
    """
    for cache in list(_OPEN):
        cache.close()


def _close_quietly(connection: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        connection.close()


class Cache:
    """One ledger's cache database; `load_deal_files` reads and updates it."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self.records: dict[str, Record] = {}
        self._loaded = False
        self._writable = True
        self._replaced: set[str] = set()
        self._closed = False
        _OPEN.add(self)
        # Closed when the cache goes, however it goes: a ledger and its copies may be freed
        # by the cycle collector long after a command, with the connection's descriptors.
        self._release = weakref.finalize(self, _close_quietly, connection)
        self._pending: dict[str, list[tuple[Any, ...]]] = {}

    @classmethod
    def for_ledger(cls, root: Path | None) -> Cache | None:
        """The cache of a ledger root, or None where there is none to be had.

        Where it lives: `$DEALLEDGER_CACHE_DIR` if set; else `.dealledger-cache/` in the
        ledger, where the ledger's folder can be written; else (a read-only checkout) a
        folder per ledger in the user's cache folder. Where none can be used the run goes
        on without one, and `--verbose` says so.
        """
        settings = b""
        found = settings_file(root) if root is not None else None
        if found is not None:
            # Read as every reader reads it: never through a link out, never a FIFO or a
            # device, bounded. Settings that cannot be read mean no cache: the run reports
            # them as it would with --no-cache.
            path, refusal = found
            if refusal is not None:
                return _without("dealledger.toml cannot be read")
            try:
                settings = read_bounded(path)
            except (OSError, NotRegularFile, TooLarge):
                return _without("dealledger.toml cannot be read")
        key = cache_key(settings)
        for folder in cache_folders(root):
            if not _usable_folder(folder):
                continue
            database = folder / DATABASE
            for _ in range(2):
                if not _usable_file(database):
                    return _without(f"{database} is not a regular file")
                try:
                    return cls(_connect(database, key), database)
                except sqlite3.DatabaseError as exc:
                    if not _damaged(exc):
                        break  # locked, read-only, out of space: try the next place
                    _set_aside(database)
        return _without("no cache folder could be written")

    def _write(self, sql: str, row: tuple[Any, ...]) -> None:
        """A row for the run's one transaction, written with others of its kind in batches."""
        if self._writable:
            rows = self._pending.setdefault(sql, [])
            rows.append(row)
            if len(rows) >= BATCH:
                self._flush()

    def _flush(self) -> None:
        """Pending rows into the transaction; a cache that cannot be written is skipped."""
        try:
            for sql, rows in self._pending.items():
                if rows and self._writable:
                    if not self._db.in_transaction:
                        self._db.execute("BEGIN IMMEDIATE")
                    self._db.executemany(sql, rows)
        except sqlite3.DatabaseError as exc:
            self._fail(exc)
        self._pending.clear()

    def _fail(self, exc: sqlite3.DatabaseError) -> None:
        self._writable = False
        with contextlib.suppress(sqlite3.DatabaseError):
            self._db.rollback()
        if _damaged(exc):
            _set_aside(self.path)  # the next run starts a new one

    def commit(self) -> None:
        if self._closed:
            return
        self._flush()
        if self._db.in_transaction:
            try:
                self._db.commit()
            except sqlite3.DatabaseError as exc:
                self._fail(exc)

    def close(self) -> None:
        """Commit what is pending and close the database; the cache then reads as empty."""
        if self._closed:
            return
        self.commit()
        self._writable = False
        self._closed = True
        self._release()

    def _query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        if self._closed:
            return []
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            self._fail(exc)
            return []

    def lookup(self, key: str) -> Record | None:
        if not self._loaded:
            self._loaded = True
            columns = "path, size, mtime_ns, digest, deal_id, problems, facts"
            rows = self._query(f"SELECT {columns} FROM files")
            kept = _json_pairs([(row[5], row[6]) for row in rows])
            self.records = {
                row[0]: Record(row[1], row[2], row[3], row[4], *pair)
                for row, pair in zip(rows, kept, strict=True)
            }
        return self.records.get(key)

    def store(self, key: str, record: Record, deal_json: str | None) -> None:
        self.lookup(key)
        self.records[key] = record
        self._write(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, record.size, record.mtime_ns, record.digest, record.deal_id,
             json.dumps(record.problems),
             None if record.facts is None else json.dumps(record.facts), deal_json),
        )  # fmt: skip

    def trust_mtime(self, key: str, record: Record, mtime_ns: int | None) -> None:
        """A file found unchanged by its hash: next time its mtime is enough."""
        record.mtime_ns = mtime_ns
        self._write("UPDATE files SET mtime_ns = ? WHERE path = ?", (mtime_ns, key))

    def forget(self, key: str) -> None:
        if self.lookup(key) is not None:
            del self.records[key]
            self._write("DELETE FROM files WHERE path = ?", (key,))

    def deal(self, key: str) -> Deal | None:
        """The stored deal of the file version this run checked, or None."""
        from .cache_codec import CodecError, load_deal

        record = self.records.get(key)
        if record is None:
            return None
        rows = self._query(
            "SELECT deal FROM files WHERE path = ? AND digest = ?", key, record.digest
        )
        if rows and rows[0][0] is not None:
            with contextlib.suppress(CodecError):
                return load_deal(rows[0][0])
        if rows:  # a row without its deal: the next run parses the file and stores it again
            self.forget(key)
            self.commit()
        return None

    def derived(self, name: str, keys: list[str]) -> list[str | None]:
        """The values kept under `name` for these files' versions (None where there is none).

        Read for the keys asked only (the caller asks a batch at a time), so a report whose
        kept values are large, such as the export's tables, holds one batch of text at once.
        """
        records = self.records
        found: dict[str, str] = {}
        known = [key for key in keys if key in records]  # only a file kept can have values
        for start in range(0, len(known), _KEYS_PER_QUERY):
            chunk = known[start : start + _KEYS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"SELECT path, digest, value FROM derived WHERE name = ? AND path IN ({marks})",
                name,
                *chunk,
            )
            for path, digest, value in rows:
                record = records.get(path)
                if record is not None and record.digest == digest:
                    found[path] = value
        return [found.get(key) for key in keys]

    def keep_derived(self, name: str, key: str, value: str, replaces: str | None = None) -> None:
        """Keep `value` for the file's version; with `replaces`, the first value kept in this run
        also drops every other name starting with it (values of another day or rate, which
        would otherwise pile up)."""
        record = self.records.get(key)
        if record is None:
            return
        if replaces is not None and name not in self._replaced:
            self._replaced.add(name)
            self._write(
                "DELETE FROM derived WHERE substr(name, 1, ?) = ? AND name != ?",
                (len(replaces), replaces, name),
            )
        self._write(
            "INSERT OR REPLACE INTO derived VALUES (?, ?, ?, ?)",
            (name, key, record.digest, value),
        )

    def settings_record(self, display: str) -> tuple[tuple[Problem, ...], str | None] | None:
        """dealledger.toml's problems and currency, as found when these very bytes (they are
        in the key) were validated: a warm run needs neither the models nor the validation."""
        rows = self._query("SELECT problems, currency FROM settings")
        if not rows:
            return None
        try:
            record = Record(0, None, "", None, json.loads(rows[0][0]), None)
            return record.deal_file(Path(display), display).problems, rows[0][1]
        except (ValueError, TypeError, KeyError):
            return None

    def keep_settings_record(self, problems: tuple[Problem, ...], currency: str | None) -> None:
        self._write(
            "INSERT OR REPLACE INTO settings VALUES (1, ?, ?)",
            (json.dumps(problem_rows(problems)), currency),
        )
        self.commit()


def _json_pairs(pairs: list[tuple[str, str | None]]) -> list[tuple[Any, Any]]:
    """Problems and facts of every row, decoded in one call (one by one if any is damaged;
    a damaged one becomes a value `Record.deal_file` refuses)."""
    text = ",".join(f"[{problems},{facts or 'null'}]" for problems, facts in pairs)
    try:
        decoded = json.loads(f"[{text}]")
        if len(decoded) == len(pairs) and all(len(pair) == 2 for pair in decoded):
            return decoded
    except (ValueError, TypeError, RecursionError):
        pass
    if len(pairs) == 1:
        return [(None, None)]
    return [_json_pairs([pair])[0] for pair in pairs]


def cache_folders(root: Path | None) -> list[Path]:
    """Where a ledger's cache may live, in order of preference (see `Cache.for_ledger`)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return [Path(env)]
    if root is None:
        return []
    inside = root / CACHE_DIR_NAME
    places = [inside] if os.access(inside if inside.exists() else root, os.W_OK) else []
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    name = hashlib.sha256(str(root.absolute()).encode("utf-8", "surrogateescape")).hexdigest()
    return [*places, Path(base) / "dealledger" / name[:16]]


# Why the last run had no cache, for `--verbose`; None when it had one.
NO_CACHE_REASON: list[str | None] = [None]


def _without(reason: str) -> None:
    NO_CACHE_REASON[0] = reason
    return


def _usable_folder(folder: Path) -> bool:
    """The folder, made if missing; refused if it is a symbolic link or not a folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    ignore = folder / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(OSError):
            ignore.write_text("# dealledger's cache: safe to delete\n*\n", encoding="utf-8")
    return True


def _usable_file(database: Path) -> bool:
    """The database and its companions are regular files or absent: never a link, FIFO or
    device, which SQLite would follow or block on."""
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if not stat.S_ISREG(info.st_mode):
            return False
    return True


def _connect(database: Path, key: str) -> sqlite3.Connection:
    connection = sqlite3.connect(database, timeout=LOCK_SECONDS, isolation_level=None)
    try:
        if _stored_key(connection) != key:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("BEGIN IMMEDIATE")
            if _stored_key(connection) != key:  # another run may have just done it
                for table in TABLES:
                    connection.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in SCHEMA:
                    connection.execute(statement)
                connection.execute("INSERT INTO meta VALUES ('key', ?)", (key,))
            connection.execute("COMMIT")
        connection.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        connection.close()
        raise
    return connection


def _stored_key(connection: sqlite3.Connection) -> str | None:
    tables = connection.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchall()
    if not tables:
        return None
    row = connection.execute("SELECT value FROM meta WHERE name = 'key'").fetchone()
    return row[0] if row else None


# SQLite's result codes for a database that is busy or that this run may not or cannot write:
# none of them says anything is wrong with the file.
_NOT_DAMAGE = {5, 6, 8, 10, 13, 14}  # BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is None or code & 0xFF not in _NOT_DAMAGE


def _set_aside(database: Path) -> None:
    """A damaged database is renamed, not deleted: it may be worth a look."""
    with contextlib.suppress(OSError):
        database.replace(database.with_name(DATABASE + ".damaged"))
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{database}{suffix}").unlink()


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
    for part in (str(FORMAT), __version__, _source_fingerprint()):
        digest.update(part.encode() + b"\0")
    digest.update(settings_bytes)
    return digest.hexdigest()


def path_key(path: Path) -> str:
    """Absolute, not resolved: resolving every path costs more than the cache saves.

    A path that is already absolute and normal (the usual case) is taken as it is, which
    spares `abspath`'s normalization per file.
    """
    text = os.fspath(path)
    if text.startswith(os.sep) and f"{os.sep}." not in text and os.sep * 2 not in text:
        return text
    return os.path.abspath(text)  # noqa: PTH100 - Path.absolute() is slower still
