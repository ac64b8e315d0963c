"""What ``/metrics`` counts, in Prometheus' text format, on a registry of the process's own.

The engines are wrapped rather than told about metrics: every adapter (slash commands, mentions,
buttons) asks through the same ``EngineAPI``, so counting there counts everything once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from retrieval.errors import NewsbotError
from retrieval.interfaces import EngineAPI, Engines
from retrieval.models import (
    Answer,
    DocumentInfo,
    IngestReport,
    SearchFilters,
    SourceDocument,
    Summary,
    SummaryRequest,
    Turn,
)
from retrieval.stream import AnswerStream

if TYPE_CHECKING:
    from retrieval.factcheck import CheckedSentence

T = TypeVar("T")

# Seconds: an extractive answer takes tens of milliseconds, a CPU language model tens of seconds.
_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class Metrics:
    """The counters; ``render()`` is the body of ``GET /metrics``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.questions = Counter("newsbot_questions", "Questions answered or declined", registry=r)
        self.abstentions = Counter(
            "newsbot_abstentions", "Questions the documents did not answer", registry=r
        )
        self.notes = Counter("newsbot_notes", "Claim notes on answers", ["kind"], registry=r)
        self.latency = Histogram(
            "newsbot_answer_seconds", "Time to a final answer", buckets=_LATENCY_BUCKETS, registry=r
        )
        self.errors = Counter("newsbot_errors", "Requests refused or failed", ["kind"], registry=r)
        self.summaries = Counter("newsbot_summaries", "Briefings made", registry=r)
        self.ingests = Counter("newsbot_ingests", "Ingests run", ["source"], registry=r)
        self.documents = Counter(
            "newsbot_ingested_documents", "Documents added or updated", registry=r
        )
        self.feed_polls = Counter(
            "newsbot_feed_polls", "Feed polls by outcome", ["outcome"], registry=r
        )
        self.feed_items = Counter("newsbot_feed_items", "New feed items ingested", registry=r)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def answered(self, answer: Answer, seconds: float) -> None:
        self.questions.inc()
        if answer.abstained:
            self.abstentions.inc()
        for note in answer.notes:
            self.notes.labels(note.kind.value).inc()
        self.latency.observe(seconds)

    def ingested(self, source: str, report: IngestReport) -> None:
        self.ingests.labels(source).inc()
        self.documents.inc(report.documents)

    def failed(self, exc: BaseException) -> None:
        self.errors.labels(type(exc).__name__).inc()


class MeteredEngines:
    """``Engines`` whose engines count into ``metrics`` (implements ``Engines``)."""

    def __init__(self, inner: Engines, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics
        # One wrapper per engine: callers keep per-engine state keyed by the engine object.
        self._wrapped: dict[int, MeteredEngine] = {}

    @property
    def operator(self) -> EngineAPI:
        return self._wrap(self._inner.operator)

    def for_community(self, community: int | None) -> EngineAPI:
        return self._wrap(self._inner.for_community(community))

    def _wrap(self, engine: EngineAPI) -> MeteredEngine:
        wrapped = self._wrapped.get(id(engine))
        if wrapped is None or wrapped.inner is not engine:
            wrapped = self._wrapped[id(engine)] = MeteredEngine(engine, self._metrics)
        return wrapped


class MeteredEngine:
    """An engine that counts questions, notes, latency, errors and ingests (implements
    ``EngineAPI`` by delegation)."""

    def __init__(self, inner: EngineAPI, metrics: Metrics) -> None:
        self._inner = inner
        self._m = metrics

    @property
    def inner(self) -> EngineAPI:
        return self._inner

    def _counted(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except NewsbotError as exc:
            self._m.failed(exc)
            raise

    def check_question(self, question: str) -> str:
        return self._counted(lambda: self._inner.check_question(question))

    def check_upload(self, name: str, size: int, content_type: str | None) -> None:
        self._counted(lambda: self._inner.check_upload(name, size, content_type))

    def stream(
        self, question: str, *, history: Sequence[Turn] = (), filters: SearchFilters | None = None
    ) -> AnswerStream:
        began = time.perf_counter()
        inner = self._counted(
            lambda: self._inner.stream(question, history=history, filters=filters)
        )
        return AnswerStream(self._watch(inner, began))

    def _watch(self, inner: AnswerStream, began: float) -> Iterator[str | Answer]:
        try:
            yield from inner
            answer = inner.answer()
        except NewsbotError as exc:
            self._m.failed(exc)
            raise
        finally:
            inner.close()
        self._m.answered(answer, time.perf_counter() - began)
        yield answer

    def answer(
        self, question: str, *, history: Sequence[Turn] = (), filters: SearchFilters | None = None
    ) -> Answer:
        return self.stream(question, history=history, filters=filters).answer()

    def summarise(self, request: SummaryRequest) -> Summary:
        summary = self._counted(lambda: self._inner.summarise(request))
        self._m.summaries.inc()
        return summary

    def check(
        self, text: str, *, context: str | None = None, title: str = ""
    ) -> tuple[CheckedSentence, ...]:
        return self._counted(lambda: self._inner.check(text, context=context, title=title))

    def documents(self) -> list[DocumentInfo]:
        return self._counted(self._inner.documents)

    def claim_writer(self, holder: str) -> None:
        self._inner.claim_writer(holder)

    def ensure_documents(self, notify: Callable[[str], None] | None = None) -> IngestReport | None:
        return self._inner.ensure_documents(notify)

    def ingest_paths(
        self,
        paths: Sequence[Path],
        *,
        prune: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        report = self._counted(
            lambda: self._inner.ingest_paths(paths, prune=prune, progress=progress)
        )
        self._m.ingested("files", report)
        return report

    def ingest_bytes(self, name: str, data: bytes) -> IngestReport:
        report = self._counted(lambda: self._inner.ingest_bytes(name, data))
        self._m.ingested("upload", report)
        return report

    def ingest_url(self, url: str) -> IngestReport:
        report = self._counted(lambda: self._inner.ingest_url(url))
        self._m.ingested("url", report)
        return report

    def find_document(self, name: str, *, removable: bool = False) -> DocumentInfo:
        return self._counted(lambda: self._inner.find_document(name, removable=removable))

    def remove_document(self, name: str) -> DocumentInfo:
        return self._counted(lambda: self._inner.remove_document(name))

    def source_document(self, doc_id: str) -> SourceDocument:
        return self._inner.source_document(doc_id)
