"""Nothing escapes the ledger: no command reads or writes through a link out of it, replaces a
device, a FIFO or a link given as output, or deletes a folder it did not write (issue 18).

Every test builds real files in tmp_path and runs the command as users do (CliRunner, or a
subprocess where a hang or the real entry point matters); each asserts that the file outside
the ledger, the device or the folder is exactly as it was.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import COMMENTED as FIXTURES
from dealledger.authoring.safe_write import WriteError, update_file
from dealledger.cli import app
from hostile_helpers import NEW_DEAL, dealledger_command, run_cli_subprocess

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="links, FIFOs and devices: POSIX")


MESSY = (FIXTURES / "messy.toml").read_bytes()  # a valid deal that fmt would change
MESSY_ID = "acme-widget-2024"
runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real entry point in a subprocess: a hang fails the test instead of the suite."""
    return run_cli_subprocess(args, cwd, timeout=30)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the ledger that holds a deal fmt would change: what an attacker targets."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    victim = folder / "victim.toml"
    victim.write_bytes(MESSY)
    return victim


@pytest.fixture
def root(tmp_path: Path) -> Path:
    ledger = tmp_path / "ledger"
    (ledger / "deals").mkdir(parents=True)
    return ledger


# --- 0.1 fmt and record do not write through links -----------------------------------------


def test_fmt_does_not_rewrite_a_file_outside_the_ledger_through_a_link(
    root: Path, outside: Path
) -> None:
    os.symlink(outside, root / "deals" / "evil.toml")
    result = invoke("fmt", "--ledger", str(root))
    assert outside.read_bytes() == MESSY
    assert result.exit_code == 1
    assert "evil.toml" in result.stderr
    assert "outside" in result.stderr
    assert "reformatted evil.toml" not in result.stderr


def test_fmt_given_the_link_itself_does_not_write_through_it(root: Path, outside: Path) -> None:
    link = root / "deals" / "evil.toml"
    os.symlink(outside, link)
    result = invoke("fmt", "--ledger", str(root), str(link))
    assert outside.read_bytes() == MESSY
    assert link.is_symlink()
    assert result.exit_code == 1
    assert "symbolic link" in result.stderr


def test_fmt_check_does_not_read_through_a_link_out_of_the_ledger(
    root: Path, outside: Path
) -> None:
    os.symlink(outside, root / "deals" / "evil.toml")
    result = invoke("fmt", "--diff", "--ledger", str(root))
    assert MESSY_ID not in result.stdout  # the outside file's content is not shown
    assert result.exit_code == 1


def test_record_does_not_find_or_modify_a_deal_through_a_link(root: Path, outside: Path) -> None:
    os.symlink(outside, root / "deals" / "evil.toml")
    result = invoke("record", MESSY_ID, "--tranche", "1", "--due", "2031", "--ledger", str(root))
    assert outside.read_bytes() == MESSY
    assert result.exit_code == 2
    assert "no deal in the ledger has id" in result.stderr


def test_update_file_refuses_a_link_instead_of_following_it(tmp_path: Path, outside: Path) -> None:
    link = tmp_path / "link.toml"
    os.symlink(outside, link)
    with pytest.raises(WriteError, match="symbolic link"):
        update_file(link, lambda old: old + b"# changed\n")
    assert outside.read_bytes() == MESSY
    assert link.is_symlink()


def test_update_file_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "x.toml"
    os.mkfifo(fifo)
    with pytest.raises(WriteError, match="not a regular file"):
        update_file(fifo, lambda old: old)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_record_refuses_to_write_through_a_link_inside_the_ledger(root: Path) -> None:
    """A link to a non-.toml file inside deals/ is read by check, but never written through."""
    real = root / "deals" / "messy.txt"
    real.write_bytes(MESSY)
    os.symlink("messy.txt", root / "deals" / "messy.toml")
    result = invoke("record", MESSY_ID, "--tranche", "1", "--due", "2031", "--ledger", str(root))
    assert result.exit_code == 1
    assert "symbolic link" in result.stderr
    assert real.read_bytes() == MESSY


