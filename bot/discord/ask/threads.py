"""A thread's history as ``Turn``s, so a follow-up ("what about China?") is understood in context.

History is read back from the bot's own answer embeds: the first embed's title is the question and
the descriptions are the answer. That needs no message-content intent (the bot always sees its own
messages) and covers the thread's first question, whose message lives in the parent channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import discord

from bot.discord.ask.render import ABSTAIN_TEXT, WRITING_FOOTER
from retrieval.models import Turn

_ESCAPED = re.compile(r"\\(.)")
_MARKERS = re.compile(r"\s?\[\d+\]")


def unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def _is_draft(embeds: list[discord.Embed]) -> bool:
    return any(e.footer.text == WRITING_FOOTER for e in embeds)


def turns_from_history(
    messages: Iterable[discord.Message], bot_id: int, *, max_turns: int = 3
) -> list[Turn]:
    """The last ``max_turns`` exchanges, oldest first, from messages in chronological order."""
    turns: list[tuple[str, list[str]]] = []
    for message in messages:
        if message.author.id != bot_id or not message.embeds or _is_draft(message.embeds):
            continue
        first, *rest = message.embeds
        if first.title:
            turns.append((unescape(first.title), []))
            parts = [first, *rest]
        elif turns:
            parts = message.embeds
        else:
            continue
        for embed in parts:
            if embed.description:
                turns[-1][1].append(embed.description)
    result = []
    for question, texts in turns:
        answer = _MARKERS.sub("", unescape(" ".join(texts))).strip()
        if answer and answer != ABSTAIN_TEXT:
            result.append(Turn(question=question, answer=answer))
    return result[-max_turns:] if max_turns > 0 else []


def strip_mentions(content: str, user_id: int, role_ids: Iterable[int] = ()) -> str:
    """The message without the mentions that addressed the bot (``<@id>``, ``<@!id>``, its role).

    Other mentions stay: whether what is left is a question is the engine's to decide.
    """
    patterns = [rf"<@!?{user_id}>"] + [rf"<@&{role_id}>" for role_id in role_ids]
    return " ".join(re.sub("|".join(patterns), " ", content).split())
