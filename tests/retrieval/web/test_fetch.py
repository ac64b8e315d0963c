"""The fetcher reaches public pages only, within its bounds, and says why when it will not.

Every refusal is checked against a real server on 127.0.0.1: a refused address must not be
connected to at all, so the server's request log stays empty."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from retrieval.errors import FetchError
from retrieval.web.addresses import AddressPolicy, refusal
from retrieval.web.fetch import Fetcher, FetchLimits, checked_url
from tests.retrieval.web.site import LoopbackSite, Page, article

LOOPBACK = AddressPolicy(["127.0.0.1"])  # the tests' allow-list; nothing is allowed by default


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with LoopbackSite() as running:
        running.pages["/story"] = Page(article("Rates held", "The bank held rates."))
        yield running


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("fd00:ec2::254", "cloud metadata"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "private"),
        ("100.64.0.1", "not a public address"),
        ("224.0.0.1", "not a unicast"),
    ],
)
def test_addresses_inside_a_network_are_refused(address: str, why: str) -> None:
    reason = refusal(ipaddress.ip_address(address))
    assert reason is not None and why in reason


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:85e5", "8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:{port}/story", "127.0.0.1: it is a loopback address"),
        ("http://[::1]:{port}/story", "::1: it is a loopback address"),
        ("http://localhost:{port}/story", "localhost (127.0.0.1): it is a loopback address"),
        ("http://10.0.0.1/", "private address"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata address"),
    ],
)
def test_the_bots_own_network_is_never_fetched_by_default(
    site: LoopbackSite, url: str, why: str
) -> None:
    with pytest.raises(FetchError, match="Refused to fetch") as refused:
        Fetcher().fetch(url.format(port=site.port))
    assert why in str(refused.value) and "Only public web pages" in str(refused.value)
    assert site.requests == []  # refused before connecting


def test_an_allowed_host_is_fetched_with_newsbots_user_agent(site: LoopbackSite) -> None:
    fetched = Fetcher(LOOPBACK).fetch(site.url("/story#top"))
    assert fetched.url == site.url("/story")
    assert fetched.content_type == "text/html" and b"The bank held rates." in fetched.data
    assert site.requests[0][1]["User-Agent"].startswith("newsbot/")


def test_a_redirect_to_a_private_address_is_refused(site: LoopbackSite) -> None:
    site.pages["/go"] = Page(status=302, headers={"Location": "http://10.0.0.1/admin"})
    with pytest.raises(FetchError, match=r"10\.0\.0\.1: it is a private address"):
        Fetcher(LOOPBACK).fetch(site.url("/go"))
    assert [path for path, _ in site.requests] == ["/go"]


def test_a_redirect_to_the_metadata_address_is_refused(site: LoopbackSite) -> None:
    site.pages["/go"] = Page(status=301, headers={"Location": "http://169.254.169.254/"})
    with pytest.raises(FetchError, match="cloud metadata"):
        Fetcher(LOOPBACK).fetch(site.url("/go"))


def test_redirects_are_followed_and_checked_up_to_five(site: LoopbackSite) -> None:
    for hop in range(7):
        site.pages[f"/r{hop}"] = Page(status=302, headers={"Location": f"/r{hop + 1}"})
    site.pages["/r5"] = Page(article("Moved", "Found it."))
    assert Fetcher(LOOPBACK).fetch(site.url("/r0")).url == site.url("/r5")
    site.pages["/loop"] = Page(status=307, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        Fetcher(LOOPBACK).fetch(site.url("/loop"))
    assert [p for p, _ in site.requests].count("/loop") == 6


def test_a_100_mb_body_is_cut_off_at_the_cap(site: LoopbackSite) -> None:
    sent: list[int] = []

    def endless() -> Iterator[bytes]:
        for _ in range(100 * 16):  # 100 MB in 64 KB pieces, no Content-Length
            sent.append(1)
            yield b"<p>" + b"x" * 65_530 + b"</p>"

    site.pages["/huge"] = Page(endless)
    site.pages["/declared"] = Page(b"", headers={"Content-Length": str(100_000_000)})
    fetcher = Fetcher(LOOPBACK, FetchLimits(max_bytes=1_000_000))
    with pytest.raises(
        FetchError, match=r"larger than the limit of 977 KB \(NEWSBOT_FETCH_MAX_BYTES\)"
    ):
        fetcher.fetch(site.url("/huge"))
    assert len(sent) < 100 * 16  # the rest was never read
    with pytest.raises(FetchError, match="larger than the limit"):
        fetcher.fetch(site.url("/declared"))


def test_a_slow_server_times_out_with_a_clear_message(site: LoopbackSite) -> None:
    site.pages["/slow"] = Page(article("Late", "Too late."), delay=1.5)
    with pytest.raises(FetchError, match=r"did not answer within 0\.3 s \(NEWSBOT_FETCH_TIMEOUT\)"):
        Fetcher(LOOPBACK, FetchLimits(timeout=0.3)).fetch(site.url("/slow"))


def test_an_error_status_is_reported(site: LoopbackSite) -> None:
    with pytest.raises(FetchError, match="answered 404 Not Found"):
        Fetcher(LOOPBACK).fetch(site.url("/gone"))


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/a", "http://", "x"]
)
def test_only_http_addresses_are_fetched(url: str) -> None:
    with pytest.raises(FetchError, match="not an http"):
        checked_url(url)
