"""Building the production summariser from settings, so the wiring needs one call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from retrieval.interfaces import Embedder, Searcher
from retrieval.models import Chunk, DocumentInfo, SearchFilters
from retrieval.settings import Settings
from retrieval.summary.caveats import SentenceAssessor
from retrieval.summary.summariser import Summariser

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


class Catalogue(Protocol):
    """A store that can list its documents and read chunks back (``ChunkStore`` is one)."""

    def chunks(self, filters: SearchFilters | None = None) -> list[Chunk]: ...

    def documents(self) -> list[DocumentInfo]: ...


def make_summariser(
    searcher: Searcher,
    store: Catalogue,
    embedder: Embedder,
    *,
    settings: Settings,
    assessor: SentenceAssessor | None,
    chat: BaseChatModel | None = None,
    judge: Embedder | None = None,
    today: Callable[[], dt.date] = dt.date.today,
) -> Summariser:
    """The summariser the entry point uses: map-reduce with ``chat`` when one is configured.

    ``embedder`` compares the short list of candidate sentences, so the fast sentence model is the
    right one (it need not be the store's model); ``judge`` (e.g. the store's MiniLM) re-checks only
    the final points for repeats, which costs one small batch.
    """
    llm = None
    if chat is not None:
        from retrieval.llm.prompts import PromptLibrary
        from retrieval.summary.chat import LangChainSummaryLLM

        llm = LangChainSummaryLLM(
            chat,
            PromptLibrary(settings.newsbot_prompts),
            context_tokens=settings.newsbot_llm_context_tokens,
            max_answer_tokens=settings.newsbot_llm_max_answer_tokens,
            timeout=settings.newsbot_llm_timeout,
            retries=settings.newsbot_llm_retries,
        )
    return Summariser(
        searcher,
        store,
        embedder,
        assessor=assessor,
        llm=llm,
        documents=store.documents,
        today=today,
        judge=judge,
    )
