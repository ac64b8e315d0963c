"""One error path for every command: the member gets one short message, the log gets the rest.

A :class:`~retrieval.errors.NewsbotError` (a question that cannot be asked, a refused upload, a
store that is down) is "displayed to the user": its message is shown as it is. Anything else is a
bug: it is logged with its traceback and the member sees an apology with a reference to quote.
Each cog handles both once, in ``cog_app_command_error`` (discord.py's hook for a cog's app
commands), instead of wrapping each command in its own try/except.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.embeds import error_embed, notice_messages
from bot.discord.services import NO_MENTIONS
from retrieval.errors import NewsbotError, QuestionError

log = logging.getLogger(__name__)


class Refused(app_commands.CheckFailure):
    """A check said no (not a moderator, wrong role); the message says why, for the member."""


def unwrap(error: BaseException) -> BaseException:
    """The exception a command raised, without discord.py's ``CommandInvokeError`` wrapper."""
    original = getattr(error, "original", None)
    return original if isinstance(original, BaseException) else error


async def tell(interaction: discord.Interaction, error: NewsbotError | Refused) -> None:
    """Show a user-facing error's message ephemerally (in place of the "thinking" state, if any).

    A refused question comes back with what the member typed, so nothing is lost.
    """
    echo = error.question if isinstance(error, QuestionError) else ""
    embeds = notice_messages(str(error), echo)[0]
    if interaction.response.is_done():
        await interaction.edit_original_response(
            content=None, embeds=embeds, view=None, allowed_mentions=NO_MENTIONS
        )
    else:
        await interaction.response.send_message(
            embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def _report_failure(
    interaction: discord.Interaction, what: str, error: BaseException
) -> None:
    """Log ``error`` with the interaction id, and tell the member, ephemerally; never raises."""
    log.error("%s failed (interaction %s)", what, interaction.id, exc_info=error)
    embed = error_embed(interaction.id)
    try:
        if interaction.response.is_done():
            await interaction.edit_original_response(
                content=None, embeds=[embed], view=None, allowed_mentions=NO_MENTIONS
            )
        else:
            await interaction.response.send_message(
                embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        log.exception("could not report the failure (interaction %s)", interaction.id)


async def handle_error(interaction: discord.Interaction, what: str, error: BaseException) -> None:
    """The one place an interaction's failure is turned into a reply."""
    error = unwrap(error)
    if isinstance(error, NewsbotError | Refused):
        try:
            await tell(interaction, error)
        except discord.HTTPException:
            log.exception("could not tell the member (interaction %s)", interaction.id)
        return
    await _report_failure(interaction, what, error)


class NewsbotCog(commands.Cog):
    """A cog whose app commands share :func:`handle_error`."""

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else "?"
        await handle_error(interaction, f"/{name}", error)
