"""Dates and period strings (`2027`, `2027-06`, `2027-Q2`, `2027-H1`) used for `due`.

A period is ordered and bucketed by its first day, so one comparable `start` date is all the
reports need; the original text is kept for display.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_FORMS = (
    'write a TOML date (2027-06-30, unquoted) or a period "2027", "2027-06", "2027-Q2" or "2027-H1"'
)
_PERIOD_RE = re.compile(r"(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<q>[1-4])|H(?P<h>[12])))?")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A due date given as a whole year, month, quarter or half-year."""

    start: date
    text: str

    def __str__(self) -> str:
        return self.text

    @property
    def last(self) -> date:
        """The period's last day: the day by which something due in it is expected."""
        kind = self.text[5:6]  # "" (a year), "Q", "H", or a month's first digit
        months = {"": 12, "Q": 3, "H": 6}.get(kind, 1)
        month = self.start.month + months - 1
        return date(self.start.year, month, calendar.monthrange(self.start.year, month)[1])


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


def due_last_day(due: DueDate) -> date:
    """Last day the due value covers: the date itself, or a period's last day."""
    return due.last if isinstance(due, Period) else due
