"""Fixtures shared by every test: isolation from the developer's configuration, loaded models, and
engines built on temporary stores exactly as the entry point builds them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.wiring import build_engine
from retrieval.engine import Engine
from retrieval.index.embeddings import MiniLMEmbedder, WordLlamaEmbedder
from retrieval.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "documents"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
needs_shared = pytest.mark.skipif(
    not SHARED_CORPUS.is_dir(), reason="../shared/corpus is not beside this clone"
)

_PREFIXES = ("NEWSBOT_", "OPENAI_", "DISCORD_", "CHROMA_")


@pytest.fixture(autouse=True)
def _isolate_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's .env, keys or store (the simonw/llm pattern)."""
    for name in list(os.environ):
        if name.startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def wordllama() -> WordLlamaEmbedder:
    return WordLlamaEmbedder()


EngineFactory = Callable[..., Engine]


@pytest.fixture
def make_engine(
    tmp_path: Path, minilm: MiniLMEmbedder, wordllama: WordLlamaEmbedder
) -> EngineFactory:
    """Build a fresh engine on its own store; keyword arguments override settings."""

    def factory(**overrides: object) -> Engine:
        overrides.setdefault("newsbot_store", tmp_path / f"store{len(list(tmp_path.iterdir()))}")
        settings = Settings(_env_file=None, **overrides)  # type: ignore[call-arg]
        return build_engine(settings, embedder=minilm, sentence_embedder=wordllama)

    return factory


@pytest.fixture(scope="session")
def seed_engine(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder, wordllama: WordLlamaEmbedder
) -> Iterator[Engine]:
    """One engine over the bundled seeds, shared by read-only tests."""
    store = tmp_path_factory.mktemp("seed-store")
    settings = Settings(_env_file=None, newsbot_store=store)  # type: ignore[call-arg]
    engine = build_engine(settings, embedder=minilm, sentence_embedder=wordllama)
    engine.ensure_documents()
    yield engine
    shutil.rmtree(store, ignore_errors=True)
