"""newsbot's retrieval against a plain LangChain pipeline on the same Chroma collection and model,
in one process, queries interleaved: BBC headline -> article R@1, R@5, MRR, p50 and p95 for both
(and for newsbot's own dense-only path), and their ratios.

The LangChain side is ``Chroma.similarity_search(headline, k=5)`` over the collection newsbot
built (titles kept out of both, so neither sees the headline). The store is kept at --store; it
is built on the first run (about 6 minutes with MiniLM).
Usage: uv run python -m benchmarks.side_by_side [--store DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import (
    REPO,
    bbc_records,
    engine_for,
    percentile,
    require_corpus,
    save,
    write_jsonl,
)
from benchmarks.retrieval_bbc import _doc_ranking, _score
from retrieval.index.chroma import make_client
from retrieval.index.embeddings import make_embedder
from retrieval.index.langchain_embeddings import LangChainEmbeddings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=REPO / ".newsbot" / "bench" / "bbc-untitled")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    require_corpus()
    from langchain_chroma import Chroma

    records = list(bbc_records())
    engine = engine_for(args.store)
    if engine.store.is_empty():
        corpus = args.store.parent / "bbc-untitled.jsonl"
        args.store.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(({k: v for k, v in r.items() if k != "title"} for r in records), corpus)
        engine.ingest_paths([corpus])
    engine.store.warm()
    queries = records[: args.limit] if args.limit else records
    body = {r["source"]: hashlib.sha256(r["text"].encode()).hexdigest() for r in records}
    targets = [{s for s, h in body.items() if h == body[r["source"]]} for r in queries]

    chain = Chroma(
        client=make_client(args.store),
        collection_name="newsbot",
        embedding_function=LangChainEmbeddings(make_embedder("minilm")),
    )
    pipelines: dict[str, Callable[[str], list[str]]] = {
        "langchain": lambda q: list(
            dict.fromkeys(d.metadata["source"] for d in chain.similarity_search(q, k=5))
        ),
        "newsbot": lambda q: _doc_ranking(
            [p.chunk for p in engine.searcher.retrieve(q, k=30).passages]
        ),
        "newsbot_dense": lambda q: _doc_ranking([c for c, _ in engine.store.dense(q, k=10)]),
    }
    for run in pipelines.values():  # first calls pay for lazy loading
        run(queries[0]["title"])
    rankings: dict[str, list[list[str]]] = {name: [] for name in pipelines}
    times: dict[str, list[float]] = {name: [] for name in pipelines}
    names = list(pipelines)
    for i, record in enumerate(queries):
        for name in names[i % 3 :] + names[: i % 3]:  # each goes first a third of the time
            # Each pipeline embeds the question itself, as a real question does: newsbot's
            # pipelines would otherwise reuse the vector the one before them made.
            engine.store._queries.clear()
            began = time.perf_counter()
            rankings[name].append(pipelines[name](record["title"]))
            times[name].append((time.perf_counter() - began) * 1000)
    result = {
        name: {
            **_score(rankings[name], targets),
            "p50_ms": round(percentile(times[name], 50), 1),
            "p95_ms": round(percentile(times[name], 95), 1),
        }
        for name in names
    }
    save(
        "side_by_side",
        {
            "queries": len(queries),
            "store": str(args.store),
            **result,
            "p50_ratio_newsbot_to_langchain": round(
                result["newsbot"]["p50_ms"] / result["langchain"]["p50_ms"], 2
            ),
            "p50_ratio_newsbot_to_dense": round(
                result["newsbot"]["p50_ms"] / result["newsbot_dense"]["p50_ms"], 2
            ),
        },
    )


if __name__ == "__main__":
    main()
