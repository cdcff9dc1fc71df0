"""Every command of the app, in every output format, on a ledger of hostile deals.

Commands are discovered from the app, and each must have its argument lists in `ARGUMENTS`
(a new command fails `test_every_command_has_its_arguments` until it is added there). Every
variant must end with exit 0, 1 or 2, without an exception, with terminal-safe text (or valid
JSON), and at least one variant of each command must get past argument checking.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import tomli_w
from typer.testing import CliRunner

from builders import REPO, make_ledger, minimal_deal
from command_matrix import ARGUMENTS, DEAL_ID, HOSTILE_SHEET, LEDGER, TITLE, command_formats
from dealledger.cli import app
from hostile_helpers import assert_safe_for_terminal

BINARY_FORMATS = {"sqlite", "xlsx", "parquet"}


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


def test_every_command_has_its_arguments() -> None:
    assert sorted(ARGUMENTS) == sorted({name for name, _ in command_formats()})


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
    if command == "import":
        (root / HOSTILE_SHEET).write_text(
            "title,licensor,licensee,announced,upfront,currency,kind\n"
            f'"{TITLE}","=HYPERLINK(""x"")","@Acme \x1b[31m",2024-01-01,$5M,USD,license\n'
            f'"{TITLE} two",Alpha,Beta,03/06/2025,undisclosed,USD,license\n',
            encoding="utf-8",
        )
    if command == "diff":
        _commit_all(root)
        (root / "deals" / "evil.toml").write_text((root / "deals" / "evil.toml").read_text() + "\n")
    runner = CliRunner()
    ran = []
    for variant in ARGUMENTS[command]:
        args = [command, *(str(root) if arg == LEDGER else arg for arg in variant)]
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
        ran.append(variant)
        if output_format == "json" and result.stdout.strip():
            json.loads(result.stdout)
        if output_format not in BINARY_FORMATS:
            assert_safe_for_terminal(result.stdout.replace("\r\n", "\n").replace("\t", " "))
        assert "\x1b" not in result.stdout
    assert ran, f"every variant of {command} was a usage error: fix its ARGUMENTS"


def _commit_all(root: Path) -> None:
    """A git repository holding the ledger, so `diff` has a revision to compare with."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "ledger"]):
        subprocess.run(["git", *step], cwd=root, env=env, check=True, capture_output=True)


def test_report_page_with_an_undisclosed_amount_due(tmp_path: Path) -> None:
    """Undisclosed is never None arithmetic: the schedule once added it to a Decimal."""
    undisclosed = '[[tranches]]\ntype = "milestone"\namount = "undisclosed"\ndue = "2027-Q2"\n'
    root = make_ledger(tmp_path, [minimal_deal(tranches=undisclosed)])
    result = CliRunner().invoke(app, ["report", "-L", str(root), "-o", str(tmp_path / "r.html")])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output


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
