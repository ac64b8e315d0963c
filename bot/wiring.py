"""The one place where newsbot's parts are built from settings and connected.

Everything else receives its collaborators through constructors, so this module is the whole answer to
"what runs in production?" and tests can assemble the same engine on a temporary store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from chromadb.api import ClientAPI

from retrieval.answer.extractive import ExtractiveAnswerer
from retrieval.answer.followups import heuristic_rewrite
from retrieval.calibration import calibration_for
from retrieval.claims import ClaimAssessor
from retrieval.claims.learned import SentenceClassifiers, SentenceJudge
from retrieval.communities import CommunityEngines, LayeredStore, community_collection
from retrieval.engine import Engine
from retrieval.factcheck import ClaimChecker
from retrieval.feeds.poller import FeedPoller
from retrieval.feeds.subscriptions import Subscriptions
from retrieval.index.chroma import make_client
from retrieval.index.embeddings import (
    BackgroundLoaded,
    MiniLMEmbedder,
    QueryVectors,
    WordLlamaEmbedder,
    make_embedder,
)
from retrieval.index.lexical import Analyzer
from retrieval.index.search import HybridSearcher
from retrieval.index.store import ChunkStore, Store
from retrieval.index.writer_lock import NoLock, WriterLock
from retrieval.ingest.pipeline import Ingestor
from retrieval.interfaces import Embedder, Engines, Rewriter, StreamingAnswerer
from retrieval.settings import Settings
from retrieval.summary.summariser import Summariser
from retrieval.web.addresses import AddressPolicy
from retrieval.web.fetch import Fetcher, FetchLimits
from retrieval.web.links import SourceLinks
from retrieval.web.pages import WebPages

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def build_embedder(settings: Settings) -> Embedder:
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return make_embedder(
        settings.newsbot_embeddings, api_key=key, base_url=settings.openai_base_url, background=True
    )


@dataclass(frozen=True)
class Parts:
    """What every engine of one process shares: the models, the Chroma client, the writer lock."""

    settings: Settings
    embedder: Embedder
    sentence_embedder: Embedder
    claim_vectors: Embedder
    assessor: ClaimAssessor
    client: ClientAPI
    lock: WriterLock | NoLock
    queries: QueryVectors
    chat: BaseChatModel | None
    llm: StreamingAnswerer | None
    rewriter: Rewriter


def build_parts(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    sentence_embedder: Embedder | None = None,
) -> Parts:
    """Load (on threads) the models and open the client; the embedder arguments let tests share
    loaded models across stores.

    Two embedding models on purpose: the store's model (MiniLM by default) for retrieval and for
    verifying model-written sentences, where precision matters, and a static model (WordLlama) for
    the many sentence comparisons per question or summary (ranking, corroboration), where it is
    ~100x cheaper and good enough.
    """
    # Both models load on threads while the store opens (a cold start's biggest overlap).
    embedder = embedder or build_embedder(settings)
    sentence_embedder = sentence_embedder or BackgroundLoaded(WordLlamaEmbedder)
    client = make_client(
        settings.newsbot_store, host=settings.chroma_host, port=settings.chroma_port
    )
    # The hedge and opinion classifiers were trained on MiniLM vectors: the store's model when
    # it is MiniLM, else a MiniLM of their own (loaded beside the others).
    claim_vectors = (
        embedder if embedder.name == MiniLMEmbedder.name else BackgroundLoaded(MiniLMEmbedder)
    )
    # Corroboration compares many sentence pairs per answer: the static model keeps notes within
    # the latency budget (Reuters store: 25-30 ms vs up to 136 ms with MiniLM, same notes on the
    # benchmark questions), at its own calibrated paraphrase threshold.
    assessor = ClaimAssessor(
        embedder=sentence_embedder,
        judge=SentenceJudge(claim_vectors, SentenceClassifiers.bundled()),
        support_cosine=calibration_for(sentence_embedder.name).paraphrase,
    )
    chat = None
    llm: StreamingAnswerer | None = None
    rewriter: Rewriter = heuristic_rewrite
    if settings.llm_configured:
        # Only then: the OpenAI client stack adds a noticeable share of a cold start.
        from retrieval.llm.chat import build_chat_model, reply_budget

        chat = build_chat_model(settings)
    if chat is not None:
        from retrieval.llm.answerer import AbstractiveAnswerer
        from retrieval.llm.prompts import PromptLibrary

        abstractive = AbstractiveAnswerer(
            chat,
            PromptLibrary(settings.newsbot_prompts),
            embedder=embedder,
            context_tokens=settings.newsbot_llm_context_tokens,
            max_answer_tokens=settings.newsbot_llm_max_answer_tokens,
            budget=reply_budget(settings),
            retries=settings.newsbot_llm_retries,
        )
        llm, rewriter = abstractive, abstractive.rewrite
    return Parts(
        settings=settings,
        embedder=embedder,
        sentence_embedder=sentence_embedder,
        claim_vectors=claim_vectors,
        assessor=assessor,
        client=client,
        # A Chroma server takes many writers; an embedded store one at a time.
        lock=NoLock() if settings.chroma_host else WriterLock(settings.newsbot_store),
        queries=QueryVectors(),
        chat=chat,
        llm=llm,
        rewriter=rewriter,
    )


SERVER_REVISION_TTL = 1.0  # seconds


def chunk_store(parts: Parts, collection: str) -> ChunkStore:
    return ChunkStore(
        parts.client,
        parts.embedder,
        collection=collection,
        sidecar_dir=parts.settings.newsbot_store / "lexical",
        lock=parts.lock,
        queries=parts.queries,
        # Through a server, the revision is asked at most once a second (another process's
        # change is still followed within 5 s); embedded, it costs nothing to ask every time.
        revision_ttl=SERVER_REVISION_TTL if parts.settings.chroma_host else 0.0,
    )


def engine_on(
    store: Store,
    parts: Parts,
    *,
    default_documents: Path | None,
    uploads_dir: Path,
    community: int | None = None,
) -> Engine:
    """An engine over ``store`` made of the shared parts."""
    settings = parts.settings
    public = settings.newsbot_public_url
    searcher = HybridSearcher(store, max_per_document=settings.newsbot_max_per_document)
    summariser = build_summariser(
        searcher,
        store,
        parts.sentence_embedder,
        settings=settings,
        assessor=parts.assessor,
        chat=parts.chat,
        repeat_checker=parts.embedder,
    )
    return Engine(
        store,
        searcher,
        ExtractiveAnswerer(parts.embedder, Analyzer(), store),
        Ingestor(
            store,
            chunk_size=settings.newsbot_chunk_size,
            chunk_overlap=settings.newsbot_chunk_overlap,
            max_file_bytes=settings.newsbot_max_ingest_bytes,
        ),
        notes=parts.assessor,
        llm=parts.llm,
        rewriter=parts.rewriter,
        summariser=summariser,
        checker=ClaimChecker(
            searcher,
            parts.assessor,
            embedder=parts.claim_vectors,
            paraphrase=calibration_for(parts.claim_vectors.name).paraphrase,
        ),
        web=WebPages(build_fetcher(settings)),
        links=SourceLinks(public, community) if public else None,
        default_documents=default_documents,
        uploads_dir=uploads_dir,
        top_k=settings.newsbot_top_k,
        max_question_chars=settings.newsbot_max_question_chars,
        max_upload_bytes=settings.newsbot_max_upload_bytes,
    )


def build_fetcher(settings: Settings) -> Fetcher:
    """The one way newsbot reaches the web (pages and feeds): public addresses, within bounds."""
    return Fetcher(
        AddressPolicy(settings.newsbot_fetch_allow.split(",")),
        FetchLimits(
            max_bytes=settings.newsbot_fetch_max_bytes, timeout=settings.newsbot_fetch_timeout
        ),
    )


def build_feed_poller(settings: Settings, engines: Engines) -> FeedPoller:
    """Feeds followed (the subscriptions file), polled into each community's collection."""
    return FeedPoller(
        build_fetcher(settings),
        Subscriptions(settings.newsbot_feeds_db),
        engines,
        max_items=settings.newsbot_feed_max_items,
    )


