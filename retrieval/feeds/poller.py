"""One poll of the subscribed feeds: a conditional GET of each feed, then every new item's page
ingested into the collection of the community that follows it, once.

"Once" is kept by link and by content (an item that comes back under a new link, or in a second
feed, is not fetched again) and by the page's own canonical address (the engine's identity).
An item whose page fails is tried again on later polls, up to ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.errors import FeedError, FetchError, NewsbotError
from retrieval.feeds.parse import FeedItem, parse_feed
from retrieval.feeds.subscriptions import SHARED, Feed, Subscriptions
from retrieval.interfaces import Engines
from retrieval.web.fetch import Fetcher, checked_url

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True)
class PollResult:
    feed: Feed
    outcome: str  # "new" (items taken), "unchanged" (304 or nothing new), "failed"
    message: str
    ingested: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()  # (link, why)
    duplicates: int = 0


class FeedPoller:
    def __init__(
        self,
        fetcher: Fetcher,
        subscriptions: Subscriptions,
        engines: Engines,
        *,
        max_items: int = 20,
    ) -> None:
        self._fetcher = fetcher
        self.subscriptions = subscriptions
        self._engines = engines
        self._max_items = max_items

    def subscribe(self, community: int, url: str) -> PollResult:
        """Follow ``url`` and take its items now; FeedError (nothing kept) when the first poll
        cannot read it as a feed, so a mistyped address is said at once, not at the next poll."""
        address = checked_url(url)
        if not self.subscriptions.add(community, address):
            raise FeedError(f"{address} is followed already.")
        feed = next(f for f in self.subscriptions.feeds(community) if f.url == address)
        try:
            result = self.poll(feed)
        except NewsbotError:  # the store is down or another process's to write: nothing kept
            self.subscriptions.remove(community, address)
            raise
        if result.outcome == "failed" and not result.skipped:
            self.subscriptions.remove(community, address)
            raise FeedError(f"Not added: {result.message}")
        return dataclasses.replace(result, feed=self._current(feed))

    def _current(self, feed: Feed) -> Feed:
        return next(
            (f for f in self.subscriptions.feeds(feed.community) if f.url == feed.url), feed
        )

    def poll_all(self, community: int | None = None) -> list[PollResult]:
        return [self.poll(feed) for feed in self.subscriptions.feeds(community)]

    def poll(self, feed: Feed) -> PollResult:
        headers = {"Accept": FEED_ACCEPT}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        try:
            fetched = self._fetcher.fetch(feed.url, headers=headers)
            if fetched.status == 304:
                return self._done(PollResult(feed, "unchanged", "not modified (304)"))
            title, items = parse_feed(fetched.data, fetched.url)
        except (FetchError, FeedError) as exc:
            return self._done(PollResult(feed, "failed", str(exc)))
        result = self._take(feed, items[: self._max_items])
        self.subscriptions.polled(
            feed,
            result.message,
            title=title,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            validators=True,
        )
        return result

    def _take(self, feed: Feed, items: Sequence[FeedItem]) -> PollResult:
        engine = self._engines.for_community(None if feed.community == SHARED else feed.community)
        ingested: list[str] = []
        skipped: list[tuple[str, str]] = []
        duplicates = 0
        for item in reversed(items):  # oldest first: the collection grows in the feed's order
            link, fingerprint = item.link, item.fingerprint
            if self.subscriptions.known(feed.community, link, fingerprint):
                duplicates += 1
                continue
            try:
                report = engine.ingest_url(link)
            except FetchError as exc:
                self.subscriptions.taken(feed.community, feed.url, link, fingerprint, ok=False)
                skipped.append((link, str(exc)))
                continue
            self.subscriptions.taken(feed.community, feed.url, link, fingerprint, ok=True)
            if report.added:
                ingested.append(link)
            else:
                duplicates += 1  # the page is stored already (reached through another link)
        parts = [f"{len(ingested)} new"]
        if duplicates:
            parts.append(f"{duplicates} already known")
        if skipped:
            parts.append(f"{len(skipped)} could not be fetched")
        outcome = "new" if ingested else ("failed" if skipped and not duplicates else "unchanged")
        return PollResult(
            feed, outcome, ", ".join(parts), tuple(ingested), tuple(skipped), duplicates
        )

    def _done(self, result: PollResult) -> PollResult:
        self.subscriptions.polled(result.feed, result.message)
        return result
