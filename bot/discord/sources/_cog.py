"""``/sources list|add|remove`` for moderators: what the bot knows, and changing it."""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import PurePath
from typing import Any

import discord
from discord import app_commands

from bot.discord.moderation import MODERATORS, ModeratorCog, actor
from bot.discord.services import NO_MENTIONS, BotServices, DiscordBot
from bot.discord.sources.render import (
    code,
    documents_listing,
    feed_added_text,
    feeds_listing_text,
    ingest_result_text,
    removal_preview,
)
from bot.discord.sources.views import remove_view
from retrieval.errors import ConfigurationError, FeedError, UploadError
from retrieval.feeds.poller import FeedPoller
from retrieval.feeds.subscriptions import SHARED
from retrieval.uploads import human_size

log = logging.getLogger(__name__)


class SourcesCog(ModeratorCog):
    sources = app_commands.Group(
        name="sources",
        description="Moderators: the documents the bot answers from",
        default_permissions=MODERATORS,
        guild_only=True,
    )

    def __init__(self, bot: DiscordBot, services: BotServices) -> None:
        self.bot = bot
        self.services = services

    @sources.command(name="list", description="List the documents in the collection")
    async def list_documents(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("moderator action: /sources list, by %s", actor(interaction))
        docs = await self.services.documents_for(interaction.guild_id).documents()
        messages, full = documents_listing(docs)
        extra: dict[str, Any] = {}
        if full is not None:
            extra["attachments"] = [
                discord.File(io.BytesIO(full.encode("utf-8")), filename="documents.txt")
            ]
        await interaction.edit_original_response(
            embeds=messages[0], allowed_mentions=NO_MENTIONS, **extra
        )
        for embeds in messages[1:]:
            await interaction.followup.send(
                embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS
            )

    @sources.command(name="add", description="Add a file or a web page to the collection")
    @app_commands.describe(
        file="A .txt, .md or .html file", url="The address of a public web page (http or https)"
    )
    async def add(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment | None = None,
        url: app_commands.Range[str, 1, 2048] | None = None,
    ) -> None:
        one_of = "Attach a file or give a web page's address (url:), one of the two."
        if file is not None and url is not None:
            raise UploadError(one_of)
        if url is not None:
            await self._add_page(interaction, url.strip())
            return
        if file is None:
            raise UploadError(one_of)
        name = PurePath(file.filename).name
        # Refusals (UploadError) reach cog_app_command_error before anything is downloaded.
        self.services.engine_for(interaction.guild_id).check_upload(
            name, file.size, file.content_type
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("moderator action: /sources add %s, by %s", name, actor(interaction))
        await interaction.edit_original_response(
            content=f"⏳ Downloading {code(name)} ({human_size(file.size)})…",
            allowed_mentions=NO_MENTIONS,
        )
        data = await file.read()
        await interaction.edit_original_response(
            content=f"⏳ Indexing {code(name)}…", allowed_mentions=NO_MENTIONS
        )
        async with self.services.in_flight.slot():
            report = await asyncio.to_thread(
                self.services.engine_for(interaction.guild_id).ingest_bytes, name, data
            )
        log.info("moderator action result: %s by %s: %s", name, actor(interaction), report)
        await interaction.edit_original_response(
            content=ingest_result_text(name, report), allowed_mentions=NO_MENTIONS
        )

    async def _add_page(self, interaction: discord.Interaction, url: str) -> None:
        """Fetch and ingest one page; a refused or failed fetch (FetchError) reaches the error
        path with its reason."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("moderator action: /sources add url %s, by %s", url, actor(interaction))
        await interaction.edit_original_response(
            content=f"⏳ Fetching {code(url)}…", allowed_mentions=NO_MENTIONS
        )
        async with self.services.in_flight.slot():
            report = await asyncio.to_thread(
                self.services.engine_for(interaction.guild_id).ingest_url, url
            )
        log.info("moderator action result: %s by %s: %s", url, actor(interaction), report)
        await interaction.edit_original_response(
            content=ingest_result_text(url, report), allowed_mentions=NO_MENTIONS
        )

    @sources.command(name="remove", description="Remove a document from the collection")
    @app_commands.describe(name="The document's title or name")
    async def remove(self, interaction: discord.Interaction, name: str) -> None:
        """Shows the one document the name picks, with a Remove button; nothing goes before it
        is clicked. A name that picks none or several is answered by the error path."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("moderator action: /sources remove %r (preview), by %s", name, actor(interaction))
        doc = await asyncio.to_thread(
            self.services.engine_for(interaction.guild_id).find_document, name, removable=True
        )
        await interaction.edit_original_response(
            content=f"Remove this document? {removal_preview(doc)}",
            view=remove_view(doc.doc_id),
            allowed_mentions=NO_MENTIONS,
        )

    @remove.autocomplete("name")
    async def _remove_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.services.documents_for(interaction.guild_id).choices(
            current, removable=True
        )

    feed = app_commands.Group(
        name="feed",
        description="Moderators: news feeds whose new articles are added",
        parent=sources,
    )

    @feed.command(name="add", description="Follow an RSS or Atom feed: its new articles are added")
    @app_commands.describe(url="The feed's address (http or https)")
    async def feed_add(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2048]
    ) -> None:
        """Reads the feed at once: an address that is no feed is refused now, not at a poll."""
        poller = self._feeds()
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("moderator action: /sources feed add %s, by %s", url, actor(interaction))
        await interaction.edit_original_response(
            content=f"⏳ Reading the feed {code(url)}…", allowed_mentions=NO_MENTIONS
        )
        async with self.services.in_flight.slot():
            result = await asyncio.to_thread(poller.subscribe, _community(interaction), url.strip())
        log.info(
            "moderator action result: feed %s by %s: %s", url, actor(interaction), result.message
        )
        await interaction.edit_original_response(
            content=feed_added_text(result), allowed_mentions=NO_MENTIONS
        )

    @feed.command(name="list", description="The feeds this server follows")
    async def feed_list(self, interaction: discord.Interaction) -> None:
        feeds = await asyncio.to_thread(self._feeds().subscriptions.feeds, _community(interaction))
        await interaction.response.send_message(
            feeds_listing_text(feeds), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @feed.command(name="remove", description="Stop following a feed")
    @app_commands.describe(url="The feed's address")
    async def feed_remove(self, interaction: discord.Interaction, url: str) -> None:
        log.info("moderator action: /sources feed remove %s, by %s", url, actor(interaction))
        removed = await asyncio.to_thread(
            self._feeds().subscriptions.remove, _community(interaction), url.strip()
        )
        if not removed:
            raise FeedError(f"This server does not follow {url.strip()}.")
        await interaction.response.send_message(
            f"No longer following {code(url.strip())}. The articles already added stay "
            "(/sources remove takes one away).",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @feed_remove.autocomplete("url")
    async def _feed_urls(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if self.services.feeds is None:
            return []
        feeds = await asyncio.to_thread(
            self.services.feeds.subscriptions.feeds, _community(interaction)
        )
        needle = current.casefold()
        return [
            app_commands.Choice(name=(f.title or f.url)[:100], value=f.url[:100])
            for f in feeds
            if needle in f.url.casefold() or needle in f.title.casefold()
        ][:25]

    def _feeds(self) -> FeedPoller:
        if self.services.feeds is None:
            raise ConfigurationError("Feeds are not set up in this bot.")
        return self.services.feeds


def _community(interaction: discord.Interaction) -> int:
    return interaction.guild_id or SHARED
