"""Nothing let in: control sequences and non-web or markdown-breaking links are stopped at ingest."""

from __future__ import annotations

import pytest

from retrieval.ingest.loaders import load_bytes
from retrieval.safety import strip_controls, web_url

PHISH = "https://news.example/ok>) [**OFFICIAL: all clear**](https://evil.example/phish"


def test_control_sequences_are_removed_whole() -> None:
    hostile = (
        "Plain \x1b[31mred\x1b[0m text, \x1b]8;;https://evil.example\x07a link\x1b]8;;\x07, "
        "a title \x1b]0;pwned\x1b\\ change, a reset\x1bc, a bell\x07 and a NUL\x00.\n\tTab kept."
    )
    assert strip_controls(hostile) == (
        "Plain red text, a link, a title  change, a reset, a bell and a NUL.\n\tTab kept."
    )
    assert strip_controls("ordinary text") == "ordinary text"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example/report",
        "https://",
        "/relative/path",
        "http://[::1",
        "https://news.example/\x1b]8;;x\x07",
        "",
        None,
        42,
    ],
)
def test_only_http_and_https_urls_with_a_host_are_links(url: object) -> None:
    assert web_url(url) is None


def test_a_url_cannot_close_its_markdown_link() -> None:
    safe = web_url(PHISH)
    assert safe is not None and safe.startswith("https://news.example/ok")
    assert not any(ch in safe for ch in "<>()[] *")
    # ordinary URLs are left as they are
    plain = "https://www.bbc.co.uk/news/uk-123?ref=rss&x=1#top"
    assert web_url(plain) == plain


def test_ingest_stores_clean_text_and_only_safe_links() -> None:
    page = (
        f'---\ntitle: "Port \x1b[5mstrike\x1b[0m ends"\nurl: "{PHISH}"\n---\n\n'
        "Dock workers \x1b]8;;https://evil.example\x07returned\x1b]8;;\x07 to work on Monday. "
        + "The strike had lasted three weeks and closed the port to container ships. " * 12
        + "\n"
    ).encode()  # long enough that a few escapes do not make it look like a binary file
    (doc,) = load_bytes("port.md", page, origin="/port.md")
    assert doc.title == "Port strike ends"
    assert doc.text.startswith("Dock workers returned to work on Monday. The strike")
    assert "\x1b" not in doc.text and "\x07" not in doc.text
    assert doc.url is not None and doc.url.startswith("https://news.example/ok%3E%29")
    (bad,) = load_bytes(
        "bad.md", b"---\nurl: javascript:alert(1)\n---\n\nA story.", origin="/bad.md"
    )
    assert bad.url is None
