"""The stored chunks' records as columns, saved beside the BM25 postings whose rows they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from retrieval.models import Chunk, PassageKind

_COLUMNS = ("id", "doc", "src", "title", "url", "date", "date_ord", "text", "kind", "pos", "start", "end")  # fmt: skip


def _values(chunks: Sequence[Chunk]) -> dict[str, list[Any]]:
    return {
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


class ChunkTable:
    """Chunk records kept as columns; a :class:`Chunk` is built only for a row a question touches.

    Building 46k frozen dataclasses was most of a cold start on the Reuters store (about 1.3 s);
    the columns load straight from JSON. A table is never changed in place: searches on other
    threads may be reading it while a change builds the next one.
    """

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        if set(columns) != set(_COLUMNS):
            raise ValueError("chunk table has unexpected columns")
        self.columns = columns
        self._built: dict[int, Chunk] = {}
        self._rows: dict[str, int] | None = None  # chunk id -> row, made at the first lookup

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> ChunkTable:
        return cls(_values(chunks))

    def extended(self, chunks: Sequence[Chunk]) -> ChunkTable:
        """This table with ``chunks`` appended as new rows."""
        more = _values(chunks)
        return ChunkTable({name: self.columns[name] + more[name] for name in _COLUMNS})

    def subset(self, rows: Sequence[int]) -> ChunkTable:
        """Only these rows, renumbered from 0 in the order given."""
        return ChunkTable({name: [self.columns[name][r] for r in rows] for name in _COLUMNS})

    def by_id(self, ids: Sequence[str]) -> dict[str, Chunk]:
        """The chunks of these ids that the table holds (a dense search's candidates)."""
        if self._rows is None:
            self._rows = {chunk_id: row for row, chunk_id in enumerate(self.columns["id"])}
        rows = self._rows
        return {i: self[rows[i]] for i in ids if i in rows}

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
