"""Writes are all or nothing, keep the file's mode, and never lose a concurrent update."""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from builders import COMMENTED
from dealledger.authoring import safe_write as writing
from dealledger.authoring.record import record
from dealledger.authoring.safe_write import (
    WriteError,
    folder_lock,
    try_folder_lock,
    update_file,
    write_atomic,
)

DEAL = "acme-widget-2024"


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    (tmp_path / "deals").mkdir()
    shutil.copy(COMMENTED / "messy.toml", tmp_path / "deals" / "messy.toml")
    return tmp_path


def _writer(root: str, tranche: str, years: list[int], barrier) -> None:
    barrier.wait()
    for year in years:
        record(Path(root), DEAL, tranche, due=str(year))


@pytest.mark.slow
def test_two_concurrent_writers_both_updates_survive(ledger: Path) -> None:
    """Each process records ten `due` values on its own tranche of the same file at once.

    Without the lock, one process regularly reads the file before the other's rename and
    writes back its own copy, losing the other's latest change.
    """
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    first = context.Process(
        target=_writer, args=(str(ledger), "1", list(range(2030, 2040)), barrier)
    )
    second = context.Process(
        target=_writer, args=(str(ledger), "2", list(range(2040, 2050)), barrier)
    )
    first.start()
    second.start()
    first.join(60)
    second.join(60)
    assert first.exitcode == 0
    assert second.exitcode == 0
    data = tomllib.loads((ledger / "deals" / "messy.toml").read_text())
    assert data["tranches"][0]["due"] == "2039"
    assert data["tranches"][1]["due"] == "2049"
    assert not [p for p in (ledger / "deals").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_lock_excludes_another_process(ledger: Path) -> None:
    folder = ledger / "deals"
    probe = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path; "
        "from dealledger.authoring.safe_write import try_folder_lock;"
        "sys.exit(0 if try_folder_lock(Path(sys.argv[1])) else 7)",
        str(folder),
    ]
    with folder_lock(folder):
        assert subprocess.run(probe).returncode == 7
    assert subprocess.run(probe).returncode == 0
    assert try_folder_lock(folder)


def test_failed_rename_leaves_original_and_no_temp_file(ledger: Path, monkeypatch) -> None:
    path = ledger / "deals" / "messy.toml"
    before = path.read_bytes()

    def full_disk(self, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", full_disk)
    with pytest.raises(WriteError, match="the disk is full"):
        update_file(path, lambda old: old + b"# more\n")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["messy.toml"]


def test_refusing_change_writes_nothing(ledger: Path) -> None:
    path = ledger / "deals" / "messy.toml"
    before = path.read_bytes()

    def refuse(old: bytes) -> bytes:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        update_file(path, refuse)
    assert path.read_bytes() == before


def test_failure_while_writing_data_leaves_original(ledger: Path, monkeypatch) -> None:
    path = ledger / "deals" / "messy.toml"
    before = path.read_bytes()

    def broken_fsync(descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(writing.os, "fsync", broken_fsync)
    with pytest.raises(WriteError, match="the original is unchanged"):
        write_atomic(path, b"new")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["messy.toml"]


def test_create_never_overwrites(ledger: Path) -> None:
    path = ledger / "deals" / "messy.toml"
    before = path.read_bytes()
    with pytest.raises(WriteError, match="already exists"):
        write_atomic(path, b"x", create=True)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["messy.toml"]


def test_mode_is_kept(ledger: Path) -> None:
    path = ledger / "deals" / "messy.toml"
    path.chmod(0o640)
    record(ledger, DEAL, "1", due="2031")
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_signal_while_the_temporary_file_is_made_leaves_none_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT right after `mkstemp` made the temporary file (where fuzz/signals.py found
    stray `.tmp` files after `fmt`): the write completes, then the interrupt is raised."""
    import os
    import signal
    import tempfile

    from dealledger.authoring import safe_write

    target = tmp_path / "deal.toml"
    target.write_bytes(b'id = "old"\n')
    real_mkstemp = tempfile.mkstemp

    def interrupted_mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        made = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        os.kill(os.getpid(), signal.SIGINT)
        return made

    monkeypatch.setattr(safe_write.tempfile, "mkstemp", interrupted_mkstemp)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            safe_write.write_atomic(target, b'id = "new"\n')
    finally:
        signal.signal(signal.SIGINT, previous)
    assert target.read_bytes() == b'id = "new"\n'
    assert sorted(path.name for path in tmp_path.iterdir()) == ["deal.toml"]