def build_engine(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    sentence_embedder: Embedder | None = None,
) -> Engine:
    """The operator's engine: ``NEWSBOT_COLLECTION``, what the command line reads and writes."""
    parts = build_parts(settings, embedder=embedder, sentence_embedder=sentence_embedder)
    return _operator(parts, chunk_store(parts, settings.newsbot_collection))


def _operator(parts: Parts, store: ChunkStore) -> Engine:
    settings = parts.settings
    uploads = settings.newsbot_store / "uploads"
    return engine_on(
        store, parts, default_documents=settings.newsbot_documents, uploads_dir=uploads
    )


def build_engines(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    sentence_embedder: Embedder | None = None,
) -> CommunityEngines:
    """The operator's engine, and (unless turned off) one per community, built on first use.

    A community's engine writes its own collection; with ``NEWSBOT_SHARED_COLLECTION`` it also
    reads the operator's, which it can never change.
    """
    parts = build_parts(settings, embedder=embedder, sentence_embedder=sentence_embedder)
    shared = chunk_store(parts, settings.newsbot_collection)
    operator = _operator(parts, shared)
    if not settings.newsbot_community_collections:
        return CommunityEngines(operator)

    def community(community_id: int) -> Engine:
        own = chunk_store(parts, community_collection(settings.newsbot_collection, community_id))
        store: Store = LayeredStore(own, shared) if settings.newsbot_shared_collection else own
        return engine_on(
            store,
            parts,
            default_documents=None,
            uploads_dir=settings.newsbot_store / "uploads" / f"server-{community_id}",
            community=community_id,
        )

    return CommunityEngines(operator, community)


def build_summariser(
    searcher: HybridSearcher,
    store: Store,
    embedder: Embedder,
    *,
    settings: Settings,
    assessor: ClaimAssessor | None,
    chat: BaseChatModel | None = None,
    repeat_checker: Embedder | None = None,
    today: Callable[[], dt.date] = dt.date.today,
) -> Summariser:
    """The summariser: map-reduce with ``chat`` when one is configured, extractive otherwise.

    ``embedder`` compares the short list of candidate sentences, so the fast sentence model is the
    right one (it need not be the store's model); ``repeat_checker`` (e.g. the store's MiniLM) re-checks only
    the final points for repeats, which costs one small batch.
    """
    llm = None
    if chat is not None:
        from retrieval.llm.chat import reply_budget
        from retrieval.llm.prompts import PromptLibrary
        from retrieval.summary.chat import LangChainSummaryLLM

        llm = LangChainSummaryLLM(
            chat,
            PromptLibrary(settings.newsbot_prompts),
            context_tokens=settings.newsbot_llm_context_tokens,
            max_answer_tokens=settings.newsbot_llm_max_answer_tokens,
            budget=reply_budget(settings),
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
        repeat_checker=repeat_checker,
    )
