"""The `report` page: one self-contained HTML file from `reports.html.report_data`.

No script, no stylesheet, font or image to fetch: a Content-Security-Policy meta tag forbids
them, so the page cannot reach the network even if a future change tried to. Every string
from the ledger is escaped with `html.escape`; links to sources are only the validated
http(s) URLs of `[[sources]]`, opened with rel="noopener noreferrer".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from .. import __version__
from ..domain.money import normalize
from ..domain.periods import due_text
from .svg import markup_text, schedule_svg, timeline_svg
from .view import money_cell, parties_cell

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;
  margin: 0; color: #111827; background: #f3f4f6; line-height: 1.45; font-size: 14px; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; border-bottom: 2px solid #e5e7eb; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 6px; }
.meta { color: #6b7280; margin: 0 0 16px; }
nav a { margin-right: 14px; }
a { color: #1d4ed8; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
.scroll { overflow-x: auto; }
.summary table { font-size: 13px; }
.summary td:nth-child(2) { min-width: 20em; }
.summary td:first-child { white-space: nowrap; }
th, td { padding: 5px 8px; border-bottom: 1px solid #e5e7eb; text-align: left;
  vertical-align: top; }
th { background: #f9fafb; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 600; border-top: 2px solid #d1d5db; }
.undisclosed { color: #9a3412; font-style: italic; }
.muted { color: #6b7280; }
.chart { max-width: 100%; height: auto; border: 1px solid #e5e7eb; border-radius: 6px; }
.deal { border: 1px solid #e5e7eb; border-radius: 8px; padding: 14px 18px; margin: 14px 0; }
.deal dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px;
  margin: 6px 0 10px; }
.deal dt { color: #6b7280; }
.deal dd { margin: 0; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; background: #e5e7eb;
  font-size: 12px; margin-right: 4px; }
.problems li { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12px; }
.note { background: #fffbeb; border-left: 3px solid #f59e0b; padding: 6px 10px; }
p.text { white-space: pre-line; margin: 4px 0 8px; }
@media print { body { background: #fff; } main { padding: 0; } .deal { break-inside: avoid; } }
"""


def _e(value: object) -> str:
    return markup_text("" if value is None else value)


def _money(value: Decimal | None, currency: str | None, *, undisclosed: bool = True) -> str:
    if value is None:
        return '<span class="undisclosed">undisclosed</span>' if undisclosed else "—"
    return _e(money_cell(value, currency))


def _date(value: date | None) -> str:
    return _e(value.isoformat()) if value else "—"


def _link(url: str, text: str) -> str:
    return f'<a href="{_e(url)}" rel="noopener noreferrer" target="_blank">{_e(text)}</a>'


def _table(
    headers: list[tuple[str, bool]], rows: Iterable[list[str]], footer: list[list[str]] = ()
) -> str:
    """A table from already-escaped cells; `headers` are (title, numeric)."""
    out = ["<table>", "<thead><tr>"]
    out += [f'<th{" class=num" if num else ""} scope="col">{_e(t)}</th>' for t, num in headers]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells = (
            f"<td{' class=num' if headers[i][1] else ''}>{cell}</td>" for i, cell in enumerate(row)
        )
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody>")
    if footer:
        out.append("<tfoot>")
        for row in footer:
            cells = (
                f"<td{' class=num' if headers[i][1] else ''}>{cell}</td>"
                for i, cell in enumerate(row)
            )
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tfoot>")
    out.append("</table>")
    return "\n".join(out)


def _parties(parties: list[dict[str, Any]]) -> str:
    return "<br>".join(
        f"{_e(p['name'])} <span class=muted>({_e(p['role'])})</span>" for p in parties
    )


def _summary_section(records: list[dict[str, Any]]) -> str:
    money = ["upfront", "milestone", "commercial"]
    if any(record["other"] for record in records):
        money.append("other")
    money.append("total")
    titles = {
        "upfront": "Upfront",
        "milestone": "Milestones",
        "commercial": "Commercial",
        "other": "Other",
        "total": "Total",
    }
    headers = [
        ("Date", False),
        ("Deal", False),
        ("Kind / status", False),
        *((titles[name], True) for name in money),
        ("Declared", True),
        ("Paid", True),
        ("Outstanding", True),
    ]
    rows = []
    for record in records:
        currency = record["currency"]
        rows.append(
            [
                _date(record["signed"] or record["announced"]),
                f'<a href="#deal-{_e(record["id"])}"><strong>{_e(record["id"])}</strong></a>'
                f"<br>{_e(record['title'])}<br><span class=muted>"
                + _e(parties_cell(record["parties"]))
                + "</span>",
                f"{_e(record['kind'])}<br><span class=muted>{_e(record['status'])}</span>",
                *(_money(record[name], currency) for name in money),
                _money(record["declared_total"], currency, undisclosed=False),
                _money(record["paid"], currency),
                _money(record["outstanding"], currency),
            ]
        )
    incomplete = sum(1 for record in records if not record["complete"])
    note = (
        f'<p class="note">{incomplete} of {len(records)} deals have undisclosed amounts; '
        "their figures cover the disclosed amounts only.</p>"
        if incomplete
        else ""
    )
    return (
        '<section id="summary"><h2>Summary</h2><div class="scroll summary">'
        + _table(headers, rows)
        + "</div>"
        + note
        + "<p class=muted>Amounts in each deal's own currency; milestones are “up to” caps.</p>"
        + "</section>"
    )


