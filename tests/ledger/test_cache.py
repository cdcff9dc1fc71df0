"""The per-file cache: reused when nothing changed, rebuilt when anything it depends on did,
never trusted when damaged, and invisible in the output (byte-identical cold, warm, bypassed).
"""

from __future__ import annotations

import gc
import io
import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import REPO
from dealledger.cli import app
from dealledger.cli.progress import LoadProgress
from dealledger.ledger import cache as cache_module
from dealledger.ledger import cache_codec
from dealledger.ledger import files as files_module
from dealledger.ledger.cache import CACHE_DIR_NAME, CACHE_ENV, DATABASE, Cache
from dealledger.ledger.files import load_deal_files
from dealledger.ledger.ledger import Ledger, load_ledger
from dealledger.load.discover import deal_files

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate

runner = CliRunner()


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small synthetic ledger (20 deals, some broken) with the cache at its default place."""
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.delenv("DEALLEDGER_LEDGER", raising=False)
    ledger = tmp_path / "ledger"
    generate(ledger, 20, seed=3, invalid=0.25)
    monkeypatch.chdir(ledger)
    return ledger


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files actually parsed (not served from the cache) during a test."""
    seen: list[str] = []
    real = files_module.load_deal_file

    def counting(path: Path, display: str, data: bytes | None = None, context=None):  # type: ignore[no-untyped-def]
        seen.append(path.name)
        return real(path, display, data, context)

    monkeypatch.setattr(files_module, "load_deal_file", counting)
    return seen


def snapshot(ledger: Ledger) -> tuple:
    """Everything a report can see, including which fields were set in each model."""
    return (
        ledger.problems,
        ledger.files,
        [(e.deal, e.deal.model_fields_set, e.display) for e in ledger.entries],
        [(e.deal, e.path) for e in ledger.all_entries],
    )


def a_deal_file(root: Path) -> Path:
    return sorted((root / "deals").rglob("*.toml"))[0]


def database(root: Path) -> Path:
    return root / CACHE_DIR_NAME / DATABASE


def tamper(root: Path, sql: str) -> int:
    """Change the cache database behind dealledger's back; the number of rows changed."""
    connection = sqlite3.connect(database(root), isolation_level=None)
    try:
        return connection.execute(sql).rowcount
    finally:
        connection.close()


def test_the_generated_ledger_has_valid_and_broken_files(root: Path) -> None:
    ledger = load_ledger(root)
    assert ledger.entries and ledger.errors


def test_results_are_identical_with_and_without_the_cache(root: Path) -> None:
    bypassed = snapshot(load_ledger(root, cache=False))
    cold = snapshot(load_ledger(root, cache=True))
    warm = snapshot(load_ledger(root, cache=True))
    assert cold == bypassed
    assert warm == bypassed
    assert (root / CACHE_DIR_NAME).is_dir()


def test_cached_deals_have_the_same_types_as_validated_ones(root: Path) -> None:
    fresh = load_ledger(root, cache=True)
    cached = load_ledger(root, cache=True)
    for new, old in zip(cached.all_entries, fresh.all_entries, strict=True):
        assert type(new.deal) is type(old.deal)
        for name, value in old.deal.__dict__.items():
            assert type(new.deal.__dict__[name]) is type(value), name
        for new_tranche, old_tranche in zip(new.deal.tranches, old.deal.tranches, strict=True):
            for name, value in old_tranche.__dict__.items():
                assert type(new_tranche.__dict__[name]) is type(value), name
        assert new.deal == old.deal


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "--format", "json"],
        ["summarize", "--format", "json"],
        ["summarize", "--format", "csv"],
        ["summarize", "--format", "markdown"],
        ["summarize", "--format", "json", "--kind", "license,option"],
        ["totals", "--format", "json"],
        ["totals", "--format", "json", "--by", "payee-group,area"],
        ["totals", "--format", "csv", "--by", "year,payer", "--currency", "EUR"],
    ],
)
def test_output_is_byte_identical_cold_warm_and_bypassed(root: Path, args: list[str]) -> None:
    cold = runner.invoke(app, args)
    warm = runner.invoke(app, args)
    warmer = runner.invoke(app, args)  # rows and contributions kept by the warm run
    bypassed = runner.invoke(app, [*args, "--no-cache"])
    assert cold.exit_code == warm.exit_code == bypassed.exit_code == 1  # the broken files
    assert cold.stdout_bytes == warm.stdout_bytes == warmer.stdout_bytes == bypassed.stdout_bytes
    assert cold.stderr_bytes == warm.stderr_bytes == warmer.stderr_bytes == bypassed.stderr_bytes


