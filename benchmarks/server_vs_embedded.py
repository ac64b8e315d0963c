"""Warm ``ask`` through a ``chroma run`` server against the embedded store, in one run, on the
bundled documents: the same engine settings, questions interleaved, p50 and p95 and their ratio.

The server is started on 127.0.0.1 by this script and stopped at the end.
Usage: uv run python -m benchmarks.server_vs_embedded [--rounds 20]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.common import percentile, save
from bot.wiring import build_engine
from retrieval.index.embeddings import MiniLMEmbedder, WordLlamaEmbedder
from retrieval.settings import Settings

QUESTIONS = [
    "How many rail containers of weapons were shipped?",
    "Who called the Kim-Putin meeting a blood alliance?",
    "What does North Korea want from Russia in return?",
    "Where did Kim meet Putin?",
]


def _server(path: Path) -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    chroma = Path(sys.executable).with_name("chroma")
    command = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("chroma run did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        proc, port = _server(root / "server")
        try:
            minilm, wordllama = MiniLMEmbedder(), WordLlamaEmbedder()
            engines = {
                "embedded": Settings(_env_file=None, newsbot_store=root / "embedded"),  # type: ignore[call-arg]
                "server": Settings(  # type: ignore[call-arg]
                    _env_file=None,
                    newsbot_store=root / "server-side",
                    chroma_host="127.0.0.1",
                    chroma_port=port,
                ),
            }
            built = {
                name: build_engine(s, embedder=minilm, sentence_embedder=wordllama)
                for name, s in engines.items()
            }
            for engine in built.values():
                engine.ensure_documents()
                for question in QUESTIONS:
                    engine.answer(question)
            times: dict[str, list[float]] = {name: [] for name in built}
            for _ in range(args.rounds):
                for name, engine in built.items():
                    for question in QUESTIONS:
                        began = time.perf_counter()
                        engine.answer(question)
                        times[name].append((time.perf_counter() - began) * 1000)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    figures = {
        name: {"p50": round(percentile(t, 50), 1), "p95": round(percentile(t, 95), 1)}
        for name, t in times.items()
    }
    save(
        "server_vs_embedded",
        {
            "questions": len(times["server"]),
            **figures,
            "ratio_p50": round(figures["server"]["p50"] / figures["embedded"]["p50"], 2),
            "ratio_p95": round(figures["server"]["p95"] / figures["embedded"]["p95"], 2),
        },
    )


if __name__ == "__main__":
    main()
