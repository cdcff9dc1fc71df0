"""Every way out of the CLI ends in a message and the spec's exit code, never a traceback."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import dealledger.reports.check as check_report
import dealledger.reports.summary as summary_report
from builders import REPO, make_ledger, minimal_deal, parties
from dealledger.cli import app
from dealledger.cli.errors import INTERNAL_ERROR, run
from hostile_helpers import assert_safe_for_terminal, run_cli_subprocess

BUNDLED = REPO


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    # --debug sets DEALLEDGER_DEBUG for the rest of the process; keep tests independent.
    monkeypatch.delenv("DEALLEDGER_DEBUG", raising=False)


def fail_with(exc: BaseException) -> Callable[..., None]:
    def raising(*args: object, **kwargs: object) -> None:
        raise exc

    return raising


def test_internal_bug_is_a_short_report_with_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(check_report, "check_record", fail_with(ValueError("bad \x1b]0;x\x07")))
    code = run(app, ["check", "--ledger", str(BUNDLED), "--format", "json"])
    captured = capsys.readouterr()
    assert code == INTERNAL_ERROR == 3
    assert "internal error (ValueError: bad \\x1b]0;x\\x07)" in captured.err
    assert "bug in dealledger" in captured.err and "--debug" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert_safe_for_terminal(captured.err)


def test_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(summary_report, "iter_summary_records", fail_with(KeyError("boom")))
    code = run(app, ["--debug", "summarize", "--ledger", str(BUNDLED)])
    captured = capsys.readouterr()
    assert code == 3
    assert "Traceback (most recent call last)" in captured.err
    assert "iter_summary_records" not in captured.out


def test_debug_environment_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEALLEDGER_DEBUG", "1")
    monkeypatch.setattr(check_report, "check_record", fail_with(RuntimeError("x")))
    assert run(app, ["check", "--ledger", str(BUNDLED), "-f", "json"]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_bug_while_loading_is_also_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import dealledger.ledger.ledger as ledger_module

    monkeypatch.setattr(ledger_module, "cross_file_findings", fail_with(ZeroDivisionError("z")))
    assert run(app, ["check", "--ledger", str(BUNDLED)]) == 3
    assert "internal error (ZeroDivisionError: z)" in capsys.readouterr().err


def test_out_of_memory_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(summary_report, "iter_summary_records", fail_with(MemoryError()))
    assert run(app, ["summarize", "--ledger", str(BUNDLED)]) == 3
    assert "out of memory" in capsys.readouterr().err


def test_disk_full_on_output_is_an_error_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import dealledger.cli.check as check_command

    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(check_command, "write", fail_with(full))
    assert run(app, ["check", "--ledger", str(BUNDLED)]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import dealledger.cli.summarize as summarize_command

    monkeypatch.setattr(summarize_command, "open_ledger", fail_with(KeyboardInterrupt()))
    assert run(app, ["summarize", "--ledger", str(BUNDLED)]) == 130


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--format", "yaml"],
        ["summarize", "--no-such-option"],
        ["check", "no/such/file.toml"],
        ["check", "--ledger", "/no/such/ledger"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    argv = [*args] if "--ledger" in args else [*args, "--ledger", str(BUNDLED)]
    if args == ["frobnicate"]:
        argv = args
    assert run(app, argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.err.strip()


@pytest.mark.slow
def test_no_ledger_found_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dealledger", "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "DEALLEDGER_LEDGER": ""},
        check=False,
    )
    assert result.returncode == 2
    assert "no ledger found" in result.stderr


@pytest.mark.slow
def test_ascii_only_terminal_does_not_crash(tmp_path: Path) -> None:
    chinese = parties(("石药集团", "licensor"), ("B", "licensee"))
    make_ledger(
        tmp_path, [minimal_deal("cn", title="石药集团 licence", currency="CNY", parties=chinese)]
    )
    result = subprocess.run(
        [sys.executable, "-m", "dealledger", "summarize", "--ledger", str(tmp_path)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"\\u77f3" in result.stdout  # 石, written as an escape instead of crashing


@pytest.mark.slow
def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    make_ledger(tmp_path, [minimal_deal(f"d{index}", title="x" * 200) for index in range(300)])
    process = subprocess.Popen(
        [sys.executable, "-m", "dealledger", "summarize", "-f", "json", "--ledger", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=60)
    assert code in (0, 1)
    assert "Traceback" not in stderr and "Exception" not in stderr


@pytest.mark.slow
def test_real_entry_point_reports_bugs_without_traceback(tmp_path: Path) -> None:
    # A ledger whose deals folder is a file: exercised through `python -m dealledger`.
    (tmp_path / "deals").write_text("not a folder", encoding="utf-8")
    result = run_cli_subprocess(["check", "--ledger", str(tmp_path)], tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
