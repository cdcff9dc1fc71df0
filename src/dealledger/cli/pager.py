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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

if TYPE_CHECKING:
    from rich.console import RenderableType

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


def page_lines(lines: Iterable[str], command: list[str], environ: Mapping[str, str]) -> bool:
    """Feed `lines` to the pager as they come; False where it could not start (nothing of
    `lines` is consumed then, so the caller prints them instead)."""
    env = dict(environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert process.stdin is not None
    encoding = sys.stdout.encoding or "utf-8"
    try:
        for chunk in _chunks(lines):
            process.stdin.write(chunk.encode(encoding, "replace"))
        process.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the user quit the pager before reading everything
    try:
        process.wait()
    except KeyboardInterrupt:
        process.wait()
    return True


def _chunks(lines: Iterable[str], size: int = 512) -> Iterator[str]:
    """Lines joined a few hundred at a time: one write per chunk, not per line."""
    iterator = iter(lines)
    while chunk := list(islice(iterator, size)):
        yield "\n".join(chunk) + "\n"


def write_lines(lines: Iterable[str], out: TextIO | None = None) -> None:
    out = sys.stdout if out is None else out
    for chunk in _chunks(lines):
        out.write(chunk)
    out.flush()


def print_lines(
    lines: Iterable[str],
    *,
    pageable: bool,
    height: int,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
) -> None:
    """Print `lines`, through the pager when there are more than a screen's height.

    Only the first screenful is held to decide; the rest streams to the pager as it is
    produced, so a table of 100,000 rows is never built whole in memory.
    """
    environ = os.environ if environ is None else environ
    command = pager_command(environ) if pageable else None
    if command is None:
        write_lines(lines, out)
        return
    iterator = iter(lines)
    first = list(islice(iterator, height))
    if len(first) < height:
        write_lines(first, out)
        return
    if not page_lines(chain(first, iterator), command, environ):
        write_lines(chain(first, iterator), out)


def rendered_lines(renderables: Sequence[RenderableType]) -> list[str]:
    """Rich renderables (a chart, overview lines) as lines on stdout's console."""
    from .pipe import report_console

    console = report_console()
    with console.capture() as capture:
        for renderable in renderables:
            console.print(renderable)
    return capture.get().splitlines()


def show_view(
    view: View,
    *,
    no_pager: bool = False,
    above: Sequence[RenderableType] = (),
    wide: bool = False,
) -> None:
    """A report's table on stdout (after `above`, e.g. a chart): the one call table-printing
    commands make."""
    show_parts([*([rendered_lines(above)] if above else []), view], no_pager=no_pager, wide=wide)


def show_parts(
    parts: Sequence[View | list[str]], *, no_pager: bool = False, wide: bool = False
) -> None:
    """Tables and lines of text in turn, one blank line between tables, paged as one."""
    from ..render.table import lay_out, table_lines
    from ..render.view import View
    from .pipe import report_console
    from .terminal import stdout_style

    style = stdout_style()
    console = report_console()
    width = console.width if style.fit_width else None

    def lines() -> Iterator[str]:
        started = False
        for part in parts:
            if isinstance(part, View):
                if started:
                    yield ""
                person = style.decorated or style.fit_width
                layout = lay_out(part, width, for_person=person, wide=wide)
                yield from table_lines(part, layout, boxed=style.decorated, styled=style.styled)
            else:
                yield from part
            started = True

    print_lines(lines(), pageable=style.pageable and not no_pager, height=console.height)
