"""Untrusted text from deal files, made safe for terminals, spreadsheets and JSON.

Deal files come from pull requests by strangers. A title holding an ESC sequence could rewrite
a CI log or a terminal title; a bidi override can make a line read differently from what it
is; `[bold]` would be read as Rich markup; `=HYPERLINK(...)` runs in a spreadsheet. Every
renderer passes file text through one of these functions.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidi controls
# (embeddings, overrides, isolates, marks) that reorder how a line is displayed.
_UNSAFE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_UNSAFE_WITH_NEWLINES_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\n":
        return " "
    if char == "\t":
        return " "
    return f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}"


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """Visibly escape control, escape-sequence and bidi characters (ESC -> `\\x1b`).

    Escaping rather than deleting keeps the evidence: a reviewer sees that a file holds an
    escape sequence instead of silently seeing a cleaned-up title.
    """
    pattern = _UNSAFE_RE if keep_newlines else _UNSAFE_WITH_NEWLINES_RE
    return pattern.sub(_visible, text)


def spreadsheet_safe(cell: str) -> str:
    """OWASP CSV-injection defence: prefix a cell a spreadsheet would run as a formula.

    Plain negative numbers are left alone so that numbers stay numbers.
    """
    if cell.startswith(_FORMULA_START) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(cell: str) -> bool:
    return re.fullmatch(r"[-+]?\d+(?:\.\d+)?", cell) is not None
