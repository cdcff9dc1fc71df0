"""Where the toml-test corpus is, for the tests that run dealledger's TOML code against it.

The corpus (github.com/toml-lang/toml-test) is not vendored. It is `$TOML_TEST_DIR` when that
is set, else `shared/toml-test` beside the project checkout (`<project>/../shared/toml-test`);
either may name the toml-test checkout or its tests/ folder. When it is absent its tests skip
on a developer's machine but fail in CI (`CI=true`), so a CI run cannot pass without it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from builders import REPO

DIR_ENV = "TOML_TEST_DIR"
LISTING = "files-toml-1.0.0"  # the corpus's list of its TOML 1.0 documents


def candidate(environ: Mapping[str, str], project_root: Path) -> Path:
    """The folder named by the environment, else the default beside the checkout."""
    given = environ.get(DIR_ENV)
    return Path(given) if given else project_root.parent / "shared" / "toml-test"


def locate(environ: Mapping[str, str], project_root: Path) -> Path | None:
    """The corpus's tests/ folder (the one holding the TOML 1.0 list), or None."""
    base = candidate(environ, project_root)
    for folder in (base / "tests", base):
        if (folder / LISTING).is_file():
            return folder
    return None


def in_ci(environ: Mapping[str, str]) -> bool:
    return environ.get("CI", "").strip().lower() in ("true", "1")


CORPUS = locate(os.environ, REPO)


def require(corpus: Path | None = CORPUS, environ: Mapping[str, str] = os.environ) -> Path:
    """The corpus folder; without it the calling test skips, or fails when run in CI."""
    if corpus is not None:
        return corpus
    message = (
        f"toml-test corpus not found at {candidate(environ, REPO)} "
        f"(clone it to ../shared/toml-test beside the project or set {DIR_ENV})"
    )
    if in_ci(environ):
        pytest.fail(f"{message}; CI=true, so its tests fail instead of skipping")
    pytest.skip(message)


def listed(prefix: str) -> list[str]:
    """The TOML 1.0 documents under `prefix` ("valid/", "invalid/"); none without a corpus."""
    if CORPUS is None:
        return []
    names = (CORPUS / LISTING).read_text(encoding="utf-8").split()
    return [name for name in names if name.startswith(prefix) and name.endswith(".toml")]


def params(names: list[str]) -> list[Any]:
    """Parameters for a per-document test: the names, or one item that calls `require`."""
    return names or [pytest.param(None, id="no-corpus")]
