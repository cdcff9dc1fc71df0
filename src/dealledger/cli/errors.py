"""Run the app so that no failure ends in a bare traceback.

Every way out of a command maps to the spec's exit codes:

- a `DealledgerError` (domain/errors.py): `dealledger: error: <message>` and its code
  (1 ledger errors, 2 usage errors). `DealledgerGroup` maps them, the one place that does,
  so the app called directly (as the tests' CliRunner does) behaves as the console script;
- Click's own usage errors (an unknown option, a bad choice, a missing argument): the same
  `dealledger: error: …` line, a "Try 'dealledger X --help'" hint, exit 2; a bad choice of
  an enumerated option names the nearest accepted value;
- the command's own `typer.Exit`: its code;
- Ctrl-C: 130, the shell convention for SIGINT (Typer maps it before we see it); SIGTERM:
  143, through the same path (ledger/interrupts.py); also when the interrupt reaches us as
  the cause of another error;
- a closed output pipe (`dealledger summarize | head`): quietly, 0 (or 1 where Typer's own
  EPIPE rule sees it first);
- the system refusing to read or write (disk full, output device gone): 1, with the reason;
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
from collections.abc import MutableMapping, Sequence
from typing import Any, NoReturn

import typer

# Typer 0.28 keeps these in private modules; pyproject.toml pins typer to 0.28.x and
# tests/test_errors.py fails if they move.
from typer._click.exceptions import NoArgsIsHelpError
from typer._types import TyperChoice
from typer.core import TyperGroup

from .. import __version__
from ..domain.errors import LEDGER_ERRORS, DealledgerError, did_you_mean

INTERNAL_ERROR = 3
INTERRUPTED = 130  # Typer's exit code for any KeyboardInterrupt
_MAX_DETAIL = 300


def run(app: typer.Typer, argv: list[str] | None = None) -> int:
    _tolerant_streams()
    from ..ledger.interrupts import install, raise_owed

    install()  # Ctrl-C in a Rust callback: an interrupt, not a message; SIGTERM as Ctrl-C
    try:
        app(args=argv, prog_name="dealledger")
    except SystemExit as exit_:
        try:
            # A Ctrl-C that landed in a finalizer (a temporary file closed, a generator
            # closed) was swallowed there: the run still ends as interrupted.
            raise_owed()
        except KeyboardInterrupt:
            return _interrupted()
        code = exit_.code
        if code is None or isinstance(code, int):
            return code or 0
        _say(f"error: {code}")  # sys.exit("message"): show it, as Python would
        return LEDGER_ERRORS
    except KeyboardInterrupt:
        return _interrupted()
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
        if _raised_by_an_interrupt(exc):
            return _interrupted()
        report_bug(exc)
        return INTERNAL_ERROR
    return 0


def _interrupted() -> int:
    """How a stopped run ends: one line, and 130 (Ctrl-C) or 143 (SIGTERM)."""
    from ..ledger.interrupts import interrupted_exit_code

    _say("interrupted")
    return interrupted_exit_code()


def _raised_by_an_interrupt(exc: BaseException) -> bool:
    """Whether a Ctrl-C (or SIGTERM) is behind `exc`: Python 3.11 wraps one that lands while a
    class is being built (in a `__set_name__`, as pydantic's models are at import) in a
    RuntimeError, and a clean-up that fails while an interrupt unwinds raises its own error.
    Either way the user stopped the run; it is not a bug to report."""
    seen: set[int] = set()
    waiting: list[BaseException | None] = [exc]
    while waiting:
        current = waiting.pop()
        if current is None or id(current) in seen:
            continue
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        waiting += [current.__cause__, current.__context__]
    return False


class DealledgerGroup(TyperGroup):
    """The app's command group: every `DealledgerError` and every Click usage error leaves
    through its `main`, as one line in the house style and the error's exit code."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _suggest_choices(self)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:  # the caller handles every outcome itself
            return self._closing(args, prog_name, complete_var, **extra)
        try:
            code = self._closing(args, prog_name, complete_var, **extra)
        except DealledgerError as exc:
            _error_exit(exc)
        except NoArgsIsHelpError as exc:  # `dealledger` alone: the help, not an error line
            exc.show()
            sys.exit(exc.exit_code)
        except typer.TyperException as exc:  # Click's usage errors
            _click_error_exit(exc)
        except typer.Abort:  # end of input at a prompt: Typer's own words
            _write("Aborted!\n")
            sys.exit(LEDGER_ERRORS)
        if code == INTERRUPTED:  # SIGTERM arrives as a KeyboardInterrupt too
            from ..ledger.interrupts import interrupted_exit_code

            code = interrupted_exit_code()
        sys.exit(code if isinstance(code, int) else 0)

    def _closing(self, *args: Any, **extra: Any) -> Any:
        """The command, then every cache it opened closed (a process may run many)."""
        from ..ledger import close_caches

        try:
            return super().main(*args, False, **extra)
        finally:
            close_caches()

    def _main_shell_completion(
        self, ctx_args: MutableMapping[str, Any], prog_name: str, complete_var: str | None = None
    ) -> None:
        """Answer a TAB with values quoted for the shell (`completion_shells`)."""
        from .completion_shells import register

        register()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)


def _error_exit(exc: DealledgerError) -> NoReturn:
    from ..domain.safe_text import terminal_safe

    _say(f"error: {terminal_safe(exc.message, keep_newlines=exc.multiline)}")
    sys.exit(exc.exit_code)


def _click_error_exit(exc: typer.TyperException) -> NoReturn:
    """Click's words in the house style; its usage block gives way to a one-line hint."""
    from ..domain.safe_text import terminal_safe

    message = terminal_safe(exc.format_message()).removesuffix(".")
    _say(f"error: {message[:1].lower()}{message[1:]}")
    context = getattr(exc, "ctx", None)
    if context is not None:
        _write(f"Try '{context.command_path} --help' for help.\n")
    sys.exit(exc.exit_code)


class SuggestingChoice(TyperChoice):  # type: ignore[type-arg]
    """An enumerated option's values; a value not among them gets the nearest one named."""

    def get_invalid_choice_message(self, value: Any, ctx: typer.Context | None) -> str:
        accepted = list(self._normalized_mapping(ctx=ctx).values())
        hint = did_you_mean(self.normalize_choice(value, ctx), accepted)
        return f"{value!r} is not one of {', '.join(accepted)}{hint}"


def _suggest_choices(command: Any) -> None:
    """Give every enumerated option of `command` and its subcommands a did-you-mean."""
    for param in command.params:
        chosen = param.type
        if isinstance(chosen, TyperChoice) and not isinstance(chosen, SuggestingChoice):
            param.type = SuggestingChoice(chosen.choices, case_sensitive=chosen.case_sensitive)
    for sub in getattr(command, "commands", {}).values():
        _suggest_choices(sub)


def report_bug(exc: BaseException) -> None:
    """A short, safe report: what failed, and how to get the detail to file an issue."""
    from ..domain.safe_text import terminal_safe

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
    _write(f"dealledger: {message}\n")


def _write(text: str) -> None:
    try:
        sys.stderr.write(text)
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
