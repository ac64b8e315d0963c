"""The chunk store: the Chroma collection for dense search, and the sidecars kept in step beside it.

What the engine, the ingest pipeline and the searcher call; the Chroma details live in
``chroma.py`` and the sidecar lifecycle in ``sidecars.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol, cast

import numpy as np
from chromadb.api import ClientAPI
from chromadb.errors import ChromaError

from retrieval.index.chroma import ChromaCollection
from retrieval.index.embeddings import QueryVectors
from retrieval.index.records import chroma_where
from retrieval.index.sentence_vectors import SentenceVectors, StoredSentence
from retrieval.index.sidecars import Sidecars, SidecarSet
from retrieval.index.sidecars.change import Change, add_vector
from retrieval.index.sidecars.lexical import LexicalIndex
from retrieval.index.writer_lock import NoLock, WriterLock
from retrieval.interfaces import Embedder
from retrieval.models import Chunk, Document, DocumentInfo, SearchFilters

log = logging.getLogger(__name__)

WRITE_BATCH = 256  # chunks embedded and written at once, whatever the size of their document


class Store(Protocol):
    """What the engine, the ingest and the searcher need of a store: a ``ChunkStore``, or a
    community's own store layered over a shared one (``retrieval.communities``)."""

    @property
    def embedding_model(self) -> str: ...
    def claim_writer(self, holder: str) -> None: ...
    def one_revision(self) -> AbstractContextManager[None]: ...
    def writer_elsewhere(self) -> str | None: ...
    def owns(self, doc_id: str) -> bool: ...
    def upsert_many(self, items: Sequence[tuple[Document, Sequence[Chunk]]]) -> int: ...
    def delete_documents(self, doc_ids: Iterable[str]) -> int: ...
    def count(self) -> int: ...
    def is_empty(self) -> bool: ...
    def chunks(self, filters: SearchFilters | None = None) -> list[Chunk]: ...
    def document_states(
        self, doc_ids: Collection[str] | None = None
    ) -> dict[str, tuple[str, str]]: ...
    def find_documents(self, name: str) -> list[DocumentInfo]: ...
    def documents(self, doc_ids: Collection[str] | None = None) -> list[DocumentInfo]: ...
    def has_dated_documents(self) -> bool: ...
    def dense(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]: ...
    def dense_documents(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]: ...
    def lexical(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]: ...
    def lexical_documents(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]: ...
    def sentences(self, chunks: Iterable[Chunk]) -> dict[str, list[StoredSentence]]: ...
    def query_vector(self, query: str) -> np.ndarray: ...
    def idf(self) -> dict[str, float]: ...
    def document_text(self, doc_id: str) -> str: ...
    def warm(self) -> None: ...


