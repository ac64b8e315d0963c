"""Numbering retrieved passages as citations, shared by the extractive and the LLM answer paths."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

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


def with_markers(sentence: str, numbers: Sequence[int]) -> str:
    """``Kim met Putin.`` + (1, 2) → ``Kim met Putin [1][2].``"""
    markers = "".join(f"[{n}]" for n in numbers)
    if not markers:
        return sentence
    match = re.search(r"[.!?]+[\"'”’)]*$", sentence)
    if match and not re.search(r"[\"'”’)]", match.group(0)):
        return f"{sentence[: match.start()]} {markers}{match.group(0)}"
    if match:
        return f"{sentence} {markers}"
    return f"{sentence} {markers}."  # a sentence the source left unfinished still ends here
