"""Feed polling against a feed served from 127.0.0.1 that the test advances: new items, 304, a
500, malformed XML, a duplicate item, an item whose page is gone, and a restart in between."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.communities import CommunityEngines
from retrieval.errors import FeedError, StoreError
from retrieval.feeds.parse import parse_feed
from retrieval.feeds.poller import FeedPoller
from retrieval.feeds.subscriptions import SHARED, Subscriptions
from retrieval.web.addresses import AddressPolicy
from retrieval.web.fetch import Fetcher, FetchLimits
from tests.conftest import EngineFactory
from tests.retrieval.index.test_chroma_server import _free_port, _start_server, _stop
from tests.retrieval.web.site import LoopbackSite, Page, article

STORIES = {
    "/news/port": ("Port reopens", "The port reopened on Monday after the storm, officials said."),
    "/news/bridge": (
        "Bridge closed",
        "The old bridge was closed to lorries for repairs on Tuesday.",
    ),
    "/news/ferry": ("Ferry returns", "The island ferry returned to service on Wednesday morning."),
}


def rss(site: LoopbackSite, *paths: str, extra: str = "") -> bytes:
    items = "".join(
        f"<item><title>{STORIES[p][0]}</title><link>{site.url(p)}</link>"
        f"<description>{STORIES[p][1]}</description>"
        "<pubDate>Wed, 19 Jun 2024 08:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
        f"<link>{site.url('/')}</link>{items}{extra}</channel></rss>"
    ).encode()


def feed_page(body: bytes, etag: str | None = None) -> Page:
    headers = {"Content-Type": "application/rss+xml"}
    if etag:
        headers["ETag"] = etag
    return Page(body, headers=headers)


def news_site() -> LoopbackSite:
    """A site with the three stories' pages (not yet started: use it with ``with``)."""
    site = LoopbackSite()
    for path, (title, body) in STORIES.items():
        site.pages[path] = Page(article(title, body))
    return site


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with news_site() as running:
        yield running


def _poller(engine_factory: EngineFactory, db: Path) -> tuple[FeedPoller, CommunityEngines]:
    engines = CommunityEngines(engine_factory(newsbot_fetch_allow="127.0.0.1"))
    fetcher = Fetcher(AddressPolicy(["127.0.0.1"]), FetchLimits())
    return FeedPoller(fetcher, Subscriptions(db), engines), engines


def test_a_feed_is_followed_through_its_changes_and_a_restart(
    site: LoopbackSite, make_engine: EngineFactory, tmp_path: Path
) -> None:
    db = tmp_path / "feeds.sqlite3"
    poller, engines = _poller(make_engine, db)
    feed_url = site.url("/feed.xml")
    assert poller.subscriptions.add(SHARED, feed_url)
    assert not poller.subscriptions.add(SHARED, feed_url)  # once per community

    # 1. Two items: both pages are ingested, oldest first.
    site.pages["/feed.xml"] = feed_page(rss(site, "/news/bridge", "/news/port"), etag='"v1"')
    [first] = poller.poll_all()
    assert first.outcome == "new" and first.ingested == (
        site.url("/news/port"),
        site.url("/news/bridge"),
    )
    assert {d.title for d in engines.operator.documents()} == {"Port reopens", "Bridge closed"}
    assert poller.subscriptions.feeds()[0].title == "Harbour News"

    # 2. Not modified: the poll says the ETag it has, and nothing is fetched beyond the feed.
    site.requests.clear()
    site.pages["/feed.xml"] = Page(b"", status=304, headers={})
    [second] = poller.poll_all()
    assert second.outcome == "unchanged" and second.message == "not modified (304)"
    assert [(path, headers.get("If-None-Match")) for path, headers in site.requests] == [
        ("/feed.xml", '"v1"')
    ]

    # 3. A new item, the same story again under a tracking link, and an item whose page is gone.
    duplicate = f"<item><title>{STORIES['/news/port'][0]}</title><link>{site.url('/news/port?utm=x')}</link><description>{STORIES['/news/port'][1]}</description></item>"
    gone = f"<item><title>Gone</title><link>{site.url('/news/gone')}</link><description>Removed.</description></item>"
    site.pages["/feed.xml"] = feed_page(
        rss(site, "/news/ferry", "/news/bridge", "/news/port", extra=duplicate + gone), etag='"v2"'
    )
    site.requests.clear()
    [third] = poller.poll_all()
    assert third.ingested == (site.url("/news/ferry"),)
    assert third.duplicates == 3  # bridge and port by link, port again by its words
    assert [link for link, _ in third.skipped] == [site.url("/news/gone")]
    assert "404" in third.skipped[0][1]
    fetched = [path for path, _ in site.requests]
    assert "/news/port" not in fetched and "/news/port?utm=x" not in fetched
    assert len(engines.operator.documents()) == 3

    # 4. The feed breaks: a 500, then malformed XML. Said, and nothing already taken is lost.
    site.pages["/feed.xml"] = Page(b"oops", status=500, headers={})
    [broken] = poller.poll_all()
    assert broken.outcome == "failed" and "500" in broken.message
    site.pages["/feed.xml"] = feed_page(b"<rss><channel><item><title>Half")
    [malformed] = poller.poll_all()
    assert malformed.outcome == "failed"
    assert "not a readable RSS or Atom feed" in malformed.message
    assert poller.subscriptions.feeds()[0].last_result == malformed.message
    assert len(engines.operator.documents()) == 3

    # 5. A restart: the subscription and what was taken are remembered; the gone page is tried
    # again (up to three times in all), nothing else is fetched again.
    again = FeedPoller(
        Fetcher(AddressPolicy(["127.0.0.1"]), FetchLimits()), Subscriptions(db), engines
    )
    assert [f.url for f in again.subscriptions.feeds()] == [feed_url]
    site.pages["/feed.xml"] = feed_page(
        rss(site, "/news/ferry", "/news/bridge", "/news/port", extra=duplicate + gone)
    )
    for attempt in (2, 3, 4):
        site.requests.clear()
        [after] = again.poll_all()
        assert after.ingested == ()
        tried = [path for path, _ in site.requests if path.startswith("/news/")]
        assert tried == (["/news/gone"] if attempt <= 3 else [])
    assert len(engines.operator.documents()) == 3
    assert again.subscriptions.remove(SHARED, feed_url)
    assert again.subscriptions.feeds() == []


