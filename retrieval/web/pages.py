"""A fetched page as a document: extracted as a saved page is, named by its canonical address.

The canonical address (``<link rel="canonical">``, ``og:url``) is the document's origin, id, name
and citation link, so the same article reached through a tracking link, a redirect or a feed is
one document. It is believed only on the site that served the page: a page cannot claim another
site's address and so replace that site's article.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urljoin, urlsplit, urlunsplit

from retrieval.errors import FetchError
from retrieval.ingest.decode import NotText
from retrieval.ingest.loaders import Refused, build_document, read_raw
from retrieval.models import Document
from retrieval.safety import web_url
from retrieval.web.fetch import Fetched, Fetcher

_SUFFIXES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
}


def _site(host: str | None) -> str:
    host = (host or "").lower()
    return host.removeprefix("www.")


def canonical_address(page: str, claimed: str | None) -> str:
    """``claimed`` (made absolute, no fragment) when it is on ``page``'s own site, else ``page``."""
    if claimed:
        address = urljoin(page, claimed.strip())
        parts = urlsplit(address)
        if parts.scheme in ("http", "https") and _site(parts.hostname) == _site(
            urlsplit(page).hostname
        ):
            return urlunsplit(parts._replace(fragment=""))
    return page


def page_document(fetched: Fetched) -> Document:
    """The document a fetched page holds; FetchError for what is no page or has no text."""
    suffix = _SUFFIXES.get(fetched.content_type)
    if suffix is None and not fetched.content_type and fetched.data.lstrip()[:1] == b"<":
        suffix = ".html"  # a server that names no type, serving markup
    if suffix is None:
        kind = fetched.content_type or "of no stated type"
        raise FetchError(f"{fetched.url} is {kind}, not a web page or text.")
    try:
        raw = read_raw(fetched.url, suffix, fetched.data, fetched.url)
        where = web_url(canonical_address(fetched.url, raw.url)) or fetched.url
        return build_document(dataclasses.replace(raw, source=where, origin=where, url=where))
    except (NotText, Refused) as exc:
        raise FetchError(f"{fetched.url}: {exc}.") from exc


class WebPages:
    """Links to documents: what the engine calls for ``ingest URL`` and ``/sources add url:``."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher

    def document(self, url: str) -> Document:
        return page_document(self._fetcher.fetch(url))
