"""`new`: write a first deal file that passes `check` and teaches the format as it goes.

Every value is checked as it is given (on the command line or at a prompt), with a message
that shows the accepted form; the finished text is then checked like a file on disk, with
the rest of the ledger, before it is created. The file is created, never overwritten: an
existing file or id stops the command.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import get_args

from .discover import DEALS_DIR, file_refusal, real_folder
from .draft import check_draft, display_path, errors_of, ledger_files
from .fields import SLUG_RE
from .iso_codes import CURRENCIES
from .models import Kind, Role
from .problems import Problem
from .toml_values import amount_toml, parse_date, toml_string
from .writing import WriteError, folder_lock, write_atomic

KINDS: tuple[str, ...] = get_args(Kind)
ROLES: tuple[str, ...] = get_args(Role)
PARTY_FORM = '--party "NAME:ROLE", e.g. --party "AstraZeneca:licensee"'


class ScaffoldUsageError(Exception):
    """A bad value, an existing file or id, a path outside deals/: exit 2."""


class ScaffoldRefused(Exception):
    """The file would not pass `check`; nothing was written: exit 1."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass
class NewDeal:
    """What the user asked for, every value already checked."""

    id: str
    title: str
    kind: str
    announced: date
    parties: list[tuple[str, str]]
    signed: date | None = None
    currency: str | None = None
    # TOML text of each amount given, by tranche type: upfront, milestone, commercial.
    amounts: dict[str, str] = field(default_factory=dict)


# --- one checker per value: text in, value out, ValueError with the accepted form --------


def check_id(text: str) -> str:
    value = text.strip()
    if not SLUG_RE.fullmatch(value):
        suggestion = re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")[:80] or "my-deal"
        raise ValueError(
            f"id {text!r}: lowercase letters, digits and hyphens, starting with a letter or "
            f'digit, at most 80 characters, e.g. "{suggestion}"'
        )
    return value


