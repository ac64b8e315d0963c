"""Dates a source actually writes down, and nothing inferred.

A timeline entry needs a full calendar date stated in the text ("13 September 2023", "September 13,
2023", "2023-09-13"). A weekday ("on Tuesday"), a month alone, or a day without a year is not resolved
against the document's date: that would be a guess, and a wrong date in a briefing is worse than none.
A source's own publication date is shown separately and labelled as such.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = (
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b"),
)


def stated_dates(sentence: str) -> list[dt.date]:
    """Every full, valid calendar date written in ``sentence``, in order of appearance, no repeats."""
    found: list[tuple[int, dt.date]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            month_text = match.group("month").lower().rstrip(".")
            month = int(month_text) if month_text.isdigit() else _MONTHS[month_text]
            try:
                date = dt.date(int(match.group("year")), month, int(match.group("day")))
            except ValueError:
                continue  # "31 February 2023" is not a date
            found.append((match.start(), date))
    dates: list[dt.date] = []
    for _, date in sorted(found, key=lambda item: item[0]):
        if date not in dates:
            dates.append(date)
    return dates
