"""A command run in-process leaves no cache database open: a long-lived process (an editor
integration, the fuzz harness, this test suite) may run thousands of them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import make_ledger, minimal_deal
from dealledger.cli import app
from dealledger.ledger import close_caches, load_ledger
from dealledger.ledger.cache import Cache

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")


def open_databases() -> int:
    count = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            count += "cache.sqlite3" in os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
    return count


def test_commands_close_the_cache_when_they_end(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", [minimal_deal("a"), minimal_deal("b")])
    before = open_databases()
    for args in (["summarize"], ["value"], ["timeline"], ["check"], ["show", "a"]):
        result = CliRunner().invoke(app, [*args, "--ledger", str(root)])
        assert result.exit_code == 0, result.output
    assert open_databases() == before


def test_a_ledger_keeps_its_cache_until_closed(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", [minimal_deal("a")])
    before = open_databases()
    ledger = load_ledger(root, cache=True)
    assert open_databases() > before
    assert ledger.entries[0].deal.id == "a"
    close_caches()
    assert open_databases() == before
    # a closed cache reads as empty, never as damaged: the deal comes from its file again
    again = load_ledger(root, cache=True)
    assert [entry.deal_id for entry in again.entries] == ["a"]
    assert (root / ".dealledger-cache" / "cache.sqlite3").is_file()
    close_caches()


def test_a_cache_that_goes_closes_its_database(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", [minimal_deal("a")])
    before = open_databases()
    cache = Cache.for_ledger(root)
    assert cache is not None and open_databases() > before
    del cache
    assert open_databases() == before
