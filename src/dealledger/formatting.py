"""`fmt`: one canonical layout for deal files, keeping every comment and every amount as written.

The layout: the root keys in the order of the format's table, then every `[[parties]]`,
`[[assets]]`, `[[tranches]]` and `[[sources]]` element (each group in file order, since the
order of tranches is meaningful), then any other table as it was. Inside an element, keys
follow the format's table order too; keys the format does not know keep their order, after
the known ones.

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

Safety: the result must parse to exactly the same data as the input, or nothing is written.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit
from tomlkit.items import Array, InlineTable, String, StringType

from .discover import NOT_REGULAR, Target
from .limits import MAX_FILE_BYTES
from .reading import NotRegularFile, TooLarge, read_bounded
from .toml_layout import Statement, scan
from .writing import WriteError, update_file

ROOT_ORDER = (
    "id",
    "title",
    "kind",
    "status",
    "announced",
    "signed",
    "effective",
    "terminated",
    "currency",
    "financials",
    "total",
    "territory",
    "therapeutic_areas",
    "tags",
    "related",
    "summary",
    "notes",
)
TABLE_ORDER: dict[str, tuple[str, ...]] = {
    "parties": ("name", "role", "parent", "country"),
    "assets": ("name", "code", "modality", "target", "owner", "indications", "phase"),
    "tranches": (
        "type",
        "label",
        "amount",
        "currency",
        "payer",
        "payee",
        "status",
        "due",
        "achieved",
        "paid",
        "phase",
        "asset",
        "probability",
        "rate",
        "tiers",
    ),
    "sources": ("url", "title", "publisher", "published"),
}
ARRAY_TABLES = tuple(TABLE_ORDER)
# The problem code of the limits every reader applies (docs/security.md, "Limits").
LIMITS_CODE = "DL004"


class FormatError(ValueError):
    """The file cannot be formatted (it does not parse); the message says why."""


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


def format_text(text: str) -> str:
    """The canonical layout of `text`; raises FormatError where the text is not TOML."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text.removeprefix(bom)
    try:
        before = tomllib.loads(body)
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"TOML syntax error: {exc}; fix it first") from None
    except RecursionError:
        raise FormatError("nesting too deep to parse; flatten the arrays or tables") from None
    crlf = "\r\n" in body
    lf_body = body.replace("\r\n", "\n") if crlf else body
    result = _layout(lf_body)
    try:
        after = tomllib.loads(result)
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - a bug guard
        raise FormatError(f"formatting would break the file ({exc}); left unchanged") from None
    if after != before:  # pragma: no cover - a bug guard
        raise FormatError("formatting would change the file's data; left unchanged")
    if crlf:
        result = result.replace("\n", "\r\n")
    return bom + result


def _layout(text: str) -> str:
    statements = scan(text)
    pending: list[str] = []
    file_header: list[str] = []
    root = _Section(None, order=ROOT_ORDER)
    current = root
    roots: list[_Section] = [root]
    seen_statement = False
    for statement in statements:
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
        key = statement.key
        if statement.is_array and len(key) == 1 and key[0] in TABLE_ORDER:
            section.order = TABLE_ORDER[key[0]]
            roots.append(section)
        else:
            parent = next(
                (
                    candidate
                    for candidate in reversed(roots)
                    if candidate.header is not None
                    and len(key) > len(candidate.header.statement.key)
                    and key[: len(candidate.header.statement.key)] == candidate.header.statement.key
                ),
                None,
            )
            if parent is None:
                roots.append(section)
            else:
                parent.children.append(section)
        current = section

    lines = _collapse(file_header)
    while lines and lines[0] == "":
        lines.pop(0)

    ordered = [root]
    for name in ARRAY_TABLES:
        ordered += [
            section
            for section in roots[1:]
            if section.header is not None
            and section.header.statement.is_array
            and section.header.statement.key == (name,)
        ]
    ordered += [section for section in roots[1:] if section not in ordered]
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
    key = _render_key(statement.key_text)
    tail = _render_tail(statement.tail)
    if statement.kind == "header":
        brackets = ("[[", "]]") if statement.is_array else ("[", "]")
        return f"{brackets[0]}{key}{brackets[1]}{tail}"
    return f"{key} = {_render_value(statement.value_text)}{tail}"


def _render_key(written: str) -> str:
    """Keys keep their quoting (a registry name may be quoted for consistency with its
    neighbours); only the space around dots goes."""
    return ".".join(piece.strip() for piece in _split_dotted(written))


def _split_dotted(written: str) -> list[str]:
    pieces: list[str] = []
    current = ""
    quote = ""
    escaped = False
    for char in written:
        if quote:
            current += char
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
            current += char
        elif char == ".":
            pieces.append(current)
            current = ""
        else:
            current += char
    pieces.append(current)
    return pieces


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
    files: int = 0
    changed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)


def format_bytes(data: bytes) -> bytes:
    """The canonical layout of a file's bytes; FormatError where `check` would not read it.

    The file first goes through the same stages and limits as `check` (size, encoding,
    nesting, the TOML parser's own limits, structure): a file `check` refuses with DL004
    (a 4,302-digit integer, a 1,000-part table header) is refused here with the same
    message, instead of reaching the layout code, whose recursion it would exhaust.
    """
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(f"over the {MAX_FILE_BYTES:,}-byte limit for a deal file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("not UTF-8; save the file as UTF-8 first") from None
    from .loader import read_document

    document = read_document(Path("fmt.toml"), "", data)
    for problem in document.problems:
        if problem.code == LIMITS_CODE:
            raise FormatError(f"{problem.message} ({problem.code}, as check reports it)")
    return format_text(text).encode("utf-8")


def format_files(targets: Iterable[Target], *, write: bool) -> FormatOutcome:
    """Format each file; with `write`, rewrite those that change (safely, under the lock)."""
    outcome = FormatOutcome()
    for target in targets:
        outcome.files += 1
        if target.refusal is not None:  # what check refuses, fmt neither reads nor writes
            outcome.failed.append((target.display, target.refusal.message))
            continue
        try:
            if write:
                old, new = update_file(target.path, format_bytes)
            else:
                old = read_bounded(target.path)
                new = format_bytes(old)
        except FormatError as exc:
            outcome.failed.append((target.display, f"{exc}; not reformatted"))
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
