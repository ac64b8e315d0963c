"""Who follows which feed, what each feed last said (ETag, Last-Modified), and which items were
taken: a small SQLite file, so subscriptions and "already ingested" survive restarts.

Community 0 is the operator's shared collection; a Discord server's feeds feed its own.
Each call opens its own connection, so the file is safe from the bot's worker threads.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SHARED = 0  # the community number of the operator's collection

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    community INTEGER NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    etag TEXT,
    last_modified TEXT,
    added_at TEXT NOT NULL,
    polled_at TEXT,
    last_result TEXT NOT NULL DEFAULT 'not polled yet',
    PRIMARY KEY (community, url)
);
CREATE TABLE IF NOT EXISTS items (
    community INTEGER NOT NULL,
    link TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    feed_url TEXT NOT NULL,
    taken INTEGER NOT NULL,  -- 1 ingested (or already known), 0 failed so far
    attempts INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (community, link)
);
CREATE INDEX IF NOT EXISTS items_by_fingerprint ON items (community, fingerprint);
"""

MAX_ATTEMPTS = 3  # an item whose page keeps failing is given up after this many polls


@dataclass(frozen=True)
class Feed:
    community: int
    url: str
    title: str
    etag: str | None
    last_modified: str | None
    added_at: dt.datetime
    polled_at: dt.datetime | None
    last_result: str


class Subscriptions:
    def __init__(self, path: Path) -> None:
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self._path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    # -- subscriptions --------------------------------------------------------------------------
    def add(self, community: int, url: str) -> bool:
        """Follow ``url``; False when the community already follows it."""
        with self._connect() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO feeds (community, url, added_at) VALUES (?, ?, ?)",
                (community, url, _now()),
            )
            return cursor.rowcount == 1

    def remove(self, community: int, url: str) -> bool:
        with self._connect() as db:
            cursor = db.execute(
                "DELETE FROM feeds WHERE community = ? AND url = ?", (community, url)
            )
            return cursor.rowcount == 1

    def feeds(self, community: int | None = None) -> list[Feed]:
        """One community's feeds, or every community's (``None``), oldest subscription first."""
        query = "SELECT * FROM feeds"
        args: tuple[int, ...] = ()
        if community is not None:
            query += " WHERE community = ?"
            args = (community,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY added_at, url", args).fetchall()
        return [_feed(row) for row in rows]

    def polled(
        self,
        feed: Feed,
        result: str,
        *,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        validators: bool = False,
    ) -> None:
        """Record a poll's outcome; ``validators``: store the response's ETag/Last-Modified."""
        sets = ["polled_at = ?", "last_result = ?"]
        args: list[object] = [_now(), result]
        if title:
            sets.append("title = ?")
            args.append(title)
        if validators:
            sets += ["etag = ?", "last_modified = ?"]
            args += [etag, last_modified]
        with self._connect() as db:
            db.execute(
                f"UPDATE feeds SET {', '.join(sets)} WHERE community = ? AND url = ?",
                (*args, feed.community, feed.url),
            )

    # -- items ----------------------------------------------------------------------------------
    def known(self, community: int, link: str, fingerprint: str) -> bool:
        """Whether the item was taken already, by its link or by its content under another link,
        or has failed too often to try again."""
        with self._connect() as db:
            row = db.execute(
                "SELECT 1 FROM items WHERE community = ? AND ((link = ? AND (taken = 1 OR "
                "attempts >= ?)) OR (fingerprint = ? AND taken = 1)) LIMIT 1",
                (community, link, MAX_ATTEMPTS, fingerprint),
            ).fetchone()
        return row is not None

    def taken(self, community: int, feed_url: str, link: str, fingerprint: str, ok: bool) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO items (community, link, fingerprint, feed_url, taken, attempts, "
                "seen_at) VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (community, link) DO UPDATE "
                "SET taken = excluded.taken, attempts = attempts + 1, seen_at = excluded.seen_at",
                (community, link, fingerprint, feed_url, int(ok), _now()),
            )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _feed(row: tuple[object, ...]) -> Feed:
    community, url, title, etag, modified, added, polled, result = row
    return Feed(
        community=int(str(community)),
        url=str(url),
        title=str(title),
        etag=None if etag is None else str(etag),
        last_modified=None if modified is None else str(modified),
        added_at=dt.datetime.fromisoformat(str(added)),
        polled_at=None if polled is None else dt.datetime.fromisoformat(str(polled)),
        last_result=str(result),
    )
