"""The sidecar indexes beside Chroma (BM25 over chunks and documents, document mean vectors), kept
in step with the collection's revision.

Each set of sidecars records the revision it was built from and is rebuilt from Chroma whenever the
two disagree (another process ingested, or the files were lost). The three are replaced as one
object: questions run on threads beside uploads, and a search must never see a chunk table from one
build and an index from another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from retrieval.index.centroids import CentroidIndex
from retrieval.index.chroma import date_ordinal
from retrieval.index.lexical import Analyzer, LexicalIndex
from retrieval.models import Chunk

Records = Callable[[bool], Iterable[tuple[Chunk, np.ndarray | None]]]


class SidecarSet(NamedTuple):
    revision: int
    lexical: LexicalIndex
    centroids: CentroidIndex


class Sidecars:
    """The current :class:`SidecarSet`, loaded from disk or rebuilt from Chroma's records."""

    def __init__(self, directory: Path, collection: str, records: Records) -> None:
        self._lexical_dir = directory / collection
        self._centroid_dir = directory / f"{collection}.centroids"
        self._records = records
        self._analyzer = Analyzer()
        self._current = SidecarSet(
            -1, LexicalIndex(self._lexical_dir, self._analyzer), CentroidIndex(self._centroid_dir)
        )
        self._refresh = threading.Lock()

    @property
    def current(self) -> SidecarSet:
        """As the last check left them (revision -1 before the first load)."""
        return self._current

    def for_revision(self, revision: int) -> SidecarSet:
        """The sidecars for ``revision``, loaded or rebuilt if it changed.

        One thread rebuilds while the others wait for it: a question just after a removal must not
        quote the removed document from the old index.
        """
        current = self._current
        if current.revision == revision:
            return current
        with self._refresh:
            current = self._current
            if current.revision != revision:
                current = self._load_or_build(revision)
                self._current = current
            return current

    def _load_or_build(self, revision: int) -> SidecarSet:
        lexical = LexicalIndex(self._lexical_dir, self._analyzer)
        centroids = CentroidIndex(self._centroid_dir)
        need_lexical = not lexical.load(revision)
        need_centroids = not centroids.load(revision)
        if need_lexical or need_centroids:
            # One pass over Chroma for whatever is stale: each full read costs seconds on a
            # large store.
            # The vectors stream into the centroid sums page by page and are not kept: on a large
            # store, holding them all beside the chunk texts was the rebuild's biggest cost.
            chunks: list[Chunk] = []

            def rows() -> Iterator[tuple[str, str, int, np.ndarray]]:
                for chunk, vector in self._records(need_centroids):
                    chunks.append(chunk)
                    if vector is not None:
                        yield chunk.doc_id, chunk.source, date_ordinal(chunk.date), vector

            if need_centroids:
                centroids.build(rows(), revision)
            else:
                chunks.extend(chunk for chunk, _ in self._records(False))
            if need_lexical:
                lexical.build(chunks, revision)
        return SidecarSet(revision, lexical, centroids)
