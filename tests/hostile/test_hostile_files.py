"""The file system as an adversary: links, loops, odd files, encodings, races, permissions."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import make_ledger, minimal_deal
from dealledger.cli import app
from dealledger.ledger.ledger import load_ledger
from dealledger.load.discover import deal_files

runner = CliRunner()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_ledger(tmp_path, {"a.toml": minimal_deal("a")})


def check(root: Path, *paths: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["check", "--ledger", str(root), "--format", "json", *paths])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout)


def by_file(document: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in document["problems"]:
        found.setdefault(Path(problem["path"]).name, []).append(problem["code"])
    return found


# --- links -----------------------------------------------------------------------------------


def test_file_link_loop_is_an_error_not_a_hang(root: Path) -> None:
    os.symlink("l2.toml", root / "deals" / "l1.toml")
    os.symlink("l1.toml", root / "deals" / "l2.toml")
    code, document = check(root)
    assert code == 1
    assert by_file(document) == {"l1.toml": ["DL001"], "l2.toml": ["DL001"]}
    assert document["deals"] == 1


def test_folder_link_loop_is_not_followed(root: Path) -> None:
    (root / "deals" / "sub").mkdir()
    os.symlink("..", root / "deals" / "sub" / "loop")
    os.symlink(".", root / "deals" / "self")
    code, document = check(root)
    assert code == 0  # warnings only
    assert document["deals"] == 1  # a.toml read once, not through the loops
    assert by_file(document) == {"loop": ["DL001"], "self": ["DL001"]}
    assert {problem["severity"] for problem in document["problems"]} == {"warning"}


def test_link_out_of_the_ledger_is_refused_and_not_read(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.toml"
    secret.write_text('TOKEN = "hunter2-s3cr3t"\n', encoding="utf-8")
    os.symlink(secret, root / "deals" / "evil.toml")
    result = runner.invoke(app, ["check", "--ledger", str(root)])
    assert result.exit_code == 1
    assert "evil.toml: error DL001 symbolic link to a file outside" in result.stdout
    assert "TOKEN" not in result.stdout and "hunter2" not in result.stdout


def test_settings_link_out_of_the_ledger_is_refused(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path.parent / f"{tmp_path.name}-outside.toml"
    elsewhere.write_text('API_KEY = "s3cr3t"\n', encoding="utf-8")
    os.symlink(elsewhere, root / "dealledger.toml")
    result = runner.invoke(app, ["check", "--ledger", str(root)])
    assert result.exit_code == 1
    assert "dealledger.toml: error DL001" in result.stdout
    assert "API_KEY" not in result.stdout


def test_link_inside_the_folder_is_read_once(root: Path) -> None:
    os.symlink("a.toml", root / "deals" / "alias.toml")
    code, document = check(root)
    assert code == 0, document  # no duplicate-id error from reading a.toml twice
    assert document["files"] == 1


def test_link_to_a_non_toml_file_inside_is_read_through_the_link(root: Path) -> None:
    (root / "deals" / "b.txt").write_text(minimal_deal("b"), encoding="utf-8")
    os.symlink("b.txt", root / "deals" / "b.toml")
    code, document = check(root)
    assert (code, document["deals"]) == (0, 2)


def test_broken_link_is_an_error(root: Path) -> None:
    os.symlink("nowhere.toml", root / "deals" / "broken.toml")
    code, document = check(root)
    assert code == 1
    assert by_file(document) == {"broken.toml": ["DL001"]}


def test_broken_link_given_explicitly_is_an_error_not_a_usage_error(root: Path) -> None:
    os.symlink("nowhere.toml", root / "deals" / "broken.toml")
    code, document = check(root, str(root / "deals" / "broken.toml"))
    assert code == 1
    assert document["problems"][0]["code"] == "DL001"


# --- odd files ---------------------------------------------------------------------------------


def test_folder_named_like_a_deal_file_is_searched(root: Path) -> None:
    inner = root / "deals" / "x.toml"
    inner.mkdir()
    (inner / "b.toml").write_text(minimal_deal("b"), encoding="utf-8")
    code, document = check(root)
    assert (code, document["files"], document["deals"]) == (0, 2, 2)
    code, document = check(root, str(inner))
    assert (code, document["files"]) == (0, 1)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_named_like_a_deal_file_does_not_block(root: Path) -> None:
    os.mkfifo(root / "deals" / "pipe.toml")
    code, document = check(root)
    assert code == 1
    assert by_file(document) == {"pipe.toml": ["DL001"]}


def test_file_deleted_mid_run(root: Path) -> None:
    (root / "deals" / "b.toml").write_text(minimal_deal("b"), encoding="utf-8")

    def delete_the_next_file(count: int) -> None:
        if count == 1:
            (root / "deals" / "b.toml").unlink()

    ledger = load_ledger(root, progress=delete_the_next_file)
    [problem] = ledger.problems
    assert problem.code == "DL001" and "deleted" in problem.message
    assert problem.path.endswith("b.toml")
    assert [entry.deal.id for entry in ledger.entries] == ["a"]


def test_permission_denied_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = root / "deals" / "locked.toml"
    locked.write_text(minimal_deal("locked"), encoding="utf-8")
    real_open = os.open

    def refusing_open(path: object, flags: int, *args: object) -> int:
        if Path(os.fsdecode(path)).name == "locked.toml":  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fsdecode(path))  # type: ignore[arg-type]
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    code, document = check(root)
    assert code == 1
    [problem] = document["problems"]
    assert (problem["code"], problem["line"]) == ("DL001", None)
    assert "permission denied" in problem["message"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_file_for_real(root: Path) -> None:
    locked = root / "deals" / "locked.toml"
    locked.write_text(minimal_deal("locked"), encoding="utf-8")
    locked.chmod(0)
    try:
        code, document = check(root)
    finally:
        locked.chmod(0o644)
    assert code == 1
    assert by_file(document) == {"locked.toml": ["DL001"]}


def test_unlistable_folder_is_reported(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hidden = root / "deals" / "hidden"
    hidden.mkdir()
    (hidden / "b.toml").write_text(minimal_deal("b"), encoding="utf-8")
    real_scandir = os.scandir

    def refusing_scandir(path: object = ".") -> object:
        if Path(os.fsdecode(path)).name == "hidden":  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fsdecode(path))  # type: ignore[arg-type]
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    code, document = check(root)
    assert code == 1
    assert by_file(document) == {"hidden": ["DL001"]}
    assert "cannot be listed" in document["problems"][0]["message"]


# --- encodings and line ends ------------------------------------------------------------------


def test_utf8_bom_is_accepted(root: Path) -> None:
    (root / "deals" / "a.toml").write_bytes(b"\xef\xbb\xbf" + minimal_deal("a").encode())
    assert check(root) == (0, check(root)[1])
    assert check(root)[1]["problems"] == []


def test_crlf_is_accepted_and_lines_count_right(root: Path) -> None:
    text = minimal_deal("a").replace('kind = "license"', 'kind = "licence"')
    (root / "deals" / "a.toml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    code, document = check(root)
    [problem] = document["problems"]
    assert (code, problem["code"], problem["line"], problem["column"]) == (1, "DL104", 3, 8)


def test_bare_cr_line_ends_are_a_syntax_error(root: Path) -> None:
    (root / "deals" / "a.toml").write_bytes(minimal_deal("a").replace("\n", "\r").encode())
    code, document = check(root)
    assert code == 1
    assert document["problems"][0]["code"] == "DL003"


def test_nul_byte_is_located(root: Path) -> None:
    text = minimal_deal("a").replace('title = "Example licence"', 'title = "De\x00al a"')
    (root / "deals" / "a.toml").write_text(text, encoding="utf-8")
    code, document = check(root)
    [problem] = document["problems"]
    assert (code, problem["code"], problem["line"], problem["column"]) == (1, "DL003", 2, 12)
    assert "NUL" in problem["message"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named(root: Path, encoding: str) -> None:
    data = minimal_deal("a").encode(encoding)
    if encoding != "utf-16":
        data = (b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff") + data
    (root / "deals" / "a.toml").write_bytes(data)
    code, document = check(root)
    [problem] = document["problems"]
    assert (code, problem["code"]) == (1, "DL002")
    assert "UTF-16" in problem["message"]


def test_utf16_without_bom_is_refused(root: Path) -> None:
    (root / "deals" / "a.toml").write_bytes(minimal_deal("a").encode("utf-16-le"))
    code, document = check(root)
    [problem] = document["problems"]
    assert (code, problem["code"]) == (1, "DL003")  # NUL bytes: not a text file


def test_mixed_encodings_point_at_the_first_bad_byte(root: Path) -> None:
    text = minimal_deal("a").replace('title = "Example licence"', 'title = "Zürich"')
    data = text.encode("utf-8") + '\nnotes = "Zürich"\n'.encode("latin-1")
    (root / "deals" / "a.toml").write_bytes(data)
    code, document = check(root)
    [problem] = document["problems"]
    assert (code, problem["code"]) == (1, "DL002")
    assert problem["line"] == 19 and problem["column"] == 11
    assert "0xfc" in problem["message"]


def test_empty_and_whitespace_files(root: Path) -> None:
    (root / "deals" / "empty.toml").write_bytes(b"")
    (root / "deals" / "blank.toml").write_bytes(b"\xef\xbb\xbf \r\n\t\n")
    code, document = check(root)
    assert code == 1
    assert by_file(document) == {"blank.toml": ["DL005"], "empty.toml": ["DL005"]}


def test_hostile_file_names_are_escaped(root: Path) -> None:
    name = "\x1b]0;pwned\x07\u202e.toml"
    (root / "deals" / name).write_text("x = ", encoding="utf-8")
    result = runner.invoke(app, ["check", "--ledger", str(root)])
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "\\x1b]0;pwned\\x07\\u202e.toml" in result.stdout


def test_paths_on_stdin_with_odd_names(root: Path) -> None:
    stdin = "deals/a.toml\n\n  \nno\x00such\n"
    result = runner.invoke(
        app, ["check", "--ledger", str(root), "-"], input=stdin, catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert "\x00" not in result.stderr


def test_folders_deeper_than_the_limit_are_an_error(root: Path) -> None:
    deep = root / "deals"
    for _ in range(100):
        deep = deep / "a"
    deep.mkdir(parents=True)
    (deep / "x.toml").write_text(minimal_deal("x"), encoding="utf-8")
    code, document = check(root)
    assert code == 1
    [problem] = document["problems"]
    assert problem["code"] == "DL001" and "64 levels" in problem["message"]
    assert document["deals"] == 1


def test_discovery_does_not_recurse_per_folder_level(root: Path) -> None:
    # os.walk on Python 3.11 recursed once per level: a pull request adding a folder 1,500
    # levels deep ended in RecursionError. Rather than leave such a tree on disk (it breaks
    # shutil.rmtree too), lower the recursion limit below the depth of a 60-level tree.
    deep = root / "deals"
    for _ in range(60):
        deep = deep / "a"
    deep.mkdir(parents=True)
    (deep / "x.toml").write_text(minimal_deal("x"), encoding="utf-8")
    depth = len(inspect.stack())
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 40)
    try:
        found = list(deal_files(root / "deals", "deals"))
    finally:
        sys.setrecursionlimit(limit)
    assert [target.display.count("/") for target in found] == [1, 61]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that allows any bytes")
def test_file_name_that_is_not_utf8(root: Path) -> None:
    name = os.path.join(os.fsencode(root / "deals"), b"\xff\x1b.toml")
    with open(name, "wb") as handle:
        handle.write(b"x = ")
    for output_format in ("text", "json"):
        result = subprocess.run(
            [sys.executable, "-m", "dealledger", "check", "-f", output_format, "--ledger", root],
            capture_output=True,
            check=False,
        )
        assert result.returncode == 1, result.stderr
        assert b"Traceback" not in result.stderr
        assert b"\x1b" not in result.stdout and b"\xff" not in result.stdout
        assert b"\\udcff" in result.stdout
    assert json.loads(result.stdout)["problems"][0]["code"] == "DL003"
