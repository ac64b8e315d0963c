"""Thread history → turns, and mention stripping."""

from __future__ import annotations

from unittest.mock import MagicMock

import discord

from bot.discord.ask import render
from bot.discord.ask.threads import strip_mentions, turns_from_history
from tests.bot.fakes import abstention, make_user, sample_answer

BOT = 999


def message(author_id: int, embeds: list[discord.Embed]) -> MagicMock:
    m = MagicMock(spec=discord.Message)
    m.author = make_user(author_id, bot=author_id == BOT)
    m.embeds = embeds
    return m


def test_turns_come_from_the_bots_answers_including_continuations() -> None:
    long_text = " ".join(f"Fact {i} holds [1]." for i in range(500))
    long = render.answer_messages(
        sample_answer("Tell me *everything*", text=long_text, sentences=())
    )
    assert len(long) > 1
    history = [message(BOT, embeds) for embeds in long]
    history.append(message(5, []))
    history.append(message(BOT, [render.draft_embed("half", "written")]))
    turns = turns_from_history(history, BOT)
    assert len(turns) == 1
    assert turns[0].question == "Tell me *everything*"  # markdown escaping undone
    assert "[1]" not in turns[0].answer
    assert turns[0].answer.split() == long_text.replace(" [1]", "").split()


def test_only_the_last_turns_are_kept_and_abstentions_skipped() -> None:
    history = [
        message(
            BOT, render.answer_messages(sample_answer(f"Q{i}?", text=f"A{i}.", sentences=()))[0]
        )
        for i in range(5)
    ]
    history.append(message(BOT, render.answer_messages(abstention("Unknown?"))[0]))
    turns = turns_from_history(history, BOT, max_turns=3)
    assert [(t.question, t.answer) for t in turns] == [
        ("Q2?", "A2."),
        ("Q3?", "A3."),
        ("Q4?", "A4."),
    ]
    assert turns_from_history(history, BOT, max_turns=0) == []


def test_strip_mentions_removes_only_the_bot() -> None:
    text = f"<@{BOT}> what did <@123> say? <@!{BOT}> <@&77> @everyone"
    assert strip_mentions(text, BOT, [77]) == "what did <@123> say? @everyone"
