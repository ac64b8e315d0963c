from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest

from bot.discord.ask.streaming import collect_stream
from retrieval.stream import AnswerStream
from tests.bot.fakes import sample_answer


async def test_drafts_are_throttled_and_the_answer_always_arrives() -> None:
    answer = sample_answer()
    shown: list[tuple[float, str]] = []

    def produce() -> Iterator[object]:
        for i in range(12):
            time.sleep(0.05)
            yield f"draft {i}"
        yield answer

    async def on_draft(text: str) -> None:
        shown.append((time.monotonic(), text))

    result = await collect_stream(lambda: AnswerStream(produce()), on_draft, interval=0.2)  # type: ignore[arg-type]

    assert result is answer
    assert 2 <= len(shown) < 12  # not one edit per draft
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(shown)]
    assert all(gap >= 0.19 for gap in gaps)
    texts = [t for _, t in shown]
    assert texts == sorted(texts, key=lambda t: int(t.split()[1]))  # in order, latest wins


async def test_a_pending_draft_is_flushed_when_the_stream_stalls() -> None:
    answer = sample_answer()
    shown: list[str] = []

    def produce() -> Iterator[object]:
        yield "first"
        yield "second"  # arrives within the interval: held back...
        time.sleep(0.4)  # ...and shown once the interval has passed, before the answer
        yield answer

    async def on_draft(text: str) -> None:
        shown.append(text)

    assert await collect_stream(lambda: AnswerStream(produce()), on_draft, interval=0.1) is answer  # type: ignore[arg-type]
    assert shown == ["first", "second"]


async def test_extractive_stream_yields_only_the_answer() -> None:
    answer = sample_answer()
    shown: list[str] = []

    async def on_draft(text: str) -> None:
        shown.append(text)

    assert await collect_stream(lambda: AnswerStream(iter([answer])), on_draft) is answer
    assert shown == []


async def test_engine_errors_propagate_and_failed_edits_do_not() -> None:
    def broken() -> Iterator[object]:
        yield "draft"
        raise RuntimeError("model crashed")

    async def failing_edit(text: str) -> None:
        raise OSError("discord said no")

    with pytest.raises(RuntimeError, match="model crashed"):
        await collect_stream(lambda: AnswerStream(broken()), failing_edit)  # type: ignore[arg-type]

    answer = sample_answer()
    result = await collect_stream(lambda: AnswerStream(iter(["d", answer])), failing_edit)
    assert result is answer


async def test_stream_without_an_answer_is_an_error() -> None:
    async def on_draft(text: str) -> None:
        pass

    with pytest.raises(RuntimeError, match="without an Answer"):
        await collect_stream(lambda: AnswerStream(iter(["only a draft"])), on_draft)
