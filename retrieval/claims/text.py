"""Sentence spans and word overlap, tuned for the messy text the collection really holds.

The seeds contain sentences broken in the middle ("reports have emerged suggesting that. Russian
President ..."), and Reuters wraps lines inside sentences. A hedge applies to its own sentence, so
where a sentence ends decides what a hedge covers: the splitter repairs a full stop that follows a
word which cannot end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def wordset(words: str) -> frozenset[str]:
    """A word list written as one string (easier to read and diff than a list literal)."""
    return frozenset(words.split())


# Words after which a full stop cannot really end an English sentence: the seeds' broken splits.
_DANGLING = wordset(
    "a an the that which whose of between among regarding and or nor than his her its their our my"
    " your these those such"
)
_ABBREVIATIONS = wordset(
    "mr mrs ms dr prof st jr sr gen col lt sgt rep sen gov pres inc corp co ltd no vs etc jan feb mar"
    " apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e approx dept est fig"
)
_AFTER_PREPOSITION = frozenset(
    ["to", "of", "on", "at", "with", "about", "like", "for", "from", "by", "in", "do", "did"]
)
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n\s*\n|\n(?=[ \t]{2,}\S)")
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


def split_sentences(text: str) -> list[Span]:
    """Split into sentences, keeping offsets; never after an abbreviation or a dangling word."""
    spans: list[Span] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if not _is_real_boundary(text, match):
            continue
        _append(spans, text, start, end)
        start = end
    _append(spans, text, start, len(text))
    return spans


def _is_real_boundary(text: str, match: re.Match[str]) -> bool:
    if "\n" in match.group():
        return True
    before = text[: match.start()].rsplit(None, 1)
    last = before[-1].lower().strip("\"'“”‘’(") if before else ""
    if match.group().startswith(".") and (last in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last)):
        return False
    if last in _DANGLING and not _ends_with_pronoun(before, last):
        return False
    following = text[match.end() :].lstrip()
    return not following[:1].islower()


def _ends_with_pronoun(before: list[str], last: str) -> bool:
    """ "put a stop to that." ends a sentence; "reports suggesting that." does not."""
    if last not in {"that", "these", "those"} or len(before) < 2:
        return False
    previous = before[0].rsplit(None, 1)[-1].lower() if before[0].strip() else ""
    return previous in _AFTER_PREPOSITION


def _append(spans: list[Span], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    begin = start + len(chunk) - len(chunk.lstrip())
    spans.append(Span(begin, begin + len(stripped), " ".join(stripped.split())))


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


def content_words(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in words(text) if w not in _STOP and not w[0].isdigit())


def coverage(claim: str, other: str) -> float:
    """Share of the claim's content words that the other text also has (1.0: fully covered)."""
    mine = content_words(claim)
    if not mine:
        return 0.0
    return len(mine & content_words(other)) / len(mine)
