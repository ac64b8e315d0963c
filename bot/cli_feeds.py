"""``newsbot feeds add|list|remove|poll``: the operator's view of the feeds, and one poll for cron.

Without ``--server`` the feeds of the shared collection; with it, one Discord server's (the ones
its moderators follow with ``/sources feed``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from bot.cli_common import JsonOption, ServerOption, StoreOption, fail, settings_for
from bot.terminal import shown
from bot.wiring import build_engines, build_feed_poller
from retrieval.errors import NewsbotError
from retrieval.feeds.poller import FeedPoller, PollResult
from retrieval.feeds.subscriptions import SHARED, Feed, Subscriptions

feeds_app = typer.Typer(help="Follow RSS and Atom feeds: new articles are ingested once.")

UrlArgument = Annotated[
    str, typer.Argument(help="The feed's address (RSS or Atom, http or https).")
]


def _poller(store: Path | None) -> FeedPoller:
    settings = settings_for(store)
    try:
        return build_feed_poller(settings, build_engines(settings))
    except NewsbotError as exc:
        fail(str(exc))


def _subscriptions(store: Path | None) -> Subscriptions:
    """Listing and removing need no models: only the subscriptions file."""
    return Subscriptions(settings_for(store).newsbot_feeds_db)


def _community(server: int | None) -> int:
    return SHARED if server is None else server


@feeds_app.command("add")
def add(url: UrlArgument, store: StoreOption = None, server: ServerOption = None) -> None:
    """Follow a feed: it is read at once (a feed that cannot be read is not added), its articles
    are ingested, and each later poll takes the new ones."""
    err = Console(stderr=True)
    try:
        result = _poller(store).subscribe(_community(server), url)
    except NewsbotError as exc:
        fail(str(exc), 1)
    err.print(
        f"Following {shown(result.feed.title or result.feed.url)}: {result.message}.",
        highlight=False,
    )
    _print_skipped(err, result)


@feeds_app.command("list")
def list_feeds(
    as_json: JsonOption = False, store: StoreOption = None, server: ServerOption = None
) -> None:
    """The feeds followed, with when each was last polled and what came of it."""
    feeds = _subscriptions(store).feeds(_community(server))
    if as_json:
        sys.stdout.write(json.dumps([feed_to_json(f) for f in feeds], ensure_ascii=False) + "\n")
        return
    out = Console(highlight=False)
    if not feeds:
        Console(stderr=True).print("No feeds are followed.", highlight=False)
    for f in feeds:
        when = f.polled_at.strftime("%Y-%m-%d %H:%M UTC") if f.polled_at else "never"
        out.print(
            f"{shown(f.title or '(untitled)')}  {shown(f.url)}  polled {when}: {shown(f.last_result)}"
        )


@feeds_app.command("remove")
def remove(url: UrlArgument, store: StoreOption = None, server: ServerOption = None) -> None:
    """Stop following a feed (the articles already ingested stay)."""
    if not _subscriptions(store).remove(_community(server), url.strip()):
        fail(f"No feed {url.strip()} is followed here.", 1)
    Console(stderr=True).print(f"No longer following {shown(url.strip())}.", highlight=False)


@feeds_app.command("poll")
def poll(
    as_json: JsonOption = False, store: StoreOption = None, server: ServerOption = None
) -> None:
    """Poll every followed feed once (for cron); exit 1 when a feed could not be read."""
    poller = _poller(store)
    try:
        results = poller.poll_all(None if server is None else server)
    except NewsbotError as exc:  # the store is another process's to write, or is down
        fail(str(exc), 1)
    err = Console(stderr=True)
    for result in results:
        if as_json:
            sys.stdout.write(json.dumps(poll_to_json(result), ensure_ascii=False) + "\n")
        else:
            err.print(f"{shown(result.feed.url)}: {shown(result.message)}", highlight=False)
            _print_skipped(err, result)
    if not results:
        err.print("No feeds are followed.", highlight=False)
    if any(r.outcome == "failed" for r in results):
        raise typer.Exit(1)


def _print_skipped(err: Console, result: PollResult) -> None:
    for link, why in result.skipped:
        err.print(f"[yellow]skipped[/] {shown(link)}: {shown(why)}", highlight=False)


def feed_to_json(f: Feed) -> dict[str, Any]:
    return {
        "url": f.url,
        "title": f.title,
        "server": None if f.community == SHARED else f.community,
        "polled_at": f.polled_at.isoformat() if f.polled_at else None,
        "last_result": f.last_result,
    }


def poll_to_json(r: PollResult) -> dict[str, Any]:
    return {
        "url": r.feed.url,
        "outcome": r.outcome,
        "message": r.message,
        "ingested": list(r.ingested),
        "skipped": [{"url": link, "reason": why} for link, why in r.skipped],
        "duplicates": r.duplicates,
    }
