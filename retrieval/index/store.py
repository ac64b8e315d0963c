"""The chunk store: a Chroma collection for dense search and a BM25 index kept in step beside it.

Chroma is reached through langchain-chroma with an explicitly injected client (embedded
``PersistentClient`` or a ``chroma run`` server via ``HttpClient``). The collection records which
embedding model built it; the BM25 sidecar records the collection revision it was built from and is
rebuilt from Chroma whenever the two disagree (another process ingested, or the sidecar was lost).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from retrieval.errors import EmbeddingMismatchError, StoreError
from retrieval.index.centroids import CentroidIndex
from retrieval.index.lexical import Analyzer, LexicalIndex
from retrieval.interfaces import Embedder
from retrieval.models import Chunk, Document, DocumentInfo, PassageKind, SearchFilters

log = logging.getLogger(__name__)

_PAGE = 2000  # rows per Chroma read; keeps memory flat on the 20k-document store


def make_client(path: Path | None, *, host: str | None = None, port: int = 8000) -> ClientAPI:
    """Embedded store at ``path``, or a Chroma server when ``host`` is given. Telemetry off."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if host:
        try:
            return chromadb.HttpClient(host=host, port=port, settings=settings)
        except Exception as exc:  # chromadb raises plain exceptions when the server is down
            raise StoreError(f"cannot reach the Chroma server at {host}:{port} ({exc})") from exc
    if path is None:
        raise StoreError("no store path configured (NEWSBOT_STORE)")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def _create_collection(client: ClientAPI, name: str, embedder: Embedder) -> None:
    """Create the collection through langchain-chroma, recording the model that fills it.

    Imported here, not at the top: an existing store is opened with chromadb alone, which keeps
    langchain's import chain (about 0.7 s) out of a question's cold start.
    """
    from langchain_chroma import Chroma

    from retrieval.index.langchain_embeddings import LangChainEmbeddings

    Chroma(
        client=client,
        collection_name=name,
        embedding_function=LangChainEmbeddings(embedder),
        collection_metadata={"embedding_model": embedder.name, "revision": 0},
        collection_configuration={"hnsw": {"space": "cosine"}},
    )


def _date_ordinal(date: dt.date | None) -> int:
    return date.toordinal() if date else 0


def _metadata(doc: Document, chunk: Chunk, added: str) -> dict[str, Any]:
    # Chroma metadata cannot hold None: empty string / 0 stand for "absent".
    return {
        "doc_id": chunk.doc_id,
        "source": chunk.source,
        "title": chunk.title,
        "url": chunk.url or "",
        "date": chunk.date.isoformat() if chunk.date else "",
        "date_ord": _date_ordinal(chunk.date),
        "kind": chunk.kind.value,
        "position": chunk.position,
        "start": chunk.start,
        "end": chunk.end,
        "origin": doc.origin,
        "content_hash": doc.content_hash,
        "added": added,
    }


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    date = meta.get("date") or ""
    return Chunk(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        source=str(meta["source"]),
        title=str(meta.get("title", "")),
        url=str(meta["url"]) if meta.get("url") else None,
        date=dt.date.fromisoformat(str(date)) if date else None,
        text=text,
        kind=PassageKind(meta.get("kind", "article")),
        position=int(meta.get("position", 0)),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
    )


