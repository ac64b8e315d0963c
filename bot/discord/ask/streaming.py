"""Consuming an ``AnswerStream`` from the event loop, with throttled draft updates.

The engine's iterator is synchronous and CPU-bound, so it runs in a worker thread and hands items
over through a queue. Discord rate-limits edits, so drafts are shown at most once per
``interval``; the latest draft wins, and the final :class:`Answer` always goes through.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from retrieval.models import Answer
from retrieval.stream import AnswerStream

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Failed:
    error: BaseException


class _Finished:
    pass


async def collect_stream(
    produce: Callable[[], AnswerStream],
    on_draft: Callable[[str], Awaitable[None]],
    *,
    interval: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
) -> Answer:
    """Run ``produce()`` in a thread, show drafts via ``on_draft`` (throttled), return the Answer.

    A failing ``on_draft`` (an edit rejected by Discord, say) is logged; the answer goes on.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | Answer | _Failed | _Finished] = asyncio.Queue()
    stop = threading.Event()

    def pump() -> None:
        stream: AnswerStream | None = None
        try:
            stream = produce()
            for draft in stream:
                loop.call_soon_threadsafe(queue.put_nowait, draft)
                if stop.is_set():
                    break
            else:
                loop.call_soon_threadsafe(queue.put_nowait, stream.answer())
        except BaseException as exc:
            loop.call_soon_threadsafe(queue.put_nowait, _Failed(exc))
        finally:
            if stream is not None:
                stream.close()
            loop.call_soon_threadsafe(queue.put_nowait, _Finished())

    worker = asyncio.ensure_future(asyncio.to_thread(pump))
    last_shown = float("-inf")
    pending: str | None = None
    answer: Answer | None = None

    async def show(draft: str) -> None:
        nonlocal last_shown
        last_shown = clock()
        try:
            await on_draft(draft)
        except Exception:
            log.warning("could not show a draft", exc_info=True)

    try:
        while True:
            timeout = None if pending is None else max(0.0, last_shown + interval - clock())
            try:
                item = await asyncio.wait_for(queue.get(), timeout)
            except TimeoutError:
                if pending is not None:
                    draft, pending = pending, None
                    await show(draft)
                continue
            if isinstance(item, _Finished):
                break
            if isinstance(item, _Failed):
                raise item.error
            if isinstance(item, Answer):
                answer = item
                pending = None
                continue
            if clock() - last_shown >= interval:
                pending = None
                await show(item)
            else:
                pending = item
    finally:
        stop.set()
        await asyncio.shield(worker)
    if answer is None:
        raise RuntimeError("the engine's stream ended without an Answer")
    return answer
