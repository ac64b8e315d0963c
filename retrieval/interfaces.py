"""Interfaces between the core's parts, and between the core and its adapters, so each side can be
swapped or faked in a test without subclassing the other."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from retrieval.models import (
    Answer,
    AnswerSentence,
    Chunk,
    Citation,
    DocumentInfo,
    IngestReport,
    Note,
    Passage,
    SearchFilters,
    SourceDocument,
    Summary,
    SummaryRequest,
    Turn,
)
from retrieval.stream import AnswerStream

if TYPE_CHECKING:
    from retrieval.factcheck import CheckedSentence


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (rows), so a dot product is a cosine similarity."""

    name: str  # recorded with the collection; a store built by another model refuses to open
    dimension: int

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray: ...


class Searcher(Protocol):
    """Ranks stored chunks for a query (hybrid dense + lexical in production)."""

    def search(
        self, query: str, *, k: int = 8, filters: SearchFilters | None = None
    ) -> list[Passage]: ...


class ChunkSource(Protocol):
    """Reads stored chunks back without a query: for document and latest-N-days summaries."""

    def chunks(self, filters: SearchFilters | None = None) -> list[Chunk]: ...


class NoteMaker(Protocol):
    """Claim notes for an answer's sentences (``ClaimAssessor`` in production)."""

    def notes(
        self,
        question: str,
        sentences: Sequence[AnswerSentence],
        citations: Sequence[Citation],
        passages: Sequence[Chunk],
        *,
        context: Callable[[Chunk], str] | None = None,
        dated_collection: bool = True,
    ) -> tuple[Note, ...]: ...


class StreamingAnswerer(Protocol):
    """Writes an answer from passages with a language model; ``fallback`` when it cannot."""

    def stream(
        self, question: str, passages: Sequence[Passage], *, fallback: Callable[[], Answer]
    ) -> AnswerStream: ...


class SummaryMaker(Protocol):
    def summarise(self, request: SummaryRequest) -> Summary: ...


Rewriter = Callable[[str, Sequence[Turn]], str]


class EngineAPI(Protocol):
    """What the adapters (CLI, Discord) may ask of the core; :class:`~retrieval.engine.Engine` is
    the production implementation, and tests' fakes implement this instead of subclassing it.

    Every method may raise :class:`~retrieval.errors.NewsbotError`, whose message is for the user.
    """

    def check_question(self, question: str) -> str:
        """The question as it will be asked, or :class:`QuestionError` saying why it cannot be."""
        ...

    def check_upload(self, name: str, size: int, content_type: str | None) -> None:
        """Raise :class:`UploadError` for a file to refuse before its bytes are fetched."""
        ...

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        filters: SearchFilters | None = None,
    ) -> AnswerStream: ...

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        filters: SearchFilters | None = None,
    ) -> Answer: ...

    def summarise(self, request: SummaryRequest) -> Summary: ...

    def check(
        self, text: str, *, context: str | None = None, title: str = ""
    ) -> tuple[CheckedSentence, ...]:
        """Each sentence's kind and the passages backing or disputing it (``newsbot check``)."""
        ...

    def documents(self) -> list[DocumentInfo]: ...

    def claim_writer(self, holder: str) -> None:
        """Become the store's one writer (``newsbot run`` does at start)."""
        ...

    def ensure_documents(self, notify: Callable[[str], None] | None = None) -> IngestReport | None:
        """Get the store ready for the first question (the bundled documents on an empty one)."""
        ...

    def ingest_paths(
        self,
        paths: Sequence[Path],
        *,
        prune: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport: ...

    def ingest_bytes(self, name: str, data: bytes) -> IngestReport: ...

    def ingest_url(self, url: str) -> IngestReport:
        """Fetch one public web page and ingest it; :class:`FetchError` says why not."""
        ...

    def find_document(self, name: str, *, removable: bool = False) -> DocumentInfo:
        """The one document called ``name``, else :class:`DocumentError` listing candidates.

        ``removable``: only documents this engine may remove (not the shared collection's).
        """
        ...

    def remove_document(self, name: str) -> DocumentInfo:
        """Remove exactly one document; :class:`DocumentError` when none or several match."""
        ...

    def source_document(self, doc_id: str) -> SourceDocument:
        """A document's text and passages for its source page; :class:`DocumentError` if unknown."""
        ...


class Engines(Protocol):
    """The engine of each community (a Discord server), and the operator's for everything else."""

    @property
    def operator(self) -> EngineAPI: ...

    def for_community(self, community: int | None) -> EngineAPI: ...
