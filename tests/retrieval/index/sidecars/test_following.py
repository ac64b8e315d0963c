"""The sidecars follow this process's own uploads and removals without reading Chroma again, and
end where a rebuild from Chroma would: the same BM25 and document-vector rankings."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from chromadb.api import ClientAPI

from retrieval.index.chroma import make_client
from retrieval.index.embeddings import WordLlamaEmbedder
from retrieval.index.store import WRITE_BATCH, ChunkStore
from retrieval.ingest.chunking import chunk_document
from retrieval.ingest.loaders import load_bytes
from retrieval.interfaces import Embedder
from retrieval.models import Chunk, Document

TOPICS = ["harbour", "wheat", "election", "storm", "cocoa", "airline", "museum", "bridge"]
QUERIES = ["harbour crane repairs", "wheat harvest prices", "storm museum", "bridge 17", "cocoa"]


def _document(name: str, seed: int) -> tuple[Document, list[Chunk]]:
    rng = random.Random(seed)
    sentences = [
        f"The {rng.choice(TOPICS)} report number {rng.randint(1, 40)} says the "
        f"{rng.choice(TOPICS)} figures moved as the {rng.choice(TOPICS)} season began."
        for _ in range(rng.randint(2, 30))
    ]
    (doc,) = load_bytes(name, f"{name} headline\n\n{' '.join(sentences)}\n".encode(), origin=name)
    return doc, chunk_document(doc, size=200, overlap=40)


def _rankings(store: ChunkStore) -> list[list[tuple[str, float]]]:
    """Every scored chunk and document for each query; equal scores by id, since rows are
    numbered in a different order after a rebuild."""
    found: list[list[tuple[str, float]]] = []
    for query in QUERIES:
        found.append([(c.chunk_id, round(s, 4)) for c, s in store.lexical(query, k=1000)])
        found.append([(d, round(s, 4)) for d, s in store.lexical_documents(query, k=1000)])
        found.append([(d, round(s, 4)) for d, s in store.dense_documents(query, k=1000)])
    return [sorted(ranking, key=lambda hit: (-hit[1], hit[0])) for ranking in found]


def _revision_on_disk(sidecars: Path) -> int:
    return int(json.loads((sidecars / "news" / "revision.json").read_text())["revision"])


@pytest.fixture
def sidecars(tmp_path: Path) -> Path:
    return tmp_path / "sidecars"


@pytest.fixture
def client(tmp_path: Path) -> ClientAPI:
    return make_client(tmp_path / "store")


def _open(client: ClientAPI, embedder: Embedder, sidecars: Path) -> ChunkStore:
    """A store on the shared Chroma client with sidecars of its own, as another process has."""
    return ChunkStore(client, embedder, collection="news", sidecar_dir=sidecars)


def test_changes_end_where_a_rebuild_from_chroma_does(
    client: ClientAPI, sidecars: Path, wordllama: WordLlamaEmbedder
) -> None:
    store = _open(client, wordllama, sidecars)
    store.upsert_many([_document(f"doc{i}.txt", i) for i in range(40)])
    store.warm()
    saved = _revision_on_disk(sidecars)
    # An upload, a removal and an edit, as moderators make them one at a time.
    store.upsert_many([_document("late.txt", 100)])
    store.delete_documents([_document("doc3.txt", 3)[0].doc_id])
    store.upsert_many([_document("doc7.txt", 777)])
    followed = _rankings(store)
    # Followed in memory, not rebuilt: a rebuild saves at once, and nothing was saved yet.
    assert _revision_on_disk(sidecars) == saved
    store.warm()
    assert _revision_on_disk(sidecars) == saved + 3 * 2  # each change: announced, then done
    rebuilt = _open(client, wordllama, sidecars.parent / "fresh")
    assert _rankings(rebuilt) == followed
    # The document list (what autocomplete reads at every keystroke) is followed as well.
    listed = store.documents()
    assert listed == rebuilt.documents() and len(listed) == 40
    assert all(d.origin and d.added and d.chunks for d in listed)
    assert [d.source for d in store.documents([_document("late.txt", 0)[0].doc_id])] == ["late.txt"]
    assert "doc3.txt" not in {c.source for c, _ in store.lexical("report figures", k=500)}
    # What was saved loads in a new process's store and ranks the same.
    reloaded = _open(client, wordllama, sidecars)
    assert _rankings(reloaded) == followed


def test_many_small_changes_stay_equal_to_a_rebuild_through_compactions(
    client: ClientAPI, sidecars: Path, wordllama: WordLlamaEmbedder
) -> None:
    store = _open(client, wordllama, sidecars)
    store.upsert_many([_document(f"doc{i}.txt", i) for i in range(12)])
    rng = random.Random(9)
    for step in range(30):  # enough churn that both indexes compact more than once
        if rng.random() < 0.4:
            victim = _document(f"doc{rng.randrange(12 + step)}.txt", 0)[0].doc_id
            store.delete_documents([victim])
        else:
            store.upsert_many([_document(f"doc{rng.randrange(12 + step)}.txt", 1000 + step)])
    rebuilt = _open(client, wordllama, sidecars / "fresh")
    assert _rankings(rebuilt) == _rankings(store)
    # The followed document list holds exactly the documents Chroma holds.
    stored = client.get_collection("news").get(include=["metadatas"])["metadatas"] or []
    assert {d.doc_id for d in store.documents()} == {str(m["doc_id"]) for m in stored}


def test_another_writers_changes_are_followed_through_the_change_log(
    client: ClientAPI, sidecars: Path, wordllama: WordLlamaEmbedder, tmp_path: Path
) -> None:
    writer = _open(client, wordllama, sidecars)
    writer.upsert_many([_document(f"doc{i}.txt", i) for i in range(20)])
    writer.warm()
    # Another bot on the same Chroma, with sidecars of its own (as on another host).
    reader_dir = tmp_path / "reader"
    reader = _open(client, wordllama, reader_dir)
    assert reader.lexical("harbour", k=1)
    loaded_at = _revision_on_disk(reader_dir)
    writer.upsert_many([_document("late.txt", 100)])
    writer.delete_documents([_document("doc3.txt", 3)[0].doc_id])
    followed = _rankings(reader)
    # Caught up from the two logged changes, not rebuilt: a rebuild would have saved.
    assert _revision_on_disk(reader_dir) == loaded_at
    assert followed == _rankings(_open(client, wordllama, tmp_path / "fresh"))
    sources = {c.source for c, _ in reader.lexical("report figures season", k=1000)}
    assert "late.txt" in sources and "doc3.txt" not in sources
    # A process started later loads the saved sidecars and catches up from the log too.
    late = _open(client, wordllama, reader_dir)
    assert _rankings(late) == followed and _revision_on_disk(reader_dir) == loaded_at


def test_a_reader_too_far_behind_the_log_rebuilds(
    client: ClientAPI, sidecars: Path, wordllama: WordLlamaEmbedder, tmp_path: Path
) -> None:
    writer = _open(client, wordllama, sidecars)
    writer.upsert_many([_document("doc0.txt", 0)])
    reader_dir = tmp_path / "reader"
    reader = _open(client, wordllama, reader_dir)
    assert reader.lexical("report", k=1)
    for i in range(40):  # more changes than the log keeps
        writer.upsert_many([_document(f"more{i}.txt", 200 + i)])
    assert len({c.source for c, _ in reader.lexical("report figures season", k=1000)}) == 41
    # Rebuilt from Chroma, which saves at once: the reader's files are at Chroma's revision.
    revision = (client.get_collection("news").metadata or {})["revision"]
    assert _revision_on_disk(reader_dir) == revision == 2 * 41


class FailingEmbedder:
    """The real static model, failing from its ``fail_after``-th batch on (a crash mid-write)."""

    def __init__(self, inner: WordLlamaEmbedder, fail_after: int) -> None:
        self._inner, self._left = inner, fail_after
        self.name, self.dimension = inner.name, inner.dimension

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if self._left <= 0:
            raise OSError("disk full")
        self._left -= 1
        return self._inner.embed_batch(texts)


def test_documents_written_before_a_write_was_cut_off_reach_other_readers(
    client: ClientAPI, sidecars: Path, wordllama: WordLlamaEmbedder, tmp_path: Path
) -> None:
    reader = _open(client, wordllama, tmp_path / "reader")
    assert reader.lexical("report", k=1) == []
    # Chunks and sentences are embedded a slice at a time; the third embedding call fails, after
    # the first slice of documents was stored whole.
    writer = _open(client, FailingEmbedder(wordllama, 2), sidecars)
    batch = [_document(f"doc{i}.txt", i) for i in range(60)]
    assert sum(len(chunks) for _, chunks in batch) > WRITE_BATCH
    with pytest.raises(OSError):
        writer.upsert_many(batch)
    stored = {str(m["source"]) for m in client.get_collection("news").get()["metadatas"] or []}
    assert stored  # the first slice is in Chroma, and the change was never completed
    seen = {c.source for c, _ in reader.lexical("report figures season", k=10_000)}
    assert stored <= seen


def test_a_long_document_is_tokenised_in_pieces_to_the_same_terms(tmp_path: Path) -> None:
    """A 16 MB document's words are not held in one list while its postings are built; cut at
    whitespace, the pieces give exactly the terms of the whole."""
    from retrieval.index.sidecars.lexical import _PIECE, LexicalIndex

    rng = random.Random(3)
    words = [rng.choice(TOPICS) + rng.choice(["", "s", "ing"]) for _ in range(60_000)]
    text = " ".join(words)
    assert len(text) > 3 * _PIECE
    (doc,) = load_bytes("long.txt", f"Long headline\n\n{text}\n".encode(), origin="long.txt")
    index = LexicalIndex(tmp_path / "lexical")
    index.build(chunk_document(doc, size=2000, overlap=200), revision=1)
    whole = index.analyzer.terms(f"{doc.title}\n{index.document_text(doc.doc_id)}")
    assert list(index._document_terms(doc.doc_id)) == whole
