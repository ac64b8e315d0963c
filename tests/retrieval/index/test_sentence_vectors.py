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
