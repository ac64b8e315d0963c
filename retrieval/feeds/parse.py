"""A fetched feed's items: RSS 0.9x-2.0, RSS 1.0 and Atom through feedparser, given the bytes
(feedparser is never handed an address: fetching stays with the guarded fetcher)."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser

from retrieval.errors import FeedError
from retrieval.safety import web_url

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FeedItem:
    link: str
    title: str
    fingerprint: str  # the item's words: the same story under another link is the same item


def parse_feed(data: bytes, url: str) -> tuple[str, list[FeedItem]]:
    """The feed's title and its items with a web link, in the feed's order (newest first, as
    feeds list them). FeedError for bytes no feed can be read from."""
    parsed = feedparser.parse(data)
    items: list[FeedItem] = []
    for entry in parsed.entries:
        raw = str(entry.get("link", "")).strip()
        link = web_url(urljoin(url, raw)) if raw else None
        if not link:
            continue
        title = _words(str(entry.get("title", "")))
        summary = _words(str(entry.get("summary", "")))
        items.append(FeedItem(link, title, _fingerprint(title, summary, link)))
    # A feed is read leniently (feedparser's loose parser), but one of which nothing usable can
    # be read is said to be broken rather than "nothing new".
    if not items and (parsed.bozo or not parsed.get("version")):
        reason = type(parsed.get("bozo_exception")).__name__ if parsed.bozo else "no items"
        raise FeedError(f"{url} is not a readable RSS or Atom feed ({reason}).")
    return _words(str(parsed.feed.get("title", ""))), items


def _words(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", text))).strip()


def _fingerprint(title: str, summary: str, link: str) -> str:
    words = f"{title}\x1f{summary}".casefold() if title or summary else link
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:24]
