"""Conformance against the toml-test corpus (issue 2): every document on its TOML 1.0 list
under invalid/ is an error of its own file at a line; every document under valid/ parses
(it then fails the deal schema, but never crashes the checker).

All documents of one kind go into one ledger and one `check --format json` run, so the suite
stays fast; each document is then its own test item, so a failure names the document.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import toml_corpus
from check_runs import Checked, check

PARSE_CODES = {"DL001", "DL002", "DL003", "DL004"}
# What an invalid document may be reported as: not UTF-8, a syntax error, over a limit, or
# (for a file of nothing but whitespace as Python understands it) empty.
INVALID_CODES = {"DL002", "DL003", "DL004", "DL005"}
# Documents of nothing but a form feed or a vertical tab: not TOML whitespace, so a syntax
# error, which `str.strip()` mistakes for an empty file.
CONTROL_ONLY = ("invalid/control/only-ff.toml", "invalid/control/only-vt.toml")
BOM_FILES = ("valid/utf8-bom-01.toml", "valid/utf8-bom-02.toml")


INVALID = toml_corpus.listed("invalid/")
VALID = toml_corpus.listed("valid/")


def _run_corpus(
    corpus: Path, root: Path, names: list[str]
) -> tuple[Checked, dict[str, list[dict[str, Any]]]]:
    """Copy the documents byte for byte into one ledger, check it once, group by document."""
    deals = root / "deals"
    for name in names:
        target = deals / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / name, target)
    checked = check(root)
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    resolved_deals = deals.resolve()
    for problem in checked.problems:
        relative = Path(problem["path"]).resolve().relative_to(resolved_deals)
        by_name[relative.as_posix()].append(problem)
    return checked, by_name


@pytest.fixture(scope="module")
def invalid_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Checked, dict[str, list[dict[str, Any]]]]:
    return _run_corpus(toml_corpus.require(), tmp_path_factory.mktemp("invalid"), INVALID)


@pytest.fixture(scope="module")
def valid_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Checked, dict[str, list[dict[str, Any]]]]:
    return _run_corpus(toml_corpus.require(), tmp_path_factory.mktemp("valid"), VALID)


def test_the_corpus_lists_both_kinds() -> None:
    toml_corpus.require()
    assert len(INVALID) > 400
    assert len(VALID) > 200


def test_invalid_corpus_run_reports_every_file(invalid_run: Any) -> None:
    checked, by_name = invalid_run
    assert checked.exit_code == 1
    assert checked.data["files"] == len(INVALID)
    assert checked.data["deals"] == 0
    assert set(by_name) == set(INVALID)


@pytest.mark.parametrize("name", toml_corpus.params(INVALID))
def test_invalid_document_is_an_error_of_its_file_at_a_line(invalid_run: Any, name: str) -> None:
    _, by_name = invalid_run
    problems = by_name[name]
    errors = [p for p in problems if p["severity"] == "error" and p["code"] in INVALID_CODES]
    assert errors, f"{name}: {problems}"
    lines = (toml_corpus.require() / name).read_bytes().count(b"\n") + 1
    for problem in errors:
        assert isinstance(problem["line"], int), problem
        assert 1 <= problem["line"] <= lines, problem
        assert isinstance(problem["column"], int), problem
        assert problem["column"] >= 1, problem


@pytest.mark.parametrize("name", CONTROL_ONLY)
def test_control_character_only_documents_are_syntax_errors(invalid_run: Any, name: str) -> None:
    _, by_name = invalid_run
    assert [p["code"] for p in by_name[name]] == ["DL003"]


def test_valid_corpus_run_never_crashes(valid_run: Any) -> None:
    checked, by_name = valid_run
    assert checked.exit_code == 1, "as deal files they all miss required keys"
    assert checked.data["files"] == len(VALID)
    assert checked.data["deals"] == 0
    assert set(by_name) == set(VALID), "every document is reported, as a deal-schema failure"


@pytest.mark.parametrize("name", toml_corpus.params(VALID))
def test_valid_document_parses(valid_run: Any, name: str) -> None:
    _, by_name = valid_run
    problems = by_name[name]
    assert problems, f"{name} cannot be a valid deal file"
    assert not [p for p in problems if p["code"] in PARSE_CODES], f"{name}: {problems}"
    for problem in problems:
        assert problem["line"] is None or problem["line"] >= 1, problem


@pytest.mark.parametrize("name", toml_corpus.params(list(BOM_FILES) if VALID else []))
def test_utf8_bom_documents_parse_as_toml(valid_run: Any, name: str) -> None:
    _, by_name = valid_run
    codes = {p["code"] for p in by_name[name]}
    assert codes, name
    assert codes <= {"DL101", "DL102"}, by_name[name]
