"""A fetched page becomes the same document a saved copy would, named by its canonical address,
and the engine stores it, cites it with that address and keeps it through ``--prune``."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.errors import FetchError
from retrieval.ingest.loaders import load_bytes
from retrieval.web.addresses import AddressPolicy
from retrieval.web.fetch import Fetched, Fetcher
from retrieval.web.pages import WebPages, canonical_address, page_document
from tests.conftest import SHARED_CORPUS, EngineFactory, needs_shared
from tests.retrieval.web.site import LoopbackSite, Page, article

BODY = (
    "The central bank held its main rate at 4.5% on Tuesday, its governor said.\n\n"
    "Markets had expected the pause after inflation slowed for a third month."
)


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with LoopbackSite() as running:
        yield running


def test_the_pages_own_canonical_address_names_it() -> None:
    page = "https://news.example/a?utm_source=feed"
    assert canonical_address(page, "/2024/rates-held#top") == "https://news.example/2024/rates-held"
    assert canonical_address(page, "https://www.news.example/x") == "https://www.news.example/x"
    # Another site's address is not believed: the page would replace that site's article.
    assert canonical_address(page, "https://other.example/x") == page
    assert canonical_address(page, "javascript:alert(1)") == page
    assert canonical_address(page, None) == page


def test_a_page_is_extracted_as_a_saved_copy_is() -> None:
    html = article("Rates held", BODY, canonical="https://news.example/2024/rates-held")
    doc = page_document(Fetched("https://news.example/a?ref=x", "text/html", html))
    saved = load_bytes("rates.html", html, origin="/tmp/rates.html")[0]
    assert doc.text == saved.text and doc.title == saved.title == "Rates held"
    assert doc.url == doc.source == doc.origin == "https://news.example/2024/rates-held"
    assert doc.date is not None and doc.date.isoformat() == "2024-06-19"
    assert "Home" not in doc.text and "Copyright" not in doc.text


@pytest.mark.parametrize(
    ("kind", "data", "why"),
    [
        ("application/pdf", b"%PDF-1.4", "is application/pdf, not a web page"),
        ("image/png", b"\x89PNG", "is image/png"),
        ("", b"\x00\x01\x02", "of no stated type"),
        ("text/html", b"<html><body> </body></html>", "no text left"),
    ],
)
def test_what_is_not_a_page_is_refused_with_the_reason(kind: str, data: bytes, why: str) -> None:
    with pytest.raises(FetchError, match=why):
        page_document(Fetched("https://news.example/f", kind, data))


def test_plain_text_pages_load_as_text() -> None:
    doc = page_document(Fetched("https://news.example/t.txt", "text/plain", BODY.encode()))
    assert "held its main rate" in doc.text and doc.url == "https://news.example/t.txt"


@needs_shared
def test_shared_pages_fetched_over_http_equal_their_saved_copies(site: LoopbackSite) -> None:
    folder = SHARED_CORPUS / "web-pages"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = WebPages(Fetcher(AddressPolicy(["127.0.0.1"])))
    for page_id in sorted(truth)[:12]:
        data = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        site.pages[f"/{page_id}"] = Page(data, headers={"Content-Type": "text/html; charset=utf-8"})
        fetched = pages.document(site.url(f"/{page_id}"))
        saved = load_bytes("page.html", data, origin="x")[0]
        assert fetched.text == saved.text and fetched.title == saved.title
        # The page's canonical address is another site's (the original), so the fetched address
        # names it: a page served from here cannot pose as that site.
        assert fetched.url == site.url(f"/{page_id}")


def test_the_engine_stores_cites_and_keeps_a_page(
    site: LoopbackSite, make_engine: EngineFactory, tmp_path: Path
) -> None:
    canonical = site.url("/2024/rates-held")
    site.pages["/a"] = Page(article("Rates held", BODY, canonical=canonical))
    engine = make_engine(newsbot_fetch_allow="127.0.0.1")
    report = engine.ingest_url(site.url("/a"))
    assert (report.documents, report.added) == (1, 1)
    answer = engine.answer("What rate did the central bank hold?")
    assert answer.citations and answer.citations[0].url == canonical
    # The same article through another link is the same document, unchanged.
    site.pages["/b?utm=1"] = Page(article("Rates held", BODY, canonical=canonical))
    assert engine.ingest_url(site.url("/b?utm=1")).unchanged == 1
    assert [d.source for d in engine.documents()] == [canonical]
    # A file ingest with --prune keeps pages: they have no file to disappear.
    (tmp_path / "notes.txt").write_text("A local note about something else entirely.")
    assert engine.ingest_paths([tmp_path / "notes.txt"], prune=True).removed == 0
    assert canonical in [d.source for d in engine.documents()]
    assert engine.remove_document(canonical).source == canonical


def test_without_the_allow_list_the_engine_refuses_loopback(
    site: LoopbackSite, make_engine: EngineFactory
) -> None:
    site.pages["/a"] = Page(article("Rates held", BODY))
    with pytest.raises(FetchError, match="loopback"):
        make_engine().ingest_url(site.url("/a"))
    assert site.requests == []
