"""Charts as inline SVG: the deal timeline and the payment schedule.

Plain SVG text, no scripts, no fonts or images to fetch, so the page works offline, in mail
and in a locked-down browser. Hover text uses SVG `<title>` elements. Every string from a
deal file goes through `html.escape`. Floats appear only as pixel coordinates; amounts stay
Decimal and are printed with the tables' readable form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from html import escape
from typing import Any

from ..domain.money import readable
from ..domain.periods import due_last_day, due_start, due_text
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
OVERDUE_COLOUR = "#dc2626"
PAID_COLOUR = "#059669"
DUE_COLOUR = "#2563eb"


# Characters XML 1.0 cannot hold even as references; shown as `\x01` instead of dropped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def markup_text(value: object) -> str:
    """Text for HTML or SVG: escaped, with characters XML cannot carry made visible."""
    text = _XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return escape(text, quote=True)


_text = markup_text


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def event_span(event: dict[str, Any]) -> tuple[date, date]:
    """First day an event's date covers and the day after its last: a `due` of "2026-Q2"
    spans the quarter, a plain date one day. The last representable day (9999-12-31) stands
    for its own day after, so a far-future date draws instead of overflowing."""
    when = event["date"]
    last = due_last_day(when)
    return due_start(when), last if last == date.max else last + timedelta(days=1)


def _svg_open(width: int, height: int, label: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{_text(label)}" font-family="{_text(FONT)}" font-size="12">',
        f"<title>{_text(label)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


# --------------------------------------------------------------------------- timeline


def _year_step(years: int) -> int:
    """Years between gridlines: every year, or a round step keeping about 16 lines at most."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if years / step <= 16:
            return step
    return 10000


def timeline_svg(
    lanes: list[dict[str, Any]],
    events: list[dict[str, Any]],
    today: date,
    *,
    width: int = 1100,
) -> str:
    """Deals over time, one lane per deal: its own dates as ticks, payments as markers.

    A `due` period is drawn as a band across the whole period, because "2026-Q2" means any
    day in that quarter, not its first day. Layers go from the back: lane stripes, then the
    year grid and the today line (so a stripe never hides them), then each lane's marks.
    Marks of one lane that fall on the same span (two milestones due in 2027-Q2) are
    stacked a few pixels apart and carry a count, so they never merge into one. An event
    with `"overdue": true` is drawn red.
    """
    label_width, right, top, lane_height = 250, 24, 46, 32
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
    latest = max([*dates, *(end for _, end in spans)])
    first = date(min(dates).year, 1, 1)
    last = date.max if latest.year == date.max.year else date(latest.year + 1, 1, 1)
    span = (last - first).days or 1
    plot = width - label_width - right
    bottom = top + len(lanes) * lane_height

    def x_of(day: date) -> float:
        return label_width + plot * (day - first).days / span

    for index in range(1, len(lanes), 2):
        parts.append(
            f'<rect class="stripe" x="0" y="{top + index * lane_height}" width="{width}" '
            f'height="{lane_height}" fill="#f3f4f6"/>'
        )
    parts.extend(_year_grid(first, last, x_of, top, bottom))
    if first <= today <= last:
        parts.extend(
            _today_line(x_of(today), today, top, bottom, near_end=x_of(today) > width - right - 120)
        )

    by_deal: dict[str, list[tuple[dict[str, Any], tuple[date, date]]]] = {}
    for event, event_span_ in zip(events, spans, strict=True):
        by_deal.setdefault(event["deal"], []).append((event, event_span_))
    for index, lane in enumerate(lanes):
        y = top + index * lane_height + lane_height / 2
        deal_events = by_deal.get(lane["deal"], [])
        label = lane["deal"] if len(lane["deal"]) <= 34 else lane["deal"][:33] + "…"
        parts.append(
            f'<text x="8" y="{_num(y + 4)}" fill="#111827" class="lane-label">'
            f"<title>{_text(lane['title'])}</title>{_text(label)}</text>"
        )
        start = min([lane["date"], *(span[0] for _, span in deal_events)])
        stop = max([lane["date"], *(span[1] for _, span in deal_events)])
        parts.append(
            f'<line x1="{_num(x_of(start))}" y1="{_num(y)}" x2="{_num(x_of(stop))}" '
            f'y2="{_num(y)}" stroke="#d1d5db" stroke-width="2"/>'
        )
        parts.extend(_lane_marks(deal_events, x_of, y))
    parts.extend(_timeline_legend(label_width, bottom + 24))
    parts.append("</svg>")
    return "\n".join(parts)


