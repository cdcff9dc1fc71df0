"""Read one file from disk into a validated model and its problems, never raising.

Each stage (bytes, text, TOML, model, rules) can fail on its own, and each failure becomes a
problem with the best position available at that stage; the caller always gets a result.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .models import Deal, Settings
from .positions import Span, decode_error_span, scan_positions, utf8_error_span
from .problems import Finding, Problem, Severity
from .rules import check_deal
from .toml_reader import loads as toml_loads
from .validate import validate_model

MAX_FILE_BYTES = 5 * 1024 * 1024
_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Document:
    """A file's text and parsed TOML, or the problems that stopped it being parsed."""

    path: Path
    display: str
    text: str | None
    data: dict[str, Any] | None
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class DealFile:
    """What one deal file contributed: the deal if it validated, and its own problems."""

    path: Path
    display: str
    deal: Deal | None
    problems: tuple[Problem, ...]
    deal_id: str | None = None


def read_document(path: Path, display: str, data: bytes | None = None) -> Document:
    """`data`, when given, is the file's content already read (and hashed) by the cache."""

    def failed(
        code: str, message: str, line: int | None = None, column: int | None = None
    ) -> Document:
        problem = Problem(code, Severity.ERROR, display, line, column, message)
        return Document(path, display, None, None, (problem,))

    if data is None:
        try:
            size = path.stat().st_size
            if not path.is_file():
                return failed("DL001", "not a regular file; give a .toml file or a folder")
            if size > MAX_FILE_BYTES:
                return failed(
                    "DL004",
                    f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit for one deal; "
                    "split it into one file per agreement",
                )
            data = path.read_bytes()
        except FileNotFoundError:
            return failed("DL001", "file not found (deleted while reading?)")
        except PermissionError:
            return failed("DL001", "permission denied; make the file readable")
        except OSError as exc:
            return failed("DL001", f"cannot read file: {exc.strerror or exc}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        span = utf8_error_span(data, exc.start)
        return failed(
            "DL002",
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
            span.line,
            span.column,
        )
    text = text.removeprefix(_BOM)
    if not text.strip():
        return failed(
            "DL005",
            "file is empty; a deal file needs id, title, kind, announced and [[parties]]",
            1,
            1,
        )
    try:
        parsed = toml_loads(text)
    except tomllib.TOMLDecodeError as exc:
        span, message = decode_error_span(str(exc), text)
        return failed("DL003", f"TOML syntax error: {message}", span.line, span.column)
    except RecursionError:
        return failed("DL004", "nesting too deep to parse; flatten the arrays or tables", 1, 1)
    return Document(path, display, text, parsed, ())


def load_deal_file(path: Path, display: str, data: bytes | None = None) -> DealFile:
    document = read_document(path, display, data)
    if document.data is None or document.text is None:
        return DealFile(path, display, None, document.problems)
    deal, findings = validate_model(Deal, document.data)
    if deal is not None:
        findings = check_deal(deal)
    deal_id = deal.id if deal is not None else _raw_id(document.data)
    problems = place_findings(findings, document.text, display, deal_id)
    return DealFile(path, display, deal, problems, deal_id)


def load_settings_file(
    path: Path, display: str
) -> tuple[Settings, tuple[Problem, ...], str | None]:
    """Settings and their own problems; defaults stand in where the file cannot be used."""
    document = read_document(path, display)
    if document.data is None or document.text is None:
        return Settings(), document.problems, None
    settings, findings = validate_model(Settings, document.data)
    problems = place_findings(findings, document.text, display, None)
    return settings or Settings(), problems, document.text


def _raw_id(data: dict[str, Any]) -> str | None:
    value = data.get("id")
    return value if isinstance(value, str) else None


def place_findings(
    findings: list[Finding], text: str, display: str, deal_id: str | None
) -> tuple[Problem, ...]:
    """Give each finding its line and column; the file is scanned only if there are any."""
    if not findings:
        return ()
    index = scan_positions(text)
    problems = []
    for finding in findings:
        # The root table has no header: its missing keys are reported at the file's start.
        span = Span(1, 1) if not finding.loc else None
        if span is None and finding.anchor in ("table", "key"):
            span = index.key(finding.loc)
        if span is None:
            span = index.nearest(finding.loc)
        line, column = span.line, span.column
        problems.append(
            Problem(finding.code, finding.severity, display, line, column, finding.message, deal_id)
        )
    return tuple(sorted(problems, key=lambda problem: problem.sort_key))
