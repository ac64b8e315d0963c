"""Streaming from the chat model inside a wall-clock budget, with bounded retries.

The model runs in a worker thread and hands chunks over a queue, so the caller can stop waiting at
its deadline whatever the HTTP client is doing (a stalled socket, an SDK sleeping on Retry-After).
A reply the caller stops reading (deadline, cap) has its stream closed by the worker at the next
chunk, which closes the HTTP response: a local server stops generating for nobody (one kept
streaming for minutes after newsbot gave up, stalling the next questions).
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

log = logging.getLogger(__name__)


class ModelUnavailable(RuntimeError):
    """The model did not produce a complete reply in time (or at all); the caller falls back."""


@dataclass(frozen=True)
class Budget:
    """How long a reply may take, in seconds, and how much of it is read.

    A CPU server reads a 2,600-token prompt in 12-20 s before its first token, so the first chunk
    gets its own, longer deadline; ``total`` bounds a model that never stops (one streamed 382 s
    of gibberish). ``max_chunks`` stops reading a server that ignores the token cap.
    """

    first_token: float = 60.0
    between: float = 20.0
    total: float = 120.0
    max_chunks: int | None = None
    # Prompt tokens the server reads per second (0: unknown, the prompt is not trimmed for time).
    prompt_rate: float = 0.0

    def prompt_tokens(self) -> int | None:
        """The longest prompt the server can read before the first-token deadline (with a
        fifth to spare), or None when its speed is not known."""
        return int(self.prompt_rate * self.first_token * 0.8) if self.prompt_rate else None


def _is_transient(error: BaseException) -> bool:
    """Errors worth another try: timeouts, refused connections, rate limits and server errors."""
    # Only look the classes up if their library is loaded: an error cannot come from a library
    # nobody imported, and importing openai just to check costs seconds.
    openai = sys.modules.get("openai")
    httpx = sys.modules.get("httpx")
    if openai is not None and isinstance(error, openai.APIStatusError):
        return bool(error.status_code == 429 or error.status_code >= 500)
    transient: tuple[type[BaseException], ...] = (TimeoutError, ConnectionError)
    if openai is not None:
        transient += (openai.APITimeoutError, openai.APIConnectionError)
    if httpx is not None:
        transient += (httpx.TimeoutException, httpx.TransportError)
    return isinstance(error, transient)


def chunk_text(content: Any) -> str:
    """Text of a message chunk whose content may be a string or a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in content
            if isinstance(part, str) or (isinstance(part, dict) and part.get("type") == "text")
        )
    return ""


def _pump(
    chat: BaseChatModel, messages: Sequence[BaseMessage], out: queue.Queue, cancel: threading.Event
) -> None:
    stream = chat.stream(list(messages))
    try:
        for chunk in stream:
            if cancel.is_set():
                return
            out.put(("chunk", chunk_text(chunk.content)))
        out.put(("done", None))
    except BaseException as error:  # handed to the caller's thread, which decides
        out.put(("error", error))
    finally:
        close = getattr(stream, "close", None)  # a generator: closing it closes the HTTP response,
        if close is not None:  # and the server sees its client go
            close()


def stream_text(
    chat: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    budget: Budget,
    retries: int,
    backoff: float = 0.2,
) -> Iterator[str]:
    """Yield the growing reply text; raise ``ModelUnavailable`` when the model fails.

    The first chunk must arrive within ``budget.first_token`` of the call, retries included (a
    retry is started only while time is left); once text flows, no gap may exceed
    ``budget.between``. At ``budget.total`` or ``budget.max_chunks`` reading stops and the reply so
    far is the reply: its last, cut sentence is the verifier's to drop.
    """
    started = time.monotonic()
    deadline = started + budget.first_token
    attempt = 0
    while True:
        out: queue.Queue = queue.Queue()
        cancel = threading.Event()
        worker = threading.Thread(
            target=_pump, args=(chat, messages, out, cancel), name="newsbot-llm", daemon=True
        )
        worker.start()
        text = ""
        chunks = 0
        received = False
        try:
            while True:
                now = time.monotonic()
                if received and now - started >= budget.total:
                    log.info("reply cut at the %g s budget (%d chunks)", budget.total, chunks)
                    return
                wait = (deadline - now) if not received else budget.between
                wait = min(wait, started + budget.total - now)
                try:
                    kind, value = out.get(timeout=max(wait, 0.0))
                except queue.Empty:
                    if received and time.monotonic() - started >= budget.total:
                        continue  # the budget, not a stall: keep what came
                    limit = budget.between if received else budget.first_token
                    raise ModelUnavailable(f"no reply within {limit:g} s") from None
                if kind == "chunk":
                    received = True
                    chunks += 1
                    if value:
                        text += value
                        yield text
                    if budget.max_chunks is not None and chunks >= budget.max_chunks:
                        log.info("reply cut at %d chunks: the server ignored the cap", chunks)
                        return
                elif kind == "done":
                    if not text:
                        raise ModelUnavailable("the model returned an empty reply")
                    return
                else:
                    error = value
                    break
        finally:
            cancel.set()
            if text:
                log.debug("model reply (%d chunks): %r", chunks, text)
        attempt += 1
        pause = backoff * attempt
        if received or attempt > retries or not _is_transient(error):
            raise ModelUnavailable(f"{type(error).__name__}: {error}") from error
        if time.monotonic() + pause >= deadline:
            raise ModelUnavailable(f"{type(error).__name__}, no time left to retry") from error
        time.sleep(pause)


def invoke_text(
    chat: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    budget: Budget,
    retries: int,
) -> str:
    """The whole reply as one string, under the same budget as ``stream_text``."""
    last = ""
    for text in stream_text(chat, messages, budget=budget, retries=retries):
        last = text
    return last