def chroma_where(filters: SearchFilters | None) -> dict[str, Any] | None:
    """Translate filters to a Chroma ``where`` clause (dates are stored as ordinals)."""
    if filters is None or filters.is_empty():
        return None
    clauses: list[dict[str, Any]] = []
    if filters.since:
        clauses.append({"date_ord": {"$gte": filters.since.toordinal()}})
    if filters.until:
        clauses.append({"date_ord": {"$lte": filters.until.toordinal()}})
    if filters.since is None and filters.until is not None:
        clauses.append({"date_ord": {"$gt": 0}})  # undated chunks are not "before" anything
    if filters.documents:
        clauses.append({"source": {"$in": list(filters.documents)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class _Sidecars(NamedTuple):
    revision: int
    lexical: LexicalIndex
    centroids: CentroidIndex


class ChunkStore:
    """Reads and writes chunks; the engine and ingest pipeline are its only callers."""

    def __init__(
        self, client: ClientAPI, embedder: Embedder, *, collection: str, sidecar_dir: Path
    ) -> None:
        self._client = client
        self._embedder = embedder
        self._name = collection
        try:
            existing = {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}
        except Exception as exc:
            raise StoreError(f"the Chroma store is unavailable ({exc})") from exc
        if collection in existing:
            meta = client.get_collection(collection, embedding_function=None).metadata or {}
            built_with = meta.get("embedding_model")
            if built_with and built_with != embedder.name:
                raise EmbeddingMismatchError(
                    f"the store's collection {collection!r} was built with {built_with!r}, not "
                    f"{embedder.name!r}: set NEWSBOT_EMBEDDINGS back, or use another NEWSBOT_STORE "
                    "(or NEWSBOT_COLLECTION) and ingest again"
                )
        else:
            _create_collection(client, collection, embedder)
        self._collection = client.get_collection(collection, embedding_function=None)
        self._lexical_dir = sidecar_dir / collection
        self._centroid_dir = sidecar_dir / f"{collection}.centroids"
        self._analyzer = Analyzer()
        # (revision, BM25 index, centroids), replaced as one: questions run on threads beside
        # uploads, and a search must never see a table from one build and an index from another.
        self._sidecars = _Sidecars(
            -1, LexicalIndex(self._lexical_dir, self._analyzer), CentroidIndex(self._centroid_dir)
        )
        self._refresh = threading.Lock()
        self._query_vector: tuple[str, np.ndarray] | None = None

    # -- revision bookkeeping --------------------------------------------------------------
    def _revision(self) -> int:
        meta = self._collection.metadata or {}
        return int(meta.get("revision", 0))

    def _bump_revision(self) -> None:
        self._collection = self._client.get_collection(self._name, embedding_function=None)
        meta = dict(self._collection.metadata or {})
        meta["revision"] = int(meta.get("revision", 0)) + 1
        meta["embedding_model"] = self._embedder.name
        self._collection.modify(metadata=meta)

    def _fresh_sidecars(self) -> _Sidecars:
        """The sidecars for Chroma's current revision, loaded or rebuilt if it changed.

        Checked by each search (a few per question); the per-question helpers (:meth:`idf`,
        :meth:`document_text`) use the sidecars as the last check left them. One thread rebuilds
        while the others wait for it: a question just after a removal must not quote the
        removed document from the old index.
        """
        self._collection = self._client.get_collection(self._name, embedding_function=None)
        revision = self._revision()
        current = self._sidecars
        if current.revision == revision:
            return current
        with self._refresh:
            current = self._sidecars
            if current.revision != revision:
                current = self._load_or_build(revision)
                self._sidecars = current
            return current

    def _load_or_build(self, revision: int) -> _Sidecars:
        lexical = LexicalIndex(self._lexical_dir, self._analyzer)
        centroids = CentroidIndex(self._centroid_dir)
        need_lexical = not lexical.load(revision)
        need_centroids = not centroids.load(revision)
        if need_lexical or need_centroids:
            # One pass over Chroma for whatever is stale: each full read costs seconds on a
            # large store.
            records = list(self._iter_records(vectors=need_centroids))
            if need_lexical:
                lexical.build([chunk for chunk, _ in records], revision)
            if need_centroids:
                rows = [
                    (chunk.doc_id, chunk.source, _date_ordinal(chunk.date), vector)
                    for chunk, vector in records
                    if vector is not None
                ]
                centroids.build(rows, revision)
        return _Sidecars(revision, lexical, centroids)

    def _iter_records(
        self, *, vectors: bool = False, where: dict[str, Any] | None = None
    ) -> Iterator[tuple[Chunk, np.ndarray | None]]:
        include: list[Any] = ["documents", "metadatas"] + (["embeddings"] if vectors else [])
        offset = 0
        while True:
            page = self._collection.get(where=where, include=include, limit=_PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            docs = page["documents"] or []
            metas = page["metadatas"] or []
            embedded = page.get("embeddings") if vectors else None
            for i, (chunk_id, text, meta) in enumerate(zip(ids, docs, metas, strict=True)):
                chunk = chunk_from_record(chunk_id, text or "", dict(meta or {}))
                vector = None if embedded is None else np.asarray(embedded[i], dtype=np.float32)
                yield chunk, vector
            offset += len(ids)

    # -- writes ----------------------------------------------------------------------------
    def upsert_many(self, items: Sequence[tuple[Document, Sequence[Chunk]]]) -> int:
        """Replace each document's chunks (an edited file drops its old passages).

        One embedding batch and one revision bump for the whole batch of documents.
        """
        if not items:
            return 0
        for doc, _ in items:
            self._delete_where({"doc_id": doc.doc_id}, bump=False)
        added = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        flat = [(doc, chunk) for doc, chunks in items for chunk in chunks]
        vectors = self._embedder.embed_batch([chunk.text for _, chunk in flat])
        for begin in range(0, len(flat), _PAGE):
            part = flat[begin : begin + _PAGE]
            self._collection.upsert(
                ids=[c.chunk_id for _, c in part],
                documents=[c.text for _, c in part],
                metadatas=[_metadata(d, c, added) for d, c in part],
                embeddings=vectors[begin : begin + _PAGE],
            )
        self._bump_revision()
        return len(flat)

    def delete_documents(self, doc_ids: Iterable[str]) -> int:
        ids = list(doc_ids)
        if not ids:
            return 0
        self._delete_where({"doc_id": {"$in": ids}}, bump=True)
        return len(ids)

    def _delete_where(self, where: dict[str, Any], *, bump: bool) -> None:
        found = self._collection.get(where=where, include=[])
        if found["ids"]:
            self._collection.delete(ids=found["ids"])
            if bump:
                self._bump_revision()

    # -- reads -----------------------------------------------------------------------------
    def count(self) -> int:
        return int(self._collection.count())

    def is_empty(self) -> bool:
        """Cheaper than ``count() == 0`` on a large collection (count scans; this reads one row)."""
        return not self._collection.get(limit=1, include=[])["ids"]

    def iter_chunks(self, filters: SearchFilters | None = None) -> Iterable[Chunk]:
        for chunk, _ in self._iter_records(where=chroma_where(filters)):
            yield chunk

    def chunks(self, filters: SearchFilters | None = None) -> list[Chunk]:
        """All chunks matching ``filters``, in document then position order."""
        found = list(self.iter_chunks(filters))
        found.sort(key=lambda c: (c.source, c.position))
        return found

    def _iter_metadatas(self, doc_ids: Collection[str] | None) -> Iterator[dict[str, Any]]:
        """Each chunk's metadata, of every document or only of those in ``doc_ids``."""
        if doc_ids is not None and not doc_ids:
            return
        where: dict[str, Any] | None = (
            None if doc_ids is None else {"doc_id": {"$in": list(doc_ids)}}
        )
        offset = 0
        while True:
            page = self._collection.get(
                where=where, include=["metadatas"], limit=_PAGE, offset=offset
            )
            if not page["ids"]:
                return
            for meta in page["metadatas"] or []:
                yield dict(meta or {})
            offset += len(page["ids"])

    def document_states(self, doc_ids: Collection[str] | None = None) -> dict[str, tuple[str, str]]:
        """doc_id -> (origin, content_hash), to decide what an ingest run must (re)write.

        With ``doc_ids``, only those documents are read: an upload of one file into a large store
        should not scan every chunk's metadata (seconds on the Reuters store).
        """
        return {
            str(m["doc_id"]): (str(m.get("origin", "")), str(m.get("content_hash", "")))
            for m in self._iter_metadatas(doc_ids)
        }

    def find_documents(self, name: str) -> list[DocumentInfo]:
        """Documents whose source name, title or id is ``name`` (any case).

        Matched in the BM25 sidecar's chunk table, already in memory, rather than by reading every
        chunk's metadata from Chroma (seconds on a large store): Chroma cannot compare ignoring case.
        """
        doc_ids = self._fresh_sidecars().lexical.documents_named(name)
        return self.documents(doc_ids) if doc_ids else []

    def documents(self, doc_ids: Collection[str] | None = None) -> list[DocumentInfo]:
        """Every stored document, or only those in ``doc_ids``, sorted by source name."""
        infos: dict[str, DocumentInfo] = {}
        counts: dict[str, int] = {}
        for m in self._iter_metadatas(doc_ids):
            doc_id = str(m["doc_id"])
            counts[doc_id] = counts.get(doc_id, 0) + 1
            if doc_id not in infos:
                added = str(m.get("added") or "")
                chunk = chunk_from_record("", "", m)
                infos[doc_id] = DocumentInfo(
                    doc_id=doc_id,
                    source=chunk.source,
                    title=chunk.title,
                    url=chunk.url,
                    date=chunk.date,
                    chunks=0,
                    origin=str(m.get("origin", "")),
                    added=dt.datetime.fromisoformat(added) if added else None,
                )
        result = [replace(info, chunks=counts[doc_id]) for doc_id, info in infos.items()]
        result.sort(key=lambda d: (d.source.lower(), d.doc_id))
        return result

    def dense(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity (1.0 = same direction); none from an empty store."""
        vector = self._embed_query(query)
        found = self._collection.query(
            query_embeddings=[vector],
            n_results=k,
            where=chroma_where(filters),
            include=["documents", "metadatas", "distances"],
        )
        ids = found["ids"][0]
        docs = (found["documents"] or [[]])[0]
        metas = (found["metadatas"] or [[]])[0]
        distances = (found["distances"] or [[]])[0]
        return [
            (chunk_from_record(i, t or "", dict(m or {})), 1.0 - float(d))
            for i, t, m, d in zip(ids, docs, metas, distances, strict=True)
        ]

    def _embed_query(self, query: str) -> np.ndarray:
        """The query's vector, kept for the next call: chunk and document search share it.

        Read once into a local: the bot answers on several threads, and another question may
        replace the cached pair between a check and a use.
        """
        cached = self._query_vector
        if cached is None or cached[0] != query:
            cached = (query, self._embedder.embed_batch([query])[0])
            self._query_vector = cached
        return cached[1]

    def dense_documents(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """Documents (ids) whose mean chunk vector is nearest the query's."""
        centroids = self._fresh_sidecars().centroids
        return centroids.search(self._embed_query(query), k=k, filters=filters)

    def lexical(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]:
        return self._fresh_sidecars().lexical.search(query, k=k, filters=filters)

    def lexical_documents(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """Documents (ids) by BM25 over their title and whole text."""
        return self._fresh_sidecars().lexical.search_documents(query, k=k, filters=filters)

    def _current_lexical(self) -> LexicalIndex:
        current = self._sidecars
        return current.lexical if current.revision >= 0 else self._fresh_sidecars().lexical

    def idf(self) -> dict[str, float]:
        """Inverse document frequency of stemmed terms, for scoring sentences within passages."""
        return self._current_lexical().idf()

    def document_text(self, doc_id: str) -> str:
        return self._current_lexical().document_text(doc_id)

    def warm(self) -> None:
        """Load (or rebuild) the sidecars now, so the next question does not pay for it.

        The engine calls this after every change it makes: the rebuild then belongs to the
        moderator's ingest or upload, not to a member's question. One nearest-neighbour query with
        a placeholder vector makes Chroma load the vector index too (about 0.5 s on the Reuters
        store), without waiting for the embedding model.
        """
        self._fresh_sidecars()
        if self._embedder.dimension and not self.is_empty():
            probe: Sequence[float] = [1.0] + [0.0] * (self._embedder.dimension - 1)
            self._collection.query(query_embeddings=[probe], n_results=1, include=[])
