"""``/help`` for everyone and ``/feedback`` for moderators: what the bot is, and how it is rated.

``_cog.py`` is the Discord side; ``render.py`` lays both out as embeds.
"""

from __future__ import annotations

from bot.discord.help._cog import FeedbackCog, HelpCog
from bot.discord.services import BotServices, DiscordBot


async def setup(bot: DiscordBot, services: BotServices) -> None:
    await bot.add_cog(HelpCog(bot, services))
    await bot.add_cog(FeedbackCog(bot, services))
