"""``/sources list|add|remove`` for moderators: what the bot knows, and changing it."""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import PurePath
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.render import documents_listing, error_embed
from bot.discord.services import NO_MENTIONS, BotServices, actor, moderator_refusal
from bot.discord.sources.uploads import content_problem, human_size, upload_problem
from retrieval.models import IngestReport

log = logging.getLogger(__name__)

MODERATORS = discord.Permissions(manage_messages=True)


def code(text: str) -> str:
    """``text`` as inline code that a stray backtick in a file name cannot break out of."""
    return "`" + text.replace("`", "'") + "`"


def ingest_result_text(name: str, report: IngestReport) -> str:
    if report.skipped:
        reasons = "; ".join(reason for _, reason in report.skipped)
        return f"⚠️ {code(name)} was not added: {reasons}"
    if report.added:
        return f"✅ Added {code(name)} ({report.chunks} passages indexed)."
    if report.unchanged:
        return f"ℹ️ {code(name)} is already in the collection, unchanged."
    return f"⚠️ {code(name)} produced no documents (is it empty?)."


class SourcesCog(commands.Cog):
    sources = app_commands.Group(
        name="sources",
        description="Moderators: the documents the bot answers from",
        default_permissions=MODERATORS,
        guild_only=True,
    )

    def __init__(self, bot: commands.Bot, services: BotServices) -> None:
        self.bot = bot
        self.services = services

    async def _allowed(self, interaction: discord.Interaction, command: str) -> bool:
        refusal = moderator_refusal(interaction, self.services.settings.newsbot_moderator_role)
        if refusal:
            log.info("refused /sources %s to %s", command, actor(interaction))
            await interaction.response.send_message(
                refusal, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return False
        return True

    async def _fail(self, interaction: discord.Interaction, what: str) -> None:
        log.exception("/sources %s failed (interaction %s)", what, interaction.id)
        try:
            await interaction.edit_original_response(
                content=None, embeds=[error_embed(interaction.id)], allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException:
            log.exception("could not report the error (interaction %s)", interaction.id)

    @sources.command(name="list", description="List the documents in the collection")
    async def list_documents(self, interaction: discord.Interaction) -> None:
        if not await self._allowed(interaction, "list"):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("moderator action: /sources list, by %s", actor(interaction))
        try:
            self.services.documents.invalidate()
            docs = await self.services.documents.documents()
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
        except Exception:
            await self._fail(interaction, "list")

    @sources.command(name="add", description="Add a text, Markdown or HTML file to the collection")
    @app_commands.describe(file="A .txt, .md or .html file")
    async def add(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        if not await self._allowed(interaction, "add"):
            return
        max_bytes = self.services.settings.newsbot_max_upload_bytes
        name = PurePath(file.filename).name
        problem = upload_problem(name, file.size, file.content_type, max_bytes)
        if problem:
            await interaction.response.send_message(
                problem, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("moderator action: /sources add %s, by %s", name, actor(interaction))
        try:
            await interaction.edit_original_response(
                content=f"⏳ Downloading {code(name)} ({human_size(file.size)})…",
                allowed_mentions=NO_MENTIONS,
            )
            data = await file.read()
            problem = content_problem(data, max_bytes)
            if problem:
                await interaction.edit_original_response(
                    content=problem, allowed_mentions=NO_MENTIONS
                )
                return
            await interaction.edit_original_response(
                content=f"⏳ Indexing {code(name)}…", allowed_mentions=NO_MENTIONS
            )
            async with self.services.in_flight.slot():
                report = await asyncio.to_thread(self.services.engine.ingest_bytes, name, data)
            self.services.documents.invalidate()
            log.info("moderator action result: %s by %s: %s", name, actor(interaction), report)
            await interaction.edit_original_response(
                content=ingest_result_text(name, report), allowed_mentions=NO_MENTIONS
            )
        except Exception:
            await self._fail(interaction, "add")

    @sources.command(name="remove", description="Remove a document from the collection")
    @app_commands.describe(name="The document's title or file name")
    async def remove(self, interaction: discord.Interaction, name: str) -> None:
        if not await self._allowed(interaction, "remove"):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("moderator action: /sources remove %r, by %s", name, actor(interaction))
        try:
            removed = await asyncio.to_thread(self.services.engine.remove_document, name)
            self.services.documents.invalidate()
            text = (
                f"🗑️ Removed {code(name)} from the collection."
                if removed
                else f"I couldn't find a document called {code(name)}."
            )
            await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)
        except Exception:
            await self._fail(interaction, "remove")

    @remove.autocomplete("name")
    async def _remove_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.services.documents.choices(current)
