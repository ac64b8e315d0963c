"""Fairness limits: a per-member cooldown, and a cap on answers computed at once.

Answering is CPU-bound and runs in worker threads; without a cap, a burst of questions would starve
the event loop's heartbeats. Excess questions wait their turn (queued), they are never dropped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class Cooldowns:
    """A member may ask again ``seconds`` after their last accepted question."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._last: dict[int, float] = {}

    def retry_after(self, user_id: int) -> float:
        """Seconds the member must still wait (0 means go ahead; the use is then recorded)."""
        if self._seconds <= 0:
            return 0.0
        now = self._clock()
        last = self._last.get(user_id)
        if last is not None and now - last < self._seconds:
            return self._seconds - (now - last)
        self._last[user_id] = now
        if len(self._last) > 10_000:
            self._last = {u: t for u, t in self._last.items() if now - t < self._seconds}
        return 0.0


class InFlightLimiter:
    """At most ``limit`` answers in flight; the rest wait in arrival order."""

    def __init__(self, limit: int) -> None:
        self._semaphore = asyncio.Semaphore(max(1, limit))
        self.active = 0
        self.waiting = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        self.waiting += 1
        try:
            await self._semaphore.acquire()
        finally:
            self.waiting -= 1
        self.active += 1
        try:
            yield
        finally:
            self.active -= 1
            self._semaphore.release()
