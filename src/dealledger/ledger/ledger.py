"""The ledger: every deal file and the settings, checked against each other.

`load_ledger` is the one entry point reports use. It never raises for bad files: each file's
problems are collected, the deals without errors are kept, and reports run on those.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..domain.errors import LedgerError, UsageError
from ..domain.facts import DealFacts, DealFile, facts_of
from ..domain.periods import today_somewhere
from ..domain.problems import Finding, Problem, Severity
from ..load.discover import (
    DEALS_DIR,
    SETTINGS_FILE,
    Target,
    deal_files,
    file_identity,
)
from ..rules.across_files import cross_file_findings
from .cache import Cache, path_key
from .files import load_deal_file, load_deal_files
from .settings import LedgerSettings, read_settings

if TYPE_CHECKING:
    from ..domain.fx import FxTable
    from ..domain.models import Deal, Settings
    from ..domain.registry import Registry
    from ..rules.with_settings import RuleContext


class Entry:
    """A valid deal and where it came from; the deal itself is decoded on first use.

    Most entries of a warm run come from the cache's `files` table, which holds what rules across
    files need but not the deal: `check` never decodes one, and reports decode each deal
    when they reach it (see `DealSource`).
    """

    __slots__ = ("_deal", "_problems", "_source", "display", "facts", "path")

    def __init__(
        self,
        deal: Deal | None,
        path: Path,
        display: str,
        source: DealSource | None = None,
        problems: tuple[Problem, ...] = (),
        facts: DealFacts | None = None,
    ) -> None:
        if deal is None and (source is None or facts is None):
            raise ValueError("an entry needs its deal or a way to get it")
        self._deal = deal
        self._source = source
        self._problems = problems
        self.path = path
        self.display = display
        self.facts = facts if facts is not None else facts_of(deal)  # type: ignore[arg-type]

    @property
    def deal_id(self) -> str:
        """The deal's id, known without decoding the deal."""
        return self.facts.id

    @property
    def deal(self) -> Deal:
        deal = self._deal
        if deal is None:
            assert self._source is not None
            deal = self._deal = self._source.deal_of(self)
        return deal

    def __repr__(self) -> str:
        return f"Entry({self.display!r})"


class DealSource:
    """Where entries whose deal was not kept in memory get it: the cache, else the file.

    Only the most recently decoded deals stay held, so a report that walks 100,000 entries
    once (summarize, totals) runs in flat memory; one that comes back to an entry decodes
    it again.
    """

    HELD = 1024

    def __init__(self, cache: Cache | None, context: Callable[[], RuleContext]) -> None:
        self._cache = cache
        self._context = context
        self._held: deque[Entry] = deque()

    def deal_of(self, entry: Entry) -> Deal:
        deal = self._cache.deal(path_key(entry.path)) if self._cache is not None else None
        if deal is None:
            again = load_deal_file(entry.path, entry.display, None, self._context())
            deal = again.deal
            if deal is None or again.problems != entry._problems:
                raise LedgerChanged(
                    f"{entry.display} changed while dealledger was reading the ledger; "
                    "run the command again"
                )
        held = self._held
        held.append(entry)
        if len(held) > self.HELD:
            held.popleft()._deal = None
        return deal


class LedgerChanged(LedgerError, RuntimeError):
    """A deal file changed between being checked and being reported on."""


