"""Pipeline behaviour of the report commands, run as real processes.

Data only on stdout and messages on stderr; a closed pipe ends quietly; colour only on a
terminal and never with NO_COLOR or TERM=dumb; CSV is RFC 4180; `-` reads paths from stdin.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reports_fixture import write_ledger

# One per command and per writer (Rich console, plain write, chart renderables).
COMMANDS = [
    ["summarize"],
    ["totals", "-f", "csv"],
    ["timeline", "--chart"],
    ["timeline", "--by", "quarter", "--chart"],
    ["show", "eu-licence"],
    ["export", "-f", "json", "-o", "-"],
    ["totals"],
    ["value", "--as-of", "2024-01-01"],
    ["show", "eu-licence", "-f", "json"],
    ["check"],
    ["check", "-f", "json"],
    ["check", "-f", "sarif"],
]
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|9[0-7]|38;[0-9;]+)m")


@pytest.fixture(scope="module")
def ledger_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ledger(tmp_path_factory.mktemp("pipeline"))


def environment(root: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")
    }
    env.update({"DEALLEDGER_LEDGER": str(root), "COLUMNS": "120"}, **extra)
    return env


def dealledger(root: Path, *args: str, **kwargs) -> subprocess.CompletedProcess[bytes]:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "dealledger", *args],
        capture_output=True,
        env=environment(root),
        check=False,
        **kwargs,
    )


@pytest.mark.slow
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_closed_pipe_ends_quietly(ledger_root: Path, args: list[str]) -> None:
    """The reader is gone before the first write: no message, no traceback, exit 0."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "dealledger", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=environment(ledger_root),
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.stderr == b""
    assert result.returncode == 0


@pytest.mark.slow
def test_head_reads_one_line(ledger_root: Path) -> None:
    result = subprocess.run(
        f"{sys.executable} -m dealledger timeline -f csv | head -1",
        shell=True,
        capture_output=True,
        env=environment(ledger_root),
        check=False,
    )
    assert result.stdout == b"date,deal,event,type,label,amount,currency,overdue\r\n"
    assert result.stderr == b""


@pytest.mark.slow
def test_machine_formats_write_only_data_to_stdout(ledger_root: Path, tmp_path: Path) -> None:
    # A warning in the ledger goes to stderr; stdout stays parseable.
    root = write_ledger(tmp_path / "warned")
    path = root / "deals" / "2024" / "us-framework.toml"
    path.write_text(path.read_text().replace('"Delta Inc"', '"Delta Incorporated"'))
    for args in (["totals", "-f", "json"], ["timeline", "-f", "json"], ["summarize", "-f", "json"]):
        result = dealledger(root, *args)
        assert result.returncode == 0
        json.loads(result.stdout)
        assert b"warning" in result.stderr


@pytest.mark.slow
def test_csv_is_rfc_4180_with_header(ledger_root: Path) -> None:
    result = dealledger(ledger_root, "timeline", "-f", "csv")
    lines = result.stdout.split(b"\r\n")
    assert lines[0] == b"date,deal,event,type,label,amount,currency,overdue"
    assert lines[-1] == b""
    assert b"\n" not in b"".join(lines)
    quoted = dealledger(ledger_root, "totals", "--by", "payee", "-f", "csv").stdout
    assert b"Alpha Bio GmbH + Alpha Pharma KK" in quoted


@pytest.mark.slow
def test_paths_from_stdin(ledger_root: Path) -> None:
    path = ledger_root / "deals" / "2023" / "us-option.toml"
    result = dealledger(ledger_root, "totals", "-", "-f", "json", input=f"{path}\n".encode())
    assert result.returncode == 0
    overall = json.loads(result.stdout)["overall"]
    assert overall["deals"] == 1
    assert overall["total"] == 27500000.25


def _on_terminal(root: Path, args: list[str], **extra: str) -> bytes:
    import pty

    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "dealledger", *args],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=environment(root, **extra),
    )
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait()
    os.close(main)
    return output


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_terminal_only_and_never_with_no_color_or_dumb(ledger_root: Path) -> None:
    args = ["timeline", "--by", "year"]
    coloured = _on_terminal(ledger_root, args, TERM="xterm-256color")
    assert COLOUR.search(coloured.decode()), "a terminal gets coloured bars"
    assert "█".encode() in coloured
    no_color = _on_terminal(ledger_root, args, TERM="xterm-256color", NO_COLOR="1")
    assert "█".encode() in no_color
    assert not COLOUR.search(no_color.decode())
    dumb = _on_terminal(ledger_root, args, TERM="dumb")
    assert b"\x1b[" not in dumb
    piped = dealledger(ledger_root, *args).stdout
    assert b"\x1b[" not in piped and "█".encode() not in piped


@pytest.mark.parametrize("command", ["summarize", "totals", "timeline", "show", "export"])
def test_every_report_command_help_has_examples(command: str) -> None:
    from typer.testing import CliRunner

    from dealledger.cli import app

    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"dealledger {command}" in result.stdout
