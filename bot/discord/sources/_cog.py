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
    ingest_result_text,
    removal_preview,
)
from bot.discord.sources.views import remove_view
from retrieval.errors import UploadError
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
