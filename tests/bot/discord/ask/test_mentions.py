"""Mention questions, threads and follow-ups, through the cog's ``on_message`` listener."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, MagicMock, create_autospec

import discord
import pytest
from discord.ext import commands

from bot.discord.ask import render
from bot.discord.ask._cog import AskCog
from retrieval.engine import Engine
from tests.bot.fakes import (
    FakeEngine,
    make_role,
    make_services,
    make_user,
    pings_nobody,
    sample_answer,
)

BOT_ID = 999
BOT_ROLE = 4242


async def _aiter(items: Sequence[Any]) -> AsyncIterator[Any]:
    for item in items:
        yield item


def make_cog(tmp_path: Path, engine: FakeEngine, **settings: object) -> AskCog:
    bot = MagicMock(spec=commands.Bot)
    bot.user = make_user(BOT_ID, bot=True)
    return AskCog(bot, make_services(tmp_path, engine, **settings))


def make_thread(owner_id: int, history: Sequence[Any] = ()) -> MagicMock:
    thread = create_autospec(discord.Thread, instance=True)
    thread.id = 321
    thread.owner_id = owner_id
    thread.send.return_value = create_autospec(discord.Message, instance=True)
    thread.history = MagicMock(side_effect=lambda **kw: _aiter(list(reversed(history))))
    return thread


def make_message(
    content: str,
    *,
    channel: MagicMock | None = None,
    author: MagicMock | None = None,
    mentions_bot: bool = True,
) -> MagicMock:
    message = create_autospec(discord.Message, instance=True)
    message.id = 1001
    message.content = content
    message.author = author or make_user(42)
    guild = MagicMock(spec=discord.Guild)
    guild.id = 7
    guild.self_role = make_role(BOT_ROLE, "newsbot")
    message.guild = guild
    message.mentions = [make_user(BOT_ID, bot=True)] if mentions_bot else []
    message.role_mentions = []
    message.channel = channel or create_autospec(discord.TextChannel, instance=True)
    return message


def bot_answer_message(question: str, answer: str) -> MagicMock:
    message = MagicMock(spec=discord.Message)
    message.author = make_user(BOT_ID, bot=True)
    message.embeds = render.answer_messages(sample_answer(question, text=answer, sentences=()))[0]
    return message


def assert_no_pings(*mocks: MagicMock) -> None:
    seen = 0
    for mock in mocks:
        for call in mock.mock_calls:
            name, _, kwargs = call
            if name.split(".")[-1] in {"send", "reply", "edit"}:
                seen += 1
                assert pings_nobody(kwargs.get("allowed_mentions")), call
    assert seen


async def test_mention_answers_in_a_new_thread_without_pinging(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(sample_answer("What happened? @everyone"))
    cog = make_cog(tmp_path, engine)
    thread = make_thread(BOT_ID)
    message = make_message(f"<@{BOT_ID}> What happened? @everyone")
    message.create_thread.return_value = thread

    await cog.on_message(message)

    assert engine.calls_to("stream")[0].args == ("What happened? @everyone",)
    assert message.create_thread.await_args.kwargs["name"] == "What happened? @everyone"
    sent = thread.send.await_args.kwargs
    assert sent["embeds"][0].title == "What happened? @everyone"
    assert sent["embeds"][0].footer.text.startswith(render.DONE_FOOTER)
    assert sent["view"].children[0].custom_id == "newsbot:sources:0123456789abcdef"
    assert_no_pings(thread, message)


async def test_mention_of_the_bots_role_counts_as_a_mention(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(sample_answer("Any news?"))
    cog = make_cog(tmp_path, engine)
    message = make_message(f"<@&{BOT_ROLE}> Any news?", mentions_bot=False)
    message.role_mentions = [make_role(BOT_ROLE, "newsbot")]
    message.create_thread.return_value = make_thread(BOT_ID)

    await cog.on_message(message)

    assert engine.calls_to("stream")[0].args == ("Any news?",)


async def test_follow_up_in_the_bots_thread_uses_the_last_turns(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(sample_answer("what about China?"))
    cog = make_cog(tmp_path, engine)
    history = [
        bot_answer_message("Who sent arms to Russia?", "North Korea sent artillery [1]."),
        make_message("thanks!", mentions_bot=False),
        bot_answer_message("Did Kim meet Putin?", "Yes, at a summit [2]."),
    ]
    thread = make_thread(BOT_ID, history)
    message = make_message("what about China?", channel=thread, mentions_bot=False)

    await cog.on_message(message)

    call = engine.calls_to("stream")[0]
    assert call.args == ("what about China?",)
    turns = call.kwargs["history"]
    assert [(t.question, t.answer) for t in turns] == [
        ("Who sent arms to Russia?", "North Korea sent artillery."),
        ("Did Kim meet Putin?", "Yes, at a summit."),
    ]
    message.create_thread.assert_not_awaited()
    assert thread.send.await_args.kwargs["embeds"][0].title == "what about China?"


async def test_streamed_mention_answer_edits_its_draft_message(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(sample_answer("Q?", mode="llm"), drafts=["North", "North Korea"])
    cog = make_cog(tmp_path, engine)
    thread = make_thread(BOT_ID)
    draft = thread.send.return_value
    message = make_message("Q?", channel=thread, mentions_bot=False)

    await cog.on_message(message)

    assert thread.send.await_args_list[0].kwargs["embed"].footer.text == render.WRITING_FOOTER
    final = draft.edit.await_args.kwargs
    assert final["embeds"][-1].footer.text.startswith(render.DONE_FOOTER)
    assert_no_pings(thread, draft)


async def test_bots_and_itself_are_ignored(tmp_path: Path) -> None:
    engine = FakeEngine()
    cog = make_cog(tmp_path, engine)
    other_bot = make_message(f"<@{BOT_ID}> hi", author=make_user(5, bot=True))
    itself = make_message(f"<@{BOT_ID}> hi", author=make_user(BOT_ID, bot=True))
    in_own_thread = make_message(
        "hello", channel=make_thread(BOT_ID), author=make_user(6, bot=True)
    )

    for message in (other_bot, itself, in_own_thread):
        await cog.on_message(message)
        message.reply.assert_not_awaited()
        message.create_thread.assert_not_awaited()
    assert engine.calls == []


async def test_unaddressed_messages_are_ignored(tmp_path: Path) -> None:
    engine = FakeEngine()
    cog = make_cog(tmp_path, engine)
    elsewhere = make_message("just chatting", mentions_bot=False)
    others_thread = make_message("hi", channel=make_thread(owner_id=1), mentions_bot=False)
    no_content = make_message("", channel=make_thread(BOT_ID), mentions_bot=False)

    for message in (elsewhere, others_thread, no_content):
        await cog.on_message(message)
    assert engine.calls == []


async def test_mention_cooldown_and_empty_question_are_polite_replies(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(sample_answer("First?"))
    cog = make_cog(tmp_path, engine, newsbot_cooldown_seconds=60)
    first = make_message(f"<@{BOT_ID}> First?")
    first.create_thread.return_value = make_thread(BOT_ID)
    await cog.on_message(first)

    again = make_message(f"<@{BOT_ID}> Second?")
    await cog.on_message(again)
    text = again.reply.await_args.args[0]
    assert text.startswith("You're asking a little fast. Please try again in ")
    assert again.reply.await_args.kwargs["mention_author"] is False

    empty = make_message(f"<@{BOT_ID}>", author=make_user(43))
    await cog.on_message(empty)
    assert "Please ask a question" in empty.reply.await_args.kwargs["embeds"][0].description
    assert len(engine.calls_to("stream")) == 1
    assert_no_pings(again, empty)


async def test_thread_creation_failure_falls_back_to_a_reply(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(sample_answer("Q?"))
    cog = make_cog(tmp_path, engine)
    channel = create_autospec(discord.TextChannel, instance=True)
    message = make_message(f"<@{BOT_ID}> Q?", channel=channel)
    response = MagicMock(status=403, reason="Forbidden")
    message.create_thread.side_effect = discord.Forbidden(response, "Missing Permissions")

    await cog.on_message(message)

    sent = channel.send.await_args.kwargs
    assert sent["reference"] is message and sent["mention_author"] is False
    assert sent["embeds"][0].title == "Q?"


async def test_engine_failure_on_a_mention_is_reported(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.fail_next = RuntimeError("boom")
    engine.enqueue(sample_answer("Q?"))
    cog = make_cog(tmp_path, engine)
    message = make_message(f"<@{BOT_ID}> Q?")
    message.create_thread.return_value = make_thread(BOT_ID)

    await cog.on_message(message)

    embed = message.reply.await_args.kwargs["embeds"][0]
    assert "something went wrong" in embed.description and "1001" in embed.description
    assert isinstance(message.reply, AsyncMock)


async def test_a_mention_that_is_only_everyone_gets_the_polite_reply_from_the_real_engine(
    tmp_path: Path, seed_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The engine decides what a question is; the cog shows its refusal and logs no exception."""
    bot = MagicMock(spec=commands.Bot)
    bot.user = make_user(BOT_ID, bot=True)
    cog = AskCog(bot, make_services(tmp_path, seed_engine))
    message = make_message(f"<@{BOT_ID}> @everyone")

    with caplog.at_level(logging.INFO):
        await cog.on_message(message)

    reply = message.reply.await_args.kwargs
    assert "Please ask a question" in reply["embeds"][0].description
    assert "something went wrong" not in reply["embeds"][0].description
    message.create_thread.assert_not_awaited()  # refused before a thread is opened
    assert pings_nobody(reply["allowed_mentions"])
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
