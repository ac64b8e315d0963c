"""Hybrid search: fusion, per-document diversity, and the sentence splitter it relies on."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from retrieval.engine import Engine
from retrieval.index.search import HybridSearcher, diversify
from retrieval.models import Chunk, Passage, PassageKind
from retrieval.sentences import split_sentences


def _passage(doc: str, position: int, score: float) -> Passage:
    chunk = Chunk(
        chunk_id=f"{doc}-{position}",
        doc_id=doc,
        source=f"{doc}.txt",
        title=doc,
        url=None,
        date=None,
        text="text",
        kind=PassageKind.ARTICLE,
        position=position,
        start=0,
        end=4,
    )
    return Passage(chunk, score)


class _RankedStore:
    """Fixed rankings in the shape ChunkStore returns them: the fusion is what is under test."""

    def __init__(self, chunks: list[Chunk], documents: list[str]) -> None:
        self._chunks = [(c, 1.0) for c in chunks]
        self._documents = [(d, 1.0) for d in documents]

    def dense(self, query: str, **_: object) -> list[tuple[Chunk, float]]:
        return self._chunks

    lexical = dense

    def dense_documents(self, query: str, **_: object) -> list[tuple[str, float]]:
        return self._documents

    lexical_documents = dense_documents

    @contextlib.contextmanager
    def one_revision(self) -> Iterator[None]:
        yield


def test_whole_document_rankings_can_lift_a_document_over_the_best_chunk() -> None:
    a, b = _passage("a", 0, 0).chunk, _passage("b", 0, 0).chunk
    # Both chunk rankings put a first; both whole-document rankings name only b.
    searcher = HybridSearcher(_RankedStore([a, b], ["b"]))  # type: ignore[arg-type]
    assert [p.chunk.doc_id for p in searcher.search("q", k=2)] == ["b", "a"]
    # Without the document-level votes, the chunk ranks decide.
    plain = HybridSearcher(_RankedStore([a, b], []))  # type: ignore[arg-type]
    assert [p.chunk.doc_id for p in plain.search("q", k=2)] == ["a", "b"]


def test_one_document_cannot_fill_every_slot() -> None:
    ranked = [_passage("a", i, 10 - i) for i in range(6)] + [
        _passage("b", 0, 3),
        _passage("c", 0, 2),
    ]
    chosen = diversify(ranked, k=5, max_per_document=2)
    # b and c get in ahead of a-2; the leftover slot then goes to a-2, and rank order is kept.
    assert [p.chunk.chunk_id for p in chosen] == ["a-0", "a-1", "a-2", "b-0", "c-0"]
    assert [p.chunk.chunk_id for p in diversify(ranked, k=4, max_per_document=2)] == [
        "a-0",
        "a-1",
        "b-0",
        "c-0",
    ]


def test_diversity_fills_up_from_the_same_document_when_nothing_else_matches() -> None:
    ranked = [_passage("a", i, 10 - i) for i in range(4)]
    assert len(diversify(ranked, k=4, max_per_document=1)) == 4


def test_exact_names_are_found_by_the_lexical_side(seed_engine: Engine) -> None:
    found = seed_engine.searcher.retrieve("Ushakov", k=3)
    assert found.passages[0].chunk.source.startswith("003_")
    assert found.lexical_score  # BM25 contributed


def test_no_document_has_more_than_three_passages(seed_engine: Engine) -> None:
    passages = seed_engine.searcher.search("North Korea Russia alliance weapons", k=8)
    per_doc: dict[str, int] = {}
    for p in passages:
        per_doc[p.chunk.doc_id] = per_doc.get(p.chunk.doc_id, 0) + 1
    assert len(passages) == 8 and max(per_doc.values()) <= 3


def test_sentences_keep_offsets_and_abbreviations() -> None:
    text = (
        'The U.S. said on Jan. 5 that Mr. Kim met Putin. "It is done," he said! Is it?\nNext line'
    )
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "The U.S. said on Jan. 5 that Mr. Kim met Putin.",
        '"It is done," he said!',
        "Is it?",
        "Next line",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)
