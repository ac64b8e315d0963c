"""``newsbot feeds`` through the installed command, against a feed on 127.0.0.1: follow, list,
poll (for cron: exit 1 when a feed fails), remove; a non-feed is refused with exit 1."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.test_cli import _clean_env, _installed
from tests.retrieval.feeds.test_poller import feed_page, news_site, rss
from tests.retrieval.web.site import LoopbackSite, Page


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with news_site() as running:
        running.pages["/feed.xml"] = feed_page(rss(running, "/news/port", "/news/bridge"))
        yield running


def _newsbot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_installed(), "feeds", *args, "--store", str(tmp_path / "store")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**_clean_env(), "NEWSBOT_EMBEDDINGS": "wordllama", "NEWSBOT_FETCH_ALLOW": "127.0.0.1"},
        timeout=300,
    )


def test_follow_poll_and_drop_a_feed(site: LoopbackSite, tmp_path: Path) -> None:
    url = site.url("/feed.xml")
    added = _newsbot(tmp_path, "add", url)
    assert added.returncode == 0, added.stderr
    assert "Following Harbour News: 2 new." in added.stderr

    [listed] = json.loads(_newsbot(tmp_path, "list", "--json").stdout)
    assert (listed["url"], listed["title"], listed["server"]) == (url, "Harbour News", None)
    assert listed["last_result"] == "2 new" and listed["polled_at"]

    site.pages["/feed.xml"] = feed_page(rss(site, "/news/ferry", "/news/port", "/news/bridge"))
    polled = _newsbot(tmp_path, "poll", "--json")
    assert polled.returncode == 0, polled.stderr
    [line] = [json.loads(text) for text in polled.stdout.splitlines()]
    assert line["outcome"] == "new" and line["ingested"] == [site.url("/news/ferry")]
    assert line["duplicates"] == 2

    site.pages["/feed.xml"] = Page(b"down", status=500, headers={})
    failed = _newsbot(tmp_path, "poll")
    assert failed.returncode == 1 and "500" in failed.stderr and "Traceback" not in failed.stderr

    assert _newsbot(tmp_path, "remove", url).returncode == 0
    again = _newsbot(tmp_path, "remove", url)
    assert again.returncode == 1 and f"No feed {url} is followed here." in again.stderr
    assert _newsbot(tmp_path, "list", "--json").stdout.strip() == "[]"


def test_an_address_that_is_no_feed_is_not_added(site: LoopbackSite, tmp_path: Path) -> None:
    done = _newsbot(tmp_path, "add", site.url("/news/port"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Not added:" in done.stderr and "not a readable RSS or Atom feed" in done.stderr
    assert _newsbot(tmp_path, "list", "--json").stdout.strip() == "[]"
