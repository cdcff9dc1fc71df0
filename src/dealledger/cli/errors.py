"""Run the app so that no failure ends in a bare traceback.

Every way out of a command maps to the spec's exit codes:

- the command's own `typer.Exit` / usage errors: their code (0, 1 ledger errors, 2 usage);
- Ctrl-C: 130, the shell convention for SIGINT (Typer maps it before we see it);
- a closed output pipe (`dealledger summarize | head`): quietly, 0 (or 1 where Typer's own
  EPIPE rule sees it first);
- the system refusing to read or write (disk full, output device gone): 1, with the reason;
- a deal file changed between being checked and being reported on: 1, asking to run again;
- running out of memory: 3, with a message saying so;
- anything else is a bug in dealledger: 3 and a short report asking to file it. The Python
  traceback is shown only with `--debug` (or DEALLEDGER_DEBUG=1), because CI logs of
  strangers' pull requests are public and a traceback adds nothing a user can act on.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback

import typer

from .. import __version__

LEDGER_ERRORS = 1
INTERNAL_ERROR = 3
INTERRUPTED = 130
_MAX_DETAIL = 300


def run(app: typer.Typer, argv: list[str] | None = None) -> int:
    _tolerant_streams()
    from ..interrupts import install

    install()  # Ctrl-C in a Rust callback: an interrupt, not a message
    try:
        app(args=argv, prog_name="dealledger")
    except SystemExit as exit_:
        code = exit_.code
        if code is None or isinstance(code, int):
            return code or 0
        _say(f"error: {code}")  # sys.exit("message"): show it, as Python would
        return LEDGER_ERRORS
    except KeyboardInterrupt:
        _say("interrupted")
        return INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except MemoryError:
        _say("error: out of memory; check fewer files at a time")
        return INTERNAL_ERROR
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        _say(f"error: {exc.strerror or exc}{where}")
        return LEDGER_ERRORS
    except Exception as exc:
        from ..ledger import LedgerChanged  # here, not at the top: start-up stays small

        if isinstance(exc, LedgerChanged):
            from ..safe_text import terminal_safe

            _say(f"error: {terminal_safe(str(exc))}")
            return LEDGER_ERRORS
        report_bug(exc)
        return INTERNAL_ERROR
    return 0


def report_bug(exc: BaseException) -> None:
    """A short, safe report: what failed, and how to get the detail to file an issue."""
    from ..safe_text import terminal_safe

    if debugging():
        text = "".join(traceback.format_exception(exc))
        sys.stderr.write(terminal_safe(text, keep_newlines=True))
        return

    detail = terminal_safe(f"{type(exc).__name__}: {exc}")
    if len(detail) > _MAX_DETAIL:
        detail = detail[:_MAX_DETAIL] + "..."
    _say(
        f"internal error ({detail}).\n"
        f"This is a bug in dealledger {__version__}, not in your files. Please report it on "
        "the project's issue tracker with the command you ran; run it again with --debug "
        "to include the traceback."
    )


def debugging() -> bool:
    return os.environ.get("DEALLEDGER_DEBUG", "") not in ("", "0")


def _say(message: str) -> None:
    try:
        sys.stderr.write(f"dealledger: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _tolerant_streams() -> None:
    """Never fail on a character the terminal's encoding lacks: write `\\u4e2d` instead.

    With PYTHONIOENCODING=ascii or a legacy Windows console, printing a Chinese party name
    would otherwise raise UnicodeEncodeError in the middle of a report.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at devnull so the final flush cannot complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
