"""Streaming from the chat model inside a wall-clock budget, with bounded retries.

The model runs in a worker thread and hands chunks over a queue, so the caller can stop waiting at
its deadline whatever the HTTP client is doing (a stalled socket, an SDK sleeping on Retry-After).
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage


class ModelUnavailable(RuntimeError):
    """The model did not produce a complete reply in time (or at all); the caller falls back."""


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
    try:
        for chunk in chat.stream(list(messages)):
            if cancel.is_set():
                return
            out.put(("chunk", chunk_text(chunk.content)))
        out.put(("done", None))
    except BaseException as error:  # handed to the caller's thread, which decides
        out.put(("error", error))


def stream_text(
    chat: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    timeout: float,
    retries: int,
    backoff: float = 0.2,
) -> Iterator[str]:
    """Yield the growing reply text; raise ``ModelUnavailable`` when the model fails.

    Budget: the first chunk must arrive within ``timeout`` of the call, retries included (a retry is
    started only while time is left), and once text flows, no gap between chunks may exceed
    ``timeout``. So a dead or stalled server costs at most about ``timeout``.
    """
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        out: queue.Queue = queue.Queue()
        cancel = threading.Event()
        worker = threading.Thread(
            target=_pump, args=(chat, messages, out, cancel), name="newsbot-llm", daemon=True
        )
        worker.start()
        text = ""
        received = False
        try:
            while True:
                wait = (deadline - time.monotonic()) if not received else timeout
                try:
                    kind, value = out.get(timeout=max(wait, 0.0))
                except queue.Empty:
                    raise ModelUnavailable(f"no reply within {timeout:g} s") from None
                if kind == "chunk":
                    received = True
                    if value:
                        text += value
                        yield text
                elif kind == "done":
                    if not text:
                        raise ModelUnavailable("the model returned an empty reply")
                    return
                else:
                    error = value
                    break
        finally:
            cancel.set()
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
    timeout: float,
    retries: int,
) -> str:
    """The whole reply as one string, under the same budget as ``stream_text``."""
    last = ""
    for text in stream_text(chat, messages, timeout=timeout, retries=retries):
        last = text
    return last
