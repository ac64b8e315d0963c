"""Who may run moderator commands, checked once per cog and once per moderator button.

Discord already hides the commands from members without Manage Messages, but server admins can
override that, so the check runs again on every use; a configured role (name or id) is required on
top. Moderator actions are logged with who did them.
"""

from __future__ import annotations

import logging

import discord

from bot.discord.errors import NewsbotCog, Refused
from bot.discord.services import BotServices

log = logging.getLogger(__name__)

MODERATORS = discord.Permissions(manage_messages=True)


def moderator_refusal(interaction: discord.Interaction, role: str | None) -> str | None:
    """Why this member may not use a moderator command here, or None when they may."""
    if interaction.guild is None:
        return "Moderator commands work only in a server."
    if not interaction.permissions.manage_messages:
        return "Only moderators (with the Manage Messages permission) can use this."
    if role:
        roles = getattr(interaction.user, "roles", [])
        wanted = role.strip().casefold()
        if not any(str(r.id) == wanted or r.name.casefold() == wanted for r in roles):
            return f"Only moderators with the “{role}” role can use this."
    return None


def actor(interaction: discord.Interaction) -> str:
    """Who did it, for the moderator action log."""
    guild = interaction.guild.id if interaction.guild else None
    return f"{interaction.user} (id {interaction.user.id}) in guild {guild}"


class ModeratorCog(NewsbotCog):
    """A cog of moderator commands: discord.py runs :meth:`interaction_check` before each one."""

    services: BotServices

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        refusal = moderator_refusal(interaction, self.services.settings.newsbot_moderator_role)
        if refusal:
            name = interaction.command.qualified_name if interaction.command else "?"
            log.info("refused /%s to %s", name, actor(interaction))
            raise Refused(refusal)
        return True
