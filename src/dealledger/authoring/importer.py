"""`import`: deals read from a spreadsheet, checked as files, then written all or nothing.

Each row (a `Candidate`: the deal's data and the cell each key came from) becomes a deal
file's text in `fmt`'s layout, which goes through the real loader (`load_deal_file`: TOML,
the model, the file's own rules, the settings' rules) and the rules across files with the
ledger as it is: duplicate ids row by row, `related` ids and dates in the future once every
row is read. A problem is reported at the sheet, row and column it came from.

The pass is streaming: a row's text is appended to one staging file in a folder beside
`deals/` (a `.….tmp` name no command reads), and its id, planned file and problems go to a
scratch database there (`import_spool`); the rules across files that need every id run at
the end on the few rows that name another deal or a date. Memory does not grow with the
rows. Nothing reaches `deals/` until every row is checked; then each file is created
atomically (never over an existing file), and an error or Ctrl-C part way removes what this
run created and restores what it updated.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit

from ..domain.errors import LedgerError
from ..domain.facts import DealFile
from ..domain.problems import KeyPath, Problem, Severity
from ..load.discover import DEALS_DIR
from ..load.toml_text import layout
from ..rules.across_files import deal_findings, has_findings_to_look_for
from ..rules.deal_file import load_deal_file
from ..rules.with_settings import RuleContext
from .canonical import ARRAY_TABLES, ROOT_ORDER, TABLE_ORDER
from .draft import display_path, surroundings
from .import_spool import ImportSpool
from .record import Change, apply_change
from .safe_write import WriteError, write_atomic

MONEY_TYPES = ("upfront", "milestone", "commercial")
SUMMARIES = 50  # rows whose summary (parties, amounts) is kept for the listing
_STAGED = "deals.toml.tmp"
_ACROSS = (("related",), ("tranches",))
# Keys `--update` never changes: they say which deal (and file) this is.
_IDENTITY = frozenset({"id", "parties", "assets", "sources", "financials"})


@dataclass(frozen=True, slots=True)
class CellRef:
    """Where a value came from: `book.xlsx:Sheet1`, row 12, column 5 (its header)."""

    source: str
    row: int
    column: int | None = None
    header: str | None = None

    @property
    def where(self) -> str:
        place = f"{self.source}:R{self.row}"
        return place + (f":C{self.column}" if self.column is not None else "")

    @property
    def label(self) -> str:
        """What the message starts with: the column's header, or the mapping's constant."""
        if self.header is None:
            return ""
        if self.column is None:
            return f"{self.header}: "
        return f"column {self.header!r}: "


@dataclass
class Candidate:
    """One deal as read from a row: TOML-ready data, the cell of each key, reading problems."""

    data: dict[str, Any]
    row: CellRef
    cells: dict[KeyPath, CellRef] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def cell_problem(cell: CellRef, code: str, message: str) -> Problem:
    """A problem at a cell, printed `book.xlsx:Sheet1:R12:C5: error DL109 …`."""
    return Problem(code, Severity.ERROR, cell.where, None, None, cell.label + message)


@dataclass(slots=True)
class PlannedFile:
    """One file to write, as read back from the spool (or kept, for the first rows)."""

    seq: int  # its place among the planned files, from 1
    deal_id: str
    title: str
    target: Path
    display: str
    row: CellRef
    staged: tuple[int, int]  # offset and length of the text in the staging file
    action: str  # "create" or "update"
    old: tuple[int, int] | None = None  # where the file's bytes when read are staged
    errors: int = 0
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """What `plan_import` found: counts in memory, every row's file and problem on disk.

    Only the first `SUMMARIES` files are kept as objects (for the listing); the rest are
    read back from the spool one at a time, so a plan's size does not grow with the rows.
    """

    root: Path
    staging: Path
    spool: ImportSpool
    texts: Any = None  # the staging file, open for appending while planning
    shown: list[PlannedFile] = field(default_factory=list)
    rows: int = 0
    invalid: int = 0  # planned files with an error

    @property
    def planned(self) -> int:
        return self.spool.files

    @property
    def valid(self) -> int:
        return self.planned - self.invalid

    @property
    def errors(self) -> int:
        return self.spool.errors

    @property
    def warnings(self) -> int:
        return self.spool.warnings

    def problems(self) -> Iterator[Problem]:
        """Every problem in the order found: each row's, then those across files."""
        return self.spool.problems()

    def files(self, *, valid_only: bool = False) -> Iterator[PlannedFile]:
        for seq, *values in self.spool.file_rows(valid_only=valid_only):
            (deal_id, target, display, source, row, offset, length, action) = values[:8]
            old_offset, old_length, errors = values[8:]
            yield PlannedFile(
                seq,
                deal_id,
                "",
                Path(target),
                display,
                CellRef(source, row),
                (offset, length),
                action,
                None if old_offset is None else (old_offset, old_length),
                errors,
            )

    def discard(self) -> None:
        if self.texts is not None:
            self.texts.close()
            self.texts = None
        self.spool.close()
        shutil.rmtree(self.staging, ignore_errors=True)

    def staged_bytes(self, span: tuple[int, int]) -> bytes:
        offset, length = span
        with (self.staging / _STAGED).open("rb") as handle:
            handle.seek(offset)
            return handle.read(length)

    def stage(self, data: bytes) -> tuple[int, int]:
        span = (self.texts.tell(), len(data))
        self.texts.write(data)
        return span


