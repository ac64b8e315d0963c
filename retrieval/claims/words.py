"""Sentence spans and word overlap, tuned for the messy text the collection really holds.

The seeds contain sentences broken in the middle ("reports have emerged suggesting that. Russian
President ..."), and Reuters wraps lines inside sentences. A hedge applies to its own sentence, so
where a sentence ends decides what a hedge covers: the shared splitter (``retrieval.sentences``)
repairs a full stop that follows a word which cannot end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval import sentences


def wordset(words: str) -> frozenset[str]:
    """A word list written as one string (easier to read and diff than a list literal)."""
    return frozenset(words.split())


_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+(?:[.,]\d+)*")
_STOP = wordset(
    "a an the and or but nor of to in on at by for from with as is are was were be been being has"
    " have had do does did this that these those it its their there here which who whom whose what"
    " when where why how than then so such into onto over under about after before between during"
    " also not no yes very more most much many some any all both each other another own same will"
    " would could should may might can must shall said says say told according he she they we you i"
    " his her our your my them us him me one two while if up out just only even still yet already"
    " however although though because since until upon per via including include includes mr mrs"
    " ms"
)


@dataclass(frozen=True)
class Span:
    """A sentence and where it sits in the text it came from."""

    start: int
    end: int
    text: str


def sentence_spans(text: str) -> list[Span]:
    """Sentences of one paragraph (its line breaks are soft wraps), white space collapsed.

    The splitting itself, broken full stops included, is ``retrieval.sentences``'.
    """
    return [
        Span(s.start, s.end, " ".join(s.text.split()))
        for s in sentences.split_sentences(text, wrapped=True)
    ]


def normalise(text: str) -> str:
    """Lower case, straight quotes and single spaces: how sentences are compared across sources."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.lower().split())


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _stem(word: str) -> str:
    """A crude stemmer: enough to match "weapons"/"weapon" and "exchanged"/"exchange"."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


STOPWORDS = _STOP


def stem(word: str) -> str:
    return _stem(word)


def content_words(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in words(text) if w not in _STOP and not w[0].isdigit())


def coverage(claim: str, other: str) -> float:
    """Share of the claim's content words that the other text also has (1.0: fully covered)."""
    mine = content_words(claim)
    if not mine:
        return 0.0
    return len(mine & content_words(other)) / len(mine)
