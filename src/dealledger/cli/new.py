"""`dealledger new`: scaffold a deal file from flags, or by asking on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from ..domain.errors import UsageError
from .app import app
from .common import LedgerOption, problem_line
from .completion import complete_kind

if TYPE_CHECKING:
    from ..authoring.new_deal import NewDeal

T = TypeVar("T")
Ask = Callable[[str, str | None], str]
Say = Callable[[str], None]


@app.command()
def new(
    deal_id: Annotated[
        str | None, typer.Option("--id", help="The deal's id: lowercase, digits, hyphens.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="A short human title.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="license, collaboration, co-development, option, acquisition, equity, "
            "framework, other.",
            autocompletion=complete_kind,
        ),
    ] = None,
    announced: Annotated[
        str | None, typer.Option(metavar="DATE", help="Announcement date, YYYY-MM-DD.")
    ] = None,
    signed: Annotated[
        str | None, typer.Option(metavar="DATE", help="Signing date, YYYY-MM-DD.")
    ] = None,
    currency: Annotated[
        str | None, typer.Option(help="ISO 4217 code of the amounts, e.g. USD.")
    ] = None,
    party: Annotated[
        list[str] | None,
        typer.Option(
            "--party",
            metavar="NAME:ROLE",
            help='A party, repeated: --party "CSPC:licensor" --party "AstraZeneca:licensee"; '
            'several roles joined by +: --party "Pfizer:licensee+investor".',
        ),
    ] = None,
    upfront: Annotated[
        str | None, typer.Option(metavar="MONEY", help='Upfront payment, e.g. "100M".')
    ] = None,
    milestone: Annotated[
        str | None,
        typer.Option(metavar="MONEY", help='Up-to cap of development milestones, e.g. "1.92B".'),
    ] = None,
    commercial: Annotated[
        str | None, typer.Option(metavar="MONEY", help="Up-to cap of sales milestones.")
    ] = None,
    combined: Annotated[
        str | None,
        typer.Option(
            metavar="MONEY",
            help="Up-to cap of development, regulatory and sales milestones announced as one "
            'figure, e.g. "4.8B" (a milestone tranche with covers = [...]).',
        ),
    ] = None,
    path: Annotated[
        str | None,
        typer.Option(
            metavar="FILE", help="Where to write it (inside deals/). Default: deals/<id>.toml."
        ),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt, even on a terminal.")
    ] = False,
    ledger: LedgerOption = None,
) -> None:
    """Create a new deal file that passes `dealledger check`, with comments for a first reader.

    On a terminal, values not given as flags are asked for (each checked as you type);
    otherwise the missing ones are reported (exit 2). It never overwrites a file or reuses
    an id.

    Examples:

      dealledger new --id azn-cspc-2024-ys2302018 --title "AstraZeneca licence of YS2302018" \\
        --kind license --announced 2024-10-07 --currency USD \\
        --party "CSPC Pharmaceutical Group Limited:licensor" --party "AstraZeneca:licensee" \\
        --upfront 100M --milestone 1.92B

      dealledger new        # on a terminal: asks for each value
    """
    from ..authoring.new_deal import ScaffoldRefused, create, target_path
    from ..domain.safe_text import terminal_safe
    from ..load.discover import DEALS_DIR, find_root

    raw: dict[str, Any] = {
        "id": deal_id,
        "title": title,
        "kind": kind,
        "announced": announced,
        "signed": signed,
        "currency": currency,
        "parties": list(party or []),
        "upfront": upfront,
        "milestone": milestone,
        "commercial": commercial,
        "combined": combined,
    }
    interactive = not no_input and sys.stdin.isatty() and sys.stdout.isatty()
    root = find_root(ledger, Path.cwd())
    if root is None:
        root = Path.cwd()
        if not interactive:
            sys.stderr.write(f"starting a new ledger: creating {DEALS_DIR}/ in {root}\n")
    try:
        deal = gather(raw, _rich_ask() if interactive else None, _say)
    except ValueError as exc:  # a flag's value that does not check
        raise UsageError(str(exc)) from None
    try:
        target = target_path(root, deal.id, path, Path.cwd())
        display, warnings = create(root, deal, target)
    except ScaffoldRefused as exc:  # the headline, then the problems the file would have
        sys.stderr.write(terminal_safe(str(exc)) + "\n")
        for problem in exc.problems:
            sys.stderr.write(problem_line(problem) + "\n")
        raise typer.Exit(exc.exit_code) from None
    for problem in warnings:
        sys.stderr.write(problem_line(problem) + "\n")
    sys.stdout.write(terminal_safe(f"created {display}") + "\n")
    sys.stderr.write(
        terminal_safe(f"next: add [[sources]] and assets, then run: dealledger check {display}")
        + "\n"
    )


def gather(raw: dict[str, Any], ask: Ask | None, say: Say) -> NewDeal:
    """Check every value given; ask for the missing ones (or raise ValueError naming them)."""
    from ..authoring.new_deal import (
        AMOUNT_KEYS,
        NewDeal,
        check_amount,
        check_currency,
        check_date,
        check_id,
        check_kind,
        check_party,
        check_title,
        suggest_id,
    )

    given: dict[str, Any] = {}
    checks: dict[str, Callable[[str], Any]] = {
        "title": check_title,
        "id": check_id,
        "kind": check_kind,
        "announced": check_date("--announced"),
        "signed": check_date("--signed"),
        "currency": check_currency,
        "upfront": check_amount("--upfront"),
        "milestone": check_amount("--milestone"),
        "commercial": check_amount("--commercial"),
        "combined": check_amount("--combined"),
    }
    for key, check in checks.items():
        if raw.get(key) is not None:
            given[key] = check(raw[key])
    parties = [check_party(item) for item in raw.get("parties") or []]
    required = ["title", "id", "kind", "announced"]
    missing = [f"--{key}" for key in required if key not in given]
    if len(parties) < 2:
        missing.append('--party "NAME:ROLE" (at least two)')
    has_amounts = any(key in given for key in AMOUNT_KEYS)
    if has_amounts and "currency" not in given:
        missing.append("--currency (for the amounts)")
    if missing and ask is None:
        raise ValueError(
            "missing " + ", ".join(missing) + "; give them as options (run on a terminal to be "
            "asked), see dealledger new --help"
        )
    if missing and ask is not None:
        questions = {
            "title": "Title",
            "id": "Id (lowercase, digits, hyphens)",
            "kind": "Kind (" + ", ".join(_kinds()) + ")",
            "announced": "Announced (YYYY-MM-DD)",
        }
        for key in required:
            if key not in given:
                default = suggest_id(given["title"]) if key == "id" and "title" in given else None
                given[key] = ask_valid(ask, say, questions[key], checks[key], default)
        if "signed" not in given and raw.get("signed") is None:
            signed = ask_valid(
                ask, say, "Signed (YYYY-MM-DD, empty if unknown)", _optional(checks["signed"]), ""
            )
            if signed is not None:
                given["signed"] = signed
        while len(parties) < 2:
            number = len(parties) + 1
            parties.append(ask_valid(ask, say, f"Party {number} (NAME:ROLE)", check_party, None))
        if not has_amounts:
            for key, label in (
                ("upfront", "Upfront"),
                ("milestone", "Development milestones, up to"),
                ("commercial", "Sales milestones, up to"),
            ):
                value = ask_valid(
                    ask, say, f"{label} (e.g. 100M; empty if none)", _optional(checks[key]), ""
                )
                if value is not None:
                    given[key] = value
        if any(key in given for key in AMOUNT_KEYS) and "currency" not in given:
            given["currency"] = ask_valid(ask, say, "Currency (ISO 4217)", check_currency, "USD")
    amounts = {key: given[key] for key in AMOUNT_KEYS if key in given}
    return NewDeal(
        id=given["id"],
        title=given["title"],
        kind=given["kind"],
        announced=given["announced"],
        parties=parties,
        signed=given.get("signed"),
        currency=given.get("currency"),
        amounts=amounts,
    )


def ask_valid(
    ask: Ask, say: Say, question: str, check: Callable[[str], T], default: str | None
) -> T:
    """Ask until the answer passes `check`, showing why each rejected answer was wrong."""
    while True:
        answer = ask(question, default)
        try:
            return check(answer)
        except ValueError as exc:
            say(str(exc))


def _optional(check: Callable[[str], T]) -> Callable[[str], T | None]:
    def checked(text: str) -> T | None:
        return None if not text.strip() else check(text)

    return checked


def _kinds() -> tuple[str, ...]:
    from ..authoring.new_deal import KINDS

    return KINDS


def _say(message: str) -> None:
    from ..domain.safe_text import terminal_safe

    sys.stderr.write(terminal_safe(message) + "\n")


def _rich_ask() -> Ask:
    from rich.console import Console
    from rich.prompt import Prompt
    from rich.text import Text

    from ..domain.safe_text import terminal_safe

    console = Console(stderr=True, highlight=False, emoji=False, markup=False)

    def ask(question: str, default: str | None) -> str:
        # A Text, not a str: Prompt would parse a str as markup whatever the console says.
        prompt = Text(terminal_safe(question))
        if default is None:
            return Prompt.ask(prompt, console=console)
        return Prompt.ask(prompt, console=console, default=default, show_default=bool(default))

    return ask