def test_writers_and_readers_skip_a_fifo_and_a_link_out_of_deals(root: Path, outside: Path) -> None:
    """new, record, fmt, check and completion over a ledger holding both: none hangs or
    touches the outside file, and check still reports both as DL001."""
    (root / "deals" / "messy.toml").write_bytes(MESSY)
    os.mkfifo(root / "deals" / "pipe.toml")
    os.symlink(outside, root / "deals" / "evil.toml")
    checked = run(["check", "--ledger", str(root)], root)
    assert checked.returncode == 1
    assert "pipe.toml: error DL001 not a regular file" in checked.stdout
    assert "evil.toml: error DL001 symbolic link to a file outside" in checked.stdout
    for cache in ([], ["--no-cache"]):
        again = run(["check", "--ledger", str(root), *cache], root)
        assert again.stdout == checked.stdout
    recorded = run(
        ["record", MESSY_ID, "--tranche", "1", "--due", "2031", "--ledger", str(root)], root
    )
    assert recorded.returncode == 0, recorded.stderr
    new = [*NEW_DEAL, "--ledger", str(root)]
    created = run(new, root)
    assert created.returncode == 0, created.stderr
    formatted = run(["fmt", "--ledger", str(root)], root)
    assert formatted.returncode == 1
    assert "reformatted evil.toml" not in formatted.stderr
    assert outside.read_bytes() == MESSY


# --- 0.2 the cache ---------------------------------------------------------------------------

SETTINGS = 'currency = "USD"\n'


@pytest.fixture
def cached_root(root: Path) -> Path:
    """A valid one-deal ledger with settings: every cached command writes settings.json."""
    (root / "deals" / "messy.toml").write_bytes(MESSY)
    (root / "dealledger.toml").write_text(SETTINGS, encoding="utf-8")
    return root


