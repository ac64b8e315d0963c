"""Time the ingest front half (load + clean + chunk, no embedding) and score HTML extraction.

Usage: uv run python benchmarks/ingest_loading.py [CORPUS_DIR]
Prints a summary and writes benchmarks/results/ingest_loading.json.
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.text_overlap import token_overlap
from retrieval.ingest.chunking import chunk_document
from retrieval.ingest.loaders import load_bytes, load_paths
from retrieval.models import PassageKind

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / ".." / "shared" / "corpus"


def time_collection(paths: list[Path]) -> dict[str, Any]:
    started = time.perf_counter()
    result = load_paths(paths)
    loaded = time.perf_counter()
    chunks = [chunk for doc in result.documents for chunk in chunk_document(doc)]
    done = time.perf_counter()
    return {
        "documents": len(result.documents),
        "skipped": len(result.skipped),
        "skip_reasons": sorted({reason for _, reason in result.skipped}),
        "chunks": len(chunks),
        "characters": sum(len(doc.text) for doc in result.documents),
        "dated": sum(doc.date is not None for doc in result.documents),
        "with_comment_blocks": sum(
            any(block.kind is PassageKind.COMMENT for block in doc.blocks)
            for doc in result.documents
        ),
        "load_clean_seconds": round(loaded - started, 2),
        "chunk_seconds": round(done - loaded, 2),
        "total_seconds": round(done - started, 2),
    }


def score_web_pages(folder: Path) -> dict[str, Any]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    with (folder / "index.csv").open(encoding="utf-8") as handle:
        index = {row["id"]: row for row in csv.DictReader(handle)}
    f1s, recalls, precisions = [], [], []
    dates_agree = dates_found = urls_found = 0
    started = time.perf_counter()
    for page_id, expected in truth.items():
        path = folder / "html" / f"{page_id}.html.gz"
        doc = load_bytes(path.name, path.read_bytes(), origin=str(path))[0]
        score = token_overlap(doc.text, expected["articleBody"])
        f1s.append(score.f1)
        recalls.append(score.recall)
        precisions.append(score.precision)
        urls_found += doc.url is not None
        if doc.date is not None:
            dates_found += 1
            meta = index.get(page_id, {}).get("published_time_meta", "")
            dates_agree += meta[:10] == doc.date.isoformat()
    return {
        "pages": len(f1s),
        "mean_f1": round(statistics.mean(f1s), 4),
        "median_f1": round(statistics.median(f1s), 4),
        "mean_recall": round(statistics.mean(recalls), 4),
        "mean_precision": round(statistics.mean(precisions), 4),
        "pages_f1_below_0_5": sum(f < 0.5 for f in f1s),
        "with_url": urls_found,
        "with_date": dates_found,
        "date_matches_index_csv": dates_agree,
        "seconds": round(time.perf_counter() - started, 2),
    }


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    bbc = corpus / "bbc"
    results = {
        "bbc": time_collection(sorted(p for p in bbc.iterdir() if p.is_dir())),
        "reuters": time_collection([corpus / "reuters21578" / "reuters21578.jsonl"]),
        "web_pages": score_web_pages(corpus / "web-pages"),
    }
    print(json.dumps(results, indent=2))
    out = ROOT / "benchmarks" / "results" / "ingest_loading.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
