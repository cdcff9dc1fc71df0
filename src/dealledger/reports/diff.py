"""`diff`: what a change to the ledger does to the book, deal by deal and in the totals.

Two loaded ledgers in, one record out: deals added, removed, renamed (the same id at a new
path) and changed, each change field by field and tranche by tranche with a line in business
words ("upfront USD 1.2B: expected → paid 2026-03-02"), and the `totals` figures of both
sides in one reporting currency with their difference.

Tranches have no identity in the file format, so the two lists of a deal are aligned on
(type, label) the way `diff` aligns lines: inserting a tranche in the middle shows as one
new tranche, not as every later tranche changed.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..domain.figures import FIGURE_NAMES, tranche_currency
from ..domain.models import Deal, Tranche
from ..domain.money import Precision, readable
from ..domain.periods import Period
from ..ledger import Entry, Ledger, load_ledger
from ..load.git_revision import RevisionFiles, write_revision
from .totals import totals_record

TOTAL_FIGURES: tuple[str, ...] = ("deals", *FIGURE_NAMES, "incomplete_deals")
# A status change that comes with its date reads as one line: "expected → paid 2026-03-02".
_STATUS_DATES = {"paid": "paid", "achieved": "achieved", "terminated": "terminated"}


@dataclass(frozen=True)
class Side:
    """One side of the comparison: a loaded ledger, where its files are, and what it is."""

    ledger: Ledger
    root: Path
    label: str | None
    commit: str | None = None
    skipped: tuple[str, ...] = ()


@contextmanager
def ledger_at_revision(root: Path, revision: str) -> Iterator[Side]:
    """The ledger at `revision`, loaded from a private folder removed on the way out.

    The folder goes away however the block ends, Ctrl-C included; the cache is not used,
    since a folder that lives for one command has nothing to reuse.
    """
    with tempfile.TemporaryDirectory(prefix="dealledger-diff-") as name:
        folder = Path(name)
        written: RevisionFiles = write_revision(root, revision, folder)
        ledger = load_ledger(folder, cache=False)
        yield Side(ledger, folder, revision, written.commit, written.skipped)


def relative_path(entry: Entry, root: Path) -> str:
    """The deal file's path relative to its ledger root, as git and reviewers name it."""
    try:
        return entry.path.relative_to(root).as_posix()
    except ValueError:
        try:
            return entry.path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return entry.path.as_posix()


# --- values ------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A model value as JSON takes it: periods as written, lists for tuples, declared totals
    as their amount."""
    if isinstance(value, Period):
        return value.text
    if isinstance(value, Precision):
        return value.value
    if isinstance(value, tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf of a model under its path in the file's own key names (`parties[1].role`)."""
    found: dict[str, Any] = {}
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            key = info.alias or name
            found.update(flatten(getattr(value, name), f"{prefix}.{key}" if prefix else key))
    elif isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
        for position, item in enumerate(value):
            found.update(flatten(item, f"{prefix}[{position}]"))
    else:
        found[prefix] = plain(value)
    return found


def _set(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, [], ())}


def _equal(before: Any, after: Any) -> bool:
    # Decimal("1.1E+8") == Decimal("110000000"): the same amount written two ways is no change.
    return before == after and type(before) is type(after)


