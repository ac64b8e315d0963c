"""The map and reduce calls of an LLM summary, made through a LangChain chat model.

Apart from ``retrieval.summary.llm_points`` (which parses and checks the points) so that a deployment
without a model never imports LangChain's chat stack.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel

from retrieval.llm.context import TokenCounter, build_context, estimate_tokens
from retrieval.llm.generation import Budget, invoke_text
from retrieval.llm.prompts import PromptLibrary
from retrieval.models import Passage
from retrieval.summary.llm_points import NO_POINTS, point_lines, renumber

log = logging.getLogger(__name__)


class LangChainSummaryLLM:
    """``SummaryLLM`` over a LangChain chat model and the prompts ``summary_map``/``summary_reduce``."""

    def __init__(
        self,
        chat: BaseChatModel,
        prompts: PromptLibrary,
        *,
        context_tokens: int = 8192,
        max_answer_tokens: int = 400,
        budget: Budget | None = None,
        retries: int = 1,
        max_batches: int = 4,
        count_tokens: TokenCounter = estimate_tokens,
    ) -> None:
        self._chat = chat
        self._map = prompts.get("summary_map")
        self._reduce = prompts.get("summary_reduce")
        self._context_tokens = context_tokens
        self._max_answer_tokens = max_answer_tokens
        self._budget = budget or Budget()
        self._retries = retries
        self._max_batches = max_batches
        self._count = count_tokens

    def map(self, topic: str, passages: Sequence[Passage]) -> list[str]:
        frame = self._map.format_messages(topic=topic, passages="")
        budget = self._context_tokens - self._max_answer_tokens
        readable = self._budget.prompt_tokens()  # what a slow server reads before the deadline
        budget = budget if readable is None else min(budget, readable)
        budget -= sum(self._count(str(m.content)) + 4 for m in frame)
        lines: list[str] = []
        offset = 0
        for _ in range(self._max_batches):
            if offset >= len(passages):
                break
            context = build_context(passages[offset:], budget, count=self._count)
            if not context.passages:
                break
            messages = self._map.format_messages(topic=topic, passages=context.rendered)
            reply = invoke_text(self._chat, messages, budget=self._budget, retries=self._retries)
            if reply.strip() != NO_POINTS:
                lines.extend(renumber(line, offset) for line in point_lines(reply))
            offset += len(context.passages)
        if offset < len(passages):
            log.info(
                "summary map: %d passage(s) beyond %d batches left out",
                len(passages) - offset,
                self._max_batches,
            )
        return lines

    def reduce(self, topic: str, points: Sequence[str]) -> str:
        messages = self._reduce.format_messages(
            topic=topic, points="\n".join(f"- {p}" for p in points)
        )
        return invoke_text(self._chat, messages, budget=self._budget, retries=self._retries)