class ImportStopped(LedgerError):
    """Writing stopped part way; what this run had written was removed again."""


# --- ids ---------------------------------------------------------------------------------

_STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "in",
        "on",
        "to",
        "with",
        "by",
        "from",
        "at",
        "inc",
        "ltd",
        "co",
        "plc",
        "corp",
        "limited",
        "group",
        "pharmaceutical",
        "pharmaceuticals",
        "pharma",
        "therapeutics",
        "bio",
        "biotech",
        "biopharma",
        "holdings",
        "deal",
        "agreement",
        "license",
        "licence",
        "collaboration",
    }
)


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[^a-z0-9]+", text.lower()) if word]


def base_id(data: dict[str, Any]) -> str:
    """`cspc-astrazeneca-2025-ai-research`: parties, year, a short title slug; deterministic."""
    parts: list[str] = []
    for party in data.get("parties", ())[:2]:
        words = [word for word in _words(str(party.get("name", ""))) if word not in _STOP_WORDS]
        if words:
            parts.append(words[0][:16])
    when = data.get("signed") or data.get("announced")
    if isinstance(when, date):
        parts.append(str(when.year))
    used = set(parts)
    title = [
        word
        for word in _words(str(data.get("title", "")))
        if word not in _STOP_WORDS and word not in used
    ]
    parts += [word[:12] for word in title[:3]]
    slug = "-".join(parts)[:72].strip("-")
    return slug or "deal"


