"""The "Post to channel" button under a previewed briefing, persistent across restarts."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord

from bot.discord.ask.views import ID_PATTERN
from bot.discord.errors import Refused, handle_error
from bot.discord.moderation import actor, moderator_refusal
from bot.discord.services import NO_MENTIONS, services_of

log = logging.getLogger(__name__)


class PostSummaryButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"newsbot:post:(?P<summary_id>{ID_PATTERN})",
):
    """Posts a summary that a moderator previewed ephemerally to the channel, for everyone."""

    def __init__(self, summary_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Post to channel",
                emoji="📣",
                style=discord.ButtonStyle.primary,
                custom_id=f"newsbot:post:{summary_id}",
            )
        )
        self.summary_id = summary_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PostSummaryButton:
        return cls(match["summary_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._handle(interaction)
        except Exception as error:
            await handle_error(interaction, "the Post to channel button", error)

    async def _handle(self, interaction: discord.Interaction) -> None:
        services = services_of(interaction)
        refusal = moderator_refusal(interaction, services.settings.newsbot_moderator_role)
        if refusal:
            raise Refused(refusal)  # shown by handle_error, like a cog's refused check
        stored = await asyncio.to_thread(services.store.summary, self.summary_id)
        channel = interaction.channel
        if stored is None or not isinstance(channel, discord.abc.Messageable):
            await interaction.response.send_message(
                "I can't post this summary any more; please run /summary again.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.response.defer()
        try:
            for embeds in stored:
                await channel.send(
                    embeds=[discord.Embed.from_dict(e) for e in embeds],
                    allowed_mentions=NO_MENTIONS,
                )
        except discord.Forbidden:
            await interaction.edit_original_response(
                content="I don't have permission to post in this channel.",
                allowed_mentions=NO_MENTIONS,
            )
            return
        log.info("moderator action: posted summary %s, by %s", self.summary_id, actor(interaction))
        await interaction.edit_original_response(
            content="Posted to the channel ✅", view=None, allowed_mentions=NO_MENTIONS
        )


def summary_view(summary_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PostSummaryButton(summary_id))
    return view
