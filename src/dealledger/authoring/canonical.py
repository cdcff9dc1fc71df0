"""`fmt`: one canonical layout for deal files, keeping every comment and every amount as written.

The layout: the root keys in the order the `Deal` model declares them, then every element of
each array of tables it declares (`[[parties]]`, `[[assets]]`, `[[tranches]]`, `[[sources]]`,
`[[forecast]]`; each group in file order, since the order of tranches is meaningful), then any
other table as it was. Inside an element, keys follow its model's order too; keys the format
does not know keep their order, after the known ones.

Comments belong to the statement below them: a comment block above a key moves with the key,
one directly above a `[[tranches]]` header (no blank line between) moves with that element,
and a comment at the end of a line stays on its line. Comments after a table's last key
that a blank line separates from the next header stay at the end of that table. The comment
block at the very top of the file (up to its last blank line) stays at the top, and comments
after the last statement stay at the end.

Normalised: one space either side of `=`, no indentation, a blank line before each table
header (above the comment lines directly introducing it) and none right after it, runs of
blank lines collapsed to one, no trailing spaces, one newline at the end, double quotes for
single-line strings (where that needs no escape), `[a, b]` and `{ k = v }` spacing for
single-line arrays and inline tables. Keys keep their quoting, and the spaces before an
end-of-line comment are kept (people align them). Values are otherwise kept verbatim:
`110_000_000` and `"1.62B"` stay as they are; multi-line strings and arrays are untouched.

Safety: the text is read as `check` reads it (encoding, TOML, structure limits) before
anything else, and the result must parse to exactly the same data, or nothing is written.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit
from tomlkit.items import Array, InlineTable, String, StringType

from ..domain.errors import LedgerError
from ..domain.field_order import file_keys, plain_keys, table_arrays
from ..domain.limits import MAX_FILE_BYTES
from ..domain.models import Deal
from ..load.discover import NOT_REGULAR, Target
from ..load.document import Document, read_document, text_document
from ..load.reading import NotRegularFile, TooLarge, read_bounded
from ..load.toml_parse import loads as toml_loads
from ..load.toml_text import Statement, layout, parse_key
from .safe_write import WriteError, update_file

ROOT_ORDER = plain_keys(Deal)
TABLE_ORDER = {name: file_keys(element) for name, element in table_arrays(Deal).items()}
ARRAY_TABLES = tuple(TABLE_ORDER)
# The problem code of the limits every reader applies (docs/security.md, "Limits").


class FormatError(LedgerError, ValueError):
    """The file cannot be formatted; the message says why, `line` and `column` where."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass
class _Unit:
    """A key/value or header statement with the comment and blank lines above it."""

    statement: Statement
    lead: list[str]
    line: str


@dataclass
class _Section:
    header: _Unit | None
    keys: list[_Unit] = field(default_factory=list)
    children: list[_Section] = field(default_factory=list)
    order: tuple[str, ...] = ()
    # Comment lines after the table's last key that are not directly above the next header.
    trailing: list[str] = field(default_factory=list)


