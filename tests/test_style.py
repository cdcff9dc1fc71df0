"""The code base stays ruff clean: lint and format are part of the suite, not a separate step."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from builders import REPO

ruff = shutil.which("ruff")


@pytest.mark.skipif(ruff is None, reason="ruff is installed by the [test] extra")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff(command: list[str]) -> None:
    assert ruff is not None
    folders = [name for name in ("src", "tests", "benchmarks", "fuzz") if (REPO / name).is_dir()]
    result = subprocess.run(
        [ruff, *command, *folders],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
