"""`dealledger init` and the package data it copies."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import REPO
from dealledger.authoring import init_ledger as ledger_init
from dealledger.cli import app
from dealledger.load.discover import UsageError


def test_init_copies_the_example_and_it_checks_clean(tmp_path: Path) -> None:
    target = tmp_path / "new-ledger"
    result = CliRunner().invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert "5 deal files" in result.stdout
    copied = sorted(p.relative_to(target) for p in target.rglob("*.toml"))
    original = sorted(p.relative_to(REPO) for p in (REPO / "deals").rglob("*.toml"))
    assert copied == sorted([*original, Path("dealledger.toml")])
    for path in original:
        assert (target / path).read_bytes() == (REPO / path).read_bytes()
    check = CliRunner().invoke(app, ["check", "--ledger", str(target)])
    assert check.exit_code == 0
    assert check.stdout == "No problems in 5 files.\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dealledger-init-")]


def test_init_into_an_existing_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", "--empty", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "deals").is_dir()
    assert not list((tmp_path / "deals").iterdir())
    assert tomllib.loads((tmp_path / "dealledger.toml").read_text())["currency"] == "USD"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dealledger.toml", "deals", "notes.txt"]
    check = CliRunner().invoke(app, ["check", "--ledger", str(tmp_path)])
    assert check.exit_code == 0


@pytest.mark.parametrize("existing", ["deals", "dealledger.toml"])
def test_init_never_overwrites(tmp_path: Path, existing: str) -> None:
    if existing == "deals":
        (tmp_path / "deals").mkdir()
    else:
        (tmp_path / "dealledger.toml").write_text("currency = 'EUR'\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert "never overwrites" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_init_onto_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(target)])
    assert result.exit_code == 2
    assert "not a folder" in result.stderr


def test_packaged_example_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a wheel the example sits at dealledger/example (pyproject force-include)."""
    package = tmp_path / "site" / "dealledger"
    shutil.copytree(REPO / "deals", package / "example" / "deals")
    shutil.copy(REPO / "dealledger.toml", package / "example" / "dealledger.toml")
    monkeypatch.setattr(ledger_init.resources, "files", lambda name: package)
    assert ledger_init.example_root() == package / "example"


def test_missing_example_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_init.resources, "files", lambda name: tmp_path)
    monkeypatch.setattr(ledger_init, "__file__", str(tmp_path / "a" / "b" / "ledger_init.py"))
    with pytest.raises(UsageError, match="--empty"):
        ledger_init.example_root()


def test_wheel_force_includes_the_example() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    force = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force == {
        "deals": "dealledger/example/deals",
        "dealledger.toml": "dealledger/example/dealledger.toml",
    }
