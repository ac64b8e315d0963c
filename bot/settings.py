"""The Discord bot's settings, on top of the core's: one object read once from the environment.

The command line builds this for every command (``newsbot run`` needs all of it; the others use
the core part), so a single ``.env`` configures both and the core stays free of Discord.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import NoDecode

from retrieval.settings import Settings


class BotSettings(Settings):
    """Core settings plus the bot's token, servers, moderator role and fairness limits."""

    discord_token: SecretStr | None = None
    discord_guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    newsbot_moderator_role: str | None = None
    # Channels (ids) where the bot answers /ask, mentions, /summary and Check claims; empty: all.
    newsbot_allowed_channel_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Privileged intent: lets follow-ups in the bot's threads work without mentioning the bot.
    newsbot_message_content: bool = False
    newsbot_cooldown_seconds: float = Field(default=20.0, ge=0, le=3600)
    newsbot_max_in_flight: int = Field(default=2, ge=1, le=64)
    newsbot_feedback_db: Path = Field(default=Path(".newsbot/feedback.sqlite3"))
    # The web app (source pages, /healthz, /metrics) beside the bot in ``newsbot run``; unset: off.
    newsbot_web_port: int | None = Field(default=None, ge=1, le=65535)
    newsbot_web_host: str = "127.0.0.1"

    @field_validator("discord_guild_ids", "newsbot_allowed_channel_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept ``123,456`` in the environment as well as a JSON list."""
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        if isinstance(value, int):
            return [value]
        return value


def configuration_error(exc: ValidationError) -> str:
    """The first bad setting as the user wrote it: ``NEWSBOT_TOP_K=-5: Input should be ...``."""
    error = exc.errors()[0]
    if not error["loc"]:  # a rule across settings: its message names them
        return str(error["msg"]).removeprefix("Value error, ")
    name = str(error["loc"][0]).upper()
    if "TOKEN" in name or "KEY" in name:  # secrets are never printed, not even when wrong
        return f"{name}: {error['msg']}"
    return f"{name}={error.get('input')!s}: {error['msg']}"
