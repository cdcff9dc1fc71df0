"""Every registered command with the argument lists it runs with, for the tests that drive
them all: the hostile-command test (tests/hostile/test_hostile_commands.py), the property test
and the fuzz harness over every command (fuzz/commands.py).

Commands are discovered from the Typer app; a new command fails
`test_every_command_has_its_arguments` until it has its lists in `ARGUMENTS`.
"""

from __future__ import annotations

from enum import Enum

import typer.main

from dealledger.cli import app

TITLE = "[bold red]x[/] [link=https://evil.example]click[/link] \x1b]0;pwned\x07 \u202eabc"
DEAL_ID = "evil"


def command_formats() -> list[tuple[str, str | None]]:
    click_app = typer.main.get_command(app)
    found: list[tuple[str, str | None]] = []
    for name, command in sorted(click_app.commands.items()):  # type: ignore[attr-defined]
        formats: list[str | None] = [None]
        for param in command.params:
            if "--format" in getattr(param, "opts", ()) and isinstance(param.default, Enum):
                formats = [member.value for member in type(param.default)]
        found += [(name, output_format) for output_format in formats]
    return found


# What each command runs with after its name; LEDGER stands for the hostile ledger's root, and
# a command with --format also gets each of its formats. Writers write into the working folder,
# a fresh copy of the ledger.
LEDGER = "<ledger>"
HOSTILE_SHEET = "hostile.csv"  # written into the working folder by the test (see below)
READ = [["--ledger", LEDGER], ["--ledger", LEDGER, DEAL_ID]]  # the id is a usage error for most
ARGUMENTS: dict[str, list[list[str]]] = {
    "calendar": [["--ledger", LEDGER], ["--ledger", LEDGER, "--output", "deals.ics"]],
    "check": READ,
    "comps": [["--ledger", LEDGER], ["--ledger", LEDGER, "--like", DEAL_ID, "--by", "area"]],
    "diff": [["--ledger", LEDGER], ["--ledger", LEDGER, "HEAD", "--exit-code"]],
    "export": [["--ledger", LEDGER, "--output", "-"], ["--ledger", LEDGER, "--output", "exported"]],
    "fmt": READ,
    "import": [
        [HOSTILE_SHEET, "--ledger", LEDGER, "--dry-run"],
        [HOSTILE_SHEET, "--ledger", LEDGER, "--yes"],
    ],
    "init": [["fresh"], [f"fresh {TITLE}", "--empty"]],
    "new": [
        [
            *("--ledger", LEDGER, "--no-input", "--id", "evil-two", "--title", TITLE),
            *("--kind", "license", "--announced", "2024-01-01", "--currency", "USD"),
            *("--party", '=HYPERLINK("https://evil.example"):licensor'),
            *("--party", "@Acme \x1b[31mred:licensee", "--upfront", "5M"),
        ],
        ["--ledger", LEDGER, "--no-input", "--id", DEAL_ID, "--title", TITLE],  # a taken id
    ],
    "record": [
        [DEAL_ID, "--ledger", LEDGER, "-t", "[link=x]m[/link]", "--status", "achieved"],
        [DEAL_ID, "--ledger", LEDGER, "--status", "terminated", "--terminated", "2025-01-01"],
        [DEAL_ID, "--ledger", LEDGER, "-t", "\x1b[2J\u202enone", "--status", "paid"],
    ],
    "report": [
        ["--ledger", LEDGER, "--output", "timeline.svg", "--title", TITLE],
        ["--ledger", LEDGER, "--output", "report.html", "--title", TITLE],
    ],
    "schema": [[], ["--settings"]],
    "show": READ,
    "summarize": READ,
    "timeline": READ,
    "totals": READ,
    "value": READ,
}
