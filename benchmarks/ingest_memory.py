"""Peak memory of `newsbot ingest` on one large text file, by file size (issue: ingest bounds).

Usage: uv run python benchmarks/ingest_memory.py [MB ...]   (default: 1 4 16)
Each size is a fresh store and a fresh process (the installed `newsbot`, MiniLM), measured by
/usr/bin/time's maximum resident set size; then one `newsbot ask` on the finished store, which is
what any process holding that store open costs. Writes benchmarks/results/ingest_memory.json.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, bbc_records, require_corpus, save

QUESTION = "Who won the Australian Open?"


def big_text(megabytes: float) -> str:
    """BBC article bodies, concatenated until the size is reached (one long document)."""
    parts: list[str] = ["A long archive of BBC news\n"]
    size, target = 0, int(megabytes * 1_000_000)
    while size < target:
        for record in bbc_records():
            parts.append(record["text"])
            size += len(record["text"]) + 2
            if size >= target:
                break
    return "\n\n".join(parts)


def measure(megabytes: float, workdir: Path) -> dict[str, Any]:
    path = workdir / f"archive-{megabytes:g}mb.txt"
    path.write_text(big_text(megabytes), encoding="utf-8")
    store = workdir / f"store-{megabytes:g}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "CHROMA_"))}
    env["NEWSBOT_MAX_INGEST_BYTES"] = str(path.stat().st_size + 1)
    newsbot = shutil.which("newsbot") or str(REPO / ".venv" / "bin" / "newsbot")
    began = time.perf_counter()
    done = subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "maxrss_kb=%M",
            newsbot,
            "ingest",
            str(path),
            "--store",
            str(store),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=workdir,
    )
    seconds = time.perf_counter() - began
    found = re.search(r"maxrss_kb=(\d+)", done.stderr)
    chunks = re.search(r"(\d+) chunks", done.stderr)
    # What the finished store costs any process that opens it: ingest beyond this is the ingest's.
    asked = subprocess.run(
        ["/usr/bin/time", "-f", "maxrss_kb=%M", newsbot, "ask", QUESTION, "--store", str(store)],
        capture_output=True,
        text=True,
        env=env,
        cwd=workdir,
    )
    ask_rss = re.search(r"maxrss_kb=(\d+)", asked.stderr)
    return {
        "megabytes": megabytes,
        "bytes": path.stat().st_size,
        "exit": done.returncode,
        "chunks": int(chunks.group(1)) if chunks else None,
        "peak_rss_mb": round(int(found.group(1)) / 1024, 1) if found else None,
        "seconds": round(seconds, 1),
        "ask_peak_rss_mb": round(int(ask_rss.group(1)) / 1024, 1) if ask_rss else None,
    }


def main() -> None:
    require_corpus()
    sizes = [float(a) for a in sys.argv[1:]] or [1.0, 4.0, 16.0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="newsbot-ingest-memory-") as tmp:
        for megabytes in sizes:
            row = measure(megabytes, Path(tmp))
            rows.append(row)
            print(row, flush=True)
    path = save("ingest_memory", {"runs": rows})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
