"""Generate the per-command option tables of docs/cli.md from the Typer app itself.

The reference is written for people, but its option tables must never drift from the code:
`python tests/cli_reference.py` rewrites the generated part of docs/cli.md, and
tests/test_docs.py fails when that part is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from dealledger.cli import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
BEGIN = "<!-- BEGIN GENERATED OPTIONS (python tests/cli_reference.py) -->"
END = "<!-- END GENERATED OPTIONS -->"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def generated() -> str:
    group = typer.main.get_command(app)
    lines = [BEGIN, ""]
    for name in sorted(group.commands):  # type: ignore[attr-defined]
        command = group.commands[name]  # type: ignore[attr-defined]
        context = typer.Context(command, info_name=name)
        summary = (command.help or "").strip().split("\n\n")[0]
        lines += [f"### `dealledger {name}`", "", _cell(summary), ""]
        lines += ["| argument / option | meaning |", "|---|---|"]
        for param in command.params:
            record = param.get_help_record(context)
            if record is None:
                record = ((param.metavar or param.name or "").upper(), "")
            signature, help_text = record
            lines.append(f"| `{_cell(signature)}` | {_cell(help_text)} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def current_document() -> str:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + generated() + text[end:]


if __name__ == "__main__":
    DOC.write_text(current_document(), encoding="utf-8")
    sys.stdout.write(f"rewrote {DOC}\n")
