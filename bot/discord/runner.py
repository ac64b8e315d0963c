"""``newsbot run``: start the bot, stop it cleanly, turn start-up failures into one clear line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO, cast

import aiohttp
import discord

from bot.discord.client import NewsBot
from bot.discord.feedback import FeedbackStore
from bot.discord.services import BotServices
from bot.settings import BotSettings
from bot.web.app import serving
from bot.web.metrics import MeteredEngines, Metrics
from bot.web.service import build_web_app
from retrieval.communities import CommunityEngines
from retrieval.feeds.poller import FeedPoller, PollResult
from retrieval.feeds.schedule import poll_periodically
from retrieval.interfaces import EngineAPI, Engines

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2

# Three base64url parts joined by dots: user id, timestamp, HMAC.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")


def token_problem(token: str | None) -> str | None:
    """Why ``token`` cannot be a bot token, without asking Discord; None when it is plausible."""
    if token is None or not token.strip():
        return "DISCORD_TOKEN is not set (Developer Portal > your application > Bot > Reset Token)."
    token = token.strip()
    if token.lower().startswith("bot "):
        return "DISCORD_TOKEN must be the bare token, without the 'Bot ' prefix."
    if not _TOKEN_SHAPE.fullmatch(token):
        return "DISCORD_TOKEN does not look like a Discord bot token (three dot-separated parts)."
    return None


@dataclass(frozen=True)
class Shards:
    """Which of the bot's Discord shards this process runs: all (Discord's recommended count)
    by default, or ``ids`` of ``count`` when several processes share the bot."""

    count: int | None = None
    ids: tuple[int, ...] | None = None


def parse_shards(count: int | None, ids: str | None) -> Shards:
    """``--shard-count`` and ``--shard-ids`` as given; ValueError with the reason otherwise."""
    if count is not None and count < 1:
        raise ValueError(f"--shard-count must be 1 or more (got {count})")
    if ids is None:
        return Shards(count, None)
    if count is None:
        raise ValueError("--shard-ids needs --shard-count (how many shards the bot has in all)")
    try:
        numbers = tuple(int(part) for part in ids.split(","))
    except ValueError:
        numbers = ()
    if not numbers or any(not 0 <= n < count for n in numbers) or len(set(numbers)) < len(numbers):
        raise ValueError(
            f"--shard-ids must be distinct shard numbers from 0 to {count - 1}, comma-separated "
            f"(got {ids!r})"
        )
    return Shards(count, numbers)


def _counter(metrics: Metrics | None) -> Callable[[PollResult], None] | None:
    if metrics is None:
        return None

    def count(result: PollResult) -> None:
        metrics.feed_polls.labels(result.outcome).inc()
        metrics.feed_items.inc(len(result.ingested))

    return count


class ListenError(Exception):
    """The web app's address is taken or not this machine's (not a Discord problem)."""


def _as_engines(engine: Engines | EngineAPI) -> Engines:
    """One engine for every server, as ``BotServices`` takes it too."""
    if hasattr(engine, "for_community"):
        return cast(Engines, engine)
    return CommunityEngines(cast(EngineAPI, engine))


def run(
    settings: BotSettings,
    engine: Engines | EngineAPI,
    *,
    message_content: bool | None = None,
    stderr: TextIO | None = None,
    shards: Shards | None = None,
    feeds: FeedPoller | None = None,
) -> int:
    """Run the bot until Ctrl-C or SIGTERM; returns the process exit code.

    ``message_content`` (default: ``settings.newsbot_message_content``) asks for the privileged
    intent that lets follow-ups in the bot's threads work without a mention.
    """
    err = stderr if stderr is not None else sys.stderr
    secret = settings.discord_token
    token = secret.get_secret_value() if secret is not None else None
    problem = token_problem(token)
    if problem or token is None:
        print(f"newsbot: {problem}", file=err)
        return EXIT_CONFIG
    if message_content is None:
        message_content = settings.newsbot_message_content
    if not logging.getLogger().handlers:
        discord.utils.setup_logging(level=logging.INFO)
    try:
        return asyncio.run(
            _main(settings, engine, token.strip(), message_content, shards or Shards(), feeds)
        )
    except KeyboardInterrupt:
        return EXIT_OK
    except ListenError as exc:
        print(f"newsbot: the web app (NEWSBOT_WEB_PORT) could not listen on {exc}", file=err)
        return EXIT_CONFIG
    except discord.LoginFailure:
        print(
            "newsbot: Discord rejected DISCORD_TOKEN (401); reset it in Developer Portal > Bot.",
            file=err,
        )
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        print(
            "newsbot: the Message Content intent is not enabled for this bot; enable it in the "
            "Developer Portal > Bot, or run without it (mentions still work).",
            file=err,
        )
        return EXIT_CONFIG
    except (discord.HTTPException, discord.GatewayNotFound, aiohttp.ClientError, OSError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        print(f"newsbot: could not connect to Discord: {reason}", file=err)
        return EXIT_FAILED


async def _main(
    settings: BotSettings,
    engine: Engines | EngineAPI,
    token: str,
    message_content: bool,
    shards: Shards,
    feeds: FeedPoller | None = None,
) -> int:
    """Own the bot's resources for the run (``async with``), and stop on SIGINT/SIGTERM."""
    store = FeedbackStore(settings.newsbot_feedback_db)
    metrics = Metrics() if settings.newsbot_web_port else None
    if metrics is not None:  # the web app's /metrics counts what every cog asks
        engines = engine if isinstance(engine, MeteredEngines) else _as_engines(engine)
        engine = MeteredEngines(engines, metrics)
    services = BotServices.create(settings, engine, store, feeds)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        async with (
            NewsBot(
                services,
                message_content=message_content,
                shard_count=shards.count,
                shard_ids=None if shards.ids is None else list(shards.ids),
            ) as bot,
            contextlib.AsyncExitStack() as extras,
        ):
            if metrics is not None and settings.newsbot_web_port:
                app = build_web_app(
                    settings,
                    services.engines,
                    metrics,
                    discord_up=lambda: bot.is_ready() and not bot.is_closed(),
                )
                host, port = settings.newsbot_web_host, settings.newsbot_web_port
                try:
                    await extras.enter_async_context(serving(app.application(), host, port))
                except OSError as exc:
                    raise ListenError(f"{host}:{port}: {exc.strerror or exc}") from exc
            if feeds is not None and settings.newsbot_feed_poll_minutes > 0:
                polling = asyncio.create_task(
                    poll_periodically(
                        feeds, settings.newsbot_feed_poll_minutes * 60, on_result=_counter(metrics)
                    ),
                    name="newsbot-feeds",
                )
                extras.callback(polling.cancel)
            runner = asyncio.create_task(bot.start(token), name="newsbot-discord")
            stopper = asyncio.create_task(stop.wait(), name="newsbot-stop")
            done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if runner in done:
                stopper.cancel()
                runner.result()  # re-raises LoginFailure and friends for run() to report
                return EXIT_OK
            log.info("shutting down")
            await bot.close()
            if not runner.done():
                runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
            return EXIT_OK
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
