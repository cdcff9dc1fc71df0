"""Every command of the app, in every output format, on a ledger of hostile deals.

Commands are discovered from the app, so commands added later (show, totals, timeline,
export, new, record, fmt, value...) are covered as soon as they are registered: each is run
with no argument and with a deal id, and every variant that is not a usage error must end
with exit 0 or 1, without an exception, with terminal-safe text (or valid JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from enum import Enum
from pathlib import Path

import pytest
import tomli_w
import typer.main
from typer.testing import CliRunner

from builders import REPO
from dealledger.cli import app
from hostile_helpers import assert_safe_for_terminal

TITLE = "[bold red]x[/] [link=https://evil.example]click[/link] \x1b]0;pwned\x07 \u202eabc"
BINARY_FORMATS = {"sqlite", "xlsx", "parquet"}
DEAL_ID = "evil"


def hostile_deal(deal_id: str) -> dict:
    return {
        "id": deal_id,
        "title": TITLE,
        "kind": "license",
        "announced": dt.date(2024, 1, 1),
        "currency": "USD",
        "summary": "line one\nline two \x1b[2J",
        "tags": ["=1+1", "\u202etag"],
        "therapeutic_areas": ["[bold]oncology[/bold]"],
        "parties": [
            {"name": '=HYPERLINK("https://evil.example")', "role": "licensor"},
            {"name": "@Acme \x1b[31mred", "role": "licensee"},
        ],
        "assets": [{"name": "\x1b]8;;https://evil.example\x07asset", "phase": "phase1"}],
        "tranches": [
            {
                "type": "upfront",
                "amount": "5M",
                "label": "-2+3",
                "status": "paid",
                "paid": dt.date(2024, 2, 1),
            },
            {
                "type": "milestone",
                "amount": "1.2B",
                "label": "[link=x]m[/link]",
                "due": "2027-Q2",
                "phase": "phase2",
            },
            {"type": "commercial", "amount": "undisclosed", "due": dt.date(2030, 1, 1)},
            {"type": "royalty", "rate": "tiered", "label": "\t=cmd"},
        ],
        "sources": [{"url": "https://example.com/a", "title": "\u2066hidden\u2069"}],
    }


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-ledger")
    (root / "deals").mkdir()
    (root / "deals" / f"{DEAL_ID}.toml").write_text(
        tomli_w.dumps(hostile_deal(DEAL_ID)), encoding="utf-8"
    )
    (root / "deals" / "broken.toml").write_text(
        f'id = "broken"\ntitle = "{TITLE.encode("unicode_escape").decode()}"\nkind = 1\n',
        encoding="utf-8",
    )
    return root


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


@pytest.mark.parametrize(("command", "output_format"), command_formats())
def test_every_command_and_format_is_safe(
    command: str,
    output_format: str | None,
    ledger: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path / "ledger"
    shutil.copytree(ledger, root)  # writers may change the ledger
    monkeypatch.chdir(root)  # and write default output files where they run
    runner = CliRunner()
    ran = False
    for extra in ([], [DEAL_ID]):
        args = [command, "--ledger", str(root), *extra]
        if output_format is not None:
            args += ["--format", output_format]
        result = runner.invoke(app, args, input="")
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{args} raised {result.exception!r}"
        )
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
        assert "Traceback" not in result.output
        assert_safe_for_terminal(result.stderr)
        if result.exit_code == 2:
            continue  # this variant was a usage error (e.g. the command needs an id)
        ran = True
        if output_format == "json" and result.stdout.strip():
            json.loads(result.stdout)
        if output_format not in BINARY_FORMATS:
            assert_safe_for_terminal(result.stdout.replace("\r\n", "\n").replace("\t", " "))
        assert "\x1b" not in result.stdout
    if not ran:
        pytest.skip(f"{command} needs arguments this generic test does not know")


def test_commands_are_discovered() -> None:
    names = {name for name, _ in command_formats()}
    assert {"check", "summarize"} <= names


SOURCE = REPO / "src" / "dealledger"


def test_no_rich_console_parses_markup() -> None:
    """Any Console created anywhere in dealledger must have markup (and emoji codes) off."""
    import ast

    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "rich"
                and any(alias.name == "print" for alias in node.names)
            ):
                offenders.append(f"{path.name}:{node.lineno} imports rich.print")
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "Console":
                keywords = {kw.arg: kw.value for kw in node.keywords}
                markup = keywords.get("markup")
                if not (isinstance(markup, ast.Constant) and markup.value is False):
                    offenders.append(f"{path.name}:{node.lineno} Console without markup=False")
            if name in ("Tree", "Panel", "Rule") and node.args:
                first = node.args[0]
                if isinstance(first, ast.JoinedStr):  # f-string: Rich would parse its markup
                    offenders.append(f"{path.name}:{node.lineno} {name} of a plain string")
    assert not offenders, offenders
