"""Turning picked sentences into the Summary value: source numbers, timeline, headline."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import numpy as np

from retrieval.models import Chunk, SummarySource, TimelineEntry
from retrieval.summary.keypoints import NEAR_DUPLICATE_LEXICAL
from retrieval.summary.pool import SentenceCandidate
from retrieval.summary.quotable import needs_context, quotable_split

HEADLINE_CHARS = 160


class SourceBook:
    """Numbers documents in the order a reader meets them, one number per document."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._chunks: dict[str, Chunk] = {}

    def cite(self, chunks: Iterable[Chunk]) -> tuple[int, ...]:
        numbers: list[int] = []
        for chunk in chunks:
            if chunk.doc_id not in self._numbers:
                self._numbers[chunk.doc_id] = len(self._numbers) + 1
                self._chunks[chunk.doc_id] = chunk
            number = self._numbers[chunk.doc_id]
            if number not in numbers:
                numbers.append(number)
        return tuple(numbers)

    def sources(self) -> tuple[SummarySource, ...]:
        return tuple(
            SummarySource(n, c.source, c.title, c.url, c.date, c.doc_id)
            for n, c in ((self._numbers[d], self._chunks[d]) for d in self._numbers)
        )


def event_entries(
    pool: Sequence[SentenceCandidate],
    order: Sequence[int],
    lexical: np.ndarray,
    excluded: set[int],
    documents: set[str],
    *,
    limit: int,
) -> list[tuple[dt.date, list[int]]]:
    """(date, pool indices) for sentences stating a full date, best-ranked first, repeats merged.

    Only documents the summary already cites are searched, so the timeline stays about the topic
    rather than about whatever else a retrieved passage happened to date. Two sentences of one
    document with the same date are one entry, as are lexical near-duplicates across documents.
    """
    entries: list[tuple[dt.date, list[int]]] = []
    for index in order:
        candidate = pool[index]
        if index in excluded or candidate.is_comment or candidate.chunk.doc_id not in documents:
            continue
        for date in stated_dates(candidate.text):
            twin = next(
                (
                    members
                    for when, members in entries
                    if when == date
                    and (
                        pool[members[0]].chunk.doc_id == candidate.chunk.doc_id
                        or float(lexical[index] @ lexical[members[0]]) >= NEAR_DUPLICATE_LEXICAL
                    )
                ),
                None,
            )
            if twin is not None:
                twin.append(index)
            elif len(entries) < limit:
                entries.append((date, [index]))
    return entries


def publication_entries(sources: Sequence[SummarySource], *, limit: int) -> list[TimelineEntry]:
    """One entry per publication date of the cited sources, labelled as a publication, not an event."""
    by_date: dict[dt.date, list[SummarySource]] = {}
    for source in sources:
        if source.date is not None:
            by_date.setdefault(source.date, []).append(source)
    busiest = sorted(by_date.items(), key=lambda item: (-len(item[1]), item[0]))[:limit]
    return [
        TimelineEntry(
            date,
            "Source published: " + _titles(group),
            tuple(s.n for s in group),
        )
        for date, group in busiest
    ]


def _titles(group: Sequence[SummarySource], shown: int = 3) -> str:
    names = "; ".join(s.title or s.document for s in group[:shown])
    return names + (f"; and {len(group) - shown} more" if len(group) > shown else "")


def headline(texts: Sequence[str], fallback: str) -> str:
    """One line: the first point that reads on its own, cut at a word boundary if it is long.

    "The company said ..." is a fine key point under its source's title, but not as a headline.
    """
    if not texts:
        return fallback
    firsts = [(quotable_split(text) or [text])[0] for text in texts]
    line = next((f for f in firsts if not needs_context(f)), firsts[0])
    line = " ".join(line.split())
    if len(line) <= HEADLINE_CHARS:
        return line
    cut = line[: HEADLINE_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


# -- dates a source actually writes down ------------------------------------------------------
# Dates a source actually writes down, and nothing inferred.
#
# A timeline entry needs a full calendar date stated in the text ("13 September 2023", "September 13,
# 2023", "2023-09-13"). A weekday ("on Tuesday"), a month alone, or a day without a year is not resolved
# against the document's date: that would be a guess, and a wrong date in a briefing is worse than none.
# A source's own publication date is shown separately and labelled as such.

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
