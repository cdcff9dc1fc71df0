"""Editor support: the `#:schema` header and the taplo config, against the bundled ledger."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import REPO
from dealledger.cli import app
from dealledger.domain.models import Deal, Settings

TAPLO_EXAMPLE = REPO / "docs" / "editor" / "taplo.toml"
HEADER = "#:schema ./deal.schema.json\n"


def write_schemas(root: Path) -> None:
    """`dealledger schema` where that command exists; else the same models' own schema."""
    runner = CliRunner()
    for name, args, model in (
        ("deal.schema.json", ["schema"], Deal),
        ("settings.schema.json", ["schema", "--settings"], Settings),
    ):
        result = runner.invoke(app, args)
        if result.exit_code == 0 and result.stdout.lstrip().startswith("{"):
            text = result.stdout
        else:
            text = json.dumps(model.model_json_schema(by_alias=True), indent=1)
        (root / name).write_text(text, encoding="utf-8")


def test_schema_header_is_a_comment_to_dealledger(bundled_ledger: Path) -> None:
    files = sorted((bundled_ledger / "deals").rglob("*.toml"))
    for path in files:
        path.write_text(HEADER + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 0, result.stdout
    assert result.stdout == f"No problems in {len(files)} files.\n"
    # Positions still count the header line.
    target = bundled_ledger / "deals" / "2024" / "azn-cspc-2024-ys2302018.toml"
    text = target.read_text(encoding="utf-8").replace('kind = "license"', 'kind = "licence"')
    target.write_text(text, encoding="utf-8")
    line = text.splitlines().index('kind = "licence"') + 1
    result = CliRunner().invoke(app, ["check", "--format", "json", str(target)])
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["code"], problem["line"]) == ("DL104", line)


def test_taplo_example_covers_the_ledger() -> None:
    config = tomllib.loads(TAPLO_EXAMPLE.read_text(encoding="utf-8"))
    rules = {rule["schema"]["path"]: rule["include"] for rule in config["rule"]}
    assert rules == {
        "./deal.schema.json": ["deals/**/*.toml"],
        "./settings.schema.json": ["dealledger.toml"],
    }
    matched = {p for pattern in rules["./deal.schema.json"] for p in REPO.glob(pattern)}
    assert matched == set((REPO / "deals").rglob("*.toml"))
    assert len(matched) == 5


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("taplo") is None, reason="taplo is not installed")
def test_taplo_validates_the_bundled_ledger(bundled_ledger: Path) -> None:
    write_schemas(bundled_ledger)
    shutil.copy(TAPLO_EXAMPLE, bundled_ledger / ".taplo.toml")
    clean = subprocess.run(["taplo", "check"], cwd=bundled_ledger, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr
    target = bundled_ledger / "deals" / "2025" / "azn-cspc-2025-ai-research.toml"
    text = target.read_text(encoding="utf-8").replace('kind = "collaboration"', 'kind = "merger"')
    target.write_text(text, encoding="utf-8")
    broken = subprocess.run(["taplo", "check"], cwd=bundled_ledger, capture_output=True, text=True)
    assert broken.returncode != 0
    assert "merger" in broken.stderr
