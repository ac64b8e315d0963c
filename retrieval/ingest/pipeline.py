"""The ingest pipeline: files → cleaned documents → chunks → the store, idempotently.

Documents are identified by where they came from and compared by a hash of their cleaned content, so
re-ingesting unchanged files writes nothing, an edited file replaces its chunks, and ``prune`` drops
documents whose files have disappeared.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from retrieval.index.store import Store
from retrieval.ingest.chunking import chunk_document
from retrieval.ingest.loaders import LoadError, load_bytes, load_paths
from retrieval.models import Chunk, Document, IngestReport

ProgressCallback = Callable[[int, int], None]

_BATCH_CHUNKS = 256  # chunks embedded per store write: big enough to batch, small enough to report
_LOOKUP_BY_ID = 500  # up to this many documents, an ingest reads their stored states by id


class Ingestor:
    def __init__(
        self,
        store: Store,
        *,
        chunk_size: int = 500,
        chunk_overlap: int = 80,
        max_file_bytes: int | None = None,
    ) -> None:
        self._store = store
        self._size = chunk_size
        self._overlap = chunk_overlap
        self._max_file = max_file_bytes

    def ingest_paths(
        self,
        paths: Sequence[Path],
        *,
        prune: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        began = time.perf_counter()
        loaded = load_paths([Path(p) for p in paths], max_file_bytes=self._max_file)
        report = self._write(loaded.documents, progress)
        removed = self.prune() if prune else 0
        return IngestReport(
            documents=len(loaded.documents),
            added=report[0],
            unchanged=report[1],
            chunks=report[2],
            removed=removed,
            skipped=tuple(loaded.skipped),
            seconds=time.perf_counter() - began,
        )

    def ingest_file_bytes(self, name: str, data: bytes, *, origin: str) -> IngestReport:
        """Ingest one uploaded file; raises :class:`LoadError` with a readable reason."""
        began = time.perf_counter()
        return self.ingest_documents(load_bytes(name, data, origin=origin), began=began)

    def ingest_documents(
        self, documents: Sequence[Document], *, began: float | None = None
    ) -> IngestReport:
        """Ingest documents made elsewhere (a fetched web page); ``began``: when loading them
        started, so the report's seconds include it."""
        began = time.perf_counter() if began is None else began
        added, unchanged, chunks = self._write(documents, None)
        return IngestReport(
            documents=len(documents),
            added=added,
            unchanged=unchanged,
            chunks=chunks,
            seconds=time.perf_counter() - began,
        )

    def _write(
        self, documents: Sequence[Document], progress: ProgressCallback | None
    ) -> tuple[int, int, int]:
        # A few documents (an upload, a small folder) are looked up by id; a large run reads all
        # states in one scan, cheaper than thousands of ids in one filter.
        few = len(documents) <= _LOOKUP_BY_ID
        states = self._store.document_states({d.doc_id for d in documents} if few else None)
        pending: list[tuple[Document, Sequence[Chunk]]] = []
        pending_chunks = 0
        added = unchanged = written = 0
        for done, doc in enumerate(documents, start=1):
            if states.get(doc.doc_id, ("", ""))[1] == doc.content_hash:
                unchanged += 1
            else:
                chunks = chunk_document(doc, size=self._size, overlap=self._overlap)
                pending.append((doc, chunks))
                pending_chunks += len(chunks)
                added += 1
            if pending_chunks >= _BATCH_CHUNKS:
                written += self._store.upsert_many(pending)
                pending, pending_chunks = [], 0
            if progress:
                progress(done, len(documents))
        if pending:
            written += self._store.upsert_many(pending)
        return added, unchanged, written

    def prune(self) -> int:
        """Remove documents whose source file no longer exists (a web page is no file: kept)."""
        gone = [
            doc_id
            for doc_id, (origin, _) in self._store.document_states().items()
            if origin
            and not origin.startswith(("http://", "https://"))
            and not Path(origin.split("#", 1)[0]).exists()
        ]
        return self._store.delete_documents(gone)


__all__ = ["IngestReport", "Ingestor", "LoadError"]
