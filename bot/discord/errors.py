"""Failures reach the member as one short message (never "This interaction failed") and the log."""

from __future__ import annotations

import logging

import discord

from bot.discord.render import error_embed
from bot.discord.services import NO_MENTIONS

log = logging.getLogger(__name__)


async def report_failure(
    interaction: discord.Interaction, what: str, error: BaseException | None = None
) -> None:
    """Log ``error`` (default: the exception being handled) with the interaction id, and tell the
    member, ephemerally."""
    log.error("%s failed (interaction %s)", what, interaction.id, exc_info=error or True)
    embed = error_embed(interaction.id)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
        else:
            await interaction.response.send_message(
                embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        log.exception("could not report the failure (interaction %s)", interaction.id)