def _year_grid(
    first: date, last: date, x_of: Callable[[date], float], top: int, bottom: int
) -> Iterator[str]:
    """A line at each year's start (or each step's), labelled in the middle of a lone year."""
    step = _year_step(last.year - first.year)
    for year in range(first.year, last.year + 1, step):
        x = x_of(date(year, 1, 1))
        yield (
            f'<line class="grid" x1="{_num(x)}" y1="{top - 8}" x2="{_num(x)}" y2="{bottom}" '
            'stroke="#d1d5db" stroke-width="1"/>'
        )
        if step == 1 and year < last.year and year < date.max.year:
            label_x, anchor = x_of(date(year, 7, 1)), "middle"
        elif step > 1:
            label_x, anchor = x + 3, "start"
        else:
            continue
        yield (
            f'<text x="{_num(label_x)}" y="{top - 14}" text-anchor="{anchor}" '
            f'fill="#374151" font-weight="600">{year}</text>'
        )


def _today_line(x: float, today: date, top: int, bottom: int, *, near_end: bool) -> Iterator[str]:
    yield (
        f'<line class="today" x1="{_num(x)}" y1="{top - 8}" x2="{_num(x)}" y2="{bottom}" '
        'stroke="#dc2626" stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    yield (
        f'<text x="{_num(x - 4 if near_end else x + 4)}" y="{bottom + 12}" '
        f'text-anchor="{"end" if near_end else "start"}" fill="#dc2626" font-size="10">'
        f"today {today.isoformat()}</text>"
    )


def _lane_marks(
    deal_events: list[tuple[dict[str, Any], tuple[date, date]]],
    x_of: Callable[[date], float],
    y: float,
) -> Iterator[str]:
    """Each event's mark; marks of one kind on one span are stacked and counted."""
    groups: dict[tuple[str, date, date], list[dict[str, Any]]] = {}
    for event, span in deal_events:
        groups.setdefault((event["event"], *span), []).append(event)
    for (kind, start, end), group in groups.items():
        count = len(group)
        gap = min(4.0, 8.0 / (count - 1)) if count > 1 else 0.0
        for position, event in enumerate(group):
            offset = (position - (count - 1) / 2) * gap
            yield _marker(event, x_of(start), x_of(end), y + offset)
        if count > 1:
            badge_x = max(x_of(end), x_of(start) + 7) + 3
            yield (
                f'<g class="count"><title>{count} {_text(kind)} events on '
                f"{_text(due_text(group[0]['date']))}</title>"
                f'<text x="{_num(badge_x)}" y="{_num(y - 5)}" font-size="10" '
                f'font-weight="700" fill="#111827">×{count}</text></g>'
            )


def _event_title(event: dict[str, Any]) -> str:
    pieces = [due_text(event["date"]), event["deal"], event["event"]]
    if event.get("type"):
        label = event.get("label")
        pieces.append(f"{event['type']}: {label}" if label else event["type"])
    if event.get("type") and event.get("type") != "royalty":
        pieces.append(money_cell(event.get("amount"), event.get("currency")))
    if event.get("overdue"):
        pieces.append("OVERDUE")
    return " · ".join(str(piece) for piece in pieces)


