"""`record`: update one tranche (or the deal's status) in place, changing nothing else.

The change is a splice into the file's text: an existing key keeps its line, spacing and
end-of-line comment and only its value is replaced; a missing key gets a new line after the
last key that precedes it in the format's order (so `paid` lands after `achieved`, before a
comment that belongs to the next table). Every other byte is copied as it was.

The new content is checked like a file on disk, with the rest of the ledger and today's
date; a change that would add an error is refused, and the file stays byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

from ..domain.errors import LedgerError, UsageError, did_you_mean
from ..domain.fields import UNDISCLOSED, money_precision
from ..domain.models import DealStatus, OptionStatus, TrancheStatus
from ..domain.money import readable
from ..domain.problems import Problem
from ..load.document import read_document
from ..load.toml_text import Statement, layout
from .canonical import ROOT_ORDER, TABLE_ORDER
from .draft import check_draft, errors_of, ledger_files, surroundings
from .safe_write import WriteError, update_file
from .toml_values import amount_toml, due_toml, parse_date, toml_string

TRANCHE_STATUSES: tuple[str, ...] = get_args(TrancheStatus)
DEAL_STATUSES: tuple[str, ...] = get_args(DealStatus)
OPTION_STATUSES: tuple[str, ...] = get_args(OptionStatus)


class RecordUsageError(UsageError):
    """Bad arguments or an unknown deal or tranche; the message may list the deal's
    tranches, one a line."""

    multiline = True


class RecordRefused(LedgerError):
    """The change would make the deal invalid; nothing was written: exit 1."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Change:
    """One key to set, with the TOML text of its new value."""

    key: str
    toml: str

    def __str__(self) -> str:
        return f"{self.key} = {self.toml}"


@dataclass(frozen=True, slots=True)
class RecordResult:
    path: Path
    display: str
    target: str
    changes: tuple[Change, ...]
    written: bool
    warnings: tuple[Problem, ...] = ()


# --- parsing the command's values -----------------------------------------------------


def _checked(function: Callable[..., Any], *args: Any) -> Any:
    try:
        return function(*args)
    except ValueError as exc:
        raise RecordUsageError(str(exc)) from None


def tranche_changes(
    *,
    status: str | None,
    achieved: str | None,
    paid: str | None,
    due: str | None,
    amount: str | None,
    current_status: str | None,
) -> list[Change]:
    """The keys to set on a tranche; `--paid` alone implies status paid, `--achieved` alone
    implies status achieved where the tranche was still expected."""
    changes: list[Change] = []
    if status is not None and status not in TRANCHE_STATUSES:
        raise RecordUsageError(
            f"--status {status!r} is not a tranche status; use one of "
            + ", ".join(TRANCHE_STATUSES)
            + did_you_mean(status, TRANCHE_STATUSES)
        )
    if status is None and paid is not None:
        status = "paid"
    elif status is None and achieved is not None and current_status in (None, "expected"):
        status = "achieved"
    if amount is not None:
        changes.append(Change("amount", _checked(amount_toml, amount)))
    if status is not None:
        changes.append(Change("status", toml_string(status)))
    if due is not None:
        changes.append(Change("due", _checked(due_toml, due)))
    if achieved is not None:
        changes.append(_day_or_period("achieved", achieved))
    if paid is not None:
        changes.append(_day_or_period("paid", paid))
    return changes


def _day_or_period(key: str, text: str) -> Change:
    """`paid = 2023-01-17`, or `paid_in = "2023-01"` where only the month (quarter, year)
    is known."""
    value = text.strip()
    if _PERIOD_ONLY.fullmatch(value):
        return Change(f"{key}_in", toml_string(value))
    return Change(key, _checked(parse_date, value, f"--{key}").isoformat())


_PERIOD_ONLY = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2]|Q[1-4]|H[12]))?")

# A new amount more than this many times larger or smaller than the recorded one is far more
# often a lost k/M/B suffix ("1.25" for "1.25B") than news, so it needs --yes.
AMOUNT_JUMP = Decimal(100)


def _amount_value(value: object) -> Decimal | str | None:
    """An amount as the format reads it (a Decimal, or "undisclosed"); None if it is none."""
    if isinstance(value, str) and value.strip().lower() == UNDISCLOSED:
        return UNDISCLOSED
    try:
        return money_precision(value).value
    except ValueError:
        return None


