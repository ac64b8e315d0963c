"""``summarise(request) -> Summary``: a briefing a moderator can post without editing.

The pipeline is bounded at every step, so a topic matching thousands of passages costs about the same as
one matching fifty: at most ``candidates`` passages are fetched, at most ``max_passages`` representative
ones are read, and only a short list of sentences is ever embedded.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence

import numpy as np

from retrieval.interfaces import ChunkSource, Embedder, Searcher
from retrieval.llm.support import SupportScorer
from retrieval.models import (
    Chunk,
    DocumentInfo,
    NoteKind,
    Summary,
    SummaryKind,
    SummaryPoint,
    SummaryRequest,
    TimelineEntry,
    UnconfirmedItem,
)
from retrieval.summary.assemble import (
    SourceBook,
    event_entries,
    headline,
    publication_entries,
)
from retrieval.summary.caveats import SentenceAssessor, caveats, point_eligible
from retrieval.summary.gather import Gatherer
from retrieval.summary.keypoints import (
    Draft,
    pick_caveats,
    pick_points,
    rank,
    without_topic,
)
from retrieval.summary.llm_points import LLMPoints, NoPoints, SummaryLLM, llm_points
from retrieval.summary.pool import SentenceCandidate, sentence_pool
from retrieval.summary.select import representative
from retrieval.summary.tfidf import LexicalVectoriser

log = logging.getLogger(__name__)


class Summariser:
    """Topic, document and latest-N-days briefings; extractive offline, map-reduce with an LLM."""

    def __init__(
        self,
        searcher: Searcher,
        chunk_source: ChunkSource,
        embedder: Embedder,
        *,
        assessor: SentenceAssessor | None = None,
        llm: SummaryLLM | None = None,
        max_passages: int = 60,
        today: Callable[[], dt.date] = dt.date.today,
        documents: Callable[[], Sequence[DocumentInfo]] | None = None,
        candidates: int = 150,
        max_points: int = 7,
        min_points: int = 3,
        shortlist: int = 20,
        max_unconfirmed: int = 5,
        max_opinions: int = 2,
        max_timeline: int = 12,
        assess_budget: int = 40,
        scorer: SupportScorer | None = None,
        redundancy: float | None = None,
        repeat_checker: Embedder | None = None,
    ) -> None:
        self._gatherer = Gatherer(searcher, chunk_source, today, candidates, documents)
        self._embedder = embedder
        self._assessor = assessor
        self._llm = llm
        self._max_passages = max_passages
        self._candidates = candidates
        self._max_points = max_points
        self._min_points = min_points
        self._shortlist = shortlist
        self._max_unconfirmed = max_unconfirmed
        self._max_opinions = max_opinions
        self._max_timeline = max_timeline
        self._assess_budget = assess_budget
        # Embedder cosine above which a candidate repeats a point (default: the model's calibration).
        self._redundancy = redundancy
        # Optional stronger model that vets only the final few points (e.g. the store's MiniLM).
        self._repeat_checker = repeat_checker
        # LLM sentences are checked exactly like LLM answers' (same scorer, same thresholds).
        self._scorer = scorer or SupportScorer(embedder=embedder)

    def summarise(self, request: SummaryRequest) -> Summary:
        timings: dict[str, float] = {}
        started = clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[name] = round((now - clock) * 1000, 2)
            clock = now

        gathered = self._gatherer.gather(request)
        lap("gather_ms")
        if not gathered.passages:
            return Summary(gathered.empty_headline, (), (), (), (), empty=True, timings_ms=timings)
        vectoriser = LexicalVectoriser()
        selected = self._select(gathered.passages, gathered.by_position, vectoriser)
        lap("select_ms")

        pool = sentence_pool(selected)
        extra = [gathered.query] if gathered.query else []
        matrix = vectoriser.fit_transform([c.text for c in pool], extra)
        lexical, query = matrix[: len(pool)], (matrix[len(pool)] if extra else None)
        content = without_topic(lexical, query)
        scores = rank(pool, lexical, content, query)
        order = [int(i) for i in np.argsort(-scores, kind="stable")]
        flagged = caveats(pool, order, self._assessor, budget=self._assess_budget)
        eligible = point_eligible(pool, order, flagged, self._assessor, limit=self._shortlist)
        lap("rank_ms")

        unconfirmed = pick_caveats(
            pool,
            scores,
            content,
            flagged,
            limit=self._max_unconfirmed,
            max_opinions=self._max_opinions,
        )
        written = self._written_points(gathered.query, request, selected) if self._llm else None
        if isinstance(written, NoPoints):
            log.warning("summary: %s; summarising extractively", written.reason)
        if isinstance(written, LLMPoints):
            points = written.points
            unconfirmed = (unconfirmed + written.unconfirmed)[: self._max_unconfirmed + 2]
        else:
            points = pick_points(
                pool,
                scores,
                content,
                eligible,
                flagged,
                self._embedder,
                max_points=self._max_points,
                min_points=self._min_points,
                shortlist=self._shortlist,
                redundancy=self._redundancy,
                repeat_checker=self._repeat_checker,
            )
            if gathered.by_position:
                points.sort(
                    key=lambda d: (pool[d.members[0]].chunk.position, pool[d.members[0]].index)
                )
        lap("points_ms")

        summary = self._assemble(pool, order, content, flagged, points, unconfirmed, selected)
        lap("assemble_ms")
        timings["total_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return Summary(
            summary.headline,
            summary.points,
            summary.unconfirmed,
            summary.timeline,
            summary.sources,
            timings_ms=timings,
            mode=_mode(written),
            fallback_reason=written.reason if isinstance(written, NoPoints) else "",
        )

    def _written_points(
        self, query: str, request: SummaryRequest, selected: Sequence[tuple[Chunk, float]]
    ) -> LLMPoints | NoPoints:
        """Map-reduce points from the language model, verified, or why extractive ones are used."""
        assert self._llm is not None
        if request.kind is SummaryKind.DOCUMENT:
            topic = f"the document {selected[0][0].title or selected[0][0].source}"
        elif request.kind is SummaryKind.LATEST:
            topic = f"the news of the last {request.days} day(s)"
        else:
            topic = query
        return llm_points(
            self._llm,
            topic,
            [chunk for chunk, _ in selected],
            scorer=self._scorer,
            embedder=self._embedder,
            assessor=self._assessor,
            max_points=self._max_points,
            min_points=self._min_points,
        )

    def _select(
        self,
        passages: list[tuple[Chunk, float]],
        by_position: bool,
        vectoriser: LexicalVectoriser,
    ) -> list[tuple[Chunk, float]]:
        """At most ``max_passages`` passages that represent the (at most ``candidates``) matches."""
        if len(passages) > self._candidates:
            if by_position:  # one very long document: keep an even spread through it
                step = len(passages) / self._candidates
                passages = [passages[int(i * step)] for i in range(self._candidates)]
            else:
                passages = sorted(passages, key=lambda p: -p[1])[: self._candidates]
        if len(passages) <= self._max_passages:
            return passages
        vectors = vectoriser.fit_transform([c.text for c, _ in passages])
        weights = np.array([w for _, w in passages], dtype=np.float32)
        cap = None if by_position else max(2, self._max_passages // 10)
        picks = representative(
            vectors,
            weights,
            [c.doc_id for c, _ in passages],
            limit=self._max_passages,
            max_per_document=cap,
        )
        if by_position:
            picks.sort()
        return [passages[i] for i in picks]

    def _assemble(
        self,
        pool: Sequence[SentenceCandidate],
        order: Sequence[int],
        lexical: np.ndarray,
        flagged: dict[int, NoteKind],
        points: Sequence[Draft],
        unconfirmed: Sequence[Draft],
        selected: Sequence[tuple[Chunk, float]],
    ) -> Summary:
        book = SourceBook()
        summary_points = tuple(SummaryPoint(d.text, book.cite(d.cited(pool))) for d in points)
        items = tuple(
            UnconfirmedItem(d.text, d.kind or NoteKind.UNCONFIRMED, book.cite(d.cited(pool)))
            for d in unconfirmed
        )
        cited = {c.doc_id for d in (*points, *unconfirmed) for c in d.cited(pool)}
        events = event_entries(
            pool, order, lexical, set(flagged), cited, limit=max(0, self._max_timeline // 2)
        )
        timeline = [
            TimelineEntry(date, pool[members[0]].text, book.cite(pool[i].chunk for i in members))
            for date, members in events
        ]
        sources = book.sources()
        timeline += publication_entries(sources, limit=self._max_timeline - len(timeline))
        timeline.sort(key=lambda e: (e.date, e.text.startswith("Source published: ")))
        fallback = (
            "Unconfirmed: " + unconfirmed[0].text
            if unconfirmed
            else (selected[0][0].title or selected[0][0].source)
        )
        return Summary(
            headline([d.text for d in points], fallback),
            summary_points,
            items,
            tuple(timeline),
            sources,
        )


def _mode(written: LLMPoints | NoPoints | None) -> str:
    """Who wrote the points: no model configured, the model, or extractively in its stead."""
    if written is None:
        return "extractive"
    return "llm" if isinstance(written, LLMPoints) else "llm_fallback"