def _totals_section(blocks: list[dict[str, Any]], gaps: list[str]) -> str:
    """`totals --by year` records: one table per currency, a row per year, then all years."""
    headers = [
        ("Year", False),
        ("Deals", True),
        ("Upfront", True),
        ("Milestones", True),
        ("Commercial", True),
        ("Other", True),
        ("Total", True),
        ("Paid", True),
        ("Outstanding", True),
        ("Incomplete deals", True),
    ]
    out = ['<section id="totals"><h2>Totals</h2>']
    if not blocks:
        out.append("<p class=muted>No deal carries amounts.</p>")
    for block in blocks:
        currency = block["currency"]

        def row(label: object, figures: dict[str, Any], currency: str = currency) -> list[str]:
            return [
                _e(label),
                _e(figures["deals"]),
                *(
                    _money(figures[name], currency)
                    for name in (
                        "upfront",
                        "milestone",
                        "commercial",
                        "other",
                        "total",
                        "paid",
                        "outstanding",
                    )
                ),
                _e(figures["incomplete_deals"]),
            ]

        overall = row("All years", block["overall"])
        out.append(f"<h3>In {_e(currency)}</h3>")
        rows = (row(group["key"]["year"], group) for group in block["groups"])
        out.append(_table(headers, rows, [overall]))
    out.append(
        "<p class=muted>Years are the deal's year (signed, else announced). Totals add the "
        "disclosed amounts; deals with undisclosed amounts are counted as incomplete.</p>"
    )
    if gaps:
        out.append('<p class="note">Left out for want of an FX rate:</p><ul>')
        out += [f"<li>{_e(gap)}</li>" for gap in gaps]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def _schedule_note(schedule: dict[str, Any]) -> str:
    undisclosed = schedule["undisclosed_tranches"]
    if not undisclosed:
        return ""
    return (
        f"<p class=muted>{undisclosed} tranche{'s' if undisclosed != 1 else ''} with an "
        "undisclosed amount cannot be drawn.</p>"
    )