@dataclass(frozen=True)
class Ledger:
    """The checked ledger. `settings` may be given as a function: it is then validated on
    first use, so a `check` served from the cache never builds the models."""

    root: Path | None
    settings_source: Settings | LedgerSettings
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...]
    files: int
    all_entries: tuple[Entry, ...] = ()
    # Where `derived` keeps per-file results for the next run; reports never see it.
    _cache: Cache | None = field(default=None, compare=False, repr=False)
    # Why a run that asked for the cache went without one (for `--verbose`), else None.
    cache_note: str | None = field(default=None, compare=False)

    @cached_property
    def settings(self) -> Settings:
        source = self.settings_source
        return source() if callable(source) else source

    @property
    def settings_currency(self) -> str | None:
        """The settings' reporting currency; from the cache, this validates nothing."""
        return self.settings_source.currency

    @cached_property
    def registry(self) -> Registry:
        from ..domain.registry import Registry

        return Registry(self.settings.parties)

    @cached_property
    def fx(self) -> FxTable:
        from ..domain.fx import FxTable

        return FxTable(self.settings.fx)

    @property
    def errors(self) -> int:
        return sum(problem.severity is Severity.ERROR for problem in self.problems)

    @property
    def warnings(self) -> int:
        return sum(problem.severity is Severity.WARNING for problem in self.problems)

    def find(self, deal_id: str) -> Entry | None:
        """A deal by id among all valid deals, selected or not (for `related` lookups)."""
        return next((entry for entry in self.all_entries if entry.deal_id == deal_id), None)

    def derived(
        self, name: str, compute: Callable[[Entry], T], *, replaces: str | None = None
    ) -> Iterator[T]:
        """`compute(entry)` for each selected entry, in order, kept per file version.

        A warm run reads the values back instead of decoding deals. So `compute` may depend
        on nothing but the entry's file, the settings (both in the cache's key) and what
        `name` spells out (say, the reporting currency and grouping keys), and returns plain
        data: str, int, bool, None, Decimal, date, and tuples, lists and str-keyed dicts of
        them (anything else is computed every time). Each value is the caller's own to change.
        With `replaces` (a prefix of `name`), values kept under other names with that prefix
        are dropped when this one is kept: for names holding a date or a rate, which change.
        """
        from .cache_codec import CodecError, dump_value

        cache = self._cache
        if cache is None:
            yield from map(compute, self.entries)
            return
        for start in range(0, len(self.entries), DERIVED_BATCH):
            batch = self.entries[start : start + DERIVED_BATCH]
            keys = [path_key(entry.path) for entry in batch]
            kept = _decoded(cache.derived(name, keys))
            for entry, key, value in zip(batch, keys, kept, strict=True):
                if value is _MISSING:
                    value = compute(entry)
                    with contextlib.suppress(CodecError):
                        cache.keep_derived(name, key, dump_value(value), replaces)
                yield value
        cache.commit()


T = TypeVar("T")
# Kept values are decoded this many at a time: one JSON call per batch, flat memory.
DERIVED_BATCH = 1024
_MISSING: Any = object()


def _decoded(kept: list[str | None]) -> list[Any]:
    """Kept values, `_MISSING` where there is none or it does not decode."""
    from .cache_codec import CodecError, load_values

    try:
        values = iter(load_values([text for text in kept if text is not None]))
        return [_MISSING if text is None else next(values) for text in kept]
    except CodecError:  # one damaged value: the others one by one
        if len(kept) == 1:
            return [_MISSING]
        return [_decoded([text])[0] for text in kept]


Progress = Callable[[int], None]


def load_ledger(
    root: Path | None,
    targets: list[Target] | None = None,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    cache: bool = False,
    keep_deals: bool = True,
) -> Ledger:
    """Load and check a ledger; with `targets`, report on those files only.

    Cross-file rules (duplicate ids, related ids) still see every deal under the root, so
    checking only the files a commit changed gives the same verdict on them as a full run.
    With `cache`, per-file results are reused from the ledger's cache (see cache.py).
    `keep_deals=False` is for callers that never look at `entry.deal` (they still may: the
    deal is then decoded or parsed again on first use).
    """
    if root is None and targets is None:
        raise UsageError(
            "no ledger found: run inside a folder that has a deals/ folder, "
            "or pass --ledger DIR (or set DEALLEDGER_LEDGER)"
        )
    if root is not None and targets is None and not (root / DEALS_DIR).is_dir():
        raise UsageError(f"{_display(root / DEALS_DIR)!r} is not a folder of deal files")
    context = list(deal_files(root / DEALS_DIR, _display(root / DEALS_DIR))) if root else []
    if targets is None:
        selected = context
        everything = context
        wanted = None  # every file is selected: no need to resolve paths to compare them
    else:
        selected = [target for target in targets if target.path.name != SETTINGS_FILE]
        wanted = {file_identity(target.path) for target in selected}
        # A selected file outside deals/ still joins the cross-file context.
        known = {file_identity(target.path) for target in context}
        everything = context + [
            target for target in selected if file_identity(target.path) not in known
        ]

    file_cache = Cache.for_ledger(root) if cache else None
    settings = read_settings(root, file_cache, _display)
    contexts: list[RuleContext] = []

    def context() -> RuleContext:
        """The settings rules' context, built (and the settings validated) on first use."""
        if not contexts:
            from ..rules.with_settings import RuleContext

            contexts.append(RuleContext(settings.get()))
        return contexts[0]

    with gc_paused():
        # Targets discovery refused (links out of the folder, loops) are problems, never read.
        readable = [target for target in everything if target.refusal is None]
        read = iter(
            load_deal_files(
                readable,
                file_cache,
                progress,
                context=context,
                keep_deals=keep_deals,
            )
        )
        loaded: list[DealFile] = [
            _refused(target) if target.refusal is not None else next(read) for target in everything
        ]
        facts = [deal_file.facts for deal_file in loaded]
        ledger_findings = cross_file_findings(loaded, facts, today or today_somewhere())

    problems: list[Problem] = list(settings.problems)
    source = DealSource(file_cache, context)
    all_entries: list[Entry] = []
    entries: list[tuple[str, str, Entry]] = []
    error = Severity.ERROR
    for index, deal_file in enumerate(loaded):
        extra = ledger_findings.get(index)
        file_problems = deal_file.problems
        if extra:
            file_problems += tuple(_place(deal_file, extra, file_cache))
        selected_file = wanted is None or file_identity(deal_file.path) in wanted
        if file_problems and selected_file:
            problems.extend(file_problems)
        deal_facts = deal_file.facts
        if deal_facts is None or (
            file_problems and any(problem.severity is error for problem in file_problems)
        ):
            continue
        entry = Entry(
            deal_file.deal,
            deal_file.path,
            deal_file.display,
            None if deal_file.deal is not None else source,
            deal_file.problems,
            deal_facts,
        )
        all_entries.append(entry)
        if selected_file:
            entries.append((deal_facts.date, deal_file.deal_id or "", entry))
    if file_cache is not None:
        file_cache.commit()
    problems.sort(key=lambda problem: problem.sort_key)
    entries.sort(key=lambda item: item[:2])
    return Ledger(
        root,
        settings,
        tuple(item[2] for item in entries),
        tuple(problems),
        len(selected) + _settings_named(targets),
        tuple(all_entries),
        file_cache,
        _no_cache_reason() if cache and file_cache is None else None,
    )


