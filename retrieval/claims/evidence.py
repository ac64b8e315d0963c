"""What stands behind a claim: the source sentences it rests on, read once per document, and how
alike two sentences are (lexical coverage, plus embedding cosine when an embedder is given)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import numpy as np

from retrieval.claims.analysis import DocumentFacts, SentenceFacts
from retrieval.claims.cues import Cue
from retrieval.claims.learned import Judgement
from retrieval.interfaces import Embedder
from retrieval.models import Chunk, Citation, PassageKind

ContextFn = Callable[[Chunk], str]


@dataclass(frozen=True)
class Evidence:
    """A source sentence behind a claim, with what its document says about it."""

    doc_id: str
    source: str
    kind: PassageKind
    facts: SentenceFacts
    disclaimers: tuple[SentenceFacts, ...]
    genre: str = ""  # "an opinion piece" / "a review" from the document's title or URL
    learned: Judgement | None = None  # the classifiers' verdict on the source sentence

    def judged(self, verdict: Judgement | None) -> Evidence:
        return self if verdict is None else replace(self, learned=verdict)

    @property
    def opinion(self) -> bool:
        return (
            self.kind is PassageKind.COMMENT
            or bool(self.genre)
            or bool(self.facts.opinion)
            or self.learned_opinion
        )

    @property
    def learned_opinion(self) -> bool:
        """Opinion by the classifier alone; a sentence the rules call hedged stays hedged."""
        return bool(self.learned and self.learned.opinion_note and not self.facts.cues)

    @property
    def hedged(self) -> bool:
        return bool(self.facts.cues) or bool(self.disclaimers) or self.learned_cues != ()

    @property
    def learned_cues(self) -> tuple[Cue, ...]:
        """The classifier's hedge cues, when the rules found none of their own."""
        verdict = self.learned
        if verdict is None or not verdict.hedged or verdict.possibility or self.facts.cues:
            return ()
        return verdict.cues


@dataclass
class DocumentReader:
    """Reads each document once per call, and finds where a chunk sits in it.

    Only a window of ``window`` characters around the chunk is read: a disclaimer or a comment
    thread that far away is about something else, and a long page must not cost the answer time.
    """

    context: ContextFn | None
    window: int = 20_000
    cache: dict[tuple[str, str], DocumentFacts] = field(default_factory=dict)

    def place(self, chunk: Chunk) -> tuple[DocumentFacts, int, int]:
        text = self.context(chunk) if self.context is not None else chunk.text
        start = find_chunk(text, chunk)
        if start < 0:  # the context does not contain the chunk verbatim: judge the chunk on its own
            text, start = chunk.text, 0
        if len(text) > self.window:
            begin = max(0, start - (self.window - len(chunk.text)) // 2)
            text, start = text[begin : begin + max(self.window, len(chunk.text))], start - begin
        key = (chunk.doc_id, text)
        if key not in self.cache:
            self.cache[key] = DocumentFacts.read(text)
        return self.cache[key], start, start + len(chunk.text)


_FILE_NAME = re.compile(r"[\w.-]+\.(?:txt|md|html?|pdf|json|jsonl|csv|xml|gz)", re.IGNORECASE)


UNTITLED = "an untitled document"


def display_name(title: str, url: str | None, limit: int = 70) -> str:
    """How a note names a document: its title, else its site's domain, never a file name.

    Members know an article by its headline; "000_4521cd7ed207620f.txt" tells them nothing.
    """
    title = " ".join(title.split())
    if title and not _FILE_NAME.fullmatch(title):
        short = title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"
        return f"“{short}”"
    host = urlsplit(url).hostname if url else None
    if host:
        return host.removeprefix("www.")
    return UNTITLED


def find_chunk(text: str, chunk: Chunk) -> int:
    if text[chunk.start : chunk.end] == chunk.text:
        return chunk.start
    return text.find(chunk.text)


class Similarity:
    """Lexical coverage, plus embedding cosine when an embedder is given."""

    def __init__(self, embedder: Embedder | None, lexical: float, semantic: float) -> None:
        self.embedder = embedder
        self.lexical = lexical
        self.semantic = semantic
        self.vectors: dict[str, np.ndarray] = {}

    def prepare(self, texts: Sequence[str]) -> None:
        if self.embedder is None:
            return
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            for text, vector in zip(missing, self.embedder.embed_batch(missing), strict=True):
                self.vectors[text] = np.asarray(vector, dtype=np.float32)

    def supports(
        self, claim: str, mine: frozenset[str], other: str, theirs: frozenset[str]
    ) -> bool:
        """Does ``other`` restate ``claim``? (``mine``/``theirs`` are their content words.)"""
        shared = len(mine & theirs) / len(mine) if mine else 0.0
        if shared >= self.lexical and len(mine) >= 3:
            return True
        if self.embedder is None or shared < self.lexical / 2:
            return False
        self.prepare([claim, other])
        return float(self.vectors[claim] @ self.vectors[other]) >= self.semantic


def unique_chunks(chunks: list[Chunk]) -> list[Chunk]:
    seen: dict[tuple[str, str, int], Chunk] = {}
    for chunk in chunks:
        seen.setdefault((chunk.chunk_id, chunk.doc_id, chunk.start), chunk)
    return list(seen.values())


def chunk_for(citation: Citation, chunks: list[Chunk]) -> Chunk:
    """The retrieved chunk a citation quotes; rebuilt from the citation when it was not passed in."""
    for chunk in chunks:
        if citation.chunk_id and chunk.chunk_id == citation.chunk_id:
            return chunk
    for chunk in chunks:
        if chunk.source == citation.document and (
            citation.quote in chunk.text or chunk.text in citation.quote
        ):
            return chunk
    return Chunk(
        chunk_id=citation.chunk_id, doc_id=citation.document, source=citation.document, title=citation.title,
        url=citation.url, date=citation.date, text=citation.quote, kind=citation.kind, position=0,
        start=citation.start, end=citation.end,
    )  # fmt: skip
