"""The value types every layer shares.

They are frozen so a result handed to the Discord layer, the CLI or a test cannot be changed behind the
back of whoever produced it, and plain so they serialise without the engine's objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class PassageKind(StrEnum):
    """Whether a passage is reporting or a reader's voice; answers must never blur the two."""

    ARTICLE = "article"
    COMMENT = "comment"


class NoteKind(StrEnum):
    """The kinds of caveat an answer can carry (the JSON contract names exactly these)."""

    UNCONFIRMED = "unconfirmed"
    OPINION = "opinion"
    DISPUTED = "disputed"
    SINGLE_SOURCE = "single_source"
    UNDATED = "undated"


@dataclass(frozen=True)
class Block:
    """A run of a document's cleaned text that has one kind; chunks never straddle two blocks."""

    text: str
    kind: PassageKind
    start: int  # character offset of the block in Document.text


@dataclass(frozen=True)
class Document:
    """A cleaned document, ready to chunk. ``text`` is the blocks joined by blank lines."""

    doc_id: str  # stable id of the source (hash of its origin: path or JSONL source/line)
    source: (
        str  # the file's name, or the JSONL ``source`` field: what citations show as ``document``
    )
    title: str
    url: str | None
    date: dt.date | None
    text: str
    blocks: tuple[Block, ...]
    origin: str  # where it was loaded from (absolute path, or path#line for JSONL); used by --prune
    content_hash: str  # hash of the cleaned text + metadata; a change means re-chunk and replace


@dataclass(frozen=True)
class Chunk:
    """A passage as stored: its text, where it sits in its document, and the document's metadata."""

    chunk_id: str  # content hash: the same text at the same place of the same document, same id
    doc_id: str
    source: str
    title: str
    url: str | None
    date: dt.date | None
    text: str
    kind: PassageKind
    position: int  # index of the chunk within its document
    start: int  # character offsets in Document.text
    end: int


@dataclass(frozen=True)
class Passage:
    """A chunk as retrieved for one question, with the fused score that ranked it."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer; ``quote`` is the passage text the answer rests on."""

    n: int
    document: str
    title: str
    url: str | None
    date: dt.date | None
    quote: str
    start: int
    end: int
    kind: PassageKind = PassageKind.ARTICLE
    chunk_id: str = ""
    doc_id: str = ""
    page: str | None = None  # the bot's source page, on this passage (NEWSBOT_PUBLIC_URL)

    @classmethod
    def of(cls, n: int, chunk: Chunk, start: int = 0, end: int | None = None) -> Citation:
        """Citation ``[n]`` quoting ``chunk`` (or the part ``start:end`` of its text)."""
        stop = len(chunk.text) if end is None else end
        quote = chunk.text if (start, stop) == (0, len(chunk.text)) else chunk.text[start:stop]
        return cls(
            n=n,
            document=chunk.source,
            title=chunk.title,
            url=chunk.url,
            date=chunk.date,
            quote=quote,
            start=chunk.start + start,
            end=chunk.start + stop,
            kind=chunk.kind,
            chunk_id=chunk.chunk_id,
            doc_id=chunk.doc_id,
        )


@dataclass(frozen=True)
class Note:
    """A caveat a member must see: which sentence it concerns, why, and the sources involved."""

    kind: NoteKind
    text: str
    citations: tuple[int, ...] = ()
    sentence: str = ""
    # Citations the note adds to its answer: the other side of a dispute, which the answer itself
    # did not cite. The engine appends them to the answer's citations (their numbers follow on).
    sources: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer and the citation numbers that back it."""

    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Answer:
    """What ``answer(question)`` returns; rendered by the CLI and the bot, never recomputed there."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    notes: tuple[Note, ...] = ()
    sentences: tuple[AnswerSentence, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    # Who answered: "extractive" (no model configured), "llm", or "llm_fallback" (a model is
    # configured but the extractive answer was given, for ``fallback_reason``).
    mode: str = "extractive"
    fallback_reason: str = ""
    answer_id: str = ""  # stable hash of question + text, used by feedback buttons
    # Messages about how the answer was made, not about its claims (e.g. "the language model was
    # unavailable"): shown to people, kept out of the JSON contract, whose keys are fixed.
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing applied to retrieval: an inclusive date range and/or a set of documents."""

    since: dt.date | None = None
    until: dt.date | None = None
    documents: tuple[str, ...] = ()  # Chunk.source values

    def is_empty(self) -> bool:
        return self.since is None and self.until is None and not self.documents


@dataclass(frozen=True)
class DocumentInfo:
    """A document the store knows, as listed to moderators."""

    doc_id: str
    source: str
    title: str
    url: str | None
    date: dt.date | None
    chunks: int
    origin: str
    added: dt.datetime | None = None
    shared: bool = False  # from the collection every server reads (not removable from a server)


@dataclass(frozen=True)
class SourcePassage:
    """Where one stored passage sits in its document's text (a source page marks it)."""

    chunk_id: str
    position: int
    start: int
    end: int


@dataclass(frozen=True)
class SourceDocument:
    """A document as its source page shows it: what it is, its cleaned text, its passages."""

    info: DocumentInfo
    text: str
    passages: tuple[SourcePassage, ...]


@dataclass(frozen=True)
class Turn:
    """One earlier exchange in a thread, used to rewrite a follow-up into a standalone question."""

    question: str
    answer: str


class SummaryKind(StrEnum):
    TOPIC = "topic"
    DOCUMENT = "document"
    LATEST = "latest"


@dataclass(frozen=True)
class SummaryRequest:
    """What a moderator asked to be briefed on; exactly one of query/document/days is meaningful."""

    kind: SummaryKind
    query: str = ""
    document: str = ""
    days: int = 7
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class SummaryPoint:
    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class UnconfirmedItem:
    text: str
    kind: NoteKind
    citations: tuple[int, ...]


@dataclass(frozen=True)
class TimelineEntry:
    date: dt.date
    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class SummarySource:
    n: int
    document: str
    title: str
    url: str | None
    date: dt.date | None
    doc_id: str = ""
    page: str | None = None


@dataclass(frozen=True)
class Summary:
    """A briefing: ``summarise(request)`` returns it; the CLI and ``/summary`` only render it."""

    headline: str
    points: tuple[SummaryPoint, ...]
    unconfirmed: tuple[UnconfirmedItem, ...]
    timeline: tuple[TimelineEntry, ...]
    sources: tuple[SummarySource, ...]
    empty: bool = False  # nothing in the collection matched the request
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    mode: str = "extractive"  # as for answers: "extractive", "llm" or "llm_fallback"
    fallback_reason: str = ""


@dataclass(frozen=True)
class IngestReport:
    """The outcome of one ingest run, for the summary line and for moderators."""

    documents: int = 0  # documents seen
    added: int = 0  # new or changed documents (re)indexed
    unchanged: int = 0
    chunks: int = 0  # chunks written
    removed: int = 0  # documents pruned
    skipped: tuple[tuple[str, str], ...] = ()  # (name, reason)
    seconds: float = 0.0

    def __add__(self, other: IngestReport) -> IngestReport:
        """Both runs as one (files and web pages in one ``newsbot ingest``)."""
        return IngestReport(
            documents=self.documents + other.documents,
            added=self.added + other.added,
            unchanged=self.unchanged + other.unchanged,
            chunks=self.chunks + other.chunks,
            removed=self.removed + other.removed,
            skipped=self.skipped + other.skipped,
            seconds=self.seconds + other.seconds,
        )