def format_text(text: str, display: str = "<text>") -> str:
    """The canonical layout of `text`; raises FormatError where `check` could not read it.

    The text goes through the loader's limits first (size of strings, arrays and tables,
    nesting, numbers), so a hostile file gets the DL004 that `check` gives it, never a crash.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix(bom)
    return bom + _format_document(text_document(Path(display), display, body), body)


def _format_document(document: Document, body: str) -> str:
    before = document.data
    if before is None:
        problem = document.problems[0]
        if problem.code != "DL005":
            raise FormatError(f"{problem.code} {problem.message}", problem.line, problem.column)
        before = {}  # blank text (an empty deal file, for `check`): laid out as nothing
    crlf = "\r\n" in body
    lf_body = body.replace("\r\n", "\n") if crlf else body
    result = _layout(lf_body)
    try:
        after = toml_loads(result)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:  # pragma: no cover
        raise FormatError(f"formatting would break the file ({exc}); left unchanged") from None
    if after != before:  # pragma: no cover - a bug guard
        raise FormatError("formatting would change the file's data; left unchanged")
    if crlf:
        result = result.replace("\n", "\r\n")
    return result


def _layout(text: str) -> str:
    statements = layout(text)
    pending: list[str] = []
    file_header: list[str] = []
    root = _Section(None, order=ROOT_ORDER)
    current = root
    # Top-level sections: each `[[name]]` group of the format in file order, and the other
    # tables in file order. `latest` maps a top-level header's key to the last section
    # opened with it (and when), so that finding the table a `[a.b]` header extends does not
    # walk back over every table so far: a file may have thousands.
    groups: dict[str, list[_Section]] = {name: [] for name in ARRAY_TABLES}
    others: list[_Section] = []
    latest: dict[tuple[str, ...], tuple[int, _Section]] = {}
    seen_statement = False
    for number, statement in enumerate(statements):
        if statement.kind in ("blank", "comment"):
            pending.append(_trivia_line(statement))
            continue
        if not seen_statement:
            seen_statement = True
            if "" in pending:
                last_blank = len(pending) - 1 - pending[::-1].index("")
                file_header, pending = pending[: last_blank + 1], pending[last_blank + 1 :]
        if statement.kind == "header" and "" in pending:
            # Lines up to the last blank one end the previous table; the comments right
            # above the header introduce it and move with it.
            last_blank = len(pending) - 1 - pending[::-1].index("")
            current.trailing += pending[: last_blank + 1]
            pending = pending[last_blank + 1 :]
        unit = _Unit(statement, pending, _render_statement(statement))
        pending = []
        if statement.kind == "keyvalue":
            current.keys.append(unit)
            continue
        section = _Section(unit)
        current = section
        key = statement.key
        if statement.is_array and len(key) == 1 and key[0] in TABLE_ORDER:
            section.order = TABLE_ORDER[key[0]]
            groups[key[0]].append(section)
        else:
            extended = [latest[key[:size]] for size in range(1, len(key)) if key[:size] in latest]
            if extended:
                max(extended, key=lambda pair: pair[0])[1].children.append(section)
                continue
            others.append(section)
        latest[key] = (number, section)

    lines = _collapse(file_header)
    while lines and lines[0] == "":
        lines.pop(0)

    ordered = [root, *(section for name in ARRAY_TABLES for section in groups[name]), *others]
    for section in ordered:
        _emit_section(section, lines)
    footer = _collapse(pending)
    while footer and footer[-1] == "":
        footer.pop()
    if not lines:
        while footer and footer[0] == "":
            footer.pop(0)
    lines += footer
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def _emit_section(section: _Section, lines: list[str]) -> None:
    if section.header is not None:
        if lines:
            lines.append("")
        lines += section.header.lead
        lines.append(section.header.line)
    order = section.order
    rank = {name: index for index, name in enumerate(order)}
    keys = sorted(
        enumerate(section.keys),
        key=lambda pair: (rank.get(pair[1].statement.key[0], len(order)), pair[0]),
    )
    for position, (_, unit) in enumerate(keys):
        lead = _collapse(unit.lead)
        if position == 0:
            while lead and lead[0] == "":
                lead.pop(0)
        lines += lead
        lines.append(unit.line)
    for child in section.children:
        _emit_section(child, lines)
    trailing = _collapse(section.trailing)
    while trailing and trailing[-1] == "":
        trailing.pop()
    if trailing and not lines:
        while trailing and trailing[0] == "":
            trailing.pop(0)
    lines += trailing


def _collapse(lines: list[str]) -> list[str]:
    result: list[str] = []
    for line in lines:
        if line == "" and result and result[-1] == "":
            continue
        result.append(line)
    return result


def _trivia_line(statement: Statement) -> str:
    return statement.text.strip(" \t\r\n")


def _render_statement(statement: Statement) -> str:
    # Keys keep their quoting (a registry name may be quoted for consistency with its
    # neighbours); only the space around dots goes.
    key = ".".join(statement.written)
    tail = _render_tail(statement.tail)
    if statement.kind == "header":
        brackets = ("[[", "]]") if statement.is_array else ("[", "]")
        return f"{brackets[0]}{key}{brackets[1]}{tail}"
    return f"{key} = {_render_value(statement.value_text)}{tail}"


def _render_key(written: str) -> str:
    """An inline table's key as `_render_statement` writes keys: no space around dots."""
    key = parse_key(written, 0)
    return written.strip() if key is None else ".".join(key.written)


