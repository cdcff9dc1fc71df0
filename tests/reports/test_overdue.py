"""The overdue flag in `show`, `summarize` and `timeline`: an expected tranche whose due date or
period ended before today (or --as-of) is overdue; paid, achieved and undated ones never are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from builders import make_ledger, minimal_deal
from check_runs import run

TRANCHES = """
[[tranches]]
type = "upfront"
label = "Upfront due in Q2"
amount = "100M"
due = "2026-Q2"

[[tranches]]
type = "milestone"
label = "Paid milestone"
amount = "20M"
status = "paid"
paid = 2026-03-01
due = "2026-Q1"

[[tranches]]
type = "milestone"
label = "Undated milestone"
amount = "30M"

[[tranches]]
type = "milestone"
label = "Due on a day"
amount = "10M"
due = 2026-07-15
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_ledger(tmp_path, [minimal_deal(announced="2026-01-05", tranches=TRANCHES)])


def _json(root: Path, *args: str) -> Any:
    result = run(*args, "-L", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_show_marks_each_tranche(root: Path) -> None:
    # 2026-Q2 ends on 2026-06-30: not overdue that day, overdue the day after
    on_the_day = _json(root, "show", "example", "--as-of", "2026-06-30")
    assert [t["overdue"] for t in on_the_day["tranches"]] == [False, False, False, False]
    after = _json(root, "show", "example", "--as-of", "2026-07-16")
    assert [t["overdue"] for t in after["tranches"]] == [True, False, False, True]
    assert after["overdue"] == 2
    table = run("show", "example", "-L", str(root), "--as-of", "2026-07-01").stdout
    assert "expected (overdue)" in table and table.count("(overdue)") == 1


def test_summarize_counts_per_deal_in_every_format(root: Path) -> None:
    (row,) = _json(root, "summarize", "--as-of", "2026-07-01")
    assert row["overdue"] == 1
    (row,) = _json(root, "summarize", "--as-of", "2026-07-16")
    assert row["overdue"] == 2
    (row,) = _json(root, "summarize", "--as-of", "2026-01-01")
    assert row["overdue"] == 0
    csv = run("summarize", "-L", str(root), "--as-of", "2026-07-16", "--format", "csv").stdout
    header, line = csv.splitlines()[:2]
    assert line.split(",")[header.split(",").index("overdue")] == "2"
    table = run("summarize", "-L", str(root), "--as-of", "2026-07-16").stdout
    assert "Overdue" in table and "2 expected tranches overdue" in table


def test_summarize_counts_follow_the_day_from_a_warm_cache(root: Path) -> None:
    """The rows are kept per file version; the count must still follow --as-of."""
    assert _json(root, "summarize", "--as-of", "2026-01-01")[0]["overdue"] == 0
    assert _json(root, "summarize", "--as-of", "2026-07-16")[0]["overdue"] == 2


def test_timeline_marks_the_due_event(root: Path) -> None:
    events = _json(root, "timeline", "--as-of", "2026-07-01")
    marked = [(e["event"], e["label"]) for e in events if e["overdue"]]
    assert marked == [("due", "Upfront due in Q2")]
    assert all(e["overdue"] is False for e in events if e["event"] != "due")
    table = run("timeline", "-L", str(root), "--as-of", "2026-07-01", "--no-chart").stdout
    assert "due (overdue)" in table
    csv = run("timeline", "-L", str(root), "--as-of", "2026-07-01", "--format", "csv").stdout
    assert csv.splitlines()[0].endswith(",overdue")


def test_a_bad_as_of_is_a_usage_error(root: Path) -> None:
    for command in (["show", "example"], ["summarize"], ["timeline"]):
        result = run(*command, "-L", str(root), "--as-of", "2026-13-01")
        assert result.exit_code == 2
        assert "--as-of '2026-13-01' is not a date" in result.output


def test_the_bundled_upfront_is_overdue_after_its_quarter(bundled_ledger: Path) -> None:
    deal = "azn-cspc-2026-obesity-peptides"
    shown = _json(bundled_ledger, "show", deal, "--as-of", "2026-12-04")
    assert shown["tranches"][0]["overdue"] is True
    assert _json(bundled_ledger, "show", deal, "--as-of", "2026-06-30")["overdue"] == 0
