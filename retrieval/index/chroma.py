"""The Chroma collection: its client, how chunks map to its records, its revision, reads and writes.

Chroma is reached with an explicitly injected client (embedded ``PersistentClient``, or a
``chroma run`` server via ``HttpClient``). Writes go through langchain-chroma's ``Chroma`` over that
same client, embedding with our model; reads and nearest-neighbour queries use the chromadb
collection directly, because importing langchain-chroma costs about 0.6 s that a question on an
existing store would otherwise pay at every cold start.

The collection's metadata records which embedding model filled it, a revision number that every
write bumps, so the sidecar indexes (BM25, document vectors) know when they are stale, and a short
log of which documents each recent revision touched, so they can catch up without a rebuild.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import chromadb
import httpx
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.types import Include
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError

from retrieval.errors import EmbeddingMismatchError, StoreError
from retrieval.index.records import chunk_from_record, chunk_metadata
from retrieval.interfaces import Embedder
from retrieval.models import Chunk, Document

if TYPE_CHECKING:
    from langchain_chroma import Chroma

# A document's facts that its chunks do not carry: where it was loaded from, when it was added.
Facts = tuple[str, str]

PAGE = 2000  # rows per Chroma read; keeps memory flat on the 20k-document store
CHANGE_LOG = 32  # recent revisions whose changed documents the collection's metadata names
LOGGED_IDS = 500  # a change of more documents is logged as "all": readers rebuild


@contextmanager
def store_errors(consequence: str) -> Iterator[None]:
    """Chroma's failures and its transport's (a ``chroma run`` server gone, a full disk) as one
    :class:`StoreError` a person can read, instead of a hundred-line traceback.

    Nothing is kept from the failed call; the next call tries the store again, so a server that
    comes back is used again without a restart.
    """
    try:
        yield
    except (httpx.TransportError, ChromaError, ConnectionError, TimeoutError) as exc:
        raise StoreError(
            f"The document store is unavailable ({type(exc).__name__}); {consequence}. "
            "Try again in a moment."
        ) from exc


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


def _change_log(meta: Mapping[str, Any]) -> list[list[Any]]:
    """The metadata's change log: [revision, document ids or None] pairs, oldest first."""
    try:
        log = json.loads(str(meta.get("changes") or "[]"))
    except ValueError:
        return []
    return [entry for entry in log if isinstance(entry, list) and len(entry) == 2]