class ChunkStore:
    """Reads and writes chunks; searches them densely (Chroma) and lexically (the sidecars)."""

    def __init__(
        self,
        client: ClientAPI,
        embedder: Embedder,
        *,
        collection: str,
        sidecar_dir: Path,
        lock: WriterLock | NoLock | None = None,
        queries: QueryVectors | None = None,
        revision_ttl: float = 0.0,
    ) -> None:
        self._embedder = embedder
        self._lock = lock or NoLock()
        self._chroma = ChromaCollection(
            client, embedder, name=collection, revision_ttl=revision_ttl
        )
        # A process that does not hold an embedded store's lock must not write it, even to fill in
        # sentence vectors a store written before they existed lacks.
        self._sentences = SentenceVectors(
            client,
            embedder,
            collection=collection,
            may_store=lambda: isinstance(self._lock, NoLock) or self._lock.held,
        )
        self._sidecars = Sidecars(
            sidecar_dir,
            collection,
            lambda vectors: self._chroma.records(vectors=vectors),
            self._changes_between,
        )
        self._queries = queries or QueryVectors()
        self._pinned = threading.local()

    def claim_writer(self, holder: str) -> None:
        """Become this store's one writer now (the bot does at start), not at the first write."""
        self._lock.claim(holder)

    @property
    def embedding_model(self) -> str:
        """The name of the model whose vectors this store holds."""
        return self._embedder.name

    def writer_elsewhere(self) -> str | None:
        """Who writes this embedded store from another process right now, if anyone."""
        return self._lock.elsewhere()

    def owns(self, doc_id: str) -> bool:
        """Whether removing ``doc_id`` through this store removes it (always: it is one store)."""
        return True

    @contextmanager
    def one_revision(self) -> Iterator[None]:
        """Within, Chroma's revision is asked once and the sidecars it picks are kept: a question
        makes three searches, and through a Chroma server each check is a round trip. Per
        thread, since the bot answers several questions at once."""
        if getattr(self._pinned, "active", False):
            yield
            return
        self._pinned.active, self._pinned.sidecars = True, None
        try:
            yield
        finally:
            self._pinned.active, self._pinned.sidecars = False, None

    def _fresh(self) -> SidecarSet:
        """The sidecars for Chroma's current revision (checked by each search, or once within
        :meth:`one_revision`)."""
        if not getattr(self._pinned, "active", False):
            return self._sidecars.for_revision(self._chroma.revision())
        if self._pinned.sidecars is None:
            self._pinned.sidecars = self._sidecars.for_revision(self._chroma.revision())
        return cast(SidecarSet, self._pinned.sidecars)

    def has_dated_documents(self) -> bool:
        """Whether any stored document has a date, from the sidecars the last search checked."""
        current = self._sidecars.current
        return (current if current.revision >= 0 else self._fresh()).centroids.any_dated()

    def _current_lexical(self) -> LexicalIndex:
        """The per-question helpers use the sidecars as the last check left them."""
        current = self._sidecars.current
        return current.lexical if current.revision >= 0 else self._fresh().lexical

    # -- writes ----------------------------------------------------------------------------
    def upsert_many(self, items: Sequence[tuple[Document, Sequence[Chunk]]]) -> int:
        """Replace each document's chunks (an edited file drops its old passages).

        One embedding batch and one revision bump for the whole batch of documents. The sidecars
        follow with just these documents: rebuilding them from Chroma took 13-17 s per upload on
        the Reuters store.
        """
        if not items:
            return 0
        self._lock.claim()
        totals = {doc.doc_id: len(chunks) for doc, chunks in items}
        start = self._announce(totals)
        for doc, _ in items:
            self._chroma.delete_where({"doc_id": doc.doc_id})
            self._sentences.delete({"doc_id": doc.doc_id})
        added = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        flat = [(doc, chunk) for doc, chunks in items for chunk in chunks]
        sums: dict[str, np.ndarray] = {}
        # Embedded and written a slice at a time, so a document of 100,000 chunks costs the memory
        # of one slice's vectors and sentences, not of all of them (3 GB for a 50 MB file before).
        for begin in range(0, len(flat), WRITE_BATCH):
            part = flat[begin : begin + WRITE_BATCH]
            self._chroma.add(part, added, totals)
            self._sentences.add([chunk for _, chunk in part])
            owner = {chunk.chunk_id: chunk.doc_id for _, chunk in part}
            for chunk_id, vector in self._chroma.vectors(list(owner)).items():
                add_vector(sums, owner[chunk_id], vector)
        facts = {doc.doc_id: (doc.origin, added) for doc, _ in items}
        change = Change(frozenset(totals), [chunk for _, chunk in flat], sums, facts)
        self._sidecars.advance(start, lambda: self._chroma.bump_revision(totals), change)
        return len(flat)

    def delete_documents(self, doc_ids: Iterable[str]) -> int:
        ids = list(doc_ids)
        if not ids:
            return 0
        self._lock.claim()
        start = self._announce(ids)
        self._chroma.delete_where({"doc_id": {"$in": ids}})
        self._sidecars.advance(
            start, lambda: self._chroma.bump_revision(ids), Change(frozenset(ids))
        )
        self._sentences.delete({"doc_id": {"$in": ids}})
        return len(ids)

    def _announce(self, doc_ids: Collection[str]) -> int:
        """Name the documents about to change in the collection's log before touching them; the
        revision the change starts from. A write cut off midway (kill -9) still tells readers what
        to read back: a document stored whole before the cut is "unchanged" to the next ingest."""
        start = self._sidecars.for_revision(self._chroma.revision()).revision
        self._chroma.bump_revision(doc_ids)
        return start

    def _changes_between(self, before: int, after: int) -> Change | None:
        """Another process's changes, as the change log names them and Chroma now holds them;
        None when they cannot be read so (the sidecars are then loaded or rebuilt). An embedded
        reader cannot read vectors another process wrote ("Error finding id") until it restarts:
        the writer's saved sidecars then bring it up to date."""
        changed = self._chroma.changed_between(before, after)
        if changed is None:
            return None
        chunks: list[Chunk] = []
        sums: dict[str, np.ndarray] = {}
        facts: dict[str, tuple[str, str]] = {}
        where = {"doc_id": {"$in": sorted(changed)}}
        try:
            for chunk, vector, known in self._chroma.records(vectors=True, where=where):
                chunks.append(chunk)
                facts[chunk.doc_id] = known
                if vector is not None:
                    add_vector(sums, chunk.doc_id, vector)
        except ChromaError as exc:
            log.info("could not read the changed documents back (%s); reloading instead", exc)
            return None
        return Change(frozenset(changed), chunks, sums, facts)

    # -- reads -----------------------------------------------------------------------------
    def count(self) -> int:
        return self._chroma.count()

    def is_empty(self) -> bool:
        return self._chroma.is_empty()

    def iter_chunks(self, filters: SearchFilters | None = None) -> Iterable[Chunk]:
        for chunk, _, _ in self._chroma.records(where=chroma_where(filters)):
            yield chunk

    def chunks(self, filters: SearchFilters | None = None) -> list[Chunk]:
        """All chunks matching ``filters``, in document then position order."""
        found = list(self.iter_chunks(filters))
        found.sort(key=lambda c: (c.source, c.position))
        return found

    def document_states(self, doc_ids: Collection[str] | None = None) -> dict[str, tuple[str, str]]:
        """doc_id -> (origin, content_hash), to decide what an ingest run must (re)write.

        A document stored only in part (the ingest was killed while writing it) gets an empty
        hash: it is not unchanged, and the next run writes it whole.

        With ``doc_ids``, only those documents are read: an upload of one file into a large store
        should not scan every chunk's metadata (seconds on the Reuters store).
        """
        states: dict[str, tuple[str, str]] = {}
        found: dict[str, int] = {}
        expected: dict[str, int] = {}
        for m in self._chroma.metadatas(doc_ids):
            doc_id = str(m["doc_id"])
            states[doc_id] = (str(m.get("origin", "")), str(m.get("content_hash", "")))
            found[doc_id] = found.get(doc_id, 0) + 1
            if "doc_chunks" in m:  # stores written before it was recorded are taken as whole
                expected[doc_id] = int(m["doc_chunks"])
        for doc_id, total in expected.items():
            if found[doc_id] != total:  # written only in part: no hash, so it counts as changed
                states[doc_id] = (states[doc_id][0], "")
        return states

    def find_documents(self, name: str) -> list[DocumentInfo]:
        """Documents whose source name, title or id is ``name`` (any case).

        Matched in the BM25 sidecar's chunk table, already in memory, rather than by reading every
        chunk's metadata from Chroma (seconds on a large store): Chroma cannot compare ignoring case.
        """
        doc_ids = self._fresh().lexical.documents_named(name)
        return self.documents(doc_ids) if doc_ids else []

    def documents(self, doc_ids: Collection[str] | None = None) -> list[DocumentInfo]:
        """Every stored document, or only those in ``doc_ids``, sorted by source name: from the
        sidecars, which hold every document as of the collection's current revision."""
        return self._fresh().lexical.documents(doc_ids)

    # -- search ----------------------------------------------------------------------------
    def dense(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity (1.0 = same direction); none from an empty store.
        The chunks come from the sidecars' table, which holds the collection's current revision."""
        known = self._fresh().lexical.chunks_by_id
        vector = self._embed_query(query)
        return self._chroma.nearest(vector, k=k, where=chroma_where(filters), known=known)

    def sentences(self, chunks: Iterable[Chunk]) -> dict[str, list[StoredSentence]]:
        """The sentences of these chunks with their vectors (computed at ingest), by chunk id."""
        return self._sentences.for_chunks(chunks)

    def query_vector(self, query: str) -> np.ndarray:
        """The store model's vector of ``query`` (shared with the dense search that just ran)."""
        return self._embed_query(query)

    def _embed_query(self, query: str) -> np.ndarray:
        """The query's vector, kept for the next calls: chunk and document search share it."""
        return self._queries.vector(query, self._embedder)

    def dense_documents(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """Documents (ids) whose mean chunk vector is nearest the query's."""
        centroids = self._fresh().centroids
        return centroids.search(self._embed_query(query), k=k, filters=filters)

    def lexical(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]:
        return self._fresh().lexical.search(query, k=k, filters=filters)

    def lexical_documents(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """Documents (ids) by BM25 over their title and whole text."""
        return self._fresh().lexical.search_documents(query, k=k, filters=filters)

    def idf(self) -> dict[str, float]:
        """Inverse document frequency of stemmed terms, for scoring sentences within passages."""
        return self._current_lexical().idf()

    def document_text(self, doc_id: str) -> str:
        return self._current_lexical().document_text(doc_id)

    def warm(self) -> None:
        """Load (or rebuild) the sidecars and Chroma's vector index now, so the next question does
        not pay for it. The engine calls this after every change it makes: the rebuild then belongs
        to the moderator's ingest or upload, not to a member's question. Sidecars followed through
        this process's changes are saved here, once per ingest rather than once per batch."""
        self._fresh()
        self._sidecars.save()
        self._chroma.warm()
