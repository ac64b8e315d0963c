"""The claims module's optional ``DisputeJudge``, answered by the chat model with ``prompts/dispute.txt``.

The model's verdict is advice: the claims module trusts "disputed" only when both quotes occur verbatim
in passages of two documents, so a judge that invents a quote changes nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from retrieval.claims.disputes import DisputeVerdict
from retrieval.llm.context import inert
from retrieval.llm.generation import invoke_text
from retrieval.llm.prompts import PromptLibrary

log = logging.getLogger(__name__)

_VERDICT = re.compile(
    r"^\s*VERDICT\s*:\s*(NOT[_ ]DISPUTED|DISPUTED)\b", re.IGNORECASE | re.MULTILINE
)
_REASON = re.compile(r"^\s*REASON\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_QUOTE = re.compile(r"^\s*QUOTE\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def parse_verdict(reply: str) -> DisputeVerdict:
    """Read the judge's reply; anything unreadable counts as not disputed."""
    verdict = _VERDICT.search(reply)
    if verdict is None or verdict.group(1).upper().startswith("NOT"):
        return DisputeVerdict(disputed=False)
    reason = _REASON.search(reply)
    quotes = tuple(q.group(1).strip().strip("\"“”'") for q in _QUOTE.finditer(reply))
    return DisputeVerdict(
        disputed=True, reason=reason.group(1).strip() if reason else "", quotes=quotes
    )


class LLMDisputeJudge:
    """Asks the chat model whether passages contradict a claim (``DisputeJudge`` protocol)."""

    def __init__(
        self,
        chat: BaseChatModel,
        prompts: PromptLibrary,
        *,
        timeout: float = 20.0,
        retries: int = 1,
    ) -> None:
        self._chat = chat
        self._prompt = prompts.get("dispute")
        self._timeout = timeout
        self._retries = retries

    def render(self, claim: str, passages: Sequence[str]) -> list[BaseMessage]:
        """The judge's messages: the passages numbered and delimited, their tags made inert."""
        rendered = "\n\n".join(
            f'<passage n="{n}">\n{inert(text)}\n</passage>' for n, text in enumerate(passages, 1)
        )
        return self._prompt.format_messages(claim=claim, passages=rendered)

    def judge(self, claim: str, passages: Sequence[str]) -> DisputeVerdict:
        messages = self.render(claim, passages)
        try:
            reply = invoke_text(self._chat, messages, timeout=self._timeout, retries=self._retries)
        except Exception as error:  # optional advice: a failing judge means "no verdict"
            log.info("dispute judge unavailable: %s", error)
            return DisputeVerdict(disputed=False)
        return parse_verdict(reply)
