"""The code path for a Chroma that indexes sparse vectors: what it asks of the server and what it
reads back. No Chroma here takes a sparse index (the probe is run against the embedded store and a
real ``chroma run``, which both refuse), so the requests and records are checked as built."""

from __future__ import annotations

from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.api.types import SearchResult

from retrieval.index.distributed import (
    CANDIDATES,
    K1,
    RRF_K,
    SPARSE_KEY,
    SparseTerms,
    hybrid_request,
    passages_from,
    sparse_schema,
    sparse_support,
    term_index,
)
from retrieval.index.lexical import Analyzer
from retrieval.index.records import chroma_where, chunk_metadata
from retrieval.ingest.chunking import chunk_document
from retrieval.ingest.loaders import load_bytes
from retrieval.models import SearchFilters
from tests.retrieval.index.test_chroma_server import _free_port, _start_server, _stop

TEXT = (
    b"Harbour news\n\nThe harbour council voted to rebuild the lighthouse. The lighthouse "
    b"has stood on the north pier since 1890, and the council says the rebuilding starts in May."
)


def test_the_schema_asks_for_a_bm25_sparse_index_on_our_key() -> None:
    keys = sparse_schema().serialize_to_json()["keys"]
    index = keys[SPARSE_KEY]["sparse_vector"]["sparse_vector_index"]
    assert index["enabled"] is True and index["config"]["bm25"] is True
    assert "source_key" not in index["config"]  # the vectors are ours, not Chroma's function's


def test_the_local_store_says_it_has_no_sparse_index_and_keeps_nothing(tmp_path: Path) -> None:
    client = chromadb.PersistentClient(path=str(tmp_path / "store"))
    reason = sparse_support(client)
    assert reason is not None and "Sparse vector indexing is not enabled in local" in reason
    assert client.list_collections() == []


@pytest.mark.slow
def test_a_single_node_server_says_so_too(tmp_path: Path) -> None:
    port = _free_port()
    server = _start_server(tmp_path / "server", port)
    try:
        client = chromadb.HttpClient(host="127.0.0.1", port=port)
        reason = sparse_support(client)
        assert reason is not None and "Sparse vector indexing is not enabled" in reason
        assert client.list_collections() == []
    finally:
        _stop(server)


def test_sparse_vectors_hold_the_sidecars_terms_with_saturating_weights() -> None:
    analyzer = Analyzer()
    terms = SparseTerms(analyzer)
    text = "The lighthouse, the lighthouse, the lighthouse and the pier."
    vector = terms.document(text)
    assert vector.indices == sorted(set(vector.indices))
    expected = {term_index(t) for t in analyzer.terms(text)}
    assert set(vector.indices) == expected
    weights = dict(zip(vector.indices, vector.values, strict=True))
    lighthouse, pier = term_index(analyzer.terms("lighthouse")[0]), term_index("pier")
    assert weights[pier] < weights[lighthouse] < K1 + 1  # more often weighs more, never past k1+1
    query = terms.query("Who rebuilt the lighthouse?")
    assert set(query.values) == {1.0} and lighthouse in query.indices
    assert terms.query("and of the").indices == []


def test_one_request_fuses_dense_and_sparse_on_the_server_within_the_filters() -> None:
    filters = SearchFilters(documents=("news/harbour.txt",))
    request = hybrid_request(
        np.array([0.25, -0.5], dtype=np.float32),
        SparseTerms(Analyzer()).query("lighthouse pier"),
        k=5,
        filters=filters,
    ).to_dict()
    assert request["filter"] == chroma_where(filters)
    assert request["limit"] == {"offset": 0, "limit": 5}
    assert set(request["select"]["keys"]) == {"#document", "#score", "#metadata"}
    knns = _knns(request["rank"])
    assert [(q["key"], q["limit"], q["return_rank"]) for q in knns] == [
        ("#embedding", CANDIDATES, True),
        (SPARSE_KEY, CANDIDATES, True),
    ]
    assert knns[0]["query"] == [0.25, -0.5]
    assert str(RRF_K) in str(request["rank"])
    # A question of stop words only: dense alone.
    only_dense = hybrid_request([0.1], SparseTerms(Analyzer()).query("the of"), k=3).to_dict()
    assert [q["key"] for q in _knns(only_dense["rank"])] == ["#embedding"]
    assert only_dense["filter"] in (None, {})


def _knns(node: object) -> list[dict[str, object]]:
    if isinstance(node, dict):
        found = [node["$knn"]] if "$knn" in node else []
        return found + [k for v in node.values() for k in _knns(v)]
    if isinstance(node, list):
        return [k for v in node for k in _knns(v)]
    return []


def test_search_rows_read_back_as_the_chunks_that_were_written() -> None:
    doc = load_bytes("harbour.txt", TEXT, origin="/news/harbour.txt")[0]
    chunks = chunk_document(doc, size=120, overlap=20)
    assert len(chunks) >= 2
    terms = SparseTerms(Analyzer())
    metas = []
    for c in chunks:
        meta = chunk_metadata(doc, c, "2026-12-04T00:00:00", len(chunks))
        meta[SPARSE_KEY] = terms.document(c.text)  # as a write with a sparse index stores it
        metas.append(meta)
    result = SearchResult(
        ids=[[c.chunk_id for c in reversed(chunks)]],
        documents=[[c.text for c in reversed(chunks)]],
        metadatas=[list(reversed(metas))],
        scores=[[-0.032, -0.016][: len(chunks)] + [-0.01] * (len(chunks) - 2)],
        embeddings=None,
        select=[["#document", "#score", "#metadata"]],
    )
    passages = passages_from(result)
    assert [p.chunk for p in passages] == list(reversed(chunks))
    assert passages[0].score == pytest.approx(0.032) and passages[0].score > passages[1].score
    assert passages_from(SearchResult(ids=[], documents=[], metadatas=[], scores=[])) == []
