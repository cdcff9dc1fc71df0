"""Read one file from disk into a validated model and its problems, never raising.

Each stage (bytes, text, TOML, model, rules) can fail on its own, and each failure becomes a
problem with the best position available at that stage; the caller always gets a result.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .discover import NOT_REGULAR
from .facts import DealFile, facts_of
from .limits import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    nesting_breach,
    shorten_message,
    structure_breach,
    too_many_problems,
)
from .models import Deal, Settings
from .positions import PositionIndex, Span, decode_error_span, scan_positions, utf8_error_span
from .problems import Finding, Problem, Severity
from .reading import NotRegularFile, TooLarge, read_bounded
from .rules import check_deal
from .settings_rules import RuleContext, settings_findings
from .toml_reader import loads as toml_loads
from .validate import validate_model

_BOM = "\ufeff"
# TOML whitespace and newlines only: a form feed is not blank to TOML, so it is a syntax error.
_TOML_WHITESPACE = " \t\r\n"


@dataclass(frozen=True, slots=True)
class Document:
    """A file's text and parsed TOML, or the problems that stopped it being parsed."""

    path: Path
    display: str
    text: str | None
    data: dict[str, Any] | None
    problems: tuple[Problem, ...]


def read_document(
    path: Path, display: str, data: bytes | None = None, *, settings: bool = False
) -> Document:
    """Bytes, text and TOML of one file, each stage bounded by the limits in `limits.py`.

    Every failure is a problem for this file alone (see docs/security.md for the behaviour on
    each kind of bad file): the caller never sees an exception. An empty settings file is
    the default settings (every key of dealledger.toml is optional); an empty deal file is a
    problem (DL005). `data`, when given, is the content the cache already read with
    `read_bounded` (and hashed).
    """

    def failed(
        code: str, message: str, line: int | None = None, column: int | None = None
    ) -> Document:
        problem = Problem(code, Severity.ERROR, display, line, column, message)
        return Document(path, display, None, None, (problem,))

    try:
        if data is None:
            data = read_bounded(path)
    except NotRegularFile:
        return failed("DL001", NOT_REGULAR.message)
    except TooLarge as exc:
        return failed(
            "DL004",
            f"file is {exc.size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit for one file; "
            "split it into one file per agreement",
        )
    except FileNotFoundError:
        if path.is_symlink():
            return failed("DL001", "broken link: the file it points to does not exist")
        return failed("DL001", "file not found (deleted while reading?)")
    except IsADirectoryError:
        return failed("DL001", NOT_REGULAR.message)
    except PermissionError:
        return failed("DL001", "permission denied; make the file readable")
    except OSError as exc:
        return failed("DL001", f"cannot read file: {exc.strerror or exc}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return failed("DL002", "file is UTF-16; save it as UTF-8", 1, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        span = utf8_error_span(data, exc.start)
        return failed(
            "DL002",
            f"byte 0x{data[exc.start]:02x} is not UTF-8 (a file saved in two encodings?); "
            "save the file as UTF-8",
            span.line,
            span.column,
        )
    text = text.removeprefix(_BOM)
    if not text.strip(_TOML_WHITESPACE):
        if settings:
            return Document(path, display, text, {}, ())
        return failed(
            "DL005",
            "file is empty; a deal file needs id, title, kind, announced and [[parties]]",
            1,
            1,
        )
    if "\x00" in text:
        span = _span_at(text, text.index("\x00"))
        return failed(
            "DL003",
            "NUL byte in the file (a binary file, or UTF-16 without a byte-order mark?); "
            "save the file as UTF-8 text",
            span.line,
            span.column,
        )
    breach = nesting_breach(text)
    if breach is not None:
        span = _span_at(text, breach.offset or 0)
        return failed("DL004", breach.message, span.line, span.column)
    try:
        parsed = toml_loads(text)
    except tomllib.TOMLDecodeError as exc:
        span, message = decode_error_span(str(exc), text)
        return failed(
            "DL003", f"TOML syntax error: {message}{_syntax_hint(message)}", span.line, span.column
        )
    except RecursionError:
        return failed("DL004", "nesting too deep to parse; flatten the arrays or tables", 1, 1)
    except ValueError as exc:
        # tomllib lets int() refuse numbers of more than 4,300 digits.
        return failed("DL004", f"value too large to read ({exc}); shorten it", 1, 1)
    breach = structure_breach(parsed, settings=settings)
    if breach is not None and not breach.loc:  # the whole file: no need to scan positions
        return failed("DL004", breach.message, 1, 1)
    if breach is not None:
        finding = Finding("DL004", Severity.ERROR, breach.loc, breach.message, "value")
        return Document(path, display, None, None, place_findings([finding], text, display, None))
    return Document(path, display, text, parsed, ())


_SYNTAX_HINTS = {
    "Invalid value": '; a value is a "quoted string", a number, a date (2025-06-13), '
    "true/false, an [array] or an { inline table }",
    "Cannot overwrite a value": "; this key is set twice: keep one",
    "Cannot declare": "; this table is declared twice: merge the two",
    "Invalid statement": "; each line is `key = value`, a [table] or an [[array of tables]]",
}


def _syntax_hint(message: str) -> str:
    """tomllib says what is wrong; add what to write instead for the common cases."""
    return next((hint for prefix, hint in _SYNTAX_HINTS.items() if message.startswith(prefix)), "")


def _span_at(text: str, offset: int) -> Span:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return Span(line, offset - start + 1)


def load_deal_file(
    path: Path, display: str, data: bytes | None = None, context: RuleContext | None = None
) -> DealFile:
    """One file's deal and own problems; with `context`, also the rules that need settings."""
    document = read_document(path, display, data)
    if document.data is None or document.text is None:
        return DealFile(path, display, None, document.problems)
    deal, findings = validate_model(Deal, document.data)
    facts = None
    if deal is not None:
        findings = check_deal(deal)
        if context is not None:
            findings += settings_findings(deal, context)
        facts = facts_of(deal)
    deal_id = deal.id if deal is not None else _raw_id(document.data)
    problems = place_findings(findings, document.text, display, deal_id)
    return DealFile(path, display, deal, problems, deal_id, facts)


def load_settings_file(
    path: Path, display: str
) -> tuple[Settings, tuple[Problem, ...], str | None]:
    """Settings and their own problems; defaults stand in where the file cannot be used."""
    document = read_document(path, display, settings=True)
    if document.data is None or document.text is None:
        return Settings(), document.problems, None
    settings, findings = validate_model(Settings, document.data)
    problems = place_findings(findings, document.text, display, None)
    return settings or Settings(), problems, document.text


def _raw_id(data: dict[str, Any]) -> str | None:
    value = data.get("id")
    return value if isinstance(value, str) else None


def finding_span(index: PositionIndex, finding: Finding) -> tuple[int, int]:
    """Where a finding points: its key for "table"/"key" anchors, else its value."""
    # The root table has no header: its missing keys are reported at the file's start.
    span = Span(1, 1) if not finding.loc else None
    if span is None and finding.anchor in ("table", "key"):
        span = index.key(finding.loc)
    if span is None:
        span = index.nearest(finding.loc)
    return span.line, span.column


def place_findings(
    findings: list[Finding], text: str, display: str, deal_id: str | None
) -> tuple[Problem, ...]:
    """Give each finding its line and column; the file is scanned only if there are any."""
    if not findings:
        return ()
    if len(findings) > MAX_PROBLEMS + 1:  # +1: validation may already have added the count
        findings = [*findings[:MAX_PROBLEMS], too_many_problems(len(findings))]
    index = scan_positions(text)
    problems = []
    for finding in findings:
        line, column = finding_span(index, finding)
        message = shorten_message(finding.message)
        problems.append(
            Problem(finding.code, finding.severity, display, line, column, message, deal_id)
        )
    return tuple(sorted(problems, key=lambda problem: problem.sort_key))
