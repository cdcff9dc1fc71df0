"""Completion that a shell can insert: names with spaces, parentheses, commas, apostrophes.

The end-to-end tests start bash, zsh and fish on a pseudo-terminal, source the script that
`dealledger --show-completion` prints, type a partial command, press TAB and Enter, and look
at what the command printed. A shell that is not installed is skipped, with its name.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import make_ledger, minimal_deal, parties
from dealledger.cli import app
from dealledger.cli.completion_shells import bash_bare, bash_quoted, zsh_item
from pty_shell import PtyShell

CHINA = "AstraZeneca Investment (China) Co., Ltd."
OBRIEN = "O'Brien & Sons, Inc."
CHINA_TITLE = "CSPC's oral Lp(a) disruptor"
OBRIEN_TITLE = "O'Brien's \\\"big\\\" $HOME deal: part 1"  # as TOML text
OBRIEN_TITLE_SHOWN = "O'Brien's \"big\" $HOME deal: part 1"


@pytest.fixture
def quoting_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_ledger(
        tmp_path / "ledger",
        [
            minimal_deal(
                "az-china",
                title=CHINA_TITLE,
                parties=parties((CHINA, "licensee"), ("Shanghai JMT-Bio", "licensor")),
            ),
            minimal_deal(
                "az-obrien",
                title=OBRIEN_TITLE,
                parties=parties((OBRIEN, "licensee"), ("AstraZeneca PLC", "licensor")),
            ),
        ],
    )
    monkeypatch.chdir(root)
    monkeypatch.delenv("DEALLEDGER_LEDGER", raising=False)
    return root


# ------------------------------------------------------------------ the replies


def _reply(shell: str, line: str) -> list[str]:
    """What dealledger answers the shell for the command line `line` (cursor at its end)."""
    env = {"_DEALLEDGER_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        words = line.split("\n") if "\n" in line else line.split(" ")
        env |= {"COMP_WORDS": "\n".join(words), "COMP_CWORD": str(len(words) - 1)}
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = CliRunner().invoke(app, [], env=env, prog_name="dealledger")
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_bash_reply_is_quoted_like_the_word_being_completed(quoting_ledger: Path) -> None:
    bare = "AstraZeneca\\ Investment\\ \\(China\\)\\ Co.,\\ Ltd."
    assert _reply("bash", "dealledger\nsummarize\n--party\nAstraZeneca\\ I") == [bare]
    assert _reply("bash", "dealledger\nsummarize\n--party\n'AstraZeneca I") == [CHINA]
    assert _reply("bash", "dealledger\nsummarize\n--party\nO") == ["O\\'Brien\\ \\&\\ Sons,\\ Inc."]
    assert _reply("bash", "dealledger\nsummarize\n--party\n'O") == ["O'\\''Brien & Sons, Inc."]
    assert _reply("bash", 'dealledger\nsummarize\n--party\n"O') == [OBRIEN]


def test_zsh_reply_keeps_apostrophes(quoting_ledger: Path) -> None:
    reply = "\n".join(_reply("zsh", "dealledger show az-"))
    assert "CSPC'\\''s oral Lp(a) disruptor" in reply
    assert "O'\\''Brien'\\''s \\\"big\\\" \\$HOME deal\\: part 1" in reply
    assert "''" not in reply.replace("'\\''", "")


def test_quoting_functions() -> None:
    assert bash_bare("a b(c),d.e'f&g$h") == "a\\ b\\(c\\),d.e\\'f\\&g\\$h"
    assert bash_bare("Zürich-1_@%+") == "Zürich-1_@%+"
    assert bash_quoted("it's", "'") == "it'\\''s"
    assert bash_quoted('a "b" $c `d` \\e', '"') == 'a \\"b\\" \\$c \\`d\\` \\\\e'
    assert zsh_item("a:b'c\"d") == "a\\:b'\\''c\\\"d"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("dealledger totals --by payee-", ["payee-group"]),
        (
            "dealledger totals --by year,pa",
            ["year,payee", "year,payer", "year,payee-group", "year,payer-group"],
        ),
        ("dealledger timeline --by q", ["quarter"]),
        ("dealledger comps --by mo", ["modality"]),
        ("dealledger summarize --kind co", ["collaboration", "co-development"]),
        ("dealledger totals --kind license,eq", ["license,equity"]),
        ("dealledger summarize --status ex", ["expired"]),
        ("dealledger new --kind acq", ["acquisition"]),
        ("dealledger record x --status p", ["paid"]),
        ("dealledger record x --status e", ["expected", "expired", "exercised"]),
        ("dealledger summarize --format m", ["markdown"]),
        ("dealledger check --format j", ["json", "json-lines", "junit"]),
        ("dealledger export --format s", ["sqlite"]),
    ],
)
def test_choices_complete(quoting_ledger: Path, line: str, expected: list[str]) -> None:
    assert _reply("fish", line) == expected


# ------------------------------------------------------------------ real shells


def _dealledger() -> str:
    exe = shutil.which("dealledger")
    if exe is None:
        pytest.skip("dealledger is not installed as a command")
    return exe


def _shell(name: str, root: Path) -> PtyShell:
    """`name` on a pty in `root`, with dealledger's completion script sourced."""
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed")
    exe = _dealledger()
    home = root.parent / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": f"{Path(exe).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "PS1": "$ ",
    }
    script = subprocess.run(
        [exe, "--show-completion", name],
        env={**env, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (home / f"dl.{name}").write_text(script, encoding="utf-8")
    argv = {
        "bash": ["bash", "--norc", "--noprofile", "-i"],
        "zsh": ["zsh", "-f", "-i"],
        "fish": ["fish", "--no-config", "-i"],
    }[name]
    setup = {"zsh": "autoload -Uz compinit && compinit -u && "}.get(name, "")
    shell = PtyShell(argv, root, env)
    shell.send(f"{setup}source {home / f'dl.{name}'}; echo READY''0\n")
    shell.expect("READY0")
    return shell


def _status(name: str) -> str:
    return "$status" if name == "fish" else "$?"


# (shell, what is typed after --party, the tail the completion ends with, the deal it selects)
PARTY_CASES = [
    (shell, typed, tail, deal)
    for shell in ("bash", "zsh", "fish")
    for typed, tail, deal in (
        ("AstraZeneca\\ I", "Ltd.", "az-china"),
        ("O", "Inc.", "az-obrien"),
    )
] + [
    # fish leaves a quote open after a value ending in "." (it adds no space there either)
    (shell, typed, tail, deal)
    for shell in ("bash", "zsh")
    for typed, tail, deal in (
        ("'AstraZeneca I", "Ltd.'", "az-china"),
        ('"AstraZeneca I', 'Ltd."', "az-china"),
        ("'O", "Inc.'", "az-obrien"),
        ('"O', 'Inc."', "az-obrien"),
    )
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "typed", "tail", "deal"), PARTY_CASES)
def test_tab_then_enter_runs_with_the_whole_name(
    quoting_ledger: Path, name: str, typed: str, tail: str, deal: str
) -> None:
    with _shell(name, quoting_ledger) as shell:
        shell.send(f"dealledger summarize --format csv --party {typed}\t")
        shell.expect(re.escape(tail))
        shell.send(f"\necho END''1 rc={_status(name)}\n")
        out = shell.expect(r"END1 rc=(\d+)")
    assert out.endswith("END1 rc=0"), out
    rows = re.findall(r"(?m)^(az-[a-z]+),", out)
    assert rows == [deal], out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["zsh", "fish"])
def test_descriptions_keep_apostrophes_and_quotes(quoting_ledger: Path, name: str) -> None:
    with _shell(name, quoting_ledger) as shell:
        shell.send("dealledger show az-\t")
        shell.expect(re.escape(CHINA_TITLE))
        shell.expect(re.escape(OBRIEN_TITLE_SHOWN))