def _no_deal_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, decoding a cached deal or parsing a file fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a deal was decoded or parsed")

    monkeypatch.setattr(cache_codec, "load_deal", refuse)
    monkeypatch.setattr(files_module, "load_deal_file", refuse)


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--format", "json"],
        ["summarize", "--format", "json"],
        ["totals", "--format", "json", "--by", "year"],
    ],
)
def test_a_warm_run_of_check_summarize_totals_decodes_no_deal(
    root: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """The point of the index and the kept rows: a warm run reads neither deals nor files."""
    expected = runner.invoke(app, [*args, "--no-cache"])
    runner.invoke(app, args)
    runner.invoke(app, args)
    _no_deal_decoding(monkeypatch)
    warm = runner.invoke(app, args)
    assert warm.exit_code == expected.exit_code == 1, warm.output
    assert warm.stdout_bytes == expected.stdout_bytes


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("summary-due", ["summarize", "-f", "csv"]),
        ("summary-due", ["summarize", "-f", "json"]),
        ("totals.USD.year", ["totals", "-f", "json", "--by", "year"]),
    ],
)
@pytest.mark.parametrize("damage", ['{"id": 3, "x": [', "1],[2", '{"$d": 7}'])
def test_a_damaged_kept_row_is_computed_again(
    root: Path, kind: str, args: list[str], damage: str
) -> None:
    expected = runner.invoke(app, [*args, "--no-cache"])
    runner.invoke(app, args)
    damaged = tamper(root, f"UPDATE derived SET value = '{damage}' WHERE name = '{kind}'")
    assert damaged
    again = runner.invoke(app, args)
    assert again.stdout_bytes == expected.stdout_bytes
    assert runner.invoke(app, args).stdout_bytes == expected.stdout_bytes


def test_a_kept_row_of_another_file_version_is_not_used(root: Path) -> None:
    runner.invoke(app, ["summarize", "-f", "json"])
    victim = a_deal_file(root)
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace('title = "', 'title = "Renamed ', 1), encoding="utf-8")
    after = runner.invoke(app, ["summarize", "-f", "json"])
    assert (
        after.stdout_bytes
        == runner.invoke(app, ["summarize", "-f", "json", "--no-cache"]).stdout_bytes
    )
    assert b"Renamed " in after.stdout_bytes


