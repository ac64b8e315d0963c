"""``/ask`` driven through its app-command callback with spec'd mock interactions."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from discord.ext import commands

from bot.discord.ask import render
from bot.discord.ask._cog import AskCog
from retrieval.engine import Engine
from tests.bot.fakes import (
    FakeEngine,
    abstention,
    call_names,
    invoke,
    make_interaction,
    make_services,
    make_user,
    pings_nobody,
    sample_answer,
    sent_kwargs,
)


def make_cog(tmp_path: Path, engine: FakeEngine, **settings: object) -> AskCog:
    services = make_services(tmp_path, engine, **settings)
    return AskCog(MagicMock(spec=commands.Bot), services)


def assert_no_pings(interaction: MagicMock) -> None:
    sends = sent_kwargs(interaction)
    assert sends
    for kwargs in sends:
        if "embeds" in kwargs or "content" in kwargs or "embed" in kwargs:
            assert pings_nobody(kwargs.get("allowed_mentions")), kwargs


async def test_ask_defers_first_then_answers_in_embeds_with_buttons(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(sample_answer("What happened?"))
    cog = make_cog(tmp_path, engine)
    interaction = make_interaction(cog.services)

    await invoke(cog.ask, cog, interaction, question="  What happened?  ")

    names = call_names(interaction)
    assert names[0] == "response.defer"
    assert interaction.response.defer.await_args.kwargs == {"thinking": True}
    assert names[-1] == "edit_original_response"
    assert engine.calls_to("stream")[0].args == ("What happened?",)
    final = interaction.edit_original_response.await_args.kwargs
    embed = final["embeds"][0]
    assert embed.title == "What happened?"
    assert "[1]" in embed.description
    assert any(f.name == "Sources" for f in embed.fields)
    custom_ids = [item.custom_id for item in final["view"].children]
    assert custom_ids == [
        "newsbot:sources:0123456789abcdef",
        "newsbot:vote:up:0123456789abcdef",
        "newsbot:vote:down:0123456789abcdef",
    ]
    assert_no_pings(interaction)
    # Remembered at send time, so the buttons work after a restart.
    stored = cog.services.store.answer("0123456789abcdef")
    assert stored is not None and stored.question == "What happened?"
    assert [c.n for c in stored.citations] == [1, 2]


async def test_streaming_edits_show_writing_then_done(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(
        sample_answer("Q?", mode="llm"), drafts=["North", "North Korea", "North Korea sent"]
    )
    cog = make_cog(tmp_path, engine)
    interaction = make_interaction(cog.services)

    await invoke(cog.ask, cog, interaction, question="Q?")

    edits = [c.kwargs for c in interaction.edit_original_response.await_args_list]
    assert len(edits) >= 2
    assert edits[0]["embeds"][0].footer.text == render.WRITING_FOOTER
    assert edits[-1]["embeds"][-1].footer.text.startswith(render.DONE_FOOTER)
    assert "view" not in edits[0]
    assert_no_pings(interaction)


async def test_abstention_is_friendly_and_short(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(abstention("Who won the cup?"))
    cog = make_cog(tmp_path, engine)
    interaction = make_interaction(cog.services)

    await invoke(cog.ask, cog, interaction, question="Who won the cup?")

    final = interaction.edit_original_response.await_args.kwargs
    assert final["embeds"][0].description == render.ABSTAIN_TEXT
    ids = [item.custom_id for item in final["view"].children]
    assert not any(i.startswith("newsbot:sources:") for i in ids)  # nothing to show


async def test_long_answer_goes_out_in_several_messages(tmp_path: Path) -> None:
    body = " ".join(f"Claim {i} was reported by the agency [1]." for i in range(700))
    engine = FakeEngine()
    engine.enqueue(sample_answer("Q?", text=body, sentences=()))
    cog = make_cog(tmp_path, engine)
    interaction = make_interaction(cog.services)

    await invoke(cog.ask, cog, interaction, question="Q?")

    first = interaction.edit_original_response.await_args.kwargs
    followups = [c.kwargs for c in interaction.followup.send.await_args_list]
    assert followups, "the overflow goes out as follow-up messages"
    assert first["view"] is None and "view" in followups[-1]
    sent = " ".join(e.description or "" for kw in [first, *followups] for e in kw["embeds"])
    for i in range(700):
        assert f"Claim {i} was reported" in sent
    assert_no_pings(interaction)


async def test_empty_question_gets_a_polite_ephemeral_message(tmp_path: Path) -> None:
    engine = FakeEngine()
    cog = make_cog(tmp_path, engine)
    interaction = make_interaction(cog.services)

    await invoke(cog.ask, cog, interaction, question="   ")

    kwargs = interaction.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True
    assert "Please ask a question" in kwargs["embeds"][0].description
    interaction.response.defer.assert_not_awaited()
    assert engine.calls == []


async def test_too_long_question_is_refused_and_quoted_back(tmp_path: Path) -> None:
    engine = FakeEngine()
    cog = make_cog(tmp_path, engine, newsbot_max_question_chars=50)
    interaction = make_interaction(cog.services)
    question = "Why " + "really " * 30 + "@everyone?"

    await invoke(cog.ask, cog, interaction, question=question)

    kwargs = interaction.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True
    description = kwargs["embeds"][0].description
    assert "the limit is 50" in description
    assert question in description  # nothing the member typed is lost
    assert engine.calls == []
    assert_no_pings(interaction)


async def test_cooldown_refuses_politely_with_seconds_left(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(sample_answer("First?"))
    cog = make_cog(tmp_path, engine, newsbot_cooldown_seconds=30)
    user = make_user(7)
    first = make_interaction(cog.services, user=user)
    await invoke(cog.ask, cog, first, question="First?")

    second = make_interaction(cog.services, user=user)
    await invoke(cog.ask, cog, second, question="Second?")

    kwargs = second.response.send_message.await_args.kwargs
    text = second.response.send_message.await_args.args[0]
    assert kwargs["ephemeral"] is True
    assert text.startswith("You're asking a little fast. Please try again in ")
    assert text.endswith(" s.") and int(text.split()[-2]) in range(28, 31)
    second.response.defer.assert_not_awaited()
    assert len(engine.calls_to("stream")) == 1
    # Another member is not affected.
    engine.enqueue(sample_answer("Other?"))
    other = make_interaction(cog.services, user=make_user(8))
    await invoke(cog.ask, cog, other, question="Other?")
    other.response.defer.assert_awaited_once()


async def test_engine_error_reaches_the_user_and_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = FakeEngine()
    engine.fail_next = RuntimeError("store exploded")
    engine.enqueue(sample_answer())
    cog = make_cog(tmp_path, engine)
    interaction = make_interaction(cog.services, interaction_id=424242)

    with caplog.at_level(logging.ERROR):
        await invoke(cog.ask, cog, interaction, question="Q?")

    assert call_names(interaction)[0] == "response.defer"
    final = interaction.edit_original_response.await_args.kwargs
    assert "something went wrong" in final["embeds"][0].description
    assert "424242" in final["embeds"][0].description
    assert any("424242" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_excess_questions_are_queued_not_dropped(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.gate = threading.Event()
    for i in range(3):
        engine.enqueue(sample_answer(f"Q{i}?", answer_id=f"id{i}"))
    cog = make_cog(tmp_path, engine, newsbot_max_in_flight=1, newsbot_cooldown_seconds=0)
    interactions = [make_interaction(cog.services, user=make_user(i)) for i in range(3)]

    tasks = [
        asyncio.create_task(invoke(cog.ask, cog, it, question=f"Q{i}?"))
        for i, it in enumerate(interactions)
    ]
    for _ in range(100):
        if cog.services.in_flight.waiting == 2:
            break
        await asyncio.sleep(0.05)
    assert cog.services.in_flight.active == 1
    assert cog.services.in_flight.waiting == 2
    engine.gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)

    assert engine.max_concurrent == 1
    for it in interactions:
        it.response.defer.assert_awaited_once()
        final = it.edit_original_response.await_args.kwargs
        assert final["embeds"][0].footer.text.startswith(render.DONE_FOOTER)


async def test_ask_with_only_a_mention_gets_the_polite_reply_from_the_real_engine(
    tmp_path: Path, seed_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    services = make_services(tmp_path, seed_engine)
    cog = AskCog(MagicMock(spec=commands.Bot), services)
    interaction = make_interaction(services)

    with caplog.at_level(logging.INFO):
        await invoke(cog.ask, cog, interaction, question="@everyone")

    kwargs = interaction.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True
    assert "Please ask a question" in kwargs["embeds"][0].description
    interaction.response.defer.assert_not_awaited()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
