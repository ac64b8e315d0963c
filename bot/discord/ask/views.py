"""The buttons under an answer: Sources and 👍/👎, persistent across restarts.

Each is a :class:`discord.ui.DynamicItem` whose ``custom_id`` carries the answer's id
(``newsbot:vote:up:<answer>``); registered once in ``setup_hook``, they keep working on messages
sent before a restart, and recover what they need from the
:class:`~bot.discord.feedback.FeedbackStore`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord

from bot.discord.ask.render import passages_messages
from bot.discord.errors import handle_error
from bot.discord.services import NO_MENTIONS, services_of

log = logging.getLogger(__name__)

ID_PATTERN = r"[0-9A-Za-z_-]{1,64}"


class SourcesButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"newsbot:sources:(?P<answer_id>{ID_PATTERN})",
):
    """Shows the quoted passages behind an answer, ephemerally, to whoever clicks."""

    def __init__(self, answer_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Sources",
                emoji="📄",
                style=discord.ButtonStyle.secondary,
                custom_id=f"newsbot:sources:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SourcesButton:
        return cls(match["answer_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._handle(interaction)
        except Exception as error:
            await handle_error(interaction, "the Sources button", error)

    async def _handle(self, interaction: discord.Interaction) -> None:
        services = services_of(interaction)
        stored = await asyncio.to_thread(services.store.answer, self.answer_id)
        if stored is None:
            await interaction.response.send_message(
                "I no longer have the sources of this answer.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        messages = passages_messages(stored.question, stored.citations)
        await interaction.response.send_message(
            embeds=messages[0], ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        for embeds in messages[1:]:
            await interaction.followup.send(
                embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS
            )


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"newsbot:vote:(?P<vote>up|down):(?P<answer_id>{ID_PATTERN})",
):
    """Records a 👍 or 👎 for an answer (one vote per member; clicking again changes it)."""

    def __init__(self, vote: str, answer_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if vote == "up" else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"newsbot:vote:{vote}:{answer_id}",
            )
        )
        self.vote = vote
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FeedbackButton:
        return cls(match["vote"], match["answer_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._handle(interaction)
        except Exception as error:
            await handle_error(interaction, "the feedback button", error)

    async def _handle(self, interaction: discord.Interaction) -> None:
        services = services_of(interaction)
        value = 1 if self.vote == "up" else -1
        await asyncio.to_thread(
            services.store.record_vote, self.answer_id, interaction.user.id, value
        )
        log.info("vote %+d on answer %s by user %s", value, self.answer_id, interaction.user.id)
        await interaction.response.send_message(
            "Thanks for the feedback! " + ("👍" if value > 0 else "👎") + " recorded.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


def answer_view(answer_id: str, *, has_sources: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if has_sources:
        view.add_item(SourcesButton(answer_id))
    view.add_item(FeedbackButton("up", answer_id))
    view.add_item(FeedbackButton("down", answer_id))
    return view