def _no_cache_reason() -> str | None:
    from .cache import NO_CACHE_REASON

    return NO_CACHE_REASON[0]


def _settings_named(targets: list[Target] | None) -> int:
    """1 when dealledger.toml was named on the command line: it was checked, so it counts."""
    return int(any(target.path.name == SETTINGS_FILE for target in targets or ()))


SPANS = "spans"


def _place(deal_file: DealFile, findings: Iterable[Finding], cache: Cache | None) -> list[Problem]:
    """Cross-file findings at their lines; positions found once per file version are kept.

    Finding a position means reading and scanning the file again: a ledger with a hundred
    duplicate ids would pay that on every run. The positions depend only on the file, so
    they are kept in the cache and read back while the file is unchanged.
    """
    from ..domain.limits import MAX_PROBLEMS, shorten_message

    findings = list(findings)
    if not findings:
        return []
    key = path_key(deal_file.path)
    spans: dict[str, list[int]] = {}
    if cache is not None and len(findings) <= MAX_PROBLEMS:
        known = cache.derived(SPANS, [key])[0]
        if known is not None:
            with contextlib.suppress(ValueError):
                spans = _span_table(json.loads(known))
    wanted = [(finding, _span_key(finding)) for finding in findings]
    if any(name not in spans for _, name in wanted):
        from ..load.document import finding_span, place_findings, read_document, token_end
        from ..load.positions import scan_positions

        document = read_document(deal_file.path, deal_file.display)
        if document.text is None:
            return list(document.problems)
        if cache is None or len(findings) > MAX_PROBLEMS:
            return list(
                place_findings(findings, document.text, deal_file.display, deal_file.deal_id)
            )
        index = scan_positions(document.text)
        lines = document.text.splitlines()
        for finding, name in wanted:
            line, column = finding_span(index, finding)
            end = token_end(lines[line - 1], column) if 0 < line <= len(lines) else None
            spans.setdefault(name, [line, column, end or 0])
        cache.keep_derived(SPANS, key, json.dumps(spans, separators=(",", ":")))
    problems = [
        Problem(
            finding.code,
            finding.severity,
            deal_file.display,
            spans[name][0],
            spans[name][1],
            shorten_message(finding.message),
            deal_file.deal_id,
            spans[name][0] if spans[name][2] else None,
            spans[name][2] or None,
        )
        for finding, name in wanted
    ]
    return sorted(problems, key=lambda problem: problem.sort_key)


def _span_key(finding: Finding) -> str:
    return json.dumps([finding.anchor, *finding.loc])


def _span_table(value: object) -> dict[str, list[int]]:
    """A kept table of positions, type-checked: anything else is no table."""
    if not isinstance(value, dict) or not all(
        isinstance(span, list) and len(span) == 3 and all(type(n) is int for n in span)
        for span in value.values()
    ):
        raise ValueError("not a table of positions")
    return value


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


def _refused(target: Target) -> DealFile:
    """A file discovery refused (a link out of the folder, a loop) is a problem, unread."""
    refusal = target.refusal
    assert refusal is not None
    problem = Problem("DL001", refusal.severity, target.display, None, None, refusal.message)
    return DealFile(target.path, target.display, None, (problem,))


def _display(path: Path) -> str:
    """Paths relative to the current folder where possible, as users typed them."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except (ValueError, OSError):
            return str(path)
