"""Hybrid retrieval: dense (Chroma) and BM25 rankings fused by reciprocal rank, then diversified.

Reciprocal rank fusion needs no score calibration between the two retrievers, which have unrelated
scales; the diversity step then caps passages per document so one long article cannot fill every slot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.models import Chunk, Passage, SearchFilters
from retrieval.store import ChunkStore


@dataclass(frozen=True)
class Retrieval:
    """Ranked passages plus the raw evidence the answerer uses to decide whether to abstain."""

    passages: list[Passage]
    dense_similarity: dict[str, float] = field(default_factory=dict)  # chunk_id -> cosine
    lexical_score: dict[str, float] = field(default_factory=dict)  # chunk_id -> BM25


class HybridSearcher:
    def __init__(
        self,
        store: ChunkStore,
        *,
        candidates: int = 40,
        rrf_k: int = 60,
        max_per_document: int = 3,
    ) -> None:
        self._store = store
        self._candidates = candidates
        self._rrf_k = rrf_k
        self._max_per_document = max_per_document

    def retrieve(
        self, query: str, *, k: int = 8, filters: SearchFilters | None = None
    ) -> Retrieval:
        pool = max(self._candidates, k * 4)
        dense = self._store.dense(query, k=pool, filters=filters)
        lexical = self._store.lexical(query, k=pool, filters=filters)
        fused: dict[str, float] = {}
        chunks: dict[str, Chunk] = {}
        for ranking in (dense, lexical):
            for rank, (chunk, _) in enumerate(ranking):
                fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + 1.0 / (
                    self._rrf_k + rank + 1
                )
                chunks[chunk.chunk_id] = chunk
        ordered = sorted(fused, key=lambda cid: fused[cid], reverse=True)
        passages = diversify(
            [Passage(chunks[cid], fused[cid]) for cid in ordered],
            k=k,
            max_per_document=self._max_per_document,
        )
        return Retrieval(
            passages=passages,
            dense_similarity={c.chunk_id: s for c, s in dense},
            lexical_score={c.chunk_id: s for c, s in lexical},
        )

    def search(
        self, query: str, *, k: int = 8, filters: SearchFilters | None = None
    ) -> list[Passage]:
        return self.retrieve(query, k=k, filters=filters).passages


def diversify(ranked: list[Passage], *, k: int, max_per_document: int) -> list[Passage]:
    """Keep rank order but allow at most ``max_per_document`` passages of any one document.

    If the cap leaves fewer than ``k`` (few documents match), the best leftovers fill the gap:
    a question about one document should still get enough of it.
    """
    chosen: list[Passage] = []
    leftovers: list[Passage] = []
    per_doc: dict[str, int] = {}
    for passage in ranked:
        doc = passage.chunk.doc_id
        if per_doc.get(doc, 0) < max_per_document:
            chosen.append(passage)
            per_doc[doc] = per_doc.get(doc, 0) + 1
        else:
            leftovers.append(passage)
        if len(chosen) == k:
            return chosen
    chosen.extend(leftovers[: k - len(chosen)])
    order = {p.chunk.chunk_id: i for i, p in enumerate(ranked)}
    chosen.sort(key=lambda p: order[p.chunk.chunk_id])
    return chosen
