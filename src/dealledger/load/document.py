"""Read one file from disk into a validated model and its problems, never raising.

Each stage (bytes, text, TOML, model) can fail on its own, and each failure becomes a
problem with the best position available at that stage; the caller always gets a result.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.limits import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    MAX_PROBLEMS,
    TABLES_TOO_DEEP,
    LimitBreach,
    nesting_breach,
    shorten_message,
    structure_breach,
    too_many_problems,
)
from ..domain.periods import impossible_date
from ..domain.problems import Finding, Problem, Severity
from .discover import NOT_REGULAR
from .positions import PositionIndex, Span, decode_error_span, scan_positions, utf8_error_span
from .reading import NotRegularFile, TooLarge, read_bounded
from .toml_parse import loads as toml_loads
from .toml_text import statements, walk_value
from .validate import ModelT, validate_model

if TYPE_CHECKING:
    from ..domain.models import Settings

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
        return _refused(path, display, code, message, line, column)

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
    return text_document(path, display, text, settings=settings)


def text_document(path: Path, display: str, text: str, *, settings: bool = False) -> Document:
    """The TOML of a decoded file, under the same limits as a file read from disk.

    For text that never was a file on disk (a draft of `new` or `record`, a file `fmt` is
    about to rewrite), so that it gets exactly the problems `check` would give it.
    """

    def failed(code: str, message: str, line: int, column: int) -> Document:
        return _refused(path, display, code, message, line, column)

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
    breach = nesting_breach(text) or _dotted_breach(text)
    if breach is not None:
        span = _span_at(text, breach.offset or 0)
        return failed("DL004", breach.message, span.line, span.column)
    try:
        parsed = toml_loads(text)
    except tomllib.TOMLDecodeError as exc:
        span, message = decode_error_span(str(exc), text)
        hint = _date_hint(text, span) if message.startswith("Invalid date") else None
        return failed(
            "DL003",
            f"TOML syntax error: {message}{hint or _syntax_hint(message)}",
            span.line,
            span.column,
        )
    except RecursionError:
        return failed("DL004", "nesting too deep to parse; flatten the arrays or tables", 1, 1)
    except ValueError as exc:
        # tomllib lets int() refuse numbers of more than 4,300 digits, without saying where.
        span = _span_at(text, _long_integer_at(text))
        message = f"value too large to read ({exc}); shorten it"
        return failed("DL004", message, span.line, span.column)
    breach = structure_breach(parsed, settings=settings)
    if breach is not None and not breach.loc:  # the whole file: no need to scan positions
        return failed("DL004", breach.message, 1, 1)
    if breach is not None:
        finding = Finding("DL004", Severity.ERROR, breach.loc, breach.message, "value")
        return Document(path, display, None, None, place_findings([finding], text, display, None))
    return Document(path, display, text, parsed, ())


#: Below this many dots no key can have the hundreds of parts that make `tomllib` slow (its
#: cost grows with the square of a key's parts), so the scan is skipped; `structure_breach`
#: still finds a key of a few dozen parts after parsing.
_DOTS_WORTH_SCANNING = 256


def _dotted_breach(text: str) -> LimitBreach | None:
    """A dotted key or table header of more parts than the nesting limit, before `tomllib`
    spends seconds on it: `a.a.a…` of 100,000 parts would take minutes to parse."""
    if text.count(".") < _DOTS_WORTH_SCANNING:
        return None
    for statement in statements(text):
        if len(statement.key) > MAX_NESTING + 1:
            return LimitBreach(TABLES_TOO_DEEP, offset=statement.key_start)
    return None


# A decimal integer as TOML writes it; its digits are counted against int()'s limit.
_DECIMAL = re.compile(r"[+-]?[0-9](?:_?[0-9])*")


class _LongInteger:
    """The first value that is an integer of more digits than `int()` converts."""

    __slots__ = ("found", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.found = -1

    def value(self, pos: int) -> None:
        match = _DECIMAL.match(self.text, pos) if self.found < 0 else None
        if match is None or self.text[match.end() : match.end() + 1] in (".", "e", "E", ":", "-"):
            return  # not an integer: a float, a time or a date
        digits = sum(char.isdigit() for char in match.group())
        if digits > sys.get_int_max_str_digits() > 0:
            self.found = pos

    def open(self) -> None:
        pass

    def element(self, pos: int) -> None:
        pass

    def key(self, parts: tuple[str, ...], pos: int) -> None:
        pass

    def close(self) -> None:
        pass


def _long_integer_at(text: str) -> int:
    """Where the integer that `int()` refused is written (the start of the file if unknown)."""
    finder = _LongInteger(text)
    for statement in statements(text):
        if statement.key:
            walk_value(text, statement.value_start, finder)
            if finder.found >= 0:
                return finder.found
    return 0


def _refused(
    path: Path, display: str, code: str, message: str, line: int | None, column: int | None
) -> Document:
    problem = Problem(code, Severity.ERROR, display, line, column, message)
    return Document(path, display, None, None, (problem,))


_SYNTAX_HINTS = {
    "Invalid value": '; a value is a "quoted string", a number, a date (2025-06-13), '
    "true/false, an [array] or an { inline table }",
    "Cannot overwrite a value": "; this key is set twice: keep one",
    "Cannot declare": "; this table is declared twice: merge the two",
    "Invalid statement": "; each line is `key = value`, a [table] or an [[array of tables]]",
}


_DATE_AT = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_hint(text: str, span: Span) -> str | None:
    """For a date TOML refuses: what is wrong with it (month 13, 30 February)."""
    lines = text.splitlines()
    if not 0 < span.line <= len(lines):
        return None
    found = _DATE_AT.search(lines[span.line - 1], max(span.column - 1, 0))
    wrong = impossible_date(found.group()) if found else None
    return f" ({found.group()}: {wrong}; write YYYY-MM-DD)" if found and wrong else None


def _syntax_hint(message: str) -> str:
    """tomllib says what is wrong; add what to write instead for the common cases."""
    return next((hint for prefix, hint in _SYNTAX_HINTS.items() if message.startswith(prefix)), "")


def _span_at(text: str, offset: int) -> Span:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return Span(line, offset - start + 1)


def load_settings_file(
    path: Path, display: str
) -> tuple[Settings, tuple[Problem, ...], str | None]:
    """Settings and their own problems; defaults stand in where the file cannot be used."""
    # Imported here: the rest of this module reads files without Pydantic, so that `fmt`,
    # which validates no model, starts without loading it.
    from ..domain.models import Settings
    from .validate import validate_model

    document = read_document(path, display, settings=True)
    if document.data is None or document.text is None:
        return Settings(), document.problems, None
    settings, findings = validate_model(Settings, document.data)
    problems = place_findings(findings, document.text, display, None)
    return settings or Settings(), problems, document.text


def load_model_file(
    model: type[ModelT], path: Path, display: str
) -> tuple[ModelT | None, tuple[Problem, ...]]:
    """A TOML file of optional keys (such as `import`'s mapping file) read into `model`, its
    problems placed at their lines like a deal file's."""
    document = read_document(path, display, settings=True)
    if document.data is None or document.text is None:
        return None, document.problems
    value, findings = validate_model(model, document.data)
    return value, place_findings(findings, document.text, display, None)


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
    lines = text.splitlines()
    problems = []
    for finding in findings:
        line, column = finding_span(index, finding)
        message = shorten_message(finding.message)
        end = token_end(lines[line - 1], column) if 0 < line <= len(lines) else None
        problems.append(
            Problem(
                finding.code,
                finding.severity,
                display,
                line,
                column,
                message,
                deal_id,
                line if end is not None else None,
                end,
            )
        )
    return tuple(sorted(problems, key=lambda problem: problem.sort_key))


_BARE_END = re.compile(r"[^\s=,\]}#]*")


def token_end(line: str, column: int) -> int | None:
    """The last column of the TOML token that starts at `column` (1-based), on its line.

    A quoted string ends at its closing quote, an array or inline table at the end of the
    line's content before a comment; anything else (a key, number, date, bare word) at the
    first space, `=`, `,`, bracket or `#`. A token that runs on past the line (a multi-line
    string or array) ends with the line.
    """
    start = column - 1
    if not 0 <= start < len(line):
        return None
    first = line[start]
    if first in "\"'":
        quote = first
        index = start + 1
        while index < len(line):
            char = line[index]
            if char == "\\" and quote == '"':
                index += 2
                continue
            if char == quote:
                return index + 1
            index += 1
        return len(line)
    if first in "[{":
        content = line.split(" #", 1)[0].rstrip()
        return max(len(content), column)
    match = _BARE_END.match(line, start)
    return max(match.end() if match else column, column)
