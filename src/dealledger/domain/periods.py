"""Dates and period strings (`2027`, `2027-06`, `2027-Q2`, `2027-H1`) used for `due`.

A period is ordered and bucketed by its first day, so one comparable `start` date is all the
reports need; the original text is kept for display.

Format version 2 adds a bound, `by 2026-06-30` or `by 2026-Q2`: no later than that day (or
than the period's last day). A bound has no first day, so it is ordered and bucketed by its
limit: `start` is the last day it allows.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import MAXYEAR, date, datetime, timedelta, timezone

_FORMS = (
    'write a TOML date (2027-06-30, unquoted), a period "2027", "2027-06", "2027-Q2" or '
    '"2027-H1", or a bound "by 2027-06-30" / "by 2027-Q2"'
)
_DAY_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
BOUND_PREFIX = "by "
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

    @property
    def is_bound(self) -> bool:
        return self.text.startswith(BOUND_PREFIX)

    @property
    def end(self) -> date:
        """The last day the period (or bound) allows."""
        if self.is_bound:
            return self.start
        return period_end(self.start, self.text)


def period_end(start: date, text: str) -> date:
    """Last day of the period `text` that begins on `start`."""
    if len(text) == 4:
        return date(start.year, 12, 31)
    months = 3 if "Q" in text else 6 if "H" in text else 1
    last_month = start.month + months - 1
    return date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


def parse_period(text: str) -> Period:
    """Parse `YYYY`, `YYYY-MM`, `YYYY-Qn`, `YYYY-Hn` or a bound `by …`; ValueError names the
    accepted forms."""
    if text.startswith(BOUND_PREFIX):
        return _parse_bound(text)
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


def _parse_bound(text: str) -> Period:
    limit_text = text[len(BOUND_PREFIX) :]
    day = _DAY_RE.fullmatch(limit_text)
    if day is not None:
        try:
            limit = date(int(day[1]), int(day[2]), int(day[3]))
        except ValueError:
            raise ValueError(f"{text!r}: {limit_text} is not a calendar date; {_FORMS}") from None
    else:
        if limit_text.startswith(BOUND_PREFIX):
            raise ValueError(f"{text!r} is not a date or period; {_FORMS}")
        period = parse_period(limit_text)
        limit = period.end
    return Period(limit, text)


def is_within(day: date, period: Period) -> bool:
    """Whether a day falls inside a period (or on or before a bound's limit)."""
    if period.is_bound:
        return day <= period.start
    return period.start <= day <= period.end


def after_last_day(day: date, due: date | Period) -> bool:
    """Whether `day` is later than the last day `due` allows."""
    last = due.end if isinstance(due, Period) else due
    return day > last


DueDate = date | Period


def due_start(due: DueDate) -> date:
    """First day the due value covers: the date itself, or a period's first day."""
    return due.start if isinstance(due, Period) else due


def due_text(due: DueDate) -> str:
    return due.text if isinstance(due, Period) else due.isoformat()


def impossible_date(text: str) -> str | None:
    """What is wrong with a date-shaped text that names no day, or None if it is a day.

    Told before "remove the quotes", which would only turn the mistake into a TOML syntax
    error (TOML refuses 2024-13-07 too).
    """
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        year, month, day = (int(part) for part in text[:10].split("-"))
        if not 1 <= month <= 12:
            return f"month {month} does not exist (months run 01 to 12; day and month swapped?)"
        return f"{year}-{month:02d} has no day {day}"
    return None


def due_last_day(due: DueDate) -> date:
    """Last day the due value covers: the date itself, or a period's last day."""
    return due.end if isinstance(due, Period) else due


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
