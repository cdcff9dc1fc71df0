"""`export`: a real SQLite database whose sums reproduce `totals`, flat JSON/CSV tables,
and a target that is either untouched or complete."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import REPO
from dealledger.authoring.export_target import write_file_atomically
from dealledger.cli import app
from dealledger.ledger.ledger import load_ledger
from dealledger.render.export_formats import write_sqlite
from dealledger.reports.export import TABLES, export_rows, minor_units

runner = CliRunner()


def export(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["export", "--ledger", str(root), *args])


def totals(root: Path, *args: str) -> dict:
    result = runner.invoke(app, ["totals", "--ledger", str(root), "-f", "json", *args])
    return json.loads(result.stdout, parse_float=Decimal)


def test_sqlite_tables_keys_and_indexes(reports_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "deals.sqlite"
    result = export(reports_ledger, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    with sqlite3.connect(target) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"deals", "parties", "assets", "tranches", "sources", "events"} <= names
        indexes = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert "tranches_payee_group" in indexes and "events_start" in indexes
        keys = [row[1] for row in db.execute("PRAGMA table_info(tranches)") if row[5]]
        assert keys == ["deal_id", "position"]
        foreign = db.execute("PRAGMA foreign_key_list(tranches)").fetchall()
        assert foreign[0][2] == "deals"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        # every tranche, royalties included, with its type
        types = db.execute("SELECT type, COUNT(*) FROM tranches GROUP BY type").fetchall()
        assert dict(types)["royalty"] == 2
        assert db.execute("SELECT COUNT(*) FROM tranches").fetchone()[0] == 12
        # exact TEXT amounts and integer minor units
        row = db.execute(
            "SELECT amount, typeof(amount), amount_minor, reporting_amount, reporting_minor "
            "FROM tranches WHERE deal_id = 'eu-licence' AND position = 1"
        ).fetchone()
        assert row == ("12345678.91", "text", 1234567891, "13209876.43", 1320987643)


def test_sql_sums_reproduce_totals_to_the_cent(reports_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "deals.sqlite"
    export(reports_ledger, "--output", str(target))
    overall = totals(reports_ledger)["overall"]
    with sqlite3.connect(target) as db:
        total = db.execute("SELECT SUM(reporting_minor) FROM tranches").fetchone()[0]
        paid = db.execute(
            "SELECT SUM(reporting_minor) FROM tranches WHERE status = 'paid'"
        ).fetchone()[0]
        forfeited = db.execute(
            "SELECT SUM(reporting_minor) FROM tranches WHERE status = 'forfeited'"
        ).fetchone()[0]
        by_group = dict(
            db.execute(
                "SELECT payee_group, SUM(reporting_minor) FROM tranches "
                "WHERE reporting_minor IS NOT NULL GROUP BY payee_group"
            ).fetchall()
        )
    assert Decimal(total) / 100 == overall["total"] == Decimal("227061285.13")
    assert Decimal(paid) / 100 == overall["paid"]
    assert Decimal(forfeited) / 100 == overall["forfeited"]
    grouped = totals(reports_ledger, "--by", "payee-group")["groups"]
    for group in grouped:
        name = group["key"]["payee-group"]
        if group["total"] is not None and name is not None:
            assert Decimal(by_group[name]) / 100 == group["total"]


def test_filters_and_currency_apply_to_export(reports_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "alpha.sqlite"
    result = export(reports_ledger, "-o", str(target), "--party", "Delta Inc", "--currency", "USD")
    assert result.exit_code == 0
    with sqlite3.connect(target) as db:
        deals = [row[0] for row in db.execute("SELECT id FROM deals ORDER BY id")]
    assert deals == ["us-framework", "us-option"]


def test_existing_file_is_refused_unless_force(reports_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "deals.sqlite"
    target.write_text("keep me")
    result = export(reports_ledger, "--output", str(target))
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert target.read_text() == "keep me"
    result = export(reports_ledger, "--output", str(target), "--force")
    assert result.exit_code == 0
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT COUNT(*) FROM deals").fetchone()[0] == 4


def test_missing_folder_is_a_usage_error(reports_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "deals.sqlite"
    result = export(reports_ledger, "--output", str(target))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not target.parent.exists()


def test_failed_write_leaves_no_partial_file(reports_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "deals.sqlite"
    target.write_text("old")

    def explode(path: Path) -> None:
        write_sqlite([export_rows(load_ledger(reports_ledger), "USD")], path)
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_file_atomically(target, explode, force=True)
    assert target.read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["deals.sqlite", "ledger"]


def test_missing_fx_rate_writes_nothing(reports_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "deals.sqlite"
    result = export(reports_ledger, "--output", str(target), "--currency", "GBP")
    assert result.exit_code == 1
    assert "GBP" in result.stderr
    assert not target.exists()


def test_json_export_is_flat_tables(reports_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "deals.json"
    assert export(reports_ledger, "-f", "json", "-o", str(target)).exit_code == 0
    document = json.loads(target.read_text(), parse_float=Decimal)
    assert list(document) == [table.name for table in TABLES]
    for table in TABLES:
        for row in document[table.name]:
            assert list(row) == table.column_names
            assert not any(isinstance(value, dict | list) for value in row.values())
    cents = sum(row["reporting_minor"] or 0 for row in document["tranches"])
    assert Decimal(cents) / 100 == totals(reports_ledger)["overall"]["total"]
    to_stdout = export(reports_ledger, "-f", "json", "-o", "-")
    assert json.loads(to_stdout.stdout, parse_float=Decimal) == document


def test_csv_export_is_a_folder_of_tables(reports_ledger: Path, tmp_path: Path) -> None:
    target = tmp_path / "tables"
    assert export(reports_ledger, "-f", "csv", "-o", str(target)).exit_code == 0
    assert sorted(path.name for path in target.iterdir()) == sorted(
        [".dealledger-export", *(f"{table.name}.csv" for table in TABLES)]
    )
    raw = (target / "tranches.csv").read_bytes()
    assert raw.count(b"\r\n") == 13  # header + 12 tranches, RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(raw.decode())))
    assert sum(int(row["reporting_minor"] or 0) for row in rows) == 22706128513
    assert export(reports_ledger, "-f", "csv", "-o", str(target)).exit_code == 2
    assert export(reports_ledger, "-f", "csv", "-o", str(target), "--force").exit_code == 0


def test_stdout_only_for_json(reports_ledger: Path) -> None:
    result = export(reports_ledger, "-o", "-")
    assert result.exit_code == 2


def test_minor_units() -> None:
    assert minor_units(Decimal("12345678.91"), "EUR") == 1234567891
    assert minor_units(Decimal("1000"), "JPY") == 1000
    assert minor_units(None, "USD") is None


def test_bundled_ledger_exports(tmp_path: Path) -> None:
    root = REPO
    target = tmp_path / "bundled.sqlite"
    assert export(root, "-o", str(target)).exit_code == 0
    with sqlite3.connect(target) as db:
        cents = db.execute("SELECT SUM(reporting_minor) FROM tranches").fetchone()[0]
        groups = db.execute(
            "SELECT DISTINCT payee_group FROM tranches WHERE payee_group IS NOT NULL"
        ).fetchall()
    assert cents == 25_850_000_000 * 100
    assert groups == [("CSPC Pharmaceutical Group",)]
