"""How a chunk is written to and read back from a Chroma record, and how filters become ``where``:
the one definition every path (the store, the distributed search) shares."""

from __future__ import annotations

import datetime as dt
from typing import Any

from retrieval.models import Chunk, Document, PassageKind, SearchFilters


def date_ordinal(date: dt.date | None) -> int:
    return date.toordinal() if date else 0


def chunk_metadata(doc: Document, chunk: Chunk, added: str, total: int) -> dict[str, Any]:
    # Chroma metadata cannot hold None: empty string / 0 stand for "absent".
    return {
        "doc_id": chunk.doc_id,
        "source": chunk.source,
        "title": chunk.title,
        "url": chunk.url or "",
        "date": chunk.date.isoformat() if chunk.date else "",
        "date_ord": date_ordinal(chunk.date),
        "kind": chunk.kind.value,
        "position": chunk.position,
        "start": chunk.start,
        "end": chunk.end,
        "origin": doc.origin,
        "content_hash": doc.content_hash,
        # How many chunks the whole document has: a document cut off mid-write (kill -9) has fewer
        # records than this, so the next ingest rewrites it instead of calling it unchanged.
        "doc_chunks": total,
        "added": added,
    }


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    date = meta.get("date") or ""
    return Chunk(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        source=str(meta["source"]),
        title=str(meta.get("title", "")),
        url=str(meta["url"]) if meta.get("url") else None,
        date=dt.date.fromisoformat(str(date)) if date else None,
        text=text,
        kind=PassageKind(meta.get("kind", "article")),
        position=int(meta.get("position", 0)),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
    )


def chroma_where(filters: SearchFilters | None) -> dict[str, Any] | None:
    """Translate filters to a Chroma ``where`` clause (dates are stored as ordinals)."""
    if filters is None or filters.is_empty():
        return None
    clauses: list[dict[str, Any]] = []
    if filters.since:
        clauses.append({"date_ord": {"$gte": filters.since.toordinal()}})
    if filters.until:
        clauses.append({"date_ord": {"$lte": filters.until.toordinal()}})
    if filters.since is None and filters.until is not None:
        clauses.append({"date_ord": {"$gt": 0}})  # undated chunks are not "before" anything
    if filters.documents:
        clauses.append({"source": {"$in": list(filters.documents)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
