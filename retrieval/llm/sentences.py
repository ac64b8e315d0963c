"""Splitting a generated answer into sentences and reading the ``[n]`` markers each one carries."""

from __future__ import annotations

import re
from dataclasses import dataclass

# [1], [1][2], [1, 2], [1-3], [1–3]
_MARKER = re.compile(r"\[\s*(\d+(?:\s*(?:[,;]|[-–])\s*\d+)*)\s*\]")
_MARKERS_RUN = re.compile(r"(?:\s*\[\s*\d+(?:\s*(?:[,;]|[-–])\s*\d+)*\s*\])+")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gen", "col", "lt", "sgt", "st", "jr", "sr"}
    | {"inc", "ltd", "co", "corp", "no", "vs", "etc", "u.s", "u.k", "u.n", "e.g", "i.e"}
)
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


def with_markers(text: str, numbers: tuple[int, ...]) -> str:
    """Attach markers before the closing punctuation: ``Kim met Putin [1][2].``"""
    if not numbers:
        return text
    markers = "".join(f"[{n}]" for n in numbers)
    match = re.search(r"[.!?]+[\"'”’)]*$", text)
    if match:
        return f"{text[: match.start()]} {markers}{text[match.start() :]}"
    return f"{text} {markers}"


def _ends_with_abbreviation(piece: str) -> bool:
    last = piece.rstrip().split(" ")[-1].rstrip(".").lower()
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def split_sentences(text: str) -> list[DraftSentence]:
    """Sentences of a reply; markers after the full stop (``... Ukraine. [2]``) stay with it."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = _LIST_BULLET.sub("", line).strip()
        if not line:
            continue
        start = 0
        for match in _BOUNDARY.finditer(line):
            candidate = line[start : match.start()]
            if _ends_with_abbreviation(candidate):
                continue
            pieces.append(candidate)
            start = match.end()
        pieces.append(line[start:])
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
