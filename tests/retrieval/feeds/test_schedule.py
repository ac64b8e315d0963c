"""The running bot's polling: every interval (with jitter), a new item taken on the next turn."""

from __future__ import annotations

import asyncio
import contextlib
import random
from pathlib import Path

from retrieval.communities import CommunityEngines
from retrieval.feeds.poller import FeedPoller, PollResult
from retrieval.feeds.schedule import poll_periodically
from retrieval.feeds.subscriptions import SHARED, Subscriptions
from retrieval.web.addresses import AddressPolicy
from retrieval.web.fetch import Fetcher
from tests.conftest import EngineFactory
from tests.retrieval.feeds.test_poller import STORIES, feed_page, rss
from tests.retrieval.web.site import LoopbackSite, Page, article


async def test_polls_repeat_and_take_what_the_feed_adds(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    engine = make_engine(newsbot_fetch_allow="127.0.0.1")
    with LoopbackSite() as site:
        for path, (title, body) in STORIES.items():
            site.pages[path] = Page(article(title, body))
        site.pages["/feed.xml"] = feed_page(rss(site, "/news/port"))
        poller = FeedPoller(
            Fetcher(AddressPolicy(["127.0.0.1"])),
            Subscriptions(tmp_path / "feeds.sqlite3"),
            CommunityEngines(engine),
        )
        poller.subscriptions.add(SHARED, site.url("/feed.xml"))
        results: list[PollResult] = []
        task = asyncio.create_task(
            poll_periodically(poller, 0.2, on_result=results.append, rng=random.Random(1))
        )
        try:
            async with asyncio.timeout(60):
                while len(results) < 1:
                    await asyncio.sleep(0.05)
                site.pages["/feed.xml"] = feed_page(rss(site, "/news/ferry", "/news/port"))
                while not any(r.ingested == (site.url("/news/ferry"),) for r in results):
                    await asyncio.sleep(0.05)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    assert results[0].ingested == (site.url("/news/port"),)
    assert {d.title for d in engine.documents()} == {"Port reopens", "Ferry returns"}
