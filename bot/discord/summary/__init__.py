"""``/summary`` for moderators: briefings previewed, then posted with one click.

``_cog.py`` is the Discord side; the modules beside it hold the plain logic and rendering.
"""

from __future__ import annotations

from bot.discord.services import BotServices, DiscordBot
from bot.discord.summary._cog import SummaryCog


async def setup(bot: DiscordBot, services: BotServices) -> None:
    await bot.add_cog(SummaryCog(bot, services))
