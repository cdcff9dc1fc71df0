"""Untrusted text from deal files, made safe for terminals, spreadsheets and JSON.

Deal files come from pull requests by strangers. A title holding an ESC sequence could rewrite
a CI log or a terminal title; a bidi override can make a line read differently from what it
is; `[bold]` would be read as Rich markup; `=HYPERLINK(...)` runs in a spreadsheet. Every
renderer passes file text through one of these functions.
"""

from __future__ import annotations

import re

# Characters that act on a terminal or hide what a line says, all shown as visible escapes:
# C0 controls (tab and newline are handled by the caller's choice), DEL, C1 controls (CSI,
# OSC...), the Unicode bidi controls that reorder a line (Trojan Source), line/paragraph
# separators, and invisible format characters that can hide text: zero-width space, word
# joiner and invisible operators, the BOM/zero-width no-break space, interlinear annotations,
# and the tag characters used to smuggle invisible text. ZWJ and ZWNJ are kept: scripts such
# as Persian and emoji sequences need them.
UNSAFE_NON_ASCII = (
    "\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
)
# Lone surrogates: the bytes of a file name that is not UTF-8, as Python decodes them
# (surrogateescape: byte 0xff is U+DCFF). No UTF-8 output can hold one; each is shown as
# its escape, `\udcff`, as the JSON output shows it too.
_SURROGATES = "\ud800-\udfff"
_UNSAFE_RE = re.compile(f"[\x00-\x08\x0b-\x1f{UNSAFE_NON_ASCII}{_SURROGATES}]")
_UNSAFE_WITH_NEWLINES_RE = re.compile(f"[\x00-\x1f{UNSAFE_NON_ASCII}{_SURROGATES}]")
_SURROGATE_RE = re.compile(f"[{_SURROGATES}]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\n":
        return " "
    if char == "\t":
        return " "
    code = ord(char)
    if code > 0xFFFF:
        return f"\\U{code:08x}"
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """Visibly escape control, escape-sequence and bidi characters (ESC -> `\\x1b`).

    Escaping rather than deleting keeps the evidence: a reviewer sees that a file holds an
    escape sequence instead of silently seeing a cleaned-up title.
    """
    pattern = _UNSAFE_RE if keep_newlines else _UNSAFE_WITH_NEWLINES_RE
    return pattern.sub(_visible, text)


def unicode_safe(text: str) -> str:
    """`text` with the bytes of a file name that is not UTF-8 shown as `\\udce9`, and nothing
    else changed: for outputs that must encode as UTF-8 (SQLite, CSV files, XML) but keep
    the text as it is otherwise. Such a name (`caf\\xe9.toml`, Latin-1) reaches Python with
    lone surrogates, which every UTF-8 encoder refuses.
    """
    return _SURROGATE_RE.sub(_visible, text)


def spreadsheet_safe(cell: str) -> str:
    """OWASP CSV-injection defence: prefix a cell a spreadsheet would run as a formula.

    Plain negative numbers are left alone so that numbers stay numbers.
    """
    if cell.startswith(_FORMULA_START) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(cell: str) -> bool:
    return re.fullmatch(r"[-+]?\d+(?:\.\d+)?", cell) is not None
