"""Splitting a generated answer into sentences and reading the ``[n]`` markers each one carries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.sentences import split_sentences as split_text

# [1], [1][2], [1, 2], [1-3], [1–3]
_MARKER = re.compile(r"\[\s*(\d+(?:\s*(?:[,;]|[-–])\s*\d+)*)\s*\]")
_MARKERS_RUN = re.compile(r"(?:\s*\[\s*\d+(?:\s*(?:[,;]|[-–])\s*\d+)*\s*\])+")
_LIST_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_MAX_RANGE = 20  # "[1-400]" is not a citation anyone means; cap what a range may expand to


@dataclass(frozen=True)
class DraftSentence:
    """A sentence of the model's reply: its words without markers, and the numbers it cited."""

    text: str
    cited: tuple[int, ...]


def marker_numbers(text: str) -> tuple[int, ...]:
    """All cited numbers in order of appearance, without repeats."""
    numbers: list[int] = []
    for match in _MARKER.finditer(text):
        for part in re.split(r"\s*[,;]\s*", match.group(1)):
            bounds = re.split(r"\s*[-–]\s*", part)
            if len(bounds) == 2 and int(bounds[1]) >= int(bounds[0]):
                first, last = int(bounds[0]), int(bounds[1])
                span = range(first, min(last, first + _MAX_RANGE) + 1)
            else:
                span = range(int(bounds[0]), int(bounds[0]) + 1)
            numbers.extend(n for n in span if n not in numbers)
    return tuple(numbers)


def strip_markers(text: str) -> str:
    """The sentence with its markers removed and the spacing around them repaired."""
    stripped = _MARKERS_RUN.sub("", text)
    stripped = re.sub(r"\s+([.,;:!?])", r"\1", stripped)
    return re.sub(r"\s{2,}", " ", stripped).strip()


def split_draft(text: str) -> list[DraftSentence]:
    """Sentences of a reply; markers after the full stop (``... Ukraine. [2]``) stay with it."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = _LIST_BULLET.sub("", line).strip()
        if not line:
            continue
        pieces.extend(s.text for s in split_text(line, wrapped=True))
    merged: list[str] = []
    for piece in pieces:
        lead = re.match(r"^(?:\s*\[[^\]]*\])+", piece)
        if lead and merged:
            merged[-1] = f"{merged[-1]} {lead.group(0).strip()}"
            piece = piece[lead.end() :].strip()
        if piece.strip():
            merged.append(piece.strip())
    sentences = []
    for piece in merged:
        words = strip_markers(piece)
        if re.search(r"\w", words):
            sentences.append(DraftSentence(text=words, cited=marker_numbers(piece)))
        elif sentences:  # a bare "[3]" line: its markers belong to the sentence before
            last = sentences[-1]
            extra = tuple(n for n in marker_numbers(piece) if n not in last.cited)
            sentences[-1] = DraftSentence(last.text, last.cited + extra)
    return sentences
