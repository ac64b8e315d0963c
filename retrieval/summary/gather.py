"""Collecting the passages a request is about: by search (topic), by document, or by date (latest)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from retrieval.interfaces import ChunkSource, Searcher
from retrieval.models import Chunk, DocumentInfo, SearchFilters, SummaryKind, SummaryRequest


@dataclass(frozen=True)
class Gathered:
    """Passages with a relevance weight in (0, 1], and what to say when there are none."""

    passages: list[tuple[Chunk, float]]
    query: str
    empty_headline: str
    by_position: bool = False  # one document: points follow its order rather than their rank


def _in_range(date: dt.date | None, since: dt.date | None, until: dt.date | None) -> bool:
    if since is None and until is None:
        return True
    if date is None:
        return False  # an undated passage cannot be shown to fall inside a date range
    return (since is None or date >= since) and (until is None or date <= until)


def _describe_range(since: dt.date | None, until: dt.date | None) -> str:
    if since and until:
        return f" between {since.isoformat()} and {until.isoformat()}"
    if since:
        return f" since {since.isoformat()}"
    if until:
        return f" until {until.isoformat()}"
    return ""


@dataclass(frozen=True)
class Gatherer:
    searcher: Searcher
    chunk_source: ChunkSource
    today: Callable[[], dt.date]
    candidates: int
    documents: Callable[[], Sequence[DocumentInfo]] | None = None

    def gather(self, request: SummaryRequest) -> Gathered:
        if request.kind is SummaryKind.DOCUMENT:
            return self._document(request.document)
        if request.kind is SummaryKind.LATEST:
            return self._latest(request)
        return self._topic(request)

    def _topic(self, request: SummaryRequest) -> Gathered:
        query = request.query.strip()
        empty = f"Nothing in the collection matches “{query}”" + _describe_range(
            request.since, request.until
        )
        if not query:
            return Gathered([], query, "No topic was given")
        filters = SearchFilters(since=request.since, until=request.until)
        found = self.searcher.search(query, k=self.candidates, filters=filters)
        # Rank, not the fused score, sets the weight: fused scores are not comparable across queries.
        passages = [
            (p.chunk, 1.0 / (1.0 + 0.05 * rank))
            for rank, p in enumerate(found)
            if _in_range(p.chunk.date, request.since, request.until)
        ]
        return Gathered(passages, query, empty)

    def _document(self, name: str) -> Gathered:
        empty = f"No document matches “{name.strip()}”"
        if self.documents is not None:
            known = [(d.source, d.title) for d in self.documents()]
            source = resolve_document(name, known)
            chunks = self.chunk_source.chunks(SearchFilters(documents=(source,))) if source else []
        else:
            # Without a catalogue, try the name as a source first; only then read titles off the chunks.
            chunks = self.chunk_source.chunks(SearchFilters(documents=(name.strip(),)))
            if not chunks:
                everything = self.chunk_source.chunks(None)
                source = resolve_document(name, [(c.source, c.title) for c in everything])
                chunks = [c for c in everything if c.source == source]
        chunks = sorted(chunks, key=lambda c: c.position)
        return Gathered([(c, 1.0) for c in chunks], "", empty, by_position=True)

    def _latest(self, request: SummaryRequest) -> Gathered:
        """The last N days are today and the N-1 days before it, by publication date only.

        Chunks carry no "added" time, and an undated document has no place in "what happened lately",
        so undated documents are never part of a latest summary.
        """
        today = self.today()
        days = max(1, request.days)
        since = today - dt.timedelta(days=days - 1)
        until = today
        if request.since is not None:
            since = max(since, request.since)
        if request.until is not None:
            until = min(until, request.until)
        empty = (
            f"Nothing in the collection is dated in the last {days} day(s) to {today.isoformat()}"
        )
        chunks = [
            c
            for c in self.chunk_source.chunks(SearchFilters(since=since, until=until))
            if _in_range(c.date, since, until)
        ]
        passages = []
        for chunk in chunks:
            age = (today - chunk.date).days if chunk.date else days
            # Newer matters more, and a story's opening passage carries its main fact.
            passages.append((chunk, 1.0 / (1.0 + age / days) / (1.0 + 0.25 * chunk.position)))
        return Gathered(passages, "", empty)


# -- which document a moderator means ---------------------------------------------------------


def _keys(source: str, title: str) -> set[str]:
    return {source.casefold(), PurePath(source).stem.casefold(), title.strip().casefold()}


def resolve_document(name: str, documents: Iterable[tuple[str, str]]) -> str | None:
    """The ``source`` of the one document whose file name, stem or title matches ``name``.

    Exact matches (case-insensitive) win; otherwise a unique title or file name containing ``name`` is
    accepted. Ambiguous or unknown names give None rather than a guess.
    """
    wanted = name.strip().casefold()
    if not wanted:
        return None
    candidates = list(dict.fromkeys(documents))
    exact = {source for source, title in candidates if wanted in _keys(source, title)}
    if len(exact) == 1:
        return exact.pop()
    if exact:
        return None
    partial = {
        source
        for source, title in candidates
        if wanted in source.casefold() or wanted in title.casefold()
    }
    return partial.pop() if len(partial) == 1 else None
