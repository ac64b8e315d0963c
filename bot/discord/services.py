"""What the cogs and persistent buttons share, built once by the runner and passed in.

Persistent buttons are re-created by discord.py from a ``custom_id`` alone, so they reach these
services through ``interaction.client.services`` rather than through a constructor.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.channels import channel_refusal
from bot.discord.feedback import FeedbackStore
from bot.discord.limits import Cooldowns, InFlightLimiter
from bot.settings import BotSettings
from retrieval.communities import CommunityEngines
from retrieval.feeds.poller import FeedPoller
from retrieval.interfaces import EngineAPI, Engines
from retrieval.models import DocumentInfo

# The cogs run on either: one process with every shard, or its share of them (``newsbot run
# --shard-count``); both are ``AutoShardedBot`` in production, ``Bot`` in tests.
DiscordBot = commands.Bot | commands.AutoShardedBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()


class DocumentIndex:
    """Document titles for autocomplete, read afresh for every keystroke: the store lists them
    from its sidecars in milliseconds, and so they are current after every change, this bot's
    or another process's (a cache with a 60 s lifetime showed removed documents for a minute)."""

    def __init__(self, engine: EngineAPI) -> None:
        self.engine = engine

    async def documents(self) -> list[DocumentInfo]:
        return await asyncio.to_thread(self.engine.documents)

    async def choices(
        self, current: str, *, limit: int = 25, removable: bool = False
    ) -> list[app_commands.Choice[str]]:
        """Documents whose title or source contains ``current`` (case-insensitive), newest first.

        ``removable``: only the server's own (the shared collection's cannot be removed there).
        """
        needle = current.casefold().strip()
        docs = [d for d in await self.documents() if not (removable and d.shared)]
        matches = [d for d in docs if needle in d.title.casefold() or needle in d.source.casefold()]
        matches.sort(key=lambda d: (d.date is not None, d.date), reverse=True)
        choices = []
        for doc in matches[:limit]:
            label = doc.title or doc.source
            if doc.date:
                label = f"{label[:86]} ({doc.date.isoformat()})"
            value = doc.source if len(doc.source) <= 100 else (doc.title or doc.source)
            choices.append(app_commands.Choice(name=label[:100], value=value[:100]))
        return choices


@dataclass
class BotServices:
    """The engines, the bot's store and the limits; one instance per running bot.

    ``engine`` is the operator's (direct messages); a server's questions and moderator actions
    go to ``engine_for(guild id)``, which reads and writes that server's own collection.
    """

    settings: BotSettings
    engines: Engines
    store: FeedbackStore
    cooldowns: Cooldowns
    in_flight: InFlightLimiter
    draft_interval: float = 1.0
    history_turns: int = 3
    feeds: FeedPoller | None = None  # /sources feed; None: the bot follows no feeds
    _indexes: dict[int | None, DocumentIndex] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        settings: BotSettings,
        engines: Engines | EngineAPI,
        store: FeedbackStore,
        feeds: FeedPoller | None = None,
    ) -> BotServices:
        """``engines`` may be one engine: every server then shares its collection."""
        if not hasattr(engines, "for_community"):
            engines = CommunityEngines(cast(EngineAPI, engines))
        return cls(
            settings=settings,
            engines=cast(Engines, engines),
            store=store,
            cooldowns=Cooldowns(settings.newsbot_cooldown_seconds),
            in_flight=InFlightLimiter(settings.newsbot_max_in_flight),
            feeds=feeds,
        )

    @property
    def engine(self) -> EngineAPI:
        return self.engines.operator

    def engine_for(self, guild_id: int | None) -> EngineAPI:
        return self.engines.for_community(guild_id)

    def documents_for(self, guild_id: int | None) -> DocumentIndex:
        """The autocomplete list of the documents ``guild_id``'s members can see."""
        engine = self.engine_for(guild_id)
        index = self._indexes.get(guild_id)
        if index is None or index.engine is not engine:
            index = self._indexes[guild_id] = DocumentIndex(engine)
        return index

    def answering_refusal(self, channel: object, guild: discord.Guild | None) -> str | None:
        """Why the bot does not answer in ``channel`` (the channel allow-list), or None."""
        return channel_refusal(self.settings.newsbot_allowed_channel_ids, channel, guild)


def services_of(interaction: discord.Interaction) -> BotServices:
    services = getattr(interaction.client, "services", None)
    if not isinstance(services, BotServices):
        raise RuntimeError("this client was not built by bot.discord (no services attached)")
    return services
