"""Two Discord servers against one store, through the cogs and buttons, with real engines; and the
channel allow-list."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import MagicMock, create_autospec

import discord
from discord.ext import commands

from bot.discord.ask._cog import AskCog
from bot.discord.sources._cog import SourcesCog
from bot.discord.sources.views import RemoveDocumentButton
from retrieval.index.embeddings import MiniLMEmbedder, WordLlamaEmbedder
from tests.bot.discord.ask.test_mentions import BOT_ID, make_cog, make_message, make_thread
from tests.bot.discord.test_moderation import make_attachment
from tests.bot.fakes import (
    FakeEngine,
    invoke,
    make_interaction,
    make_services,
    sample_answer,
    shown_text,
)
from tests.retrieval.communities.test_communities import HARBOUR, engines_on


async def test_a_moderator_changes_only_their_own_servers_documents(
    tmp_path: Path, minilm: MiniLMEmbedder, wordllama: WordLlamaEmbedder
) -> None:
    engines = engines_on(tmp_path / "store", minilm, wordllama)
    services = make_services(tmp_path, engines)
    cog = SourcesCog(MagicMock(spec=commands.Bot), services)

    def moderator(guild_id: int) -> MagicMock:
        return make_interaction(services, manage_messages=True, guild_id=guild_id)

    upload = moderator(1)
    await invoke(
        cog.add, cog, upload, file=make_attachment("harbour.txt", HARBOUR.encode(), "text/plain")
    )
    assert "harbour.txt" in shown_text(upload)
    (doc,) = [d for d in engines.for_community(1).documents() if d.source == "harbour.txt"]

    complete = cog._remove_names  # type: ignore[attr-defined]
    assert [c.value for c in await complete(moderator(1), "harbour")] == ["harbour.txt"]
    assert await complete(moderator(2), "harbour") == []

    elsewhere = moderator(2)
    await invoke(cog.remove, cog, elsewhere, name="harbour.txt")
    assert "No document is called" in shown_text(elsewhere)
    click = moderator(2)  # a button carrying server 1's document id, clicked in server 2
    await RemoveDocumentButton(doc.doc_id).callback(click)
    assert "No document is called" in shown_text(click)
    assert "harbour.txt" in {d.source for d in engines.for_community(1).documents()}

    seed = engines.operator.documents()[0]
    assert await complete(moderator(1), seed.source) == []  # only removable ones are offered
    listing = moderator(1)
    await invoke(cog.list_documents, cog, listing)
    lines = listing.edit_original_response.await_args.kwargs["embeds"][0].description
    seed_line = next(x for x in lines.splitlines() if seed.source.split("_")[-1] in x)
    assert "shared by every server" in seed_line  # names are markdown-escaped
    assert "shared" not in next(x for x in lines.splitlines() if "harbour.txt" in x)
    shared = moderator(1)
    await invoke(cog.remove, cog, shared, name=seed.doc_id)
    assert "only the bot's operator can remove it" in shown_text(shared)
    assert len(engines.operator.documents()) == 5

    click = moderator(1)
    await RemoveDocumentButton(doc.doc_id).callback(click)
    assert "Removed `harbour.txt`" in click.response.edit_message.await_args.kwargs["content"]
    assert "harbour.txt" not in {d.source for d in engines.for_community(1).documents()}


async def test_ask_answers_only_in_the_allowed_channels(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue(sample_answer("What happened?"))
    services = make_services(tmp_path, engine, newsbot_allowed_channel_ids="100,200")
    cog = AskCog(MagicMock(spec=commands.Bot), services)

    refused = make_interaction(services, channel_id=300)
    await invoke(cog.ask, cog, refused, question="What happened?")
    kwargs = refused.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True
    assert "only in <#100>, <#200>" in kwargs["embeds"][0].description
    assert engine.calls_to("stream") == []

    allowed = make_interaction(services, channel_id=200)
    await invoke(cog.ask, cog, allowed, question="What happened?")
    assert [c.args for c in engine.calls_to("stream")] == [("What happened?",)]


async def test_a_server_with_no_allowed_channel_is_told_so(tmp_path: Path) -> None:
    services = make_services(tmp_path, FakeEngine(), newsbot_allowed_channel_ids="100")
    cog = AskCog(MagicMock(spec=commands.Bot), services)
    interaction = make_interaction(services, channel_id=300)
    interaction.guild.get_channel.return_value = None  # channel 100 is another server's
    await invoke(cog.ask, cog, interaction, question="What happened?")
    text = interaction.response.send_message.await_args.kwargs["embeds"][0].description
    assert text == "I don't answer questions in this server's channels."


async def test_mentions_outside_the_allowed_channels_get_a_pointer_not_an_answer(
    tmp_path: Path,
) -> None:
    engine = FakeEngine()
    engine.enqueue(sample_answer("What happened?"))
    cog = make_cog(tmp_path, engine, newsbot_allowed_channel_ids="100")

    channel = create_autospec(discord.TextChannel, instance=True)
    channel.id = 300
    message = make_message(f"<@{BOT_ID}> What happened?", channel=channel)
    await cog.on_message(message)
    assert engine.calls_to("stream") == []
    reply = message.reply.await_args.kwargs["embeds"][0].description
    assert "only in <#100>" in reply

    thread = make_thread(BOT_ID)
    thread.parent_id = 100  # a thread counts as its channel
    follow_up = make_message("What happened?", channel=thread, mentions_bot=False)
    await cog.on_message(follow_up)
    assert [c.args for c in engine.calls_to("stream")] == [("What happened?",)]
