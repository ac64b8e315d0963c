"""One-method interfaces between the core's parts, so each can be swapped or faked in a test."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from retrieval.models import Chunk, Passage, SearchFilters


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (rows), so a dot product is a cosine similarity."""

    name: str  # recorded with the collection; a store built by another model refuses to open
    dimension: int

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray: ...


class Searcher(Protocol):
    """Ranks stored chunks for a query (hybrid dense + lexical in production)."""

    def search(
        self, query: str, *, k: int = 8, filters: SearchFilters | None = None
    ) -> list[Passage]: ...


class ChunkSource(Protocol):
    """Reads stored chunks back without a query: for document and latest-N-days summaries."""

    def chunks(self, filters: SearchFilters | None = None) -> list[Chunk]: ...
