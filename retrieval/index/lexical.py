"""BM25 over the stored chunks (bm25s, English Snowball stemmer, English stop words).

Dense vectors miss exact names and numbers that matter in news ("Ushakov", "Resolution 1718"); BM25
catches them. The index is saved next to the store with the Chroma revision it reflects.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import orjson
import Stemmer

from retrieval.index.files import replaced_directory
from retrieval.models import Chunk, PassageKind, SearchFilters

_TOKEN = re.compile(r"(?u)\b\w\w+\b")

# Words that frame a question rather than say what it is about ("What did X say about Y?").
# They are dropped from queries only: documents keep them, since "said" in a passage is harmless.
QUESTION_WORDS = frozenset(
    {
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "did", "does",
        "do", "doing", "done", "is", "are", "was", "were", "be", "been", "about", "say", "says",
        "said", "tell", "tells", "told", "know", "think", "mean", "happen", "happened",
        "happening", "there", "any", "anything", "please", "can", "could", "would", "should",
        "will", "latest", "recent", "recently", "news", "update", "updates", "currently", "now",
        "today", "many", "much",
    }
)  # fmt: skip


class Analyzer:
    """Lower-case, drop English stop words, Snowball-stem: the same for index, query and sentences."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        from bm25s.stopwords import STOPWORDS_EN

        self._stop = frozenset(STOPWORDS_EN)

    def terms(self, text: str) -> list[str]:
        words = [w for w in _TOKEN.findall(text.lower()) if w not in self._stop]
        return list(self._stemmer.stemWords(words))

    def query_terms(self, text: str) -> list[str]:
        """Terms of a question, without the words that only frame it."""
        words = [
            w
            for w in _TOKEN.findall(text.lower())
            if w not in self._stop and w not in QUESTION_WORDS
        ]
        return list(self._stemmer.stemWords(words))


class LexicalIndex:
    """Persisted BM25 indexes over chunks and over whole documents, with the chunk records.

    The document-level index (title plus full text) scores a document on all its words at once: a
    question's terms are often spread over several chunks of the article that answers it, and no
    single chunk then ranks well (BBC headlines: see ``HybridSearcher``).
    """

    def __init__(self, directory: Path, analyzer: Analyzer | None = None) -> None:
        self._dir = directory
        self.analyzer = analyzer or Analyzer()
        self._bm25: bm25s.BM25 | None = None
        self._doc_bm25: bm25s.BM25 | None = None
        self._chunks = ChunkTable.from_chunks([])
        self._date_ord = np.zeros(0, dtype=np.int64)
        self._sources = np.zeros(0, dtype=object)
        self._idf: dict[str, float] = {}
        self._by_doc: dict[str, list[int]] = {}
        self._doc_ids: list[str] = []
        self._doc_date_ord = np.zeros(0, dtype=np.int64)
        self._doc_sources = np.zeros(0, dtype=object)

    def build(self, chunks: Sequence[Chunk], revision: int) -> None:
        self._chunks = ChunkTable.from_chunks(chunks)
        self._index_arrays()
        tokenised = [self.analyzer.terms(c.text) for c in chunks]
        self._bm25 = bm25s.BM25() if chunks else None
        if self._bm25 is not None:
            self._bm25.index(tokenised, show_progress=False)
        self._doc_bm25 = bm25s.BM25() if chunks else None
        if self._doc_bm25 is not None:
            # The document's own text, overlaps removed: counting overlapping words twice cost
            # 1.3 points of recall@5 for this index on BBC headlines (0.917 vs 0.904).
            titles = self._chunks.columns["title"]
            self._doc_bm25.index(
                [
                    self.analyzer.terms(f"{titles[rows[0]]}\n{self.document_text(doc_id)}")
                    for doc_id, rows in self._by_doc.items()
                ],
                show_progress=False,
            )
        self._idf = idf_table(tokenised)
        self._save(revision)

    def load(self, revision: int) -> bool:
        """Load the saved index if it reflects ``revision``; False means it must be rebuilt."""
        marker = self._dir / "revision.json"
        if not marker.exists():
            return False
        try:
            saved = orjson.loads(marker.read_bytes())
            if saved.get("revision") != revision:
                return False
            # orjson: the chunk table is the bulk of a cold start's reading (24 MB on Reuters).
            self._chunks = ChunkTable(orjson.loads((self._dir / "chunks.json").read_bytes()))
            self._idf = saved.get("idf", {})
            self._bm25, self._doc_bm25 = (
                (
                    bm25s.BM25.load(str(self._dir / "bm25"), load_corpus=False),
                    bm25s.BM25.load(str(self._dir / "doc_bm25"), load_corpus=False),
                )
                if self._chunks
                else (None, None)
            )
        except (OSError, ValueError, KeyError, TypeError):  # missing, damaged or an older format
            return False
        self._index_arrays()
        return True

    def _save(self, revision: int) -> None:
        # Readers see the old index or the new one, never half of each.
        with replaced_directory(self._dir) as tmp:
            if self._bm25 is not None:
                self._bm25.save(str(tmp / "bm25"), show_progress=False)
            if self._doc_bm25 is not None:
                self._doc_bm25.save(str(tmp / "doc_bm25"), show_progress=False)
            (tmp / "chunks.json").write_bytes(orjson.dumps(self._chunks.columns))
            marker = orjson.dumps({"revision": revision, "idf": self._idf})
            (tmp / "revision.json").write_bytes(marker)

    def _index_arrays(self) -> None:
        columns = self._chunks.columns
        self._date_ord = np.array(columns["date_ord"], dtype=np.int64)
        self._sources = np.array(columns["src"], dtype=object)
        self._by_doc = {}
        for row, doc_id in enumerate(columns["doc"]):
            self._by_doc.setdefault(doc_id, []).append(row)
        positions = columns["pos"]
        for rows in self._by_doc.values():
            rows.sort(key=lambda row: positions[row])
        self._doc_ids = list(self._by_doc)
        firsts = [rows[0] for rows in self._by_doc.values()]
        self._doc_date_ord = self._date_ord[firsts] if firsts else np.zeros(0, dtype=np.int64)
        self._doc_sources = self._sources[firsts] if firsts else np.zeros(0, dtype=object)

    def search(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]:
        """Best chunks for ``query``, with their BM25 scores (only chunks sharing a term)."""
        hits = _retrieve(
            self._bm25,
            self.analyzer.query_terms(query),
            k,
            filter_mask(filters, self._date_ord, self._sources),
        )
        return [(self._chunks[row], score) for row, score in hits]

    def search_documents(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """Best documents (ids) for ``query`` scored on their title and whole text."""
        hits = _retrieve(
            self._doc_bm25,
            self.analyzer.query_terms(query),
            k,
            filter_mask(filters, self._doc_date_ord, self._doc_sources),
        )
        return [(self._doc_ids[row], score) for row, score in hits]

    def idf(self) -> dict[str, float]:
        return self._idf

    def documents_named(self, name: str) -> list[str]:
        """Ids of the documents whose source, title or id is ``name``, ignoring case."""
        wanted = name.strip().lower()
        if not wanted:  # untitled documents have an empty title: a blank name means none of them
            return []
        columns = self._chunks.columns
        return [
            doc_id
            for doc_id, rows in self._by_doc.items()
            if wanted
            in (columns["src"][rows[0]].lower(), columns["title"][rows[0]].lower(), doc_id)
        ]

    def document_text(self, doc_id: str) -> str:
        """Reassemble a document's text from its overlapping chunks, using their offsets."""
        text = ""
        for chunk in (self._chunks[row] for row in self._by_doc.get(doc_id, [])):
            if chunk.start >= len(text):
                text += " " * (chunk.start - len(text)) + chunk.text
            elif chunk.end > len(text):
                text += chunk.text[len(text) - chunk.start :]
        return text


def filter_mask(
    filters: SearchFilters | None, date_ord: np.ndarray, sources: np.ndarray
) -> np.ndarray | None:
    """Rows (chunks or documents) that pass ``filters``; None when nothing is filtered."""
    if filters is None or filters.is_empty():
        return None
    mask = np.ones(len(date_ord), dtype=bool)
    if filters.since:
        mask &= date_ord >= filters.since.toordinal()
    if filters.until:
        mask &= (date_ord <= filters.until.toordinal()) & (date_ord > 0)
    if filters.documents:
        mask &= np.isin(sources, list(filters.documents))
    return mask


def _retrieve(
    index: bm25s.BM25 | None, terms: list[str], k: int, mask: np.ndarray | None
) -> list[tuple[int, float]]:
    """Row numbers and scores of the ``k`` best rows of ``index``, positive scores only."""
    if index is None or not terms or (mask is not None and not mask.any()):
        return []
    rows, scores = index.retrieve(
        [terms],
        k=min(k, int(index.scores["num_docs"])),
        show_progress=False,
        # 0 scores in this thread; any other number builds a thread pool on every call (bm25s
        # 0.2), which cost a third of a BM25 search for the same results.
        n_threads=0,
        weight_mask=None if mask is None else mask.astype(np.float32),
    )
    return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]


