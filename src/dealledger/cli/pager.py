"""Long tables on a terminal go through a pager, as git does: `--no-pager`, `$PAGER`.

Only output taller than the terminal is paged, and only on a terminal (never in a pipe, never
under TERM=dumb). `$DEALLEDGER_PAGER` wins over `$PAGER`; an empty value or `cat` means no
pager. `less` gets `LESS=FRX` unless the user set LESS: quit when the text fits, pass colours,
leave the text on screen. A pager that cannot start is not an error: the text is printed.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from ..render.view import View

NoPagerOption = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        envvar="DEALLEDGER_NO_PAGER",
        help="Print long tables straight to the terminal instead of through $PAGER.",
    ),
]


def pager_command(environ: Mapping[str, str]) -> list[str] | None:
    """The pager to run, or None for none."""
    for name in ("DEALLEDGER_PAGER", "PAGER"):
        if name in environ:
            value = environ[name].strip()
            break
    else:
        value = "less"
    if not value or value == "cat":
        return None
    try:
        return shlex.split(value)
    except ValueError:
        return None


def page_text(text: str, command: list[str], environ: Mapping[str, str]) -> bool:
    """Feed `text` to the pager; False where it could not start (caller prints instead)."""
    env = dict(environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert process.stdin is not None
    try:
        process.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "replace"))
        process.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the user quit the pager before reading everything
    try:
        process.wait()
    except KeyboardInterrupt:
        process.wait()
    return True


def print_paged(
    renderable: RenderableType,
    console: Console,
    *,
    pageable: bool,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Print `renderable`, through the pager when it is taller than a terminal screen."""
    environ = os.environ if environ is None else environ
    command = pager_command(environ) if pageable else None
    if command is None:
        console.print(renderable)
        return
    with console.capture() as capture:
        console.print(renderable)
    text = capture.get()
    if text.count("\n") < console.height or not page_text(text, command, environ):
        console.file.write(text)
        console.file.flush()


def show_view(view: View, *, no_pager: bool = False, above: Sequence[RenderableType] = ()) -> None:
    """A report's table on stdout (after `above`, e.g. a chart): the one call table-printing
    commands make."""
    from rich.console import Group

    from ..render.table import build_table
    from .pipe import report_console
    from .terminal import stdout_style

    width = report_console().width
    table = build_table(view, decorated=stdout_style().decorated, width=width)
    show_renderable(Group(*above, table) if above else table, no_pager=no_pager)


def show_renderable(renderable: RenderableType, *, no_pager: bool = False) -> None:
    """Anything Rich prints, on stdout, paged on a terminal when taller than the screen."""
    from .pipe import report_console
    from .terminal import stdout_style

    pageable = stdout_style().pageable and not no_pager
    print_paged(renderable, report_console(), pageable=pageable)
