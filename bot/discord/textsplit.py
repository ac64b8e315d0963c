"""Breaking text into pieces that fit Discord's limits without cutting sentences or words.

Answers and summaries can exceed an embed's description (4,096) or a field (1,024). Members must
never see a word chopped in half or a sentence silently dropped, so pieces break at sentence ends
first, then at spaces, and only a single "word" longer than the whole limit (a pasted URL) is
cut hard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# A sentence ends with terminal punctuation, optional closing quotes/brackets and any ``[n]``
# citation markers that belong to it, followed by whitespace. "3.5" or "U.S.-based" do not end
# a sentence.
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)]*(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*(?=\s|$)""")
_WORD = re.compile(r"\S+\s*")


def _sentence_units(text: str) -> Iterator[str]:
    """Sentences with their trailing whitespace: joining them gives ``text`` back exactly."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        while end < len(text) and text[end].isspace():
            end += 1
        if end > start:
            yield text[start:end]
            start = end
    if start < len(text):
        yield text[start:]


def _units(text: str, limit: int) -> Iterator[str]:
    """Sentences; a sentence too long for ``limit`` becomes its words; a word too long, slices."""
    for sentence in _sentence_units(text):
        if len(sentence.rstrip()) <= limit:
            yield sentence
            continue
        for word in _WORD.findall(sentence):
            if len(word.rstrip()) <= limit:
                yield word
                continue
            stripped = word.rstrip()
            for i in range(0, len(stripped), limit):
                yield stripped[i : i + limit]
            if len(word) > len(stripped):
                yield word[len(stripped) :]


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters whose concatenation (modulo whitespace at the breaks)
    is ``text``; breaks fall at sentence ends when a sentence fits, otherwise between words."""
    if limit < 1:
        raise ValueError("limit must be positive")
    text = text.strip()
    if not text:
        return []
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for unit in _units(text, limit):
        if not unit.strip():
            current += unit
            continue
        candidate = current + unit
        if len(candidate.rstrip()) <= limit:
            current = candidate
            continue
        if current.strip():
            pieces.append(current.strip())
        current = unit
    if current.strip():
        pieces.append(current.strip())
    return pieces


def pack_lines(lines: Iterable[str], limit: int, *, separator: str = "\n") -> list[str]:
    """Join lines into as few blocks of at most ``limit`` characters as possible, never splitting a
    line that fits on its own (a line that does not is split with :func:`split_text`)."""
    blocks: list[str] = []
    current = ""
    for line in lines:
        parts = [line] if len(line) <= limit else split_text(line, limit)
        for part in parts:
            if not part.strip():
                continue
            candidate = f"{current}{separator}{part}" if current else part
            if len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    blocks.append(current)
                current = part
    if current:
        blocks.append(current)
    return blocks


def shorten(text: str, limit: int, *, placeholder: str = "…") -> str:
    """``text`` cut at a word boundary to fit ``limit`` (for titles and thread names only)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = limit - len(placeholder)
    cut = text[: room + 1]
    space = cut.rfind(" ")
    head = cut[:space] if space > room // 2 else text[:room]
    return head.rstrip() + placeholder
