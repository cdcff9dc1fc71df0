"""The `diff` record as tables, and as a short Markdown comment for a pull request.

A reviewer reads the comment in a few seconds: one line saying what the change does to the
book, the totals that moved, then the deals; a long list of deal changes folds into a
`<details>` block so the comment stays short.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..domain.money import readable
from ..reports.diff import TOTAL_FIGURES
from .markdown import markdown_text, render_markdown
from .view import Column, View, money_cell

# More deal lines than this fold into a <details> block in the Markdown comment.
FOLD_AFTER = 10
WORKING_TREE = "working tree"
_COUNTS = ("deals", "incomplete_deals")
_CHANGE_COLUMNS = [Column("Change", drop_order=1), Column("Deal", key=True), Column("What")]
_FIGURE_TITLES = {"deals": "Deals", "incomplete_deals": "Incomplete deals"}


def _signed(value: Any, currency: str | None, *, money: bool) -> str:
    if value is None:
        return "unknown"
    if value == 0:
        return "0"
    sign = "+" if value > 0 else "−"
    magnitude = abs(value)
    if not money:
        return f"{sign}{magnitude}"
    return f"{sign}{currency} {readable(magnitude)}" if currency else f"{sign}{readable(magnitude)}"


def _figure_cell(value: Any, currency: str | None, name: str) -> str:
    return str(value) if name in _COUNTS else money_cell(value, currency)


def totals_view(record: dict[str, Any], *, only_changed: bool = False) -> View:
    """Figure, before, after, change; with `only_changed`, the figures that moved."""
    currency = record["currency"]
    totals = record["totals"]
    rows = []
    for name in TOTAL_FIGURES:
        delta = totals["delta"][name]
        if only_changed and delta is not None and delta == 0:
            continue
        rows.append(
            [
                _FIGURE_TITLES.get(name, name.capitalize()),
                _figure_cell(totals["before"][name], currency, name),
                _figure_cell(totals["after"][name], currency, name),
                _signed(delta, currency, money=name not in _COUNTS),
            ]
        )
    columns = [
        Column("Figure", key=True),
        Column("Before", "right", drop_order=1),
        Column("After", "right"),
        Column("Change", "right", drop_order=2),
    ]
    caption = f"In {currency}" if currency else "No amounts"
    return View(columns, rows, caption=f"{caption}.")


def change_lines(record: dict[str, Any]) -> list[list[str]]:
    """(change, deal, what) per line: added, removed, renamed, then each deal's changes."""
    currency = record["currency"]
    lines = []
    for deal in record["added_deals"]:
        total = money_cell(deal["total"], currency)
        lines.append(["added", deal["id"], f"{deal['title']} ({deal['kind']}), total {total}"])
    for deal in record["removed_deals"]:
        total = money_cell(deal["total"], currency)
        lines.append(["removed", deal["id"], f"{deal['title']} ({deal['kind']}), total {total}"])
    for move in record["renamed"]:
        lines.append(["renamed", move["id"], f"{move['from']} → {move['to']}"])
    for deal in record["changed"]:
        for change in deal["changes"]:
            if change["text"] is not None:
                lines.append(["changed", deal["id"], change["text"]])
    if record["settings_changed"]:
        lines.append(["settings", "dealledger.toml", "settings changed (currency, FX or registry)"])
    return lines


def changes_view(record: dict[str, Any]) -> View:
    lines = change_lines(record)
    caption = None if lines else "No change to the deals."
    return View(_CHANGE_COLUMNS, lines, caption=caption, title=_title(record))


def _title(record: dict[str, Any]) -> str:
    return f"{record['from']} → {record['to'] or WORKING_TREE}"


def headline(record: dict[str, Any]) -> str:
    """`1 deal added, 1 changed; total +USD 18.5B`: what the change does, in one line."""
    parts = []
    for key, word in (("added", "added"), ("removed", "removed"), ("renamed", "renamed")):
        if record[key]:
            parts.append(f"{len(record[key])} {word}")
    if record["changed"]:
        parts.append(f"{len(record['changed'])} changed")
    if not parts:
        text = "No deal changed"
    else:
        ids = {*record["added"], *record["removed"]}
        ids |= {item["id"] for key in ("renamed", "changed") for item in record[key]}
        count = len(ids)  # a deal both renamed and changed is one deal
        text = f"{count} deal{'s' if count != 1 else ''}: " + ", ".join(parts)
    delta = record["totals"]["delta"]["total"]
    if isinstance(delta, Decimal) and delta != 0:
        text += f"; total {_signed(delta, record['currency'], money=True)}"
    return text


def render_diff_markdown(record: dict[str, Any]) -> str:
    """A pull-request comment: heading, headline, totals that moved, the deal lines."""
    to = record["to"] or WORKING_TREE
    lines = [
        f"### dealledger diff: {markdown_text(record['from'])} → {markdown_text(to)}",
        "",
        f"**{markdown_text(headline(record))}**",
        "",
    ]
    totals = totals_view(record, only_changed=True)
    if totals.rows:
        lines += [render_markdown(totals).rstrip("\n"), ""]
    deal_lines = change_lines(record)
    if deal_lines:
        table = render_markdown(View(_CHANGE_COLUMNS, deal_lines)).rstrip("\n")
        if len(deal_lines) > FOLD_AFTER:
            lines += [
                "<details>",
                f"<summary>{len(deal_lines)} changes</summary>",
                "",
                table,
                "",
                "</details>",
            ]
        else:
            lines += [table]
    return "\n".join(lines).rstrip("\n") + "\n"
