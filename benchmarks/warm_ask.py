"""Warm question latency on an existing store: one engine, BBC headlines asked in turn.

Used to check that a change to the store or the search path does not slow answers down: run it
before and after on the same store (built by ``newsbot ingest``) and compare the percentiles.
Usage: uv run python -m benchmarks.warm_ask --store DIR [--questions N] [--rounds R]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks.behaviour_snapshot import headlines
from benchmarks.common import engine_for, percentile, require_corpus, save


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--name", default="warm_ask")
    args = parser.parse_args()
    require_corpus()
    engine = engine_for(args.store)
    engine.ensure_documents()
    questions = headlines()[: args.questions]
    for question in questions[:10]:  # first calls pay for lazy loading
        engine.answer(question)
    times: list[float] = []
    for _ in range(args.rounds):
        for question in questions:
            began = time.perf_counter()
            engine.answer(question)
            times.append((time.perf_counter() - began) * 1000)
    save(
        args.name,
        {
            "store": str(args.store),
            "questions": len(times),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1),
        },
    )


if __name__ == "__main__":
    main()