def settle_amount(
    changes: list[Change], recorded: object, typed: str | None, target: str, yes: bool
) -> list[Change]:
    """The changes without `amount` where the file already holds that amount (`"1.25B"` and
    `1_250_000_000` are one amount); a jump of more than ×100 either way is refused unless
    confirmed, because it is nearly always a slip of the suffix."""
    if typed is None:
        return changes
    old, new = _amount_value(recorded), _amount_value(typed)
    if old is not None and old == new:
        return [change for change in changes if change.key != "amount"]
    if isinstance(old, Decimal) and isinstance(new, Decimal) and old > 0 and new > 0:
        factor = max(old, new) / min(old, new)
        if factor > AMOUNT_JUMP and not yes:
            direction = "up" if new > old else "down"
            raise RecordUsageError(
                f"--amount {typed.strip()} would change {target} from {readable(old)} to "
                f"{readable(new)}, {direction} by a factor of {_factor(factor)}; check the "
                "k/M/B suffix, or add --yes to record it as it is"
            )
    return changes


def _factor(factor: Decimal) -> str:
    return f"{factor:,.0f}" if factor >= 1000 else f"{factor:.3g}"


def option_changes(*, status: str | None, when: str | None) -> list[Change]:
    """The keys to set on an option: its status, and the date as `exercised` (status
    exercised, implied by `--date` alone) or `ended` (declined or lapsed)."""
    if status is not None and status not in OPTION_STATUSES:
        raise RecordUsageError(
            f"--status {status!r} is not an option status; use one of " + ", ".join(OPTION_STATUSES)
        )
    if status is None and when is not None:
        status = "exercised"
    changes: list[Change] = []
    if status is not None:
        changes.append(Change("status", toml_string(status)))
    if when is not None:
        if status == "open":
            raise RecordUsageError("an open option has no date; leave out --date")
        key = "exercised" if status == "exercised" else "ended"
        changes.append(Change(key, _checked(parse_date, when, "--date").isoformat()))
    return changes


def select_option(options: list[dict[str, Any]], selector: str) -> int:
    """0-based index of the option that `selector` (1-based number or id) names."""
    listing = "\n".join(
        f"  {index + 1}: {option.get('id', '?')}  status {option.get('status', 'open')}"
        for index, option in enumerate(options)
    )
    where = f"; its options:\n{listing}" if options else "; the deal has no [[options]]"
    text = selector.strip()
    if text.isdigit() and 1 <= int(text) <= len(options):
        return int(text) - 1
    found = [index for index, option in enumerate(options) if option.get("id") == text]
    if found:
        return found[0]
    raise RecordUsageError(f"there is no option {text!r}{where}")


def deal_changes(*, status: str | None, terminated: str | None) -> list[Change]:
    if status is not None and status not in DEAL_STATUSES:
        raise RecordUsageError(
            f"--status {status!r} is not a deal status; use one of "
            + ", ".join(DEAL_STATUSES)
            + did_you_mean(status, DEAL_STATUSES)
        )
    if status is None and terminated is not None:
        status = "terminated"
    changes: list[Change] = []
    if status is not None:
        changes.append(Change("status", toml_string(status)))
    if terminated is not None:
        changes.append(
            Change("terminated", _checked(parse_date, terminated, "--terminated").isoformat())
        )
    return changes


# --- locating the deal and the tranche ------------------------------------------------


def locate_deal_file(root: Path, deal_id: str) -> tuple[Path, str]:
    """The file under deals/ that declares `deal_id`, valid or not, and its display path.

    Files that cannot be read at all (over a limit, not TOML) declare no id as far as anyone
    can tell: where no file has the id and such files exist, their problems are the answer.
    """
    files = list(ledger_files(root))
    matches = [item for item in files if item.deal_id == deal_id]
    if not matches:
        ids = sorted({item.deal_id for item in files if item.deal_id})
        hint = did_you_mean(deal_id, ids)
        unreadable = [problem for item in files for problem in item.problems]
        if unreadable:
            raise RecordRefused(
                f"not recorded: no deal file that can be read has id {deal_id!r}; the files "
                f"below cannot be read, and one of them may hold it{hint}",
                unreadable,
            )
        raise RecordUsageError(f"no deal in the ledger has id {deal_id!r}{hint}")
    if len(matches) > 1:
        listed = ", ".join(item.display for item in matches)
        raise RecordUsageError(
            f"id {deal_id!r} is used by several files ({listed}); fix that first"
        )
    return matches[0].path, matches[0].display


