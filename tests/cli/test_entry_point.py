"""`python -m dealledger` ends with the run's own exit code, whatever Python does at exit.

Each test runs a small `python -m` module that swaps part of the CLI for a stand-in and then
calls `dealledger.__main__.main`, because the defects live in how CPython ends a `-m` run,
which no in-process runner goes through."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _run_module(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "entry_probe.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "entry_probe"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_ctrl_c_that_left_a_string_exec_still_exits_130(tmp_path: Path) -> None:
    """`dataclasses` builds methods with `exec(str)`; a Ctrl-C landing there is caught by the
    CLI (exit 130), but CPython marks it unhandled and, under `-m`, would end the process by
    SIGINT instead (returncode -2: fuzz/signals.py and CI saw it)."""
    result = _run_module(
        tmp_path,
        """
        import dealledger.cli
        from dealledger.__main__ import main

        def interrupted_while_building_a_class(**_options):
            exec("raise KeyboardInterrupt", {})

        dealledger.cli.app = interrupted_while_building_a_class
        main()
        """,
    )
    assert (result.returncode, result.stderr) == (130, "dealledger: interrupted\n")


def test_a_signal_as_the_run_ends_leaves_its_exit_code(tmp_path: Path) -> None:
    """A signal handled while the handlers are being switched off at the end (here: the
    first switch raises, as `signal.signal` does when one has just arrived) is dropped: the
    finished run keeps its code, with no traceback."""
    result = _run_module(
        tmp_path,
        """
        import _signal
        import dealledger.cli
        from dealledger.__main__ import main

        real_signal = _signal.signal
        arrived = []

        def signal_just_arrived(number, handler):
            if handler == _signal.SIG_IGN and not arrived:
                arrived.append(number)
                raise KeyboardInterrupt
            return real_signal(number, handler)

        def finished(**_options):
            _signal.signal = signal_just_arrived

        dealledger.cli.app = finished
        main()
        """,
    )
    assert (result.returncode, result.stderr) == (0, "")
