"""``/summary`` and ``/sources``: permission re-checks, ephemeral previews, posting, uploads."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any, cast
from unittest.mock import MagicMock

import discord
import pytest
from discord.ext import commands

from bot.discord.services import BotServices
from bot.discord.sources._cog import SourcesCog
from bot.discord.sources.views import RemoveDocumentButton
from bot.discord.summary._cog import SummaryCog
from bot.discord.summary.views import PostSummaryButton
from retrieval.models import IngestReport, SummaryKind
from tests.bot.fakes import (
    FakeEngine,
    call_names,
    document_info,
    invoke,
    make_interaction,
    make_role,
    make_services,
    make_user,
    pings_nobody,
    sample_summary,
    shown_text,
)


def summary_cog(services: BotServices) -> SummaryCog:
    return SummaryCog(MagicMock(spec=commands.Bot), services)


def sources_cog(services: BotServices) -> SourcesCog:
    return SourcesCog(MagicMock(spec=commands.Bot), services)


def make_attachment(filename: str, data: bytes, content_type: str | None) -> MagicMock:
    attachment = MagicMock(spec=discord.Attachment)
    attachment.filename = filename
    attachment.size = len(data)
    attachment.content_type = content_type
    attachment.read.return_value = data
    return attachment


async def test_summary_is_refused_without_manage_messages(tmp_path: Path) -> None:
    engine = FakeEngine()
    services = make_services(tmp_path, engine)
    cog = summary_cog(services)
    interaction = make_interaction(services, manage_messages=False)

    await invoke(cog.topic, cog, interaction, query="Russia")

    kwargs = interaction.response.send_message.await_args.kwargs
    assert "Manage Messages" in shown_text(interaction) and kwargs["ephemeral"] is True
    assert engine.calls == []


async def test_configured_role_is_required_on_top(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue_summary(sample_summary())
    services = make_services(tmp_path, engine, newsbot_moderator_role="News Mods")
    cog = summary_cog(services)
    without = make_interaction(services, manage_messages=True)
    await invoke(cog.latest, cog, without, days=3)
    assert "News Mods" in shown_text(without)
    assert engine.calls == []

    member = make_user(9, roles=[make_role(1, "news mods")])
    allowed = make_interaction(services, user=member, manage_messages=True)
    await invoke(cog.latest, cog, allowed, days=3)
    assert engine.calls_to("summarise")[0].args[0].days == 3


async def test_summary_previews_ephemerally_with_a_post_button(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = FakeEngine()
    engine.enqueue_summary(sample_summary())
    services = make_services(tmp_path, engine)
    cog = summary_cog(services)
    interaction = make_interaction(services, manage_messages=True, user=make_user(77))

    with caplog.at_level(logging.INFO):
        await invoke(
            cog.topic, cog, interaction, query="Russia North Korea", since="2023-09-01", until=None
        )

    assert call_names(interaction)[0] == "response.defer"
    assert interaction.response.defer.await_args.kwargs == {"ephemeral": True, "thinking": True}
    request = engine.calls_to("summarise")[0].args[0]
    assert request.kind is SummaryKind.TOPIC and request.query == "Russia North Korea"
    assert request.since == dt.date(2023, 9, 1)
    final = interaction.edit_original_response.await_args.kwargs
    assert final["embeds"][0].title == "North Korea and Russia draw closer"
    assert pings_nobody(final["allowed_mentions"])
    (button,) = final["view"].children
    assert re.fullmatch(r"newsbot:post:[0-9a-f]{16}", button.custom_id)
    assert any(
        "moderator action: /summary Topic: Russia North Korea" in r.getMessage()
        and "77" in r.getMessage()
        for r in caplog.records
    )


async def test_bad_date_is_a_polite_refusal(tmp_path: Path) -> None:
    engine = FakeEngine()
    services = make_services(tmp_path, engine)
    cog = summary_cog(services)
    interaction = make_interaction(services, manage_messages=True)

    await invoke(cog.topic, cog, interaction, query="x", since="last week")

    assert "YYYY-MM-DD" in shown_text(interaction)
    assert interaction.response.send_message.await_args.kwargs["ephemeral"] is True
    assert engine.calls == []


async def test_post_to_channel_posts_the_stored_summary(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.enqueue_summary(sample_summary())
    services = make_services(tmp_path, engine)
    cog = summary_cog(services)
    preview = make_interaction(services, manage_messages=True)
    await invoke(cog.document, cog, preview, name="doc1.txt")
    custom_id = preview.edit_original_response.await_args.kwargs["view"].children[0].custom_id

    # The click arrives as discord.py would deliver it, possibly after a restart.
    match = PostSummaryButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    click = make_interaction(services, manage_messages=True)
    button = await PostSummaryButton.from_custom_id(click, MagicMock(), match)
    await button.callback(click)

    sent = click.channel.send.await_args.kwargs
    assert sent["embeds"][0].title == "North Korea and Russia draw closer"
    sources = next(f.value for f in sent["embeds"][0].fields if f.name == "Sources")
    assert "[1] [Summit report](<https://example.org/summit>)" in sources
    assert pings_nobody(sent["allowed_mentions"])
    assert click.edit_original_response.await_args.kwargs["view"] is None


async def test_post_button_rechecks_permissions(tmp_path: Path) -> None:
    services = make_services(tmp_path, FakeEngine())
    services.store.remember_summary("abc", 1, [[{"title": "x"}]])
    click = make_interaction(services, manage_messages=False)
    await PostSummaryButton("abc").callback(click)
    assert click.response.send_message.await_args.kwargs["ephemeral"] is True
    assert "Manage Messages" in shown_text(click)
    click.channel.send.assert_not_awaited()


async def test_document_autocomplete_lists_matching_titles(tmp_path: Path) -> None:
    docs = [
        document_info("kim.txt", "Kim meets Putin", day=3),
        document_info("oil.txt", "Oil prices", day=4),
        document_info("kim2.txt", "Kim's satellite", day=5),
    ]
    engine = FakeEngine(docs)
    services = make_services(tmp_path, engine)
    cog = summary_cog(services)

    complete = cast(Any, cog)._document_names
    choices = await complete(make_interaction(services), "kim")

    assert [c.value for c in choices] == ["kim2.txt", "kim.txt"]
    assert choices[0].name == "Kim's satellite (2023-11-05)"
    # Read afresh at every keystroke (the store lists from memory): a document removed a moment
    # ago is not offered, where a 60 s cache kept offering it.
    engine.remove_document("kim2.txt")
    choices = await complete(make_interaction(services), "kim")
    assert [c.value for c in choices] == ["kim.txt"]


async def test_sources_add_checks_type_and_size_before_downloading(tmp_path: Path) -> None:
    engine = FakeEngine()
    services = make_services(tmp_path, engine, newsbot_max_upload_bytes=100)
    cog = sources_cog(services)

    for attachment, expected in [
        (make_attachment("photo.png", b"\x89PNG", "image/png"), ".txt"),
        (make_attachment("big.txt", b"x" * 101, "text/plain"), "limit is 100 bytes"),
        (make_attachment("fake.txt", b"x", "application/pdf"), "application/pdf"),
    ]:
        interaction = make_interaction(services, manage_messages=True)
        await invoke(cog.add, cog, interaction, file=attachment)
        kwargs = interaction.response.send_message.await_args.kwargs
        assert expected in shown_text(interaction) and kwargs["ephemeral"] is True
        attachment.read.assert_not_awaited()
    assert engine.calls == []


async def test_sources_add_rejects_binary_content(tmp_path: Path) -> None:
    engine = FakeEngine()
    services = make_services(tmp_path, engine)
    cog = sources_cog(services)
    interaction = make_interaction(services, manage_messages=True)

    await invoke(
        cog.add, cog, interaction, file=make_attachment("a.txt", b"ab\x00\x01", "text/plain")
    )

    final = interaction.edit_original_response.await_args.kwargs
    assert "does not look like text" in final["embeds"][0].description
    assert engine.calls == []


async def test_sources_add_ingests_with_progress(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = FakeEngine()
    engine.ingest_reports.append(IngestReport(documents=1, added=1, chunks=4))
    services = make_services(tmp_path, engine)
    cog = sources_cog(services)
    interaction = make_interaction(services, manage_messages=True, user=make_user(31))
    data = b"# Title\n\nSome news text."

    with caplog.at_level(logging.INFO):
        await invoke(
            cog.add,
            cog,
            interaction,
            file=make_attachment("news.md", data, "text/markdown; charset=utf-8"),
        )

    assert call_names(interaction)[0] == "response.defer"
    progress = [c.kwargs["content"] for c in interaction.edit_original_response.await_args_list]
    assert progress[0].startswith("⏳ Downloading `news.md`")
    assert progress[1] == "⏳ Indexing `news.md`…"
    assert progress[-1] == "✅ Added `news.md` (4 passages indexed)."
    assert engine.calls_to("ingest_bytes")[0].args == ("news.md", data)
    assert any(
        "/sources add news.md" in r.getMessage() and "31" in r.getMessage() for r in caplog.records
    )


async def test_sources_remove_and_list(tmp_path: Path) -> None:
    engine = FakeEngine([document_info("a.txt", "Alpha"), document_info("b.txt", "Beta")])
    services = make_services(tmp_path, engine)
    cog = sources_cog(services)

    preview = make_interaction(services, manage_messages=True)
    await invoke(cog.remove, cog, preview, name="Alpha")
    shown = preview.edit_original_response.await_args.kwargs
    assert shown["content"] == "Remove this document? “Alpha” `a.txt`, 2023-11-01, 3 passages."
    assert engine.calls_to("remove_document") == []  # nothing goes before the click
    (button,) = shown["view"].children
    assert button.custom_id == "newsbot:remove:a.txt"

    click = make_interaction(services, manage_messages=True)
    await RemoveDocumentButton("a.txt").callback(click)
    assert [c.args for c in engine.calls_to("remove_document")] == [("a.txt",)]
    done = click.response.edit_message.await_args.kwargs
    assert done["content"] == "🗑️ Removed `a.txt` from the collection." and done["view"] is None

    missing = make_interaction(services, manage_messages=True)
    await invoke(cog.remove, cog, missing, name="Gamma")
    told = missing.edit_original_response.await_args.kwargs["embeds"]
    assert "Gamma" in " ".join(e.description or "" for e in told)

    listing = make_interaction(services, manage_messages=True)
    await invoke(cog.list_documents, cog, listing)
    embed = listing.edit_original_response.await_args.kwargs["embeds"][0]
    assert embed.title == "1 document in the collection"
    assert "b.txt - Beta" in embed.description


async def test_sources_commands_refuse_non_moderators(tmp_path: Path) -> None:
    engine = FakeEngine([document_info("a.txt", "Alpha")])
    services = make_services(tmp_path, engine)
    cog = sources_cog(services)
    for call in (
        lambda i: invoke(cog.list_documents, cog, i),
        lambda i: invoke(cog.remove, cog, i, name="Alpha"),
        lambda i: invoke(cog.add, cog, i, file=make_attachment("a.txt", b"x", None)),
    ):
        interaction = make_interaction(services, manage_messages=False)
        await call(interaction)
        assert interaction.response.send_message.await_args.kwargs["ephemeral"] is True
        interaction.response.defer.assert_not_awaited()
    assert engine.calls == []


async def test_the_remove_button_checks_the_moderator_again(tmp_path: Path) -> None:
    engine = FakeEngine([document_info("a.txt", "Alpha")])
    services = make_services(tmp_path, engine)
    click = make_interaction(services, manage_messages=False)
    await RemoveDocumentButton("a.txt").callback(click)
    assert engine.calls_to("remove_document") == []
    assert click.response.send_message.await_args.kwargs["ephemeral"] is True
