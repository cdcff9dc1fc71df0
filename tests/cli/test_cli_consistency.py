"""What every command shares: a closed pipe ends quietly, tables go through the pager, and
deal ids and party names complete in the shell."""

from __future__ import annotations

import inspect
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dealledger.cli.filter_options import FilterOptions, takes_deal_filters
from reports_fixture import write_ledger


def environment(root: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DEALLEDGER_")}
    env.update({"DEALLEDGER_LEDGER": str(root)}, **extra)
    return env


def piped_to_head(root: Path, args: str) -> subprocess.CompletedProcess[bytes]:
    """`dealledger ARGS | head -c 1` under pipefail: the status is dealledger's own."""
    command = f"set -o pipefail; {shlex.quote(sys.executable)} -m dealledger {args} | head -c 1"
    return subprocess.run(
        ["bash", "-c", command], capture_output=True, env=environment(root), check=False
    )


@pytest.fixture(scope="module")
def clean_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ledger(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def broken_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_ledger(tmp_path_factory.mktemp("broken"))
    # Many problems, so the output is longer than a pipe buffer and the write really fails.
    for number in range(400):
        (root / "deals" / f"broken-{number}.toml").write_text("id = \n", encoding="utf-8")
    return root


def closed_pipe(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The reader is gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "dealledger", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=environment(root),
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.slow
@pytest.mark.parametrize("args", [["check", "-f", "json"], ["check"], ["check", "-f", "junit"]])
def test_check_into_a_closed_pipe_ends_quietly_with_its_verdict(
    clean_root: Path, broken_root: Path, args: list[str]
) -> None:
    clean = closed_pipe(clean_root, *args)
    assert (clean.returncode, clean.stderr) == (0, b"")
    # The reader left early; that is no error, and it does not turn errors into success.
    broken = closed_pipe(broken_root, *args)
    assert (broken.returncode, broken.stderr) == (1, b"")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_check_into_head_under_pipefail(broken_root: Path) -> None:
    result = piped_to_head(broken_root, "check -f json")
    assert (result.returncode, result.stderr, len(result.stdout)) == (1, b"", 1)


# ------------------------------------------------------------------ completion

BUNDLED_IDS = [
    "azn-cspc-2023-framework",
    "azn-cspc-2023-lung-confirmatory",
    "azn-cspc-2024-ys2302018",
    "azn-cspc-2025-ai-research",
    "azn-cspc-2026-obesity-peptides",
]


def complete(words: str) -> list[str]:
    """What bash completion of the real `dealledger` offers for the last word of `words`."""
    from typer.testing import CliRunner

    from dealledger.cli import app

    env = {
        "_DEALLEDGER_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(shlex.split(words)) - (0 if words.endswith(" ") else 1)),
    }
    result = CliRunner().invoke(app, [], env=env, prog_name="dealledger")
    assert result.exit_code == 0, result.output
    return result.output.split("\n")[:-1]


def test_show_completes_deal_ids(bundled_ledger: Path) -> None:
    assert complete("dealledger show azn-cspc-202") == BUNDLED_IDS
    assert complete("dealledger show azn-cspc-2024") == ["azn-cspc-2024-ys2302018"]


def test_record_and_value_explain_complete_deal_ids(bundled_ledger: Path) -> None:
    assert complete("dealledger record azn-cspc-2025") == ["azn-cspc-2025-ai-research"]
    assert complete("dealledger value --explain azn-cspc-2023") == BUNDLED_IDS[:2]


@pytest.mark.parametrize("command", ["summarize", "totals", "timeline", "value", "export"])
def test_party_filter_completes_party_names(bundled_ledger: Path, command: str) -> None:
    # escaped as bash inserts them into a bare word (tests/cli/test_completion_quoting.py)
    assert complete(f"dealledger {command} --party Astra") == [
        "AstraZeneca",
        "AstraZeneca\\ Investment\\ \\(China\\)\\ Co.,\\ Ltd.",
        "AstraZeneca\\ PLC",
    ]


# ------------------------------------------------------------------ pager

TABLE_COMMANDS = [
    ["summarize"],
    ["totals", "--by", "payee"],
    ["timeline"],
    ["timeline", "--by", "quarter"],
    ["show", "eu-licence"],
    ["value", "--as-of", "2024-01-01"],
    ["value", "--as-of", "2024-01-01", "--explain", "eu-licence"],
]


def on_a_terminal(root: Path, pager_file: Path, *args: str) -> tuple[int, bytes]:
    """Run with stdout on a 6-line pseudo-terminal and a pager that saves what it gets."""
    import fcntl
    import struct
    import termios

    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 6, 200, 0, 0))
    save = f"import sys; open({str(pager_file)!r}, 'w').write(sys.stdin.read())"
    env = environment(root, DEALLEDGER_PAGER=shlex.join([sys.executable, "-c", save]), NO_COLOR="1")
    for name in ("FORCE_COLOR", "TERM", "COLUMNS", "LINES"):
        env.pop(name, None)
    try:
        process = subprocess.run(
            [sys.executable, "-m", "dealledger", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
            timeout=60,
        )
    finally:
        os.close(follower)
    printed = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        printed += chunk
    os.close(leader)
    return process.returncode, printed


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=" ".join)
def test_long_tables_go_through_the_pager_unless_no_pager(
    clean_root: Path, tmp_path: Path, args: list[str]
) -> None:
    paged = tmp_path / "paged.txt"
    code, printed = on_a_terminal(clean_root, paged, *args)
    assert code == 0
    assert paged.exists(), printed
    assert len(paged.read_text().splitlines()) > 6
    assert len(printed.splitlines()) < 3  # nothing but what the pager itself drew

    paged.unlink()
    code, printed = on_a_terminal(clean_root, paged, *args, "--no-pager")
    assert code == 0
    assert not paged.exists()
    assert len(printed.splitlines()) > 6


@pytest.mark.slow
def test_timeline_chart_is_paged_with_its_table(clean_root: Path, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    code, _ = on_a_terminal(clean_root, paged, "timeline", "--by", "year")
    assert code == 0
    text = paged.read_text()
    assert "░ due" in text  # the chart's legend, drawn by default on a terminal
    assert text.index("░ due") < text.index("Period")


# ------------------------------------------------------------------ shared filter options


def test_filter_options_stand_where_the_command_declares_them() -> None:
    seen: list[FilterOptions] = []

    def demo(first: int = 1, filters: FilterOptions = FilterOptions(), last: int = 2) -> None:
        seen.append(filters)

    wrapped = takes_deal_filters(demo)
    names = list(inspect.signature(wrapped).parameters)
    assert names == ["first", "party", "since", "until", "kind", "status", "area", "tag", "last"]
    wrapped(first=1, party=["CSPC"], since="2024", until=None, kind=None, status=None,
            area=None, tag=["x"], last=2)  # fmt: skip
    assert seen == [FilterOptions(party=["CSPC"], since="2024", tag=["x"])]

    def no_filters(first: int = 1) -> None:
        """Declares no filters."""

    with pytest.raises(TypeError, match="filters"):
        takes_deal_filters(no_filters)


def test_a_bad_filter_value_is_still_a_usage_error(clean_root: Path) -> None:
    from typer.testing import CliRunner

    from dealledger.cli import app

    for command in ("summarize", "totals", "timeline", "value", "export -o x.sqlite"):
        result = CliRunner().invoke(
            app, [*command.split(), "--ledger", str(clean_root), "--kind", "licence"]
        )
        assert result.exit_code == 2, command
        assert "--kind 'licence' is not one of the accepted values" in result.stderr
