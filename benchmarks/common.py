"""Shared plumbing for the benchmarks: corpus paths, corpus-to-JSONL conversion, engines, results."""

from __future__ import annotations

import json
import platform
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.wiring import build_engine
from retrieval.engine import Engine
from retrieval.index.embeddings import WordLlamaEmbedder, make_embedder
from retrieval.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
RESULTS = REPO / "benchmarks" / "results"


def require_corpus() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"benchmark needs ../shared/corpus beside the repository ({CORPUS} is missing)")


def bbc_records() -> Iterator[dict[str, str]]:
    """Each BBC article as a record: the headline (line 1) apart from the body."""
    for path in sorted((CORPUS / "bbc").glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        headline, _, body = text.strip().partition("\n")
        yield {
            "source": f"{path.parent.name}/{path.name}",
            "title": headline.strip(),
            "text": body.strip(),
        }


def reuters_records(limit: int | None = None) -> Iterator[dict[str, str]]:
    """Reuters records in newsbot's JSONL shape (``text`` rather than Reuters' ``body``)."""
    with (CORPUS / "reuters21578" / "reuters21578.jsonl").open(encoding="utf-8") as lines:
        for count, line in enumerate(lines):
            if limit is not None and count >= limit:
                return
            record = json.loads(line)
            body = (record.get("body") or "").strip()
            if not body:
                continue
            yield {
                "source": f"reuters-{record['id']}",
                "title": (record.get("title") or "").strip(),
                "date": record.get("date") or "",
                "text": body,
            }


def write_jsonl(records: Iterator[dict[str, str]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def engine_for(store: Path, model: str = "minilm", **overrides: object) -> Engine:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        newsbot_store=store,
        newsbot_embeddings=model,
        **overrides,
    )
    return build_engine(
        settings, embedder=make_embedder(model), sentence_embedder=WordLlamaEmbedder()
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def save(name: str, result: dict[str, Any]) -> Path:
    """Print the result and save it as benchmarks/results/NAME.json, with the machine it ran on."""
    result = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpu_count": _cpus(),
            "cpu": _cpu_model(),
        },
        **result,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return path


def _cpu_model() -> str:
    """Figures from two machines of the same kind differed twofold; the CPU model tells them apart."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))
