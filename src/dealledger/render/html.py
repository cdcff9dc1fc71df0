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
from ..valuation.model import percent
from .svg import markup_text, schedule_svg, timeline_svg
from .valuation_view import exact_money
from .view import money_cell, parties_cell

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;
  margin: 0; color: #111827; background: #fff; line-height: 1.45; font-size: 14px; }
main { padding: 20px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; border-bottom: 2px solid #e5e7eb; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 6px; }
h4 { font-size: 14px; margin: 12px 0 4px; }
.meta { color: #6b7280; margin: 0 0 16px; }
nav a { margin-right: 14px; }
a { color: #1d4ed8; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
.scroll { overflow-x: auto; }
.summary table, table.explain { font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid #e5e7eb; text-align: left;
  vertical-align: top; overflow-wrap: break-word; }
th { background: #f9fafb; font-weight: 600; overflow-wrap: normal; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums;
  overflow-wrap: normal; }
.date, .id { white-space: nowrap; }
.deal-cell { min-width: 12em; }
table.compact { width: auto; }
tfoot td { font-weight: 600; border-top: 2px solid #d1d5db; }
.undisclosed { color: #9a3412; font-style: italic; }
.muted { color: #6b7280; }
.chart { display: block; width: 100%; max-width: 1500px; height: auto;
  border: 1px solid #e5e7eb; border-radius: 6px; }
.deal { border: 1px solid #e5e7eb; border-radius: 8px; padding: 14px 18px; margin: 14px 0; }
.deal dl, dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px;
  margin: 6px 0 10px; }
.deal dt, dl.facts dt { color: #6b7280; }
.deal dd, dl.facts dd { margin: 0; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; background: #e5e7eb;
  font-size: 12px; margin-right: 4px; white-space: nowrap; }
.badge.overdue { background: #fee2e2; color: #991b1b; font-weight: 600; }
tr.overdue td { background: #fef2f2; }
.problems li { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12px; overflow-wrap: anywhere; }
.note { background: #fffbeb; border-left: 3px solid #f59e0b; padding: 6px 10px; }
.undated { border: 1px solid #e5e7eb; border-left: 4px solid #9ca3af; border-radius: 6px;
  padding: 8px 12px; margin: 8px 0 16px; max-width: 60em; }
.undated strong { white-space: nowrap; }
p.text { white-space: pre-line; margin: 4px 0 8px; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { font-size: 10px; }
  main { padding: 0; }
  nav { display: none; }
  h2 { font-size: 15px; margin-top: 18px; break-after: avoid; }
  h3 { font-size: 13px; break-after: avoid; }
  h4 { font-size: 11px; break-after: avoid; }
  .scroll { overflow: visible; }
  .summary table, table.explain, table { font-size: 9px; }
  th, td { padding: 2px 4px; }
  thead { display: table-header-group; }
  tfoot { display: table-row-group; }
  tr { break-inside: avoid; }
  .chart { max-width: 100%; break-inside: avoid; }
  .deal { padding: 8px 10px; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(value: object) -> str:
    return markup_text("" if value is None else value)


def _money(value: Decimal | None, currency: str | None, *, undisclosed: bool = True) -> str:
    if value is None:
        return '<span class="undisclosed">undisclosed</span>' if undisclosed else "—"
    return _e(money_cell(value, currency))


def _date(value: date | None) -> str:
    return f'<span class="date">{_e(value.isoformat())}</span>' if value else "—"


def _link(url: str, text: str) -> str:
    return f'<a href="{_e(url)}" rel="noopener noreferrer" target="_blank">{_e(text)}</a>'


def _table(
    headers: list[tuple[str, bool]],
    rows: Iterable[list[str]],
    footer: list[list[str]] = (),
    *,
    row_classes: Iterable[str] = (),
    css_class: str = "",
) -> str:
    """A table from already-escaped cells; `headers` are (title, numeric). Numeric cells never
    wrap; every other cell may, so the table fits its container's width."""
    numeric = [num for _, num in headers]

    def cells(row: list[str]) -> str:
        return "".join(
            f"<td{' class=num' if numeric[i] else ''}>{cell}</td>" for i, cell in enumerate(row)
        )

    out = [f'<table class="{css_class}">' if css_class else "<table>", "<thead><tr>"]
    out += [f'<th{" class=num" if num else ""} scope="col">{_e(t)}</th>' for t, num in headers]
    out.append("</tr></thead><tbody>")
    classes = list(row_classes)
    for index, row in enumerate(rows):
        css = classes[index] if index < len(classes) else ""
        out.append((f'<tr class="{css}">' if css else "<tr>") + cells(row) + "</tr>")
    out.append("</tbody>")
    if footer:
        out.append("<tfoot>")
        out += ["<tr>" + cells(row) + "</tr>" for row in footer]
        out.append("</tfoot>")
    out.append("</table>")
    return "\n".join(out)


def _parties(parties: list[dict[str, Any]]) -> str:
    return "<br>".join(
        f"{_e(p['name'])} <span class=muted>({_e(p['role'])})</span>" for p in parties
    )


OVERDUE_BADGE = ' <span class="badge overdue">overdue</span>'


def _overdue_badge(count: int) -> str:
    return f' <span class="badge overdue">{count} overdue</span>' if count else ""


def _summary_section(records: list[dict[str, Any]], overdue: dict[str, int]) -> str:
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
                f'<div class="deal-cell"><a href="#deal-{_e(record["id"])}">'
                f"<strong>{_e(record['id'])}</strong></a>"
                + _overdue_badge(overdue.get(record["id"], 0))
                + f"<br>{_e(record['title'])}<br><span class=muted>"
                + _e(parties_cell(record["parties"]))
                + "</span></div>",
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
    late = sum(1 for count in overdue.values() if count)
    if late:
        note += (
            f'<p class="note">{late} deal{"s have" if late != 1 else " has"} overdue tranches: '
            "still expected, their due date or period ended before the as-of date.</p>"
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


def _schedule_block(schedule: dict[str, Any]) -> str:
    """The chart of dated payments, then what has no date, apart, so it flattens nothing."""
    currency = schedule["currency"]
    out = [schedule_svg(schedule)]
    unscheduled = schedule["unscheduled"]
    if unscheduled is None or unscheduled:
        out.append(
            '<aside class="undated"><strong>No due date: '
            + _money(unscheduled, currency)
            + "</strong> still to come, not drawn above. Most of it is milestone caps "
            "(“up to” amounts) that may never be paid; give a tranche a <code>due</code> "
            "to place it on the chart.</aside>"
        )
    undisclosed = schedule["undisclosed_tranches"]
    if undisclosed:
        out.append(
            f"<p class=muted>{undisclosed} tranche{'s' if undisclosed != 1 else ''} with an "
            "undisclosed amount cannot be drawn.</p>"
        )
    return "\n".join(out)


def _deal_section(
    deal: dict[str, Any], valuation: tuple[dict[str, Any], dict[str, Any]] | None
) -> str:
    """One deal in full; `valuation` is (its record, the document it is from)."""
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
                f'{name} <span class="date">{_e(due_text(value))}</span>'
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
                    _e(t["status"]) + (OVERDUE_BADGE if t["overdue"] else ""),
                    when or "—",
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
        classes = ["overdue" if t["overdue"] else "" for t in deal["tranches"]]
        out.append(_table(headers, rows, row_classes=classes))
    if valuation is not None:
        out.append(_explanation(*valuation))
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


def _nothing_valued(record: dict[str, Any]) -> bool:
    """A deal still owed something of which nothing could be valued: its sums of valued
    tranches are 0 only by omission, so they are not shown as 0."""
    return not record["tranches"] and bool(record["unvalued"])


NOTHING_VALUED = '<span class="undisclosed">none valued</span>'


def _valued_money(record: dict[str, Any], name: str, currency: str) -> str:
    return NOTHING_VALUED if _nothing_valued(record) else _money(record[name], currency)


def _rnpv(record: dict[str, Any], currency: str) -> str:
    """rNPV, and its high end where a royalty range makes it a range."""
    if "tranches" in record and _nothing_valued(record):
        return NOTHING_VALUED
    text = _money(record["rnpv"], currency)
    if record["rnpv_high"] != record["rnpv"]:
        text += " – " + _money(record["rnpv_high"], currency)
    return text


def _share(share: Decimal | None) -> str:
    return "—" if share is None else _e(percent(share))


def _valuation_block(document: dict[str, Any]) -> str:
    """`value`'s table for one currency, then the assumptions it rests on."""
    currency = document["currency"]
    assumptions = document["assumptions"]
    headers = [
        ("Deal", False),
        ("Nominal outstanding", True),
        ("Risk-adjusted", True),
        ("rNPV", True),
        ("Headline", True),
        ("rNPV / headline", True),
        ("Unvalued", True),
    ]
    rows = [
        [
            f'<a href="#value-{_e(deal["id"])}">{_e(deal["id"])}</a>',
            _valued_money(deal, "nominal", currency),
            _valued_money(deal, "risk_adjusted", currency),
            _rnpv(deal, currency),
            _money(deal["headline"], currency),
            _share(deal["share"]),
            _e(len(deal["unvalued"])),
        ]
        for deal in document["deals"]
    ]
    overall = document["overall"]
    footer = [
        [
            f"All deals ({overall['deals']})",
            _money(overall["nominal"], currency),
            _money(overall["risk_adjusted"], currency),
            _rnpv(overall, currency),
            _money(overall["headline"], currency, undisclosed=False),
            _share(overall["share"]),
            _e(overall["unvalued"]),
        ]
    ]
    stages = list(assumptions["transitions"])
    transitions = _table(
        [("Passing from", False), *((stage, True) for stage in stages)],
        [
            ["Probability", *(_e(percent(t["used"])) for t in assumptions["transitions"].values())],
            ["From", *(_e(t["origin"]) for t in assumptions["transitions"].values())],
        ],
        css_class="compact",
    )
    scale = assumptions["pos_scale"]
    facts = [
        ("Valuation date", _date(document["as_of"])),
        (
            "Discount rate",
            f"{_e(percent(document['rate']))} a year <span class=muted>"
            f"({_e(assumptions['rate_origin'])})</span>",
        ),
        (
            "Transition probabilities",
            _e(assumptions["transition_source"]) + "; "
            "a tranche's own <code>probability</code> comes first, dealledger.toml overrides "
            "the built-in figures" + (f"; scaled ×{_e(normalize(scale))}" if scale != 1 else ""),
        ),
    ]
    return "\n".join(
        [
            f"<h3>In {_e(currency)}</h3>",
            _table(headers, rows, footer),
            '<dl class="facts">'
            + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in facts)
            + "</dl>",
            transitions,
        ]
    )


def _valuation_section(documents: list[dict[str, Any]]) -> str:
    out = ['<section id="valuation"><h2>Valuation</h2>']
    out += [_valuation_block(document) for document in documents]
    if not documents:
        out.append("<p class=muted>No deal carries amounts.</p>")
    out.append(
        "<p class=muted>rNPV: each tranche still to come × the probability of its trigger × "
        "a discount factor from its date back to the valuation date. Unvalued tranches "
        "(undisclosed amount, unknown stage, royalties without a forecast) are left out of "
        "every figure, never counted as certain. Each deal's link opens its explanation, "
        "tranche by tranche, as <code>dealledger value --explain ID</code> prints it.</p>"
    )
    out.append("</section>")
    return "\n".join(out)


def _explanation(record: dict[str, Any], document: dict[str, Any]) -> str:
    """One deal's valuation tranche by tranche, exact, so it can be redone by hand."""
    currency = document["currency"]
    headers = [
        ("Tranche", False),
        ("Amount", True),
        ("Probability and basis", False),
        ("Date and basis", False),
        ("Years", True),
        ("Discount factor", True),
        ("Risk-adjusted", True),
        ("rNPV", True),
    ]
    rows = []
    for item in record["tranches"]:
        amount = exact_money(item["amount"], currency)
        if item["amount_high"] is not None:
            amount += " – " + exact_money(item["amount_high"], currency)
        rnpv = exact_money(item["rnpv"], currency)
        if item["rnpv_high"] is not None:
            rnpv += " – " + exact_money(item["rnpv_high"], currency)
        rows.append(
            [
                f"{_e(item['label'])}<br><span class=muted>{_e(item['type'])}</span>",
                _e(amount),
                f"<strong>{_e(percent(item['probability']))}</strong> "
                f"<span class=muted>{_e(item['basis'])}</span>",
                f"{_date(item['date'])} <span class=muted>{_e(item['timing'])}</span>",
                f"{_e(item['years'])}<br><span class=muted>{_e(item['days'])} d</span>",
                _e(item["discount_factor"]),
                _e(exact_money(item["risk_adjusted"], currency)),
                _e(rnpv),
            ]
        )
    for verdict, items in (("unvalued", record["unvalued"]), ("not to come", record["settled"])):
        for item in items:
            rows.append(
                [
                    f"{_e(item['label'])}<br><span class=muted>{_e(item['type'] or '')}</span>",
                    _e(exact_money(item["amount"], currency)),
                    f"<span class=muted>{_e(verdict)}: {_e(item['reason'])}</span>",
                    "",
                    "",
                    "",
                    "—",
                    _e(verdict),
                ]
            )

    def deal_sum(figure: Decimal) -> str:
        return NOTHING_VALUED if _nothing_valued(record) else _e(exact_money(figure, currency))

    footer = [
        [
            "Deal",
            deal_sum(record["nominal"]),
            "",
            "",
            "",
            "",
            deal_sum(record["risk_adjusted"]),
            deal_sum(record["rnpv"]),
        ]
    ]
    return (
        f'<section class="explain" id="value-{_e(record["id"])}">'
        f"<h4>Valuation as of {_date(document['as_of'])}, {_e(currency)}, discounted at "
        f"{_e(percent(document['rate']))}</h4>"
        + _table(headers, rows, footer, css_class="explain")
        + "<p class=muted>rNPV = amount × probability × discount factor, rounded half-even "
        f"to the minor unit; discount factor = 1 / (1 + {_e(percent(document['rate']))})"
        "<sup>years</sup>, years = days from the valuation date / 365.25. Headline "
        f"{_money(record['headline'], currency)}; rNPV / headline {_share(record['share'])}."
        ' <a href="#valuation">Back to the valuation</a></p></section>'
    )


def _problems_section(problems: list[dict[str, Any]], left_out: list[str]) -> str:
    """Every problem; says files are left out only when some are, and names them."""
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
    if left_out:
        count = len(left_out)
        note = (
            f"{count} file{'s' if count != 1 else ''} with errors "
            f"{'are' if count != 1 else 'is'} left out of this report until fixed: "
            + ", ".join(f"<code>{_e(path)}</code>" for path in left_out)
            + "."
        )
        if any(p["severity"] == "warning" for p in problems):
            note += " Files with only warnings are in the report."
    else:
        note = (
            "Only warnings: every file listed is in this report; the warnings say what to "
            "check or fix."
        )
        if any(p["severity"] == "error" for p in problems):
            note = "The settings have errors; every deal file is in this report."
    return (
        '<section id="problems"><h2>Problems</h2>'
        f'<p class="note">{note}</p><ul class=problems>{items}</ul></section>'
    )


def render_html(data: dict[str, Any]) -> str:
    title = data["title"]
    currency = data["currency"]
    deals = data["deals"]
    generated = data["generated"].isoformat()
    valued = {
        record["id"]: (record, document)
        for document in data["valuations"]
        for record in document["deals"]
    }
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
        '<a href="#valuation">Valuation</a><a href="#deals">Deals</a>'
        + ('<a href="#problems">Problems</a>' if data["problems"] else "")
        + "</nav>",
        _summary_section(data["summary"], data["overdue"]),
        _totals_section(data["totals"], data["conversion_gaps"]),
        '<section id="timeline"><h2>Timeline</h2>',
        timeline_svg(data["lanes"], data["timeline"], data["generated"]),
        "<p class=muted>Hover a marker for its date, tranche and amount. Red bands are "
        "overdue: still expected, their due date or period ended before "
        f"{_e(generated)}. “×2” marks two tranches due in one period.</p></section>",
        '<section id="schedule"><h2>Payment schedule</h2>',
        *(_schedule_block(schedule) for schedule in data["schedules"]),
        "" if data["schedules"] else "<p class=muted>No deal carries amounts.</p>",
        "</section>",
        _valuation_section(data["valuations"]),
        '<section id="deals"><h2>Deals</h2>',
        *(_deal_section(deal, valued.get(deal["id"])) for deal in deals),
        "</section>",
        _problems_section(data["problems"], data["files_left_out"]),
        "</main></body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"
