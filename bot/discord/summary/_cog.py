"""``/summary`` for moderators: a briefing previewed ephemerally, then posted with one click."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from typing import Any

import discord
from discord import app_commands

from bot.discord.moderation import MODERATORS, ModeratorCog, actor
from bot.discord.services import NO_MENTIONS, BotServices, DiscordBot
from bot.discord.summary.render import describe_request, summary_messages
from bot.discord.summary.views import summary_view
from retrieval.errors import NewsbotError
from retrieval.models import SummaryKind, SummaryRequest

log = logging.getLogger(__name__)


class RequestError(NewsbotError, ValueError):
    """A /summary request that cannot run as given (no topic, a date that is not a date)."""


def parse_date(value: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` or nothing; raises RequestError with a message fit for the member."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise RequestError(f"“{value}” is not a date; please use YYYY-MM-DD.") from None


class SummaryCog(ModeratorCog):
    summary = app_commands.Group(
        name="summary",
        description="Moderators: a briefing on the news collection",
        default_permissions=MODERATORS,
        guild_only=True,
    )

    def __init__(self, bot: DiscordBot, services: BotServices) -> None:
        self.bot = bot
        self.services = services

    @summary.command(name="topic", description="Everything the collection says about a topic")
    @app_commands.describe(
        query="The topic, e.g. Russia North Korea arms",
        since="Only sources dated on or after (YYYY-MM-DD)",
        until="Only sources dated on or before (YYYY-MM-DD)",
    )
    async def topic(
        self,
        interaction: discord.Interaction,
        query: str,
        since: str | None = None,
        until: str | None = None,
    ) -> None:
        if not query.strip():
            raise RequestError("Please give a topic to summarise.")
        start, end = parse_date(since), parse_date(until)
        request = SummaryRequest(
            kind=SummaryKind.TOPIC, query=query.strip(), since=start, until=end
        )
        await self._summarise(interaction, request)

    @summary.command(name="document", description="A briefing on one document")
    @app_commands.describe(name="The document's title or file name")
    async def document(self, interaction: discord.Interaction, name: str) -> None:
        if not name.strip():
            raise RequestError("Please pick a document.")
        request = SummaryRequest(kind=SummaryKind.DOCUMENT, document=name.strip())
        await self._summarise(interaction, request)

    @document.autocomplete("name")
    async def _document_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.services.documents_for(interaction.guild_id).choices(current)

    @summary.command(name="latest", description="What was added or published in the last days")
    @app_commands.describe(days="How many days back (1-365)")
    async def latest(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 7
    ) -> None:
        await self._summarise(interaction, SummaryRequest(kind=SummaryKind.LATEST, days=days))

    async def _summarise(self, interaction: discord.Interaction, request: SummaryRequest) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info(
            "moderator action: /summary %s, by %s", describe_request(request), actor(interaction)
        )
        async with self.services.in_flight.slot():
            summary = await asyncio.to_thread(
                self.services.engine_for(interaction.guild_id).summarise, request
            )
        messages = summary_messages(summary, request)
        view: discord.ui.View | None = None
        if not summary.empty:
            summary_id = uuid.uuid4().hex[:16]
            dicts: list[list[dict[str, Any]]] = [
                [dict(e.to_dict()) for e in group] for group in messages
            ]
            await asyncio.to_thread(
                self.services.store.remember_summary, summary_id, interaction.user.id, dicts
            )
            view = summary_view(summary_id)
        last = len(messages) - 1
        await interaction.edit_original_response(
            embeds=messages[0], view=view if last == 0 else None, allowed_mentions=NO_MENTIONS
        )
        for i, embeds in enumerate(messages[1:], start=1):
            extra: dict[str, Any] = {"view": view} if i == last and view else {}
            await interaction.followup.send(
                embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS, **extra
            )