def suggest_id(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")


def check_title(text: str) -> str:
    value = text.strip()
    if not value:
        raise ValueError('the title cannot be empty; e.g. "AstraZeneca licence of CSPC\'s ..."')
    return value


def check_kind(text: str) -> str:
    value = text.strip().lower()
    if value not in KINDS:
        nearest = difflib.get_close_matches(value, KINDS, n=1, cutoff=0.6)
        hint = f' (did you mean "{nearest[0]}"?)' if nearest else ""
        raise ValueError(f"kind {text!r} is not one of {', '.join(KINDS)}{hint}")
    return value


def check_date(what: str) -> Callable[[str], date]:
    return lambda text: parse_date(text, what)


def check_currency(text: str) -> str:
    value = text.strip().upper()
    if value not in CURRENCIES:
        raise ValueError(f'currency {text!r} is not an ISO 4217 code; e.g. "USD", "CNY", "EUR"')
    return value


def check_party(text: str) -> tuple[str, str]:
    name, colon, role = text.rpartition(":")
    role = role.strip().lower()
    if not colon or not name.strip():
        raise ValueError(f"party {text!r} is not NAME:ROLE; write {PARTY_FORM}")
    if role not in ROLES:
        raise ValueError(
            f"party {text!r}: role {role!r} is not one of {', '.join(ROLES)}; write {PARTY_FORM}"
        )
    return name.strip(), role


def check_amount(what: str) -> Callable[[str], str]:
    return lambda text: amount_toml(text, what)


# --- the file ----------------------------------------------------------------------------

_AMOUNT_LABELS = {
    "upfront": ("upfront", "Upfront payment", ""),
    "milestone": (
        "milestone",
        "Development and regulatory milestones",
        '  # the "up to" cap of all such milestones',
    ),
    "commercial": ("commercial", "Sales milestones", '  # the "up to" cap of sales milestones'),
}


def render(deal: NewDeal) -> str:
    """The new file's text: valid, in `fmt`'s layout, and commented for a first reader."""
    amounts = {key: value for key, value in deal.amounts.items() if value is not None}
    lines = [
        "# A deal file (dealledger format version 1). Check it with `dealledger check`; lay it",
        "# out with `dealledger fmt`; record payments with",
        f"# `dealledger record {deal.id} --tranche N --paid YYYY-MM-DD`.",
        "# Dates are TOML dates, without quotes. Amounts are integers (110_000_000) or strings",
        '# with a scale ("110M", "1.62B"); write "undisclosed" where a figure is not public.',
        "",
        f"id = {toml_string(deal.id)}",
        f"title = {toml_string(deal.title)}",
        f"kind = {toml_string(deal.kind)}",
        "# status: announced, active, completed, terminated (add terminated = YYYY-MM-DD), expired",
        'status = "active"',
        f"announced = {deal.announced.isoformat()}",
    ]
    if deal.signed is not None:
        lines.append(f"signed = {deal.signed.isoformat()}")
    else:
        lines.append("# signed = YYYY-MM-DD  (the signing date, where it differs or is known)")
    if deal.currency is not None:
        lines.append(
            f"currency = {toml_string(deal.currency)}  # ISO 4217; the currency of every amount"
        )
    if not amounts:
        lines += [
            "# No amounts yet: once terms are public, add [[tranches]] and remove this line.",
            'financials = "undisclosed"',
        ]
    lines.append(
        '# total = "5.3B"  # the headline "up to" value as announced, checked against the tranches'
    )
    lines += [
        "",
        "# One [[parties]] table per party. Roles: licensor, licensee, partner, acquirer, target,",
        "# investor, investee. With one paying party (licensee, acquirer, investor) and one",
        "# receiving party (licensor, target, investee), tranches need no payer or payee.",
    ]
    for index, (name, role) in enumerate(deal.parties):
        if index:
            lines.append("")
        lines += ["[[parties]]", f"name = {toml_string(name)}", f"role = {toml_string(role)}"]
    if amounts:
        lines += [
            "",
            '# The money, one [[tranches]] table each. Add royalties as type = "royalty" with',
            '# rate = "single-digit" (or "12%", "8%-12%"), and record events with',
            '# status = "achieved" / "paid" and their dates (or use `dealledger record`).',
        ]
        for position, (key, amount) in enumerate(amounts.items()):
            kind, label, comment = _AMOUNT_LABELS[key]
            if position:
                lines.append("")
            lines += [
                "[[tranches]]",
                f"type = {toml_string(kind)}",
                f"label = {toml_string(label)}",
                f"amount = {amount}{comment}",
            ]
    lines += [
        "",
        "# Where the facts come from: one [[sources]] table per article or filing, e.g.",
        "# [[sources]]",
        '# url = "https://..."',
        '# title = "..."',
        "# published = YYYY-MM-DD",
    ]
    return "\n".join(lines) + "\n"


# --- where it goes -----------------------------------------------------------------------


def target_path(root: Path, deal_id: str, path: str | None, cwd: Path) -> Path:
    """The file to create: deals/<id>.toml, or --path, which must stay inside deals/."""
    deals = (root / DEALS_DIR).resolve()
    if path is None:
        return deals / f"{deal_id}.toml"
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = cwd / candidate
    resolved = candidate.resolve()
    if not resolved.is_relative_to(deals) or resolved == deals:
        raise ScaffoldUsageError(
            f"--path {path!r} is outside the ledger's deals/ folder ({display_path(deals)}); "
            f"deal files live under it, e.g. --path {display_path(deals / 'YYYY' / deal_id)}.toml"
        )
    if resolved.suffix != ".toml":
        raise ScaffoldUsageError(f"--path {path!r}: a deal file's name ends in .toml")
    return resolved


def create(
    root: Path, deal: NewDeal, path: Path, today: date | None = None
) -> tuple[str, list[Problem]]:
    """Write the new file, or raise; returns how to show its path, and the check's warnings."""
    deals = root / DEALS_DIR
    deals.mkdir(parents=True, exist_ok=True)
    display = display_path(path)
    text = render(deal)
    # Under the deals/ lock, so that two `new` runs cannot both take one id.
    with folder_lock(deals):
        if path.exists() or path.is_symlink():
            raise ScaffoldUsageError(
                f"{display} already exists; choose another --path, or edit that file"
            )
        for existing in ledger_files(root):
            if existing.deal_id == deal.id:
                raise ScaffoldUsageError(
                    f"id {deal.id!r} is already used by {existing.display}; ids are unique "
                    "across the ledger"
                )
        problems = check_draft(root, path, display, text, today)
        errors = errors_of(problems)
        if errors:
            raise ScaffoldRefused(f"not created: {display} would not pass check", errors)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Again under the lock, with the folders made: a sub-folder swapped for a link out of
        # the ledger since --path was checked must not take the new file with it.
        refusal = file_refusal(path, real_folder(deals))
        if refusal is not None:
            raise ScaffoldUsageError(f"{display}: {refusal.message}")
        try:
            write_atomic(path, text.encode("utf-8"), create=True)
        except WriteError as exc:
            raise ScaffoldUsageError(str(exc)) from None
    return display, [problem for problem in problems if problem not in errors]
