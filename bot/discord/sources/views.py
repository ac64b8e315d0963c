"""The **Remove** button under a removal preview: the one document shown, and only that one.

``/sources remove`` first shows what would go (title, name, date, passage count). The button
carries the document's id in its ``custom_id``, so it removes exactly the document shown, even
after a restart, and a moderator check runs again on the click.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord

from bot.discord.errors import Refused, handle_error
from bot.discord.moderation import actor, moderator_refusal
from bot.discord.services import NO_MENTIONS, services_of
from bot.discord.sources.render import code

log = logging.getLogger(__name__)


class RemoveDocumentButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"newsbot:remove:(?P<doc_id>[\w.-]{1,80})",
):
    def __init__(self, doc_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Remove",
                emoji="🗑️",
                style=discord.ButtonStyle.danger,
                custom_id=f"newsbot:remove:{doc_id}",
            )
        )
        self.doc_id = doc_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RemoveDocumentButton:
        return cls(match["doc_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._handle(interaction)
        except Exception as error:
            await handle_error(interaction, "the Remove button", error)

    async def _handle(self, interaction: discord.Interaction) -> None:
        services = services_of(interaction)
        refusal = moderator_refusal(interaction, services.settings.newsbot_moderator_role)
        if refusal:
            raise Refused(refusal)
        engine = services.engine_for(interaction.guild_id)  # only this server's collection
        removed = await asyncio.to_thread(engine.remove_document, self.doc_id)
        log.info("moderator action: removed %s (%s), by %s", removed.source, removed.doc_id,
                 actor(interaction))  # fmt: skip
        await interaction.response.edit_message(
            content=f"🗑️ Removed {code(removed.source)} from the collection.",
            embed=None,
            view=None,
            allowed_mentions=NO_MENTIONS,
        )


def remove_view(doc_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RemoveDocumentButton(doc_id))
    return view
