"""Check a deal file's proposed content before it is written, against the ledger on disk.

A command that writes (`new`, `record`) must refuse a change that `check` would then report
as an error, so the proposed text goes through the same stages as a file on disk: TOML,
the model, the per-file rules, and the ledger rules (duplicate ids, related ids, FX coverage,
declared totals, dates in the future), with every other deal file as it is now.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..domain.facts import DealFile
from ..domain.models import Settings
from ..domain.periods import today_somewhere
from ..domain.problems import Problem, Severity
from ..load.discover import DEALS_DIR, deal_files, settings_file
from ..load.document import load_settings_file, place_findings, read_document
from ..rules.deal_file import load_deal_file
from ..rules.ledger_wide import check_ledger


@dataclass(frozen=True, slots=True)
class LedgerFile:
    """A deal file under deals/ and the id it declares (None where it has none or cannot be
    read; `problems` then says why)."""

    path: Path
    display: str
    deal_id: str | None
    problems: tuple[Problem, ...] = ()


def ledger_files(root: Path) -> Iterator[LedgerFile]:
    """Every deal file under the root's deals/ folder with its raw id, valid or not."""
    folder = root / DEALS_DIR
    if not folder.is_dir():
        return
    for target in deal_files(folder, display_path(folder)):
        if target.refusal is not None:
            continue  # a link out of the ledger, a FIFO: never read, never a deal to write
        document = read_document(target.path, target.display)
        value = document.data.get("id") if document.data is not None else None
        deal_id = value if isinstance(value, str) else None
        yield LedgerFile(target.path, target.display, deal_id, document.problems)


@dataclass(frozen=True)
class Surroundings:
    """Every other deal file and the settings: what a draft is checked against."""

    others: tuple[DealFile, ...]
    settings: Settings


def surroundings(root: Path | None, path: Path) -> Surroundings:
    """Load the rest of the ledger once, for checking one or more drafts of `path`."""
    others: list[DealFile] = []
    settings = Settings()
    if root is not None:
        me = _key(path)
        for target in deal_files(root / DEALS_DIR, display_path(root / DEALS_DIR)):
            if target.refusal is None and _key(target.path) != me:
                others.append(load_deal_file(target.path, target.display))
        found = settings_file(root)
        if found is not None and found[1] is None:
            settings, _, _ = load_settings_file(found[0], display_path(found[0]))
    return Surroundings(tuple(others), settings)


def check_draft(
    root: Path | Surroundings | None,
    path: Path,
    display: str,
    text: str,
    today: date | None = None,
) -> tuple[Problem, ...]:
    """The problems the file at `path` would have if it held `text`."""
    draft = _draft_file(path, display, text)
    if draft.deal is None:
        return draft.problems
    context = root if isinstance(root, Surroundings) else surroundings(root, path)
    settings = context.settings
    files = [*context.others, draft]
    found = check_ledger(files, settings, today or today_somewhere())
    extra = place_findings(found.get(len(files) - 1, []), text, display, draft.deal.id)
    problems = sorted((*draft.problems, *extra), key=lambda problem: problem.sort_key)
    return tuple(problems)


def errors_of(problems: tuple[Problem, ...]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.ERROR]


def _draft_file(path: Path, display: str, text: str) -> DealFile:
    """The draft read exactly as `check` reads a file: the same limits, model and rules."""
    # A lone surrogate (from an argument that was not UTF-8) becomes bytes that are not
    # UTF-8 either, and so the DL002 that such a file would get.
    return load_deal_file(path, display, text.encode("utf-8", "surrogatepass"))


def _key(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def display_path(path: Path) -> str:
    """A path relative to the current folder where possible, as users typed it."""
    cwd = Path.cwd()
    for candidate, base in ((path, cwd), (path.absolute(), cwd)):
        try:
            return str(candidate.relative_to(base))
        except ValueError:
            continue
    try:
        return str(path.resolve().relative_to(cwd.resolve()))
    except (ValueError, OSError):
        return str(path)
