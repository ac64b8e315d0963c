"""Seed documents as the ingest will chunk them, built by hand (ingest is written concurrently).

Each seed paragraph becomes one ``Chunk``; in the forum thread (seed 003) lines 2-3 and the last three
lines are reader comments. Other claim tests import these helpers; the tests here check the helpers
reproduce the documents exactly, since every other test leans on the offsets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.answer.citations import citation_for
from retrieval.models import AnswerSentence, Chunk, Citation, Passage, PassageKind

DOCUMENTS = Path(__file__).resolve().parents[3] / "documents"
SEED_DATES = {"000": dt.date(2023, 11, 9), "001": dt.date(2023, 11, 9)}


@dataclass
class Collection:
    """Chunks by document plus the full texts, so ``context(chunk)`` can return the document."""

    texts: dict[str, str] = field(default_factory=dict)
    chunks: list[Chunk] = field(default_factory=list)

    def context(self, chunk: Chunk) -> str:
        return self.texts[chunk.doc_id]

    def add(
        self,
        name: str,
        text: str,
        *,
        comments: Sequence[int] = (),
        date: dt.date | None = None,
        lines: bool = False,
        title: str | None = None,
    ) -> list[Chunk]:
        """Chunk a document by paragraph; ``comments`` are paragraph indexes that are comments."""
        self.texts[name] = text
        pattern = re.compile(r"\n") if lines else re.compile(r"\n\s*\n")
        bounds, begin = [], 0
        for match in pattern.finditer(text):
            bounds.append((begin, match.start()))
            begin = match.end()
        bounds.append((begin, len(text)))
        made = []
        for index, (start, end) in enumerate(b for b in bounds if text[b[0] : b[1]].strip()):
            kind = PassageKind.COMMENT if index in comments else PassageKind.ARTICLE
            made.append(
                Chunk(
                    chunk_id=f"{name}#{index}",
                    doc_id=name,
                    source=name,
                    title=title if title is not None else name,
                    url=None,
                    date=date,
                    text=text[start:end],
                    kind=kind,
                    position=index,
                    start=start,
                    end=end,
                )
            )
        self.chunks = [c for c in self.chunks if c.doc_id != name] + made
        return made

    def find(self, needle: str) -> Chunk:
        """The chunk containing a phrase (fails loudly, so a test cannot silently pass)."""
        found = [c for c in self.chunks if needle in c.text]
        assert len(found) == 1, f"{needle!r} is in {len(found)} chunks"
        return found[0]


def seed_collection() -> Collection:
    collection = Collection()
    for path in sorted(DOCUMENTS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        prefix = path.name[:3]
        if prefix == "003":
            count = len([line for line in text.split("\n") if line.strip()])
            comments = (1, 2, count - 3, count - 2, count - 1)
            collection.add(path.name, text, comments=comments, lines=True)
        else:
            collection.add(path.name, text, date=SEED_DATES.get(prefix), lines=prefix == "004")
    return collection


def cite(
    chunks: Sequence[Chunk], sentences: Sequence[tuple[str, Sequence[int]]]
) -> tuple[list[AnswerSentence], list[Citation]]:
    """Answer sentences citing ``chunks`` as [1], [2], ... in order."""
    citations = [citation_for(i, Passage(c, 1.0)) for i, c in enumerate(chunks, start=1)]
    answer = [AnswerSentence(text, tuple(numbers)) for text, numbers in sentences]
    return answer, citations


def test_chunks_reproduce_each_seed_exactly() -> None:
    collection = seed_collection()
    assert len(collection.texts) == 5
    for chunk in collection.chunks:
        assert collection.texts[chunk.doc_id][chunk.start : chunk.end] == chunk.text


def test_forum_thread_comments_are_marked_as_the_ingest_marks_them() -> None:
    collection = seed_collection()
    comments = [c.text for c in collection.chunks if c.kind is PassageKind.COMMENT]
    assert len(comments) == 5
    assert any(c.startswith("Trump is probably so jealous") for c in comments)
    assert any(c.startswith("I'd bet") for c in comments)
    assert not any("Korean Central News Agency" in c for c in comments)
