"""The per-file cache: reused when nothing changed, rebuilt when anything it depends on did,
never trusted when damaged, and invisible in the output (byte-identical cold, warm, bypassed).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import REPO
from dealledger.cli import app
from dealledger.cli.progress import LoadProgress
from dealledger.ledger import cache as cache_module
from dealledger.ledger.cache import CACHE_DIR_NAME, CACHE_ENV, FileCache, load_deal_files
from dealledger.ledger.ledger import Ledger, load_ledger
from dealledger.ledger.pool import load_uncached
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
    real = cache_module.load_deal_file

    def counting(path: Path, display: str, data: bytes | None = None, context=None):  # type: ignore[no-untyped-def]
        seen.append(path.name)
        return real(path, display, data, context)

    monkeypatch.setattr(cache_module, "load_deal_file", counting)
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
    from dealledger.ledger.cache_codec import RecordCodec

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a deal was decoded or parsed")

    monkeypatch.setattr(RecordCodec, "load_deal", refuse)
    monkeypatch.setattr(cache_module, "load_deal_file", refuse)


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


@pytest.mark.parametrize("kind", ["summary", "summary.json", "totals.USD.year"])
def test_a_damaged_kept_row_is_computed_again(root: Path, kind: str) -> None:
    args = {
        "summary": ["summarize", "-f", "csv"],
        "summary.json": ["summarize", "-f", "json"],
        "totals.USD.year": ["totals", "-f", "json", "--by", "year"],
    }[kind]
    expected = runner.invoke(app, [*args, "--no-cache"])
    runner.invoke(app, args)
    damaged = 0
    for shard in (root / CACHE_DIR_NAME).glob(f"{kind}-*.jsonl"):
        body = shard.read_bytes().partition(b"\n")[2]
        lines = [line.rsplit(b"\t", 1)[0] + b'\t{"id": 3, "x": [' for line in body.splitlines()]
        damaged += len(lines)
        rewrite_body(shard, b"".join(line + b"\n" for line in lines))
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
    for shard in (root / CACHE_DIR_NAME).glob("deals-*.jsonl"):
        shard.unlink()
    entry.path.write_text("id = 'now broken'\n", encoding="utf-8")
    with pytest.raises(LedgerChanged, match="changed while dealledger was reading"):
        _ = entry.deal

    import dealledger.reports.summary as summary_report

    def changed(ledger: Ledger) -> None:
        raise LedgerChanged("deals/x.toml changed while dealledger was reading the ledger")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(summary_report, "summary_records", changed)
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


def shards(root: Path) -> list[Path]:
    """Every shard file: the indexes every run reads and the deals reports read."""
    folder = root / CACHE_DIR_NAME
    return sorted(folder.glob("index-*.json")) + sorted(folder.glob("deals-*.jsonl"))


def rewrite_body(shard: Path, body: bytes, keep_digest: bool = False) -> None:
    header = json.loads(shard.read_bytes().partition(b"\n")[0])
    if not keep_digest:
        header["digest"] = hashlib.sha256(body).hexdigest()
    shard.write_bytes(json.dumps(header).encode() + b"\n" + body)


def mutate_records(shard: Path, change: Callable[[list], object]) -> bytes:
    """An index shard's body with every record changed in place (a deals shard unchanged).

    A record is [size, mtime_ns, content hash, deal id, problems, facts or null].
    """
    body = shard.read_bytes().partition(b"\n")[2]
    if shard.name.startswith("deals-"):
        return body
    records = json.loads(body)
    for record in records.values():
        change(record)
    return json.dumps(records).encode()


def mutate_deals(shard: Path, change: Callable[[dict], object]) -> bytes:
    """A deals shard's body with every deal changed (an index shard unchanged).

    Each line is `"path"<TAB>content hash<TAB>deal as JSON`.
    """
    body = shard.read_bytes().partition(b"\n")[2]
    if shard.name.startswith("index-"):
        return body
    lines = []
    for line in body.splitlines():
        quoted, digest, deal_json = line.split(b"\t", 2)
        deal = json.loads(deal_json)
        change(deal)
        lines.append(b"\t".join((quoted, digest, json.dumps(deal).encode())) + b"\n")
    return b"".join(lines)


def on_deal(change: Callable[[dict], object]) -> Callable[[Path], None]:
    return lambda shard: rewrite_body(shard, mutate_deals(shard, change))


CORRUPTIONS = {
    "truncated": lambda shard: shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2]),
    "empty": lambda shard: shard.write_bytes(b""),
    "garbage": lambda shard: shard.write_bytes(b"\x00\xff not json at all \n{{{"),
    "bit flip in body": lambda shard: shard.write_bytes(
        shard.read_bytes().replace(b'"', b"'", 1)
        if shard.read_bytes().count(b"\n") == 0
        else shard.read_bytes()[:-10] + b"0123456789"
    ),
    "body not a table": lambda shard: rewrite_body(shard, b"[1, 2, 3]"),
    "record of wrong shape": lambda shard: rewrite_body(
        shard, json.dumps({str(a_path): ["x", None, 3, {}] for a_path in range(3)}).encode()
    ),
    "deal with an unknown field": on_deal(lambda deal: deal.update(bogus=1)),
    "deal without a required field": on_deal(lambda deal: deal.pop("announced")),
    "number where a date belongs": on_deal(lambda deal: deal.update(announced=12345)),
    "table where an amount belongs": on_deal(
        lambda deal: deal.update(tranches=[{"type": "upfront", "amount": {}}])
    ),
    "deal of another file version": lambda shard: rewrite_body(
        shard, shard.read_bytes().partition(b"\n")[2].replace(b"\t", b"\t0", 1)
    ),
    "facts of wrong shape": lambda shard: rewrite_body(
        shard, mutate_records(shard, lambda record: record.__setitem__(5, ["2025-01-01", 3]))
    ),
    "problem row of wrong shape": lambda shard: rewrite_body(
        shard, mutate_records(shard, lambda record: record.__setitem__(4, [["DL999"]]))
    ),
    "record of wrong width": lambda shard: rewrite_body(
        shard, mutate_records(shard, lambda record: record.pop())
    ),
    "header of other version": lambda shard: shard.write_bytes(
        b'{"format": 1, "key": "other", "digest": "x"}\n{}'
    ),
    "deals shards missing": lambda shard: shard.unlink() if shard.suffix == ".jsonl" else None,
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_corrupt_cache_is_ignored_and_rebuilt(root: Path, corruption: str) -> None:
    expected = snapshot(load_ledger(root, cache=False))
    load_ledger(root, cache=True)
    for shard in shards(root):
        CORRUPTIONS[corruption](shard)
    assert snapshot(load_ledger(root, cache=True)) == expected
    # A damaged deals shard is found only when a deal is read: the run after rebuilds it.
    assert snapshot(load_ledger(root, cache=True)) == expected
    # Rebuilt: the next run is served from valid shards again.
    rebuilt = FileCache.for_ledger(root)
    assert rebuilt is not None
    for shard_number in range(cache_module.SHARDS):
        rebuilt._load_shard(shard_number)
    assert not rebuilt.dirty
    assert len(rebuilt.records) == 20
    assert snapshot(load_ledger(root, cache=True)) == expected


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
    assert list(elsewhere.glob("index-*.json"))
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
    assert not list((root / CACHE_DIR_NAME).glob(".tmp-*"))
    assert snapshot(load_ledger(root, cache=True)) == expected


def test_process_pool_gives_the_same_results_as_serial(root: Path) -> None:
    targets = list(deal_files(root / "deals", "deals"))
    misses = [cache_module.Miss(index, target, "") for index, target in enumerate(targets)]
    serial = [item[1] for item in load_uncached(misses, True, workers=1)]
    pooled = [item[1] for item in load_uncached(misses, True, workers=2)]
    assert pooled == serial


def test_loading_through_the_cache_keeps_the_order(root: Path) -> None:
    targets = list(deal_files(root / "deals", "deals"))
    cache = FileCache.for_ledger(root)
    first = load_deal_files(targets, cache)
    second = load_deal_files(targets, FileCache.for_ledger(root))
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
    """pydantic-core reuses a model's own validator once it is built; the codec must not."""
    from dealledger.domain.models import Party, Source, Tranche
    from dealledger.ledger.cache import Record
    from dealledger.ledger.cache_codec import RecordCodec
    from dealledger.ledger.cache_index import IndexCodec
    from dealledger.rules.deal_file import load_deal_file

    targets = list(deal_files(root / "deals", "deals"))
    loaded = [load_deal_file(target.path, target.display) for target in targets]  # builds
    # Nested classes validated on their own get built too: serializing must still work.
    Party.model_validate({"name": "A", "role": "licensor"})
    Tranche.model_validate({"type": "upfront", "amount": "1M", "due": "2027-Q2"})
    Source.model_validate({"url": "https://example.com"})
    codec = RecordCodec()
    index = IndexCodec()
    for deal_file in loaded:
        record = Record.of(1, 2, "digest", deal_file)
        back = Record(*index.load(index.dump(record.index_fields())))
        assert back.index_fields() == record.index_fields()
        if record.deal is not None:
            deal = codec.load_deal(codec.dump_deal(record.deal))
            assert deal == record.deal
            assert type(deal) is type(record.deal)
            assert deal.model_fields_set == record.deal.model_fields_set
            assert [type(t) for t in deal.tranches] == [type(t) for t in record.deal.tranches]


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


