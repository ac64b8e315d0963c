"""The sidecar indexes beside Chroma (BM25 over chunks and documents, document mean vectors), kept
in step with the collection's revision.

Each set of sidecars records the revision it reflects. This process's own writes move it forward
change by change (:meth:`Sidecars.advance`), which costs what the change touches; another
process's writes are followed through the collection's change log, reading back only the documents
it names. Only when the log cannot say what changed (too far behind, the files lost) is the set
loaded from disk or rebuilt from Chroma. The three indexes are replaced as one object: questions run on threads
beside uploads, and a search must never see a chunk table from one state and an index from another.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from retrieval.index.chroma import Facts
from retrieval.index.lexical import Analyzer
from retrieval.index.records import date_ordinal
from retrieval.index.sidecars.centroids import CentroidIndex
from retrieval.index.sidecars.change import Change
from retrieval.index.sidecars.lexical import LexicalIndex
from retrieval.models import Chunk

log = logging.getLogger(__name__)

Records = Callable[[bool], Iterable[tuple[Chunk, np.ndarray | None, Facts]]]
# What changed from one revision to a later one, read back from Chroma; None when unknown.
CatchUp = Callable[[int, int], Change | None]


class SidecarSet(NamedTuple):
    revision: int
    lexical: LexicalIndex
    centroids: CentroidIndex


class Sidecars:
    """The current :class:`SidecarSet`: followed through this process's changes, else loaded from
    disk or rebuilt from Chroma's records."""

    def __init__(
        self, directory: Path, collection: str, records: Records, catch_up: CatchUp | None = None
    ) -> None:
        self._lexical_dir = directory / collection
        self._centroid_dir = directory / f"{collection}.centroids"
        self._records = records
        self._catch_up = catch_up
        self._analyzer = Analyzer()
        self._current = SidecarSet(
            -1, LexicalIndex(self._lexical_dir, self._analyzer), CentroidIndex(self._centroid_dir)
        )
        self._refresh = threading.Lock()
        self._unsaved = False

    @property
    def current(self) -> SidecarSet:
        """As the last check left them (revision -1 before the first load)."""
        return self._current

    def for_revision(self, revision: int) -> SidecarSet:
        """The sidecars for ``revision``: caught up with the changes since, else loaded or
        rebuilt.

        Another process's writes are followed through the collection's change log, by reading
        back only the documents they touched; a rebuild reads the whole collection (13 s on the
        Reuters store). One thread refreshes while the others wait for it: a question just after a
        removal must not quote the removed document from the old index.
        """
        current = self._current
        if current.revision == revision:
            return current
        with self._refresh:
            current = self._current
            if current.revision != revision:
                followed = self._followed(current, revision)
                if followed is not None:
                    current, self._unsaved = followed, True
                else:
                    current, self._unsaved = self._load_or_build(revision)
                self._current = current
            return current

    def _followed(self, current: SidecarSet, revision: int) -> SidecarSet | None:
        """``current`` brought to ``revision`` through the change log, if it names the changes."""
        if self._catch_up is None or not 0 <= current.revision < revision:
            return None
        change = self._catch_up(current.revision, revision)
        if change is None:
            return None
        return SidecarSet(
            revision, current.lexical.applied(change), current.centroids.applied(change)
        )

    def advance(self, start: int, bump: Callable[[], tuple[int, int]], change: Change) -> None:
        """Run ``bump`` (it moves Chroma's revision, returning it before and after) and bring the
        sidecars from ``start``, the revision the change began at, to the new one with ``change``.

        Between the two the writer announced the change in the log (one revision), and a search
        may have caught up with that half-written state: ``change`` replaces those documents
        whole either way. Under the refresh lock, so a question that sees the new revision waits
        the fraction of a second this takes instead of starting a rebuild. When anything else
        changed in between (another process wrote), the next search catches up or rebuilds
        instead. The result is kept in memory; :meth:`save` writes it.
        """
        with self._refresh:
            before, after = bump()
            current = self._current
            if current.revision != before and not (current.revision == start == before - 1):
                log.info(
                    "sidecars at %s, not %s: caught up when next read", current.revision, before
                )
                return
            self._current = SidecarSet(
                after, current.lexical.applied(change), current.centroids.applied(change)
            )
            self._unsaved = True

    def save(self) -> None:
        """Write the sidecars followed in memory to disk, so that the next start (or another
        process) loads them instead of rebuilding from Chroma."""
        with self._refresh:
            if self._unsaved:
                current = self._current
                current.lexical.save(current.revision)
                current.centroids.save(current.revision)
                self._unsaved = False

    def _load_or_build(self, revision: int) -> tuple[SidecarSet, bool]:
        """The saved sidecars, caught up if they are behind; else rebuilt. True: not saved yet."""
        lexical = LexicalIndex(self._lexical_dir, self._analyzer)
        centroids = CentroidIndex(self._centroid_dir)
        saved = lexical.saved_revision()
        if saved is not None and saved < revision and centroids.saved_revision() == saved:
            if lexical.load(saved) and centroids.load(saved):
                followed = self._followed(SidecarSet(saved, lexical, centroids), revision)
                if followed is not None:
                    return followed, True
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
            facts: dict[str, Facts] = {}

            def rows() -> Iterator[tuple[str, str, int, np.ndarray]]:
                for chunk, vector, known in self._records(need_centroids):
                    chunks.append(chunk)
                    facts[chunk.doc_id] = known
                    if vector is not None:
                        yield chunk.doc_id, chunk.source, date_ordinal(chunk.date), vector

            if need_centroids:
                centroids.build(rows(), revision)
            else:
                for _ in rows():
                    pass
            if need_lexical:
                lexical.build(chunks, revision, facts)
        return SidecarSet(revision, lexical, centroids), False
