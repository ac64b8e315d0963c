"""One web page over HTTP(S), within bounds: public addresses, few redirects, a size cap, a timeout.

httpx does the HTTP; the connection itself goes through :class:`_GuardedBackend`, which resolves
the host and checks every address it gets (:mod:`retrieval.web.addresses`) right before connecting.
Redirects are followed here, one by one, so each new address is checked like the first: a public
page that redirects to ``http://10.0.0.1/`` reaches nothing. TLS still verifies the host's name,
since only the TCP connection is made to the checked address.
"""

from __future__ import annotations

import ssl
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import certifi
import httpcore
import httpx

from retrieval.errors import FetchError
from retrieval.uploads import human_size
from retrieval.web.addresses import AddressPolicy

USER_AGENT = "newsbot/0.1 (a Discord bot that answers questions about news articles)"


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 5_000_000
    timeout: float = 15.0  # seconds: connecting, and each read
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    url: str  # where the page was found, after redirects, without a fragment
    content_type: str  # "text/html", lower case, no parameters; "" when the server said none
    data: bytes
    status: int = 200  # 304 for a conditional request the server says is not modified
    etag: str | None = None  # the validators a conditional request sends back next time
    last_modified: str | None = None


def checked_url(url: str) -> str:
    """``url`` if it is an http(s) address with a host, without its fragment; else FetchError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # a port that is not a number raises here
    except ValueError as exc:
        raise FetchError(f"“{url}” is not a web address ({exc}).") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(f"“{url}” is not an http(s) web address.")
    if port == 0:
        raise FetchError(f"“{url}” has no usable port.")
    return urlunsplit(parts._replace(fragment=""))


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's own sockets, connected only to addresses the policy allows."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        address = self._policy.connectable(host, port)
        return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise FetchError("Refused to fetch through a local socket.")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, policy: AddressPolicy) -> None:
        super().__init__(trust_env=False)  # no proxy from the environment: it would connect for us
        # httpx takes no network backend, so its pool is replaced by one that has ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=4,
            network_backend=_GuardedBackend(policy),
        )


class Fetcher:
    """Fetches one page at a time (``fetch``); every refusal or failure is a :class:`FetchError`
    whose message says what happened, for the member or operator who gave the link."""

    def __init__(self, policy: AddressPolicy | None = None, limits: FetchLimits | None = None):
        self._policy = policy or AddressPolicy()
        self.limits = limits or FetchLimits()

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
        """``headers`` replace or add to the usual ones (a feed's Accept, If-None-Match)."""
        current = checked_url(url)
        limits = self.limits
        try:
            with httpx.Client(
                transport=_GuardedTransport(self._policy),
                timeout=httpx.Timeout(limits.timeout),
                follow_redirects=False,
                trust_env=False,
                headers={"User-Agent": limits.user_agent, "Accept": "text/html,text/plain;q=0.9"},
            ) as client:
                for _ in range(limits.max_redirects + 1):
                    with client.stream("GET", current, headers=headers) as response:
                        location = response.headers.get("location")
                        if response.is_redirect and location:
                            current = checked_url(urljoin(current, location))
                            continue
                        return self._body(current, response)
        except httpx.TimeoutException as exc:
            raise FetchError(
                f"{current} did not answer within {limits.timeout:g} s (NEWSBOT_FETCH_TIMEOUT)."
            ) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{current} could not be fetched ({type(exc).__name__}).") from exc
        raise FetchError(f"{url} redirected more than {limits.max_redirects} times.")

    def _body(self, url: str, response: httpx.Response) -> Fetched:
        if response.status_code >= 400:
            raise FetchError(f"{url} answered {response.status_code} {response.reason_phrase}.")
        etag = response.headers.get("etag")
        modified = response.headers.get("last-modified")
        if response.status_code == 304:
            return Fetched(url, "", b"", status=304, etag=etag, last_modified=modified)
        cap = self.limits.max_bytes
        too_large = FetchError(
            f"{url} is larger than the limit of {human_size(cap)} (NEWSBOT_FETCH_MAX_BYTES)."
        )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise too_large
        data = bytearray()
        for piece in response.iter_bytes():
            data += piece
            if len(data) > cap:  # a server may send more than it announced, or announce nothing
                raise too_large
        kind = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        return Fetched(url, kind, bytes(data), response.status_code, etag, modified)
