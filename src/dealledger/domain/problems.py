"""Problems are values: every check appends to a list instead of raising, so one run reports
everything wrong with every file, each at its own file, line and column.

`Finding` is what a rule produces (a key path inside one document); `Problem` is the same
finding placed at a line and column of a file, which is what users and CI see. Positions are
resolved only for files that have findings, because scanning positions costs a second pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

KeyPath = tuple[str | int, ...]
Anchor = Literal["value", "key", "table"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Stable problem codes. Renumbering breaks users' CI filters: add, never reuse.
CODES: dict[str, str] = {
    "DL001": "file or folder cannot or may not be read (missing, permission denied, not a "
    "regular file, a link out of the folder or a link loop, a folder too deep to search)",
    "DL002": "file is not valid UTF-8",
    "DL003": "TOML syntax error",
    "DL004": "file exceeds a size or structure limit (see docs/security.md), or has more "
    "problems than are reported",
    "DL005": "file is empty",
    "DL006": "suppression comment that silences nothing, or names an unknown code",
    "DL007": "spreadsheet formula cell without a saved value (import)",
    "DL101": "required key missing",
    "DL102": "unknown key",
    "DL103": "value has the wrong type",
    "DL104": "value not among the allowed choices",
    "DL105": "id is not a valid slug",
    "DL106": "invalid date",
    "DL107": "invalid period or due value",
    "DL108": "money written as a TOML float",
    "DL109": "invalid money value",
    "DL110": "negative amount",
    "DL111": "unknown ISO 4217 currency code",
    "DL112": "unknown ISO 3166-1 alpha-2 country code",
    "DL113": "invalid URL",
    "DL114": "invalid percentage or probability",
    "DL115": "invalid royalty rate",
    "DL116": "empty string or list where a value is needed",
    "DL117": "territory entry is neither an ISO country code nor a region word (format 2)",
    "DL201": "dates out of order",
    "DL202": "status and dates disagree",
    "DL203": "paid or achieved date in the future",
    "DL204": "paid, achieved, exercised or event date before the deal was signed or announced",
    "DL205": "option exercised after its deadline",
    "DL206": "option status and dates disagree",
    "DL210": "payer, payee or owner is not a party of the deal",
    "DL211": "payer or payee cannot be defaulted and must be given",
    "DL212": "fewer than two parties",
    "DL213": "duplicate name within the deal",
    "DL214": "unknown asset reference",
    "DL215": "a party's roles contradict each other or repeat",
    "DL216": "unknown option id, or an option id used twice",
    "DL220": "financials and tranches disagree",
    "DL221": "currency missing for amounts",
    "DL222": "royalty terms misplaced or missing",
    "DL223": "royalty tiers out of order",
    "DL224": "amount missing",
    "DL225": "split shares do not add up to 100%, or name a payee outside the tranche",
    "DL226": "covers or sales_share misplaced or inconsistent",
    "DL227": "stock terms inconsistent (shares × price against the amount, or the issuer)",
    "DL228": "parts of a mixed tranche misplaced or inconsistent with its amount",
    "DL229": "event incomplete (a partial termination needs the asset it ends)",
    "DL230": "declared total differs from the tranches",
    "DL231": "total qualifier or basis contradicts the total or the tranches",
    "DL301": "duplicate deal id",
    "DL302": "related id not in the ledger",
    "DL303": "party not in the registry",
    "DL304": "no FX rate for a needed conversion",
    "DL305": "deal relates to itself",
    "DL306": "amends or event deal id not in the ledger",
    "DL401": "registry parent unknown or circular",
    "DL402": "FX rate not positive or not a currency pair",
    "DL403": "registry name or alias used twice",
    "DL404": "unknown rule code or prefix in [check]",
    "DL501": "discount rate negative or above 100%",
    "DL502": "transition probability for a stage that has no next stage",
    "DL503": "invalid valuation delay",
    "DL504": "forecast names an unknown asset, or needs `asset`",
    "DL505": "forecast year given twice for one asset",
    "DL506": "invalid forecast year",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's verdict on one document, located by key path rather than by line."""

    code: str
    severity: Severity
    loc: KeyPath
    message: str
    anchor: Anchor = "value"


@dataclass(frozen=True, slots=True)
class Problem:
    """A finding placed in a file: what `check` prints and CI consumes."""

    code: str
    severity: Severity
    path: str
    line: int | None
    column: int | None
    message: str
    deal: str | None = None
    # Where the key or value at fault ends (inclusive column), for editors and code review
    # tools that underline a range; None where only the start is known.
    end_line: int | None = None
    end_column: int | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.code)


def error(code: str, loc: KeyPath, message: str, anchor: Anchor = "value") -> Finding:
    return Finding(code, Severity.ERROR, loc, message, anchor)


def warning(code: str, loc: KeyPath, message: str, anchor: Anchor = "value") -> Finding:
    return Finding(code, Severity.WARNING, loc, message, anchor)
