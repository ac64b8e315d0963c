"""Turning what a member typed into a question the engine can take, or a polite reason it cannot."""

from __future__ import annotations

import re
from collections.abc import Iterable

EMPTY_QUESTION = (
    "Please ask a question, for example: *What did the reports say about the North Korea-Russia "
    "summit?*"
)


def question_problem(question: str, max_chars: int) -> str | None:
    """Why the question cannot be answered as is, or None when it is fine."""
    text = question.strip()
    if not text:
        return EMPTY_QUESTION
    if len(text) > max_chars:
        return (
            f"Your question is {len(text)} characters long; I can take up to {max_chars}. "
            "Could you shorten it? Here it is, so you don't have to type it again:"
        )
    return None


def strip_mentions(content: str, user_id: int, role_ids: Iterable[int] = ()) -> str:
    """The message without the mentions that addressed the bot (``<@id>``, ``<@!id>``, its role)."""
    patterns = [rf"<@!?{user_id}>"] + [rf"<@&{role_id}>" for role_id in role_ids]
    return " ".join(re.sub("|".join(patterns), " ", content).split())
