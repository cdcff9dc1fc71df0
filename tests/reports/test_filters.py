"""Deal filters: AND across options, OR within one, on every reporting command."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import REPO
from dealledger.cli import app
from dealledger.reports.filters import FilterError, build_filter, parse_filter_date

runner = CliRunner()


def ids(root: Path, *args: str) -> list[str]:
    result = runner.invoke(app, ["summarize", "--ledger", str(root), "-f", "json", *args])
    assert result.exit_code == 0, result.output
    return [record["id"] for record in json.loads(result.stdout)]


def test_no_filter_selects_everything(reports_ledger: Path) -> None:
    assert ids(reports_ledger) == ["us-option", "eu-licence", "us-framework", "cn-collab"]


def test_party_by_name_alias_and_group(reports_ledger: Path) -> None:
    assert ids(reports_ledger, "--party", "Alpha Pharma KK") == ["cn-collab"]
    # case-insensitive, and a registry alias of the group
    assert ids(reports_ledger, "--party", "alpha holdings") == [
        "us-option",
        "eu-licence",
        "cn-collab",
    ]
    # the group matches its subsidiaries (Alpha Bio GmbH, Alpha Pharma KK) and its alias "Alpha"
    assert ids(reports_ledger, "--party", "Alpha Group") == ["us-option", "eu-licence", "cn-collab"]
    assert ids(reports_ledger, "--party", "Delta Inc") == ["us-option", "us-framework"]


def test_bundled_party_rolls_up_to_group() -> None:
    root = REPO
    found = ids(root, "--party", "CSPC Pharmaceutical Group")
    assert len(found) == 5  # every bundled deal has a CSPC company
    assert ids(root, "--party", "Shanghai JMT-Bio Inc.") == [
        "azn-cspc-2023-framework",
        "azn-cspc-2023-lung-confirmatory",
    ]


def test_dates_are_on_the_deal_date_signed_else_announced(reports_ledger: Path) -> None:
    # eu-licence: signed 2024-03-15, announced 2024-03-18
    assert ids(reports_ledger, "--since", "2024-03-16", "--until", "2024-12-31") == ["us-framework"]
    assert ids(reports_ledger, "--since", "2024-03-15", "--until", "2024-03-15") == ["eu-licence"]
    assert ids(reports_ledger, "--since", "2024", "--until", "2024") == [
        "eu-licence",
        "us-framework",
    ]
    assert ids(reports_ledger, "--until", "2023-Q2") == ["us-option"]


def test_filters_and_across_or_within(reports_ledger: Path) -> None:
    assert ids(reports_ledger, "--kind", "license", "--kind", "option") == [
        "us-option",
        "eu-licence",
    ]
    assert ids(reports_ledger, "--kind", "license,option", "--party", "Delta Inc") == ["us-option"]
    assert ids(reports_ledger, "--area", "Oncology") == ["eu-licence", "cn-collab"]
    assert ids(reports_ledger, "--area", "oncology", "--tag", "china") == ["cn-collab"]
    assert ids(reports_ledger, "--status", "terminated") == ["us-option"]


def test_nothing_matches_is_empty_exit_0_with_note_in_table_mode(reports_ledger: Path) -> None:
    result = runner.invoke(app, ["summarize", "--ledger", str(reports_ledger), "--tag", "nope"])
    assert result.exit_code == 0
    assert "no deal matches" in result.stderr
    result = runner.invoke(
        app, ["totals", "--ledger", str(reports_ledger), "--tag", "nope", "-f", "json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["overall"]["deals"] == 0
    assert result.stderr == ""
    result = runner.invoke(
        app, ["timeline", "--ledger", str(reports_ledger), "--tag", "nope", "-f", "json"]
    )
    assert result.exit_code == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--kind", "licence", "license, collaboration"),
        ("--status", "open", "announced, active"),
        ("--since", "2024-02-30", "YYYY-MM-DD"),
        ("--until", "last year", "YYYY-Qn"),
    ],
)
def test_bad_filter_values_are_usage_errors(
    reports_ledger: Path, option: str, value: str, expected: str
) -> None:
    for command in ("summarize", "totals", "timeline"):
        result = runner.invoke(app, [command, "--ledger", str(reports_ledger), option, value])
        assert result.exit_code == 2, command
        assert expected in result.stderr
        assert result.stdout == ""


def test_since_after_until_is_an_error() -> None:
    with pytest.raises(FilterError):
        build_filter(since="2025", until="2024")


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_period_bounds_contain_the_day(day: date) -> None:
    for text in (
        f"{day.year}",
        f"{day.year}-{day.month:02d}",
        f"{day.year}-Q{(day.month - 1) // 3 + 1}",
        f"{day.year}-H{(day.month - 1) // 6 + 1}",
    ):
        assert parse_filter_date(text, end=False) <= day <= parse_filter_date(text, end=True)
    assert parse_filter_date(day.isoformat(), end=True) == day
