"""The store's model's vector for every sentence of every chunk, computed once at ingest.

Answers are built from sentences, and whether a sentence answers a question is judged on its own
vector (a passage's vector blurs the one sentence that matters). Embedding candidates per question
would cost the store's model tens of milliseconds on every answer, so each chunk's sentences are
embedded when the chunk is written and kept in a Chroma collection of their own, beside the chunks,
where every process sharing the store finds them. A store written before this existed fills them in
the first time a question needs them (kept only by a process that may write the store; a reader
beside the running bot computes them for the question and stores nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from chromadb.api import ClientAPI

from retrieval.interfaces import Embedder
from retrieval.models import Chunk
from retrieval.sentences import Sentence, plain_text, split_sentences


@dataclass(frozen=True)
class StoredSentence:
    """A sentence of a chunk: verbatim text, offsets within the chunk, and its unit vector."""

    text: str
    start: int
    end: int
    vector: np.ndarray


class SentenceVectors:
    """Sentence vectors in the collection ``<collection>-sentences``, looked up by chunk."""

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
            f"{collection}-sentences",
            metadata={"embedding_model": embedder.name},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Split and embed the chunks' sentences (one embedding batch), replacing older ones."""
        rows, vectors = self._embedded(chunks)
        if not rows:
            return
        limit = max(1, int(self._client.get_max_batch_size()))
        for begin in range(0, len(rows), limit):
            part = rows[begin : begin + limit]
            self._collection.upsert(
                ids=[f"{chunk.chunk_id}:{i}" for chunk, i, _ in part],
                documents=[s.text for _, _, s in part],
                metadatas=[_metadata(chunk, s.start, s.end) for chunk, _, s in part],
                embeddings=vectors[begin : begin + limit],
            )

    def delete(self, where: dict[str, Any]) -> None:
        found = self._collection.get(where=where, include=[])
        if found["ids"]:
            self._collection.delete(ids=found["ids"])

    def for_chunks(self, chunks: Iterable[Chunk]) -> dict[str, list[StoredSentence]]:
        """Each chunk's sentences in order; chunks stored without them get them now."""
        wanted = {chunk.chunk_id: chunk for chunk in chunks}
        if not wanted:
            return {}
        found = self._read(list(wanted))
        missing = [chunk for chunk_id, chunk in wanted.items() if chunk_id not in found]
        if missing and self._may_store():
            self.add(missing)
            found.update(self._read([c.chunk_id for c in missing]))
        elif missing:
            rows, vectors = self._embedded(missing)
            for (chunk, _, sentence), vector in zip(rows, vectors, strict=True):
                found.setdefault(chunk.chunk_id, []).append(
                    StoredSentence(sentence.text, sentence.start, sentence.end, vector)
                )
        return found

    def _embedded(
        self, chunks: Sequence[Chunk]
    ) -> tuple[list[tuple[Chunk, int, Sentence]], np.ndarray]:
        """Each non-blank sentence of ``chunks`` (chunk, index, sentence), and their vectors."""
        rows = [
            (chunk, i, s)
            for chunk in chunks
            for i, s in enumerate(split_sentences(chunk.text))
            if s.text.strip()
        ]
        if not rows:
            return [], np.zeros((0, self._embedder.dimension), dtype=np.float32)
        return rows, self._embedder.embed_batch([plain_text(s) for _, _, s in rows])

    def _read(self, chunk_ids: list[str]) -> dict[str, list[StoredSentence]]:
        where: dict[str, Any] = {"chunk_id": {"$in": chunk_ids}}
        page = self._collection.get(
            where=where,
            include=["documents", "metadatas", "embeddings"],
        )
        out: dict[str, list[StoredSentence]] = {}
        vectors = page.get("embeddings")
        metas = page["metadatas"] or []
        texts = page["documents"] or []
        for i, (meta, text) in enumerate(zip(metas, texts, strict=True)):
            vector = np.asarray(vectors[i] if vectors is not None else (), dtype=np.float32)
            out.setdefault(str(meta["chunk_id"]), []).append(
                StoredSentence(text or "", int(meta["start"]), int(meta["end"]), vector)  # type: ignore[arg-type]
            )
        for sentences in out.values():
            sentences.sort(key=lambda s: s.start)
        return out


def _metadata(chunk: Chunk, start: int, end: int) -> dict[str, Any]:
    return {"chunk_id": chunk.chunk_id, "doc_id": chunk.doc_id, "start": start, "end": end}
