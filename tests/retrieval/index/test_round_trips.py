"""A question asks Chroma for the collection's revision once, not once per search, and through a
server at most once a second: each ask is a round trip."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from retrieval.index.chroma import make_client
from retrieval.index.embeddings import WordLlamaEmbedder
from retrieval.index.store import ChunkStore
from retrieval.ingest.chunking import chunk_document
from retrieval.ingest.loaders import load_bytes
from retrieval.models import Chunk, Document
from tests.conftest import SEEDS, EngineFactory


class CountingClient:
    """The real Chroma client, counting the ``get_collection`` calls made through it."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.get_collection_calls = 0

    def get_collection(self, *args: Any, **kwargs: Any) -> Any:
        self.get_collection_calls += 1
        return self._inner.get_collection(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_one_revision_check_per_question(make_engine: EngineFactory) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    client = CountingClient(engine.store._chroma._client)  # type: ignore[attr-defined]
    engine.store._chroma._client = client  # type: ignore[attr-defined]

    engine.searcher.retrieve("How many rail containers of weapons were shipped?")
    # The four rankings (dense and BM25, of chunks and of documents) read one state.
    assert client.get_collection_calls == 1

    client.get_collection_calls = 0
    answer = engine.answer("How many rail containers of weapons were shipped?")
    assert answer.citations
    assert client.get_collection_calls == 1


def test_one_revision_check_per_checked_text(make_engine: EngineFactory) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    client = CountingClient(engine.store._chroma._client)  # type: ignore[attr-defined]
    engine.store._chroma._client = client  # type: ignore[attr-defined]
    checked = engine.check(
        "Kim greeted Putin at Pyongyang International Airport. "
        "Putin reportedly wants artillery shells."
    )
    assert len(checked) == 2
    assert client.get_collection_calls == 1


def test_through_a_server_the_revision_is_asked_at_most_once_a_ttl(
    tmp_path: Path, wordllama: WordLlamaEmbedder
) -> None:
    client = make_client(tmp_path / "store")
    mine = ChunkStore(
        client, wordllama, collection="news", sidecar_dir=tmp_path / "a", revision_ttl=0.5
    )
    other = ChunkStore(client, wordllama, collection="news", sidecar_dir=tmp_path / "b")
    mine.upsert_many([_document("first.txt", "The harbour crane was repaired.")])
    counting = CountingClient(client)
    mine._chroma._client = counting  # type: ignore[attr-defined]
    for _ in range(5):  # this process's own write is seen at once, and not asked again
        assert [c.source for c, _ in mine.lexical("harbour crane", k=5)] == ["first.txt"]
    assert counting.get_collection_calls == 0
    other.upsert_many([_document("second.txt", "A second harbour crane was ordered.")])
    time.sleep(0.6)  # another process's write: seen once the ttl has passed
    assert {c.source for c, _ in mine.lexical("harbour crane", k=5)} == {"first.txt", "second.txt"}
    assert counting.get_collection_calls == 1


def _document(name: str, text: str) -> tuple[Document, list[Chunk]]:
    (doc,) = load_bytes(name, f"{text}\n".encode(), origin=name)
    return doc, chunk_document(doc)


def test_dense_candidates_come_from_the_sidecars_and_the_rest_from_chroma(
    make_engine: EngineFactory,
) -> None:
    """Chroma is asked for ids and distances only; the chunks come from the sidecars' table, and
    any the table lacks (a change it has not followed yet) are read from Chroma, the same."""
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    store = engine.store
    chroma = store._chroma  # type: ignore[attr-defined]
    vector = store.query_vector("How many rail containers of weapons were shipped?")
    full = chroma.nearest(vector, k=12, where=None)
    via_sidecars = store.dense("How many rail containers of weapons were shipped?", k=12)
    assert via_sidecars == full and len(full) == 12
    half = {c.chunk_id: c for c, _ in full[:6]}
    partial = chroma.nearest(vector, k=12, where=None, known=lambda ids: dict(half))
    none_known = chroma.nearest(vector, k=12, where=None, known=lambda ids: {})
    assert partial == full and none_known == full
