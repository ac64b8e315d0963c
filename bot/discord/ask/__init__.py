"""Members' questions: ``/ask`` and mentions, with follow-ups in threads.

``_cog.py`` is the Discord side; the modules beside it hold the plain logic and rendering.
"""

from __future__ import annotations

from discord.ext import commands

from bot.discord.ask._cog import AskCog
from bot.discord.services import BotServices


async def setup(bot: commands.Bot, services: BotServices) -> None:
    await bot.add_cog(AskCog(bot, services))