def describe_tranche(index: int, tranche: dict[str, Any]) -> str:
    parts = [f"{index + 1}: {tranche.get('type', '?')}"]
    if "label" in tranche:
        parts.append(f"{str(tranche['label'])!r}")
    if "amount" in tranche:
        parts.append(f"amount {tranche['amount']}")
    parts.append(f"status {tranche.get('status', 'expected')}")
    return "  ".join(parts)


def select_tranche(tranches: list[dict[str, Any]], selector: str) -> int:
    """0-based index of the tranche that `selector` (1-based number or label) names."""
    listing = "\n".join(
        "  " + describe_tranche(index, tranche) for index, tranche in enumerate(tranches)
    )
    where = f"; its tranches:\n{listing}" if tranches else "; the deal has no [[tranches]]"
    text = selector.strip()
    if text.isascii() and text.isdigit():
        number = int(text)
        if 1 <= number <= len(tranches):
            return number - 1
        raise RecordUsageError(f"there is no tranche {number}{where}")
    exact = [i for i, tranche in enumerate(tranches) if tranche.get("label") == text]
    if not exact:
        exact = [
            i
            for i, tranche in enumerate(tranches)
            if str(tranche.get("label", "")).casefold() == text.casefold()
        ]
    if len(exact) == 1:
        return exact[0]
    if exact:
        raise RecordUsageError(f"several tranches are labelled {text!r}; give the number{where}")
    raise RecordUsageError(f"no tranche is labelled {text!r}{where}")


# --- splicing -------------------------------------------------------------------------


def apply_change(text: str, table: tuple[str, int] | None, change: Change) -> str:
    """Set `change.key` in the root table (None) or in element N of an array of tables."""
    statements = layout(text)
    body = _section_body(statements, table)
    order = ROOT_ORDER if table is None else TABLE_ORDER.get(table[0], ())
    existing = next(
        (item for item in body if item.kind == "keyvalue" and item.key == (change.key,)), None
    )
    if existing is not None:
        return text[: existing.value_start] + change.toml + text[existing.value_end :]
    line = f"{change.key} = {change.toml}"
    rank = {name: index for index, name in enumerate(order)}
    mine = rank.get(change.key, len(order))
    before = [
        item
        for item in body
        if item.kind == "keyvalue" and len(item.key) == 1 and rank.get(item.key[0], 99) < mine
    ]
    if before:
        anchor = before[-1]
        offset = anchor.end
    elif table is not None:
        header = _header_of(statements, table)
        offset = header.end
    else:
        first = next((item for item in body if item.kind == "keyvalue"), None)
        offset = first.start if first is not None else len(text)
        return text[:offset] + line + _newline(text) + text[offset:]
    prefix = "" if offset == 0 or text[offset - 1] == "\n" else _newline(text)
    return text[:offset] + prefix + line + _newline(text) + text[offset:]


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _section_body(statements: list[Statement], table: tuple[str, int] | None) -> list[Statement]:
    start = 0 if table is None else statements.index(_header_of(statements, table)) + 1
    body: list[Statement] = []
    for statement in statements[start:]:
        if statement.kind == "header":
            break
        body.append(statement)
    return body


def _header_of(statements: list[Statement], table: tuple[str, int]) -> Statement:
    name, index = table
    headers = [
        item
        for item in statements
        if item.kind == "header" and item.is_array and item.key == (name,)
    ]
    return headers[index]


def _require_tables(text: str, name: str, count: int, display: str) -> None:
    headers = [
        item
        for item in layout(text)
        if item.kind == "header" and item.is_array and item.key == (name,)
    ]
    if len(headers) != count:
        raise WriteError(
            f"{display} does not write its {name} as [[{name}]] tables, which record edits; "
            f"edit it by hand (or rewrite the {name} as tables)"
        )


# --- the command ----------------------------------------------------------------------


