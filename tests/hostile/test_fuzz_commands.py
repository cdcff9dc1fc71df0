"""The fuzz harness over every command (fuzz/commands.py), a short seeded run of it, and every
crashing ledger it once found (tests/data/fuzz-regressions/*/CRASH.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

import command_fuzz
from command_matrix import command_formats

MUTANTS = 16  # about 10 s on an idle machine


@pytest.mark.slow
def test_a_seeded_run_over_every_command_finds_no_crash(tmp_path: Path) -> None:
    commands: set[str] = set()
    diff_exits: set[str] = set()
    for index in range(MUTANTS):
        files, base = command_fuzz.mutant_and_base(3, index)
        outcome = command_fuzz.run_every_command(tmp_path / str(index), files, base=base)
        assert not outcome.crashes, (index, outcome.crashes)
        commands |= {command for command, _ in outcome.exits}
        diff_exits |= {code for command, code in outcome.exits if command == "diff"}
    assert commands == {command for command, _ in command_formats()}
    # the mutant is compared with its committed seed ledger, not refused as "not a git repository"
    assert diff_exits & {"0", "1"}, diff_exits


@pytest.mark.parametrize(
    "folder", command_fuzz.regression_ledgers(), ids=lambda folder: folder.name
)
def test_ledgers_the_harness_once_broke(folder: Path, tmp_path: Path) -> None:
    outcome = command_fuzz.run_every_command(tmp_path, command_fuzz.load_regression(folder))
    assert not outcome.crashes, outcome.crashes


def test_a_mutant_that_deletes_files_keeps_one() -> None:
    """Mutant 9821 of seed 2027 deleted the last file it could choose from and stopped the
    long run (the harness's own bug): a mutant keeps at least one file of its ledger."""
    files, base = command_fuzz.mutant_and_base(2027, 9821)
    assert files and set(files) & set(base)


def test_mutants_are_reproducible() -> None:
    assert command_fuzz.mutant(5, 17) == command_fuzz.mutant(5, 17)
    assert command_fuzz.mutant(5, 17) != command_fuzz.mutant(5, 18)


def test_the_oracle_sees_a_torn_file_and_a_leftover_temporary(tmp_path: Path) -> None:
    files = {"deals/a.toml": b'id = "a"\n'}
    command_fuzz.write_ledger(tmp_path, files)
    assert command_fuzz.torn(tmp_path, files) is None
    (tmp_path / "deals" / "a.toml").write_bytes(b'id = "a')
    assert "neither the old" in (command_fuzz.torn(tmp_path, files) or "")
    (tmp_path / "deals" / "a.toml").write_bytes(b'id = "a"\n')
    (tmp_path / "deals" / ".a.toml.tmp").write_bytes(b"")
    assert "temporary file" in (command_fuzz.torn(tmp_path, files) or "")


def test_the_oracle_takes_a_new_file_that_keeps_a_bom(tmp_path: Path) -> None:
    """The loader reads past a UTF-8 BOM and fmt keeps it: a complete new file, not a torn one
    (mutant 13802 of seed 2028, reported as torn by a tomllib that rejects the BOM)."""
    files = {"deals/a.toml": b'\xef\xbb\xbfid = "a"\n'}
    command_fuzz.write_ledger(tmp_path, files)
    (tmp_path / "deals" / "a.toml").write_bytes(b'\xef\xbb\xbfid = "b"\n')
    assert command_fuzz.torn(tmp_path, files) is None
    (tmp_path / "deals" / "a.toml").write_bytes(b'\xef\xbb\xbfid = "b')
    assert "neither the old" in (command_fuzz.torn(tmp_path, files) or "")


def test_the_oracle_sees_an_exception(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dealledger.reports.summary

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(dealledger.reports.summary, "iter_summary_records", broken)
    outcome = command_fuzz.run_every_command(
        tmp_path, command_fuzz.seed_ledgers()[0], {"summarize"}
    )
    assert any("ValueError: boom" in crash for _, crash in outcome.crashes), outcome.crashes