def _render_tail(tail: str) -> str:
    stripped = tail.rstrip(" \t\r")
    comment_at = stripped.find("#")
    if comment_at < 0:
        return ""
    space = stripped[:comment_at]
    comment = stripped[comment_at:]
    if not space or set(space) != {" "}:
        space = "  "
    return space + comment


def _render_value(value: str) -> str:
    if "\n" in value or value[:1] not in ("[", "{", "'"):
        return value  # multi-line, a basic string or a scalar: kept as written
    try:
        return _render_item(tomlkit.parse(f"v = {value}\n")["v"], value)
    except Exception:  # tomllib accepted it, tomlkit did not (or nests too deep): keep it
        return value


def _render_item(item: object, written: str) -> str:
    if isinstance(item, String):
        if item.type is StringType.SLL and _safe_as_basic(str(item)):
            return f'"{item}"'
        return item.as_string()
    if isinstance(item, InlineTable):
        pairs = [
            f"{_render_key(key.as_string())} = {_render_item(child, '')}"
            for key, child in item.value.body
            if key is not None
        ]
        return "{ " + ", ".join(pairs) + " }" if pairs else "{}"
    if isinstance(item, Array):
        return "[" + ", ".join(_render_item(child, "") for child in item) + "]"
    rendered = item.as_string() if hasattr(item, "as_string") else written
    return rendered.strip()


def _safe_as_basic(content: str) -> bool:
    return not any(char in content for char in '"\\') and all(
        char >= " " and char != "\x7f" for char in content
    )


# --- running over files -----------------------------------------------------------------


@dataclass
class FormatOutcome:
    """What `format_files` did; `failed` holds (file, or file:line:column, and the reason)."""

    files: int = 0
    changed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)


def format_bytes(data: bytes, display: str = "<bytes>") -> bytes:
    """`format_text` for a file's bytes, read (size, encoding, limits) as `check` reads them."""
    document = read_document(Path(display), display, data)
    if document.text is None and document.problems[0].code != "DL005":
        problem = document.problems[0]
        raise FormatError(f"{problem.code} {problem.message}", problem.line, problem.column)
    text = document.text
    if text is None:  # blank, which the loader does not keep
        text = data.decode("utf-8").removeprefix("\ufeff")
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    return (bom + _format_document(document, text)).encode("utf-8")


def format_files(targets: Iterable[Target], *, write: bool) -> FormatOutcome:
    """Format each file; with `write`, rewrite those that change (safely, under the lock)."""
    outcome = FormatOutcome()
    for target in targets:
        outcome.files += 1
        if target.refusal is not None:  # what check refuses, fmt neither reads nor writes
            outcome.failed.append((target.display, target.refusal.message))
            continue

        def formatted(data: bytes, display: str = target.display) -> bytes:
            return format_bytes(data, display)

        try:
            if write:
                old, new = update_file(target.path, formatted)
            else:
                old = read_bounded(target.path)
                new = formatted(old)
        except FormatError as exc:
            where = target.display
            if exc.line is not None:
                where += f":{exc.line}:{exc.column or 1}"
            outcome.failed.append((where, f"{exc}; not reformatted"))
            continue
        except NotRegularFile:
            outcome.failed.append((target.display, NOT_REGULAR.message))
            continue
        except TooLarge:
            outcome.failed.append((target.display, f"over the {MAX_FILE_BYTES:,}-byte limit"))
            continue
        except (OSError, WriteError) as exc:
            outcome.failed.append((target.display, str(exc)))
            continue
        if new is None or new == old:
            continue
        outcome.changed.append(target.display)
        outcome.diffs.append(
            "".join(
                difflib.unified_diff(
                    old.decode("utf-8").splitlines(keepends=True),
                    new.decode("utf-8").splitlines(keepends=True),
                    fromfile=f"a/{target.display}",
                    tofile=f"b/{target.display}",
                )
            )
        )
    return outcome
