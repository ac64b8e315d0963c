"""An answer in the making: iterate it for the growing drafts, then ask it for the final Answer.

Shaped like simonw/llm's ``Response``: the caller who wants to show progress iterates, the caller
who wants only the result calls :meth:`AnswerStream.answer`, and nobody tells drafts from the
result with ``isinstance``.
"""

from __future__ import annotations

from collections.abc import Iterator

from retrieval.models import Answer


class AnswerStream:
    """Drafts (the whole text so far, not deltas) from ``__iter__``; the result from ``answer()``.

    ``items`` yields draft strings and ends with exactly one :class:`Answer`. In extractive mode it
    yields the Answer only, so iterating shows no drafts at all.
    """

    def __init__(self, items: Iterator[str | Answer]) -> None:
        self._items = items
        self._final: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        for item in self._items:
            if isinstance(item, Answer):
                self._final = item
            else:
                yield item

    def answer(self) -> Answer:
        """The verified answer; drains drafts nobody read."""
        if self._final is None:
            for _ in self:
                pass
        if self._final is None:
            raise RuntimeError("the answer stream ended without an Answer")
        return self._final

    def close(self) -> None:
        """Stop producing (a reader gave up early); the generator's ``finally`` blocks run."""
        close = getattr(self._items, "close", None)
        if callable(close):
            close()

    @classmethod
    def of(cls, answer: Answer, drafts: tuple[str, ...] = ()) -> AnswerStream:
        """A stream that is already finished: a refusal, an abstention, or a test's answer."""
        return cls(iter((*drafts, answer)))