def test_a_file_changed_between_check_and_report_is_an_error_not_a_crash(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dealledger.cli.errors import run
    from dealledger.ledger.ledger import LedgerChanged

    load_ledger(root, cache=True)
    loaded = load_ledger(root, cache=True, keep_deals=False)
    entry = loaded.entries[0]
    assert tamper(root, "UPDATE files SET deal = NULL")
    entry.path.write_text("id = 'now broken'\n", encoding="utf-8")
    with pytest.raises(LedgerChanged, match="changed while dealledger was reading"):
        _ = entry.deal

    import dealledger.reports.summary as summary_report

    def changed(ledger: Ledger, as_of: date) -> None:
        raise LedgerChanged("deals/x.toml changed while dealledger was reading the ledger")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(summary_report, "iter_summary_records", changed)
        assert run(app, ["summarize"]) == 1
    assert "changed while dealledger was reading" in capsys.readouterr().err


def test_registry_warnings_are_cached_with_the_file_and_follow_the_settings(root: Path) -> None:
    settings = root / "dealledger.toml"
    original = settings.read_text(encoding="utf-8")
    before = {problem.code for problem in load_ledger(root, cache=True).problems}
    assert "DL303" not in before
    fewer = original[: original.index("[parties.")] + '[parties."Only One"]\n'
    settings.write_text(fewer, "utf-8")
    load_ledger(root, cache=True)
    warned = load_ledger(root, cache=True)
    assert any(problem.code == "DL303" for problem in warned.problems)
    settings.write_text(original, "utf-8")
    assert {problem.code for problem in load_ledger(root, cache=True).problems} == before


def test_a_warm_run_parses_nothing(root: Path, parses: list[str]) -> None:
    load_ledger(root, cache=True)
    assert len(parses) == 20
    parses.clear()
    load_ledger(root, cache=True)
    assert parses == []


def test_editing_a_file_reparses_only_that_file(root: Path, parses: list[str]) -> None:
    before = load_ledger(root, cache=True)
    victim = a_deal_file(root)
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace("[[parties]]", "stray = 1\n\n[[parties]]", 1), encoding="utf-8")
    parses.clear()
    after = load_ledger(root, cache=True)
    assert parses == [victim.name]
    assert snapshot(after) == snapshot(load_ledger(root, cache=False))
    assert after.problems != before.problems
    assert any(p.code == "DL102" and victim.name in p.path for p in after.problems)


def test_an_edit_that_keeps_size_and_mtime_is_still_seen_when_recent(
    root: Path, parses: list[str]
) -> None:
    """Files written moments before the cache was are re-hashed (same-tick edits, racy git)."""
    load_ledger(root, cache=True)
    victim = a_deal_file(root)
    info = victim.stat()
    data = victim.read_bytes()
    swapped = data.replace(b'status = "active"', b'status = "expired"', 1)
    swapped = swapped.replace(b"# Source", b"# Sourc", 1)  # same size: 1 byte more, 1 fewer
    assert len(swapped) == len(data) and swapped != data
    victim.write_bytes(swapped)
    import os

    os.utime(victim, ns=(info.st_atime_ns, info.st_mtime_ns))
    parses.clear()
    after = load_ledger(root, cache=True)
    assert parses == [victim.name]
    assert snapshot(after) == snapshot(load_ledger(root, cache=False))


def test_touching_a_file_costs_a_hash_not_a_parse(root: Path, parses: list[str]) -> None:
    load_ledger(root, cache=True)
    victim = a_deal_file(root)
    victim.touch()
    parses.clear()
    load_ledger(root, cache=True)
    assert parses == []


def test_a_deleted_file_drops_out(root: Path) -> None:
    load_ledger(root, cache=True)
    victim = a_deal_file(root)
    victim.unlink()
    after = load_ledger(root, cache=True)
    assert after.files == 19
    assert snapshot(after) == snapshot(load_ledger(root, cache=False))


def test_a_settings_change_invalidates_every_record(root: Path, parses: list[str]) -> None:
    load_ledger(root, cache=True)
    settings = root / "dealledger.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n# a comment\n", "utf-8")
    parses.clear()
    load_ledger(root, cache=True)
    assert len(parses) == 20


def test_a_settings_change_reruns_the_ledger_rules(root: Path) -> None:
    """Registry warnings come from the settings: a cached run must still see the new registry."""
    load_ledger(root, cache=True)
    (root / "dealledger.toml").write_text('currency = "USD"\n[parties."Only One"]\n', "utf-8")
    cached = load_ledger(root, cache=True)
    assert any(problem.code == "DL303" for problem in cached.problems)
    assert snapshot(cached) == snapshot(load_ledger(root, cache=False))


