"""HTML extraction of pages fetched over HTTP, as `newsbot ingest URL` does, against ground truth.

Usage: uv run python benchmarks/fetched_pages.py [CORPUS_DIR]
The 181 shared web pages are served from 127.0.0.1 (the fetcher's test allow-list) with their
bytes as saved; each is fetched through the guarded fetcher and extracted by the page loader.
Writes benchmarks/results/fetched_pages.json: mean token F1 (to compare with ingest_loading's
figure for the saved files), the pages whose fetched text differs from the saved file's, seconds.
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks.text_overlap import token_overlap
from retrieval.ingest.loaders import load_bytes
from retrieval.web.addresses import AddressPolicy
from retrieval.web.fetch import Fetcher
from retrieval.web.pages import WebPages

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / ".." / "shared" / "corpus"


def serve(pages: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.lstrip("/"))
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    folder = corpus / "web-pages"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        pid: gzip.decompress((folder / "html" / f"{pid}.html.gz").read_bytes()) for pid in truth
    }
    server = serve(pages)
    web = WebPages(Fetcher(AddressPolicy(["127.0.0.1"])))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    f1s: list[float] = []
    differs: list[str] = []
    started = time.perf_counter()
    for pid, expected in truth.items():
        fetched = web.document(f"{base}/{pid}")
        saved = load_bytes(f"{pid}.html", pages[pid], origin=pid)[0]
        f1s.append(token_overlap(fetched.text, expected["articleBody"]).f1)
        if fetched.text != saved.text or fetched.title != saved.title:
            differs.append(pid)
    seconds = time.perf_counter() - started
    server.shutdown()
    results: dict[str, Any] = {
        "pages": len(f1s),
        "mean_f1": round(statistics.mean(f1s), 4),
        "median_f1": round(statistics.median(f1s), 4),
        "pages_f1_below_0_5": sum(f < 0.5 for f in f1s),
        "text_differs_from_saved_file": differs,
        "seconds": round(seconds, 2),
        "ms_per_page": round(seconds / len(f1s) * 1000, 1),
    }
    print(json.dumps(results, indent=2))
    out = ROOT / "benchmarks" / "results" / "fetched_pages.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