def unique_id(base: str, taken: Container[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


# --- text and locations ------------------------------------------------------------------


def deal_text(data: dict[str, Any]) -> str:
    """The deal file's text in `fmt`'s layout: root keys, then one `[[parties]]`,
    `[[assets]]`, `[[tranches]]`, `[[sources]]` table per element, keys in the format's order.

    Written in that layout directly rather than run through `fmt`, which would double the
    cost of a row; tests check that `fmt --check` leaves imported files as they are.
    """
    lines = [
        f"{key} = {toml_value(data[key])}"
        for key in _ordered(data, ROOT_ORDER)
        if key not in ARRAY_TABLES
    ]
    for name in ARRAY_TABLES:
        lines += table_lines(name, data.get(name, ()))
    return "\n".join(lines) + "\n"


def _ordered(table: dict[str, Any], order: tuple[str, ...]) -> list[str]:
    rank = {name: index for index, name in enumerate(order)}
    return sorted(table, key=lambda key: rank.get(key, len(order)))


def table_lines(name: str, elements: Iterable[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for element in elements:
        lines += ["", f"[[{name}]]"]
        lines += [
            f"{key} = {toml_value(element[key])}" for key in _ordered(element, TABLE_ORDER[name])
        ]
    return lines


def toml_value(value: Any) -> str:
    """One value as TOML text: strings always quoted (a cell "=1+2" is text here), dates
    bare, lists on one line, tables (royalty tiers) inline."""
    if isinstance(value, str):
        # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | date):
        return str(value) if isinstance(value, int) else value.isoformat()
    if isinstance(value, dict):
        pairs = ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items())
        return "{ " + pairs + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return tomlkit.item(value).as_string()


def line_paths(text: str) -> dict[int, KeyPath]:
    """Line number → the key path written on it, for placing a problem back in its cell."""
    counts: dict[str, int] = {}
    table: KeyPath = ()
    paths: dict[int, KeyPath] = {}
    for statement in layout(text):
        line = text.count("\n", 0, statement.start) + 1
        if statement.kind == "header":
            name = statement.key[0] if statement.key else ""
            if statement.is_array:
                counts[name] = counts.get(name, -1) + 1
                table = (name, counts[name])
            else:
                table = statement.key
            paths[line] = table
        elif statement.kind == "keyvalue":
            paths[line] = (*table, *statement.key)
    return paths


def _cell_for(path: KeyPath, cells: dict[KeyPath, CellRef], row: CellRef) -> CellRef:
    for length in range(len(path), 0, -1):
        found = cells.get(path[:length])
        if found is not None:
            return found
    return row


def _located(problem: Problem, cell: CellRef) -> Problem:
    return Problem(
        problem.code,
        problem.severity,
        cell.where,
        None,
        None,
        cell.label + problem.message,
        problem.deal,
    )


# --- --update ----------------------------------------------------------------------------


def updated_text(old: str, data: dict[str, Any]) -> str:
    """`old` with the imported root keys and tranche amounts set, every other byte kept.

    Parties, assets and sources say which deal this is and are not changed; a blank
    (undisclosed) amount leaves the file's amount as it is; a money type the file has no
    tranche of is added as a new `[[tranches]]` table at the end.
    """
    text = old
    for key, value in data.items():
        if key in _IDENTITY or key == "tranches":
            continue
        text = apply_change(text, None, Change(key, toml_value(value)))
    existing = tomllib.loads(text).get("tranches", [])
    types = [item.get("type") for item in existing if isinstance(item, dict)]
    for tranche in data.get("tranches", ()):
        kind = tranche["type"]
        key = "rate" if kind == "royalty" else "amount"
        value = tranche.get(key)
        if value is None or value == "undisclosed":
            continue
        if kind in types:
            text = apply_change(
                text, ("tranches", types.index(kind)), Change(key, toml_value(value))
            )
        else:
            text = text.rstrip("\n") + "\n" + "\n".join(table_lines("tranches", [tranche])) + "\n"
    return text


# --- planning ----------------------------------------------------------------------------


class _LedgerIds:
    """The ledger's ids and those of the rows `among_rows` answers for: every row's so far
    (the ids a generated id must avoid), or those that became a file (the ledger as it would
    be after the import; an updated file keeps its id)."""

    def __init__(self, existing: dict[str, DealFile], among_rows: Callable[[str], bool]) -> None:
        self.existing = existing
        self.among_rows = among_rows

    def __contains__(self, deal_id: object) -> bool:
        return deal_id in self.existing or (isinstance(deal_id, str) and self.among_rows(deal_id))


def plan_import(
    root: Path,
    candidates: Iterable[Candidate],
    *,
    update: bool = False,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Read and check every candidate; stage the texts; write nothing into `deals/`."""
    today = today or date.today()
    deals = root / DEALS_DIR
    context = surroundings(root, deals / ".dealledger-import")
    rules = RuleContext(context.settings)
    existing: dict[str, DealFile] = {}
    for other in context.others:
        if other.deal_id is not None:
            existing.setdefault(other.deal_id, other)
    staging = Path(tempfile.mkdtemp(prefix=".dealledger-import-", suffix=".tmp", dir=root))
    plan: ImportPlan | None = None
    try:
        plan = ImportPlan(root, staging, ImportSpool(staging))
        plan.texts = (staging / _STAGED).open("ab")
        taken = _LedgerIds(existing, plan.spool.has_id)
        for number, candidate in enumerate(candidates, start=1):
            plan.rows = number
            _plan_one(candidate, deals, existing, taken, rules, update, plan)
            if progress is not None:
                progress(number)
        plan.texts.close()
        plan.texts = None
        _across_files(plan, existing, today)
        plan.invalid = plan.spool.invalid_files()
    except BaseException:
        if plan is not None:
            plan.discard()
        else:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return plan


def _plan_one(
    candidate: Candidate,
    deals: Path,
    existing: dict[str, DealFile],
    taken: _LedgerIds,
    rules: RuleContext,
    update: bool,
    plan: ImportPlan,
) -> None:
    spool = plan.spool
    data = candidate.data
    problems = list(candidate.problems)
    id_cell = candidate.cells.get(("id",), candidate.row)
    action = "create"
    old: bytes | None = None
    target: Path | None = None
    if "id" not in data:
        data = {"id": unique_id(base_id(data), taken), **data}
    deal_id = str(data["id"])
    first = spool.place_of(deal_id)
    if first is not None:
        problems.append(
            cell_problem(id_cell, "DL301", f"id {deal_id!r} is also on {first}; ids are unique")
        )
    elif deal_id in existing:
        other = existing[deal_id]
        if not update:
            problems.append(
                cell_problem(
                    id_cell,
                    "DL301",
                    f"id {deal_id!r} is already used by {other.display}; pass --update to "
                    "change that file's imported fields, or give this row another id",
                )
            )
        else:
            action, target = "update", other.path
    if target is None:
        when = data.get("signed") or data.get("announced")
        folder = deals / str(when.year) if isinstance(when, date) else deals
        target = folder / f"{deal_id}.toml"
    display = display_path(target)
    try:
        if action == "update":
            old = target.read_bytes()
            text = updated_text(old.decode("utf-8").removeprefix("\ufeff"), data)
        else:
            text = deal_text(data)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        problems.append(cell_problem(candidate.row, "DL003", f"cannot write this row: {exc}"))
        spool.take_id(deal_id, candidate.row.where, planned=False)
        spool.add_problems(problems)
        return
    encoded = text.encode("utf-8")
    loaded = load_deal_file(target, display, encoded, rules)
    paths = line_paths(text) if loaded.problems else {}
    for problem in loaded.problems:
        path = paths.get(problem.line or 0, ())
        problems.append(_located(problem, _cell_for(path, candidate.cells, candidate.row)))
    staged = plan.stage(encoded)
    old_staged = plan.stage(old) if old is not None else None
    errors = sum(1 for problem in problems if problem.severity is Severity.ERROR)
    row = candidate.row
    spool.take_id(deal_id, row.where, planned=True)
    old_span = old_staged or (None, None)
    seq = spool.add_file(
        (deal_id, str(target), display, row.source, row.row, *staged, action, *old_span, errors)
    )
    if seq <= SUMMARIES:
        title = str(data.get("title", ""))
        item = PlannedFile(seq, deal_id, title, target, display, row, staged, action)
        item.old, item.errors, item.summary = old_staged, errors, _summary(data)
        plan.shown.append(item)
    spool.add_problems(problems)
    facts = loaded.facts
    if facts is not None and has_findings_to_look_for(facts):
        # Cells for the rules across files, kept only where one of them can apply.
        cells = [
            [list(path), cell.source, cell.row, cell.column, cell.header]
            for path, cell in candidate.cells.items()
            if path[:1] in _ACROSS
        ]
        spool.defer(seq, facts, cells)


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    amounts = {
        tranche["type"]: tranche.get("amount")
        for tranche in data.get("tranches", ())
        if tranche.get("type") in MONEY_TYPES
    }
    return {
        "parties": " / ".join(str(party.get("name")) for party in data.get("parties", ())),
        "currency": data.get("currency"),
        **amounts,
    }


def _across_files(plan: ImportPlan, existing: dict[str, DealFile], today: date) -> None:
    """`related` and linked ids, future dates: with the ledger as it would be after import.

    Duplicate ids were reported row by row (against the ledger and the rows before); only
    the rows whose facts name another deal or a date were kept for this pass.
    """
    known = _LedgerIds(existing, plan.spool.is_planned)
    shown = {item.seq: item for item in plan.shown}
    for seq, facts, kept in plan.spool.deferred():
        found = deal_findings(facts.id, facts, known, today)
        if not found:
            continue
        cells = {
            tuple(path): CellRef(source, row, column, header)
            for path, source, row, column, header in kept
        }
        row = CellRef(*plan.spool.file_place(seq))
        problems = []
        for finding in found:
            cell = _cell_for(finding.loc, cells, row)
            problems.append(
                Problem(
                    finding.code,
                    finding.severity,
                    cell.where,
                    None,
                    None,
                    cell.label + finding.message,
                    facts.id,
                )
            )
        errors = sum(1 for problem in problems if problem.severity is Severity.ERROR)
        plan.spool.add_problems(problems)
        if errors:
            plan.spool.add_errors(seq, errors)
            if seq in shown:
                shown[seq].errors += errors


# --- writing -----------------------------------------------------------------------------


def commit_import(plan: ImportPlan, progress: Callable[[int], None] | None = None) -> int:
    """Write the plan's valid files into the ledger, each atomically; on any failure (or
    Ctrl-C) undo this run's writes and raise. Returns how many files were written.

    What was written is not listed in memory: on failure the same files are read again from
    the spool, up to the one that failed, and undone.
    """
    written = 0
    folders: list[Path] = []
    try:
        for item in plan.files(valid_only=True):
            data = plan.staged_bytes(item.staged)
            if item.action == "create":
                folder = item.target.parent
                if not folder.exists():
                    folder.mkdir(parents=True)
                    folders.append(folder)
                write_atomic(item.target, data, create=True)
            else:
                current = item.target.read_bytes()
                if item.old is None or current != plan.staged_bytes(item.old):
                    raise WriteError(
                        f"{item.display} changed while importing; run the import again"
                    )
                write_atomic(item.target, data)
            written += 1
            if progress is not None:
                progress(written)
    except BaseException as exc:
        _undo(plan, written, folders)
        if isinstance(exc, Exception):
            raise ImportStopped(
                f"import stopped: {exc}; the {written} file(s) this run had written were "
                "removed or restored, nothing else changed"
            ) from exc
        raise
    return written


def _undo(plan: ImportPlan, written: int, folders: list[Path]) -> None:
    """Remove the first `written` valid files this run created, restore those it updated."""
    for item, _ in zip(plan.files(valid_only=True), range(written), strict=False):
        if item.action == "create":
            item.target.unlink(missing_ok=True)
        elif item.old is not None:
            write_atomic(item.target, plan.staged_bytes(item.old))
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()
