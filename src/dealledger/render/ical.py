"""Calendar records as an iCalendar file (RFC 5545), written by hand to the letter of it.

The text is fully determined by the records and the stamp date: the same ledger on the same
as-of date gives the same bytes, so a published calendar file only changes when the ledger
does. Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character); TEXT
values escape backslash, semicolon, comma and newline; untrusted text has its control
characters made visible first, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from .. import __version__
from ..domain.money import readable
from ..domain.safe_text import terminal_safe

CRLF = "\r\n"
LINE_OCTETS = 75
CALENDAR_NAME = "dealledger"
_EVENT_WORDS = {
    "due": "Due",
    "signed": "Expected signing",
    "effective": "Expected closing",
    "option-deadline": "Option deadline",
}
_CATEGORY_OF_EVENT = {
    "due": "payment-due",
    "signed": "signing",
    "effective": "closing",
    "option-deadline": "option-deadline",
}


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): `\\`, `;`, `,` and newlines escaped."""
    safe = terminal_safe(text, keep_newlines=True)
    return safe.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into pieces of at most 75 octets, CRLF-terminated.

    Continuation lines start with a space, which counts towards their 75 octets.
    """
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces) + CRLF


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def summary(record: dict[str, Any]) -> str:
    """`Due: milestone "Phase 2 start" EUR 50M · eu-licence`, `OVERDUE: ` in front if late."""
    what = _EVENT_WORDS.get(record["event"], record["event"])
    if record["type"] is not None:
        what += f": {record['type']}"
        if record["label"]:
            what += f' "{record["label"]}"'
        if record["amount"] is not None:
            what += f" {record['currency']} {readable(record['amount'])}"
    text = f"{what} · {record['deal']}"
    return f"OVERDUE: {text}" if record["overdue"] else text


def description(record: dict[str, Any]) -> str:
    lines = [record["title"], f"Deal: {record['deal']}"]
    if record["type"] is not None:
        due = record["due"]
        last = record["date"].isoformat()
        lines.append(f"Due: {due}" + (f" (entered on its last day, {last})" if due != last else ""))
        lines.append(f"Status: {record['status']}")
        if record["amount"] is None:
            lines.append("Amount: undisclosed or none")
    if record["overdue"]:
        lines.append("Overdue: still expected after its due date")
    return "\n".join(lines)


def categories(record: dict[str, Any]) -> list[str]:
    found = [CALENDAR_NAME, _CATEGORY_OF_EVENT.get(record["event"], record["event"])]
    if record["type"] is not None:
        found.append(record["type"])
    if record["overdue"]:
        found.append("overdue")
    return found


def _event_lines(record: dict[str, Any], stamp: str) -> Iterator[str]:
    day: date = record["date"]
    yield "BEGIN:VEVENT"
    yield f"UID:{escape_text(record['uid'])}"
    yield f"DTSTAMP:{stamp}"
    yield f"DTSTART;VALUE=DATE:{_day(day)}"
    if day < date.max:
        # Without DTEND a date event lasts one day (RFC 5545, 3.6.1): the way to write the
        # calendar's last day, whose next day has no DATE form.
        yield f"DTEND;VALUE=DATE:{_day(day + timedelta(days=1))}"
    yield f"SUMMARY:{escape_text(summary(record))}"
    yield f"DESCRIPTION:{escape_text(description(record))}"
    yield f"CATEGORIES:{','.join(escape_text(name) for name in categories(record))}"
    yield "TRANSP:TRANSPARENT"
    yield "END:VEVENT"


def render_ical(records: list[dict[str, Any]], stamp_day: date) -> str:
    """The VCALENDAR; `stamp_day` (the as-of date) is every event's DTSTAMP, at 00:00 UTC."""
    stamp = f"{_day(stamp_day)}T000000Z"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//dealledger//dealledger {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{CALENDAR_NAME}",
    ]
    for record in records:
        lines.extend(_event_lines(record, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
