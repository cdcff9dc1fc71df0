"""Fixtures every test folder shares, built from tests/builders.py.

A test that needs one of the usual ledgers asks for it by name; one that needs its own deal
files imports the builders (`minimal_deal`, `write_deal`, `make_ledger`) and writes them into
`tmp_path`. Test folders follow the pipeline stages of src/dealledger; see CONTRIBUTING.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import reports_fixture
from builders import copy_bundled_ledger, make_ledger, minimal_deal


@pytest.fixture
def minimal_ledger(tmp_path: Path) -> Path:
    """A ledger holding one valid deal, `example`, at deals/example.toml; no settings."""
    return make_ledger(tmp_path, [minimal_deal()])


@pytest.fixture
def reports_ledger(tmp_path: Path) -> Path:
    """The multi-currency ledger of tests/reports_fixture.py, at tmp_path/ledger."""
    return reports_fixture.write_ledger(tmp_path / "ledger")


@pytest.fixture
def bundled_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's ledger in tmp_path, the working folder, found by discovery.

    DEALLEDGER_LEDGER and DEALLEDGER_FORMAT are cleared so the developer's own settings
    cannot change what a command finds or prints.
    """
    copy_bundled_ledger(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALLEDGER_LEDGER", raising=False)
    monkeypatch.delenv("DEALLEDGER_FORMAT", raising=False)
    return tmp_path


@pytest.fixture(autouse=True, scope="session")
def _user_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A ledger whose own folder cannot hold the cache falls back to the user's cache folder:
    point that at a temporary one, so no test writes into the developer's home."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous
