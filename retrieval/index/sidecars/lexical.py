"""BM25 over the stored chunks and over whole documents, with the chunk records they point at.

The index is saved next to the store with the Chroma revision it reflects, and follows this
process's own writes change by change (:meth:`LexicalIndex.applied`) instead of being rebuilt.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import orjson

from retrieval.index.files import replaced_directory
from retrieval.index.lexical import Analyzer, filter_mask
from retrieval.index.sidecars.change import Change
from retrieval.index.sidecars.chunk_table import ChunkTable
from retrieval.index.sidecars.postings import Postings
from retrieval.models import Chunk, DocumentInfo, SearchFilters

_FORMAT = 2  # 1 was bm25s's precomputed scores, which cannot follow a change
_PIECE = 65_536  # characters of a document tokenised at a time


class LexicalIndex:
    """Persisted BM25 indexes over chunks and over whole documents, with the chunk records.

    The document-level index (title plus full text) scores a document on all its words at once: a
    question's terms are often spread over several chunks of the article that answers it, and no
    single chunk then ranks well (BBC headlines: see ``HybridSearcher``).
    """

    def __init__(self, directory: Path, analyzer: Analyzer | None = None) -> None:
        self._dir = directory
        self.analyzer = analyzer or Analyzer()
        self._chunks = ChunkTable.from_chunks([])
        self._chunk_bm25 = Postings.empty()
        self._doc_bm25 = Postings.empty()
        self._doc_ids: list[str] = []  # document-level row -> id, retired rows included
        self._facts: dict[str, tuple[str, str]] = {}  # live document -> (origin, time added)
        # Lookups derived from the rows: live document -> its chunk rows in position order, and
        # per row (chunk or document) the date and source the filters read.
        self._by_doc: dict[str, list[int]] = {}
        self._doc_row: dict[str, int] = {}
        self._date_ord = self._doc_date_ord = np.zeros(0, dtype=np.int64)
        self._sources = self._doc_sources = np.zeros(0, dtype=object)
        self._index_chunk_rows()
        self._index_doc_rows()
        self._idf: dict[str, float] | None = None
        self._listing: list[DocumentInfo] | None = None  # documents(), made once per state

    # -- building, following changes, saving ------------------------------------------------
    def build(
        self,
        chunks: Sequence[Chunk],
        revision: int,
        facts: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        """Index ``chunks`` from scratch and save the result as ``revision``; ``facts`` are each
        document's origin and time added, for :meth:`documents`."""
        self._chunks = ChunkTable.from_chunks(chunks)
        self._facts = dict(facts or {})
        self._chunk_bm25 = Postings.build(self.analyzer.terms(c.text) for c in chunks)
        self._index_chunk_rows()
        self._doc_ids = list(self._by_doc)
        self._doc_bm25 = Postings.build(self._document_terms(d) for d in self._doc_ids)
        self._index_doc_rows()
        self._idf, self._listing = None, None
        self.save(revision)

    def applied(self, change: Change) -> LexicalIndex:
        """A new index with ``change`` in it; this one is left as it was for the searches still
        reading it. Costs what the change touches, plus a compaction now and then."""
        new = copy.copy(self)
        new._facts = {d: f for d, f in self._facts.items() if d not in change.removed}
        new._facts.update(change.facts)
        gone = [d for d in change.removed if d in self._by_doc]
        rows = [r for d in gone for r in self._by_doc[d]]
        texts = self._chunks.columns["text"]
        chunk_bm25 = self._chunk_bm25.retired(rows, [self.analyzer.terms(texts[r]) for r in rows])
        doc_bm25 = self._doc_bm25.retired(
            [self._doc_row[d] for d in gone], [self._document_terms(d) for d in gone]
        )
        added = sorted(change.added, key=lambda c: (c.doc_id, c.position))
        new._chunks = self._chunks.extended(added)
        new._chunk_bm25 = chunk_bm25.added(self.analyzer.terms(c.text) for c in added)
        if new._chunk_bm25.needs_compaction():
            new._chunk_bm25, keep = new._chunk_bm25.compacted()
            new._chunks = new._chunks.subset(keep.tolist())
            new._index_chunk_rows()
        else:  # the rows of the documents left alone keep their numbers
            new._extend_chunk_rows(self, set(gone), added)
        fresh = list(dict.fromkeys(c.doc_id for c in added))
        new._doc_ids = self._doc_ids + fresh
        new._doc_bm25 = doc_bm25.added(new._document_terms(d) for d in fresh)
        if new._doc_bm25.needs_compaction():
            new._doc_bm25, keep = new._doc_bm25.compacted()
            new._doc_ids = [new._doc_ids[i] for i in keep]
            new._index_doc_rows()
        else:
            new._extend_doc_rows(self, set(gone), fresh)
        new._idf, new._listing = None, None
        return new

    def _extend_chunk_rows(self, old: LexicalIndex, gone: set[str], added: Sequence[Chunk]) -> None:
        """The row lookups of ``old`` without ``gone``, plus ``added`` (sorted by document and
        position) as the rows after ``old``'s: what :meth:`_index_chunk_rows` would find, without
        walking every row (a fifth of a second per change on the Reuters store)."""
        start = len(old._chunks)
        self._by_doc = {d: rows for d, rows in old._by_doc.items() if d not in gone}
        for row, chunk in enumerate(added, start=start):
            self._by_doc.setdefault(chunk.doc_id, []).append(row)
        columns = self._chunks.columns
        self._date_ord = np.concatenate(
            [old._date_ord, np.array(columns["date_ord"][start:], dtype=np.int64)]
        )
        self._sources = np.concatenate(
            [old._sources, np.array(columns["src"][start:], dtype=object)]
        )

    def _extend_doc_rows(self, old: LexicalIndex, gone: set[str], fresh: Sequence[str]) -> None:
        """As :meth:`_extend_chunk_rows`, for the document-level rows."""
        start = len(old._doc_ids)
        self._doc_row = {d: row for d, row in old._doc_row.items() if d not in gone}
        self._doc_row.update((d, row) for row, d in enumerate(fresh, start=start))
        firsts = [self._by_doc[d][0] for d in fresh]
        self._doc_date_ord = np.concatenate(
            [old._doc_date_ord, np.array([self._date_ord[f] for f in firsts], dtype=np.int64)]
        )
        self._doc_sources = np.concatenate(
            [old._doc_sources, np.array([self._sources[f] for f in firsts], dtype=object)]
        )

    def saved_revision(self) -> int | None:
        """The revision the saved index reflects, if there is one this version can read."""
        try:
            saved = orjson.loads((self._dir / "revision.json").read_bytes())
        except (OSError, ValueError):
            return None
        revision = saved.get("revision")
        return revision if saved.get("format") == _FORMAT and isinstance(revision, int) else None

    def load(self, revision: int) -> bool:
        """Load the saved index if it reflects ``revision``; False means it must be rebuilt."""
        try:
            saved = orjson.loads((self._dir / "revision.json").read_bytes())
            if saved.get("revision") != revision or saved.get("format") != _FORMAT:
                return False
            # orjson: the chunk table is the bulk of a cold start's reading (24 MB on Reuters).
            self._chunks = ChunkTable(orjson.loads((self._dir / "chunks.json").read_bytes()))
            self._chunk_bm25 = Postings.load(self._dir / "chunks")
            self._doc_bm25 = Postings.load(self._dir / "documents")
            self._doc_ids = list(saved["doc_ids"])
            facts = orjson.loads((self._dir / "documents.json").read_bytes())
            self._facts = {d: (str(origin), str(added)) for d, (origin, added) in facts.items()}
            if len(self._chunks) != self._chunk_bm25.rows or len(self._doc_ids) != (
                self._doc_bm25.rows
            ):
                return False
        except (OSError, ValueError, KeyError, TypeError):  # missing, damaged or an older format
            return False
        self._index_chunk_rows()
        self._index_doc_rows()
        self._idf, self._listing = None, None
        return True

    def save(self, revision: int) -> None:
        # Readers see the old index or the new one, never half of each.
        with replaced_directory(self._dir) as tmp:
            self._chunk_bm25.save(tmp / "chunks")
            self._doc_bm25.save(tmp / "documents")
            (tmp / "chunks.json").write_bytes(orjson.dumps(self._chunks.columns))
            (tmp / "documents.json").write_bytes(orjson.dumps(self._facts))
            marker = {"revision": revision, "format": _FORMAT, "doc_ids": self._doc_ids}
            (tmp / "revision.json").write_bytes(orjson.dumps(marker))

    def _index_chunk_rows(self) -> None:
        columns = self._chunks.columns
        alive = self._chunk_bm25.alive
        self._date_ord = np.array(columns["date_ord"], dtype=np.int64)
        self._sources = np.array(columns["src"], dtype=object)
        self._by_doc = {}
        for row, doc_id in enumerate(columns["doc"]):
            if alive[row]:
                self._by_doc.setdefault(doc_id, []).append(row)
        positions = columns["pos"]
        for rows in self._by_doc.values():
            rows.sort(key=lambda row: positions[row])

    def _index_doc_rows(self) -> None:
        alive = self._doc_bm25.alive
        self._doc_row = {d: row for row, d in enumerate(self._doc_ids) if alive[row]}
        firsts = [self._by_doc[d][0] if d in self._by_doc else -1 for d in self._doc_ids]
        # A retired document's row keeps a placeholder; its score is always 0.
        self._doc_date_ord = np.array(
            [self._date_ord[f] if f >= 0 else 0 for f in firsts], dtype=np.int64
        )
        self._doc_sources = np.array(
            [self._sources[f] if f >= 0 else "" for f in firsts], dtype=object
        )

    def _document_terms(self, doc_id: str) -> Iterator[str]:
        # The document's own text, overlaps removed: counting overlapping words twice cost
        # 1.3 points of recall@5 for this index on BBC headlines (0.917 vs 0.904).
        rows = self._by_doc.get(doc_id)
        yield from self.analyzer.terms(self._chunks.columns["title"][rows[0]] if rows else "")
        # Piece by piece, cut at a space (no word spans one): the whole text of a 16 MB document,
        # and a list of every word in it, held a few hundred MB while its postings were built.
        piece = ""
        for part in self._document_parts(doc_id):
            piece += part
            cut = piece.rfind(" ") if len(piece) >= _PIECE else -1
            if cut > 0:
                yield from self.analyzer.terms(piece[:cut])
                piece = piece[cut:]
        yield from self.analyzer.terms(piece)

    # -- searching ---------------------------------------------------------------------------
    def search(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[Chunk, float]]:
        """Best chunks for ``query``, with their BM25 scores (only chunks sharing a term)."""
        hits = self._chunk_bm25.top(
            self.analyzer.query_terms(query),
            k,
            _weights(filter_mask(filters, self._date_ord, self._sources)),
        )
        return [(self._chunks[row], score) for row, score in hits]

    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, Chunk]:
        return self._chunks.by_id(ids)

    def search_documents(
        self, query: str, *, k: int, filters: SearchFilters | None = None
    ) -> list[tuple[str, float]]:
        """Best documents (ids) for ``query`` scored on their title and whole text."""
        hits = self._doc_bm25.top(
            self.analyzer.query_terms(query),
            k,
            _weights(filter_mask(filters, self._doc_date_ord, self._doc_sources)),
        )
        return [(self._doc_ids[row], score) for row, score in hits]

    def idf(self) -> dict[str, float]:
        if self._idf is None:
            self._idf = self._chunk_bm25.idf()
        return self._idf

    def documents(self, doc_ids: Collection[str] | None = None) -> list[DocumentInfo]:
        """The indexed documents (or those of ``doc_ids``), sorted by source name.

        From memory: reading every chunk's metadata from Chroma took 6 s on BBC, and the
        ``/sources`` autocomplete asks on every keystroke. The whole list is made once per state
        (a change makes a new index): 0.3 s for Reuters' 19,779 documents.
        """
        if doc_ids is None:
            if self._listing is None:
                self._listing = self._infos(self._by_doc.keys())
            return list(self._listing)
        return self._infos([d for d in doc_ids if d in self._by_doc])

    def _infos(self, wanted: Iterable[str]) -> list[DocumentInfo]:
        columns = self._chunks.columns
        infos = []
        for doc_id in wanted:
            rows = self._by_doc[doc_id]
            first = rows[0]
            origin, added = self._facts.get(doc_id, ("", ""))
            date = columns["date"][first]
            infos.append(
                DocumentInfo(
                    doc_id=doc_id,
                    source=columns["src"][first],
                    title=columns["title"][first],
                    url=columns["url"][first],
                    date=dt.date.fromisoformat(date) if date else None,
                    chunks=len(rows),
                    origin=origin,
                    added=dt.datetime.fromisoformat(added) if added else None,
                )
            )
        infos.sort(key=lambda d: (d.source.lower(), d.doc_id))
        return infos

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
        return "".join(self._document_parts(doc_id))

    def _document_parts(self, doc_id: str) -> Iterator[str]:
        """The document's text in order, each chunk's overlap with the one before cut off.

        From the columns: building (and caching) a Chunk per row gave a 16 MB document's ingest
        another copy of its 48,000 records."""
        columns = self._chunks.columns
        starts, texts = columns["start"], columns["text"]
        length = 0
        for row in self._by_doc.get(doc_id, []):
            start, text = starts[row], texts[row]
            if start >= length:
                yield " " * (start - length)
                yield text
            elif start + len(text) > length:
                yield text[length - start :]
            length = max(length, start + len(text))


def _weights(mask: np.ndarray | None) -> np.ndarray | None:
    return None if mask is None else mask.astype(np.float32)
