"""The store's model's vector for every sentence of every chunk, computed once at ingest.

Answers are built from sentences, and whether a sentence answers a question is judged on its own
vector (a passage's vector blurs the one sentence that matters). Embedding candidates per question
would cost the store's model tens of milliseconds on every answer, so each chunk's sentences are
embedded when the chunk is written and kept in Chroma beside the chunks, where every process
sharing the store finds them.

They are looked up by chunk and never searched, so they stay out of Chroma's vector index: one
record per chunk whose metadata holds the sentences' offsets and their vectors (float16, base64),
under a one-number placeholder embedding (Chroma requires one). Kept as vectors in the index, as
they first were, they cost about 6 KB of Chroma's memory per chunk, most of an ingest's growth.

A store written before this fills them in the first time a question needs them (kept only by a
process that may write the store; a reader beside the running bot computes them for the question
and stores nothing).
"""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from chromadb.api import ClientAPI

from retrieval.interfaces import Embedder
from retrieval.models import Chunk
from retrieval.sentences import Sentence, plain_text, split_sentences

CACHED_CHUNKS = 4096  # chunks whose sentences a process keeps (about 20 MB); ids are content hashes
_LEGACY = "{}-sentences"  # one 384-d record per sentence, in the vector index (dropped when seen)


@dataclass(frozen=True)
class StoredSentence:
    """A sentence of a chunk: verbatim text, offsets within the chunk, and its unit vector."""

    text: str
    start: int
    end: int
    vector: np.ndarray


class SentenceVectors:
    """Sentence vectors in the collection ``<collection>-sentence-vectors``, one record a chunk."""

    def __init__(
        self,
        client: ClientAPI,
        embedder: Embedder,
        *,
        collection: str,
        may_store: Callable[[], bool] = lambda: True,
    ) -> None:
        self._client = client
        self._embedder = embedder
        self._may_store = may_store
        self._collection = client.get_or_create_collection(
            f"{collection}-sentence-vectors",
            metadata={"embedding_model": embedder.name},
            embedding_function=None,
        )
        self._legacy: str | None = _LEGACY.format(collection)
        # A chunk id is a hash of the chunk's document, place and text, so its sentences never
        # change: kept here, a question on a topic asked before costs no read (through a
        # ``chroma run`` server, one round trip of the three a question makes).
        self._cache: OrderedDict[str, list[StoredSentence]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Split and embed the chunks' sentences (one embedding batch), replacing older ones."""
        if not chunks:
            return
        found = self._embedded(chunks)
        limit = max(1, int(self._client.get_max_batch_size()))
        for begin in range(0, len(chunks), limit):
            part = chunks[begin : begin + limit]
            self._collection.upsert(
                ids=[chunk.chunk_id for chunk in part],
                metadatas=[_metadata(chunk, found[chunk.chunk_id]) for chunk in part],
                # Never searched: one number a record keeps Chroma's vector index small.
                embeddings=np.ones((len(part), 1), dtype=np.float32),
            )
        self._drop_legacy()

    def delete(self, where: dict[str, Any]) -> None:
        found = self._collection.get(where=where, include=[])
        if found["ids"]:
            self._collection.delete(ids=found["ids"])

    def for_chunks(self, chunks: Iterable[Chunk]) -> dict[str, list[StoredSentence]]:
        """Each chunk's sentences in order; chunks stored without them get them now."""
        wanted = {chunk.chunk_id: chunk for chunk in chunks}
        if not wanted:
            return {}
        found = self._cached(wanted)
        unknown = {i: c for i, c in wanted.items() if i not in found}
        if unknown:
            found.update(self._read(unknown))
        missing = [chunk for chunk_id, chunk in unknown.items() if chunk_id not in found]
        if missing and self._may_store():
            self.add(missing)
            found.update(self._read({c.chunk_id: c for c in missing}))
        elif missing:
            found.update(self._embedded(missing))
        self._remember({i: found[i] for i in unknown if i in found})
        return found

    def _cached(self, wanted: Mapping[str, Chunk]) -> dict[str, list[StoredSentence]]:
        with self._cache_lock:
            hits = {i: self._cache[i] for i in wanted if i in self._cache}
            for chunk_id in hits:
                self._cache.move_to_end(chunk_id)
        return hits

    def _remember(self, read: Mapping[str, list[StoredSentence]]) -> None:
        with self._cache_lock:
            self._cache.update(read)
            while len(self._cache) > CACHED_CHUNKS:
                self._cache.popitem(last=False)

    def _embedded(self, chunks: Sequence[Chunk]) -> dict[str, list[StoredSentence]]:
        """Each chunk's non-blank sentences with their vectors, embedded in one batch."""
        rows: list[tuple[Chunk, Sentence]] = [
            (chunk, s) for chunk in chunks for s in split_sentences(chunk.text) if s.text.strip()
        ]
        out: dict[str, list[StoredSentence]] = {chunk.chunk_id: [] for chunk in chunks}
        if not rows:
            return out
        vectors = self._embedder.embed_batch([plain_text(s) for _, s in rows])
        for (chunk, s), vector in zip(rows, vectors, strict=True):
            out[chunk.chunk_id].append(StoredSentence(s.text, s.start, s.end, vector))
        return out

    def _read(self, chunks: Mapping[str, Chunk]) -> dict[str, list[StoredSentence]]:
        """The stored sentences of these chunks; a chunk without a record is left out."""
        page = self._collection.get(ids=list(chunks), include=["metadatas"])
        out: dict[str, list[StoredSentence]] = {}
        for chunk_id, meta in zip(page["ids"], page["metadatas"] or [], strict=True):
            stored = _decode(chunks[chunk_id], dict(meta or {}))
            if stored is not None:
                out[chunk_id] = stored
        return out

    def _drop_legacy(self) -> None:
        """A store from before keeps its sentences in the vector index; a writer drops them."""
        if self._legacy is None:
            return
        names = {c.name if hasattr(c, "name") else str(c) for c in self._client.list_collections()}
        if self._legacy in names:
            self._client.delete_collection(self._legacy)
        self._legacy = None  # looked for once a process


def _metadata(chunk: Chunk, sentences: Sequence[StoredSentence]) -> dict[str, Any]:
    matrix = np.asarray([s.vector for s in sentences], dtype=np.float16)
    return {
        "doc_id": chunk.doc_id,
        "spans": " ".join(f"{s.start}:{s.end}" for s in sentences),
        "vectors": base64.b64encode(matrix.tobytes()).decode("ascii"),
    }


def _decode(chunk: Chunk, meta: Mapping[str, Any]) -> list[StoredSentence] | None:
    """The sentences a record holds; None when it does not fit its chunk (the chunk was
    rewritten under the same id by an older version): it is computed again."""
    spans = [tuple(int(n) for n in part.split(":")) for part in str(meta.get("spans", "")).split()]
    raw = np.frombuffer(base64.b64decode(str(meta.get("vectors", ""))), dtype=np.float16)
    if not spans:
        return []
    if raw.size % len(spans) or any(end > len(chunk.text) for _, end in spans):
        return None
    matrix = raw.reshape(len(spans), -1).astype(np.float32)
    return [
        StoredSentence(chunk.text[start:end], start, end, matrix[i])
        for i, (start, end) in enumerate(spans)
    ]
