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
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from builders import make_ledger
from dealledger.cli import app

CHECK_KEYS = {"files", "deals", "errors", "warnings", "problems"}
PROBLEM_KEYS = {
    *("path", "line", "column", "severity", "code", "message", "deal"),
    *("end_line", "end_column"),
}


@dataclass(frozen=True)
class CheckOutcome:
    exit_code: int
    document: dict
    stderr: str


def check_invariants(root: Path, data: bytes, name: str = "fuzzed.toml") -> CheckOutcome:
    """Write `data` as a deal file and assert `check --format json` behaves on it."""
    make_ledger(root, {name: data})
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
    make_ledger(root, settings=data)
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


Snapshot = bytes | dict[str, bytes] | None


def snapshot(target: Path) -> Snapshot:
    """The target's content: bytes for a file, {relative path: bytes} for a folder, or None."""
    if target.is_dir():
        return {
            path.relative_to(target).as_posix(): path.read_bytes()
            for path in sorted(target.rglob("*"))
            if path.is_file()
        }
    return target.read_bytes() if target.exists() else None


def restore(target: Path, content: Snapshot) -> None:
    """Put the target back exactly as `snapshot` saw it."""
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    elif isinstance(content, dict):
        target.mkdir()
        for name, data in content.items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(data)


def _state(folder: Path, target: Path) -> tuple[frozenset[str], tuple[int, int, int] | None]:
    """What a watcher can see change when a writer starts writing: names and the target's stat."""
    try:
        names = frozenset(os.listdir(folder))
    except OSError:
        names = frozenset()
    try:
        info = target.stat()
    except OSError:
        return names, None
    return names, (info.st_ino, info.st_size, info.st_mtime_ns)


def _visible_deal_files(folder: Path) -> set[Path]:
    """What `dealledger check FOLDER` would read as deal files there (strays included)."""
    from dealledger.load.discover import deal_files

    return {found.path for found in deal_files(folder, "")} if folder.is_dir() else set()


@dataclass
class KillReport:
    """How the kills landed: a test can assert that some really hit the write."""

    spins: int = 0  # busy-wait iterations the unkilled reference run took
    kept_original: int = 0
    complete: int = 0
    during_write: int = 0  # kills sent after the writer had visibly started writing
    interrupted: int = 0  # of those, kills that left the original: caught before the rename
    outcomes: list[str] = field(default_factory=list)
    reference: Snapshot = None  # what the unkilled run left in the target


