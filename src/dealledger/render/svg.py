"""Charts as inline SVG: the deal timeline and the payment schedule.

Plain SVG text, no scripts, no fonts or images to fetch, so the page works offline, in mail
and in a locked-down browser. Hover text uses SVG `<title>` elements. Every string from a
deal file goes through `html.escape`. Floats appear only as pixel coordinates; amounts stay
Decimal and are printed with the tables' readable form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from ..figures import sum_disclosed
from ..money import readable
from ..periods import day_after, due_start, due_text, year_start
from .view import money_cell

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
EVENT_COLOURS = {
    "announced": "#6b7280",
    "signed": "#111827",
    "effective": "#2563eb",
    "terminated": "#dc2626",
    "due": "#2563eb",
    "achieved": "#d97706",
    "paid": "#059669",
}
PAID_COLOUR = "#059669"
DUE_COLOUR = "#2563eb"
UNSCHEDULED_COLOUR = "#9ca3af"
_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$", re.ASCII)


# Characters XML 1.0 cannot hold even as references; shown as `\x01` instead of dropped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def markup_text(value: object) -> str:
    """Text for HTML or SVG: escaped, with characters XML cannot carry made visible."""
    text = _XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return escape(text, quote=True)


_text = markup_text


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def period_end(text: str, start: date) -> date:
    """The day after a period ends ("2026-Q2" → 2026-07-01); a date's next day."""
    match = _PERIOD_RE.fullmatch(text)
    if match is None:
        return day_after(start)
    year = int(match[1])
    if match[2]:
        months = 1
    elif match[3]:
        months = 3
    elif match[4]:
        months = 6
    else:
        months = 12
    month = start.month - 1 + months
    if month >= 12:
        return year_start(year + month // 12)
    return date(year, month + 1, 1)


def event_span(event: dict[str, Any]) -> tuple[date, date]:
    """First day an event's date covers and the day after its last: a `due` of "2026-Q2"
    spans the quarter, a plain date one day."""
    when = event["date"]
    start = due_start(when)
    return start, period_end(due_text(when), start)


def _svg_open(width: int, height: int, label: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{_text(label)}" font-family="{_text(FONT)}" font-size="12">',
        f"<title>{_text(label)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


# --------------------------------------------------------------------------- timeline


def timeline_svg(
    lanes: list[dict[str, Any]],
    events: list[dict[str, Any]],
    today: date,
    *,
    width: int = 1100,
) -> str:
    """Deals over time, one lane per deal: its own dates as ticks, payments as markers.

    A `due` period is drawn as a band across the whole period, because "2026-Q2" means any
    day in that quarter, not its first day.
    """
    label_width, right, top, lane_height = 250, 24, 46, 30
    legend_height = 40
    height = top + max(1, len(lanes)) * lane_height + legend_height + 16
    title = "Timeline of deals and payment events"
    parts = _svg_open(width, height, title, "chart timeline")
    if not lanes:
        parts.append(f'<text x="{width / 2}" y="{top}" text-anchor="middle">No deals.</text>')
        parts.append("</svg>")
        return "\n".join(parts)

    spans = [event_span(event) for event in events]
    dates = [lane["date"] for lane in lanes] + [start for start, _ in spans] + [today]
    ends = [end for _, end in spans]
    first = date(min(dates).year, 1, 1)
    last_year = max([*dates, *ends]).year + 1
    last = year_start(last_year)
    span = (last - first).days or 1
    plot = width - label_width - right

    def x_of(day: date) -> float:
        return label_width + plot * (day - first).days / span

    bottom = top + len(lanes) * lane_height
    # Year grid and labels.
    for year in range(first.year, last_year + 1):
        x = x_of(year_start(year))
        parts.append(
            f'<line x1="{_num(x)}" y1="{top - 8}" x2="{_num(x)}" y2="{bottom}" '
            'stroke="#e5e7eb" stroke-width="1"/>'
        )
        if year < last_year:
            middle = x_of(date(year, 7, 1))
            parts.append(
                f'<text x="{_num(middle)}" y="{top - 14}" text-anchor="middle" '
                f'fill="#374151" font-weight="600">{year}</text>'
            )
    # Today.
    if first <= today <= last:
        x = x_of(today)
        parts.append(
            f'<line x1="{_num(x)}" y1="{top - 8}" x2="{_num(x)}" y2="{bottom}" '
            'stroke="#dc2626" stroke-width="1" stroke-dasharray="4 3"/>'
        )
        near_end = x > width - right - 120
        parts.append(
            f'<text x="{_num(x - 4 if near_end else x + 4)}" y="{bottom + 12}" '
            f'text-anchor="{"end" if near_end else "start"}" fill="#dc2626" font-size="10">'
            f"today {today.isoformat()}</text>"
        )

    by_deal: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_deal.setdefault(event["deal"], []).append(event)
    for index, lane in enumerate(lanes):
        y = top + index * lane_height + lane_height / 2
        if index % 2:
            parts.append(
                f'<rect x="0" y="{_num(y - lane_height / 2)}" width="{width}" '
                f'height="{lane_height}" fill="#f9fafb"/>'
            )
        deal_events = by_deal.get(lane["deal"], [])
        label = lane["deal"] if len(lane["deal"]) <= 34 else lane["deal"][:33] + "…"
        parts.append(
            f'<text x="8" y="{_num(y + 4)}" fill="#111827" class="lane-label">'
            f"<title>{_text(lane['title'])}</title>{_text(label)}</text>"
        )
        lane_spans = [event_span(event) for event in deal_events]
        start = min([lane["date"], *(first for first, _ in lane_spans)])
        stop = max([lane["date"], *(end for _, end in lane_spans)])
        parts.append(
            f'<line x1="{_num(x_of(start))}" y1="{_num(y)}" x2="{_num(x_of(stop))}" '
            f'y2="{_num(y)}" stroke="#d1d5db" stroke-width="2"/>'
        )
        for event in deal_events:
            parts.append(_marker(event, x_of, y))
    parts.extend(_timeline_legend(label_width, bottom + 24))
    parts.append("</svg>")
    return "\n".join(parts)


def _event_title(event: dict[str, Any]) -> str:
    pieces = [due_text(event["date"]), event["deal"], event["event"]]
    if event.get("type"):
        label = event.get("label")
        pieces.append(f"{event['type']}: {label}" if label else event["type"])
    if event.get("type") and event.get("type") != "royalty":
        pieces.append(money_cell(event.get("amount"), event.get("currency")))
    return " · ".join(str(piece) for piece in pieces)


def _marker(event: dict[str, Any], x_of: Any, y: float) -> str:
    kind = event["event"]
    colour = EVENT_COLOURS.get(kind, "#6b7280")
    title = f"<title>{_text(_event_title(event))}</title>"
    start, end = event_span(event)
    x = x_of(start)
    if kind in ("announced", "signed", "effective", "terminated"):
        size = 6
        return (
            f'<g class="event event-{kind}">{title}'
            f'<path d="M{_num(x)} {_num(y - size)} L{_num(x + size)} {_num(y)} '
            f'L{_num(x)} {_num(y + size)} L{_num(x - size)} {_num(y)} Z" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1"/></g>'
        )
    if kind == "due":
        band = max(x_of(end) - x, 3.0)
        return (
            f'<g class="event event-due">{title}'
            f'<rect x="{_num(x)}" y="{_num(y - 6)}" width="{_num(band)}" height="12" rx="3" '
            f'fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="1.5"/></g>'
        )
    return (
        f'<g class="event event-{kind}">{title}'
        f'<circle cx="{_num(x)}" cy="{_num(y)}" r="6" fill="{colour}" '
        'stroke="#ffffff" stroke-width="1.5"/></g>'
    )


def _timeline_legend(x: float, y: float) -> Iterable[str]:
    items = [
        ("announced", "announced"),
        ("signed", "signed"),
        ("effective", "effective"),
        ("terminated", "terminated"),
        ("due", "payment due (date or period)"),
        ("achieved", "milestone achieved"),
        ("paid", "paid"),
    ]
    cursor = x
    yield '<g class="legend" font-size="11" fill="#374151">'
    for kind, text in items:
        colour = EVENT_COLOURS[kind]
        if kind == "due":
            yield (
                f'<rect x="{_num(cursor)}" y="{_num(y - 6)}" width="16" height="12" rx="3" '
                f'fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="1.5"/>'
            )
            offset = 20
        elif kind in ("achieved", "paid"):
            yield f'<circle cx="{_num(cursor + 6)}" cy="{_num(y)}" r="6" fill="{colour}"/>'
            offset = 16
        else:
            yield (
                f'<path d="M{_num(cursor + 6)} {_num(y - 6)} l6 6 l-6 6 l-6 -6 Z" fill="{colour}"/>'
            )
            offset = 16
        yield f'<text x="{_num(cursor + offset)}" y="{_num(y + 4)}">{_text(text)}</text>'
        cursor += offset + 7 * len(text) + 18
    yield "</g>"


# --------------------------------------------------------------------------- schedule


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round axis maximum at or above `value`: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (1, 2, Decimal("2.5"), 5, 10):
        candidate = Decimal(step).scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)


def schedule_svg(schedule: dict[str, Any], *, width: int = 1100) -> str:
    """Bars per year: paid (green) under due (blue), then one bar for money with no date.

    A figure may be None: every amount of that kind in the period is undisclosed. It is then
    neither drawn nor added (undisclosed is not 0, and None has no arithmetic): the bar shows
    the disclosed part, and its label and hover text say "undisclosed".
    """
    currency = schedule.get("currency")
    periods = list(schedule["periods"])
    unscheduled: Decimal | None = schedule["unscheduled"]
    bars: list[tuple[str, Decimal | None, Decimal | None, bool]] = [
        (row["period"], row["paid"], row["due"], False) for row in periods
    ]
    if unscheduled is None or unscheduled:
        bars.append(("no date", Decimal(0), unscheduled, True))
    left, right, top, bottom_margin = 90, 24, 30, 70
    height = 360
    title = f"Payment schedule ({currency or 'deal currencies'}): paid and due per year"
    parts = _svg_open(width, height, title, "chart schedule")
    if not bars:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#6b7280">'
            "No disclosed payments to schedule.</text>"
        )
        parts.append("</svg>")
        return "\n".join(parts)
    totals = [sum_disclosed([paid, due]) for _, paid, due, _ in bars]
    maximum = _nice_ceiling(max((total for total in totals if total is not None), default=0))
    plot_height = height - top - bottom_margin
    plot_width = width - left - right
    base = top + plot_height

    def y_of(value: Decimal) -> float:
        return base - plot_height * float(value / maximum)

    for tick in range(5):
        value = maximum * tick / 4
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" y1="{_num(y)}" x2="{width - right}" y2="{_num(y)}" '
            f'stroke="{"#9ca3af" if tick == 0 else "#e5e7eb"}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{_num(y + 4)}" text-anchor="end" fill="#374151">'
            f"{_text(readable(value))}</text>"
        )
    slot = plot_width / len(bars)
    bar_width = min(80.0, slot * 0.6)
    for index, ((label, paid, due, undated), total) in enumerate(zip(bars, totals, strict=True)):
        x = left + slot * index + (slot - bar_width) / 2
        hover = f"{label}: paid {money_cell(paid, currency)}, due {money_cell(due, currency)}"
        if undated:
            hover = f"no date: {money_cell(due, currency)} still to come without a due date"
        parts.append(f'<g class="bar"><title>{_text(hover)}</title>')
        paid_top = base if paid is None else y_of(paid)
        if paid:
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(min(paid_top, base - 2))}" '
                f'width="{_num(bar_width)}" height="{_num(max(base - paid_top, 2))}" '
                f'fill="{PAID_COLOUR}"/>'
            )
        if due:
            colour = UNSCHEDULED_COLOUR if undated else DUE_COLOUR
            top_y = min(y_of(total or due), paid_top - 2)
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(top_y)}" width="{_num(bar_width)}" '
                f'height="{_num(paid_top - top_y)}" fill="{colour}"/>'
            )
        parts.append("</g>")
        shown = money_cell(total, None) if None not in (paid, due) else _partly(total)
        parts.append(
            f'<text x="{_num(x + bar_width / 2)}" y="{_num(y_of(total or Decimal(0)) - 6)}" '
            f'text-anchor="middle" fill="#111827" font-weight="600">'
            f"{_text(shown)}</text>"
        )
        parts.append(
            f'<text x="{_num(x + bar_width / 2)}" y="{base + 18}" text-anchor="middle" '
            f'fill="#374151">{_text(label)}</text>'
        )
    legend_y = height - 22
    parts.append('<g class="legend" font-size="11" fill="#374151">')
    for offset, colour, text in (
        (0, PAID_COLOUR, "paid"),
        (90, DUE_COLOUR, "due (expected or achieved)"),
        (300, UNSCHEDULED_COLOUR, "still to come, no due date"),
    ):
        parts.append(
            f'<rect x="{left + offset}" y="{legend_y - 9}" width="12" height="12" '
            f'fill="{colour}"/><text x="{left + offset + 18}" y="{legend_y + 1}">'
            f"{_text(text)}</text>"
        )
    parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _partly(total: Decimal | None) -> str:
    """A bar's label where part of it is undisclosed: the disclosed part and a plus."""
    return "undisclosed" if not total else f"{readable(total)} + undisclosed"


def standalone(svg: str) -> str:
    """An SVG chart as a file of its own."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"
