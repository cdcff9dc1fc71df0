"""SIGINT and SIGTERM at random moments of a cold run: the harness of
tests/hostile/test_signals.py (a handful of seeded runs) and fuzz/signals.py (50 in a row).

One run: a command started in a subprocess on a generated ledger with no cache, the signal
sent after a random delay. It must end with 130 (SIGINT) or 143 (SIGTERM), or have finished
first with 0 or 1, or (silently) have died of the signal before the interpreter set up its
handlers; print no traceback and no "Exception ignored"; leave no temporary file
(`.*.tmp`, `*-journal`) in the ledger or the output folder; and leave the cache usable: the
next cached run succeeds and prints what a `--no-cache` run prints.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}

# Commands that read the whole ledger (and so fill the cache), and writers of outputs and
# deal files; OUT is the output folder.
OUT = "<out>"
COMMANDS: list[list[str]] = [
    ["check"],
    ["check", "--format", "sarif"],
    ["summarize", "--format", "json"],
    ["summarize"],
    ["totals"],
    ["timeline", "--format", "csv"],
    ["value", "--format", "json"],
    ["export", "--format", "sqlite", "--output", f"{OUT}/ledger.sqlite"],
    ["export", "--format", "csv", "--output", f"{OUT}/csv", "--force"],
    ["report", "--output", f"{OUT}/report.html"],
    ["calendar", "--output", f"{OUT}/deals.ics"],
    ["fmt"],
]
COLD_SECONDS = 2.0  # about the length of a cold run of 2,000 deals; delays spread past it
# Before this, the interpreter itself may still be starting (more so on a loaded machine), a
# window no code of dealledger runs in; tests/hostile/test_signals.py covers the import of the
# CLI that follows on its own.
EARLIEST = 0.25


def generated_ledger(folder: Path, deals: int = 2000) -> Path:
    """A benchmark ledger (benchmarks/generate.py), made once per folder."""
    if not (folder / "deals").is_dir():
        subprocess.run(
            [sys.executable, REPO / "benchmarks" / "generate.py", folder, "--deals", str(deals)],
            check=True,
            capture_output=True,
        )
    return folder


def _command(args: list[str], out: Path) -> list[str]:
    return [sys.executable, "-m", "dealledger", *(arg.replace(OUT, str(out)) for arg in args)]


def _default_signals() -> None:
    """A child of a background process may inherit an ignored SIGINT: take it back."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@dataclass(frozen=True)
class SignalRun:
    command: list[str]
    signal_name: str
    delay: float
    exit_code: int
    failures: tuple[str, ...]


def interrupt_once(source: Path, work: Path, rng: random.Random) -> SignalRun:
    """One cold run of a random command on a copy of `source`, stopped by a random signal."""
    root, out = work / "ledger", work / "out"
    for folder in (root, out):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".dealledger-cache"))
    out.mkdir()
    args = rng.choice(COMMANDS)
    sent = rng.choice([signal.SIGINT, signal.SIGTERM])
    delay = rng.uniform(EARLIEST, COLD_SECONDS)
    process = subprocess.Popen(
        _command(args, out),
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_signals,
    )
    time.sleep(delay)
    process.send_signal(sent)
    _, stderr = process.communicate(timeout=60)
    failures = []
    killed_at_start = process.returncode == -sent and not stderr  # before Python's handlers
    if process.returncode not in (EXIT_CODES[sent], 0, 1) and not killed_at_start:
        failures.append(f"exit {process.returncode}, not {EXIT_CODES[sent]}")
    for marker in ("Traceback", "Exception ignored", "internal error"):
        if marker in stderr:
            failures.append(f"{marker!r} on stderr: {stderr[-800:]}")
    for folder in (root, out):
        for path in folder.rglob("*"):
            if path.name.endswith((".tmp", "-journal")):
                failures.append(f"left behind: {path.relative_to(work)}")
    failures += _cache_usable(root)
    return SignalRun(args, sent.name, delay, process.returncode, tuple(failures))


def _cache_usable(root: Path) -> list[str]:
    """The next cached run succeeds and agrees with a run that does not use the cache."""
    runs = [
        subprocess.run(
            [sys.executable, "-m", "dealledger", "check", "--format", "json", *extra],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for extra in ([], ["--no-cache"])
    ]
    cached, uncached = runs
    if cached.returncode not in (0, 1) or "Traceback" in cached.stderr:
        return [f"the next run failed: exit {cached.returncode}: {cached.stderr[-800:]}"]
    if (cached.returncode, cached.stdout) != (uncached.returncode, uncached.stdout):
        return ["the cached run differs from --no-cache"]
    return []
