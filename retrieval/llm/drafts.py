"""Splitting a generated answer into sentences and reading the ``[n]`` markers each one carries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.sentences import split_sentences as split_text

# [1], [1][2], [1, 2], [1-3], [1–3]
_MARKER = re.compile(r"\[\s*(\d+(?:\s*(?:[,;]|[-–])\s*\d+)*)\s*\]")
_MARKERS_RUN = re.compile(r"(?:\s*\[\s*\d+(?:\s*(?:[,;]|[-–])\s*\d+)*\s*\])+")
_LIST_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_INLINE_NUMBER = re.compile(r"(?<!\S)\(?\d{1,2}\)\s+")  # "wants 1) food, 2) energy"
_TRAILING_NUMBER = re.compile(r"\s+(\d{1,2})(?=\s*[.!]?\s*$)")  # "... space technology 4."
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


def _lines(text: str) -> list[str]:
    """The reply's lines, bullets removed, a list joined to the line that leads into it.

    "North Korea wants:" followed by "1. food" and "2. energy" is one answer, not three lines of
    which two are fragments and one says nothing.
    """
    lines: list[str] = []
    leading = False  # the last line ended with ":" and list items follow it
    for raw in text.splitlines():
        bulleted = bool(_LIST_BULLET.match(raw))
        line = _LIST_BULLET.sub("", raw).strip()
        if not line:
            continue
        if leading and bulleted and lines:
            joiner = " " if lines[-1].endswith(":") else "; "
            lines[-1] = f"{lines[-1]}{joiner}{line.rstrip('.;')}"
            continue
        leading = line.endswith(":")
        lines.append(line)
    return [_finished(line) for line in lines]


def _finished(line: str) -> str:
    """The line with a full stop when it has none (before its trailing markers)."""
    tail = re.search(r"(?:\s*\[[^\]]*\])+\s*$", line)
    body, end = (line[: tail.start()], line[tail.start() :]) if tail else (line, "")
    if body.rstrip().endswith((".", "!", "?", ":", ";")):
        return line
    return f"{body.rstrip()}.{end}"


def split_draft(text: str, *, sources: int = 0) -> list[DraftSentence]:
    """Sentences of a reply; markers after the full stop (``... Ukraine. [2]``) stay with it.

    With ``sources`` (how many passages the prompt numbered), a bare number ending a sentence
    that could be one of them is read as the model's citation ("... technology 4."), and inline
    list numbering ("1) food, 2) energy") is removed, so neither reads as a figure.
    """
    pieces: list[str] = []
    for line in _lines(text):
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
        extra: tuple[int, ...] = ()
        if sources:
            piece = _INLINE_NUMBER.sub("", piece)
            bare = _TRAILING_NUMBER.search(strip_markers(piece))
            if bare and 1 <= int(bare.group(1)) <= sources:
                piece = _TRAILING_NUMBER.sub("", piece, count=1)
                extra = (int(bare.group(1)),)
        words = strip_markers(piece)
        if re.search(r"\w", words):
            cited = marker_numbers(piece)
            cited += tuple(n for n in extra if n not in cited)
            sentences.append(DraftSentence(text=words, cited=cited))
        elif sentences:  # a bare "[3]" line: its markers belong to the sentence before
            last = sentences[-1]
            more = tuple(n for n in marker_numbers(piece) if n not in last.cited)
            sentences[-1] = DraftSentence(last.text, last.cited + more)
    return sentences
