"""Property tests: valid deals round-trip exactly; mutated ones never break `check`.

The long-run version of the mutation test is fuzz/fuzz_check.py (see docs/security.md).
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import DATA, REPO
from deal_strategies import deal_data, model_to_toml_data, mutate
from dealledger.domain.figures import deal_figures
from dealledger.domain.fx import FxTable
from dealledger.domain.models import Deal
from dealledger.rules.deal_file import load_deal_file
from hostile_helpers import check_invariants, check_settings_invariants

REGRESSIONS = sorted((DATA / "fuzz-regressions").glob("*.toml"))
FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def load(folder: Path, data: dict, name: str = "deal.toml") -> Deal:
    path = folder / name
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    deal_file = load_deal_file(path, name)
    assert deal_file.problems == (), deal_file.problems
    assert deal_file.deal is not None
    return deal_file.deal


@pytest.mark.slow
@FAST
@given(deal_data())
def test_valid_deals_round_trip_with_the_same_figures(data: dict) -> None:
    fx = FxTable(())
    with tempfile.TemporaryDirectory() as folder:
        first = load(Path(folder), data)
        assert first == Deal.model_validate(data)
        again = load(Path(folder), model_to_toml_data(first), "again.toml")
    assert again == first
    assert deal_figures(again, fx) == deal_figures(first, fx)


@pytest.mark.slow
@FAST
@given(deal_data(), st.randoms(use_true_random=False))
def test_mutated_deals_never_break_check(data: dict, rng: random.Random) -> None:
    mutated = mutate(tomli_w.dumps(data).encode(), rng, rounds=rng.randint(1, 6))
    with tempfile.TemporaryDirectory() as folder:
        check_invariants(Path(folder), mutated)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_break_check(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_invariants(Path(folder), data)


@pytest.mark.parametrize("path", REGRESSIONS, ids=[path.name for path in REGRESSIONS])
def test_inputs_the_fuzzer_once_broke(path: Path, tmp_path: Path) -> None:
    check_invariants(tmp_path, path.read_bytes())


SETTINGS = (REPO / "dealledger.toml").read_bytes()
BUNDLED_DEAL = next(iter(sorted((REPO / "deals").rglob("*.toml"))))


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_mutated_settings_never_break_check(rng: random.Random) -> None:
    mutated = mutate(SETTINGS, rng, rounds=rng.randint(1, 6))
    with tempfile.TemporaryDirectory() as folder:
        check_settings_invariants(Path(folder), mutated, BUNDLED_DEAL.read_bytes())
