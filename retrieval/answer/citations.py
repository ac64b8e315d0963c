"""Numbering retrieved passages as citations, shared by the extractive and the LLM answer paths."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from retrieval.models import Citation, Passage, PassageKind


def citation_for(n: int, passage: Passage) -> Citation:
    """Citation ``[n]`` quoting the whole passage, with its offsets in the source document."""
    return Citation.of(n, passage.chunk)


def by_source(citations: Sequence[Citation]) -> list[tuple[tuple[int, ...], Citation]]:
    """Citations grouped by the document they quote, in first-cited order.

    An answer often quotes several passages of one article; a source list that repeats the article
    once per passage reads as if there were several sources. Reader comments stay apart from the
    article they sit under, because a list line says which of the two a marker points at.
    """
    groups: dict[tuple[str, bool], tuple[list[int], Citation]] = {}
    for c in citations:
        key = (c.document, c.kind is PassageKind.COMMENT)
        if key in groups:
            groups[key][0].append(c.n)
        else:
            groups[key] = ([c.n], c)
    return [(tuple(numbers), first) for numbers, first in groups.values()]


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
