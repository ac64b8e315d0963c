"""The HTML of a source page: a document's cleaned text, each cited passage addressable.

Passages overlap (the chunker repeats a sentence or two), so the text is cut at every passage
boundary and each piece lists, as classes, the passages it belongs to. The tiny script marks the
pieces of the passage named by the address's fragment (``#c<chunk id>``) and scrolls to it; with
scripts off, the fragment's anchor still scrolls there. Everything from the store is escaped.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools

from retrieval.models import SourceDocument
from retrieval.safety import web_url

_SCRIPT = """
function mark() {
  document.querySelectorAll(".hit").forEach(function (e) { e.classList.remove("hit"); });
  var id = location.hash.slice(1);
  if (!/^c[0-9a-f]{8,64}$/.test(id)) return;
  var parts = document.getElementsByClassName(id);
  for (var i = 0; i < parts.length; i++) parts[i].classList.add("hit");
  if (parts.length) parts[0].scrollIntoView({block: "center"});
}
addEventListener("hashchange", mark);
addEventListener("DOMContentLoaded", mark);
"""

_STYLE = """
body { font: 17px/1.55 Georgia, serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem;
       color: #1d1d1f; background: #fff; }
h1 { font-size: 1.6rem; line-height: 1.25; }
.meta { color: #555; font: 14px/1.4 system-ui, sans-serif; }
.text { white-space: pre-wrap; }
mark, .hit { background: #ffe066; outline: 2px solid #f0b400; }
"""

# Only the script above may run: its hash goes into the Content-Security-Policy header.
SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{SCRIPT_HASH}'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def source_page(doc: SourceDocument) -> str:
    """The whole page for one document."""
    info = doc.info
    title = html.escape(info.title or info.source)
    meta = [f"<span>{html.escape(info.source)}</span>"]
    if info.date:
        meta.append(f"<time datetime='{info.date.isoformat()}'>{info.date:%-d %B %Y}</time>")
    link = web_url(info.url)
    if link:
        meta.append(f"<a href='{html.escape(link)}' rel='noopener noreferrer'>original</a>")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta name='referrer' content='no-referrer'>"
        f"<title>{title}</title><style>{_STYLE}</style><script>{_SCRIPT}</script></head>"
        f"<body><h1>{title}</h1><p class='meta'>{' · '.join(meta)}</p>"
        f"<div class='text'>{_marked_text(doc)}</div></body></html>"
    )


def _marked_text(doc: SourceDocument) -> str:
    """The text cut at every passage boundary, each piece classed by the passages covering it
    (one sweep: a long document has tens of thousands of passages)."""
    text = doc.text
    passages = [p for p in doc.passages if 0 <= p.start < p.end <= len(text)]
    starts: dict[int, list[str]] = {}
    ends: dict[int, list[str]] = {}
    for p in passages:
        starts.setdefault(p.start, []).append(p.chunk_id)
        ends.setdefault(p.end, []).append(p.chunk_id)
    cuts = sorted({0, len(text), *starts, *ends})
    active: dict[str, None] = {}  # insertion-ordered set of the passages covering the piece
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        for chunk_id in ends.get(a, ()):
            active.pop(chunk_id, None)
        for chunk_id in starts.get(a, ()):
            active[chunk_id] = None
            out.append(f"<a id='c{html.escape(chunk_id)}'></a>")
        piece = html.escape(text[a:b])
        if active:
            classes = html.escape(" ".join(f"c{c}" for c in active))
            out.append(f"<span class='{classes}'>{piece}</span>")
        else:
            out.append(piece)
    return "".join(out)
