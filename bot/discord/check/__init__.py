"""The **Check claims** message command: any member, on any message, answered only to them.

``_cog.py`` is the Discord side; ``render.py`` turns checked sentences into an embed.
"""

from __future__ import annotations

from bot.discord.check._cog import CheckCog
from bot.discord.services import BotServices, DiscordBot


async def setup(bot: DiscordBot, services: BotServices) -> None:
    await bot.add_cog(CheckCog(bot, services))
