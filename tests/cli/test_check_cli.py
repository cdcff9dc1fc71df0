"""check: output contract, exit codes, ledger discovery and path selection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builders import REPO, make_ledger, minimal_deal
from check_runs import check, run_cli


def test_bundled_ledger_is_clean_with_no_warnings() -> None:
    result = run_cli("check", "--ledger", str(REPO), "--strict")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip() == "No problems in 5 files."


def test_text_lines_follow_path_line_col_severity_code(tmp_path: Path) -> None:
    make_ledger(
        tmp_path, {"a.toml": minimal_deal("a").replace('kind = "license"', 'kind = "licence"')}
    )
    result = run_cli("check", "--ledger", str(tmp_path))
    first, count = result.stdout.splitlines()
    path = os.path.join(str(tmp_path), "deals", "a.toml")
    assert first.startswith(f"{path}:3:8: error DL104 ")
    assert 'did you mean "license"?' in first
    assert count == "Found 1 error and 0 warnings in 1 file."
    assert result.exit_code == 1


def test_json_document_is_exactly_the_spec_shape(tmp_path: Path) -> None:
    make_ledger(
        tmp_path,
        {"a.toml": minimal_deal("a"), "b.toml": minimal_deal("b").replace("110M", "-1M")},
    )
    checked = check(tmp_path)
    code, document = checked.exit_code, checked.data
    assert code == 1
    assert list(document) == ["files", "deals", "errors", "warnings", "problems"]
    assert (document["files"], document["deals"], document["errors"]) == (2, 1, 1)
    (problem,) = document["problems"]
    spec_keys = ["path", "line", "column", "severity", "code", "message", "deal"]
    assert list(problem) == [*spec_keys, "end_line", "end_column"]  # issue 15: end positions
    assert (problem["line"], problem["column"], problem["code"]) == (17, 10, "DL110")
    assert (problem["end_line"], problem["end_column"]) == (17, 14)  # the whole "-1M"
    assert problem["deal"] == "b"


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    settings = '[parties."Licensor Co"]\n'
    make_ledger(tmp_path, {"a.toml": minimal_deal("a")}, settings)
    checked = check(tmp_path)
    code, document = checked.exit_code, checked.data
    assert (code, document["warnings"], document["errors"]) == (0, 1, 0)
    assert "party 'Licensee Inc' is not in the registry" in document["problems"][0]["message"]
    assert check(tmp_path, "--strict").exit_code == 1


def test_missing_path_is_a_usage_error(minimal_ledger: Path) -> None:
    result = run_cli("check", "--ledger", str(minimal_ledger), str(minimal_ledger / "nope.toml"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.output


def test_paths_from_stdin_check_only_those_files(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"a.toml": minimal_deal("a"), "b.toml": minimal_deal("b", "typo = 1")})
    listed = f"{tmp_path / 'deals' / 'a.toml'}\n"
    result = run_cli("check", "--ledger", str(tmp_path), "-", "--format", "json", stdin=listed)
    document = json.loads(result.stdout)
    assert (result.exit_code, document["files"], document["errors"]) == (0, 1, 0)


def test_selected_files_still_see_the_whole_ledger(tmp_path: Path) -> None:
    related = minimal_deal("b", 'related = ["a"]')
    make_ledger(tmp_path, {"a.toml": minimal_deal("a"), "b.toml": related})
    result = run_cli("check", "--ledger", str(tmp_path), str(tmp_path / "deals" / "b.toml"))
    assert result.exit_code == 0, result.stdout
    duplicate = {"a.toml": minimal_deal("a"), "a2.toml": minimal_deal("a")}
    make_ledger(tmp_path / "two", duplicate)
    result = run_cli(
        "check", "--ledger", str(tmp_path / "two"), str(tmp_path / "two" / "deals" / "a2.toml")
    )
    assert result.exit_code == 1
    assert "DL301" in result.stdout and "a.toml" in result.stdout


def test_folder_argument_reads_every_toml_below_it(tmp_path: Path) -> None:
    make_ledger(
        tmp_path,
        {"2024/a.toml": minimal_deal("a"), "2025/x/b.toml": minimal_deal("b"), "c.txt": "x"},
    )
    checked = check(tmp_path)
    code, document = checked.exit_code, checked.data
    assert document["files"] == 2 and code == 0


def test_empty_deals_folder_is_clean(tmp_path: Path) -> None:
    make_ledger(tmp_path, {})
    result = run_cli("check", "--ledger", str(tmp_path))
    assert (result.exit_code, result.stdout.strip()) == (0, "No problems in 0 files.")


def test_no_ledger_found_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALLEDGER_LEDGER", raising=False)
    result = run_cli("check")
    assert result.exit_code == 2
    assert "no ledger found" in result.stderr


def test_discovery_upwards_and_by_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_ledger(tmp_path / "book", {"a.toml": minimal_deal("a")})
    nested = tmp_path / "book" / "deals" / "deeper"
    nested.mkdir()
    monkeypatch.delenv("DEALLEDGER_LEDGER", raising=False)
    monkeypatch.chdir(nested)
    assert json.loads(run_cli("check", "-f", "json").stdout)["files"] == 1
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEALLEDGER_LEDGER", str(tmp_path / "book"))
    assert json.loads(run_cli("check", "-f", "json").stdout)["files"] == 1


def test_settings_problems_are_reported_at_their_line(tmp_path: Path) -> None:
    settings = (
        'currency = "USD"\n\n[[fx]]\ndate = 2025-01-01\nfrom = "EUR"\nto = "USD"\nrate = 1.08\n'
    )
    make_ledger(tmp_path, {"a.toml": minimal_deal("a")}, settings)
    checked = check(tmp_path)
    code, document = checked.exit_code, checked.data
    (problem,) = document["problems"]
    assert problem["path"].endswith("dealledger.toml")
    assert (problem["line"], problem["code"]) == (7, "DL108")
    assert '"1.08"' in problem["message"]
    assert code == 1


@pytest.mark.slow
def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dealledger", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("dealledger ")


def test_unknown_option_is_a_usage_error() -> None:
    result = run_cli("check", "--no-such-option")
    assert result.exit_code == 2


def test_every_problem_code_is_documented() -> None:
    from dealledger.domain.problems import CODES

    documented = (REPO / "docs" / "problem-codes.md").read_text(encoding="utf-8")
    missing = [
        code
        for code in CODES
        if f"| [{code}](#{code.lower()}) |" not in documented or f"### {code}\n" not in documented
    ]
    assert not missing


def test_a_named_folder_without_deal_files_is_noted_on_stderr(minimal_ledger: Path) -> None:
    (minimal_ledger / "deals" / "2027").mkdir()
    result = run_cli(
        "check", "--ledger", str(minimal_ledger), str(minimal_ledger / "deals" / "2027")
    )
    assert result.exit_code == 0
    assert "no deal files" in result.stderr
    assert result.stdout.strip() == "No problems in 0 files."
