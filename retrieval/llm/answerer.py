"""Abstractive answers: retrieved passages in, a streamed draft out, then a verified ``Answer``."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterator, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from retrieval.answer.citations import answer_id
from retrieval.answer.followups import heuristic_rewrite, render_history
from retrieval.interfaces import Embedder
from retrieval.llm.context import TokenCounter, build_context, estimate_tokens
from retrieval.llm.generation import Budget, ModelUnavailable, invoke_text, stream_text
from retrieval.llm.guard import keeps_the_answer
from retrieval.llm.prompts import PromptLibrary
from retrieval.llm.support import SupportScorer
from retrieval.llm.verify import verify
from retrieval.models import Answer, Passage, Turn
from retrieval.stream import AnswerStream

__all__ = ["UNAVAILABLE_NOTICE", "AbstractiveAnswerer", "heuristic_rewrite"]

log = logging.getLogger(__name__)

UNAVAILABLE_NOTICE = (
    "The language model was unavailable, so this answer quotes the sources directly."
)
UNVERIFIED_NOTICE = (
    "The language model's answer could not be checked against the sources, so this answer "
    "quotes them directly."
)
OMITTED_NOTICE = (
    "The language model's answer left out what the sources state, so this answer quotes them "
    "directly."
)
ABSTAIN_TEXT = "The documents don't cover that."
_MAX_REWRITE_CHARS = 500


class AbstractiveAnswerer:
    """Writes an answer with the chat model and keeps only what the cited passages support.

    Never raises to its caller for model trouble: a failed, slow or rate-limited model yields the
    extractive ``fallback()`` answer with a notice saying so.
    """

    def __init__(
        self,
        chat: BaseChatModel,
        prompts: PromptLibrary,
        *,
        embedder: Embedder | None = None,
        context_tokens: int = 8192,
        max_answer_tokens: int = 400,
        budget: Budget | None = None,
        retries: int = 1,
        count_tokens: TokenCounter = estimate_tokens,
    ) -> None:
        self._chat = chat
        self._prompts = prompts
        self._scorer = SupportScorer(embedder=embedder)
        self._context_tokens = context_tokens
        self._max_answer_tokens = max_answer_tokens
        self._budget = budget or Budget()
        self._retries = retries
        self._count = count_tokens

    def passage_budget(self, question: str) -> int:
        """Tokens left for passages: the window less the answer's share and the prompt frame."""
        frame = self._prompts.answer.format_messages(question=question, passages="")
        overhead = sum(self._count(str(m.content)) + 4 for m in frame)
        window = self._context_tokens - self._max_answer_tokens
        readable = self._budget.prompt_tokens()  # what a slow server reads before the deadline
        return (window if readable is None else min(window, readable)) - overhead

    def render(
        self, question: str, passages: Sequence[Passage]
    ) -> tuple[list[BaseMessage], tuple[Passage, ...]]:
        """The chat messages for ``question`` and the passages that fitted, numbered from 1."""
        context = build_context(passages, self.passage_budget(question), count=self._count)
        if context.dropped:
            log.info("answer prompt: %d lower-ranked passage(s) left out", context.dropped)
        messages = self._prompts.answer.format_messages(
            question=question, passages=context.rendered
        )
        return messages, context.passages

    def stream(
        self, question: str, passages: Sequence[Passage], *, fallback: Callable[[], Answer]
    ) -> AnswerStream:
        """The growing draft (whole text so far), then the verified ``Answer`` (mode llm)."""
        return AnswerStream(self._produce(question, passages, fallback))

    def _produce(
        self, question: str, passages: Sequence[Passage], fallback: Callable[[], Answer]
    ) -> Iterator[str | Answer]:
        started = time.perf_counter()
        messages, kept = self.render(question, passages)
        if not kept:
            yield self._abstained(question, started, {})
            return
        draft = ""
        first_token: float | None = None
        try:
            for draft in stream_text(
                self._chat, messages, budget=self._budget, retries=self._retries
            ):
                if first_token is None:
                    first_token = time.perf_counter()
                yield draft
        except ModelUnavailable as error:
            log.warning("language model unavailable, answering extractively: %s", error)
            yield self._fallback(fallback, UNAVAILABLE_NOTICE, f"model unavailable: {error}")
            return
        except Exception as error:  # a bug in a model integration must not reach the member either
            log.exception("language model failed, answering extractively")
            yield self._fallback(fallback, UNAVAILABLE_NOTICE, f"model failed: {error}")
            return
        generated = time.perf_counter()
        checked = verify(draft, kept, self._scorer, question)
        done = time.perf_counter()
        timings = {
            "llm_first_token_ms": ((first_token or generated) - started) * 1000,
            "llm_generate_ms": (generated - started) * 1000,
            "verify_ms": (done - generated) * 1000,
        }
        if checked.abstained:
            yield self._abstained(question, started, timings)
            return
        if checked.unverified:
            log.warning(
                "no sentence of the model's reply is supported by its passages (%d dropped); "
                "answering extractively",
                checked.dropped,
            )
            yield self._fallback(
                fallback, UNVERIFIED_NOTICE, "no sentence of the model's reply was supported"
            )
            return
        offline = fallback()
        if not keeps_the_answer(checked.text, offline, question):
            log.warning(
                "the model's answer left out what the sources state; answering extractively"
            )
            yield self._fallback(
                lambda: offline,
                OMITTED_NOTICE,
                "the model's answer left out what the sources state",
            )
            return
        if checked.recited or checked.dropped or checked.removed_citations:
            log.info(
                "verification: %d re-cited, %d dropped, %d bad citation(s) removed",
                checked.recited,
                checked.dropped,
                checked.removed_citations,
            )
        yield Answer(
            question=question,
            text=checked.text,
            abstained=False,
            citations=checked.citations,
            sentences=checked.sentences,
            timings_ms=timings,
            mode="llm",
            answer_id=answer_id(question, checked.text),
        )

    def answer(
        self, question: str, passages: Sequence[Passage], *, fallback: Callable[[], Answer]
    ) -> Answer:
        """The final answer of ``stream`` without the drafts."""
        return self.stream(question, passages, fallback=fallback).answer()

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        """A standalone version of a follow-up by the model; the offline heuristic if that fails."""
        if not history:
            return question
        messages = self._prompts.rewrite.format_messages(
            question=question, history=render_history(history)
        )
        try:
            text = invoke_text(self._chat, messages, budget=self._budget, retries=self._retries)
        except Exception as error:
            log.warning("question rewrite by the model failed (%s); using the heuristic", error)
            return heuristic_rewrite(question, history)
        rewritten = text.strip().strip('"“”').splitlines()[0].strip() if text.strip() else ""
        if rewritten.lower().startswith("standalone question:"):
            rewritten = rewritten.split(":", 1)[1].strip()
        if not rewritten or len(rewritten) > max(_MAX_REWRITE_CHARS, 3 * len(question)):
            return heuristic_rewrite(question, history)
        return rewritten

    def _fallback(self, fallback: Callable[[], Answer], notice: str, reason: str) -> Answer:
        """The extractive answer, marked as standing in for the model (``ask --json`` says why)."""
        answer = fallback()
        return dataclasses.replace(
            answer,
            notices=(*answer.notices, notice),
            mode="llm_fallback",
            fallback_reason=reason,
        )

    def _abstained(self, question: str, started: float, timings: dict[str, float]) -> Answer:
        timings = {**timings, "llm_total_ms": (time.perf_counter() - started) * 1000}
        return Answer(
            question=question,
            text=ABSTAIN_TEXT,
            abstained=True,
            timings_ms=timings,
            mode="llm",
            answer_id=answer_id(question, ABSTAIN_TEXT),
        )
