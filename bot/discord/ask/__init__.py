"""Members' questions: ``/ask`` and mentions, with follow-ups in threads.

``_cog.py`` is the Discord side; the modules beside it hold the plain logic and rendering.
"""

from __future__ import annotations

from bot.discord.ask._cog import AskCog
from bot.discord.services import BotServices, DiscordBot


async def setup(bot: DiscordBot, services: BotServices) -> None:
    await bot.add_cog(AskCog(bot, services))
