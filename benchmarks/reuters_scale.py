"""Scale: ingest the ~20k Reuters records, then time questions warm (in-process) and cold (new process).

The store is kept at --store so later runs (and the summary benchmark) reuse it; --rebuild starts over.
Usage: uv run python -m benchmarks.reuters_scale [--model minilm] [--store DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import (
    REPO,
    engine_for,
    peak_rss_mb,
    percentile,
    require_corpus,
    reuters_records,
    save,
    write_jsonl,
)

QUESTIONS = [
    "What happened to cocoa prices?",
    "Did OPEC agree to cut oil production?",
    "How did the dollar trade against the yen?",
    "What did the Federal Reserve do about interest rates?",
    "Which companies announced takeover bids?",
    "What was said about the Brazilian debt moratorium?",
    "How much wheat did the Soviet Union buy?",
    "What were the trade figures for Japan?",
    "Why did gold prices rise?",
    "What did the Bundesbank decide?",
]

# Runs `newsbot` and reports its own peak memory on exit. The parent's getrusage(RUSAGE_CHILDREN)
# cannot be used: Linux carries the forking process's high-water mark into the child across exec,
# so after an in-process ingest every child would "peak" at the benchmark's own size.
CLI_WITH_PEAK = """
import atexit, runpy, sys

def report_peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write(f"\\nPEAK_RSS_KB {line.split()[1]}\\n")

atexit.register(report_peak)
sys.argv = ["newsbot", *sys.argv[1:]]
runpy.run_module("bot", run_name="__main__")
"""


def _peak_kb(stderr: str) -> float | None:
    for line in reversed(stderr.splitlines()):
        if line.startswith("PEAK_RSS_KB "):
            return float(line.split()[1])
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--store", type=Path, default=REPO / ".newsbot" / "bench" / "reuters")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--rounds", type=int, default=20, help="passes over the question list")
    args = parser.parse_args()
    require_corpus()
    store = args.store.resolve()
    if args.rebuild:
        shutil.rmtree(store, ignore_errors=True)
    store.mkdir(parents=True, exist_ok=True)
    corpus = store.parent / "reuters.jsonl"
    records = write_jsonl(reuters_records(args.limit), corpus)

    engine = engine_for(store, args.model)
    began = time.perf_counter()
    report = engine.ingest_paths([corpus])
    ingest_seconds = time.perf_counter() - began
    ingest_rss = peak_rss_mb()
    print(f"ingest: {report}", flush=True)

    for question in QUESTIONS:  # warm-up: first use of each code path
        engine.answer(question)
    latencies: list[float] = []
    abstained = 0
    for _ in range(args.rounds):
        for question in QUESTIONS:
            start = time.perf_counter()
            answer = engine.answer(question)
            latencies.append((time.perf_counter() - start) * 1000)
            abstained += answer.abstained

    cold = []
    child_peaks_kb = []
    for question in QUESTIONS[:3]:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", CLI_WITH_PEAK, "ask", "--json", question, "--store", str(store)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env={**os.environ, "NEWSBOT_EMBEDDINGS": args.model},
            check=True,
        )
        cold.append(time.perf_counter() - start)
        json.loads(done.stdout)
        peak = _peak_kb(done.stderr)
        if peak is not None:
            child_peaks_kb.append(peak)
    child_rss = max(child_peaks_kb) / 1024 if child_peaks_kb else None

    save(
        f"reuters_scale_{args.model}",
        {
            "model": args.model,
            "records": records,
            "documents_in_store": len(engine.documents()),
            "chunks_in_store": engine.store.count(),
            "ingest": {
                "documents": report.documents,
                "new_or_changed": report.added,
                "chunks_written": report.chunks,
                "seconds": round(ingest_seconds, 1),
                "note": "0 new means the store was already built; use --rebuild to time ingest",
            },
            "warm_ask_ms": {
                "questions": len(latencies),
                "p50": round(percentile(latencies, 50), 1),
                "p95": round(percentile(latencies, 95), 1),
                "max": round(max(latencies), 1),
                "abstained": abstained,
            },
            "first_ask_fresh_process_s": [round(s, 2) for s in cold],
            "peak_rss_mb": {
                "ingest_and_ask": round(ingest_rss, 1),
                "cli_ask": round(child_rss, 1) if child_rss is not None else None,
            },
        },
    )


if __name__ == "__main__":
    main()
