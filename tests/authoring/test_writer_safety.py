"""Every real writer, killed mid-write, leaves the old content or the complete new one.

Each writer runs as users run it (`python -m dealledger …` in a subprocess) and is killed
with SIGKILL at a deterministic, sleep-free schedule (see `assert_kill_safe`): some kills at
fractions of a measured run, some aimed at the moment the writer starts writing. After every
kill the target is byte-identical to the original, or equal to what the unkilled run wrote
(which is itself checked: `dealledger check` passes on deal files, SQLite passes
`PRAGMA integrity_check` with the expected row counts), and nothing left behind is read as a
deal. Concurrent writers: two `record` runs on one file both land; of two `new` with one id,
or two `export` to one output without --force, exactly one succeeds.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import COMMENTED, REPO, copy_bundled_ledger
from dealledger.cli import app
from hostile_helpers import (
    NEW_DEAL,
    KillReport,
    assert_concurrent_writers_keep_updates,
    assert_kill_safe,
    dealledger_command,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")

AI_DEAL = "azn-cspc-2025-ai-research"
AI_FILE = Path("deals/2025/azn-cspc-2025-ai-research.toml")
BUNDLED_DEALS = 5
BUNDLED_TRANCHES = 11  # the 2026 upfront is one tranche split among its payees
KILLS = 4


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """A copy of the bundled AstraZeneca–CSPC ledger."""
    return copy_bundled_ledger(tmp_path / "ledger")


def check_passes(root: Path, *paths: str) -> None:
    result = CliRunner().invoke(app, ["check", "--ledger", str(root), *paths])
    assert result.exit_code == 0, result.output


def assert_reference_passes_check(report: KillReport, root: Path, target: Path) -> None:
    """The unkilled run's result (what the kills were compared with) is a valid deal file."""
    assert isinstance(report.reference, bytes)
    target.write_bytes(report.reference)
    check_passes(root)


def assert_some_kills_hit(report: KillReport) -> None:
    """The schedule really interrupted the writer (not only before start or after the end)."""
    assert report.kept_original >= 1, report
    assert report.during_write + report.complete >= 1, report


# --- deal-file writers ---------------------------------------------------------------------


@pytest.mark.slow
def test_record_killed_keeps_the_deal_file_whole(ledger: Path) -> None:
    args = ["record", AI_DEAL, "--tranche", "1", "--paid", "2025-07-15"]
    target = ledger / AI_FILE
    report = assert_kill_safe(dealledger_command(*args), ledger, target, kill_points=KILLS)
    assert_some_kills_hit(report)
    assert isinstance(report.reference, bytes)
    assert b"paid = 2025-07-15" in report.reference
    assert_reference_passes_check(report, ledger, target)
    check_passes(ledger)


@pytest.mark.slow
def test_fmt_killed_keeps_the_commented_file_whole(tmp_path: Path) -> None:
    (tmp_path / "deals").mkdir()
    target = tmp_path / "deals" / "messy.toml"
    shutil.copyfile(COMMENTED / "messy.toml", target)
    expected = (COMMENTED / "messy.expected.toml").read_bytes()
    assert target.read_bytes() != expected
    assert tomllib.loads(expected.decode()) == tomllib.loads(target.read_text())
    report = assert_kill_safe(
        dealledger_command("fmt", "deals/messy.toml"),
        tmp_path,
        target,
        is_complete=expected.__eq__,
        kill_points=KILLS,
    )
    assert_some_kills_hit(report)
    target.write_bytes(expected)
    check_passes(tmp_path)


@pytest.mark.slow
def test_new_killed_leaves_no_file_or_the_whole_one(ledger: Path) -> None:
    target = ledger / "deals" / "acme-beta-2025-widget.toml"
    report = assert_kill_safe(dealledger_command(*NEW_DEAL), ledger, target, kill_points=KILLS)
    assert_some_kills_hit(report)
    assert "absent" in report.outcomes
    assert_reference_passes_check(report, ledger, target)  # and no stray read as a deal


# --- exports -------------------------------------------------------------------------------


def sqlite_counts(data: bytes, folder: Path) -> dict[str, int] | None:
    """Row counts of the database in `data`, or None if it is not a sound SQLite database."""
    copy = folder / "probe.sqlite"
    copy.write_bytes(data)
    connection = sqlite3.connect(copy)
    try:
        if connection.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            return None
        return {
            table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("deals", "tranches")
        }
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()
        copy.unlink()


