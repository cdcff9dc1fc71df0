"""Reading one file's bytes, bounded, without blocking on a FIFO or following a device.

Kept apart from `document.py` so that a run served from the cache, which only hashes files
that changed, does not import the models and validators.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..domain.limits import MAX_FILE_BYTES


class NotRegularFile(Exception):
    pass


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_bounded(path: Path) -> bytes:
    """Read at most MAX_FILE_BYTES + 1 bytes, so a file that grows while read stays bounded.

    O_NONBLOCK keeps a FIFO named `x.toml` from blocking the run waiting for a writer; fstat
    on the open descriptor then refuses anything that is not a regular file.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile
        if status.st_size > MAX_FILE_BYTES:
            raise TooLarge(status.st_size)
        # Ask for the size fstat gave (plus one, to see growth): a buffered read of the limit
        # would allocate 5 MB for every 2 kB deal file.
        pieces: list[bytes] = []
        total = 0
        wanted = status.st_size + 1
        while piece := os.read(descriptor, min(wanted, MAX_FILE_BYTES + 1 - total)):
            pieces.append(piece)
            total += len(piece)
            if total > MAX_FILE_BYTES:
                raise TooLarge(total)
            wanted = 1 << 16  # the file grew while read: go on in modest pieces
    finally:
        os.close(descriptor)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)
