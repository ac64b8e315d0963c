"""The Discord layer under load: event-loop lag while questions are in flight, answers per second
with 1, 8 and 32 in flight, and memory after start-up and after 1,000 questions.

The ask cog runs on the real engine with spec'd fake interactions (Discord's servers are the only
thing faked), exactly as ``/ask`` runs in the bot; a probe task measures how late a 10 ms sleep
wakes up. The store is the Reuters store when --store is given, else the bundled documents.
Usage: uv run python -m benchmarks.event_loop [--store DIR] [--questions 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
from pathlib import Path
from unittest.mock import MagicMock

from discord.ext import commands

from benchmarks.common import REPO, engine_for, percentile, save
from benchmarks.reuters_scale import QUESTIONS as REUTERS_QUESTIONS
from bot.discord.ask._cog import AskCog
from bot.discord.feedback import FeedbackStore
from bot.discord.services import BotServices
from retrieval.engine import Engine
from tests.bot.fakes import invoke, make_interaction, make_settings, make_user

SEED_QUESTIONS = [
    "What weapons did North Korea send to Russia?",
    "Who called the Kim-Putin meeting a blood alliance?",
    "What does North Korea want from Russia in return?",
    "How many rail containers of weapons were shipped?",
    "What did Blinken say about the meeting?",
]


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1.0


async def _probe(stop: asyncio.Event, lags: list[float]) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        began = loop.time()
        await asyncio.sleep(0.01)
        lags.append((loop.time() - began - 0.01) * 1000)


async def _wave(cog: AskCog, services: BotServices, questions: list[str], in_flight: int) -> dict:
    """Ask ``questions`` with at most ``in_flight`` at once; the lag and the rate meanwhile."""
    gate = asyncio.Semaphore(in_flight)
    lags: list[float] = []
    stop = asyncio.Event()
    # Made before the clock starts: building a spec'd mock takes tens of milliseconds, which would
    # count as lag of the bot's loop.
    interactions = [
        make_interaction(services, user=make_user(10_000 + i), interaction_id=900_000 + i)
        for i in range(len(questions))
    ]
    probe = asyncio.create_task(_probe(stop, lags))

    async def one(i: int, question: str) -> None:
        async with gate:
            await invoke(cog.ask, cog, interactions[i], question=question)

    began = time.perf_counter()
    await asyncio.gather(*(one(i, q) for i, q in enumerate(questions)))
    seconds = time.perf_counter() - began
    stop.set()
    await probe
    interactions.clear()
    # The spec'd mocks hold reference cycles: collected here, outside the clock, they would
    # otherwise count as the bot's memory (1,115 MB after 1,000 questions).
    gc.collect()
    return {
        "in_flight": in_flight,
        "questions": len(questions),
        "answers_per_s": round(len(questions) / seconds, 1),
        "loop_lag_ms": {
            "p50": round(percentile(lags, 50), 2),
            "p99": round(percentile(lags, 99), 2),
            "max": round(max(lags), 2),
        },
    }


async def _run(engine: Engine, questions: list[str], total: int, workdir: Path) -> dict:
    settings = make_settings(
        newsbot_feedback_db=workdir / "feedback.sqlite3", newsbot_cooldown_seconds=0
    )
    services = BotServices.create(settings, engine, FeedbackStore(settings.newsbot_feedback_db))
    services.draft_interval = 0.0
    cog = AskCog(MagicMock(spec=commands.Bot), services)
    batch = [questions[i % len(questions)] for i in range(50)]
    await _wave(cog, services, batch[:10], 10)  # first calls pay for lazy loading
    started = _rss_mb()
    waves = [await _wave(cog, services, batch, n) for n in (1, 8, 32, 50)]
    asked = 10 + 50 * len(waves)
    rest = [questions[i % len(questions)] for i in range(max(0, total - asked))]
    for begin in range(0, len(rest), 50):  # 50 mocks at a time: a mock costs more than a question
        await _wave(cog, services, rest[begin : begin + 50], 8)
    return {
        "max_in_flight_setting": settings.newsbot_max_in_flight,
        "waves": waves,
        "rss_mb": {
            "after_start": round(started, 1),
            f"after_{max(total, asked)}": round(_rss_mb(), 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--questions", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.store is None:
            engine = engine_for(Path(tmp) / "store")
            engine.ingest_paths([REPO / "documents"])
            questions, store = SEED_QUESTIONS, "bundled documents"
        else:
            engine = engine_for(args.store)
            questions, store = REUTERS_QUESTIONS, str(args.store)
        engine.ensure_documents()
        result = asyncio.run(_run(engine, questions, args.questions, Path(tmp)))
    save("event_loop", {"store": store, **result})


if __name__ == "__main__":
    main()
