"""`check --format` for CI: every format parsed back with a real parser."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.dom import minidom

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import minimal_deal, parties, write_deal
from dealledger.cli import app
from dealledger.domain.models import Settings
from dealledger.domain.problems import CODES, Problem, Severity
from dealledger.ledger.ledger import Ledger
from dealledger.render import ci_formats

BAD = 'id = "bad-deal"\ntitle = "Bad, deal: 100% \\u0007"\nkindd = "license"\n'
UNREGISTERED = minimal_deal(
    "unregistered-party",
    title="A deal with a party the registry does not know",
    announced="2024-01-05",
    parties=parties(("Nobody Pharma, Inc.", "licensor"), ("AstraZeneca", "licensee")),
)


@pytest.fixture
def ledger_dir(bundled_ledger: Path) -> Path:
    """The bundled ledger (the working folder) with a broken and an unregistered deal added."""
    write_deal(bundled_ledger, BAD, "bad.toml")
    write_deal(bundled_ledger, UNREGISTERED, "unregistered.toml")
    return bundled_ledger


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", *args], env=env)
    return result.exit_code, result.stdout


def reference(ledger_dir: Path) -> dict:
    code, out = run("--format", "json")
    assert code == 1
    return json.loads(out)


def test_json_keeps_the_spec_document(ledger_dir: Path) -> None:
    document = reference(ledger_dir)
    assert list(document) == ["files", "deals", "errors", "warnings", "problems"]
    assert document["files"] == 7
    assert document["errors"] >= 1 and document["warnings"] >= 1
    assert list(document["problems"][0]) == [
        "path",
        "line",
        "column",
        "severity",
        "code",
        "message",
        "deal",
        "end_line",
        "end_column",
    ]


def test_concise_is_text_without_the_count_line(ledger_dir: Path) -> None:
    _, text = run()
    code, concise = run("--format", "concise")
    assert code == 1
    assert text.splitlines()[:-1] == concise.splitlines()
    assert text.splitlines()[-1].startswith("Found ")
    for line in concise.splitlines():
        assert re.match(r"^[^:]+:\d+:\d+: (error|warning) DL\d{3} ", line)


def test_json_lines_one_object_per_problem(ledger_dir: Path) -> None:
    problems = reference(ledger_dir)["problems"]
    code, out = run("--format", "json-lines")
    assert code == 1
    assert [json.loads(line) for line in out.splitlines()] == problems


def test_github_annotations(ledger_dir: Path) -> None:
    problems = reference(ledger_dir)["problems"]
    code, out = run("--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == len(problems)
    pattern = re.compile(
        r"^::(error|warning) file=([^,:]+),line=(\d+),endLine=(\d+),col=(\d+),"
        r"endColumn=(\d+),title=([^:]+)::(.+)$"
    )
    for line, problem in zip(lines, problems, strict=True):
        match = pattern.match(line)
        assert match, line
        assert match[1] == problem["severity"]
        assert match[2] == problem["path"]
        assert (int(match[3]), int(match[5])) == (problem["line"], problem["column"])
        assert (int(match[4]), int(match[6])) == (problem["end_line"], problem["end_column"])
        assert match[7].startswith(problem["code"] + " ")
    assert any(line.startswith("::warning ") for line in lines)


def test_github_escaping() -> None:
    assert ci_formats._escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert ci_formats._escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    problem = Problem(
        "DL102", Severity.ERROR, "deals/a,b:c.toml", 2, 3, "bad\n::add-mask::secret 50%"
    )
    out = ci_formats.render_github([problem])
    assert out == (
        "::error file=deals/a%2Cb%3Ac.toml,line=2,col=3,title=DL102 unknown key::"
        "bad ::add-mask::secret 50%25\n"
    )
    assert out.count("\n") == 1


@settings(max_examples=60, deadline=None)
@given(message=st.text(), path=st.text(min_size=1))
def test_github_one_line_per_problem_whatever_the_text(message: str, path: str) -> None:
    out = ci_formats.render_github([Problem("DL102", Severity.WARNING, path, 1, 1, message)])
    assert out.endswith("\n")
    assert "\n" not in out[:-1] and "\r" not in out
    head, _, _ = out[2:].partition("::")
    assert head.startswith("warning file=")


def test_gitlab_code_quality(ledger_dir: Path) -> None:
    problems = reference(ledger_dir)["problems"]
    code, out = run("--format", "gitlab")
    assert code == 1
    issues = json.loads(out)
    assert len(issues) == len(problems)
    for issue, problem in zip(issues, problems, strict=True):
        assert issue["check_name"] == problem["code"]
        assert problem["message"] in issue["description"]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == problem["path"]
        assert issue["location"]["lines"]["begin"] == problem["line"]
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)

    # Stable: the same problems, moved down a line, keep their fingerprints.
    bad = ledger_dir / "deals" / "bad.toml"
    bad.write_text("# a comment\n" + BAD, encoding="utf-8")
    moved = json.loads(run("--format", "gitlab")[1])
    assert [issue["fingerprint"] for issue in moved] == fingerprints
    lines = {issue["check_name"]: issue["location"]["lines"]["begin"] for issue in issues}
    moved_lines = {issue["check_name"]: issue["location"]["lines"]["begin"] for issue in moved}
    assert moved_lines["DL102"] == lines["DL102"] + 1


def test_sarif_required_keys(ledger_dir: Path) -> None:
    problems = reference(ledger_dir)["problems"]
    code, out = run("--format", "sarif")
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "dealledger"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == list(CODES)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
    results = run_["results"]
    assert len(results) == len(problems)
    for result, problem in zip(results, problems, strict=True):
        assert result["ruleId"] == problem["code"]
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note", "none"}
        assert result["message"]["text"] == problem["message"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == problem["path"]
        assert physical["region"]["startLine"] == problem["line"] >= 1
        assert physical["region"]["startColumn"] == problem["column"] >= 1


def test_junit_suite_per_file_failure_per_problem(ledger_dir: Path) -> None:
    document = reference(ledger_dir)
    code, out = run("--format", "junit")
    assert code == 1
    dom = minidom.parseString(out.encode("utf-8"))
    suites = dom.getElementsByTagName("testsuite")
    names = [suite.getAttribute("name") for suite in suites]
    assert len(names) == document["files"] == len(set(names))
    failures = dom.getElementsByTagName("failure")
    assert len(failures) == len(document["problems"])
    root = dom.documentElement
    assert root.tagName == "testsuites"
    assert int(root.getAttribute("failures")) == len(document["problems"])
    for suite in suites:
        cases = suite.getElementsByTagName("testcase")
        assert int(suite.getAttribute("tests")) == len(cases)
        assert int(suite.getAttribute("failures")) == len(suite.getElementsByTagName("failure"))


@settings(max_examples=60, deadline=None)
@given(message=st.text(), path=st.text(min_size=1))
def test_junit_is_well_formed_whatever_the_text(message: str, path: str) -> None:
    problem = Problem("DL102", Severity.ERROR, path, 3, 4, message)
    ledger = Ledger(None, Settings(), (), (problem,), 1)
    dom = minidom.parseString(ci_formats.render_junit(ledger).encode("utf-8"))
    assert len(dom.getElementsByTagName("failure")) == 1


def test_clean_ledger_machine_formats_are_empty_documents(
    ledger_dir: Path,
) -> None:
    (ledger_dir / "deals" / "bad.toml").unlink()
    (ledger_dir / "deals" / "unregistered.toml").unlink()
    assert run("--format", "github") == (0, "")
    assert run("--format", "concise") == (0, "")
    assert run("--format", "json-lines") == (0, "")
    assert json.loads(run("--format", "gitlab")[1]) == []
    assert json.loads(run("--format", "sarif")[1])["runs"][0]["results"] == []
    dom = minidom.parseString(run("--format", "junit")[1])
    assert len(dom.getElementsByTagName("testsuite")) == 5
    assert not dom.getElementsByTagName("failure")


def test_format_from_environment(ledger_dir: Path) -> None:
    code, out = run(env={"DEALLEDGER_FORMAT": "json-lines"})
    assert code == 1
    assert all(json.loads(line) for line in out.splitlines())
    # The option wins over the environment.
    code, out = run("--format", "json", env={"DEALLEDGER_FORMAT": "github"})
    assert json.loads(out)["files"] == 7


def test_unknown_format_is_a_usage_error(ledger_dir: Path) -> None:
    result = CliRunner().invoke(app, ["check"], env={"DEALLEDGER_FORMAT": "xml"})
    assert result.exit_code == 2
    result = CliRunner().invoke(app, ["check", "--format", "yaml"])
    assert result.exit_code == 2


def test_warnings_only_exit_zero_unless_strict(ledger_dir: Path) -> None:
    (ledger_dir / "deals" / "bad.toml").unlink()
    assert run("--format", "sarif")[0] == 0
    assert run("--format", "sarif", "--strict")[0] == 1


def test_problem_without_position(tmp_path: Path) -> None:
    """A file that is not UTF-8 has no line: every format still says which file."""
    problem = Problem("DL002", Severity.ERROR, "deals/latin1 file.toml", None, None, "not UTF-8")
    assert ci_formats.render_github([problem]) == (
        "::error file=deals/latin1 file.toml,title=DL002 file is not valid UTF-8::not UTF-8\n"
    )
    (issue,) = json.loads(ci_formats.render_gitlab([problem]))
    assert issue["location"] == {
        "path": "deals/latin1 file.toml",
        "lines": {"begin": 1, "end": 1},
    }
    log = json.loads(ci_formats.render_sarif([problem], "0"))
    (result,) = log["runs"][0]["results"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "deals/latin1%20file.toml"}}
    assert ci_formats.render_concise([problem]) == (
        "deals/latin1 file.toml: error DL002 not UTF-8\n"
    )


def test_real_non_utf8_file_in_every_format(ledger_dir: Path) -> None:
    (ledger_dir / "deals" / "bad.toml").write_bytes(b'id = "caf\xe9"\n')
    for output_format in ("concise", "json-lines", "github", "gitlab", "sarif", "junit"):
        code, out = run("--format", output_format)
        assert code == 1
        assert "deals/bad.toml" in out
