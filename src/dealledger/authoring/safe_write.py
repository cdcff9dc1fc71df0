"""Writing a file so that a crash, a full disk or a second writer never costs the user a byte.

Every write goes the same way: take the folder's lock, read the current content, compute and
validate the new content, write it to a temporary file in the same folder, fsync it, rename
it over the original (atomic on POSIX), and fsync the folder so the rename itself is durable.
If anything fails before the rename, the original is untouched and the temporary file is
removed; if the process is killed, the original is still whole (a stray `.name.*.tmp` file
may remain, which no command reads because it does not end in `.toml`).

The lock is an exclusive `flock` on the folder that holds the file. Locking the folder rather
than the file matters: a rename replaces the file's inode, so a lock on the old inode would
not stop a writer that opened the new one; and a separate `.lock` file would litter the
ledger. Because the content is re-read under the lock, two commands updating different
tranches of one file both land, one after the other.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from ..domain.errors import DealledgerError


class WriteError(DealledgerError):
    """The write was refused or failed; the original file is as it was. The message says why."""


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (blocking until other writers are done)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise WriteError(f"cannot open folder {str(folder)!r}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock


def try_folder_lock(folder: Path) -> bool:
    """Whether the lock on `folder` is free right now (for tests and diagnostics)."""
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def write_atomic(path: Path, data: bytes, *, create: bool = False) -> None:
    """Replace (or, with `create`, newly create) `path` with `data`, all or nothing.

    With `create`, an existing file is never overwritten, even one that appeared a moment
    ago: the temporary file is linked to the name, which fails if the name exists.
    """
    refusal = output_refusal(path)
    if refusal is not None:
        raise WriteError(refusal)
    folder = path.parent
    mode = _mode_for(path, create)
    with _signals_deferred():
        _write_through_temporary(path, folder, data, mode, create)
    fsync_folder(folder)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C or SIGTERM during one file's write is taken when the write is done.

    A KeyboardInterrupt raised between `mkstemp` creating the temporary file and the code that
    removes it on failure left a stray `.name.*.tmp` (found by fuzz/signals.py); blocked, the
    signal waits the few milliseconds of one write and then ends the run as usual.
    """
    blockable = hasattr(signal, "pthread_sigmask") and threading.current_thread() is (
        threading.main_thread()
    )
    if not blockable:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _write_through_temporary(
    path: Path, folder: Path, data: bytes, mode: int, create: bool
) -> None:
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    temporary = Path(name)
    try:
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.chmod(mode)
            if create:
                path.hardlink_to(temporary)
                temporary.unlink()
            else:
                temporary.replace(path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
    except FileExistsError:
        raise WriteError(f"{path} already exists; not overwritten") from None
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise WriteError(f"cannot write {path}: {reason}; the original is unchanged") from None


def update_file(
    path: Path,
    change: Callable[[bytes], bytes | None],
) -> tuple[bytes, bytes | None]:
    """Under the folder lock, read `path`, let `change` compute the new bytes, write them.

    `change` sees the content as it is under the lock (not as it was when the command
    started) and returns None for "nothing to write"; it raises to refuse, and then nothing
    is written. Returns (old, new).

    Only a regular file is updated, never through a link: a link in deals/ may point
    anywhere (a pull request can commit one), so writing to its target would let a ledger
    change a file outside it. The file is opened with O_NOFOLLOW, so a link swapped in after
    the check is refused too.
    """
    from ..load.discover import file_refusal
    from ..load.reading import NotRegularFile, TooLarge, read_bounded

    target = path.absolute()
    refusal = file_refusal(target, None, links=False)
    if refusal is not None:
        raise WriteError(f"{path}: {refusal.message}")
    with folder_lock(target.parent):
        try:
            old = read_bounded(target, follow_links=False)
        except NotRegularFile:
            raise WriteError(f"{path}: {refusal_of_changed(target)}") from None
        except TooLarge:
            raise WriteError(f"{path} is over the size limit for a deal file; see check") from None
        except OSError as exc:
            raise WriteError(f"cannot read {path}: {exc.strerror or exc}") from None
        new = change(old)
        if new is not None and new != old:
            write_atomic(target, new)
        return old, new


def output_refusal(path: Path) -> str | None:
    """Why a writer may not replace `path`, or None (a regular file, a folder, or nothing).

    A writer renames its finished file over the target: over a link that replaces the link
    (a `-o` link to /proc/self/fd/1 or to a file elsewhere would silently stop being one),
    over a device or FIFO it replaces the node (run as root, `-o /dev/full` would turn the
    device into a file). So writers create new files or replace regular ones, nothing else;
    `-o -` is how to write to standard output. The rule is `discover.file_refusal`'s.
    """
    from ..load.discover import A_FOLDER, NOT_REGULAR, file_refusal

    refusal = file_refusal(path, None, links=False)
    if refusal is None or refusal is A_FOLDER:
        return None
    if refusal is NOT_REGULAR:
        what = "not a regular file (a device, FIFO or socket)"
    else:
        what = "a symbolic link"
    return (
        f"{str(path)!r} is {what}; not replaced: give the name of a regular file or a new one "
        "(or - for standard output)"
    )


def refusal_of_changed(path: Path) -> str:
    """Why a path that passed the check a moment ago cannot be opened as a regular file."""
    from ..load.discover import NOT_REGULAR, file_refusal

    return (file_refusal(path, None, links=False) or NOT_REGULAR).message


def _mode_for(path: Path, create: bool) -> int:
    if not create:
        with contextlib.suppress(OSError):
            return path.stat().st_mode & 0o7777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def fsync_folder(folder: Path) -> None:
    """Make the rename durable; some file systems cannot fsync a folder, which is fine."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