def test_a_version_change_invalidates_every_record(
    root: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_ledger(root, cache=True)
    monkeypatch.setattr(cache_module, "__version__", "999.0.0")
    parses.clear()
    load_ledger(root, cache=True)
    assert len(parses) == 20
    parses.clear()
    load_ledger(root, cache=True)
    assert parses == []


def rows(sql: str) -> Callable[[Path], object]:
    return lambda root: tamper(root, sql)


def file_bytes(change: Callable[[bytes], bytes]) -> Callable[[Path], object]:
    def corrupt(root: Path) -> None:
        gc.collect()  # every connection closed: the database file holds everything
        for companion in ("-wal", "-shm"):
            Path(f"{database(root)}{companion}").unlink(missing_ok=True)
        database(root).write_bytes(change(database(root).read_bytes()))

    return corrupt


CORRUPTIONS = {
    "truncated": file_bytes(lambda data: data[: len(data) // 2]),
    "empty": file_bytes(lambda data: b""),
    "garbage": file_bytes(lambda data: b"\x00\xff not a database at all \n{{{" * 100),
    "header overwritten": file_bytes(lambda data: b"x" * 100 + data[100:]),
    "deal with an unknown field": rows(
        "UPDATE files SET deal = json_set(deal, '$.bogus', 1) WHERE deal IS NOT NULL"
    ),
    "deal without a required field": rows(
        "UPDATE files SET deal = json_remove(deal, '$.announced') WHERE deal IS NOT NULL"
    ),
    "number where a date belongs": rows(
        "UPDATE files SET deal = json_set(deal, '$.announced', 12345) WHERE deal IS NOT NULL"
    ),
    "table where an amount belongs": rows(
        'UPDATE files SET deal = json_set(deal, \'$.tranches\', json(\'[{"type": "upfront",'
        ' "amount": {}}]\')) WHERE deal IS NOT NULL'
    ),
    "deal not json": rows("UPDATE files SET deal = '{{{' WHERE deal IS NOT NULL"),
    "facts of wrong shape": rows(
        "UPDATE files SET facts = '[\"2025-01-01\", 3]' WHERE facts IS NOT NULL"
    ),
    "problem row of wrong shape": rows("UPDATE files SET problems = '[[\"DL999\"]]'"),
    "line that is not a number": rows(
        "UPDATE files SET problems = json_set(problems, '$[0][2]', 'x') WHERE problems != '[]'"
    ),
    "problems not a list": rows("UPDATE files SET problems = 'null'"),
    "size not a number": rows("UPDATE files SET size = 'x'"),
    "key of another version": rows("UPDATE meta SET value = 'other'"),
    "deals missing": rows("UPDATE files SET deal = NULL"),
    "table dropped": rows("DROP TABLE files"),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_corrupt_cache_is_ignored_and_rebuilt(root: Path, corruption: str) -> None:
    expected = snapshot(load_ledger(root, cache=False))
    load_ledger(root, cache=True)
    CORRUPTIONS[corruption](root)
    assert snapshot(load_ledger(root, cache=True)) == expected
    # Damage found while reading (a deal, a dropped table) is repaired by the run after.
    repaired = load_ledger(root, cache=True)
    assert snapshot(repaired) == expected
    rebuilt = Cache.for_ledger(root)
    assert rebuilt is not None
    rebuilt.lookup("")
    assert len(rebuilt.records) == 20
    assert all(rebuilt.deal(cache_module.path_key(e.path)) for e in repaired.all_entries)
    assert snapshot(load_ledger(root, cache=True)) == expected


@pytest.mark.parametrize("kind", ["symlink", "file"])
def test_a_cache_folder_that_is_a_link_or_a_file_is_refused(
    root: Path, tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    user_cache = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    if kind == "symlink":
        (root / CACHE_DIR_NAME).symlink_to(elsewhere)
    else:
        (root / CACHE_DIR_NAME).write_text("not a folder", encoding="utf-8")
    # Never used, never written through: the run falls back to the user's cache folder.
    found = Cache.for_ledger(root)
    assert found is not None and user_cache in found.path.parents
    assert snapshot(load_ledger(root, cache=True)) == snapshot(load_ledger(root, cache=False))
    assert list(elsewhere.iterdir()) == []
    assert runner.invoke(app, ["check"]).exit_code == 1


@pytest.mark.parametrize("kind", ["symlink", "fifo", "wal symlink"])
def test_a_database_that_is_not_a_regular_file_is_refused(
    root: Path, tmp_path: Path, kind: str
) -> None:
    import os

    (root / CACHE_DIR_NAME).mkdir()
    target = tmp_path / "target.sqlite3"
    if kind == "fifo":
        os.mkfifo(database(root))
    elif kind == "symlink":
        database(root).symlink_to(target)
    else:
        Path(f"{database(root)}-wal").symlink_to(target)
    assert Cache.for_ledger(root) is None
    assert snapshot(load_ledger(root, cache=True)) == snapshot(load_ledger(root, cache=False))
    assert not target.exists()


def test_a_damaged_database_is_set_aside(root: Path) -> None:
    load_ledger(root, cache=True)
    file_bytes(lambda data: b"garbage" * 1000)(root)
    load_ledger(root, cache=True)
    assert (root / CACHE_DIR_NAME / f"{DATABASE}.damaged").read_bytes().startswith(b"garbage")
    assert Cache.for_ledger(root) is not None


def test_two_checks_at_once_both_work(root: Path) -> None:
    """Two processes, each reading and writing the database in WAL mode."""
    import subprocess

    expected = runner.invoke(app, ["check", "--no-cache"]).stdout_bytes
    probe = [sys.executable, "-m", "dealledger", "check"]
    for _ in range(2):
        shutil.rmtree(root / CACHE_DIR_NAME, ignore_errors=True)
        started = [
            subprocess.Popen(probe, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        for process in started:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 1, err
            assert out == expected
    assert not (root / CACHE_DIR_NAME / f"{DATABASE}.damaged").exists()
    assert runner.invoke(app, ["check"]).stdout_bytes == expected


def test_a_cached_record_for_another_path_is_not_used(root: Path) -> None:
    """Records are keyed by path: two files with the same bytes still report their own path."""
    victim = a_deal_file(root)
    twin = victim.with_name("zz-twin.toml")
    twin.write_bytes(victim.read_bytes())
    cold = load_ledger(root, cache=True)
    warm = load_ledger(root, cache=True)
    assert snapshot(warm) == snapshot(cold)
    assert any("zz-twin.toml" in problem.path for problem in warm.problems)  # duplicate id


def test_no_cache_leaves_no_trace(root: Path) -> None:
    result = runner.invoke(app, ["check", "--no-cache"])
    assert result.exit_code == 1
    assert not (root / CACHE_DIR_NAME).exists()


def test_the_cache_folder_can_be_moved_with_an_environment_variable(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv(CACHE_ENV, str(elsewhere))
    runner.invoke(app, ["check"])
    assert (elsewhere / DATABASE).is_file()
    assert not (root / CACHE_DIR_NAME).exists()
    parses.clear()
    runner.invoke(app, ["check"])
    assert parses == []


def test_the_cache_folder_ignores_itself_in_git(root: Path) -> None:
    load_ledger(root, cache=True)
    assert (root / CACHE_DIR_NAME / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_paths_are_shown_as_typed_from_another_folder(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Problems are cached without their path, which depends on where the user stands."""
    load_ledger(root, cache=True)
    monkeypatch.chdir(root / "deals")
    warm = load_ledger(root, cache=True)
    assert snapshot(warm) == snapshot(load_ledger(root, cache=False))


def test_an_unwritable_cache_folder_is_skipped(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    assert snapshot(load_ledger(root, cache=True)) == snapshot(load_ledger(root, cache=False))


def test_concurrent_runs_leave_a_valid_cache(root: Path) -> None:
    expected = snapshot(load_ledger(root, cache=False))
    results: list[tuple] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(snapshot(load_ledger(root, cache=True)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == [expected] * 4
    assert not (root / CACHE_DIR_NAME / f"{DATABASE}.damaged").exists()
    assert snapshot(load_ledger(root, cache=True)) == expected


def test_loading_through_the_cache_keeps_the_order(root: Path) -> None:
    targets = list(deal_files(root / "deals", "deals"))
    cache = Cache.for_ledger(root)
    first = load_deal_files(targets, cache)
    second = load_deal_files(targets, Cache.for_ledger(root))
    assert [item.path for item in first] == [item.path for item in second]
    assert [target.path for target in targets] == [item.path for item in second]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    with LoadProgress(stream, delay=0) as progress:
        for count in range(1, 1000):
            progress(count)
    assert stream.getvalue() == ""


def test_progress_shows_on_a_terminal_after_the_delay() -> None:
    stream = FakeTerminal()
    with LoadProgress(stream, delay=0) as progress:
        for count in range(1, 1000):
            progress(count)
    assert "reading deal files" in stream.getvalue()


def test_progress_waits_for_the_delay() -> None:
    stream = FakeTerminal()
    with LoadProgress(stream, delay=3600) as progress:
        for count in range(1, 1000):
            progress(count)
    assert stream.getvalue() == ""


def test_the_codec_round_trips_after_the_models_were_validated(root: Path) -> None:
    """Every deal reads back equal, of the same classes, with the same fields set."""
    from dealledger.domain.models import Party, Source, Tranche
    from dealledger.rules.deal_file import load_deal_file

    targets = list(deal_files(root / "deals", "deals"))
    loaded = [load_deal_file(target.path, target.display) for target in targets]
    Party.model_validate({"name": "A", "role": "licensor"})
    Tranche.model_validate({"type": "upfront", "amount": "1M", "due": "2027-Q2"})
    Source.model_validate({"url": "https://example.com"})
    deals = [deal_file.deal for deal_file in loaded if deal_file.deal is not None]
    assert deals
    for original in deals:
        text = cache_codec.dump_deal(original)
        assert text is not None
        deal = cache_codec.load_deal(text)
        assert deal == original
        assert type(deal) is type(original)
        assert deal.model_fields_set == original.model_fields_set
        for new, old in zip(deal.tranches, original.tranches, strict=True):
            assert type(new) is type(old)
            assert new.model_fields_set == old.model_fields_set
            assert {k: type(v) for k, v in new.__dict__.items()} == {
                k: type(v) for k, v in old.__dict__.items()
            }


@pytest.mark.parametrize(
    "value",
    [
        {"a": Decimal("1.50"), "b": Decimal("1.62E+9"), "c": None, "d": [1, "x", True]},
        [(("payee", 2024), {"total": Decimal("-0")}, False)],
        {"day": date(2024, 2, 29), "nested": ((), ((1,),))},
    ],
)
def test_derived_values_read_back_with_their_types(value: object) -> None:
    back = cache_codec.load_values([cache_codec.dump_value(value)])[0]
    assert back == value
    assert repr(back) == repr(value)


@pytest.mark.parametrize("value", [{"$d": "1"}, {1: "x"}, 1.5j, object()])
def test_derived_values_that_would_not_read_back_are_refused(value: object) -> None:
    with pytest.raises(cache_codec.CodecError):
        cache_codec.dump_value(value)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=10_000))
def test_any_generated_ledger_reads_back_identically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Whatever mix of tranches, currencies, periods and broken files: cached == parsed."""
    monkeypatch.delenv(CACHE_ENV, raising=False)
    ledger = tmp_path / f"ledger-{seed}"
    generate(ledger, 6, seed=seed, invalid=0.3)
    expected = snapshot(load_ledger(ledger, cache=False))
    assert snapshot(load_ledger(ledger, cache=True)) == expected
    assert snapshot(load_ledger(ledger, cache=True)) == expected


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")
def test_a_file_name_that_is_not_utf8_is_checked_but_not_cached(
    root: Path, parses: list[str]
) -> None:
    import os

    victim = a_deal_file(root)
    odd = Path(os.fsdecode(os.fsencode(victim.parent) + b"/odd-\xff.toml"))
    odd.write_bytes(victim.read_bytes().replace(b'id = "', b'id = "odd-', 1))
    expected = snapshot(load_ledger(root, cache=False))
    assert snapshot(load_ledger(root, cache=True)) == expected
    parses.clear()
    assert snapshot(load_ledger(root, cache=True)) == expected
    assert parses == [odd.name]  # everything else came from the cache


def test_the_cache_codec_covers_every_field_of_the_deal_model() -> None:
    """A model change the codec does not know silently turns the cache off: catch it here."""
    assert cache_codec.deal_decoder() is not None


@pytest.mark.slow
def test_a_warm_check_imports_no_model_and_validates_no_setting(root: Path) -> None:
    """Start-up matters on every commit: served from the cache, `check` needs no pydantic
    model, no loader and no validation of dealledger.toml."""
    import subprocess

    probe = (
        "import sys\n"
        "from dealledger.cli.errors import run\n"
        "from dealledger.cli import app\n"
        "code = run(app, ['check'])\n"
        "heavy = [m for m in ('dealledger.domain.models', 'dealledger.load.document', "
        "'pydantic.main') if m in sys.modules]\n"
        "sys.stderr.write(f'heavy={heavy} code={code}\\n')\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=False
        )
        for _ in range(2)
    ]
    assert "heavy=['dealledger.domain.models'" in runs[0].stderr  # cold: it had to parse
    assert "heavy=[] code=1" in runs[1].stderr, runs[1].stderr


def test_reports_read_deals_back_when_a_cold_run_keeps_none(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past KEEP_PARSED files a cold run holds no parsed deal; reports decode them from the
    cache one at a time, with only a few held, and print exactly the same."""
    from dealledger.ledger import ledger as ledger_module

    commands = [
        ["summarize", "-f", "json"],
        ["totals", "-f", "json", "--by", "payer-group"],
        ["timeline", "-f", "json"],
        ["value", "-f", "json", "--as-of", "2026-01-01"],
    ]
    expected = [runner.invoke(app, [*args, "--no-cache"]).stdout_bytes for args in commands]
    monkeypatch.setattr(files_module, "KEEP_PARSED", 3)
    monkeypatch.setattr(ledger_module.DealSource, "HELD", 2)
    for args, output in zip(commands, expected, strict=True):
        shutil.rmtree(root / CACHE_DIR_NAME, ignore_errors=True)
        assert runner.invoke(app, args).stdout_bytes == output, args
        assert runner.invoke(app, args).stdout_bytes == output, args


@given(st.lists(st.sampled_from(["a", "b", ".", "..", "", ".x", "x.toml"]), max_size=6))
def test_path_keys_are_abspath_whatever_the_path(parts: list[str]) -> None:
    import os

    for text in ("/" + "/".join(parts), "/".join(parts) or "."):
        assert cache_module.path_key(Path(text)) == os.path.abspath(Path(text))


@pytest.mark.parametrize(
    "args",
    [
        ["summarize", "-f", "json"],
        ["summarize", "-f", "csv"],
        ["totals", "-f", "json", "--by", "payee"],
        ["totals", "-f", "json", "--currency", "EUR"],
    ],
)
def test_a_cold_report_uses_what_was_derived_while_parsing(
    root: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """A cold summarize or totals works on the deals it has just parsed: it decodes none
    back from the cache."""
    expected = runner.invoke(app, [*args, "--no-cache"]).stdout_bytes

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a deal was decoded")

    monkeypatch.setattr(cache_codec, "load_deal", refuse)
    assert runner.invoke(app, args).stdout_bytes == expected