@pytest.mark.parametrize("command", ["check", "summarize", "totals"])
def test_the_process_pool_path_gives_byte_identical_output(
    root: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    bypassed = runner.invoke(app, [command, "--no-cache", "--format", "json"])
    monkeypatch.setenv("DEALLEDGER_WORKERS", "2")
    pooled_cold = runner.invoke(app, [command, "--format", "json"])
    pooled_warm = runner.invoke(app, [command, "--format", "json"])
    pooled_bypassed = runner.invoke(app, [command, "--no-cache", "--format", "json"])
    assert pooled_cold.stdout_bytes == bypassed.stdout_bytes
    assert pooled_warm.stdout_bytes == bypassed.stdout_bytes
    assert pooled_bypassed.stdout_bytes == bypassed.stdout_bytes


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
    from dealledger.ledger.cache_codec import RecordCodec

    RecordCodec.build()


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
    monkeypatch.setattr(cache_module, "KEEP_PARSED", 3)
    monkeypatch.setattr(ledger_module.DealSource, "HELD", 2)
    monkeypatch.setattr(cache_module._LinesShard, "KEEP_BODY", 0)  # read each value by offset
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
    """summarize and totals compute their per-deal part where each deal is parsed: a cold
    run then reads it back from the cache, decoding no deal."""
    from dealledger.ledger.cache_codec import RecordCodec

    expected = runner.invoke(app, [*args, "--no-cache"]).stdout_bytes

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a deal was decoded")

    monkeypatch.setattr(RecordCodec, "load_deal", refuse)
    assert runner.invoke(app, args).stdout_bytes == expected
