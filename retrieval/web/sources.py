"""A stored document read back whole for its source page: its text and where each passage sits."""

from __future__ import annotations

from retrieval.errors import DocumentError
from retrieval.index.store import Store
from retrieval.models import SearchFilters, SourceDocument, SourcePassage


def read_source_document(store: Store, doc_id: str) -> SourceDocument:
    """The document ``doc_id`` of ``store``; DocumentError when the store has no such document."""
    found = store.documents([doc_id])
    if not found:
        raise DocumentError(f"No document has the id {doc_id}.")
    info = found[0]
    chunks = [
        c for c in store.chunks(SearchFilters(documents=(info.source,))) if c.doc_id == doc_id
    ]
    chunks.sort(key=lambda c: c.position)
    passages = tuple(SourcePassage(c.chunk_id, c.position, c.start, c.end) for c in chunks)
    return SourceDocument(info, store.document_text(doc_id), passages)
