"""dealledger.toml as an adversary: long and looping registry chains stay linear."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import REPO
from dealledger.cli import app
from dealledger.domain.models import RegistryParty
from dealledger.domain.registry import Registry

runner = CliRunner()
DEAL = (REPO / "deals").rglob("*.toml")


def brute_force_cycles(registry: Registry, names: list[str]) -> list[str]:
    """The obvious quadratic definition, to check the linear one against."""
    looping = []
    for name in names:
        seen = {name}
        current = registry.parent_of(name)
        while current is not None:
            if current in seen:
                looping.append(name)
                break
            seen.add(current)
            current = registry.parent_of(current)
    return looping


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(0, 12), st.integers(0, 14), max_size=13))
def test_linear_cycle_finding_matches_the_definition(parents: dict[int, int]) -> None:
    entries = {f"P{child}": RegistryParty(parent=f"P{parent}") for child, parent in parents.items()}
    entries.update({f"Q{index}": RegistryParty() for index in range(2)})
    registry = Registry(entries)
    assert registry.cycles() == brute_force_cycles(registry, list(entries))


def test_long_parent_chain_is_checked_quickly(tmp_path: Path) -> None:
    (tmp_path / "deals").mkdir()
    deal = next(iter(DEAL))
    (tmp_path / "deals" / deal.name).write_bytes(deal.read_bytes())
    chain = "".join(f'[parties."P{index}"]\nparent = "P{index + 1}"\n' for index in range(20_000))
    loop = '[parties."P20000"]\nparent = "P0"\n'
    (tmp_path / "dealledger.toml").write_text(chain + loop, encoding="utf-8")
    result = runner.invoke(app, ["check", "--ledger", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1  # the loop is a DL401 error; before, this took minutes
    assert '"DL401"' in result.stdout
