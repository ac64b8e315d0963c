"""Retrieval quality on BBC headlines, and BBC ingest throughput, for each candidate embedding model.

Each headline (line 1) is the query for its own article, whose body is indexed without the headline.
Rankings are by document; an exact duplicate of the target body counts as a hit (133 bodies repeat).
Usage: uv run python -m benchmarks.retrieval_bbc [--models minilm wordllama] [--limit N]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.common import (
    bbc_records,
    engine_for,
    peak_rss_mb,
    percentile,
    require_corpus,
    save,
    write_jsonl,
)
from retrieval.models import Chunk


def _doc_ranking(chunks: Sequence[Chunk]) -> list[str]:
    seen: dict[str, None] = {}
    for chunk in chunks:
        seen.setdefault(chunk.source, None)
    return list(seen)


def _score(rankings: list[list[str]], targets: list[set[str]]) -> dict[str, float]:
    r1 = r5 = mrr = 0.0
    for ranking, hits in zip(rankings, targets, strict=True):
        for position, source in enumerate(ranking[:10], start=1):
            if source in hits:
                r1 += position == 1
                r5 += position <= 5
                mrr += 1 / position
                break
    n = max(len(rankings), 1)
    return {"recall@1": round(r1 / n, 4), "recall@5": round(r5 / n, 4), "mrr": round(mrr / n, 4)}


def run_model(
    model: str, records: list[dict[str, str]], workdir: Path, size: int, overlap: int
) -> dict[str, object]:
    corpus = workdir / "bbc.jsonl"
    # The headline is the query, so it must not be indexed: not as text, and not as the title
    # (titles feed the whole-document BM25 index).
    write_jsonl(({k: v for k, v in r.items() if k != "title"} for r in records), corpus)
    engine = engine_for(
        workdir / f"store-{model}-{size}-{overlap}",
        model,
        newsbot_chunk_size=size,
        newsbot_chunk_overlap=overlap,
    )
    began = time.perf_counter()
    report = engine.ingest_paths([corpus])
    ingest_seconds = time.perf_counter() - began
    engine.store.warm()

    body_hash = {r["source"]: hashlib.sha256(r["text"].encode()).hexdigest() for r in records}
    targets = [{s for s, d in body_hash.items() if d == body_hash[r["source"]]} for r in records]

    retrievers: dict[str, Callable[[str], list[Chunk]]] = {
        "dense": lambda q: [c for c, _ in engine.store.dense(q, k=50)],
        "bm25": lambda q: [c for c, _ in engine.store.lexical(q, k=50)],
        "hybrid": lambda q: [p.chunk for p in engine.searcher.retrieve(q, k=30).passages],
    }
    doc_retrievers: dict[str, Callable[[str], list[str]]] = {
        "dense_documents": lambda q: [d for d, _ in engine.store.dense_documents(q, k=50)],
        "bm25_documents": lambda q: [d for d, _ in engine.store.lexical_documents(q, k=50)],
    }
    source_of = {d.doc_id: d.source for d in engine.documents()}
    scores: dict[str, object] = {}
    for name, retrieve in retrievers.items():
        latencies: list[float] = []
        rankings: list[list[str]] = []
        for record in records:
            start = time.perf_counter()
            rankings.append(_doc_ranking(retrieve(record["title"])))
            latencies.append((time.perf_counter() - start) * 1000)
        scores[name] = {
            **_score(rankings, targets),
            "query_ms_p50": round(percentile(latencies, 50), 1),
            "query_ms_p95": round(percentile(latencies, 95), 1),
        }
        print(model, name, scores[name], flush=True)
    for name, rank_documents in doc_retrievers.items():
        doc_rankings = [[source_of[d] for d in rank_documents(r["title"])] for r in records]
        scores[name] = _score(doc_rankings, targets)
        print(model, name, scores[name], flush=True)
    return {
        "model": engine.store.embedding_model,
        "documents": report.documents,
        "chunks": report.chunks,
        "ingest_seconds": round(ingest_seconds, 1),
        "ingest_docs_per_second": round(report.documents / ingest_seconds, 1),
        "retrieval": scores,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", nargs="+", default=["minilm", "wordllama"])
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--name", default="retrieval_bbc")
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--chunk-overlap", type=int, default=80)
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep the stores here (a rerun skips ingest)"
    )
    args = parser.parse_args()
    require_corpus()
    records = list(bbc_records())[: args.limit]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        results = [
            run_model(model, records, workdir, args.chunk_size, args.chunk_overlap)
            for model in args.models
        ]
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    save(
        args.name,
        {
            "queries": len(records),
            "chunk_size": args.chunk_size,
            "chunk_overlap": args.chunk_overlap,
            "models": results,
            "peak_rss_mb": round(peak_rss_mb(), 1),
        },
    )


if __name__ == "__main__":
    main()
