"""Sentence splitting for news text, with the character offsets of each sentence.

A regular-expression splitter is enough for edited news copy and keeps the hot path fast; it knows
the abbreviations that appear in news ("U.S.", "Mr.", "Jan.") so they do not end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "st",
    "jr", "sr", "co", "corp", "inc", "ltd", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m",
    "p.m", "mt", "ft", "approx", "dept", "est", "fig", "rev", "messrs",
}  # fmt: skip

# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets), then white space,
# then something that can start a sentence. Line breaks always end a sentence.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences; ``text[s.start:s.end] == s.text`` for each."""
    sentences: list[Sentence] = []
    begin = 0
    for match in _BOUNDARY.finditer(text):
        candidate_end = match.start()
        head = text[begin:candidate_end]
        if "\n" not in match.group(0):
            word = _WORD_BEFORE.search(head)
            if word and _is_abbreviation(word.group(1)):
                continue
        _append(sentences, text, begin, match.end())
        begin = match.end()
    _append(sentences, text, begin, len(text))
    return sentences


def _is_abbreviation(word: str) -> bool:
    lowered = word.lower().rstrip(".")
    if lowered in _ABBREVIATIONS:
        return True
    # Initials such as "J." in "John F. Kennedy".
    return len(lowered) == 1 and word[:1].isupper()


def _append(out: list[Sentence], text: str, begin: int, end: int) -> None:
    piece = text[begin:end]
    stripped = piece.strip()
    if not stripped:
        return
    start = begin + (len(piece) - len(piece.lstrip()))
    out.append(Sentence(stripped, start, start + len(stripped)))
