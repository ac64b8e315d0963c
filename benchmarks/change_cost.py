"""What one change costs: a one-document upload and removal on the Reuters store (~20k documents)
against a 300-document store, how long questions asked meanwhile wait, and the peak memory of
building the Reuters store through the installed CLI.

The Reuters store is kept at --store (shared with ``reuters_scale``); --rebuild builds it again,
which is also what measures the build's peak memory.
Usage: uv run python -m benchmarks.change_cost [--model minilm] [--store DIR] [--rebuild] [--reps 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import (
    REPO,
    engine_for,
    percentile,
    require_corpus,
    reuters_records,
    save,
    write_jsonl,
)
from benchmarks.reuters_scale import CLI_WITH_PEAK, QUESTIONS
from retrieval.engine import Engine

UPLOAD = (
    "Harbour authority report {n}\n\n"
    "The harbour authority said on Tuesday that crane number {n} at the container terminal was "
    "repaired after a storm, and that shipping volumes rose 4.{n} percent in the third quarter. "
    "Dock workers said the new berth would open in the spring, the authority's spokesman added.\n"
)


def _build(store: Path, corpus: Path, model: str) -> dict[str, float]:
    """Build the store with the installed CLI in its own process, reporting its peak memory."""
    shutil.rmtree(store, ignore_errors=True)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CLI_WITH_PEAK, "ingest", str(corpus), "--store", str(store)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "NEWSBOT_EMBEDDINGS": model},
        check=True,
    )
    peak = [line for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_KB ")]
    return {
        "seconds": round(time.perf_counter() - began, 1),
        "peak_rss_mb": round(float(peak[-1].split()[1]) / 1024, 1) if peak else -1.0,
    }


def _changes(engine: Engine, reps: int) -> dict[str, object]:
    """Upload and remove one document ``reps`` times while a member keeps asking questions."""
    for question in QUESTIONS:
        engine.answer(question)
    idle: list[float] = []
    for question in QUESTIONS * 2:
        start = time.perf_counter()
        engine.answer(question)
        idle.append((time.perf_counter() - start) * 1000)
    waits: list[float] = []
    stop = threading.Event()

    def member() -> None:
        i = 0
        while not stop.is_set():
            start = time.perf_counter()
            engine.answer(QUESTIONS[i % len(QUESTIONS)])
            waits.append((time.perf_counter() - start) * 1000)
            i += 1

    asker = threading.Thread(target=member)
    asker.start()
    uploads: list[float] = []
    removals: list[float] = []
    try:
        for n in range(reps):
            name = f"harbour-report-{n}-{time.time_ns()}.txt"
            start = time.perf_counter()
            engine.ingest_bytes(name, UPLOAD.format(n=n).encode())
            uploads.append(time.perf_counter() - start)
            found = engine.answer(f"What happened to crane number {n} at the harbour?")
            assert any(c.document == name for c in found.citations), "upload not found"
            start = time.perf_counter()
            engine.remove_document(name)
            removals.append(time.perf_counter() - start)
    finally:
        stop.set()
        asker.join()
    return {
        "documents": len(engine.documents()),
        "upload_s": {"p50": round(percentile(uploads, 50), 3), "max": round(max(uploads), 3)},
        "removal_s": {"p50": round(percentile(removals, 50), 3), "max": round(max(removals), 3)},
        "question_ms_idle_p50": round(percentile(idle, 50), 1),
        "question_ms_during_changes": {
            "questions": len(waits),
            "p50": round(percentile(waits, 50), 1),
            "p99": round(percentile(waits, 99), 1),
            "max": round(max(waits), 1) if waits else None,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--store", type=Path, default=REPO / ".newsbot" / "bench" / "reuters")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    require_corpus()
    store = args.store.resolve()
    store.parent.mkdir(parents=True, exist_ok=True)
    corpus = store.parent / "reuters.jsonl"
    write_jsonl(reuters_records(), corpus)
    build = _build(store, corpus, args.model) if args.rebuild or not store.exists() else None

    with tempfile.TemporaryDirectory() as tmp:
        small_corpus = Path(tmp) / "small.jsonl"
        write_jsonl(reuters_records(300), small_corpus)
        small = engine_for(Path(tmp) / "store", args.model)
        small.ingest_paths([small_corpus])
        small_result = _changes(small, args.reps)
    large_result = _changes(engine_for(store, args.model), args.reps)

    def ratio(key: str) -> float:
        large = large_result[key]["p50"]  # type: ignore[index]
        return round(large / max(small_result[key]["p50"], 1e-9), 2)  # type: ignore[index]

    save(
        f"change_cost_{args.model}",
        {
            "model": args.model,
            "reuters_build": build or "store reused; --rebuild measures the build",
            "small_store": small_result,
            "reuters_store": large_result,
            "ratio_reuters_to_small": {"upload": ratio("upload_s"), "removal": ratio("removal_s")},
        },
    )


if __name__ == "__main__":
    main()
