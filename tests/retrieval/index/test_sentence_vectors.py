"""Sentence vectors: written with their chunks, gone with their document, filled in for old stores,
and kept out of Chroma's vector index."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.engine import Engine
from retrieval.models import Chunk
from tests.conftest import SEEDS, EngineFactory


def _read(engine: Engine, chunks: list[Chunk]) -> dict[str, list]:
    return engine.store._sentences._read({c.chunk_id: c for c in chunks})


def test_sentences_are_embedded_at_ingest_and_removed_with_their_document(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    chunks = engine.store.chunks()
    stored = _read(engine, chunks)
    assert set(stored) == {c.chunk_id for c in chunks}
    chunk = chunks[0]
    assert stored[chunk.chunk_id]
    for sentence in stored[chunk.chunk_id]:
        assert chunk.text[sentence.start : sentence.end] == sentence.text
        assert abs(float(np.linalg.norm(sentence.vector)) - 1.0) < 1e-3
    question = engine.store.query_vector("weapons shipped to Russia")
    assert question.shape == stored[chunk.chunk_id][0].vector.shape

    removed = chunk.source
    assert engine.remove_document(removed)
    assert _read(engine, [c for c in chunks if c.source == removed]) == {}


def test_stored_vectors_match_a_fresh_embedding_of_each_sentence(
    make_engine: EngineFactory,
) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    chunk = engine.store.chunks()[0]
    stored = _read(engine, [chunk])[chunk.chunk_id]
    fresh = engine.store._sentences._embedded([chunk])[chunk.chunk_id]
    assert [(s.start, s.end) for s in stored] == [(s.start, s.end) for s in fresh]
    for kept, new in zip(stored, fresh, strict=True):
        assert float(kept.vector @ new.vector) > 0.999  # float16 on disk, nothing more lost


def test_sentence_records_stay_out_of_the_vector_index_and_old_ones_are_dropped(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    from retrieval.index.chroma import make_client

    store = tmp_path / "old"
    client = make_client(store)
    legacy = client.get_or_create_collection("newsbot-sentences", embedding_function=None)
    legacy.add(ids=["a"], embeddings=[[0.5] * 384], documents=["An old sentence."])
    del client

    engine = make_engine(newsbot_store=store)
    engine.ingest_paths([SEEDS])
    client = make_client(store)
    names = {c.name for c in client.list_collections()}
    assert "newsbot-sentences" not in names
    records = client.get_collection("newsbot-sentence-vectors").get(limit=3, include=["embeddings"])
    assert records["ids"] and all(len(v) == 1 for v in records["embeddings"])


def test_a_store_without_sentence_vectors_gets_them_when_asked(
    make_engine: EngineFactory,
) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    chunks = engine.store.chunks()[:3]
    engine.store._sentences.delete({"doc_id": {"$in": [c.doc_id for c in chunks]}})
    assert _read(engine, chunks) == {}
    found = engine.store.sentences(chunks)
    assert set(found) == {c.chunk_id for c in chunks}
    assert _read(engine, chunks).keys() == found.keys()


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
    assert _read(reader, chunks) == {}  # nothing written


def test_sentences_read_once_are_kept_by_the_process(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    """Chunk ids hash their text, so what was read stays true: asked again, no read is made (the
    records are gone from Chroma, and the reader may not store any)."""
    writer = make_engine(newsbot_store=tmp_path / "shared")
    writer.ingest_paths([SEEDS])
    chunks = writer.store.chunks()[:3]
    reader = make_engine(newsbot_store=tmp_path / "shared")
    first = reader.store.sentences(chunks)
    writer.store._sentences.delete({"doc_id": {"$in": [c.doc_id for c in chunks]}})
    again = reader.store.sentences(chunks)
    fresh = reader.store._sentences._embedded(chunks)
    chunk = chunks[0].chunk_id
    assert [s.vector.tolist() for s in again[chunk]] == [s.vector.tolist() for s in first[chunk]]
    # Read from the store (float16), not computed again (float32): the cache answered.
    assert any(
        not np.array_equal(kept.vector, new.vector)
        for kept, new in zip(again[chunk], fresh[chunk], strict=True)
    )
