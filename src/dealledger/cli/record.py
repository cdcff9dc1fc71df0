"""`dealledger record`: update a tranche or the deal's status in place."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .app import app
from .common import LedgerOption, ledger_root, problem_line
from .completion import complete_deal_id, complete_record_status


@app.command()
def record(
    deal_id: Annotated[
        str,
        typer.Argument(
            metavar="DEAL_ID",
            help="The deal's id.",
            show_default=False,
            autocompletion=complete_deal_id,
        ),
    ],
    tranche: Annotated[
        str | None,
        typer.Option(
            "--tranche",
            "-t",
            metavar="N|LABEL",
            help="The tranche: its number in file order (1 = first) or its label.",
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Tranche: expected, achieved, paid, forfeited. Deal (without --tranche): "
            "announced, active, completed, terminated, expired.",
            autocompletion=complete_record_status,
        ),
    ] = None,
    achieved: Annotated[
        str | None, typer.Option(metavar="DATE", help="Date the event happened.")
    ] = None,
    paid: Annotated[
        str | None, typer.Option(metavar="DATE", help="Date it was paid (implies status paid).")
    ] = None,
    due: Annotated[
        str | None,
        typer.Option(metavar="DATE|PERIOD", help="When it is expected: 2027-06-30, 2027-Q2…"),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option(
            metavar="MONEY",
            help='Amount as the format writes it: 110000000, 110_000_000, "110M", "1.62B", '
            '"undisclosed". More than ×100 away from the recorded amount needs --yes.',
        ),
    ] = None,
    terminated: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Deal only: date of termination (implies status)."),
    ] = None,
    option: Annotated[
        str | None,
        typer.Option(
            "--option",
            metavar="N|ID",
            help="An option (format version 2): its number in file order or its id; with "
            "--status open, exercised, declined, lapsed and --date.",
        ),
    ] = None,
    when: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="Option only: the day it was exercised (implies status exercised), or "
            "declined or lapsed.",
        ),
    ] = None,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help="Confirm an --amount more than ×100 away from the recorded one."
        ),
    ] = False,
    ledger: LedgerOption = None,
) -> None:
    """Record what happened to a tranche (or to the deal), changing nothing else in the file.

    The change is checked like `dealledger check` before it is written; a change that would
    make the deal invalid is refused and the file is left as it was.

    Examples:

      dealledger record azn-cspc-2025-ai-research --tranche 1 --paid 2025-07-15

      dealledger record azn-cspc-2025-ai-research -t "Development milestones" --status forfeited

      dealledger record azn-cspc-2023-framework --status terminated --terminated 2026-03-01

      dealledger record azn-cspc-2025-ai-research --option 1 --date 2027-01-15
    """
    from ..authoring.record import RecordRefused
    from ..authoring.record import record as do_record
    from ..domain.safe_text import terminal_safe

    root = ledger_root(ledger)
    try:
        result = do_record(
            root,
            deal_id,
            tranche,
            status=status,
            achieved=achieved,
            paid=paid,
            due=due,
            amount=amount,
            terminated=terminated,
            option=option,
            when=when,
            yes=yes,
        )
    except RecordRefused as exc:  # the headline, then the problems the change would add
        sys.stderr.write(terminal_safe(str(exc)) + "\n")
        for problem in exc.problems:
            sys.stderr.write(problem_line(problem) + "\n")
        raise typer.Exit(exc.exit_code) from None
    for problem in result.warnings:
        sys.stderr.write(problem_line(problem) + "\n")
    changes = ", ".join(str(change) for change in result.changes)
    verb = "updated" if result.written else "unchanged (already recorded)"
    sys.stdout.write(terminal_safe(f"{result.display}: {verb}: {result.target}: {changes}") + "\n")