def _deal_section(deal: dict[str, Any]) -> str:
    currency = deal["currency"]
    out = [f'<article class="deal" id="deal-{_e(deal["id"])}">']
    out.append(f"<h3>{_e(deal['title'])}</h3>")
    badges = [deal["kind"], deal["status"], *deal["therapeutic_areas"]]
    out.append(
        "<p>"
        + f"<code>{_e(deal['id'])}</code> "
        + "".join(f'<span class="badge">{_e(b)}</span>' for b in badges)
        + "</p>"
    )
    facts = [
        ("Announced", _date(deal["announced"])),
        ("Signed", _date(deal["signed"])),
    ]
    if deal["effective"]:
        facts.append(("Effective", _date(deal["effective"])))
    if deal["terminated"]:
        facts.append(("Terminated", _date(deal["terminated"])))
    facts.append(("Parties", _parties(deal["parties"])))
    if deal["territory"]:
        facts.append(("Territory", _e(", ".join(deal["territory"]))))
    if deal["financials"] != "disclosed":
        facts.append(("Financials", _e(deal["financials"])))
    else:
        facts.append(("Total", _money(deal["total"], currency)))
        if deal["declared_total"] is not None:
            facts.append(("Declared total", _money(deal["declared_total"], currency)))
    if deal["tags"]:
        facts.append(("Tags", _e(", ".join(deal["tags"]))))
    if deal["related"]:
        facts.append(
            (
                "Related",
                ", ".join(
                    f'<a href="#deal-{_e(r["id"])}">{_e(r["id"])}</a>' for r in deal["related"]
                ),
            )
        )
    facts.append(("File", f"<code>{_e(deal['path'])}</code>"))
    out.append("<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>")
    if deal["summary"]:
        out.append(f'<p class="text">{_e(deal["summary"])}</p>')
    if deal["assets"]:
        rows = [
            [
                _e(a["name"])
                + (f" <code>{_e(a['code'])}</code>" if a["code"] not in (None, a["name"]) else ""),
                _e(a["modality"] or "—"),
                _e(a["target"] or "—"),
                _e(", ".join(a["indications"]) or "—"),
                _e(a["phase"] or "—"),
            ]
            for a in deal["assets"]
        ]
        headers = [
            ("Asset", False),
            ("Modality", False),
            ("Target", False),
            ("Indications", False),
            ("Stage", False),
        ]
        out.append(_table(headers, rows))
    if deal["tranches"]:
        rows = []
        for t in deal["tranches"]:
            if t["type"] == "royalty":
                amount = _e(t["rate"] or "tiered")
                if t["tiers"]:
                    amount = "<br>".join(
                        f"from {_e(money_cell(tier['from'], t['currency']))}: "
                        f"{_e(normalize(tier['rate'] * 100))}%"
                        for tier in t["tiers"]
                    )
            elif isinstance(t["amount"], Decimal):
                amount = _money(t["amount"], t["currency"])
                converted = t["amount_in_deal_currency"]
                if t["currency"] != currency and converted is not None:
                    amount += f"<br><span class=muted>≈ {_money(converted, currency)}</span>"
            else:
                amount = _money(None, None)
            when = "; ".join(
                f"{name} {due_text(value)}"
                for name in ("due", "achieved", "paid")
                if (value := t[name]) is not None
            )
            rows.append(
                [
                    _e(t["type"]),
                    _e(t["label"] or ""),
                    amount,
                    _e(" + ".join(t["payer"]) or "—"),
                    _e(" + ".join(t["payee"]) or "—"),
                    _e(t["status"]),
                    _e(when or "—"),
                ]
            )
        headers = [
            ("Type", False),
            ("Label", False),
            ("Amount", True),
            ("Payer", False),
            ("Payee", False),
            ("Status", False),
            ("When", False),
        ]
        out.append(_table(headers, rows))
    if deal["notes"]:
        out.append(f'<details><summary>Notes</summary><p class="text">{_e(deal["notes"])}</p>')
        out.append("</details>")
    if deal["sources"]:
        out.append("<p><strong>Sources</strong></p><ul class=sources>")
        for source in deal["sources"]:
            text = source["title"] or source["url"]
            extra = ", ".join(
                _e(piece)
                for piece in (source["publisher"], source["published"])
                if piece is not None
            )
            out.append(
                f"<li>{_link(source['url'], text)}"
                + (f" <span class=muted>({extra})</span>" if extra else "")
                + "</li>"
            )
        out.append("</ul>")
    out.append("</article>")
    return "\n".join(out)


def _problems_section(problems: list[dict[str, Any]]) -> str:
    if not problems:
        return ""
    items = "".join(
        "<li>"
        + _e(
            f"{p['path']}:{p['line'] or '-'}:{p['column'] or '-'}: "
            f"{p['severity']} {p['code']} {p['message']}"
        )
        + "</li>"
        for p in problems
    )
    return (
        '<section id="problems"><h2>Problems</h2><p class="note">Files with errors are left '
        f"out of this report until fixed.</p><ul class=problems>{items}</ul></section>"
    )


def render_html(data: dict[str, Any]) -> str:
    title = data["title"]
    currency = data["currency"]
    deals = data["deals"]
    generated = data["generated"].isoformat()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f'<meta name="generator" content="dealledger {_e(__version__)}">',
        f"<title>{_e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body><main>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{len(deals)} deal{"s" if len(deals) != 1 else ""} · '
        f"reporting currency {_e(currency or 'none (each deal in its own)')} · "
        f"as of {_e(generated)} · dealledger {_e(__version__)}</p>",
        '<nav><a href="#summary">Summary</a><a href="#totals">Totals</a>'
        '<a href="#timeline">Timeline</a><a href="#schedule">Payment schedule</a>'
        '<a href="#deals">Deals</a>'
        + ('<a href="#problems">Problems</a>' if data["problems"] else "")
        + "</nav>",
        _summary_section(data["summary"]),
        _totals_section(data["totals"], data["conversion_gaps"]),
        '<section id="timeline"><h2>Timeline</h2>',
        timeline_svg(data["lanes"], data["timeline"], data["generated"]),
        "<p class=muted>Hover a marker for its date, tranche and amount.</p></section>",
        '<section id="schedule"><h2>Payment schedule</h2>',
        *(schedule_svg(schedule) + _schedule_note(schedule) for schedule in data["schedules"]),
        "" if data["schedules"] else "<p class=muted>No deal carries amounts.</p>",
        "</section>",
        '<section id="deals"><h2>Deals</h2>',
        *(_deal_section(deal) for deal in deals),
        "</section>",
        _problems_section(data["problems"]),
        "</main></body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"
