"""GitHub-flavoured Markdown tables, for pasting a report into an issue or a memo."""

from __future__ import annotations

import itertools
import re

from ..domain.safe_text import terminal_safe
from .view import View

# Characters that could start Markdown or HTML inside a cell: a link or image (`[x](url)`,
# `![x](url)` is a tracking pixel), emphasis, code, a raw HTML tag, an entity, a cell break.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", terminal_safe(text))


def render_markdown(view: View) -> str:
    lines = []
    if view.title:
        lines += [f"**{_escape(view.title)}**", ""]
    lines.append("| " + " | ".join(_escape(column.title) for column in view.columns) + " |")
    lines.append(
        "|"
        + "|".join("---:" if column.justify == "right" else "---" for column in view.columns)
        + "|"
    )
    for row in itertools.chain(view.rows, view.footer):
        lines.append("| " + " | ".join(_escape(value) for value in row) + " |")
    if view.caption:
        lines += ["", _escape(view.caption)]
    return "\n".join(lines) + "\n"


def markdown_text(text: str) -> str:
    """Untrusted text for a line of Markdown outside a table (a heading, a list item)."""
    return _escape(text)