def _marker(event: dict[str, Any], x: float, x_end: float, y: float) -> str:
    kind = event["event"]
    overdue = bool(event.get("overdue"))
    colour = OVERDUE_COLOUR if overdue else EVENT_COLOURS.get(kind, "#6b7280")
    classes = f"event event-{kind}" + (" overdue" if overdue else "")
    title = f"<title>{_text(_event_title(event))}</title>"
    if kind in ("announced", "signed", "effective", "terminated"):
        size = 6
        return (
            f'<g class="{classes}">{title}'
            f'<path d="M{_num(x)} {_num(y - size)} L{_num(x + size)} {_num(y)} '
            f'L{_num(x)} {_num(y + size)} L{_num(x - size)} {_num(y)} Z" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1"/></g>'
        )
    if kind == "due":
        band = max(x_end - x, 3.0)
        return (
            f'<g class="{classes}">{title}'
            f'<rect x="{_num(x)}" y="{_num(y - 6)}" width="{_num(band)}" height="12" rx="3" '
            f'fill="{colour}" fill-opacity="{0.35 if overdue else 0.18}" stroke="{colour}" '
            'stroke-width="1.5"/></g>'
        )
    return (
        f'<g class="{classes}">{title}'
        f'<circle cx="{_num(x)}" cy="{_num(y)}" r="6" fill="{colour}" '
        'stroke="#ffffff" stroke-width="1.5"/></g>'
    )


def _timeline_legend(x: float, y: float) -> Iterable[str]:
    items = [
        ("announced", "announced"),
        ("signed", "signed"),
        ("effective", "effective"),
        ("terminated", "terminated"),
        ("due", "due (date or period)"),
        ("overdue", "overdue"),
        ("achieved", "achieved"),
        ("paid", "paid"),
        ("count", "×2: two in one period"),
    ]
    cursor = x
    yield '<g class="legend" font-size="11" fill="#374151">'
    for kind, text in items:
        if kind in ("due", "overdue"):
            colour = OVERDUE_COLOUR if kind == "overdue" else EVENT_COLOURS["due"]
            opacity = 0.35 if kind == "overdue" else 0.18
            yield (
                f'<rect x="{_num(cursor)}" y="{_num(y - 6)}" width="16" height="12" rx="3" '
                f'fill="{colour}" fill-opacity="{opacity}" stroke="{colour}" stroke-width="1.5"/>'
            )
            offset = 20
        elif kind in ("achieved", "paid"):
            yield (
                f'<circle cx="{_num(cursor + 6)}" cy="{_num(y)}" r="6" '
                f'fill="{EVENT_COLOURS[kind]}"/>'
            )
            offset = 16
        elif kind == "count":
            offset = 0
        else:
            yield (
                f'<path d="M{_num(cursor + 6)} {_num(y - 6)} l6 6 l-6 6 l-6 -6 Z" '
                f'fill="{EVENT_COLOURS[kind]}"/>'
            )
            offset = 16
        yield f'<text x="{_num(cursor + offset)}" y="{_num(y + 4)}">{_text(text)}</text>'
        cursor += offset + 6.2 * len(text) + 16
    yield "</g>"


# --------------------------------------------------------------------------- schedule


def nice_axis(value: Decimal) -> tuple[Decimal, Decimal]:
    """(maximum, step) of an axis just above `value`: the step is 1, 2, 2.5 or 5 times a
    power of ten, at least a fifth of `value`, and the maximum the first multiple of the step
    at or above it (33.5B → 40B in steps of 10B; 21M → 25M in steps of 5M)."""
    if value <= 0:
        return Decimal(1), Decimal("0.25")
    wanted = value / 5
    exponent = wanted.adjusted()
    step = Decimal(10).scaleb(exponent)
    for factor in (1, 2, Decimal("2.5"), 5):
        candidate = (Decimal(factor) * Decimal(1).scaleb(exponent)).normalize()
        if candidate >= wanted:
            step = candidate
            break
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step, step


