"""``/sources`` for moderators: the documents the bot answers from.

``_cog.py`` is the Discord side; the modules beside it hold the plain logic and rendering.
"""

from __future__ import annotations

from bot.discord.services import BotServices, DiscordBot
from bot.discord.sources._cog import SourcesCog


async def setup(bot: DiscordBot, services: BotServices) -> None:
    await bot.add_cog(SourcesCog(bot, services))
