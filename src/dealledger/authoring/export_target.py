"""Writing an export so that the target is either the old one or the complete new one.

Everything is written to a temporary name in the target's own folder (same filesystem),
flushed to disk, then renamed over the target in one step. A failure part-way leaves only
the temporary file, which is removed; a reader never opens a half-written database.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..domain.errors import UsageError
from .safe_write import WriteError, folder_lock, fsync_folder, output_refusal

# Written into every csv export folder: `--force` replaces a folder only if it holds this
# file, so a mistyped --output can never delete a folder that is not a previous export.
EXPORT_MARKER = ".dealledger-export"
MARKER_TEXT = (
    "Written by `dealledger export --format csv`. `--force` replaces only a folder that "
    "holds this file.\n"
)


class ExportPathError(UsageError, ValueError):
    """The output path cannot be used as asked."""


def check_target(target: Path, *, force: bool, folder: bool = False) -> None:
    parent = target.parent
    if not parent.is_dir():
        raise ExportPathError(
            f"cannot write {str(target)!r}: the folder {str(parent)!r} does not exist; "
            "create it first or choose another --output"
        )
    refusal = output_refusal(target)
    if refusal is not None:
        raise ExportPathError(refusal)
    if folder and target.is_dir() and not _is_export(target):
        raise ExportPathError(
            f"{str(target)!r} is a folder that dealledger export did not write (it has no "
            f"{EXPORT_MARKER} file), so it is not replaced, even with --force; "
            "give a new folder name, or remove the folder yourself"
        )
    if target.is_dir() and not folder:
        raise ExportPathError(f"{str(target)!r} is a folder; give a file name for --output")
    if target.exists() and not target.is_dir() and folder:
        raise ExportPathError(
            f"{str(target)!r} is a file; csv export writes a folder of tables, "
            "give a folder name for --output"
        )
    if target.exists() and not force:
        raise ExportPathError(f"{str(target)!r} already exists; pass --force to replace it")


def _is_export(folder: Path) -> bool:
    """Whether `folder` holds the marker a csv export writes (a regular file, not a link)."""
    try:
        return stat.S_ISREG((folder / EXPORT_MARKER).lstat().st_mode)
    except OSError:
        return False


@contextlib.contextmanager
def _output_folder_locked(folder: Path) -> Iterator[None]:
    """Hold the output folder's lock while checking the target and renaming onto it.

    Without it, two exports started together both find no output, both pass the check made
    at start-up, and the second silently replaces the first's file although neither has
    --force. The same folder lock as the deal-file writers (see safe_write.py).
    """
    try:
        lock = folder_lock(folder)
        lock.__enter__()
    except WriteError as exc:
        raise ExportPathError(str(exc)) from None
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def write_file_atomically(target: Path, write: Callable[[Path], None], *, force: bool) -> None:
    """Call `write(temporary_path)`, then rename the finished file onto `target`."""
    check_target(target, force=force)
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(descriptor)
    temporary = Path(name)
    try:
        write(temporary)
        _fsync_file(temporary)
        with _output_folder_locked(target.parent):
            check_target(target, force=force)  # again: another export may have finished since
            temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        Path(f"{temporary}-journal").unlink(missing_ok=True)
        raise
    fsync_folder(target.parent)


def write_folder_atomically(target: Path, files: dict[str, str], *, force: bool) -> None:
    """Write `files` (name → text) into a new folder, then move it into place as `target`."""
    check_target(target, force=force, folder=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    old: Path | None = None
    try:
        for name, text in {**files, EXPORT_MARKER: MARKER_TEXT}.items():
            path = temporary / name
            with path.open("w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        with _output_folder_locked(target.parent):
            check_target(target, force=force, folder=True)  # again, as for a file
            if target.exists():
                old = Path(
                    tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
                )
                old.rmdir()
                target.replace(old)
            temporary.replace(target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        if old is not None and old.exists() and not target.exists():
            old.replace(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    fsync_folder(target.parent)
