"""The ``commands.AutoShardedBot`` subclass: intents, no pings, cogs, persistent buttons and command sync."""

from __future__ import annotations

import asyncio
import logging
from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.ask import setup as setup_ask
from bot.discord.ask.views import FeedbackButton, SourcesButton
from bot.discord.check import setup as setup_check
from bot.discord.errors import handle_error
from bot.discord.help import setup as setup_help
from bot.discord.services import NO_MENTIONS, BotServices, DiscordBot
from bot.discord.sources import setup as setup_sources
from bot.discord.sources.views import RemoveDocumentButton
from bot.discord.summary import setup as setup_summary
from bot.discord.summary.views import PostSummaryButton

log = logging.getLogger(__name__)


def make_intents(*, message_content: bool) -> discord.Intents:
    """Default intents; message content only when follow-ups without a mention are wanted (mentions
    themselves carry their content without the privileged intent)."""
    intents = discord.Intents.default()
    intents.message_content = message_content
    return intents


# Buttons re-created from their custom_id after a restart (discord.py's DynamicItem).
PERSISTENT_ITEMS = (SourcesButton, FeedbackButton, PostSummaryButton, RemoveDocumentButton)


# What the bot needs and nothing more (the README's Discord set-up explains each one).
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)


def ready_line(
    user: discord.ClientUser | None, guilds: int, synced: int | None, shards: str = ""
) -> str:
    """The one line an operator looks for: who we are, where, what was synced, how to invite."""
    if user is None:
        return "ready, but Discord sent no user"
    invite = discord.utils.oauth_url(
        user.id, permissions=INVITE_PERMISSIONS, scopes=("bot", "applications.commands")
    )
    commands_part = "commands not synced" if synced is None else f"{synced} commands synced"
    where = f"in {guilds} servers{shards}"
    return f"ready: logged in as {user} (id {user.id}) {where}, {commands_part}; invite: {invite}"


async def add_cogs(bot: DiscordBot, services: BotServices) -> None:
    for setup in (setup_ask, setup_summary, setup_sources, setup_check, setup_help):
        await setup(bot, services)


class NewsBot(commands.AutoShardedBot):
    """newsbot on Discord. Holds the services; everything else lives in the cogs.

    Auto-sharded: one process runs every shard Discord recommends, or the ``shard_ids`` of
    ``shard_count`` when several processes share the bot (they share one Chroma server, and each
    server's collection is written only by the shard that server is on).
    """

    def __init__(
        self,
        services: BotServices,
        *,
        message_content: bool = False,
        sync_commands: bool = True,
        shard_count: int | None = None,
        shard_ids: list[int] | None = None,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=make_intents(message_content=message_content),
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            shard_count=shard_count,
            # None (every shard) is discord.py's own default, though its type hints leave it out.
            shard_ids=cast(list[int], shard_ids),
        )
        self.services = services
        self._sync_commands = sync_commands
        self._synced: int | None = None  # commands synced at start-up, for the ready line
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]

    async def close(self) -> None:
        """discord.py's sharded close() posts to an event queue that only connect() creates; a
        bot stopped before it connected (a refused token, SIGTERM during log-in) has none, and
        closing it raised AttributeError."""
        if not hasattr(self, "_AutoShardedClient__queue"):
            setattr(self, "_AutoShardedClient__queue", asyncio.PriorityQueue())  # noqa: B010
        await super().close()

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: questions are handled by the ask cog's listener."""

    async def setup_hook(self) -> None:
        await add_cogs(self, self.services)
        self.add_dynamic_items(*PERSISTENT_ITEMS)
        if self._sync_commands:
            await self.sync_commands()

    async def sync_commands(self) -> None:
        """To the listed guilds at once when ``DISCORD_GUILD_IDS`` is set (development), else
        globally (Discord may take up to an hour to show global changes)."""
        guild_ids = self.services.settings.discord_guild_ids
        if not guild_ids:
            synced = await self.tree.sync()
            self._synced = len(synced)
            log.info("synced %d global commands", len(synced))
            return
        for guild_id in guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.Forbidden:
                log.error(
                    "cannot sync commands to guild %s: is the bot in it, invited with the "
                    "applications.commands scope?",
                    guild_id,
                )
                continue
            self._synced = max(self._synced or 0, len(synced))
            log.info("synced %d commands to guild %s", len(synced), guild_id)

    async def on_ready(self) -> None:
        count, ids = self.shard_count, self.shard_ids
        shards = (
            f" on shards {sorted(ids or range(count))} of {count}" if count and count > 1 else ""
        )
        log.info(ready_line(self.user, len(self.guilds), self._synced, shards))

    async def _on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Errors no cog handled (conversions outside a cog): a short message, never silence."""
        command = interaction.command
        if command is not None and command._has_any_error_handlers():
            return  # its cog's cog_app_command_error has replied already
        name = command.qualified_name if command else "?"
        await handle_error(interaction, f"/{name}", error)