@pytest.fixture
def old_database(ledger: Path, tmp_path: Path) -> Path:
    """An existing export of only the 2023 deals: the 'old content' a kill must not lose."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "deals.sqlite"
    arguments = [
        "export",
        str(ledger / "deals" / "2023"),
        "--ledger",
        str(ledger),
        "-o",
        str(target),
    ]
    assert CliRunner().invoke(app, arguments).exit_code == 0
    counts = sqlite_counts(target.read_bytes(), tmp_path)
    assert counts is not None
    assert counts["deals"] == 2
    return target


@pytest.mark.slow
@pytest.mark.parametrize("force", [True, False], ids=["force", "no-force"])
def test_sqlite_export_over_an_existing_database(
    ledger: Path, old_database: Path, tmp_path: Path, force: bool
) -> None:
    old = old_database.read_bytes()
    complete = {"deals": BUNDLED_DEALS, "tranches": BUNDLED_TRANCHES}

    def is_complete(data: bytes) -> bool:
        return force and sqlite_counts(data, tmp_path) == complete

    args = ["export", "--format", "sqlite", "--output", str(old_database)]
    report = assert_kill_safe(
        dealledger_command(*args, *(["--force"] if force else [])),
        ledger,
        old_database,
        is_complete=is_complete,
        kill_points=KILLS if force else 2,
    )
    if force:
        assert_some_kills_hit(report)
    else:
        assert report.outcomes == ["original"] * 2
        assert old_database.read_bytes() == old


@pytest.mark.slow
def test_json_export_killed(ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "deals.json"

    def is_complete(data: bytes) -> bool:
        document = json.loads(data)
        counts = (len(document["deals"]), len(document["tranches"]))
        return counts == (BUNDLED_DEALS, BUNDLED_TRANCHES)

    report = assert_kill_safe(
        dealledger_command("export", "--format", "json", "--output", str(target)),
        ledger,
        target,
        is_complete=is_complete,
        kill_points=3,
    )
    assert "absent" in report.outcomes


@pytest.mark.slow
def test_csv_export_killed_over_an_existing_folder(ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "tables"
    target.mkdir()
    (target / "deals.csv").write_text("old,content\n", encoding="utf-8")

    def is_complete(files: dict[str, bytes]) -> bool:
        if "deals.csv" not in files or "tranches.csv" not in files:
            return False
        # header + one line per deal (no deal text here spans lines)
        return files["deals.csv"].count(b"\n") == BUNDLED_DEALS + 1

    report = assert_kill_safe(
        dealledger_command("export", "-f", "csv", "--output", str(target), "--force"),
        ledger,
        target,
        is_complete=is_complete,
        kill_points=3,
    )
    assert report.kept_original >= 1


@pytest.mark.slow
def test_report_killed_over_an_existing_page(ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(b"<!DOCTYPE html><title>the old report</title>\n")

    def is_complete(data: bytes) -> bool:
        text = data.decode("utf-8")
        return (
            text.startswith("<!DOCTYPE html>")
            and text.rstrip().endswith("</html>")
            and (AI_DEAL in text)
        )

    report = assert_kill_safe(
        dealledger_command("report", "--output", str(target)),
        ledger,
        target,
        is_complete=is_complete,
        kill_points=3,
    )
    assert report.kept_original >= 1


@pytest.mark.slow
def test_init_killed_leaves_no_half_made_ledger(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    target = home / "my-deals"
    expected = {
        path.relative_to(REPO).as_posix(): path.read_bytes()
        for path in [REPO / "dealledger.toml", *sorted((REPO / "deals").rglob("*.toml"))]
    }

    def is_complete(files: dict[str, bytes]) -> bool:
        return files == expected

    report = assert_kill_safe(
        dealledger_command("init", str(target)),
        home,
        target,
        is_complete=is_complete,
        kill_points=3,
    )
    assert "absent" in report.outcomes


# --- temporary files are never read as deals -----------------------------------------------


def test_check_ignores_writers_temporary_files(ledger: Path) -> None:
    """What a killed writer can leave behind: `.x.toml.abc123.tmp` files and `.….tmp` folders."""
    deals = ledger / "deals" / "2025"
    (deals / f".{AI_FILE.name}.k3j2h1.tmp").write_text("id = [torn", encoding="utf-8")
    staging = ledger / "deals" / ".dealledger-init-abc.tmp" / "deals"
    staging.mkdir(parents=True)
    shutil.copyfile(ledger / AI_FILE, staging / "copy.toml")
    for arguments in ([], [str(ledger / "deals")]):
        result = CliRunner().invoke(
            app, ["check", "--ledger", str(ledger), "--format", "json", *arguments]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["files"] == BUNDLED_DEALS, arguments


# --- concurrent writers --------------------------------------------------------------------


@pytest.mark.slow
def test_two_records_on_one_file_both_land(ledger: Path) -> None:
    target = ledger / AI_FILE
    for round_number, (first, second) in enumerate([("2031", "2041"), ("2032", "2042")]):
        commands = [
            dealledger_command("record", AI_DEAL, "-t", "2", "--due", first),
            dealledger_command("record", AI_DEAL, "-t", "3", "--due", second),
        ]

        def all_applied(first: str = first, second: str = second) -> bool:
            tranches = tomllib.loads(target.read_text(encoding="utf-8"))["tranches"]
            return tranches[1].get("due") == first and tranches[2].get("due") == second

        results = assert_concurrent_writers_keep_updates(commands, ledger, all_applied=all_applied)
        assert [result.returncode for result in results] == [0, 0], round_number
    check_passes(ledger)


@pytest.mark.slow
@pytest.mark.parametrize(
    "paths", [(), ("deals/a/x.toml", "deals/b/x.toml")], ids=["same-path", "other-paths"]
)
def test_two_news_with_one_id_exactly_one_wins(ledger: Path, paths: tuple[str, ...]) -> None:
    commands = [
        dealledger_command(*NEW_DEAL, *(["--path", path] if path else []))
        for path in (paths or ("", ""))
    ]
    results = assert_concurrent_writers_keep_updates(commands, ledger, all_applied=lambda: True)
    codes = sorted(result.returncode for result in results)
    assert codes == [0, 2], [result.stderr for result in results]
    loser = next(result for result in results if result.returncode)
    assert "already" in loser.stderr
    check_passes(ledger)  # exactly one file with that id, and it is whole


@pytest.mark.slow
@pytest.mark.parametrize("output_format", ["sqlite", "json", "csv"])
def test_two_exports_to_one_output_exactly_one_wins(
    ledger: Path, tmp_path: Path, output_format: str
) -> None:
    target = tmp_path / f"out.{output_format}"
    command = dealledger_command("export", "-f", output_format, "--output", str(target))
    results = assert_concurrent_writers_keep_updates(
        [command, command], ledger, all_applied=target.exists
    )
    codes = sorted(result.returncode for result in results)
    assert codes == [0, 2], [result.stderr for result in results]
    loser = next(result for result in results if result.returncode)
    assert "already exists" in loser.stderr
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []
