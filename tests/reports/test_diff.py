"""`dealledger diff`: a ledger in a real git repository, changed, compared through the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import REPO
from dealledger.cli import app
from reports_fixture import write_ledger

NEW_DEAL = """\
id = "eu-newco"
title = "Gamma licenses GX-1 to Beta"
kind = "license"
announced = 2025-05-02
currency = "EUR"

[[parties]]
name = "Gamma SA"
role = "licensor"

[[parties]]
name = "Beta Pharma"
role = "licensee"

[[tranches]]
type = "upfront"
amount = "10M"
"""
# 10,000,000 EUR at the 2024-06-01 rate 1.0700 (the latest before 2025-05-02), in USD.
NEW_DEAL_TOTAL_USD = Decimal("10700000")


@pytest.fixture(autouse=True)
def quiet_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git with a fixed identity and no user or system configuration."""
    for name, value in {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DEALLEDGER_LEDGER", raising=False)
    # Every temporary folder diff makes lands here, so a test can see it was removed.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_ledger(tmp_path / "repo")
    git(root, "init", "-q")
    commit_all(root, "ledger")
    return root


def mark_upfront_paid(root: Path) -> None:
    path = root / "deals" / "2025" / "cn-collab.toml"
    text = path.read_text(encoding="utf-8")
    marked = 'amount = 100000000\npayer = "Beta Pharma"'
    assert marked in text
    path.write_text(
        text.replace(marked, f'{marked}\nstatus = "paid"\npaid = 2025-04-01', 1), encoding="utf-8"
    )


def diff(root: Path, *args: str) -> subprocess.CompletedProcess[str] | object:
    return CliRunner().invoke(app, ["diff", "--ledger", str(root), *args])


def diff_json(root: Path, *args: str) -> dict:
    result = diff(root, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)


def test_an_added_deal_and_a_paid_tranche(repo: Path, tmp_path: Path) -> None:
    (repo / "deals" / "2025" / "eu-newco.toml").write_text(NEW_DEAL, encoding="utf-8")
    mark_upfront_paid(repo)

    record = diff_json(repo)

    assert record["from"] == "HEAD"
    assert record["to"] is None
    assert record["added"] == ["eu-newco"]
    assert record["removed"] == []
    assert record["renamed"] == []
    [changed] = record["changed"]
    assert changed["id"] == "cn-collab"
    assert changed["path"] == "deals/2025/cn-collab.toml"
    by_path = {change["path"]: change for change in changed["changes"]}
    assert set(by_path) == {"tranches[0].status", "tranches[0].paid"}
    assert (by_path["tranches[0].status"]["before"], by_path["tranches[0].status"]["after"]) == (
        "expected",
        "paid",
    )
    assert by_path["tranches[0].status"]["text"] == ("upfront CNY 100M: expected → paid 2025-04-01")
    totals = record["totals"]
    assert record["currency"] == "USD"
    assert totals["delta"]["total"] == NEW_DEAL_TOTAL_USD
    assert totals["after"]["total"] - totals["before"]["total"] == NEW_DEAL_TOTAL_USD
    assert totals["before"]["total"] == Decimal("227061285.13")  # the fixture's hand figure
    # The paid upfront: 100,000,000 CNY / 7.1, rounded to the cent.
    assert totals["delta"]["paid"] == Decimal("14084507.04")
    assert totals["delta"]["deals"] == 1
    assert record["added_deals"][0]["total"] == NEW_DEAL_TOTAL_USD
    assert record["added_deals"][0]["path"] == "deals/2025/eu-newco.toml"
    assert list((tmp_path / "scratch").iterdir()) == []  # the revision's folder is gone


def test_exit_code_says_whether_anything_changed(repo: Path) -> None:
    assert diff(repo, "--exit-code").exit_code == 0
    assert diff(repo).exit_code == 0
    mark_upfront_paid(repo)
    assert diff(repo).exit_code == 0
    assert diff(repo, "--exit-code").exit_code == 1


def test_two_revisions_removed_renamed_and_a_new_tranche(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    git(repo, "mv", "deals/2024/eu-licence.toml", "deals/2024/eu-licence-ab101.toml")
    git(repo, "rm", "-q", "deals/2024/us-framework.toml")
    path = repo / "deals" / "2024" / "eu-licence-ab101.toml"
    text = path.read_text(encoding="utf-8")
    # A tranche inserted in the middle: one new tranche, the later ones unchanged.
    inserted = '[[tranches]]\ntype = "milestone"\nlabel = "Phase 1 data"\namount = "5M"\n\n'
    anchor = '[[tranches]]\ntype = "milestone"\nlabel = "Phase 2 start"'
    path.write_text(text.replace(anchor, inserted + anchor, 1), encoding="utf-8")
    second = commit_all(repo, "second")
    (repo / "deals" / "2024" / "scratch.toml").write_text("id = \n", encoding="utf-8")  # ignored

    record = diff_json(repo, first, second)

    assert (record["from"], record["to"]) == (first, second)
    assert record["to_commit"] == second
    assert record["added"] == []
    assert record["removed"] == ["us-framework"]
    assert record["renamed"] == [
        {
            "id": "eu-licence",
            "from": "deals/2024/eu-licence.toml",
            "to": "deals/2024/eu-licence-ab101.toml",
        }
    ]
    [changed] = record["changed"]
    assert [change["path"] for change in changed["changes"]] == ["tranches[1]"]
    assert changed["changes"][0]["before"] is None
    assert changed["changes"][0]["after"]["label"] == "Phase 1 data"
    assert changed["changes"][0]["text"] == 'new tranche: milestone "Phase 1 data" EUR 5M'


def test_field_changes_read_as_business_words(repo: Path) -> None:
    path = repo / "deals" / "2024" / "eu-licence.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("amount = 50000000", 'amount = "60M"').replace('"2025-H2"', '"2026-Q1"')
    text = text.replace('title = "Alpha Bio licenses AB-101 to Beta"', 'title = "AB-101 licence"')
    path.write_text(text, encoding="utf-8")

    record = diff_json(repo)

    [changed] = record["changed"]
    texts = [change["text"] for change in changed["changes"]]
    assert texts == [
        "title: Alpha Bio licenses AB-101 to Beta → AB-101 licence",
        'milestone "Phase 2 start" EUR 60M amount: 50M → 60M',
        'milestone "Phase 2 start" EUR 60M due: 2025-H2 → 2026-Q1',
    ]
    amount = next(c for c in changed["changes"] if c["path"] == "tranches[1].amount")
    assert (amount["before"], amount["after"]) == (50000000, 60000000)
    # 10,000,000 EUR more at the deal's date rate 1.0850.
    assert record["totals"]["delta"]["total"] == Decimal("10850000")


def table_blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    previous = False
    for line in text.splitlines():
        if line.startswith("|"):
            if not previous:
                blocks.append([])
            blocks[-1].append(line)
        previous = line.startswith("|")
    return blocks


def cells(line: str) -> list[str]:
    assert line.startswith("|") and line.endswith("|"), line
    return re.split(r"(?<!\\)\|", line[1:-1])


def assert_valid_tables(text: str) -> int:
    """Each table: a header, a separator row, and rows of the header's width."""
    blocks = table_blocks(text)
    for block in blocks:
        assert len(block) >= 2
        width = len(cells(block[0]))
        assert all(re.fullmatch(r"\s*:?-{3,}:?\s*", cell) for cell in cells(block[1])), block[1]
        assert all(len(cells(line)) == width for line in block), block
    # A table must follow a blank line to render in GitHub's Markdown.
    lines = text.splitlines()
    for block in blocks:
        start = lines.index(block[0])
        assert start == 0 or lines[start - 1] == ""
    return len(blocks)


def test_markdown_is_a_short_comment_with_valid_tables(repo: Path) -> None:
    (repo / "deals" / "2025" / "eu-newco.toml").write_text(NEW_DEAL, encoding="utf-8")
    mark_upfront_paid(repo)
    path = repo / "deals" / "2024" / "eu-licence.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"Phase 2 start"', '"Phase 2 | start"'),
        encoding="utf-8",
    )

    result = diff(repo, "--format", "markdown")

    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("### dealledger diff: HEAD → working tree\n")
    assert "**3 deals: 1 added, 2 changed; total +USD 10.7M**" in text
    assert assert_valid_tables(text) == 2
    assert "| added | eu-newco |" in text
    assert "upfront CNY 100M: expected → paid 2025-04-01" in text
    assert "<details>" not in text


def test_a_long_markdown_list_folds_into_details(repo: Path) -> None:
    for number in range(12):
        text = NEW_DEAL.replace('id = "eu-newco"', f'id = "newco-{number:02d}"')
        (repo / "deals" / f"newco-{number:02d}.toml").write_text(text, encoding="utf-8")

    text = diff(repo, "--format", "markdown").stdout

    assert "<details>\n<summary>12 changes</summary>\n\n|" in text
    assert text.rstrip().endswith("</details>")
    assert assert_valid_tables(text) == 2


def test_table_and_csv(repo: Path) -> None:
    mark_upfront_paid(repo)
    table = diff(repo)
    assert "expected → paid 2025-04-01" in table.stdout
    assert "+USD ~14.1M" in table.stdout  # 14,084,507.04 paid, shortened
    rows = diff(repo, "--format", "csv").stdout.splitlines()
    assert rows[0] == "change,id,path,field,before,after,text"
    assert rows[1].startswith("changed,cn-collab,deals/2025/cn-collab.toml,tranches[0].status,")


def test_a_ledger_in_a_sub_folder_of_its_repository(tmp_path: Path) -> None:
    top = tmp_path / "top"
    root = write_ledger(top / "books" / "ledger")
    git(top, "init", "-q")
    commit_all(top, "ledger")
    mark_upfront_paid(root)
    record = diff_json(root)
    assert record["changed"][0]["path"] == "deals/2025/cn-collab.toml"
    assert record["totals"]["delta"]["total"] == 0


def test_filters_apply_to_both_sides(repo: Path) -> None:
    (repo / "deals" / "2025" / "eu-newco.toml").write_text(NEW_DEAL, encoding="utf-8")
    mark_upfront_paid(repo)
    record = diff_json(repo, "--kind", "collaboration")
    assert record["added"] == []
    assert [deal["id"] for deal in record["changed"]] == ["cn-collab"]
    assert record["totals"]["before"]["deals"] == 1


def test_usage_errors(repo: Path, tmp_path: Path) -> None:
    unknown = diff(repo, "no-such-branch")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("dealledger: error: unknown revision 'no-such-branch'")
    option_like = diff(repo, "HEAD", "--", "--output=x")
    assert option_like.exit_code == 2
    assert "is not a revision" in option_like.stderr
    plain = write_ledger(tmp_path / "plain")
    outside = diff(plain)
    assert outside.exit_code == 2
    assert "is not in a git repository" in outside.stderr
    assert "Traceback" not in outside.output


def test_an_empty_revision_before_the_ledger_existed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "README").write_text("x\n", encoding="utf-8")
    commit_all(root, "empty")
    write_ledger(root)
    record = diff_json(root)
    assert record["added"] == ["cn-collab", "eu-licence", "us-framework", "us-option"]
    assert record["totals"]["before"]["total"] == 0
    assert record["totals"]["delta"]["total"] == Decimal("227061285.13")


def test_the_revision_problems_are_a_note_and_the_working_tree_ones_exit_1(repo: Path) -> None:
    broken = repo / "deals" / "broken.toml"
    broken.write_text('id = "broken"\n', encoding="utf-8")
    commit_all(repo, "broken")
    result = diff(repo, "--format", "json")
    assert result.exit_code == 1  # the working tree holds the broken file too
    assert "note: the ledger at HEAD has" in result.stderr
    assert "deals/broken.toml" in result.stderr
    broken.unlink()
    clean = diff(repo, "--format", "json")
    assert clean.exit_code == 0
    assert "note: the ledger at HEAD has" in clean.stderr


def test_the_documented_workflow_is_a_valid_github_workflow() -> None:
    workflow = REPO / "docs" / "examples" / "dealledger-diff.yml"
    assert "dealledger diff" in workflow.read_text(encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_check_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  diff:\n    steps: []\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         str(broken)],
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 1


def test_hostile_text_reaches_no_output_raw(repo: Path) -> None:
    hostile = NEW_DEAL.replace(
        'title = "Gamma licenses GX-1 to Beta"',
        'title = "Gamma \\u001b]0;owned\\u0007 | <img src=x> **GX-1** \\u202e"',
    )
    (repo / "deals" / "2025" / "eu-newco.toml").write_text(hostile, encoding="utf-8")
    for output_format in ("table", "json", "csv", "markdown"):
        result = diff(repo, "--format", output_format)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
        assert "\x07" not in result.stdout
    markdown = diff(repo, "--format", "markdown").stdout
    assert "\\<img src=x\\>" in markdown and "\\*\\*GX-1\\*\\*" in markdown
    assert_valid_tables(markdown)


def test_the_revision_folder_goes_away_on_ctrl_c(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dealledger.reports.diff as diff_module

    def interrupted(*args: object, **kwargs: object) -> None:
        assert any((tmp_path / "scratch").iterdir())  # the revision was written
        raise KeyboardInterrupt

    monkeypatch.setattr(diff_module, "load_ledger", interrupted)
    with pytest.raises(KeyboardInterrupt), diff_module.ledger_at_revision(repo, "HEAD"):
        pass
    assert list((tmp_path / "scratch").iterdir()) == []
