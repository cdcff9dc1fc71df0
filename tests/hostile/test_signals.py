"""SIGINT and SIGTERM at random moments of cold runs exit 130/143 cleanly, leave no temporary
file and a usable cache (tests/signal_runs.py; fuzz/signals.py runs 50 in a row). A closed
pipe (SIGPIPE) is tests/cli/test_pipeline.py's."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from signal_runs import generated_ledger, interrupt_once

RUNS = 4


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_ledger(tmp_path_factory.mktemp("signals") / "ledger")


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(RUNS))
def test_a_signal_at_a_random_moment_ends_the_run_cleanly(
    seed: int, big_ledger: Path, tmp_path: Path
) -> None:
    run = interrupt_once(big_ledger, tmp_path, random.Random(seed))
    assert not run.failures, run


@pytest.mark.slow
@pytest.mark.parametrize(("sent", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_cli_is_imported_exits_quietly(sent: signal.Signals, code: int) -> None:
    """No import traceback, the shell's exit code. `-X importtime` reports each import as it
    ends: once one of Typer's is reported, `__main__` runs and the CLI is being imported."""
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "dealledger", "--version"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stderr is not None
    for line in process.stderr:
        if "| typer." in line:  # the first of Typer's modules, long before the last
            process.send_signal(sent)
            break
    rest = process.stderr.read()
    process.wait(timeout=30)
    assert process.returncode == code, rest
    assert "Traceback" not in rest
