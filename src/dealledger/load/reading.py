"""Reading one file's bytes, bounded, without blocking on a FIFO or following a device.

Kept apart from `document.py` so that a run served from the cache, which only hashes files
that changed, does not import the models and validators.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..domain.limits import MAX_FILE_BYTES


class NotRegularFile(Exception):
    """A FIFO, socket, device or folder; or, when links are not followed, a symbolic link."""


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def open_regular(path: Path, *, follow_links: bool = True) -> int:
    """A read-only descriptor of `path`, which must be a regular file (NotRegularFile if not).

    O_NONBLOCK keeps a FIFO named `x.toml` from blocking the run waiting for a writer; fstat
    on the open descriptor then refuses anything that is not a regular file, so a link to
    /dev/zero is refused before a byte is read. Without `follow_links`, O_NOFOLLOW refuses a
    link in the last part of the path, checked by the same system call that opens it.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if not follow_links and exc.errno == errno.ELOOP:
            raise NotRegularFile from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFile
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES, *, follow_links: bool = True) -> bytes:
    """Read at most `limit` + 1 bytes, so a file that grows while read stays bounded.

    Used for every file dealledger reads: deal files, dealledger.toml, the cache's files.
    """
    descriptor = open_regular(path, follow_links=follow_links)
    try:
        status = os.fstat(descriptor)
        if status.st_size > limit:
            raise TooLarge(status.st_size)
        # Ask for the size fstat gave (plus one, to see growth): a buffered read of the limit
        # would allocate 5 MB for every 2 kB deal file.
        pieces: list[bytes] = []
        total = 0
        wanted = status.st_size + 1
        while piece := os.read(descriptor, min(wanted, limit + 1 - total)):
            pieces.append(piece)
            total += len(piece)
            if total > limit:
                raise TooLarge(total)
            wanted = 1 << 16  # the file grew while read: go on in modest pieces
    finally:
        os.close(descriptor)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)
