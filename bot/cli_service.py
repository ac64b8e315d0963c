"""``newsbot run`` (the Discord bot) and ``newsbot serve`` (the web app alone)."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Annotated

import typer
from aiohttp import web
from rich.console import Console

from bot.cli_common import StoreOption, fail, settings_for
from bot.wiring import build_engines, build_feed_poller
from retrieval.errors import NewsbotError


def run(
    store: StoreOption = None,
    shard_count: Annotated[
        int | None, typer.Option(help="Shards the bot has in all (default: Discord's advice).")
    ] = None,
    shard_ids: Annotated[
        str | None, typer.Option(help="This process's shards, e.g. 0,1 (needs --shard-count).")
    ] = None,
) -> None:
    """Run the Discord bot (needs DISCORD_TOKEN)."""
    from bot.discord.runner import parse_shards, token_problem
    from bot.discord.runner import run as run_bot

    try:
        shards = parse_shards(shard_count, shard_ids)
    except ValueError as exc:
        fail(str(exc))

    # The operator's audit trail (moderator actions, log-in, sync, the ready line) is INFO:
    # newsbot's own loggers say it without -v; libraries stay at WARNING.
    for ours in ("bot", "retrieval"):
        logging.getLogger(ours).setLevel(logging.INFO)
    settings = settings_for(store)
    token = settings.discord_token.get_secret_value() if settings.discord_token else None
    problem = token_problem(token)
    if problem:  # say so before spending seconds loading models
        fail(problem)
    err = Console(stderr=True)
    try:
        engines = build_engines(settings)
    except NewsbotError as exc:
        fail(str(exc))
    try:  # the bot writes (/sources add): it is the store's one writer while it runs
        engines.operator.claim_writer("newsbot run")
    except NewsbotError as exc:
        fail(str(exc), 1)
    engines.operator.ensure_documents(notify=lambda message: err.print(message, highlight=False))
    feeds = build_feed_poller(settings, engines)
    raise typer.Exit(run_bot(settings, engines, shards=shards, feeds=feeds))


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8080,
    store: StoreOption = None,
) -> None:
    """Serve the source pages, /healthz and /metrics alone, without the Discord bot."""
    from bot.web.metrics import MeteredEngines, Metrics
    from bot.web.service import build_web_app

    logging.getLogger("bot").setLevel(logging.INFO)
    settings = settings_for(store)
    err = Console(stderr=True)
    try:
        engines = build_engines(settings)
        engines.operator.ensure_documents(notify=lambda m: err.print(m, highlight=False))
    except NewsbotError as exc:
        fail(str(exc), 1)
    metrics = Metrics()
    app = build_web_app(settings, MeteredEngines(engines, metrics), metrics)
    try:
        asyncio.run(_serve_until_stopped(app.application(), host, port, err))
    except OSError as exc:  # the port is taken, or the address is not this machine's
        fail(f"could not listen on {host}:{port}: {exc.strerror or exc}", 1)
    except KeyboardInterrupt:
        pass


async def _serve_until_stopped(app: web.Application, host: str, port: int, err: Console) -> None:
    from bot.web.app import serving

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with serving(app, host, port) as address:
        err.print(f"Serving source pages, /healthz and /metrics on {address}", highlight=False)
        await stop.wait()
