"""Right-click a message, Apps, **Check claims**: its sentences' kinds and what the documents say.

discord.py cannot declare a context menu inside a cog, so the cog adds it to the tree when loaded
and removes it when unloaded. The menu is not one of the cog's app commands, so failures do not
reach ``cog_app_command_error``: the callback hands them to the same ``handle_error`` itself.
"""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.check.render import check_embed
from bot.discord.errors import handle_error
from bot.discord.services import NO_MENTIONS, BotServices, DiscordBot
from retrieval.errors import QuestionError

MENU_NAME = "Check claims"


class CheckCog(commands.Cog):
    def __init__(self, bot: DiscordBot, services: BotServices) -> None:
        self.bot = bot
        self.services = services
        self.menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.check_claims)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def check_claims(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        try:
            text = message.content or " ".join(e.description or "" for e in message.embeds)
            if not text.strip():
                raise QuestionError("That message has no text to check.")
            refusal = self.services.answering_refusal(interaction.channel, interaction.guild)
            if refusal:
                raise QuestionError(refusal)
            await interaction.response.defer(thinking=True, ephemeral=True)
            engine = self.services.engine_for(interaction.guild_id)
            async with self.services.in_flight.slot():
                sentences = await asyncio.to_thread(engine.check, text)
            await interaction.followup.send(
                embed=check_embed(sentences, message.jump_url),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
        except Exception as exc:
            await handle_error(interaction, MENU_NAME, exc)
