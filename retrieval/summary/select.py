"""Choosing a bounded, representative set of passages to summarise from a possibly huge match set.

A broad topic can match thousands of passages; a summary built from the top few would repeat the most
common angle, and one built from all of them would not scale. Greedy weighted facility location picks
passages that together *cover* the candidates (every candidate close to some chosen one), with more
relevant candidates counting more, and caps how many come from one document.

It costs one n x n similarity product on the n candidates, so the caller bounds n (the summariser asks
the searcher for a few hundred passages, not for every match).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np


def representative(
    vectors: np.ndarray,
    weights: np.ndarray,
    documents: Sequence[str],
    *,
    limit: int,
    max_per_document: int | None = None,
) -> list[int]:
    """Indices of at most ``limit`` rows of ``vectors`` covering the rest best, most useful first.

    ``vectors`` are L2-normalised and non-negative (TF-IDF), so similarities lie in [0, 1];
    ``weights`` say how much covering each row matters (e.g. its search relevance). Coverage is
    submodular, so lazy greedy only re-scores the current best candidate each step (O(n) each).
    """
    count = vectors.shape[0]
    if count <= limit and max_per_document is None:
        return list(range(count))
    w = weights.astype(np.float32)
    similarity = np.clip(vectors @ vectors.T, 0.0, 1.0)
    initial = w @ similarity + 1e-3 * w  # the small term prefers the better-ranked of two twins
    heap = [(-float(g), i) for i, g in enumerate(initial)]
    heapq.heapify(heap)
    coverage = np.zeros(count, dtype=np.float32)
    per_document: dict[str, int] = {}
    chosen: list[int] = []
    while heap and len(chosen) < limit:
        _, index = heapq.heappop(heap)
        document = documents[index]
        if max_per_document is not None and per_document.get(document, 0) >= max_per_document:
            continue
        column = similarity[index]
        gain = float((np.maximum(column - coverage, 0.0) * w).sum() + 1e-3 * w[index])
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, index))  # stale: someone else may now gain more
            continue
        chosen.append(index)
        coverage = np.maximum(coverage, column)
        per_document[document] = per_document.get(document, 0) + 1
    return chosen