class ChromaCollection:
    """One Chroma collection holding newsbot's chunks, opened (or created) for ``embedder``."""

    def __init__(
        self, client: ClientAPI, embedder: Embedder, *, name: str, revision_ttl: float = 0.0
    ) -> None:
        self._client = client
        self._embedder = embedder
        self._name = name
        self._revision_ttl = revision_ttl
        self._revision, self._revision_read = 0, float("-inf")
        self._writer: Chroma | None = None
        try:
            existing = {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}
        except Exception as exc:
            raise StoreError(f"the Chroma store is unavailable ({exc})") from exc
        if name in existing:
            meta = client.get_collection(name, embedding_function=None).metadata or {}
            built_with = meta.get("embedding_model")
            if built_with and built_with != embedder.name:
                raise EmbeddingMismatchError(
                    f"the store's collection {name!r} was built with {built_with!r}, not "
                    f"{embedder.name!r}: set NEWSBOT_EMBEDDINGS back, or use another NEWSBOT_STORE "
                    "(or NEWSBOT_COLLECTION) and ingest again"
                )
        else:
            self._langchain()  # creates it, recording the model that fills it
        self._collection = client.get_collection(name, embedding_function=None)

    def _langchain(self) -> Chroma:
        """langchain-chroma's view of the collection, for writes (imported only when writing)."""
        if self._writer is None:
            from langchain_chroma import Chroma

            from retrieval.index.langchain_embeddings import LangChainEmbeddings

            self._writer = Chroma(
                client=self._client,
                collection_name=self._name,
                embedding_function=LangChainEmbeddings(self._embedder),
                collection_metadata={"embedding_model": self._embedder.name, "revision": 0},
                collection_configuration={"hnsw": {"space": "cosine"}},
            )
        return self._writer

    # -- revision --------------------------------------------------------------------------
    def revision(self) -> int:
        """The revision as Chroma has it now (another process may have written since).

        With ``revision_ttl``, as read at most that many seconds ago: through a ``chroma run``
        server each check is a round trip, a third of a question's. This process's own writes
        are seen at once (they set it); another process's within the ttl.
        """
        now = time.monotonic()
        if now - self._revision_read < self._revision_ttl:
            return self._revision
        self._collection = self._client.get_collection(self._name, embedding_function=None)
        meta = self._collection.metadata or {}
        self._revision, self._revision_read = int(meta.get("revision", 0)), now
        return self._revision

    def bump_revision(self, changed: Collection[str] | None = None) -> tuple[int, int]:
        """Move the revision on by one, logging which documents the change touched (None: too
        many to name); returns the revision before and after.

        The log is how other processes' sidecars follow this change by reading just those
        documents back (see :meth:`changed_between`) instead of the whole collection.
        """
        self._collection = self._client.get_collection(self._name, embedding_function=None)
        meta = dict(self._collection.metadata or {})
        before = int(meta.get("revision", 0))
        named = sorted(changed) if changed is not None and len(changed) <= LOGGED_IDS else None
        log = [*_change_log(meta), [before + 1, named]][-CHANGE_LOG:]
        meta.update(revision=before + 1, embedding_model=self._embedder.name)
        meta["changes"] = json.dumps(log)
        self._collection.modify(metadata=meta)
        self._revision, self._revision_read = before + 1, time.monotonic()
        return before, before + 1

    def changed_between(self, before: int, after: int) -> set[str] | None:
        """Documents the changes after ``before`` up to ``after`` touched, from the metadata the
        last :meth:`revision` read; None when the log does not name them all."""
        log = {int(r): ids for r, ids in _change_log(self._collection.metadata or {})}
        changed: set[str] = set()
        for revision in range(before + 1, after + 1):
            ids = log.get(revision)
            if ids is None:
                return None
            changed.update(ids)
        return changed

    # -- writes ----------------------------------------------------------------------------
    def add(
        self, items: Sequence[tuple[Document, Chunk]], added: str, totals: Mapping[str, int]
    ) -> None:
        """Embed and store chunks, one embedding batch per write (as many as Chroma takes).

        ``totals`` is each document's whole chunk count, recorded with every chunk: a document
        written in several calls (or cut off mid-write) is whole only when all are there.
        """
        limit = max(1, int(self._client.get_max_batch_size()))
        for begin in range(0, len(items), limit):
            part = items[begin : begin + limit]
            self._langchain().add_texts(
                [chunk.text for _, chunk in part],
                metadatas=[
                    chunk_metadata(doc, chunk, added, totals[doc.doc_id]) for doc, chunk in part
                ],
                ids=[chunk.chunk_id for _, chunk in part],
            )

    def delete_where(self, where: dict[str, Any]) -> bool:
        """Delete matching chunks; True when there were any."""
        found = self._collection.get(where=where, include=[])
        if not found["ids"]:
            return False
        self._collection.delete(ids=found["ids"])
        return True

    # -- reads -----------------------------------------------------------------------------
    def count(self) -> int:
        return int(self._collection.count())

    def is_empty(self) -> bool:
        """Cheaper than ``count() == 0`` on a large collection (count scans; this reads one row)."""
        return not self._collection.get(limit=1, include=[])["ids"]

    def records(
        self, *, vectors: bool = False, where: dict[str, Any] | None = None
    ) -> Iterator[tuple[Chunk, np.ndarray | None, Facts]]:
        """Every matching chunk (and its vector, when asked), read page by page, with its
        document's origin and time added."""
        include: list[Any] = ["documents", "metadatas"] + (["embeddings"] if vectors else [])
        offset = 0
        while True:
            page = self._collection.get(where=where, include=include, limit=PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            docs = page["documents"] or []
            metas = page["metadatas"] or []
            embedded = page.get("embeddings") if vectors else None
            for i, (chunk_id, text, meta) in enumerate(zip(ids, docs, metas, strict=True)):
                chunk = chunk_from_record(chunk_id, text or "", dict(meta or {}))
                vector = None if embedded is None else np.asarray(embedded[i], dtype=np.float32)
                yield chunk, vector, (str(meta.get("origin", "")), str(meta.get("added") or ""))
            offset += len(ids)

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these chunks, by id (a few hundred at a time: one write's)."""
        found = self._collection.get(ids=list(ids), include=["embeddings"])
        embedded = found.get("embeddings")
        if embedded is None:
            return {}
        return {
            i: np.asarray(v, dtype=np.float32) for i, v in zip(found["ids"], embedded, strict=True)
        }

    def metadatas(self, doc_ids: Collection[str] | None) -> Iterator[dict[str, Any]]:
        """Each chunk's metadata, of every document or only of those in ``doc_ids``."""
        if doc_ids is not None and not doc_ids:
            return
        where: dict[str, Any] | None = (
            None if doc_ids is None else {"doc_id": {"$in": list(doc_ids)}}
        )
        offset = 0
        while True:
            page = self._collection.get(
                where=where, include=["metadatas"], limit=PAGE, offset=offset
            )
            if not page["ids"]:
                return
            for meta in page["metadatas"] or []:
                yield dict(meta or {})
            offset += len(page["ids"])

    def nearest(
        self,
        vector: np.ndarray,
        *,
        k: int,
        where: dict[str, Any] | None,
        known: Callable[[Sequence[str]], dict[str, Chunk]] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity (1.0 = same direction); none from an empty store.

        ``known``: the chunks the caller holds already (the sidecars' table), by id. Chroma then
        returns ids and distances only and is asked for the few it does not know: its documents
        and metadata were most of a 120-candidate query (7.4 ms of it, 1.5 ms without, on BBC).
        """
        include: Include = ["distances"] if known else ["documents", "metadatas", "distances"]
        found = self._collection.query(
            query_embeddings=[vector], n_results=k, where=where, include=include
        )
        ids, distances = found["ids"][0], (found["distances"] or [[]])[0]
        if known is None:
            docs, metas = (found["documents"] or [[]])[0], (found["metadatas"] or [[]])[0]
            chunks = {
                i: chunk_from_record(i, t or "", dict(m or {}))
                for i, t, m in zip(ids, docs, metas, strict=True)
            }
        else:
            chunks = known(ids)
            if missing := [i for i in ids if i not in chunks]:  # sidecars a change behind
                got = self._collection.get(ids=missing, include=["documents", "metadatas"])
                for i, t, m in zip(
                    got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
                ):
                    chunks[i] = chunk_from_record(i, t or "", dict(m or {}))
        return [
            (chunks[i], 1.0 - float(d)) for i, d in zip(ids, distances, strict=True) if i in chunks
        ]

    def warm(self) -> None:
        """One query with a placeholder vector makes Chroma load its vector index (about 0.5 s on
        the Reuters store), without waiting for the embedding model."""
        if self._embedder.dimension and not self.is_empty():
            probe: Sequence[float] = [1.0] + [0.0] * (self._embedder.dimension - 1)
            self._collection.query(query_embeddings=[probe], n_results=1, include=[])
