"""``/sources feed add|list|remove`` through the cog, a real engine and a feed on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.discord.services import BotServices
from retrieval.communities import CommunityEngines
from retrieval.feeds.poller import FeedPoller
from retrieval.feeds.subscriptions import Subscriptions
from retrieval.interfaces import EngineAPI
from retrieval.web.addresses import AddressPolicy
from retrieval.web.fetch import Fetcher
from tests.bot.discord.test_moderation import sources_cog
from tests.bot.fakes import FakeEngine, invoke, make_interaction, make_services, shown_text
from tests.conftest import EngineFactory
from tests.retrieval.feeds.test_poller import feed_page, news_site, rss
from tests.retrieval.web.site import LoopbackSite


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with news_site() as running:
        running.pages["/feed.xml"] = feed_page(rss(running, "/news/port", "/news/bridge"))
        yield running


def _services_with_feeds(engine: EngineAPI, tmp_path: Path) -> BotServices:
    services = make_services(tmp_path, engine)
    services.feeds = FeedPoller(
        Fetcher(AddressPolicy(["127.0.0.1"])),
        Subscriptions(tmp_path / "feeds.sqlite3"),
        CommunityEngines(engine),
    )
    return services


async def test_a_moderator_follows_lists_and_drops_a_feed(
    site: LoopbackSite, make_engine: EngineFactory, tmp_path: Path
) -> None:
    engine = make_engine(newsbot_fetch_allow="127.0.0.1")
    services = _services_with_feeds(engine, tmp_path)
    cog = sources_cog(services)
    url = site.url("/feed.xml")

    adding = make_interaction(services, manage_messages=True)
    await invoke(cog.feed_add, cog, adding, url=url)
    progress = [c.kwargs["content"] for c in adding.edit_original_response.await_args_list]
    assert progress == [
        f"⏳ Reading the feed `{url}`…",
        f"✅ Following **Harbour News** (`{url}`): 2 new.",
    ]
    assert {d.title for d in engine.documents()} == {"Port reopens", "Bridge closed"}
    assert [f.community for f in services.feeds.subscriptions.feeds()] == [7]  # this server's

    listing = make_interaction(services, manage_messages=True)
    await invoke(cog.feed_list, cog, listing)
    assert f"**Harbour News** `{url}`" in shown_text(listing) and "2 new" in shown_text(listing)

    choosing = make_interaction(services, manage_messages=True)
    choices = await cog._feed_urls(choosing, "harbour")
    assert [c.value for c in choices] == [url]

    dropping = make_interaction(services, manage_messages=True)
    await invoke(cog.feed_remove, cog, dropping, url=url)
    assert "No longer following" in shown_text(dropping)
    assert len(engine.documents()) == 2  # what was added stays
    again = make_interaction(services, manage_messages=True)
    await invoke(cog.feed_remove, cog, again, url=url)
    assert "This server does not follow" in shown_text(again)


async def test_an_address_that_is_no_feed_is_refused_at_once(
    site: LoopbackSite, make_engine: EngineFactory, tmp_path: Path
) -> None:
    engine = make_engine(newsbot_fetch_allow="127.0.0.1")
    services = _services_with_feeds(engine, tmp_path)
    cog = sources_cog(services)
    interaction = make_interaction(services, manage_messages=True)
    await invoke(cog.feed_add, cog, interaction, url=site.url("/news/port"))
    assert "Not added:" in shown_text(interaction)
    assert "not a readable RSS or Atom feed" in shown_text(interaction)
    assert services.feeds.subscriptions.feeds() == []


async def test_members_cannot_follow_feeds_and_a_bot_without_feeds_says_so(
    tmp_path: Path,
) -> None:
    services = make_services(tmp_path, FakeEngine())
    cog = sources_cog(services)
    member = make_interaction(services, manage_messages=False)
    await invoke(cog.feed_add, cog, member, url="https://news.example/feed")
    assert "moderator" in shown_text(member).lower()
    moderator = make_interaction(services, manage_messages=True)
    await invoke(cog.feed_list, cog, moderator)
    assert "Feeds are not set up" in shown_text(moderator)