def listing(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_a_committed_cache_link_does_not_redirect_cache_writes(
    cached_root: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "runner-home"
    elsewhere.mkdir()
    (elsewhere / "settings.json").write_text("precious", encoding="utf-8")
    before = listing(elsewhere)
    os.symlink(elsewhere, cached_root / ".dealledger-cache")
    for _ in range(2):
        result = invoke("check", "--ledger", str(cached_root))
        assert result.exit_code == 0, result.output
    assert listing(elsewhere) == before
    assert (cached_root / ".dealledger-cache").is_symlink()


@pytest.mark.parametrize("kind", ["link", "fifo", "folder"])
def test_a_cache_whose_database_is_not_a_regular_file_is_not_used(
    cached_root: Path, tmp_path: Path, kind: str
) -> None:
    cache = cached_root / ".dealledger-cache"
    cache.mkdir()
    record = cache / "cache.sqlite3"
    victim = tmp_path / "victim.json"
    victim.write_text("precious", encoding="utf-8")
    if kind == "link":
        os.symlink(victim, record)
    elif kind == "fifo":
        os.mkfifo(record)
    else:
        record.mkdir()
    for _ in range(2):
        result = run(["check", "--ledger", str(cached_root)], cached_root)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "No problems in 1 file.\n"
    assert victim.read_text(encoding="utf-8") == "precious"
    assert record.is_symlink() == (kind == "link")
    assert stat.S_ISFIFO(record.lstat().st_mode) == (kind == "fifo")
    # Nothing written beside it but the folder's .gitignore (every cache folder has one).
    assert set(os.listdir(cache)) <= {"cache.sqlite3", ".gitignore"}


def limited_memory() -> None:
    """For subprocesses: 1 GiB of address space, so reading /dev/zero fails fast, not the host."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run_limited(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        dealledger_command(*args),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        preexec_fn=limited_memory,
    )


def test_cache_files_linked_to_dev_zero_are_not_read(cached_root: Path) -> None:
    cold = run_limited(["check", "--ledger", str(cached_root)], cached_root)
    assert cold.returncode == 0, cold.stderr
    cache = cached_root / ".dealledger-cache"
    for path in cache.iterdir():
        if path.name != ".gitignore":
            path.unlink()
            os.symlink("/dev/zero", path)
    for command in (["check"], ["summarize", "-f", "json"], ["totals"]):
        result = run_limited([*command, "--ledger", str(cached_root)], cached_root)
        assert result.returncode == 0, result.stderr
        assert "internal error" not in result.stderr
        assert "out of memory" not in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_unreadable_settings_give_the_same_dl001_with_and_without_the_cache(
    cached_root: Path, kind: str
) -> None:
    settings = cached_root / "dealledger.toml"
    settings.unlink()
    if kind == "fifo":
        os.mkfifo(settings)
    elif kind == "dev-zero":
        os.symlink("/dev/zero", settings)
    else:
        settings.mkdir()
    outputs = []
    for cache in ([], ["--no-cache"], []):
        result = run_limited(["check", "--ledger", str(cached_root), *cache], cached_root)
        assert result.returncode == 1, result.stderr
        assert "dealledger.toml: error DL001" in result.stdout
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    summarized = run_limited(["summarize", "--ledger", str(cached_root)], cached_root)
    assert summarized.returncode == 1
    assert "dealledger.toml: error DL001" in summarized.stderr


# --- 0.3 export --force replaces only a previous export --------------------------------------

MARKER = ".dealledger-export"


def export_csv(root: Path, target: Path, *more: str):  # type: ignore[no-untyped-def]
    return invoke("export", "--ledger", str(root), "-f", "csv", "-o", str(target), *more)


def test_export_force_does_not_delete_a_folder_it_did_not_write(
    cached_root: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("key", encoding="utf-8")
    (home / "projects").mkdir()
    result = export_csv(cached_root, home, "--force")
    assert result.exit_code == 2
    assert result.stderr.startswith("dealledger: error: ")
    assert MARKER in result.stderr
    assert (home / ".ssh" / "id_ed25519").read_text(encoding="utf-8") == "key"
    assert (home / "projects").is_dir()


def test_export_force_onto_the_deals_folder_is_refused(cached_root: Path) -> None:
    result = export_csv(cached_root, cached_root / "deals", "--force")
    assert result.exit_code == 2
    assert (cached_root / "deals" / "messy.toml").read_bytes() == MESSY
    assert invoke("check", "--ledger", str(cached_root)).stdout == "No problems in 1 file.\n"


def test_an_empty_folder_without_the_marker_is_refused_too(
    cached_root: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export_csv(cached_root, empty, "--force").exit_code == 2
    assert list(empty.iterdir()) == []


def test_export_force_replaces_a_previous_csv_export(cached_root: Path, tmp_path: Path) -> None:
    tables = tmp_path / "tables"
    assert export_csv(cached_root, tables).exit_code == 0
    assert (tables / MARKER).is_file()
    (tables / "deals.csv").write_text("stale", encoding="utf-8")
    result = export_csv(cached_root, tables, "--force")
    assert result.exit_code == 0, result.output
    assert (tables / "deals.csv").read_text(encoding="utf-8") != "stale"
    assert (tables / MARKER).is_file()
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".tables")]


def test_export_force_does_not_follow_a_link_to_a_previous_export(
    cached_root: Path, tmp_path: Path
) -> None:
    tables = tmp_path / "tables"
    assert export_csv(cached_root, tables).exit_code == 0
    before = listing(tables)
    link = tmp_path / "link"
    os.symlink(tables, link)
    assert export_csv(cached_root, link, "--force").exit_code == 2
    assert link.is_symlink()
    assert listing(tables) == before


# --- 0.4 writers write only regular files ------------------------------------------------------


def special_target(tmp_path: Path, kind: str, name: str) -> tuple[Path, Path | None]:
    """A FIFO, a link to a file outside, or a character device (/dev/full's numbers, made in
    tmp_path: never the real one) named `name`; with the link, the file it points to."""
    path = tmp_path / name
    if kind == "fifo":
        os.mkfifo(path)
        return path, None
    if kind == "link":
        victim = tmp_path / "victim.txt"
        victim.write_text("precious", encoding="utf-8")
        os.symlink(victim, path)
        return path, victim
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    return path, None


def kind_of(path: Path) -> str:
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return "link"
    return "fifo" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) else "other"


WRITERS = {
    "schema": ["schema", "-o"],
    "export-json": ["export", "-f", "json", "--force", "-o"],
    "export-sqlite": ["export", "-f", "sqlite", "--force", "-o"],
    "report-html": ["report", "-o"],
    "report-svg": ["report", "-o"],
}


@pytest.mark.parametrize("kind", ["fifo", "link", "device"])
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_writers_refuse_a_device_fifo_or_link_as_output(
    cached_root: Path, tmp_path: Path, kind: str, writer: str
) -> None:
    name = "out.svg" if writer == "report-svg" else "out.html"
    target, victim = special_target(tmp_path, kind, name)
    args = [*WRITERS[writer], str(target)]
    if writer != "schema":
        args += ["--ledger", str(cached_root)]
    result = run(args, tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("dealledger: error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert kind_of(target) == kind
    if victim is not None:
        assert victim.read_text(encoding="utf-8") == "precious"


@pytest.mark.parametrize("writer", ["schema", "report"])
def test_output_dash_is_standard_output(cached_root: Path, tmp_path: Path, writer: str) -> None:
    args = ["schema", "-o", "-"] if writer == "schema" else ["report", "-o", "-"]
    result = run([*args, "--ledger", str(cached_root)] if writer == "report" else args, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith("{" if writer == "schema" else "<!DOCTYPE html>")
    assert not (tmp_path / "-").exists()


# --- 0.5 completion ------------------------------------------------------------------------

HOSTILE_ID = "evil\x1b]0;pwned\x07-\u202e\u2066\x9b31m"


def complete(root: Path, shell: str, words: str) -> str:
    """What `shell` completion offers for `words` (the last word is the one being completed)."""
    env = {"_DEALLEDGER_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        cword = len(words.split()) - (0 if words.endswith(" ") else 1)
        env |= {"COMP_WORDS": words, "COMP_CWORD": str(cword)}
    else:
        env |= {"_TYPER_COMPLETE_ARGS": words}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = subprocess.run(
        dealledger_command(),
        cwd=root,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def hostile_deal(deal_id: str) -> str:
    return (
        MESSY.decode()
        .replace(f'id = "{MESSY_ID}"', f"id = {json_string(deal_id)}", 1)
        .replace('name = "Acme', f"name = {json_string(HOSTILE_ID)[:-1]}Acme", 1)
    )


def json_string(text: str) -> str:
    """A TOML basic string holding `text` (JSON's escapes are TOML's, for these characters)."""
    import json

    return json.dumps(text)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_escapes_control_and_bidi_characters(root: Path, shell: str) -> None:
    from hostile_helpers import assert_safe_for_terminal

    (root / "deals" / "evil.toml").write_text(hostile_deal(HOSTILE_ID), encoding="utf-8")
    assert invoke("check", "--ledger", str(root)).exit_code in (0, 1)
    offered = complete(root, shell, "dealledger record ev")
    assert "evil" in offered
    assert_safe_for_terminal(offered.replace("\t", " "))
    parties = complete(root, shell, "dealledger summarize --party ev")
    assert "evil" in parties
    assert_safe_for_terminal(parties.replace("\t", " "))


def test_completion_skips_fifos_and_links_out_of_the_ledger(root: Path, outside: Path) -> None:
    (root / "deals" / "messy.toml").write_bytes(MESSY)
    os.mkfifo(root / "deals" / "pipe.toml")
    outside.write_text(hostile_deal("secret-outside-deal"), encoding="utf-8")
    os.symlink(outside, root / "deals" / "evil.toml")
    os.mkfifo(root / "dealledger.toml")
    offered = complete(root, "bash", "dealledger record ")
    assert offered.split() == [MESSY_ID]
    parties = complete(root, "bash", "dealledger summarize --party ")
    assert "evil" not in parties
    assert parties  # the ledger's own parties are still offered


def test_new_does_not_create_a_file_through_a_linked_folder(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere-folder"
    elsewhere.mkdir()
    os.symlink(elsewhere, root / "deals" / "2025")
    result = invoke(*NEW_DEAL, "--ledger", str(root), "--path", str(root / "deals" / "2025" / "x"))
    assert result.exit_code == 2
    assert list(elsewhere.iterdir()) == []


def test_file_refusal_is_the_one_rule(root: Path, outside: Path, tmp_path: Path) -> None:
    """What each kind of path gets from discover.file_refusal, inside a ledger's deals/."""
    from dealledger.load.discover import (
        A_FOLDER,
        LINK_LOOP,
        LINK_OUTSIDE,
        LINKED_FILE,
        NOT_REGULAR,
        OUTSIDE,
        file_refusal,
        real_folder,
    )

    deals = root / "deals"
    base = real_folder(deals)
    (deals / "plain.toml").write_bytes(MESSY)
    os.symlink("plain.toml", deals / "alias.toml")
    os.symlink(outside, deals / "out.toml")
    os.symlink("nowhere.toml", deals / "broken.toml")
    os.mkfifo(deals / "pipe.toml")
    (deals / "folder.toml").mkdir()
    os.symlink(outside.parent, deals / "linked")
    assert file_refusal(deals / "plain.toml", base) is None
    assert file_refusal(deals / "new.toml", base) is None  # to be created, inside
    assert file_refusal(deals / "alias.toml", base) is None  # readers may follow it...
    assert file_refusal(deals / "alias.toml", base, links=False) is LINKED_FILE  # writers not
    assert file_refusal(deals / "out.toml", base) is LINK_OUTSIDE
    assert file_refusal(deals / "broken.toml", base) is LINK_LOOP
    assert file_refusal(deals / "pipe.toml", base) is NOT_REGULAR
    assert file_refusal(deals / "folder.toml", base) is A_FOLDER
    assert file_refusal(deals / "linked" / "victim.toml", base) is OUTSIDE
    assert file_refusal(deals / "linked" / "new.toml", base) is OUTSIDE
