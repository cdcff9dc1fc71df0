"""pre-commit hooks: only the changed files are named, the whole ledger is still seen."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from builders import REPO
from dealledger.cli import app
from dealledger.ledger.ledger import load_ledger
from dealledger.load.discover import expand_paths

HOOKS = REPO / ".pre-commit-hooks.yaml"
TARGET = "deals/2025/azn-cspc-2025-ai-research.toml"


def hooks() -> dict[str, dict[str, str]]:
    """The hook file read with a tiny parser: the suite does not depend on PyYAML."""
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in HOOKS.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(- |  )(\w+): (.*)$", line)
        if not match:
            continue
        if match[1] == "- ":
            current = {}
            found[match[3]] = current
        current[match[2]] = match[3].strip('"')
    return found


def test_hook_definitions() -> None:
    defined = hooks()
    assert set(defined) == {"dealledger-check", "dealledger-fmt"}
    for hook in defined.values():
        assert hook["pass_filenames"] == "true"
        assert hook["language"] == "python"
        # Only the ledger's deal files (at any depth of the repository), never other TOML.
        for path in (TARGET, f"ledger/{TARGET}"):
            assert re.search(hook["files"], path)
        for path in ("pyproject.toml", "ruff.toml", "config/deals.toml", "deals.toml"):
            assert not re.search(hook["files"], path), path
    assert re.search(defined["dealledger-check"]["files"], "dealledger.toml")
    assert not re.search(defined["dealledger-fmt"]["files"], "dealledger.toml")
    assert defined["dealledger-check"]["entry"] == "dealledger check"
    assert defined["dealledger-fmt"]["entry"] == "dealledger fmt"


def test_changed_file_alone_still_sees_duplicate_ids(bundled_ledger: Path) -> None:
    """A new file copying an existing id fails even though only it is passed."""
    copy = bundled_ledger / "deals" / "2026" / "copy.toml"
    shutil.copy(bundled_ledger / TARGET, copy)
    result = CliRunner().invoke(app, ["check", "--format", "json", "deals/2026/copy.toml"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["files"] == 1
    codes = {(p["path"], p["code"]) for p in document["problems"]}
    assert codes == {("deals/2026/copy.toml", "DL301")}


def test_changed_file_alone_resolves_related_ids_elsewhere(bundled_ledger: Path) -> None:
    """TARGET relates to a deal in another file, which pre-commit does not pass."""
    assert "related" in (bundled_ledger / TARGET).read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["check", TARGET])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip() == "No problems in 1 file."


def test_library_load_with_targets_sees_the_whole_ledger(bundled_ledger: Path) -> None:
    targets = expand_paths([TARGET], None)
    ledger = load_ledger(bundled_ledger, targets)
    assert ledger.files == 1
    assert [entry.deal.id for entry in ledger.entries] == ["azn-cspc-2025-ai-research"]
    assert len(ledger.all_entries) == 5


def test_settings_file_passed_by_pre_commit_checks_the_settings(bundled_ledger: Path) -> None:
    settings = bundled_ledger / "dealledger.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + '\n[parties."Loop A"]\nparent = "Loop B"\n[parties."Loop B"]\nparent = "Loop A"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check", "--format", "json", "dealledger.toml"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert {p["code"] for p in document["problems"]} == {"DL401"}
