"""A community's own store read together with the operator's shared one.

Every Discord server gets a collection of its own, so a moderator's upload or removal touches only
that server's documents; the operator's collection (what ``newsbot ingest`` writes, the bundled
documents by default) is read beside it and never written from here. Search results of the two
are merged by score: both stores hold vectors of one model, so dense cosines compare directly, and
BM25 scores of two indexes over news text are close enough in scale for a merge that is then
re-fused by rank.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TypeVar

import numpy as np

from retrieval.errors import ConfigurationError
from retrieval.index.sentence_vectors import StoredSentence
from retrieval.index.store import Store
from retrieval.models import Chunk, Document, DocumentInfo, SearchFilters

T = TypeVar("T")


class LayeredStore:
    """Writes go to ``own``; reads see ``own`` and ``shared`` (implements ``Store``)."""

    def __init__(self, own: Store, shared: Store) -> None:
        if own.embedding_model != shared.embedding_model:
            raise ConfigurationError(
                f"The shared collection holds {shared.embedding_model} vectors and this "
                f"community's {own.embedding_model}: they cannot be searched together."
            )
        self._own = own
        self._shared = shared
        self._idf_key: tuple[int, int] | None = None
        self._idf: dict[str, float] = {}

    @property
    def embedding_model(self) -> str:
        return self._own.embedding_model

    # -- writes: this community's collection only ---------------------------------------------
    def claim_writer(self, holder: str) -> None:
        self._own.claim_writer(holder)

    @contextmanager
    def one_revision(self) -> Iterator[None]:
        with self._own.one_revision(), self._shared.one_revision():
            yield

    def writer_elsewhere(self) -> str | None:
        return self._own.writer_elsewhere()  # one store directory, one lock

    def owns(self, doc_id: str) -> bool:
        """Whether ``doc_id`` is this community's (removable here) rather than the shared one's."""
        return bool(self._own.documents([doc_id]))

    def upsert_many(self, items: Sequence[tuple[Document, Sequence[Chunk]]]) -> int:
        return self._own.upsert_many(items)

    def delete_documents(self, doc_ids: Iterable[str]) -> int:
        return self._own.delete_documents(doc_ids)

    def document_states(self, doc_ids: Collection[str] | None = None) -> dict[str, tuple[str, str]]:
        """What an ingest into this community must (re)write: its own documents only."""
        return self._own.document_states(doc_ids)

    # -- reads: both ------------------------------------------------------------------------------
    def count(self) -> int:
        return self._own.count() + self._shared.count()

    def is_empty(self) -> bool:
        return self._own.is_empty() and self._shared.is_empty()

    def chunks(self, filters: SearchFilters | None = None) -> list[Chunk]:
        own = self._own.chunks(filters)
        mine = {c.doc_id for c in own}
        merged = own + [c for c in self._shared.chunks(filters) if c.doc_id not in mine]
        merged.sort(key=lambda c: (c.source, c.position))
        return merged

    def find_documents(self, name: str) -> list[DocumentInfo]:
        return _union(self._own.find_documents(name), self._shared.find_documents(name))

    def documents(self, doc_ids: Collection[str] | None = None) -> list[DocumentInfo]:
        merged = _union(self._own.documents(doc_ids), self._shared.documents(doc_ids))
        merged.sort(key=lambda d: (d.source.lower(), d.doc_id))
        return merged

    def has_dated_documents(self) -> bool:
        return self._own.has_dated_documents() or self._shared.has_dated_documents()

    def dense(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]:
        return _merge(
            self._own.dense(query, k=k, filters=filters),
            self._shared.dense(query, k=k, filters=filters),
            k,
            _chunk_doc,
        )

    def lexical(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]:
        return _merge(
            self._own.lexical(query, k=k, filters=filters),
            self._shared.lexical(query, k=k, filters=filters),
            k,
            _chunk_doc,
        )

    def dense_documents(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        return _merge(
            self._own.dense_documents(query, k=k, filters=filters),
            self._shared.dense_documents(query, k=k, filters=filters),
            k,
            _same,
        )

    def lexical_documents(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        return _merge(
            self._own.lexical_documents(query, k=k, filters=filters),
            self._shared.lexical_documents(query, k=k, filters=filters),
            k,
            _same,
        )

    def sentences(self, chunks: Iterable[Chunk]) -> dict[str, list[StoredSentence]]:
        wanted = list(chunks)
        found = self._own.sentences(wanted)
        rest = [c for c in wanted if c.chunk_id not in found]
        if rest:
            found.update(self._shared.sentences(rest))
        return found

    def query_vector(self, query: str) -> np.ndarray:
        return self._own.query_vector(query)

    def idf(self) -> dict[str, float]:
        """Both indexes' terms; a term both know takes the lower (the commoner) weight.

        Rebuilt only when either index was rebuilt (their tables are replaced, never edited).
        """
        own, shared = self._own.idf(), self._shared.idf()
        key = (id(own), id(shared))
        if key != self._idf_key:
            merged = dict(shared)
            for term, weight in own.items():
                merged[term] = min(weight, merged.get(term, weight))
            self._idf, self._idf_key = merged, key
        return self._idf

    def document_text(self, doc_id: str) -> str:
        return self._own.document_text(doc_id) or self._shared.document_text(doc_id)

    def warm(self) -> None:
        self._own.warm()
        self._shared.warm()


def _union(own: list[DocumentInfo], shared: list[DocumentInfo]) -> list[DocumentInfo]:
    """Both lists, the shared ones marked; a document id both hold is this community's copy."""
    mine = {d.doc_id for d in own}
    return own + [replace(d, shared=True) for d in shared if d.doc_id not in mine]


def _merge(
    own: list[tuple[T, float]], shared: list[tuple[T, float]], k: int, doc_of: Callable[[T], str]
) -> list[tuple[T, float]]:
    """The ``k`` best of both rankings; the shared one's copy of an own document is dropped."""
    mine = {doc_of(item) for item, _ in own}
    rest = [(item, score) for item, score in shared if doc_of(item) not in mine]
    return heapq.nlargest(k, own + rest, key=lambda pair: pair[1])


def _chunk_doc(chunk: Chunk) -> str:
    return chunk.doc_id


def _same(doc_id: str) -> str:
    return doc_id
