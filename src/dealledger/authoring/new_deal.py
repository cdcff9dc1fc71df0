"""`new`: write a first deal file that passes `check` and teaches the format as it goes.

Every value is checked as it is given (on the command line or at a prompt), with a message
that shows the accepted form; the finished text is then checked like a file on disk, with
the rest of the ledger, before it is created. The file is created, never overwritten: an
existing file or id stops the command.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import get_args

from ..domain.codes import CURRENCIES
from ..domain.errors import LedgerError, UsageError, did_you_mean
from ..domain.fields import SLUG_RE
from ..domain.models import Kind, Role
from ..domain.problems import Problem
from ..load.discover import DEALS_DIR, file_refusal, real_folder
from .draft import check_draft, display_path, errors_of, ledger_files
from .safe_write import WriteError, folder_lock, write_atomic
from .toml_values import amount_toml, parse_date, toml_string

KINDS: tuple[str, ...] = get_args(Kind)
ROLES: tuple[str, ...] = get_args(Role)
PARTY_FORM = (
    '--party "NAME:ROLE", e.g. --party "AstraZeneca:licensee" or "Pfizer:licensee+investor"'
)
#: The amounts `new` takes, in the order their tranches are written.
AMOUNT_KEYS = ("upfront", "milestone", "commercial", "combined")


class ScaffoldUsageError(UsageError):
    """A bad value, an existing file or id, a path outside deals/: exit 2."""


class ScaffoldRefused(LedgerError):
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
    # Each party's name and its role, or roles joined by "+".
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
        raise ValueError(
            f"kind {text!r} is not one of {', '.join(KINDS)}" + did_you_mean(value, KINDS)
        )
    return value


def check_date(what: str) -> Callable[[str], date]:
    return lambda text: parse_date(text, what)


def check_currency(text: str) -> str:
    value = text.strip().upper()
    if value not in CURRENCIES:
        raise ValueError(
            f'currency {text!r} is not an ISO 4217 code; e.g. "USD", "CNY", "EUR"'
            + did_you_mean(value, CURRENCIES)
        )
    return value


def check_party(text: str) -> tuple[str, str]:
    name, colon, role = text.rpartition(":")
    role = role.strip().lower()
    if not colon or not name.strip():
        raise ValueError(f"party {text!r} is not NAME:ROLE; write {PARTY_FORM}")
    for one in role.split("+"):
        if one.strip() not in ROLES:
            raise ValueError(
                f"party {text!r}: role {one.strip()!r} is not one of {', '.join(ROLES)}; "
                f"write {PARTY_FORM}"
            )
    return name.strip(), "+".join(one.strip() for one in role.split("+"))


def role_toml(role: str) -> str:
    """`"licensor"`, or a list for several roles joined by "+"."""
    roles = role.split("+")
    if len(roles) == 1:
        return toml_string(role)
    return "[" + ", ".join(toml_string(one) for one in roles) + "]"


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
    "combined": (
        "milestone",
        "Development, regulatory and sales milestones, announced as one figure",
        '  # one "up to" cap covering several stages',
    ),
}

# Every key format version 2 adds, shown once as a commented example (docs/format.md has a
# worked example of each).
_VERSION_2_EXAMPLES = [
    "",
    "# Version 2 terms, where the source states them (see docs/format.md):",
    '# total_qualifier = "over"                 # the headline is a floor; or "about", "up to"',
    '# total_includes = ["upfront", "milestone", "commercial"]  # what the headline adds up',
    "# total_covers_undisclosed = true          # the headline includes parts not broken out",
    '# amends = "<id of the deal this one amends>"',
    "# In a [[tranches]] table:",
    '#   qualifier = "about"                    # "up to" (default), "over", "about"',
    '#   covers = ["development", "regulatory", "sales"]  # a combined milestone figure',
    '#   sales_share = "40%"                     # its sales part, where disclosed',
    '#   asset = ["Asset A", "Asset B"]          # a figure disclosed for several assets',
    '#   due = "by 2026-06-30"                   # or "2026-Q2"; paid_in / achieved_in = "2026-05"',
    '#   split = [{ payee = "A", share = "35%" }, { payee = ["B", "C"], share = "65%" }]',
    '#   option = "<option id>"                  # the exercise fee of an [[options]] entry',
    '#   stock = { issuer = "...", shares = 10_000_000, price = "2.51", amount = "25.1M" }',
    '#   parts = [{ type = "upfront", amount = "undisclosed" }]  # with type = "mixed"',
    "# [[options]]  id, holder, right, label, asset, territory, after, deadline, status,",
    "#              exercised, ended, probability",
    "# [[rights]]   type, holder, label, territory, share, after, asset",
    "# [[events]]   date, type, label, asset, option, territory, deal",
]


def render(deal: NewDeal) -> str:
    """The new file's text: valid, in `fmt`'s layout, and commented for a first reader."""
    amounts = {key: value for key, value in deal.amounts.items() if value is not None}
    lines = [
        "# A deal file (dealledger format version 2). Check it with `dealledger check`; lay it",
        "# out with `dealledger fmt`; record payments with",
        f"# `dealledger record {deal.id} --tranche N --paid YYYY-MM-DD`.",
        "# Dates are TOML dates, without quotes. Amounts are integers (110_000_000) or strings",
        '# with a scale ("110M", "1.62B"); write "undisclosed" where a figure is not public.',
        "",
        "format = 2",
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
        lines += ["[[parties]]", f"name = {toml_string(name)}", f"role = {role_toml(role)}"]
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
            if key == "combined":
                lines.append('covers = ["development", "regulatory", "sales"]')
    lines += _VERSION_2_EXAMPLES
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
