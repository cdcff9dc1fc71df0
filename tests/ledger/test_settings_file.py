"""dealledger.toml: every key is optional, so an empty settings file is the default settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import make_ledger, minimal_deal
from check_runs import check, run_cli
from dealledger.ledger.ledger import load_ledger


@pytest.mark.parametrize("settings", ["", "\n\n  \t\n", "\ufeff", "# reporting currency later\n"])
def test_empty_or_comment_only_settings_are_the_defaults(tmp_path: Path, settings: str) -> None:
    make_ledger(tmp_path, {"a.toml": minimal_deal("a")}, settings)
    checked = check(tmp_path)
    code, document = checked.exit_code, checked.data
    assert (code, document["problems"]) == (0, [])
    ledger = load_ledger(tmp_path)
    assert ledger.settings.currency is None
    assert [entry.deal.id for entry in ledger.entries] == ["a"]
    result = run_cli("summarize", "--ledger", str(tmp_path), "--format", "json")
    assert result.exit_code == 0


def test_an_empty_deal_file_is_still_a_problem(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"a.toml": minimal_deal("a"), "empty.toml": ""}, "")
    checked = check(tmp_path)
    code, document = checked.exit_code, checked.data
    (problem,) = document["problems"]
    assert problem["path"].endswith("empty.toml")
    assert problem["code"] == "DL005"
    assert "a deal file needs id, title" in problem["message"]
    assert code == 1
