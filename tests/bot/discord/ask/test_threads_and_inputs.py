"""Thread history → turns, question validation, mention stripping and upload checks."""

from __future__ import annotations

from unittest.mock import MagicMock

import discord

from bot.discord import render
from bot.discord.ask.threads import turns_from_history
from bot.discord.questions import question_problem, strip_mentions
from bot.discord.sources.uploads import content_problem, upload_problem
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


def test_question_problems() -> None:
    assert question_problem("  ", 10) is not None
    assert question_problem("fine?", 10) is None
    problem = question_problem("x" * 11, 10)
    assert problem is not None and "11 characters" in problem and "up to 10" in problem


def test_strip_mentions_removes_only_the_bot() -> None:
    text = f"<@{BOT}> what did <@123> say? <@!{BOT}> <@&77> @everyone"
    assert strip_mentions(text, BOT, [77]) == "what did <@123> say? @everyone"


def test_upload_checks() -> None:
    assert upload_problem("a.HTML", 10, "text/html; charset=utf-8", 100) is None
    assert upload_problem("a.md", 10, None, 100) is None
    assert upload_problem("a.exe", 10, None, 100) is not None
    assert upload_problem("a.txt", 0, "text/plain", 100) == "That file is empty."
    assert content_problem("héllo".encode("latin-1"), 100) is None  # not UTF-8, still text
    assert content_problem(b"\x00\x01", 100) is not None
    assert content_problem(b"x" * 101, 100) is not None
