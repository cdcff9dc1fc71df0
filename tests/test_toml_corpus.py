"""The toml-test corpus lookup: $TOML_TEST_DIR, else ../shared/toml-test; skip here, fail in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

import toml_corpus


def _corpus(base: Path, *, nested: bool = True) -> Path:
    """A stand-in toml-test checkout: the TOML 1.0 list, in tests/ or at the top."""
    folder = base / "tests" if nested else base
    folder.mkdir(parents=True)
    (folder / toml_corpus.LISTING).write_text("valid/a.toml\ninvalid/b.toml\n", encoding="utf-8")
    return folder


def test_found_beside_the_project_checkout(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "shared" / "toml-test")
    assert toml_corpus.locate({}, tmp_path / "dealledger") == folder


@pytest.mark.parametrize("nested", [True, False], ids=["checkout", "its-tests-folder"])
def test_the_environment_names_the_checkout_or_its_tests_folder(
    tmp_path: Path, nested: bool
) -> None:
    folder = _corpus(tmp_path / "elsewhere", nested=nested)
    _corpus(tmp_path / "shared" / "toml-test")  # the default is not used when the variable is set
    given = str(folder.parent if nested else folder)
    assert toml_corpus.locate({"TOML_TEST_DIR": given}, tmp_path / "dealledger") == folder


def test_a_folder_without_the_list_is_no_corpus(tmp_path: Path) -> None:
    (tmp_path / "shared" / "toml-test" / "tests").mkdir(parents=True)
    assert toml_corpus.locate({}, tmp_path / "dealledger") is None
    assert toml_corpus.locate({"TOML_TEST_DIR": str(tmp_path / "none")}, tmp_path) is None


@pytest.mark.parametrize("environ", [{}, {"CI": "false"}, {"CI": ""}])
def test_missing_corpus_skips_on_a_developer_machine(environ: dict[str, str]) -> None:
    with pytest.raises(pytest.skip.Exception, match="toml-test corpus not found"):
        toml_corpus.require(None, environ)


@pytest.mark.parametrize("value", ["true", "True", "1"])
def test_missing_corpus_fails_in_ci(value: str) -> None:
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        toml_corpus.require(None, {"CI": value})


def test_a_present_corpus_is_used_in_ci_and_out(tmp_path: Path) -> None:
    assert toml_corpus.require(tmp_path, {"CI": "true"}) == tmp_path
    assert toml_corpus.require(tmp_path, {}) == tmp_path
