"""Sentence vectors: written with their chunks, gone with their document, filled in for old stores."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.conftest import SEEDS, EngineFactory


def test_sentences_are_embedded_at_ingest_and_removed_with_their_document(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    chunks = engine.store.chunks()
    stored = engine.store._sentences._read([c.chunk_id for c in chunks])
    assert set(stored) == {c.chunk_id for c in chunks if c.text.strip()}
    chunk = chunks[0]
    for sentence in stored[chunk.chunk_id]:
        assert chunk.text[sentence.start : sentence.end] == sentence.text
        assert abs(float(np.linalg.norm(sentence.vector)) - 1.0) < 1e-3
    question = engine.store.query_vector("weapons shipped to Russia")
    assert question.shape == stored[chunk.chunk_id][0].vector.shape

    removed = chunk.source
    assert engine.remove_document(removed)
    left = engine.store._sentences._read([c.chunk_id for c in chunks if c.source == removed])
    assert left == {}


def test_a_store_without_sentence_vectors_gets_them_when_asked(
    make_engine: EngineFactory,
) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    chunks = engine.store.chunks()[:3]
    engine.store._sentences.delete({"doc_id": {"$in": [c.doc_id for c in chunks]}})
    assert engine.store._sentences._read([c.chunk_id for c in chunks]) == {}
    found = engine.store.sentences(chunks)
    assert set(found) == {c.chunk_id for c in chunks}
    assert engine.store._sentences._read([c.chunk_id for c in chunks]).keys() == found.keys()


def test_a_reader_that_does_not_hold_the_lock_computes_missing_sentences_but_stores_nothing(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    writer = make_engine(newsbot_store=tmp_path / "shared")
    writer.ingest_paths([SEEDS])  # holds the store's writer lock from here on
    chunks = writer.store.chunks()[:3]
    writer.store._sentences.delete({"doc_id": {"$in": [c.doc_id for c in chunks]}})

    reader = make_engine(newsbot_store=tmp_path / "shared")  # e.g. `newsbot ask` beside the bot
    found = reader.store.sentences(chunks)
    assert set(found) == {c.chunk_id for c in chunks}
    for chunk in chunks:
        for sentence in found[chunk.chunk_id]:
            assert chunk.text[sentence.start : sentence.end] == sentence.text
            assert abs(float(np.linalg.norm(sentence.vector)) - 1.0) < 1e-3
    assert reader.store._sentences._read([c.chunk_id for c in chunks]) == {}  # nothing written
