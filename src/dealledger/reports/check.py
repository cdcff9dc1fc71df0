"""The `check --format json` document (spec: "Machine-readable output")."""

from __future__ import annotations

from typing import Any

from ..domain.problems import Problem
from ..ledger import Ledger


def problem_record(problem: Problem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity.value,
        "code": problem.code,
        "message": problem.message,
        "deal": problem.deal,
        "end_line": problem.end_line,
        "end_column": problem.end_column,
    }


def check_record(ledger: Ledger) -> dict[str, Any]:
    return {
        "files": ledger.files,
        "deals": len(ledger.entries),
        "errors": ledger.errors,
        "warnings": ledger.warnings,
        "problems": [problem_record(problem) for problem in ledger.problems],
    }
