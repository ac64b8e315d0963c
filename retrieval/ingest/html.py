"""Article text and metadata out of a web page, with trafilatura.

Trafilatura finds the article body among navigation, ads and comment sections, and reads the title, the
canonical URL and the publication date from the page's metadata. Its date search is kept to metadata and
the URL: the body text of a page is full of dates that are not the publication date.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html as html_text
import re
from dataclasses import dataclass

from retrieval.ingest.dates import parse_date
from retrieval.ingest.decode import decode_text, ensure_text
from retrieval.safety import web_url

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_PUBLISHED_TIME = (
    re.compile(
        r"<meta[^>]+(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|"
        r"datePublished|og:published_time|pubdate)[\"'][^>]*content\s*=\s*[\"']([^\"']+)",
        re.IGNORECASE,
    ),
    re.compile(
        r"<meta[^>]+content\s*=\s*[\"']([^\"']+)[\"'][^>]*(?:property|name|itemprop)\s*=\s*"
        r"[\"'](?:article:published_time|datePublished|og:published_time|pubdate)[\"']",
        re.IGNORECASE,
    ),
)
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True)
class WebArticle:
    text: str
    title: str | None
    url: str | None
    date: dt.date | None


def decode_html(data: bytes) -> str:
    """Honour a declared charset when the page is not UTF-8; markup is too ASCII-heavy to guess."""
    if b"\x00" in data or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data)  # UTF-16 pages, or binary data to refuse
    try:
        return ensure_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii", "ignore"))
            return ensure_text(data.decode(codec.name, errors="replace"))
        except LookupError:
            pass
    return decode_text(data)


def _published_date(html: str) -> dt.date | None:
    for pattern in _PUBLISHED_TIME:
        match = pattern.search(html)
        if match:
            date = parse_date(match.group(1).strip())
            if date is not None:
                return date
    return None


def extract_article(html: str) -> WebArticle:
    """The article body, or the page's whole visible text when no article body can be found."""
    import trafilatura  # imported on first use: it is slow to load and most runs ask, not ingest

    result = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    text = getattr(result, "text", None) or ""
    title = getattr(result, "title", None)
    url = web_url(getattr(result, "url", None))
    date = parse_date(getattr(result, "date", None)) or _published_date(html)
    if not text.strip():
        text = trafilatura.html2txt(html) or ""
    if not title:
        match = _TITLE_TAG.search(html)
        title = html_text.unescape(match.group(1)) if match else None
    return WebArticle(text=text, title=title, url=url, date=date)
