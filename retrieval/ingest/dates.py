"""Dates come only from metadata we can trust, never from guesses in the body text.

A wrong date is worse than none: summaries build timelines and filters on it, and an undated document is
flagged as such, whereas a misdated one silently misleads.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from dateutil import parser as date_parser

_EARLIEST_YEAR = 1900  # placeholder dates such as 0001-01-01 occur in real page metadata
_YEAR = re.compile(r"\b\d{4}\b")
# Two different defaults: a field the text leaves out shows up as a difference between the parses.
_DEFAULTS = (dt.datetime(1901, 1, 1), dt.datetime(1902, 2, 2))

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
# Reuters-21578 times carry stray letters now and then ("27-MAR-1987 00:02:59.13RM", "27-MAR-1987 04:38:47.18M C F").
_REUTERS = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+\d[\d:.]*[A-Z ]*)?")
_MONTHS = {
    name: index
    for index, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}

# "date 2023-11-09" at the very start of a text, as the seed documents carry it, optionally with a colon.
_PREFIX = re.compile(r"\A\s*date\s*:?\s*(\d{4}-\d{2}-\d{2})(?=\s|\Z)[ \t]*\n?", re.IGNORECASE)


def _valid(year: int, month: int, day: int) -> dt.date | None:
    if not _EARLIEST_YEAR <= year <= dt.date.today().year + 1:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(value: object) -> dt.date | None:
    """Read a date from metadata: ISO, Reuters' ``26-FEB-1987 15:01:01.79``, RFC 2822 (what feeds
    send: ``Wed, 19 Jun 2024 08:00:00 GMT``) or a written one (``June 19, 2024``).

    Only a full date counts: year, month and day must all be there, the year within 1900 and next
    year. Anything else is None, and the document is undated rather than misdated.
    """
    if isinstance(value, dt.datetime):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return _valid(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    text = value.strip()
    iso = _ISO.fullmatch(text)
    if iso:
        return _valid(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    reuters = _REUTERS.fullmatch(text)
    if reuters:
        month = _MONTHS.get(reuters.group(2).lower())
        if month is None:
            return None
        return _valid(int(reuters.group(3)), month, int(reuters.group(1)))
    return _written(text)


def _written(text: str) -> dt.date | None:
    if not _YEAR.search(text) or len(text) > 64:
        return None
    try:
        feed = email.utils.parsedate_to_datetime(text)
        return _valid(feed.year, feed.month, feed.day)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        first, second = (date_parser.parse(text, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError):  # dateutil's ParserError is a ValueError
        return None
    if first.date() != second.date():
        return None  # the month or the day was missing: "2024", "June 2024"
    return _valid(first.year, first.month, first.day)


def split_date_prefix(text: str) -> tuple[dt.date | None, str]:
    """Take a leading ``date YYYY-MM-DD`` marker off the text; the text after it is returned as is."""
    match = _PREFIX.match(text)
    if not match:
        return None, text
    date = parse_date(match.group(1))
    if date is None:
        return None, text
    return date, text[match.end() :].lstrip(" \t")
