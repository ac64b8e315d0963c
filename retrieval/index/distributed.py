"""Hybrid search done by Chroma itself, for a Chroma that indexes sparse vectors (its distributed
deployment, Chroma Cloud): the chunks' BM25 term vectors in a sparse index of the collection, and
one Search request in which the server fuses the dense and the sparse ranking (RRF). There, no
process needs the BM25 sidecars, and every process sees a change as soon as Chroma does.

The embedded store and the single-node ``chroma run`` refuse a sparse index ("Sparse vector
indexing is not enabled in local", chromadb 1.5.9): :func:`sparse_support` asks the server and
says why not, and newsbot keeps its sidecars there. The sparse vectors are made with newsbot's own
:class:`~retrieval.index.lexical.Analyzer`, so the terms are those the sidecars index; the server
applies BM25's inverse document frequency (``bm25=True``), the vectors carry the term-frequency
part (k1 1.2, b 0.75), and a query vector gives each of its terms weight 1.

Not yet the engine's path: it needs a server that supports it to be measured against the
sidecars. What is here is tested on the requests and records it builds.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from chromadb import Knn, Rrf, Schema, Search, SparseVectorIndexConfig
from chromadb.api import ClientAPI
from chromadb.api.types import SearchResult
from chromadb.base_types import SparseVector
from chromadb.execution.expression.operator import Key, Rank

from retrieval.index.lexical import Analyzer
from retrieval.index.records import chroma_where, chunk_from_record
from retrieval.models import Passage, SearchFilters

SPARSE_KEY = "bm25_terms"  # the metadata key of each chunk's sparse vector
K1, B = 1.2, 0.75
RRF_K = 60  # the same constant the sidecar fusion uses
CANDIDATES = 64  # each ranking's depth before fusion


def sparse_schema() -> Schema:
    """The collection's schema: a BM25 sparse index on ``SPARSE_KEY``, vectors supplied by us."""
    return Schema().create_index(config=SparseVectorIndexConfig(bm25=True), key=SPARSE_KEY)


def sparse_support(client: ClientAPI) -> str | None:
    """None when ``client``'s Chroma takes a sparse index, else its reason; asked with a probe
    collection that is removed again."""
    name = f"newsbot-sparse-probe-{uuid.uuid4().hex[:12]}"
    try:
        client.create_collection(name, schema=sparse_schema())
    except Exception as exc:  # each Chroma refuses in its own words
        return " ".join(str(exc).split()) or type(exc).__name__
    client.delete_collection(name)
    return None


def term_index(term: str) -> int:
    """A stable 31-bit dimension per term (the same in every process, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "big") >> 1


class SparseTerms:
    """BM25 sparse vectors of chunks and questions, in the sidecars' terms."""

    def __init__(self, analyzer: Analyzer, *, average_length: float = 120.0) -> None:
        self._analyzer = analyzer
        self._average = average_length

    def document(self, text: str) -> SparseVector:
        counts = Counter(self._analyzer.terms(text))
        length = sum(counts.values())
        norm = K1 * (1 - B + B * length / self._average)
        weights = {term_index(t): tf * (K1 + 1) / (tf + norm) for t, tf in counts.items()}
        return _vector(weights)

    def query(self, text: str) -> SparseVector:
        return _vector({term_index(t): 1.0 for t in self._analyzer.query_terms(text)})


def _vector(weights: dict[int, float]) -> SparseVector:
    indices = sorted(weights)  # Chroma wants them ascending and unique
    return SparseVector(indices=indices, values=[float(weights[i]) for i in indices])


def hybrid_request(
    query_vector: np.ndarray | Sequence[float],
    query_terms: SparseVector,
    *,
    k: int,
    filters: SearchFilters | None = None,
    weights: tuple[float, float] = (1.0, 1.0),
) -> Search:
    """One Search: dense and sparse rankings of ``CANDIDATES`` each, fused by RRF on the server,
    narrowed by the same ``where`` the sidecar path uses, the top ``k`` with text and metadata."""
    dense = Knn(query=[float(x) for x in query_vector], limit=CANDIDATES, return_rank=True)
    ranks: list[Rank] = [dense]
    if query_terms.indices:  # a question of stop words only has no sparse ranking
        ranks.append(Knn(query=query_terms, key=SPARSE_KEY, limit=CANDIDATES, return_rank=True))
    fused = Rrf(ranks, k=RRF_K, weights=list(weights[: len(ranks)]))
    return (
        Search()
        .where(chroma_where(filters))
        .rank(fused)
        .limit(k)
        .select(Key.DOCUMENT, Key.SCORE, Key.METADATA)
    )


def passages_from(result: SearchResult) -> list[Passage]:
    """The first request's rows as passages, best first. Chroma's scores are lower-is-better
    (RRF comes back negated), so the passage score is its negation: higher is better."""
    rows = result.rows()
    passages: list[Passage] = []
    for row in rows[0] if rows else []:
        meta: dict[str, Any] = dict(row.get("metadata") or {})
        meta.pop(SPARSE_KEY, None)
        chunk = chunk_from_record(str(row["id"]), str(row.get("document") or ""), meta)
        passages.append(Passage(chunk, -float(row.get("score") or 0.0)))
    return passages
