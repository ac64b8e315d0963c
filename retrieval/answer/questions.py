"""What a question (or a pasted text) must be before the engine runs it.

Kept apart from the engine so both adapters and their fakes refuse exactly the same input.
"""

from __future__ import annotations

import re

from retrieval.errors import QuestionError

_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>")
_UNDECODED = re.compile("[\ud800-\udfff]")


def clean_question(question: str, *, max_chars: int) -> str:
    """Normalise a question or say why it cannot be asked; mentions are not part of a question."""
    if _UNDECODED.search(question):
        # Python hands bytes that were not UTF-8 (argv, a line of stdin) over as lone surrogates,
        # which no tokenizer accepts. Said back with the bad bytes shown as U+FFFD.
        raise QuestionError(
            "The question is not valid UTF-8 text; please retype it or save it as UTF-8.",
            question=readable(question),
        )
    text = _MENTION.sub(" ", question)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("Please ask a question: the message was empty.", question=question)
    if len(text) > max_chars:
        raise QuestionError(
            f"Your question is {len(text):,} characters long; the limit is {max_chars:,}. "
            "Please shorten it to the part you want answered.",
            question=question,
        )
    return text


def readable(text: str) -> str:
    """``text`` with undecodable bytes (lone surrogates) shown as U+FFFD."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte ("\ud800" from JSON)
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return raw.decode("utf-8", "replace")


def decodable(text: str) -> bool:
    """False when ``text`` carries bytes that were not UTF-8 (lone surrogates)."""
    return not _UNDECODED.search(text)


def without_mentions(text: str) -> str:
    """``text`` with Discord mentions (``@everyone``, users, roles, channels) blanked out."""
    return _MENTION.sub(" ", text)
