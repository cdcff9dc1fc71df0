"""`dealledger` runs through the CLI, and where a problem should be: for assertions.

Tests locate each problem by the file's resolved path and by the line of a distinctive piece
of text (`line_of`), so that editing a fixture cannot silently move an expected line number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dealledger.cli import app


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s) in the fixture")


def column_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based column where `needle` starts on the line `line_of` finds."""
    line = text.splitlines()[line_of(text, needle, occurrence) - 1]
    return line.index(needle) + 1


def identity(path: Path) -> Path:
    """The resolved path; a symlink loop (RuntimeError on Python 3.11) stands for itself."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


@dataclass
class Checked:
    """One `dealledger check --format json` run."""

    exit_code: int
    stdout: str
    stderr: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def problems(self) -> list[dict[str, Any]]:
        return list(self.data.get("problems", []))

    def at(self, path: Path, code: str | None = None) -> list[dict[str, Any]]:
        """Problems reported for `path` (any spelling of it), optionally of one code."""
        wanted = identity(path)
        return [
            problem
            for problem in self.problems
            if identity(Path(problem["path"])) == wanted and code in (None, problem["code"])
        ]

    def one(self, path: Path, code: str) -> dict[str, Any]:
        """The single problem of `code` for `path`; fails listing what was reported instead."""
        found = self.at(path, code)
        assert len(found) == 1, f"expected one {code} for {path.name}, got {self.problems}"
        return found[0]

    def codes(self, path: Path) -> list[str]:
        return sorted(problem["code"] for problem in self.at(path))


def run_cli(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=stdin)


def check(root: Path, *extra: str, stdin: str | None = None) -> Checked:
    """Run `check --ledger ROOT --format json`; asserts there was no crash and stdout is JSON."""
    result = run_cli("check", "--ledger", str(root), "--format", "json", *extra, stdin=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    data = json.loads(result.stdout) if result.stdout.strip() else {}
    return Checked(result.exit_code, result.stdout, result.stderr, data)


def run(*args: str, input: str | None = None) -> Any:
    """`dealledger ARGS` through CliRunner, stderr kept apart."""
    return CliRunner().invoke(app, list(args), input=input)


def check_json(root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    """`check --ledger ROOT --format json`: the exit code and the parsed document."""
    result = run("check", "--ledger", str(root), "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)
