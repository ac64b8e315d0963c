"""The one object the adapters (CLI, Discord) talk to.

It owns nothing global: the entry point builds the store, the embedder and the optional language model
and hands them in, so tests build an engine on a temporary store with the same constructor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from retrieval.models import (
    Answer,
    DocumentInfo,
    IngestReport,
    SearchFilters,
    Summary,
    SummaryRequest,
    Turn,
)

ProgressCallback = Callable[[int, int], None]  # (done, total)


class Engine:
    """Facade over ingest, search, answering and summaries (see the methods for the contract)."""

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        filters: SearchFilters | None = None,
    ) -> Answer:
        """Answer a question from the collection; abstains rather than quoting irrelevant text."""
        raise NotImplementedError

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        filters: SearchFilters | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the growing draft (whole text so far, not deltas) and finally the verified Answer.

        In extractive mode there is no draft: it yields the Answer only.
        """
        raise NotImplementedError

    def summarise(self, request: SummaryRequest) -> Summary:
        raise NotImplementedError

    def documents(self) -> list[DocumentInfo]:
        raise NotImplementedError

    def ingest_paths(
        self,
        paths: Sequence[Path],
        *,
        prune: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        raise NotImplementedError

    def ingest_bytes(self, name: str, data: bytes) -> IngestReport:
        """Ingest an uploaded file (moderators' ``/sources add``); the name decides the loader."""
        raise NotImplementedError

    def remove_document(self, source: str) -> bool:
        """Remove a document by its source name or title; False when nothing matched."""
        raise NotImplementedError
