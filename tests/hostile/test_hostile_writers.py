"""The writer-safety helpers, proven on toy writers: they catch a torn write and a lost update.

Point `assert_kill_safe` and `assert_concurrent_writers_keep_updates` at `new`, `record`,
`fmt` and `export` once those commands exist (see docs/security.md, "Writers").
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from hostile_helpers import assert_concurrent_writers_keep_updates, assert_kill_safe

NEW_CONTENT = b"".join(b"line %d of the new version\n" % index for index in range(200))

# Writes the new content in small flushed pieces, slowly enough that a kill lands mid-write.
NAIVE_WRITER = """
import sys, time
with open(sys.argv[1], "wb") as handle:
    for line in NEW:
        handle.write(line); handle.flush(); time.sleep(0.001)
"""
# The pattern writers must follow: temp file in the same folder, fsync, rename.
ATOMIC_WRITER = """
import os, sys, tempfile, time
target = sys.argv[1]
fd, temp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-", suffix=".part")
with os.fdopen(fd, "wb") as handle:
    for line in NEW:
        handle.write(line); handle.flush(); time.sleep(0.001)
    os.fsync(handle.fileno())
os.replace(temp, target)
"""
# Read-modify-write of a counter file, with and without a lock.
COUNTER_WRITER = """
import fcntl, os, sys, tempfile
target, locked = sys.argv[1], sys.argv[2] == "locked"
with open(target + ".lock", "a") as lock:
    if locked:
        fcntl.flock(lock, fcntl.LOCK_EX)
    lines = open(target).read().splitlines()
    lines.append(sys.argv[3])
    fd, temp = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".part")
    with os.fdopen(fd, "w") as handle:
        handle.write("\\n".join(lines) + "\\n"); handle.flush(); os.fsync(handle.fileno())
    os.replace(temp, target)
"""


def writer(tmp_path: Path, source: str) -> list[str]:
    script = tmp_path / "writer.py"
    prelude = f"NEW = {NEW_CONTENT.splitlines(keepends=True)!r}\n"
    script.write_text(prelude + textwrap.dedent(source), encoding="utf-8")
    return [sys.executable, str(script)]


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "deals"
    folder.mkdir()
    path = folder / "x.toml"
    path.write_bytes(b"the original\n")
    return path


@pytest.mark.slow
def test_atomic_writer_passes(tmp_path: Path, target: Path) -> None:
    assert_kill_safe(
        [*writer(tmp_path, ATOMIC_WRITER), str(target)],
        tmp_path,
        target,
        is_complete=lambda data: data == NEW_CONTENT,
        kill_points=8,
        max_delay=0.5,
    )


@pytest.mark.slow
def test_naive_writer_is_caught(tmp_path: Path, target: Path) -> None:
    with pytest.raises(AssertionError, match="torn file"):
        assert_kill_safe(
            [*writer(tmp_path, NAIVE_WRITER), str(target)],
            tmp_path,
            target,
            is_complete=lambda data: data == NEW_CONTENT,
            kill_points=8,
            max_delay=0.5,
        )


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="uses fcntl")
def test_locked_writers_keep_every_update(tmp_path: Path, target: Path) -> None:
    target.write_text("", encoding="utf-8")
    command = writer(tmp_path, COUNTER_WRITER)
    commands = [[*command, str(target), "locked", f"update {index}"] for index in range(8)]

    def all_applied() -> bool:
        lines = set(target.read_text(encoding="utf-8").splitlines())
        return all(f"update {index}" in lines for index in range(8))

    assert_concurrent_writers_keep_updates(commands, tmp_path, all_applied=all_applied)
