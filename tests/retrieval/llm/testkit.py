"""Shared pieces for the LLM tests: passages cut from the bundled seeds, and a loopback server that
speaks the OpenAI chat-completions protocol (JSON and SSE) with scriptable faults."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from retrieval.models import Answer, Chunk, Passage, PassageKind

DOCUMENTS = Path(__file__).resolve().parents[3] / "documents"


def seed_passage(
    file_prefix: str, needle: str, *, kind: PassageKind = PassageKind.ARTICLE, score: float = 1.0
) -> Passage:
    """The paragraph (or line) of a bundled seed document that contains ``needle``, as a Passage."""
    path = next(DOCUMENTS.glob(f"{file_prefix}_*.txt"))
    text = path.read_text(encoding="utf-8")
    date = None
    if text.lstrip().startswith("date "):
        date = dt.date.fromisoformat(text.split()[1])
    start = text.index(needle)
    begin = max(text.rfind("\n", 0, start) + 1, 0)
    end = text.find("\n", start)
    end = len(text) if end == -1 else end
    body = text[begin:end].strip()
    if body.startswith("date "):
        body = body.split(" ", 2)[2]
    chunk_id = hashlib.sha256(f"{path.name}:{begin}".encode()).hexdigest()[:16]
    chunk = Chunk(
        chunk_id=chunk_id,
        doc_id=path.stem,
        source=path.name,
        title=f"Seed {file_prefix}",
        url=None,
        date=date,
        text=body,
        kind=kind,
        position=text.count("\n\n", 0, begin),
        start=begin,
        end=end,
    )
    return Passage(chunk=chunk, score=score)


def seed_passages() -> list[Passage]:
    """Five passages on distinct facts, best-first, from four seed documents."""
    return [
        seed_passage("000", "reported transfer of artillery", score=0.9),  # [1]
        seed_passage("001", "offer to assist North Korea in developing satellites", score=0.8),  # 2
        seed_passage("004", "rail cargo containers", score=0.7),  # [3]
        seed_passage("002", "seeking assistance in the form of weapons", score=0.6),  # [4]
        seed_passage("003", "Trump is probably so jealous", kind=PassageKind.COMMENT, score=0.5),
    ]


def extractive_stand_in(question: str) -> Answer:
    """What the tests pass as ``fallback``: recognisable, so a test can tell which path answered."""
    return Answer(question=question, text="EXTRACTIVE [1]", abstained=False, mode="extractive")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerScript:
    """How the fake server behaves: ``mode`` is ok | stall | partial (stalls mid-stream) | 429 |
    500 | endless (the reply, then filler for ever, whatever the cap: a server that ignores it);
    ``reply`` is what it streams back, after ``first_delay`` seconds (a CPU server reading the
    prompt) and ``interval`` seconds between chunks. ``sent`` counts the chunks written;
    ``disconnected`` is set when the client hung up mid-stream."""

    mode: str = "ok"
    reply: str = "Kim met Putin [1]."
    first_delay: float = 0.0
    interval: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    sent: int = 0
    disconnected: threading.Event = field(default_factory=threading.Event)


FILLER = (" The", " weather", " is", " nice", " today.")  # what an endless model goes on with


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        return

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        script = self.server.script
        script.requests.append(body)
        if script.mode == "stall":
            script.release.wait(timeout=30)  # past any client timeout; released at shutdown
            return
        if script.mode in ("429", "500"):
            status = int(script.mode)
            payload = json.dumps({"error": {"message": f"scripted {status}", "type": "test"}})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            if status == 429:
                self.send_header("Retry-After", "30")  # the answerer must not honour this
            self.end_headers()
            self.wfile.write(payload.encode())
            return
        if body.get("stream"):
            self._stream(body, script.reply, stall_after=3 if script.mode == "partial" else None)
        else:
            self._complete(body, script.reply)

    def _complete(self, body: dict[str, Any], reply: str) -> None:
        payload = json.dumps(
            {
                "id": "cmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "test"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, body: dict[str, Any], reply: str, *, stall_after: int | None) -> None:
        script = self.server.script
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.flush()
        time.sleep(script.first_delay)
        pieces: Iterator[dict[str, str] | None] = itertools.chain(
            [{"role": "assistant", "content": ""}],
            ({"content": word} for word in _words(reply)),
            ({"content": w} for _ in itertools.count() for w in FILLER)
            if script.mode == "endless"
            else [],
            [None],
        )
        try:
            for i, delta in enumerate(pieces):
                self._send_chunk(body, delta)
                script.sent += 1
                if stall_after is not None and i + 1 == stall_after:
                    script.release.wait(timeout=30)  # mid-answer, until shutdown
                    return
                if script.interval:
                    time.sleep(script.interval)
                elif i < 3:
                    time.sleep(0.01)
                if script.release.is_set():
                    return
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            script.disconnected.set()

    def _send_chunk(self, body: dict[str, Any], delta: dict[str, str] | None) -> None:
        chunk = {
            "id": "cmpl-test",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", "test"),
            "choices": [
                {
                    "index": 0,
                    "delta": delta or {},
                    "finish_reason": "stop" if delta is None else None,
                }
            ],
        }
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()


def _words(text: str) -> Iterator[str]:
    start = 0
    for i, char in enumerate(text):
        if char == " ":
            yield text[start : i + 1]
            start = i + 1
    if start < len(text):
        yield text[start:]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    script: ServerScript


class LoopbackOpenAI:
    """A chat-completions server on 127.0.0.1 in a thread; ``base_url`` ends in ``/v1``."""

    def __init__(self, script: ServerScript) -> None:
        self.script = script
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.script = script
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> LoopbackOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.script.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