def assert_kill_safe(
    command: Sequence[str],
    cwd: Path,
    target: Path,
    *,
    is_complete: Callable[[Any], bool] | None = None,
    kill_points: int = 12,
    max_delay: float | None = None,
    env: dict[str, str] | None = None,
) -> KillReport:
    """Kill the writer `command` at `kill_points` moments; the target must never be torn.

    Sleep-free and deterministic in its schedule: a reference run to completion is measured in
    busy-wait iterations of `proc.poll()`; half the kills land at fixed fractions of that
    count, the other half are aimed at the write itself: the watcher waits until the writer
    visibly starts writing (a new name in the target's folder, or the target's inode, size or
    mtime changing), then spins 0, 1, 4, 16… more iterations and sends SIGKILL.

    Before each run the target is reset to its original content (or removed, if it did not
    exist). After each kill it must hold the original content, or content that `is_complete`
    accepts (bytes for a file, {relative path: bytes} for a folder), or not exist if it did
    not exist before. Nothing left behind may be read as a deal file by `dealledger check`
    (a stray `*.toml`); leftovers are removed before the next run. `max_delay` is accepted
    for older callers and ignored. Without `is_complete`, only exactly what the unkilled
    reference run wrote counts as complete (it is in the returned report, for the caller to
    validate further). Example for `fmt`:

        assert_kill_safe(dealledger_command("fmt", "deals/x.toml"), tmp_path,
                         tmp_path / "deals/x.toml",
                         is_complete=lambda data: tomllib.loads(data.decode()) == expected)
    """
    del max_delay
    folder = target.parent
    original = snapshot(target)
    before_names = set(os.listdir(folder))
    before_deals = _visible_deal_files(folder) - {target}
    report = KillReport()

    def start() -> tuple[subprocess.Popen[bytes], tuple[frozenset[str], object]]:
        restore(target, original)
        initial = _state(folder, target)
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return process, initial

    def clean_up() -> None:
        for name in set(os.listdir(folder)) - before_names - {target.name}:
            stray = folder / name
            if stray.is_dir() and not stray.is_symlink():
                shutil.rmtree(stray)
            else:
                stray.unlink(missing_ok=True)

    # The reference run: not killed, counted, and its result must be complete.
    process, initial = start()
    while process.poll() is None:
        _state(folder, target)  # the same work per iteration as the kill runs do
        os.sched_yield()  # not a sleep: lets the writer run on a busy machine
        report.spins += 1
    assert process.returncode == 0 or snapshot(target) == original, (
        f"the unkilled writer failed (exit {process.returncode}) and changed the target"
    )
    finished = snapshot(target)
    report.reference = finished
    if is_complete is None:
        is_complete = finished.__eq__
    assert finished == original or is_complete(finished), "is_complete rejects the real result"
    clean_up()

    aimed = kill_points // 2
    spread = kill_points - aimed
    schedule: list[tuple[str, int]] = [
        ("fraction", report.spins * index // max(spread, 1)) for index in range(spread)
    ]
    schedule += [("after-write-began", 4**index // 4) for index in range(aimed)]
    for point, (kind, spins) in enumerate(schedule):
        process, initial = start()
        began = False
        count = 0
        while process.poll() is None:
            os.sched_yield()
            if kind == "fraction":
                _state(folder, target)
                if count >= spins:
                    break
            elif not began:
                began = _state(folder, target) != initial
                if not began:
                    continue
            elif count >= spins:
                break
            count += 1
        killed_writing = False
        if process.poll() is None:
            killed_writing = began or _state(folder, target) != initial
            process.send_signal(signal.SIGKILL)
            report.during_write += killed_writing
        process.wait()
        now = snapshot(target)
        report.interrupted += killed_writing and now == original
        if now is None:
            assert original is None, f"kill point {point} ({kind}): the original vanished"
            report.kept_original += 1
            report.outcomes.append("absent")
        elif now == original:
            report.kept_original += 1
            report.outcomes.append("original")
        else:
            assert is_complete(now), f"kill point {point} ({kind}): torn file: {_short(now)}"
            report.complete += 1
            report.outcomes.append("complete")
        strays = {
            path
            for path in _visible_deal_files(folder) - before_deals
            if path != target and target not in path.parents
        }
        strays |= {
            folder / name
            for name in set(os.listdir(folder)) - before_names - {target.name}
            if name.endswith(".toml")
        }
        assert not strays, f"kill point {point}: temporary .toml files left behind: {strays}"
        clean_up()
    return report


def _short(content: Snapshot) -> str:
    if isinstance(content, bytes):
        return f"({len(content)} bytes) {content[:200]!r}"
    return repr(sorted(content or {}))[:300]


def assert_concurrent_writers_keep_updates(
    commands: Sequence[Sequence[str]],
    cwd: Path,
    *,
    all_applied: Callable[[], bool],
    workers: int = 4,
) -> list[subprocess.CompletedProcess[str]]:
    """Run writer commands at once; afterwards every update must be present.

    Each command runs as its own process; `all_applied` inspects the files afterwards and
    returns True only when no command's update was lost (e.g. every `record` in the file).
    Returns the finished processes, for tests that count who succeeded.
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
    return results


# `dealledger new` arguments that create one valid deal, for the writer-safety harnesses.
NEW_DEAL = [
    "new",
    "--no-input",
    "--id",
    "acme-beta-2025-widget",
    "--title",
    "Acme licence of the widget",
    "--kind",
    "license",
    "--announced",
    "2025-01-02",
    "--currency",
    "USD",
    "--party",
    "Acme Inc:licensor",
    "--party",
    "Beta Corp:licensee",
    "--upfront",
    "10M",
]
