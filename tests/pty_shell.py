"""An interactive shell in a pseudo-terminal, typed at key by key, for completion tests.

Completion happens in the shell's line editor, which runs only on a terminal: a test that
pipes a command into `bash -c` never presses TAB. This starts the shell on a pty, sends keys
and reads the screen's bytes until an expected text appears (or a deadline passes), the way
`pexpect` does, with the standard library only.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from pathlib import Path
from types import TracebackType

# Cursor moves, colours, titles and bracketed-paste switches that line editors draw with.
_ESCAPES = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()=>][0-9A-Za-z]?"
)


class ShellTimeout(AssertionError):
    pass


class PtyShell:
    """One shell process on a pty 250 columns wide, so that no typed line wraps."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the shell, or end at once
            try:
                os.chdir(cwd)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))
        self.screen = ""  # everything read so far, escapes removed
        self._seen = 0  # where the next expect() starts looking
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._raw = ""

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode("utf-8"))

    def expect(self, pattern: str, timeout: float = 30.0) -> str:
        """Read until `pattern` (a regex) appears after the previous match; the text read
        up to the end of the match is returned."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            found = regex.search(self.screen, self._seen)
            if found is not None:
                text = self.screen[self._seen : found.end()]
                self._seen = found.end()
                return text
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ShellTimeout(f"{pattern!r} did not appear; the screen:\n{self.screen}")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # the shell is gone
                chunk = b""
            if not chunk:
                raise ShellTimeout(
                    f"the shell ended before {pattern!r}; the screen:\n{self.screen}"
                )
            # The whole output is cleaned again each time: an escape cut by a read is whole
            # by the next one.
            self._raw += self._decoder.decode(chunk)
            self.screen = _ESCAPES.sub("", self._raw).replace("\r", "")

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)

    def __enter__(self) -> PtyShell:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
