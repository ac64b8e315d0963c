"""A very long document is embedded and written a bounded slice at a time, and still counts as
stored only once all of it is there."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.index.chroma import make_client
from retrieval.index.embeddings import WordLlamaEmbedder
from retrieval.index.store import WRITE_BATCH, ChunkStore
from retrieval.ingest.loaders import load_bytes
from retrieval.ingest.pipeline import Ingestor


class CountingEmbedder:
    """The real static model, recording the size of every batch it is handed."""

    def __init__(self, inner: WordLlamaEmbedder) -> None:
        self._inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.batches: list[int] = []

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(len(texts))
        return self._inner.embed_batch(texts)


def test_a_long_document_is_written_in_bounded_slices(
    tmp_path: Path, wordllama: WordLlamaEmbedder
) -> None:
    sentences = [f"Report {i} says the harbour crane number {i} was repaired." for i in range(8000)]
    text = "Harbour log\n\n" + " ".join(sentences)
    embedder = CountingEmbedder(wordllama)
    store = ChunkStore(
        make_client(tmp_path / "store"), embedder, collection="long", sidecar_dir=tmp_path / "lex"
    )
    (doc,) = load_bytes("log.txt", text.encode(), origin=str(tmp_path / "log.txt"))
    Ingestor(store, chunk_size=200, chunk_overlap=20)._write([doc], None)

    (info,) = store.documents()
    assert info.chunks > 8 * WRITE_BATCH  # the document really is several slices long
    assert max(embedder.batches) <= 5 * WRITE_BATCH  # no batch grows with the document
    assert store.document_states()[doc.doc_id][1] == doc.content_hash  # whole: "unchanged" next
