"""Numbering retrieved passages as citations, shared by the extractive and the LLM answer paths."""

from __future__ import annotations

import hashlib

from retrieval.models import Citation, Passage


def citation_for(n: int, passage: Passage) -> Citation:
    """Citation ``[n]`` quoting the whole passage, with its offsets in the source document."""
    chunk = passage.chunk
    return Citation(
        n=n,
        document=chunk.source,
        title=chunk.title,
        url=chunk.url,
        date=chunk.date,
        quote=chunk.text,
        start=chunk.start,
        end=chunk.end,
        kind=chunk.kind,
        chunk_id=chunk.chunk_id,
    )


def answer_id(question: str, text: str) -> str:
    """Stable id for an answer, so feedback on the same answer lands on the same row."""
    return hashlib.sha256(f"{question}\x00{text}".encode()).hexdigest()[:16]
