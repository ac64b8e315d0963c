"""What one write did to a collection, so the sidecars can follow it without reading Chroma again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from retrieval.models import Chunk


@dataclass(frozen=True)
class Change:
    """Documents whose old chunks are gone (removed, or replaced by an upsert) and the chunks
    written in their place, with the sum of each new document's chunk vectors and its origin and
    time added. Every document with chunks in ``added`` is also in ``removed``: its old rows go
    before the new ones come in."""

    removed: frozenset[str]
    added: Sequence[Chunk] = ()
    vector_sums: Mapping[str, np.ndarray] = field(default_factory=dict)
    facts: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def add_vector(sums: dict[str, np.ndarray], doc_id: str, vector: np.ndarray) -> None:
    """Add one chunk's vector to its document's sum (float64: thousands of chunks are added)."""
    sums[doc_id] = sums[doc_id] + vector if doc_id in sums else vector.astype(np.float64)
