"""Reusable checks for hostile-input tests, the fuzz harness and writer commands.

- `check_invariants` runs `dealledger check` on one deal file's bytes and asserts what the
  spec promises for any input: exit 0 or 1, valid JSON, no traceback.
- `assert_kill_safe` runs any writer command in a subprocess, kills it at many points in
  time, and asserts that the file it writes is always either the original or a complete new
  version, never a torn one; `assert_concurrent_writers_keep_updates` runs writers at once and
  asserts none of their updates is lost. They take the command line as a parameter, so they
  work for `new`, `record`, `fmt` and `export` once those exist.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from dealledger.cli import app

CHECK_KEYS = {"files", "deals", "errors", "warnings", "problems"}
PROBLEM_KEYS = {"path", "line", "column", "severity", "code", "message", "deal"}


@dataclass(frozen=True)
class CheckOutcome:
    exit_code: int
    document: dict
    stderr: str


def make_ledger(root: Path) -> Path:
    """An empty ledger: root/deals/. Returns the deals folder."""
    deals = root / "deals"
    deals.mkdir(parents=True, exist_ok=True)
    return deals


def check_invariants(root: Path, data: bytes, name: str = "fuzzed.toml") -> CheckOutcome:
    """Write `data` as a deal file and assert `check --format json` behaves on it."""
    deals = make_ledger(root)
    target = deals / name
    target.write_bytes(data)
    result = CliRunner().invoke(app, ["check", "--ledger", str(root), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"check raised {result.exception!r} on {data[:200]!r}"
    )
    assert result.exit_code in (0, 1), (result.exit_code, result.output, data[:200])
    assert "Traceback" not in result.output, result.output
    document = json.loads(result.stdout)
    assert set(document) == CHECK_KEYS
    assert document["files"] == len(list((root / "deals").iterdir()))
    for problem in document["problems"]:
        assert set(problem) == PROBLEM_KEYS
        assert problem["severity"] in ("error", "warning")
        assert problem["code"].startswith("DL")
    assert (result.exit_code == 1) == (document["errors"] > 0)
    if document["deals"]:
        check_reports(root, expected_exit=result.exit_code)
    return CheckOutcome(result.exit_code, document, result.stderr)


def check_reports(root: Path, expected_exit: int = 0) -> None:
    """A deal that validated must also summarize, in every format, safely and without error."""
    runner = CliRunner()
    for output_format in ("json", "table", "csv", "tsv", "markdown"):
        args = ["summarize", "--ledger", str(root), "--format", output_format]
        result = runner.invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"summarize -f {output_format} raised {result.exception!r}"
        )
        assert result.exit_code == expected_exit, (output_format, result.output)
        if output_format == "json":
            json.loads(result.stdout)
        else:
            assert_safe_for_terminal(result.stdout.replace("\r\n", "\n").replace("\t", " "))


def check_settings_invariants(root: Path, data: bytes, deal: bytes) -> CheckOutcome:
    """`data` as dealledger.toml next to one deal file: the same promises as for deals."""
    make_ledger(root)
    (root / "dealledger.toml").write_bytes(data)
    return check_invariants(root, deal, "deal.toml")


def assert_safe_for_terminal(text: str) -> None:
    """No ESC, no other C0/C1 control except newline, no bidi control in `text`."""
    for char in text:
        code = ord(char)
        bad = (
            (code < 0x20 and char not in "\n")
            or 0x7F <= code <= 0x9F
            or char in "\u061c\u200e\u200f\u2028\u2029"
            or 0x202A <= code <= 0x202E
            or 0x2066 <= code <= 0x2069
        )
        assert not bad, f"unsafe character U+{code:04X} in output: {text!r}"


# --- writers -----------------------------------------------------------------------------


def dealledger_command(*args: str) -> list[str]:
    """The command line that runs dealledger in a subprocess, through the real entry point."""
    return [sys.executable, "-m", "dealledger", *args]


def run_cli_subprocess(
    args: Sequence[str], cwd: Path, *, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `python -m dealledger ARGS` the way a user would."""
    return subprocess.run(
        dealledger_command(*args),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_kill_safe(
    command: Sequence[str],
    cwd: Path,
    target: Path,
    *,
    is_complete: Callable[[bytes], bool],
    kill_points: int = 12,
    max_delay: float = 0.6,
) -> None:
    """Kill the writer `command` at `kill_points` moments; the target must never be torn.

    Before each run the target is reset to its original bytes (or removed, if it did not
    exist). After each kill it must hold the original bytes, or bytes that `is_complete`
    accepts (the writer finished before the kill), or not exist if it did not exist before.
    No stray `*.toml` temporary file may be left next to it, where a later `check` would read
    it as a deal. Example for `fmt`:

        assert_kill_safe(dealledger_command("fmt", "deals/x.toml"), tmp_path,
                         tmp_path / "deals/x.toml",
                         is_complete=lambda data: tomllib.loads(data.decode()) == expected)
    """
    original = target.read_bytes() if target.exists() else None
    before = set(target.parent.iterdir())
    for point in range(kill_points):
        if original is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(original)
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Spread the kills from "before start-up finished" to "after the write".
        deadline = time.monotonic() + max_delay * point / max(kill_points - 1, 1)
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.002)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        if not target.exists():
            assert original is None, f"kill point {point}: the original file vanished"
        else:
            now = target.read_bytes()
            assert now == original or is_complete(now), (
                f"kill point {point}: torn file ({len(now)} bytes): {now[:200]!r}"
            )
        strays = [
            path
            for path in set(target.parent.iterdir()) - before
            if path != target and path.name.endswith(".toml")
        ]
        assert not strays, f"kill point {point}: temporary .toml files left behind: {strays}"


def assert_concurrent_writers_keep_updates(
    commands: Sequence[Sequence[str]],
    cwd: Path,
    *,
    all_applied: Callable[[], bool],
    workers: int = 4,
) -> None:
    """Run writer commands at once; afterwards every update must be present.

    Each command runs as its own process; `all_applied` inspects the files afterwards and
    returns True only when no command's update was lost (e.g. every `record` in the file).
    """
    env = dict(os.environ)

    def run_one(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(command),
            cwd=cwd,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(run_one, commands))
    for result in results:
        assert "Traceback" not in result.stderr, result.stderr
    assert all_applied(), [result.stderr for result in results]
