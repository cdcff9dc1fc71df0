"""Where the cache lives: in the ledger where it can be written, else in the user's cache
folder, else nowhere (and `--verbose` says so) — a read-only checkout still works."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builders import make_ledger, minimal_deal
from check_runs import run
from dealledger.ledger import cache as cache_module


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DEALLEDGER_CACHE_DIR", raising=False)
    monkeypatch.delenv("DEALLEDGER_VERBOSE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return make_ledger(tmp_path / "ledger", {"a.toml": minimal_deal("a")})


def _read_only(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """The ledger's folder as a read-only checkout shows it (root may write anywhere, so
    the permission check itself is what is made to say no)."""
    real_access = os.access

    def access(path: os.PathLike[str] | str, mode: int) -> bool:
        if Path(path) in (root, root / ".dealledger-cache") and mode & os.W_OK:
            return False
        return real_access(path, mode)

    monkeypatch.setattr(cache_module.os, "access", access)


def test_a_writable_ledger_keeps_its_cache_inside(ledger: Path) -> None:
    assert run("check", "--ledger", str(ledger)).exit_code == 0
    assert (ledger / ".dealledger-cache" / "cache.sqlite3").is_file()
    assert (ledger / ".dealledger-cache" / ".gitignore").read_text().endswith("*\n")


def test_a_read_only_ledger_uses_the_user_cache_and_writes_nothing_there(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _read_only(monkeypatch, ledger)
    before = sorted(p.relative_to(ledger) for p in ledger.rglob("*"))
    for _ in range(2):  # cold, then warm from the user's cache
        result = run("check", "--ledger", str(ledger))
        assert result.exit_code == 0, result.output
        assert result.stdout == "No problems in 1 file.\n"
    assert sorted(p.relative_to(ledger) for p in ledger.rglob("*")) == before
    (folder,) = (tmp_path / "user-cache" / "dealledger").iterdir()
    assert (folder / "cache.sqlite3").is_file()
    assert (folder / ".gitignore").is_file()


def test_no_usable_cache_runs_without_one_and_verbose_says_so(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _read_only(monkeypatch, ledger)
    (tmp_path / "user-cache").write_text("a file where the folder would be")
    quiet = run("check", "--ledger", str(ledger))
    assert quiet.exit_code == 0 and quiet.stderr == ""
    told = run("--verbose", "check", "--ledger", str(ledger))
    assert told.exit_code == 0
    assert told.stderr.count("running without a cache") == 1
    assert not (ledger / ".dealledger-cache").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_really_read_only_folder(ledger: Path, tmp_path: Path) -> None:
    ledger.chmod(0o555)
    try:
        assert run("check", "--ledger", str(ledger)).exit_code == 0
        assert not (ledger / ".dealledger-cache").exists()
    finally:
        ledger.chmod(0o755)
