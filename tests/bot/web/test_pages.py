"""The source page's HTML: escaped, each passage addressable, overlapping passages both marked."""

from __future__ import annotations

import datetime as dt
import re

from bot.web.pages import CONTENT_SECURITY_POLICY, SCRIPT_HASH, source_page
from retrieval.models import DocumentInfo, SourceDocument, SourcePassage

TEXT = "First <b>bold</b> sentence. Second sentence, shared. Third & last."


def _doc(
    title: str = "A <script>alert(1)</script> title", url: str | None = None
) -> SourceDocument:
    info = DocumentInfo(
        doc_id="0" * 24,
        source="news/a.html",
        title=title,
        url=url,
        date=dt.date(2024, 6, 19),
        chunks=2,
        origin="x",
    )
    second = TEXT.index("Second")
    third = TEXT.index("Third")
    return SourceDocument(
        info,
        TEXT,
        (SourcePassage("aa11", 0, 0, third), SourcePassage("bb22", 1, second, len(TEXT))),
    )


def test_everything_from_the_store_is_escaped() -> None:
    page = source_page(_doc(url="javascript:alert(1)"))
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "javascript:" not in page  # not a web address: no link at all
    # Exactly one script, the page's own, whose hash the policy allows.
    assert len(re.findall(r"<script>", page)) == 1
    assert f"'sha256-{SCRIPT_HASH}'" in CONTENT_SECURITY_POLICY


def test_each_passage_has_an_anchor_and_overlaps_carry_both_classes() -> None:
    page = source_page(_doc(url="https://news.example/a?x=1&y=2"))
    assert page.index("id='caa11'") < page.index("First")
    assert page.index("id='cbb22'") < page.index("Second") < page.index("Third")
    # The shared sentence belongs to both passages; the first and last pieces to one each.
    assert "<span class='caa11 cbb22'>Second sentence, shared. </span>" in page
    assert "<span class='caa11'>First &lt;b&gt;" in page
    assert "<span class='cbb22'>Third &amp; last.</span>" in page
    assert "href='https://news.example/a?x=1&amp;y=2'" in page
    assert "19 June 2024" in page


def test_the_text_reads_back_whole_whatever_the_cuts() -> None:
    page = source_page(_doc())
    body = page.split("<div class='text'>", 1)[1].split("</div>", 1)[0]
    plain = re.sub(r"<[^>]+>", "", body)
    assert plain == TEXT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
