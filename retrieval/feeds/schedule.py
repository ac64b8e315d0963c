"""Polling on a schedule inside a long-running process (``newsbot run``): every interval, give
or take a tenth, so several bots polling the same sites do not knock at the same second."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable

from retrieval.errors import NewsbotError
from retrieval.feeds.poller import FeedPoller, PollResult

log = logging.getLogger(__name__)

JITTER = 0.1


async def poll_periodically(
    poller: FeedPoller,
    interval: float,
    *,
    on_result: Callable[[PollResult], None] | None = None,
    rng: random.Random | None = None,
) -> None:
    """Poll every feed, then sleep ``interval`` seconds +-10%, until cancelled. A poll that fails
    (the store is down) is logged and tried again at the next turn."""
    rng = rng or random.Random()
    wait = min(interval, 60.0)  # the first poll soon after start, then every interval
    while True:
        await asyncio.sleep(wait * rng.uniform(1 - JITTER, 1 + JITTER))
        wait = interval
        try:
            results = await asyncio.to_thread(poller.poll_all)
        except NewsbotError as exc:
            log.warning("feed poll failed: %s", exc)
            continue
        for result in results:
            log.info("feed %s: %s", result.feed.url, result.message)
            if on_result is not None:
                on_result(result)