def test_a_communitys_feeds_feed_its_own_collection(
    site: LoopbackSite, make_engine: EngineFactory, tmp_path: Path
) -> None:
    poller, _ = _poller(make_engine, tmp_path / "feeds.sqlite3")
    site.pages["/feed.xml"] = feed_page(rss(site, "/news/port"))
    poller.subscriptions.add(42, site.url("/feed.xml"))
    assert poller.poll_all(community=7) == []
    [result] = poller.poll_all(community=42)
    assert result.ingested == (site.url("/news/port"),)
    assert [f.community for f in poller.subscriptions.feeds()] == [42]


def test_atom_feeds_and_relative_links_are_read() -> None:
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>Example Atom</title><entry><title>One</title><link href='/a/1'/>"
        b"<summary>First &amp; only.</summary></entry>"
        b"<entry><title>No link</title></entry></feed>"
    )
    title, items = parse_feed(atom, "https://news.example/feed.atom")
    assert title == "Example Atom"
    assert [(i.link, i.title) for i in items] == [("https://news.example/a/1", "One")]


@pytest.mark.parametrize("data", [b"", b"not xml at all", b"<html><body>A page</body></html>"])
def test_what_is_not_a_feed_is_refused_with_the_reason(data: bytes) -> None:
    with pytest.raises(FeedError, match="is not a readable RSS or Atom feed"):
        parse_feed(data, "https://news.example/feed")


def test_following_reads_the_feed_at_once_and_refuses_what_is_no_feed(
    site: LoopbackSite, make_engine: EngineFactory, tmp_path: Path
) -> None:
    poller, engines = _poller(make_engine, tmp_path / "feeds.sqlite3")
    site.pages["/feed.xml"] = feed_page(rss(site, "/news/port", "/news/bridge"))
    result = poller.subscribe(SHARED, site.url("/feed.xml#top"))
    assert result.feed.title == "Harbour News" and result.message == "2 new"
    assert result.feed.url == site.url("/feed.xml")  # the fragment is not part of the address
    with pytest.raises(FeedError, match="followed already"):
        poller.subscribe(SHARED, site.url("/feed.xml"))
    # A page, not a feed: refused now, and not followed.
    with pytest.raises(FeedError, match=r"Not added: .* is not a readable RSS or Atom feed"):
        poller.subscribe(SHARED, site.url("/news/ferry"))
    with pytest.raises(FeedError, match=r"Not added: Refused .* loopback"):  # the guard holds
        FeedPoller(Fetcher(), poller.subscriptions, engines).subscribe(7, site.url("/feed.xml"))
    assert [f.url for f in poller.subscriptions.feeds()] == [site.url("/feed.xml")]


@pytest.mark.slow
def test_following_while_the_store_is_down_keeps_nothing(
    site: LoopbackSite, make_engine: EngineFactory, tmp_path: Path
) -> None:
    port = _free_port()
    server = _start_server(tmp_path / "server", port)
    engine = make_engine(newsbot_fetch_allow="127.0.0.1", chroma_host="127.0.0.1", chroma_port=port)
    _stop(server)
    site.pages["/feed.xml"] = feed_page(rss(site, "/news/port"))
    poller = FeedPoller(
        Fetcher(AddressPolicy(["127.0.0.1"])),
        Subscriptions(tmp_path / "feeds.sqlite3"),
        CommunityEngines(engine),
    )
    with pytest.raises(StoreError, match="unavailable"):
        poller.subscribe(SHARED, site.url("/feed.xml"))
    assert poller.subscriptions.feeds() == []
