"""Titles for texts that do not state one.

Citations show a title next to every source, so each document needs one. A plain-text file whose first
line reads like a headline (short, no closing full stop, more text below it) has its headline there, as
BBC files do. Otherwise the title comes from the first sentence that says something: split with the
core splitter (which rejoins scraped sentences broken by a stray full stop), past fragments, without a
stock opening clause ("In a surprising turn of events, ..."), cut at a clause or word boundary.
"""

from __future__ import annotations

import re

from retrieval.sentences import plain_text, split_sentences

TITLE_LIMIT = 90
_HEADLINE_MAX_CHARS = 100
_HEADLINE_MAX_WORDS = 16
_NOT_HEADLINE_ENDINGS = ".,;:"
_FIRST_SENTENCE = re.compile(r".+?[.!?…](?=\s|$)", re.DOTALL)
_SPACES = re.compile(r"\s+")


def looks_like_headline(line: str) -> bool:
    text = line.strip()
    if not text or len(text) > _HEADLINE_MAX_CHARS or not any(ch.isalpha() for ch in text):
        return False
    if len(text.split()) > _HEADLINE_MAX_WORDS:
        return False
    return text[-1] not in _NOT_HEADLINE_ENDINGS


def tidy_title(title: str) -> str:
    """Metadata titles come with doubled spaces and line breaks (Reuters headlines do)."""
    return _SPACES.sub(" ", title).strip()


def shorten(text: str, limit: int = TITLE_LIMIT) -> str:
    """Cut at the last word boundary before ``limit`` and mark the cut with an ellipsis."""
    text = tidy_title(text)
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    head = cut[:space] if space > limit // 2 else text[:limit]
    return head.rstrip(" ,;:-–—") + "…"


# "In a surprising turn of events, ", "In a significant development that could ..., ": framing that
# says nothing about the story; the title starts after it.
_OPENING_CLAUSE = re.compile(
    r"^(?:in (?:a|an|what) [^,]{0,120}?(?:turn of events|development|move|twist|report|"
    r"announcement|sign|step)[^,]{0,100}|in recent (?:days|weeks|months)|recently|meanwhile|"
    r"however|in (?:a|an) (?:surprising|unexpected|dramatic|major|rare) [^,]{0,60}),\s+",
    re.IGNORECASE,
)
_DANGLING_END = re.compile(r"\b(?:that|which|the|a|an|of|to|and|or|with|for|as)\W*$", re.IGNORECASE)
_MIN_TITLE_WORDS = 4


def title_from_text(text: str) -> str:
    """A short title from the text's first substantial sentence; empty when it has no words."""
    first_paragraph = text.strip().split("\n\n", 1)[0]
    sentences = [plain_text(s) for s in split_sentences(first_paragraph)][:4]
    for sentence in sentences:
        candidate = _OPENING_CLAUSE.sub("", " ".join(sentence.split()), count=1)
        candidate = candidate[:1].upper() + candidate[1:]
        if len(candidate.split()) >= _MIN_TITLE_WORDS and not _DANGLING_END.search(
            candidate.rstrip(".!?…")
        ):
            return headline_cut(candidate)
    first_line = text.strip().split("\n", 1)[0]
    match = _FIRST_SENTENCE.match(first_line)
    return shorten(match.group(0) if match else first_line)


def headline_cut(sentence: str, limit: int = TITLE_LIMIT) -> str:
    """A sentence as a title: its closing full stop dropped; when too long, cut after a clause
    (at a comma) if one ends late enough, else at a word boundary with an ellipsis."""
    text = tidy_title(sentence).rstrip(".")
    if len(text) <= limit:
        return text
    comma = text.rfind(", ", 0, limit)
    if comma >= limit // 2:
        return text[:comma]
    return shorten(text, limit)
