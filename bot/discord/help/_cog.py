"""``/help`` (everyone, ephemeral) and ``/feedback`` (moderators, ephemeral)."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands

from bot.discord.errors import NewsbotCog
from bot.discord.help.render import CommandLine, feedback_embed, help_embed
from bot.discord.moderation import ModeratorCog, actor
from bot.discord.services import NO_MENTIONS, BotServices, DiscordBot

log = logging.getLogger(__name__)


class HelpCog(NewsbotCog):
    def __init__(self, bot: DiscordBot, services: BotServices) -> None:
        self.bot = bot
        self.services = services

    @app_commands.command(name="help", description="What this bot does, its commands and notes")
    async def help(self, interaction: discord.Interaction) -> None:
        documents = await self.services.documents_for(interaction.guild_id).documents()
        embed = help_embed(self._commands(), documents, self.services.settings.newsbot_public_url)
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    def _commands(self) -> list[CommandLine]:
        """The slash commands as registered (subcommands spelled out), so the list cannot
        drift from what the bot offers."""
        lines: list[CommandLine] = []
        for command in self.bot.tree.get_commands(type=discord.AppCommandType.chat_input):
            moderators = command.default_permissions is not None
            leaves: list[app_commands.Command | app_commands.Group] = [command]
            if isinstance(command, app_commands.Group):
                leaves = [c for c in command.walk_commands() if isinstance(c, app_commands.Command)]
            lines += [
                CommandLine(f"/{c.qualified_name}", c.description, moderators) for c in leaves
            ]
        return lines


class FeedbackCog(ModeratorCog):
    def __init__(self, bot: DiscordBot, services: BotServices) -> None:
        self.bot = bot
        self.services = services

    @app_commands.command(name="feedback", description="Moderators: how members rated answers")
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    async def feedback(self, interaction: discord.Interaction) -> None:
        log.info("moderator action: /feedback, by %s", actor(interaction))
        report = await asyncio.to_thread(self.services.store.ratings, interaction.guild_id)
        await interaction.response.send_message(
            embed=feedback_embed(report), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
