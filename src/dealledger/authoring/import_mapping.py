"""The mapping file of `import` (`--map mapping.toml`): which column is which field, and how
to read the cells.

It is checked like a deal file: the same TOML reader, a Pydantic model with unknown keys
refused (with the nearest known key), and every problem at its line and column in the
mapping file. Without a mapping, columns whose header names a field (as the headers of
`export --format csv` do) are recognised.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field

from ..domain.errors import UsageError
from ..domain.models import Model, Role
from ..load.document import load_model_file

# Every field a column (or a constant) can fill, in the order the docs list them.
FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "kind",
    "status",
    "announced",
    "signed",
    "effective",
    "currency",
    "licensor",
    "licensee",
    "parties",
    "upfront",
    "milestone",
    "commercial",
    "total",
    "royalty",
    "asset",
    "modality",
    "phase",
    "area",
    "territory",
    "tags",
    "related",
    "source_url",
    "source_title",
    "summary",
    "notes",
)
AMOUNT_FIELDS = ("upfront", "milestone", "commercial")
DATE_FIELDS = ("announced", "signed", "effective")

# Header spellings recognised without a mapping (lower case, spaces for `_` and `-`).
HEADER_ALIASES: dict[str, str] = {
    "deal id": "id",
    "name": "title",
    "deal": "title",
    "type": "kind",
    "deal type": "kind",
    "date": "announced",
    "announcement date": "announced",
    "signing date": "signed",
    "licensor": "licensor",
    "licensee": "licensee",
    "partners": "parties",
    "upfront payment": "upfront",
    "milestones": "milestone",
    "development milestones": "milestone",
    "sales milestones": "commercial",
    "commercial milestones": "commercial",
    "declared total": "total",
    "total value": "total",
    "deal value": "total",
    "royalties": "royalty",
    "royalty rate": "royalty",
    "stage": "phase",
    "therapeutic areas": "area",
    "therapeutic area": "area",
    "source": "source_url",
    "url": "source_url",
}

UNITS: dict[str, Decimal] = {
    "one": Decimal(1),
    "thousand": Decimal(1_000),
    "million": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
}


class FieldColumns(Model):
    """Field name → the header of its column (under [columns]) or its value (under
    [constants])."""

    id: str | None = None
    title: str | None = None
    kind: str | None = None
    status: str | None = None
    announced: str | None = None
    signed: str | None = None
    effective: str | None = None
    currency: str | None = None
    licensor: str | None = None
    licensee: str | None = None
    parties: str | None = None
    upfront: str | None = None
    milestone: str | None = None
    commercial: str | None = None
    total: str | None = None
    royalty: str | None = None
    asset: str | None = None
    modality: str | None = None
    phase: str | None = None
    area: str | None = None
    territory: str | None = None
    tags: str | None = None
    related: str | None = None
    source_url: str | None = None
    source_title: str | None = None
    summary: str | None = None
    notes: str | None = None

    def given(self) -> dict[str, str]:
        return {name: value for name in FIELDS if (value := getattr(self, name)) is not None}


class ImportMapping(Model):
    sheet: str | None = None
    header_row: int = Field(default=1, ge=1)
    skip_rows: int = Field(default=0, ge=0)
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    encoding: str = "utf-8-sig"
    date_order: Literal["DMY", "MDY"] | None = None
    amount_unit: Literal["one", "thousand", "million", "billion"] = "one"
    undisclosed: tuple[str, ...] = (
        "undisclosed",
        "not disclosed",
        "n/a",
        "na",
        "nd",
        "tbd",
        "-",
        "—",
        "–",
        "?",
    )
    party_separators: tuple[str, ...] = ("→", "->", " / ", " x ", " and ", " & ")
    party_roles: tuple[Role, Role] = ("licensor", "licensee")
    list_separator: str = Field(default=";", min_length=1)
    columns: FieldColumns = Field(default_factory=FieldColumns)
    constants: FieldColumns = Field(default_factory=FieldColumns)

    @property
    def unit(self) -> Decimal:
        return UNITS[self.amount_unit]


class MappingError(UsageError):
    """The mapping file has problems; the message lists each at its line and column."""

    multiline = True


def load_mapping(path: Path, display: str) -> ImportMapping:
    mapping, problems = load_model_file(ImportMapping, path, display)
    if mapping is None or problems:
        lines = [
            f"{problem.path}:{problem.line or 1}:{problem.column or 1}: "
            f"{problem.severity.value} {problem.code} {problem.message}"
            for problem in problems
        ]
        raise MappingError("the mapping file has problems:\n" + "\n".join(lines))
    return mapping


def header_key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text).strip().lower()


def mapping_for_headers(header: tuple[str, ...]) -> FieldColumns:
    """Without --map: each column whose header names a field (or a common spelling of one)."""
    columns: dict[str, str] = {}
    names = {header_key(name).replace(" ", "_"): name for name in FIELDS}
    for text in header:
        key = header_key(text)
        field = names.get(key.replace(" ", "_")) or HEADER_ALIASES.get(key)
        if field is not None and field not in columns:
            columns[field] = text
    return FieldColumns(**columns)
