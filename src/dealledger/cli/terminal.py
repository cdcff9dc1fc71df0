"""What the terminal (or pipe) on stdout can take: boxes, ANSI styles, a pager.

One pure function decides from the environment and `isatty`, so the policy is testable
without a terminal: NO_COLOR (no-color.org) turns every ANSI style off; FORCE_COLOR
(force-color.org) turns styles and table boxes on even in a pipe; TERM=dumb gets plain text
and no pager. A pipe never gets wrapping at 80 columns, whatever the variables say.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

PIPE_WIDTH = 100_000


@dataclass(frozen=True, slots=True)
class OutputStyle:
    decorated: bool  # table boxes and bold headers, laid out for a person
    styled: bool  # ANSI escape sequences allowed at all
    fit_width: bool  # wrap to the terminal's width (only on a real terminal)
    pageable: bool  # a pager may take long output


def output_style(environ: Mapping[str, str], isatty: bool) -> OutputStyle:
    no_color = environ.get("NO_COLOR", "") != ""
    force = environ.get("FORCE_COLOR", "") != ""
    dumb = environ.get("TERM", "").lower() in ("dumb", "unknown")
    decorated = force or (isatty and not dumb)
    styled = decorated and not no_color
    return OutputStyle(
        decorated=decorated, styled=styled, fit_width=isatty, pageable=isatty and not dumb
    )


def stdout_style() -> OutputStyle:
    try:
        isatty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        isatty = False
    return output_style(os.environ, isatty)


def styled_console(style: OutputStyle) -> Console:
    """A Console for stdout that follows `style` instead of guessing on its own."""
    from rich.console import Console

    return Console(
        file=sys.stdout,
        force_terminal=style.decorated,
        color_system="standard" if style.styled else None,
        no_color=not style.styled,
        highlight=False,
        markup=False,
        emoji=False,
        width=None if style.fit_width else PIPE_WIDTH,
        soft_wrap=not style.fit_width,
    )
