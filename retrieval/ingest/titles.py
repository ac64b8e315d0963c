"""Titles for texts that do not state one.

Citations show a title next to every source, so each document needs one. A plain-text file whose first
line reads like a headline (short, no closing full stop, more text below it) has its headline there, as
BBC files do; otherwise the first sentence, cut at a word boundary, says what the document is about.
"""

from __future__ import annotations

import re

TITLE_LIMIT = 80
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


def title_from_text(text: str) -> str:
    """The first sentence of the text, shortened; empty when the text has no words."""
    first_line = text.strip().split("\n", 1)[0]
    match = _FIRST_SENTENCE.match(first_line)
    sentence = match.group(0) if match else first_line
    return shorten(sentence)
