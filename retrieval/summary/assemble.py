"""Turning picked sentences into the Summary value: source numbers, timeline, headline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np

from retrieval.models import Chunk, SummarySource, TimelineEntry
from retrieval.summary.keypoints import NEAR_DUPLICATE_LEXICAL
from retrieval.summary.pool import SentenceCandidate
from retrieval.summary.quotable import needs_context, split_sentences
from retrieval.summary.timeline import stated_dates

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
            SummarySource(n, c.source, c.title, c.url, c.date)
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
    firsts = [(split_sentences(text) or [text])[0] for text in texts]
    line = next((f for f in firsts if not needs_context(f)), firsts[0])
    line = " ".join(line.split())
    if len(line) <= HEADLINE_CHARS:
        return line
    cut = line[: HEADLINE_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
