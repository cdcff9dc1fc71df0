"""Reading one file's bytes, bounded, without blocking on a FIFO or following a device.

Kept apart from the loader so that a run served from the cache, which only hashes files that
changed, does not import the models and validators.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .limits import MAX_FILE_BYTES


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
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile
        if status.st_size > MAX_FILE_BYTES:
            raise TooLarge(status.st_size)
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge(len(data))
    return data