def schedule_svg(schedule: dict[str, Any], *, width: int = 1100) -> str:
    """Bars per period: paid (green) under due (blue), on an axis fitted to the dated bars.

    Money with no due date is not drawn here: it is mostly "up to" milestone caps that may
    never be paid, and one tall bar of it would flatten every dated one. The page lists it
    beside the chart. A period whose every amount is undisclosed has no bar, only the word.
    """
    currency = schedule.get("currency")
    bars = [(row["period"], row["paid"], row["due"]) for row in schedule["periods"]]
    left, right, top, bottom_margin = 90, 24, 30, 70
    height = 360
    title = f"Payment schedule ({currency or 'deal currencies'}): paid and due per year"
    parts = _svg_open(width, height, title, "chart schedule")
    if not bars:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#6b7280">'
            "No dated payments to schedule.</text>"
        )
        parts.append("</svg>")
        return "\n".join(parts)
    zero = Decimal(0)
    maximum, step = nice_axis(max((paid or zero) + (due or zero) for _, paid, due in bars))
    plot_height = height - top - bottom_margin
    plot_width = width - left - right
    base = top + plot_height

    def y_of(value: Decimal) -> float:
        return base - plot_height * float(value / maximum)

    for tick in range(int(maximum / step) + 1):
        value = step * tick
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
    for index, (label, paid, due) in enumerate(bars):
        x = left + slot * index + (slot - bar_width) / 2
        parts.extend(_bar(x, bar_width, label, paid, due, currency, y_of, base))
        parts.append(
            f'<text x="{_num(x + bar_width / 2)}" y="{base + 18}" text-anchor="middle" '
            f'fill="#374151">{_text(label)}</text>'
        )
    legend_y = height - 22
    parts.append('<g class="legend" font-size="11" fill="#374151">')
    for offset, colour, text in (
        (0, PAID_COLOUR, "paid"),
        (90, DUE_COLOUR, "due (expected or achieved)"),
    ):
        parts.append(
            f'<rect x="{left + offset}" y="{legend_y - 9}" width="12" height="12" '
            f'fill="{colour}"/><text x="{left + offset + 18}" y="{legend_y + 1}">'
            f"{_text(text)}</text>"
        )
    parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _bar(
    x: float,
    bar_width: float,
    label: str,
    paid: Decimal | None,
    due: Decimal | None,
    currency: str | None,
    y_of: Callable[[Decimal], float],
    base: float,
) -> Iterator[str]:
    """One period's stacked bar. `None` (every amount of its kind undisclosed) adds nothing to
    the bar and says "undisclosed" above it: never 0, never left out silently."""
    paid_value, due_value = paid or Decimal(0), due or Decimal(0)
    hover = f"{label}: paid {money_cell(paid, currency)}, due {money_cell(due, currency)}"
    yield f'<g class="bar"><title>{_text(hover)}</title>'
    if paid_value:
        yield (
            f'<rect x="{_num(x)}" y="{_num(min(y_of(paid_value), base - 2))}" '
            f'width="{_num(bar_width)}" height="{_num(max(base - y_of(paid_value), 2))}" '
            f'fill="{PAID_COLOUR}"/>'
        )
    if due_value:
        top_y = min(y_of(paid_value + due_value), y_of(paid_value) - 2)
        yield (
            f'<rect x="{_num(x)}" y="{_num(top_y)}" width="{_num(bar_width)}" '
            f'height="{_num(y_of(paid_value) - top_y)}" fill="{DUE_COLOUR}"/>'
        )
    yield "</g>"
    total = paid_value + due_value
    text, style = readable(total), 'fill="#111827" font-weight="600"'
    if paid is None or due is None:
        text = f"{text} + undisclosed" if total else "undisclosed"
        style = 'fill="#9a3412" font-style="italic"'
    yield (
        f'<text x="{_num(x + bar_width / 2)}" y="{_num(y_of(total) - 6)}" '
        f'text-anchor="middle" {style}>{_text(text)}</text>'
    )


def standalone(svg: str) -> str:
    """An SVG chart as a file of its own."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"
