"""Shell and terminal: completion, pager, NO_COLOR / FORCE_COLOR / TERM=dumb."""

from __future__ import annotations

import io
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from builders import REPO
from dealledger import __version__
from dealledger.cli import app
from dealledger.cli.completion import complete_deal_id, complete_party, deal_ids, party_names
from dealledger.cli.pager import pager_command, print_lines
from dealledger.cli.terminal import output_style

IDS = [
    "azn-cspc-2023-framework",
    "azn-cspc-2023-lung-confirmatory",
    "azn-cspc-2024-ys2302018",
    "azn-cspc-2025-ai-research",
    "azn-cspc-2026-obesity-peptides",
]
CLEAN_ENV = {
    "NO_COLOR": None,
    "FORCE_COLOR": None,
    "TERM": None,
    "DEALLEDGER_LEDGER": None,
    "TTY_COMPATIBLE": None,
}


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"dealledger {__version__}\n"


# ------------------------------------------------------------------ completion


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o default -F"), ("zsh", "compdef"), ("fish", "complete --command")],
)
def test_show_completion_script(shell: str, marker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = CliRunner().invoke(app, ["--show-completion", shell], prog_name="dealledger")
    assert result.exit_code == 0
    assert marker in result.stdout
    assert "_DEALLEDGER_COMPLETE" in result.stdout


def test_deal_ids_and_party_names(bundled_ledger: Path) -> None:
    ids = deal_ids(bundled_ledger)
    assert [deal_id for deal_id, _ in ids] == IDS
    assert all(title for _, title in ids)
    names = dict(party_names(bundled_ledger))
    assert names["CSPC"] == "alias of CSPC Pharmaceutical Group"
    assert names["AstraZeneca"] == "registry"
    assert "Shanghai JMT-Bio Inc." in names


def test_completion_survives_broken_files(bundled_ledger: Path) -> None:
    (bundled_ledger / "deals" / "broken.toml").write_text("id = [unclosed\n", encoding="utf-8")
    (bundled_ledger / "deals" / "binary.toml").write_bytes(b"\xff\xfe\x00")
    (bundled_ledger / "deals" / "odd.toml").write_text(
        'id = 42\nparties = "nope"\n', encoding="utf-8"
    )
    assert [deal_id for deal_id, _ in deal_ids(bundled_ledger)] == IDS
    assert party_names(bundled_ledger)


def _demo_app() -> typer.Typer:
    """A command shaped like `show DEAL_ID --party NAME`, using the shared callbacks."""
    demo = typer.Typer()

    @demo.command()
    def show(
        deal_id: Annotated[str, typer.Argument(autocompletion=complete_deal_id)],
        party: Annotated[str, typer.Option(autocompletion=complete_party)] = "",
        ledger: Annotated[str, typer.Option("--ledger")] = "",
    ) -> None:
        """Show a deal."""

    @demo.command()
    def other() -> None:
        """Another command, so that `show` stays a subcommand."""

    return demo


def _complete(shell: str, words: str) -> str:
    env = {"_DEMO_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env |= {"COMP_WORDS": words, "COMP_CWORD": str(len(shlex.split(words)) - 1)}
    else:
        env |= {"_TYPER_COMPLETE_ARGS": words}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = CliRunner().invoke(_demo_app(), [], env=env, prog_name="demo")
    return result.output


def test_deal_id_completion_through_typer(bundled_ledger: Path) -> None:
    assert _complete("bash", "demo show azn-cspc-2023").split() == IDS[:2]
    fish = _complete("fish", "demo show azn-cspc-2024")
    assert fish == "azn-cspc-2024-ys2302018\tAstraZeneca exclusive licence to CSPC's oral " + (
        "Lp(a) disruptor YS2302018\n"
    )
    zsh = _complete("zsh", "demo show azn-cspc-2026")
    assert "azn-cspc-2026-obesity-peptides" in zsh


def test_party_completion_through_typer(bundled_ledger: Path) -> None:
    out = _complete("bash", "demo show x --party Astra")
    assert out.splitlines() == [
        "AstraZeneca",
        "AstraZeneca Investment (China) Co., Ltd.",
        "AstraZeneca PLC",
    ]


def test_completion_follows_ledger_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(REPO / "deals", tmp_path / "ledger" / "deals")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    monkeypatch.delenv("DEALLEDGER_LEDGER", raising=False)
    assert _complete("bash", "demo show azn").split() == []
    out = _complete("bash", f"demo show --ledger {tmp_path / 'ledger'} azn-cspc-2025")
    assert out.split() == ["azn-cspc-2025-ai-research"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_script_completes_deal_ids(bundled_ledger: Path) -> None:
    """The generated bash script, sourced in a real bash, completes ids."""
    exe = shutil.which("dealledger")
    if exe is None:
        pytest.skip("dealledger is not installed as a command")
    script = subprocess.run(
        [exe, "--show-completion", "bash"],
        env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1", "PATH": str(Path(exe).parent)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    probe = script
    for words, cword in (("dealledger su", 1), ("dealledger show azn-cspc-2024", 2)):
        probe += f"\nCOMP_WORDS=({words}); COMP_CWORD={cword}; _dealledger_completion dealledger\n"
        probe += 'printf "%s\\n" "${COMPREPLY[@]}"\n'
    out = subprocess.run(
        ["bash", "-c", probe],
        env={"PATH": f"{Path(exe).parent}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == ["summarize", "azn-cspc-2024-ys2302018"]


# ------------------------------------------------------------------ colour policy


@pytest.mark.parametrize(
    ("environ", "isatty", "decorated", "styled", "pageable"),
    [
        ({}, True, True, True, True),
        ({}, False, False, False, False),
        ({"NO_COLOR": "1"}, True, True, False, True),
        ({"NO_COLOR": ""}, True, True, True, True),
        ({"FORCE_COLOR": "1"}, False, True, True, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, True, False, False),
        ({"TERM": "dumb"}, True, False, False, False),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, True, True, True, False),
    ],
)
def test_output_style(
    environ: dict[str, str], isatty: bool, decorated: bool, styled: bool, pageable: bool
) -> None:
    style = output_style(environ, isatty)
    assert (style.decorated, style.styled, style.pageable) == (decorated, styled, pageable)
    assert style.fit_width is isatty


def _summarize(env: dict[str, str | None]) -> str:
    result = CliRunner().invoke(app, ["summarize"], env={**CLEAN_ENV, **env})
    assert result.exit_code == 0
    return result.stdout


def test_summarize_respects_colour_variables(bundled_ledger: Path) -> None:
    plain = _summarize({})
    assert "\x1b" not in plain and "─" not in plain
    forced = _summarize({"FORCE_COLOR": "1"})
    assert "\x1b[1m" in forced
    no_color = _summarize({"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b" not in no_color
    assert "─" in no_color  # still laid out for a person, just without escapes
    dumb = _summarize({"TERM": "dumb"})
    assert dumb == plain
    # A pipe never wraps: one line per deal plus header and footer.
    assert max(len(line) for line in plain.splitlines()) > 200


# ------------------------------------------------------------------ pager


def test_pager_command() -> None:
    assert pager_command({}) == ["less"]
    assert pager_command({"PAGER": "more -d"}) == ["more", "-d"]
    assert pager_command({"PAGER": ""}) is None
    assert pager_command({"PAGER": "cat"}) is None
    assert pager_command({"PAGER": "more", "DEALLEDGER_PAGER": "less -S"}) == ["less", "-S"]
    assert pager_command({"PAGER": "less", "DEALLEDGER_PAGER": ""}) is None


def _capturing_pager(target: Path) -> str:
    code = f"import sys; open({str(target)!r}, 'w').write(sys.stdin.read())"
    return shlex.join([sys.executable, "-c", code])


def _print(text: str, buffer: io.StringIO, *, pageable: bool, environ: dict[str, str]) -> None:
    print_lines(text.splitlines(), pageable=pageable, height=5, environ=environ, out=buffer)


def test_long_output_goes_through_the_pager(tmp_path: Path) -> None:
    target = tmp_path / "paged.txt"
    buffer = io.StringIO()
    text = "\n".join(f"row {n}" for n in range(20))
    _print(text, buffer, pageable=True, environ={"PAGER": _capturing_pager(target)})
    assert buffer.getvalue() == ""
    assert target.read_text().splitlines() == text.splitlines()


def test_short_output_no_pager_or_missing_pager_prints(tmp_path: Path) -> None:
    target = tmp_path / "paged.txt"
    pager = {"PAGER": _capturing_pager(target)}
    long_text = "\n".join(f"row {n}" for n in range(20))

    buffer = io.StringIO()
    _print("two\nlines", buffer, pageable=True, environ=pager)
    assert buffer.getvalue() == "two\nlines\n"

    buffer = io.StringIO()
    _print(long_text, buffer, pageable=False, environ=pager)
    assert buffer.getvalue().splitlines() == long_text.splitlines()

    buffer = io.StringIO()
    missing = {"PAGER": str(tmp_path / "no-such-pager")}
    _print(long_text, buffer, pageable=True, environ=missing)
    assert buffer.getvalue().splitlines() == long_text.splitlines()
    assert not target.exists()


def test_no_pager_option_is_accepted(bundled_ledger: Path) -> None:
    result = CliRunner().invoke(app, ["summarize", "--no-pager"], env=CLEAN_ENV)
    assert result.exit_code == 0
    assert "azn-cspc-2024-ys2302018" in result.stdout


def test_every_command_help_has_examples() -> None:
    """Consistent --help: each command says what it does and shows how to run it."""
    from typer.main import get_command

    group = get_command(app)
    for name in group.list_commands(None):  # type: ignore[arg-type]
        result = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, name
        assert "Examples:" in result.stdout, name
        assert f"dealledger {name}" in result.stdout, name


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("fish") is None, reason="needs fish")
def test_fish_script_completes_commands_and_formats(bundled_ledger: Path) -> None:
    exe = shutil.which("dealledger")
    if exe is None:
        pytest.skip("dealledger is not installed as a command")
    env = {"PATH": f"{Path(exe).parent}:/usr/bin:/bin", "HOME": str(bundled_ledger)}
    script = subprocess.run(
        [exe, "--show-completion", "fish"],
        env={**env, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (bundled_ledger / "dl.fish").write_text(script, encoding="utf-8")
    probe = "source dl.fish; complete -C 'dealledger su'; complete -C 'dealledger check --format g'"
    out = subprocess.run(
        ["fish", "--no-config", "-c", probe],
        cwd=bundled_ledger,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line.split("\t")[0] for line in out.splitlines()]
    assert lines == ["summarize", "github", "gitlab"]