def idf_table(tokenised: Sequence[Sequence[str]]) -> dict[str, float]:
    """BM25's inverse document frequency of each term over ``tokenised`` documents."""
    frequency: dict[str, int] = {}
    for terms in tokenised:
        for term in set(terms):
            frequency[term] = frequency.get(term, 0) + 1
    n = max(len(tokenised), 1)
    return {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}


_COLUMNS = (
    "id",
    "doc",
    "src",
    "title",
    "url",
    "date",
    "date_ord",
    "text",
    "kind",
    "pos",
    "start",
    "end",
)


class ChunkTable:
    """Chunk records kept as columns; a :class:`Chunk` is built only for a row a question touches.

    Building 46k frozen dataclasses was most of a cold start on the Reuters store (about 1.3 s);
    the columns load straight from JSON.
    """

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        if set(columns) != set(_COLUMNS):
            raise ValueError("chunk table has unexpected columns")
        self.columns = columns
        self._built: dict[int, Chunk] = {}

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> ChunkTable:
        return cls(
            {
                "id": [c.chunk_id for c in chunks],
                "doc": [c.doc_id for c in chunks],
                "src": [c.source for c in chunks],
                "title": [c.title for c in chunks],
                "url": [c.url for c in chunks],
                "date": [c.date.isoformat() if c.date else None for c in chunks],
                "date_ord": [c.date.toordinal() if c.date else 0 for c in chunks],
                "text": [c.text for c in chunks],
                "kind": [c.kind.value for c in chunks],
                "pos": [c.position for c in chunks],
                "start": [c.start for c in chunks],
                "end": [c.end for c in chunks],
            }
        )

    def __len__(self) -> int:
        return len(self.columns["id"])

    def __getitem__(self, row: int) -> Chunk:
        chunk = self._built.get(row)
        if chunk is None:
            c = self.columns
            date = c["date"][row]
            chunk = Chunk(
                chunk_id=c["id"][row],
                doc_id=c["doc"][row],
                source=c["src"][row],
                title=c["title"][row],
                url=c["url"][row],
                date=dt.date.fromisoformat(date) if date else None,
                text=c["text"][row],
                kind=PassageKind(c["kind"][row]),
                position=c["pos"][row],
                start=c["start"][row],
                end=c["end"][row],
            )
            self._built[row] = chunk
        return chunk
