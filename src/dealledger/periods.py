"""Dates and period strings (`2027`, `2027-06`, `2027-Q2`, `2027-H1`) used for `due`.

A period is ordered and bucketed by its first day, so one comparable `start` date is all the
reports need; the original text is kept for display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import MAXYEAR, date, datetime, timedelta, timezone

_FORMS = (
    'write a TOML date (2027-06-30, unquoted) or a period "2027", "2027-06", "2027-Q2" or "2027-H1"'
)
_PERIOD_RE = re.compile(
    r"(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<q>[1-4])|H(?P<h>[12])))?", re.ASCII
)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A due date given as a whole year, month, quarter or half-year."""

    start: date
    text: str

    def __str__(self) -> str:
        return self.text


def parse_period(text: str) -> Period:
    """Parse `YYYY`, `YYYY-MM`, `YYYY-Qn` or `YYYY-Hn`; ValueError names the accepted forms."""
    match = _PERIOD_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date or period; {_FORMS}")
    year = int(match["year"])
    if year < 1:
        raise ValueError(f"{text!r}: the year must be 0001 or later; {_FORMS}")
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r}: the month must be 01 to 12; {_FORMS}")
    elif match["q"]:
        month = 3 * (int(match["q"]) - 1) + 1
    elif match["h"]:
        month = 6 * (int(match["h"]) - 1) + 1
    else:
        month = 1
    return Period(date(year, month, 1), text)


DueDate = date | Period


def due_start(due: DueDate) -> date:
    """First day the due value covers: the date itself, or a period's first day."""
    return due.start if isinstance(due, Period) else due


def due_text(due: DueDate) -> str:
    return due.text if isinstance(due, Period) else due.isoformat()


def year_start(year: int) -> date:
    """1 January of `year`. Past the calendar's end (year 10000: the end of a period in 9999,
    the right edge of a chart reaching 9999) it is `date.max`, the last day there is: a chart
    may end a day early there, but it never fails on a valid date."""
    return date(year, 1, 1) if year <= MAXYEAR else date.max


def day_after(day: date) -> date:
    """The next day, or `date.max` itself at the calendar's end (see `year_start`)."""
    return day if day == date.max else day + timedelta(days=1)


# Where each calendar day begins first: the Line Islands, UTC+14.
_FIRST_ZONE = timezone(timedelta(hours=14))


def today_somewhere() -> date:
    """The latest date anywhere on Earth now: today at UTC+14, where each day begins first.

    What "today" means for DL203 (a paid or achieved date after today). It does not depend
    on the machine's time zone, so CI and every developer give the same verdict at the same
    moment; and a date that is already today for someone, anywhere, is never called the
    future, so recording this morning's payment in Tokyo or Auckland is never refused.
    """
    return datetime.now(_FIRST_ZONE).date()