def record(
    root: Path,
    deal_id: str,
    tranche: str | None,
    *,
    status: str | None = None,
    achieved: str | None = None,
    paid: str | None = None,
    due: str | None = None,
    amount: str | None = None,
    terminated: str | None = None,
    today: date | None = None,
    option: str | None = None,
    when: str | None = None,
    yes: bool = False,
) -> RecordResult:
    """Set the given values on one tranche, option or the deal, refusing what would make the
    file invalid; `yes` confirms an amount more than ×100 away from the recorded one."""
    tranche_values = {"--achieved": achieved, "--paid": paid, "--due": due, "--amount": amount}
    if option is not None:
        if tranche is not None or terminated is not None or any(tranche_values.values()):
            raise RecordUsageError(
                "--option takes only --status and --date; record the tranche separately"
            )
        if status is None and when is None:
            raise RecordUsageError("nothing to record; give --status and/or --date")
        option_changes(status=status, when=when)
    elif when is not None:
        raise RecordUsageError("--date belongs to an option; add --option N or --option ID")
    elif tranche is None:
        given = [name for name, value in tranche_values.items() if value is not None]
        if given:
            raise RecordUsageError(
                f"{', '.join(given)} belong to a tranche; add --tranche N or --tranche LABEL"
            )
        if status is None and terminated is None:
            raise RecordUsageError(
                "nothing to record; give --tranche with --status/--achieved/--paid/--due/"
                "--amount, or --status/--terminated for the deal"
            )
    else:
        if terminated is not None:
            raise RecordUsageError("--terminated is for the deal; leave out --tranche")
        if all(value is None for value in (status, *tranche_values.values())):
            raise RecordUsageError(
                "nothing to record; give --status, --achieved, --paid, --due or --amount"
            )
    # Every value is checked before the ledger is read: a typo is a usage error either way.
    if option is None and tranche is None:
        deal_changes(status=status, terminated=terminated)
    elif option is None:
        tranche_changes(
            status=status,
            achieved=achieved,
            paid=paid,
            due=due,
            amount=amount,
            current_status=None,
        )
    path, display = locate_deal_file(root, deal_id)
    outcome: dict[str, Any] = {}

    def change(old: bytes) -> bytes | None:
        document = read_document(path, display, old)
        if document.data is None or document.text is None:
            raise RecordRefused(
                f"not recorded: {display} cannot be read; fix it first", list(document.problems)
            )
        data, text = document.data, document.text
        bom = "\ufeff" if old.startswith(b"\xef\xbb\xbf") else ""
        if data.get("id") != deal_id:
            raise WriteError(f"{display} no longer holds deal {deal_id!r}; run the command again")
        table: tuple[str, int] | None
        if option is not None:
            options = data.get("options")
            options = options if isinstance(options, list) else []
            index = select_option(options, option)
            changes = option_changes(status=status, when=when)
            table = ("options", index)
            _require_tables(text, "options", len(options), display)
            outcome["target"] = f"option {index + 1}: {options[index].get('id', '?')}"
        elif tranche is None:
            changes = deal_changes(status=status, terminated=terminated)
            table = None
            outcome["target"] = f"deal {deal_id}"
        else:
            tranches = data.get("tranches")
            tranches = tranches if isinstance(tranches, list) else []
            index = select_tranche(tranches, tranche)
            current = tranches[index].get("status")
            changes = tranche_changes(
                status=status,
                achieved=achieved,
                paid=paid,
                due=due,
                amount=amount,
                current_status=current if isinstance(current, str) else None,
            )
            table = ("tranches", index)
            _require_tables(text, "tranches", len(tranches), display)
            outcome["target"] = describe_tranche(index, tranches[index])
            requested = changes
            changes = settle_amount(
                changes, tranches[index].get("amount"), amount, f"tranche {index + 1}", yes
            )
            outcome["changes"] = tuple(changes or requested)
        outcome.setdefault("changes", tuple(changes))
        new_text = text
        for item in changes:
            new_text = apply_change(new_text, table, item)
        if new_text == text:
            return None
        context = surroundings(root, path)
        before = {
            (problem.code, problem.message)
            for problem in errors_of(check_draft(context, path, display, text, today))
        }
        problems = check_draft(context, path, display, new_text, today)
        added = [p for p in errors_of(problems) if (p.code, p.message) not in before]
        if added:
            raise RecordRefused(f"not recorded: the change would make {display} invalid", added)
        outcome["warnings"] = tuple(p for p in problems if p not in errors_of(problems))
        return (bom + new_text).encode("utf-8")

    old, new = update_file(path, change)
    return RecordResult(
        path,
        display,
        outcome.get("target", ""),
        outcome.get("changes", ()),
        new is not None and new != old,
        outcome.get("warnings", ()),
    )


__all__ = [
    "Change",
    "RecordRefused",
    "RecordResult",
    "RecordUsageError",
    "apply_change",
    "record",
]