def spoken(value: Any) -> str:
    """A value in a change line: amounts short (1.2B), nothing as a dash."""
    if value is None or value == []:
        return "—"
    if isinstance(value, Decimal):
        return readable(value)
    if isinstance(value, list):
        return ", ".join(spoken(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key} {spoken(item)}" for key, item in value.items())
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- one deal ----------------------------------------------------------------------------


def _tranche_name(tranche: Tranche, deal: Deal, *, amount: bool) -> str:
    name = tranche.type + (f' "{tranche.label}"' if tranche.label else "")
    value = tranche.disclosed_amount
    if amount and value is not None:
        currency = tranche_currency(deal, tranche)
        name += f" {currency} {readable(value)}" if currency else f" {readable(value)}"
    elif amount and tranche.is_undisclosed:
        name += " (undisclosed)"
    return name


def _change(path: str, before: Any, after: Any, text: str | None) -> dict[str, Any]:
    return {"path": path, "before": before, "after": after, "text": text}


def _field_changes(
    before: dict[str, Any], after: dict[str, Any], prefix: str, subject: str
) -> list[dict[str, Any]]:
    """Leaf by leaf; a status change carries its date, whose own change then has no line."""
    changes = []
    status = (before.get("status"), after.get("status"))
    folded = _STATUS_DATES.get(status[1]) if status[0] != status[1] else None
    for key in sorted(set(before) | set(after), key=_leaf_order(before, after)):
        old, new = before.get(key), after.get(key)
        if _equal(old, new):
            continue
        where = f"{prefix}.{key}" if prefix else key
        if key == "status" and folded and after.get(folded) is not None:
            text = f"{subject}: {spoken(old)} → {new} {spoken(after[folded])}"
        elif key == folded and status[1] == folded:
            text = None
        else:
            text = f"{subject + ' ' if subject else ''}{key}: {spoken(old)} → {spoken(new)}"
        changes.append(_change(where, old, new, text))
    return changes


def _leaf_order(before: dict[str, Any], after: dict[str, Any]) -> Any:
    order: dict[str, int] = {}
    for key in [*after, *before]:
        order.setdefault(key, len(order))
    return lambda key: order[key]


def _tranche_key(tranche: Tranche) -> tuple[str, str | None]:
    return (tranche.type, tranche.label)


def tranche_changes(old: Deal, new: Deal) -> list[dict[str, Any]]:
    """Tranches aligned on (type, label), then compared field by field."""
    changes: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(
        a=[_tranche_key(t) for t in old.tranches],
        b=[_tranche_key(t) for t in new.tranches],
        autojunk=False,
    )
    for tag, first, last, start, end in matcher.get_opcodes():
        pairs = list(zip(range(first, last), range(start, end), strict=False))
        if tag in ("equal", "replace"):
            for i, j in pairs:
                before, after = old.tranches[i], new.tranches[j]
                changes += _field_changes(
                    _set(flatten(before)),
                    _set(flatten(after)),
                    f"tranches[{j}]",
                    _tranche_name(after, new, amount=True),
                )
        for i in range(first + len(pairs), last):
            tranche = old.tranches[i]
            text = f"removed tranche: {_tranche_name(tranche, old, amount=True)}"
            changes.append(_change(f"tranches[{i}]", _set(flatten(tranche)), None, text))
        for j in range(start + len(pairs), end):
            tranche = new.tranches[j]
            due = f" due {spoken(plain(tranche.due))}" if tranche.due is not None else ""
            text = f"new tranche: {_tranche_name(tranche, new, amount=True)}{due}"
            changes.append(_change(f"tranches[{j}]", None, _set(flatten(tranche)), text))
    return changes


def deal_changes(old: Deal, new: Deal) -> list[dict[str, Any]]:
    """Every difference between two versions of one deal, tranches last."""
    before = {k: v for k, v in flatten(old).items() if not k.startswith("tranches[")}
    after = {k: v for k, v in flatten(new).items() if not k.startswith("tranches[")}
    return _field_changes(before, after, "", "") + tranche_changes(old, new)


# --- the ledger --------------------------------------------------------------------------


def _deal_line(entry: Entry, root: Path, total: Any) -> dict[str, Any]:
    deal = entry.deal
    return {
        "id": deal.id,
        "title": deal.title,
        "kind": deal.kind,
        "path": relative_path(entry, root),
        "total": total,
    }


def _deal_totals(ledger: Ledger, entries: list[Entry], currency: str | None) -> list[Any]:
    """Each deal's total in the reporting currency, by the totals' own rule."""
    import dataclasses

    return [
        totals_record(dataclasses.replace(ledger, entries=(entry,)), (), currency)["overall"][
            "total"
        ]
        for entry in entries
    ]


def totals_change(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """after − before per figure; unknown where either side is unknown."""
    return {
        name: None if before[name] is None or after[name] is None else after[name] - before[name]
        for name in TOTAL_FIGURES
    }


def diff_record(old: Side, new: Side, currency: str | None) -> dict[str, Any]:
    """The `diff --format json` document."""
    before = {entry.deal_id: entry for entry in old.ledger.entries}
    after = {entry.deal_id: entry for entry in new.ledger.entries}
    added = [after[key] for key in sorted(set(after) - set(before))]
    removed = [before[key] for key in sorted(set(before) - set(after))]
    renamed = []
    changed = []
    for key in sorted(set(before) & set(after)):
        old_path = relative_path(before[key], old.root)
        new_path = relative_path(after[key], new.root)
        if old_path != new_path:
            renamed.append({"id": key, "from": old_path, "to": new_path})
        changes = deal_changes(before[key].deal, after[key].deal)
        if changes:
            changed.append(
                {
                    "id": key,
                    "title": after[key].deal.title,
                    "path": new_path,
                    "changes": changes,
                }
            )
    totals_before = totals_record(old.ledger, (), currency)["overall"]
    totals_after = totals_record(new.ledger, (), currency)["overall"]
    settings_changed = old.ledger.settings != new.ledger.settings
    return {
        "from": old.label,
        "to": new.label,
        "from_commit": old.commit,
        "to_commit": new.commit,
        "currency": currency,
        "added": [entry.deal_id for entry in added],
        "removed": [entry.deal_id for entry in removed],
        "renamed": renamed,
        "changed": changed,
        "added_deals": [
            _deal_line(entry, new.root, total)
            for entry, total in zip(added, _deal_totals(new.ledger, added, currency), strict=True)
        ],
        "removed_deals": [
            _deal_line(entry, old.root, total)
            for entry, total in zip(
                removed, _deal_totals(old.ledger, removed, currency), strict=True
            )
        ],
        "settings_changed": settings_changed,
        "totals": {
            "before": totals_before,
            "after": totals_after,
            "delta": totals_change(totals_before, totals_after),
        },
    }


def has_changes(record: dict[str, Any]) -> bool:
    """What `--exit-code` asks: anything added, removed, renamed, changed, or new settings."""
    return bool(
        record["added"]
        or record["removed"]
        or record["renamed"]
        or record["changed"]
        or record["settings_changed"]
    )


DIFF_FIELDS = ["change", "id", "path", "field", "before", "after", "text"]


def diff_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Flat rows: one per added, removed or renamed deal and one per field change."""
    rows: list[dict[str, Any]] = []
    for deal in record["added_deals"]:
        rows.append(_row("added", deal["id"], deal["path"], None, None, deal["total"]))
    for deal in record["removed_deals"]:
        rows.append(_row("removed", deal["id"], deal["path"], None, deal["total"], None))
    for move in record["renamed"]:
        rows.append(_row("renamed", move["id"], move["to"], "path", move["from"], move["to"]))
    for deal in record["changed"]:
        for change in deal["changes"]:
            before, after = change["before"], change["after"]
            row = _row("changed", deal["id"], deal["path"], change["path"], before, after)
            row["text"] = change["text"]
            rows.append(row)
    return rows


def _row(change: str, deal_id: str, path: str, field: str | None, before: Any, after: Any) -> dict:
    def cell(value: Any) -> Any:
        return spoken(value) if isinstance(value, dict | list) else value

    return {
        "change": change,
        "id": deal_id,
        "path": path,
        "field": field,
        "before": cell(before),
        "after": cell(after),
        "text": None,
    }
