"""The one object the adapters (CLI, Discord) talk to.

It owns nothing global: the entry point builds the store, the embedder and the optional language model
and hands them in, so tests build an engine on a temporary store with the same constructor.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from retrieval.answer.extractive import ExtractiveAnswerer, abstention
from retrieval.answer.questions import clean_question, decodable, without_mentions
from retrieval.errors import ConfigurationError, DocumentError, QuestionError, StoreError
from retrieval.factcheck import CheckedSentence, ClaimChecker
from retrieval.index.chroma import store_errors
from retrieval.index.search import HybridSearcher
from retrieval.index.store import Store
from retrieval.ingest.pipeline import Ingestor, ProgressCallback
from retrieval.interfaces import NoteMaker, Rewriter, StreamingAnswerer, SummaryMaker
from retrieval.models import (
    Answer,
    Chunk,
    DocumentInfo,
    IngestReport,
    Passage,
    SearchFilters,
    SourceDocument,
    Summary,
    SummaryRequest,
    Turn,
)
from retrieval.stream import AnswerStream
from retrieval.uploads import check_upload, check_upload_bytes, drop_unused_uploads
from retrieval.web.links import SourceLinks
from retrieval.web.pages import WebPages
from retrieval.web.sources import read_source_document

Notify = Callable[[str], None]


_CANDIDATES = 10  # an ambiguous name lists this many documents


class Engine:
    """Facade over ingest, search, answering and summaries (implements ``EngineAPI``)."""

    def __init__(
        self,
        store: Store,
        searcher: HybridSearcher,
        extractive: ExtractiveAnswerer,
        ingestor: Ingestor,
        *,
        notes: NoteMaker | None = None,
        llm: StreamingAnswerer | None = None,
        rewriter: Rewriter | None = None,
        summariser: SummaryMaker | None = None,
        checker: ClaimChecker | None = None,
        web: WebPages | None = None,
        links: SourceLinks | None = None,
        default_documents: Path | None = None,
        uploads_dir: Path | None = None,
        top_k: int = 8,
        max_question_chars: int = 500,
        max_upload_bytes: int = 2_000_000,
    ) -> None:
        self.store = store
        self.searcher = searcher
        self._extractive = extractive
        self._ingestor = ingestor
        self._notes = notes
        self._llm = llm
        self._rewriter = rewriter
        self._summariser = summariser
        self._checker = checker
        self._web = web
        self._links = links
        self._default_documents = default_documents
        self._uploads = uploads_dir
        self._top_k = top_k
        self._max_chars = max_question_chars
        self._max_upload = max_upload_bytes

    # -- set-up ------------------------------------------------------------------------------
    def claim_writer(self, holder: str) -> None:
        """Hold the store's writer lock from now on (StoreError naming the holder otherwise)."""
        self.store.claim_writer(holder)

    def ensure_documents(self, notify: Notify | None = None) -> IngestReport | None:
        """Make the store ready to answer before the first question arrives.

        An empty store gets the bundled collection, so the demo needs no set-up; otherwise the
        indexes load now, while the embedding models are still loading on their threads.
        """
        if self._default_documents is None or not self.store.is_empty():
            self.store.warm()
            return None
        if notify:
            notify(
                f"The store is empty: ingesting the bundled documents from {self._default_documents}"
            )
        report = self.ingest_paths([self._default_documents])
        if notify:
            notify(f"Ingested {report.documents} documents ({report.chunks} chunks).")
        return report

    # -- questions -----------------------------------------------------------------------------
    def check_question(self, question: str) -> str:
        """The question as it will be asked, or :class:`QuestionError` saying why it cannot be."""
        return clean_question(question, max_chars=self._max_chars)

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        filters: SearchFilters | None = None,
    ) -> Answer:
        """Answer a question from the collection; abstains rather than quoting irrelevant text."""
        return self.stream(question, history=history, filters=filters).answer()

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        filters: SearchFilters | None = None,
    ) -> AnswerStream:
        """The answer in the making: drafts while a language model writes, then the Answer.

        In extractive mode there is no draft. Raises QuestionError at once for a question that
        cannot be asked.
        """
        asked = self.check_question(question)
        return AnswerStream(self._produce(question, asked, history, filters))

    def _produce(
        self,
        question: str,
        asked: str,
        history: Sequence[Turn],
        filters: SearchFilters | None,
    ) -> Iterator[str | Answer]:
        try:
            with store_errors("the question was not answered"):
                yield from self._answer(question, asked, history, filters)
        except StoreError as exc:
            who = self.store.writer_elsewhere()
            if who is None:
                raise
            # Chroma's embedded store cannot be read by one process while another writes it.
            raise StoreError(
                f"The store is being written by {who}, and an embedded store cannot be read by "
                "another process during a write, so the question was not answered. Ask again "
                "when the write has finished, or run a Chroma server (chroma run) and set "
                "CHROMA_HOST so that several processes can share the store."
            ) from exc.__cause__

    def _answer(
        self,
        question: str,
        asked: str,
        history: Sequence[Turn],
        filters: SearchFilters | None,
    ) -> Iterator[str | Answer]:
        timings: dict[str, float] = {}
        began = time.perf_counter()
        standalone = asked
        if history and self._rewriter is not None:
            standalone = self._rewriter(asked, history)
            timings["rewrite"] = _ms(began)
        mark = time.perf_counter()
        with self.store.one_revision():  # one freshness check for the question's three searches
            retrieval = self.searcher.retrieve(standalone, k=self._top_k, filters=filters)
        idf = self.store.idf()
        relevant = self._extractive.relevant_passages(standalone, retrieval, idf)
        timings["retrieve"] = _ms(mark)
        mark = time.perf_counter()

        # The evidence decides whether there is an answer at all, on both paths: a language model
        # never gets to answer a question no retrieved sentence answers.
        offline = (
            self._extractive.answer(standalone, relevant, idf, retrieval.dense_similarity)
            if relevant
            else abstention(question)
        )
        if offline.abstained or self._llm is None:
            final = offline
        else:
            drafts = self._llm.stream(standalone, relevant, fallback=lambda: offline)
            yield from drafts
            final = drafts.answer()
        timings["answer"] = _ms(mark)
        mark = time.perf_counter()
        final = self._with_notes(final, relevant)
        timings["notes"] = _ms(mark)
        timings["total"] = _ms(began)
        if self._links is not None:
            final = self._links.answer(final)
        yield dataclasses.replace(final, question=question, timings_ms=timings)

    def _with_notes(self, answer: Answer, passages: Sequence[Passage]) -> Answer:
        if answer.abstained or self._notes is None:
            return answer
        extra = self._notes.notes(
            answer.question,
            answer.sentences,
            answer.citations,
            [p.chunk for p in passages],
            context=self._context,
            dated_collection=self.store.has_dated_documents(),
        )
        added = tuple(c for note in extra for c in note.sources)  # a dispute's other side
        return dataclasses.replace(
            answer, notes=(*answer.notes, *extra), citations=(*answer.citations, *added)
        )

    def _context(self, chunk: Chunk) -> str:
        return self.store.document_text(chunk.doc_id)

    # -- summaries -----------------------------------------------------------------------------
    def check(
        self, text: str, *, context: str | None = None, title: str = ""
    ) -> tuple[CheckedSentence, ...]:
        """Each sentence of a pasted text: its kind, and the passages backing or disputing it."""
        if self._checker is None:
            raise ConfigurationError("Claim checking is not set up in this engine.")
        if not decodable(text):
            raise QuestionError(
                "The text is not valid UTF-8; please paste it again.", question=text
            )
        cleaned = without_mentions(text)
        with store_errors("the text was not checked"), self.store.one_revision():
            checked = self._checker.check(cleaned, context=context, title=title)
        return checked if self._links is None else self._links.checked(checked)

    def summarise(self, request: SummaryRequest) -> Summary:
        if self._summariser is None:
            raise RuntimeError("summaries are not configured")
        with self.store.one_revision():  # one collection state for the whole briefing
            summary = self._summariser.summarise(request)
        return summary if self._links is None else self._links.summary(summary)

    # -- documents -------------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        with store_errors("the document list could not be read"):
            return self.store.documents()

    def ingest_paths(
        self,
        paths: Sequence[Path],
        *,
        prune: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        with store_errors("the documents written so far are kept; run the ingest again"):
            report = self._ingestor.ingest_paths(paths, prune=prune, progress=progress)
            self.store.warm()
        return report

    def check_upload(self, name: str, size: int, content_type: str | None) -> None:
        """Refuse (UploadError) a file by its name, announced size and type, before downloading."""
        check_upload(Path(name).name, size, content_type, self._max_upload)

    def ingest_bytes(self, name: str, data: bytes) -> IngestReport:
        """Ingest an uploaded file (moderators' ``/sources add``); the name decides the loader.

        The file is kept in the uploads folder, so it survives ``ingest --prune`` and can be removed
        again with :meth:`remove_document`. Raises UploadError for bytes that are not text.
        """
        check_upload_bytes(data, self._max_upload)
        safe = Path(name).name
        if self._uploads is None:
            report = self._ingestor.ingest_file_bytes(safe, data, origin=f"upload:{safe}")
        else:
            self._uploads.mkdir(parents=True, exist_ok=True)
            target = self._uploads / safe
            report = self._ingestor.ingest_file_bytes(safe, data, origin=str(target.resolve()))
            target.write_bytes(data)  # only once it parsed: a broken upload leaves nothing behind
        self.store.warm()
        return report

    def ingest_url(self, url: str) -> IngestReport:
        """Fetch one web page and ingest it under its canonical address; FetchError says why not
        (not public, too large, down, not a page)."""
        if self._web is None:
            raise ConfigurationError("This engine was built without web fetching.")
        document = self._web.document(url)
        with store_errors("the page was not stored; add it again"):
            report = self._ingestor.ingest_documents([document])
            self.store.warm()
        return report

    def find_document(self, name: str, *, removable: bool = False) -> DocumentInfo:
        """The one document called ``name`` (its name, title or id), else :class:`DocumentError`.

        A bare file name ("001.txt") that several folders hold is ambiguous: the error lists
        the candidates with their names and ids instead of picking one. With ``removable``, only
        documents this engine may remove count: a community's moderators cannot remove the
        operator's shared documents, and are told so.
        """
        matches = self.store.find_documents(name)
        wanted = name.strip().lower()
        if not matches and wanted:
            matches = [d for d in self.documents() if d.source.rsplit("/", 1)[-1].lower() == wanted]
        if removable and matches:
            shared = [d for d in matches if not self.store.owns(d.doc_id)]
            matches = [d for d in matches if d not in shared]
            if shared and not matches:
                raise DocumentError(
                    f"“{shared[0].title or shared[0].source}” is in the collection every server "
                    "shares; only the bot's operator can remove it (newsbot remove on the host)."
                )
        if not matches:
            raise DocumentError(f"No document is called “{name.strip()}”.")
        if len(matches) > 1:
            shown = "; ".join(
                f"{d.source} (“{d.title}”, id {d.doc_id})" for d in matches[:_CANDIDATES]
            )
            more = f"; and {len(matches) - _CANDIDATES} more" if len(matches) > _CANDIDATES else ""
            raise DocumentError(
                f"“{name.strip()}” names {len(matches)} documents: {shown}{more}. "
                "Give the document's full name or its id."
            )
        return matches[0]

    def remove_document(self, name: str) -> DocumentInfo:
        """Remove exactly one document (see :meth:`find_document`) and return what it was."""
        doc = self.find_document(name, removable=True)
        self.store.delete_documents([doc.doc_id])
        if self._uploads is not None:
            drop_unused_uploads(self._uploads, {doc.origin}, self._stored_origins)
        self.store.warm()
        return doc

    def _stored_origins(self) -> list[str]:
        return [origin for origin, _ in self.store.document_states().values()]

    def source_document(self, doc_id: str) -> SourceDocument:
        """One document's text and passages, for its source page; DocumentError when unknown."""
        with store_errors("the document could not be read"):
            return read_source_document(self.store, doc_id)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
