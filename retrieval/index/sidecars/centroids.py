"""One vector per document: the normalised mean of its chunks' vectors, searched exactly.

Chunk vectors each see a few sentences; a question phrased like a headline is about the whole
article, and its nearest chunk can belong to an article that only touches the subject. The mean
vector ranks documents by what they are mostly about. It costs no extra embedding (it is derived
from the vectors Chroma already holds) and an exact scan is a few milliseconds even on the
20k-document store, so it lives beside the BM25 sidecar and follows the same changes.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from retrieval.index.files import replaced_directory
from retrieval.index.lexical import filter_mask
from retrieval.index.records import date_ordinal
from retrieval.index.sidecars.change import Change
from retrieval.models import Chunk, SearchFilters


class CentroidIndex:
    """Document centroids with the revision of the collection they were computed from."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._doc_ids: list[str] = []
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._date_ord = np.zeros(0, dtype=np.int64)
        self._sources = np.zeros(0, dtype=object)

    def build(self, rows: Iterable[tuple[str, str, int, np.ndarray]], revision: int) -> None:
        """Average chunk vectors per document; ``rows`` are (doc_id, source, date_ord, vector)."""
        sums: dict[str, np.ndarray] = {}
        meta: dict[str, tuple[str, int]] = {}
        for doc_id, source, date_ord, vector in rows:
            if doc_id in sums:
                sums[doc_id] += vector
            else:
                sums[doc_id] = np.array(vector, dtype=np.float64)
                meta[doc_id] = (source, date_ord)
        self._doc_ids = list(sums)
        self._matrix = _unit_rows(list(sums.values()))
        self._sources = np.array([meta[d][0] for d in self._doc_ids], dtype=object)
        self._date_ord = np.array([meta[d][1] for d in self._doc_ids], dtype=np.int64)
        self.save(revision)

    def applied(self, change: Change) -> CentroidIndex:
        """A new index with ``change`` in it (this one stays as it was for searches reading it):
        the removed documents' rows dropped, and one row per new document from its vector sum."""
        new = copy.copy(self)
        keep = np.array([d not in change.removed for d in self._doc_ids], dtype=bool)
        firsts: dict[str, Chunk] = {}
        for chunk in change.added:
            firsts.setdefault(chunk.doc_id, chunk)
        fresh = [d for d in change.vector_sums if d in firsts]
        rows = _unit_rows([change.vector_sums[d] for d in fresh])
        kept = self._matrix[keep]
        new._matrix = rows if not len(kept) else np.vstack([kept, rows]) if len(rows) else kept
        new._doc_ids = [d for d, k in zip(self._doc_ids, keep, strict=True) if k] + fresh
        new._sources = np.concatenate(
            [self._sources[keep], np.array([firsts[d].source for d in fresh], dtype=object)]
        )
        new._date_ord = np.concatenate(
            [
                self._date_ord[keep],
                np.array([date_ordinal(firsts[d].date) for d in fresh], dtype=np.int64),
            ]
        )
        return new

    def saved_revision(self) -> int | None:
        """The revision the saved centroids reflect, if any."""
        try:
            revision = json.loads((self._dir / "documents.json").read_text()).get("revision")
        except (OSError, ValueError, AttributeError):
            return None
        return revision if isinstance(revision, int) else None

    def load(self, revision: int) -> bool:
        """Load the saved centroids if they reflect ``revision``; False means rebuild them."""
        try:
            meta = json.loads((self._dir / "documents.json").read_text())
            if meta.get("revision") != revision:
                return False
            matrix = np.load(self._dir / "centroids.npy")
        except (OSError, ValueError, KeyError, TypeError):
            return False
        self._doc_ids = list(meta["doc_ids"])
        self._sources = np.array(meta["sources"], dtype=object)
        self._date_ord = np.array(meta["date_ord"], dtype=np.int64)
        self._matrix = matrix
        return len(self._doc_ids) == len(matrix)

    def save(self, revision: int) -> None:
        with replaced_directory(self._dir) as tmp:
            np.save(tmp / "centroids.npy", self._matrix)
            (tmp / "documents.json").write_text(
                json.dumps(
                    {
                        "revision": revision,
                        "doc_ids": self._doc_ids,
                        "sources": self._sources.tolist(),
                        "date_ord": self._date_ord.tolist(),
                    }
                )
            )

    def any_dated(self) -> bool:
        """Whether any document has a date (an undated collection needs no per-answer notice)."""
        return bool(np.any(self._date_ord > 0))

    def search(
        self, vector: np.ndarray, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """Documents by cosine similarity of their centroid to ``vector`` (unit length)."""
        if not self._doc_ids:
            return []
        # einsum, not ``@``: a BLAS matrix-vector product wakes OpenBLAS's thread pool, whose
        # threads then spin beside onnxruntime's and slowed a whole answer by ~40 ms (Reuters).
        scores = np.einsum("ij,j->i", self._matrix, np.asarray(vector, dtype=np.float32))
        mask = filter_mask(filters, self._date_ord, self._sources)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._doc_ids[i], float(scores[i])) for i in top if np.isfinite(scores[i])]


def _unit_rows(vectors: list[np.ndarray]) -> np.ndarray:
    """The vectors as a float32 matrix of unit rows (a zero vector stays zero)."""
    if not vectors:
        return np.zeros((0, 0), dtype=np.float32)
    matrix = np.vstack(vectors).astype(np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)
