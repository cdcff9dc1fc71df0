"""Which problems `check` reports: `--select`/`--ignore`, `[check]` and inline suppressions.

Modelled on ruff. A selector is a code (`DL303`), a prefix (`DL3`) or `ALL`; the most
specific selector wins, so `--select DL3 --ignore DL303` reports every DL3xx but DL303, and
`--ignore DL3 --select DL303` reports DL303 alone of them. Selection never changes what a
file *is*: a deal with an error stays out of the reports whether or not its code is shown.

Inline suppressions are comments in the deal file itself:

    total = "5.3B"  # dealledger: ignore[DL230]      (this line)
    # dealledger: ignore-file[DL303]                   (anywhere: the whole file)

A suppression that silences nothing is itself reported (DL006), so stale ones do not pile up.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..domain.problems import CODES, Problem, Severity

ALL = "ALL"
DEFAULT_SELECT: tuple[str, ...] = (ALL,)
# Codes that no suppression can hide: they say the file could not be read at all, or that a
# suppression itself is wrong.
UNSUPPRESSIBLE = frozenset({"DL001", "DL002", "DL003", "DL006"})

# Codes only the ledger-wide rules raise: the per-file pass cannot know whether a suppression
# of one of them is used, so it never calls it idle.
ACROSS_FILES = frozenset({"DL203", "DL301", "DL302", "DL305", "DL306"})

_DIRECTIVE = re.compile(r"#\s*dealledger:\s*(ignore|ignore-file)\[([^\]]*)\]")


@dataclass(frozen=True)
class Selection:
    """The rule selection of one run: settings' `[check]` overlaid by the command line."""

    select: tuple[str, ...] = DEFAULT_SELECT
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def enabled(self, code: str, path: str) -> bool:
        if code in UNSUPPRESSIBLE:
            return True
        ignored = (*self.ignore, *self._file_ignores(path))
        chosen = _most_specific(code, self.select)
        silenced = _most_specific(code, ignored)
        if chosen is None:
            return False
        return silenced is None or _specificity(chosen) > _specificity(silenced)

    def _file_ignores(self, path: str) -> Iterable[str]:
        posix = PurePosixPath(path.replace("\\", "/")).as_posix()
        for pattern, codes in self.per_file_ignores.items():
            if fnmatch.fnmatchcase(posix, pattern) or fnmatch.fnmatchcase(
                posix, f"*/{pattern.lstrip('/')}"
            ):
                yield from codes


def build_selection(
    settings_select: Sequence[str] | None,
    settings_extend: Sequence[str],
    settings_ignore: Sequence[str],
    per_file_ignores: dict[str, tuple[str, ...]],
    *,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> Selection:
    """`--select` replaces the settings' `select`; `--extend-select` and `--ignore` add."""
    base = tuple(select) if select else tuple(settings_select or DEFAULT_SELECT)
    return Selection(
        select=(*base, *settings_extend, *extend_select),
        ignore=(*settings_ignore, *ignore),
        per_file_ignores=dict(per_file_ignores),
    )


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """Selectors from the command line that name no code, for a usage error."""
    return [
        selector
        for selector in selectors
        if selector != ALL and not any(code.startswith(selector) for code in CODES)
    ]


def _most_specific(code: str, selectors: Iterable[str]) -> str | None:
    matching = [s for s in selectors if s == ALL or code.startswith(s)]
    return max(matching, key=_specificity, default=None)


def _specificity(selector: str) -> int:
    return 0 if selector == ALL else len(selector)


# --------------------------------------------------------------------------- inline


@dataclass(frozen=True)
class Directive:
    line: int
    column: int
    codes: tuple[str, ...]
    whole_file: bool


def directives(text: str) -> list[Directive]:
    """Every `# dealledger: ignore[...]` comment of a file, in order."""
    found = []
    if "dealledger:" not in text:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _DIRECTIVE.finditer(line):
            if _inside_string(line, match.start()):
                continue
            codes = tuple(code.strip() for code in match.group(2).split(",") if code.strip())
            found.append(
                Directive(number, match.start() + 1, codes, match.group(1) == "ignore-file")
            )
    return found


def _inside_string(line: str, offset: int) -> bool:
    """Whether `offset` falls inside a quoted string on this line (a `#` there is text)."""
    quote = None
    index = 0
    while index < offset:
        char = line[index]
        if quote is None and char in "\"'":
            quote = char
        elif quote == '"' and char == "\\":
            index += 1
        elif char == quote:
            quote = None
        index += 1
    return quote is not None


def apply_directives(
    problems: Sequence[Problem],
    found: Sequence[Directive],
    display: str,
    *,
    deferred: frozenset[str] = frozenset(),
    report_idle: bool = True,
) -> list[Problem]:
    """The file's problems less those its comments silence, plus DL006 for idle comments."""
    if not found:
        return list(problems)
    used: set[tuple[int, str]] = set()
    kept = []
    for problem in problems:
        hit = None
        if problem.code not in UNSUPPRESSIBLE:
            hit = next(
                (
                    (d.line, code)
                    for d in found
                    for code in d.codes
                    if (d.whole_file or d.line == problem.line) and problem.code.startswith(code)
                ),
                None,
            )
        if hit is None:
            kept.append(problem)
        else:
            used.add(hit)
    for directive in found if report_idle else ():
        for code in directive.codes:
            if any(known.startswith(code) for known in deferred):
                continue
            if not any(known.startswith(code) for known in CODES):
                message = f"{code!r} is not a rule code; write one such as DL303, or remove it"
            elif (directive.line, code) in used:
                continue
            else:
                message = (
                    f"`# dealledger: ignore[{code}]` silences nothing on this "
                    f"{'file' if directive.whole_file else 'line'}; remove it"
                )
            kept.append(
                Problem(
                    "DL006", Severity.WARNING, display, directive.line, directive.column, message
                )
            )
    return sorted(kept, key=lambda problem: problem.sort_key)


def suppress_across_files(
    problems: Sequence[Problem], read_text: Callable[[str], str | None]
) -> list[Problem]:
    """Apply each file's comments to the problems the ledger-wide rules found in it.

    Those rules run after the per-file pass (and on every run, cached or not), so their
    problems meet the file's suppressions here; only the few files that have such a problem
    are read again.
    """
    texts: dict[str, list[Directive]] = {}
    kept = []
    for problem in problems:
        if problem.code not in ACROSS_FILES:
            kept.append(problem)
            continue
        if problem.path not in texts:
            text = read_text(problem.path)
            texts[problem.path] = directives(text) if text else []
        kept.extend(
            apply_directives([problem], texts[problem.path], problem.path, report_idle=False)
        )
    return kept


def select(problems: Iterable[Problem], selection: Selection) -> list[Problem]:
    return [problem for problem in problems if selection.enabled(problem.code, problem.path)]
