"""A question asks Chroma for the collection's revision once, not once per search: through a
Chroma server each ask is a round trip."""

from __future__ import annotations

from typing import Any

from tests.conftest import SEEDS, EngineFactory


class CountingClient:
    """The real Chroma client, counting the ``get_collection`` calls made through it."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.get_collection_calls = 0

    def get_collection(self, *args: Any, **kwargs: Any) -> Any:
        self.get_collection_calls += 1
        return self._inner.get_collection(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_one_revision_check_per_question(make_engine: EngineFactory) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    client = CountingClient(engine.store._chroma._client)  # type: ignore[attr-defined]
    engine.store._chroma._client = client  # type: ignore[attr-defined]

    engine.searcher.retrieve("How many rail containers of weapons were shipped?")
    assert client.get_collection_calls == 3  # dense documents, BM25 chunks, BM25 documents

    client.get_collection_calls = 0
    answer = engine.answer("How many rail containers of weapons were shipped?")
    assert answer.citations
    assert client.get_collection_calls == 1


def test_one_revision_check_per_checked_text(make_engine: EngineFactory) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    client = CountingClient(engine.store._chroma._client)  # type: ignore[attr-defined]
    engine.store._chroma._client = client  # type: ignore[attr-defined]
    checked = engine.check(
        "Kim greeted Putin at Pyongyang International Airport. "
        "Putin reportedly wants artillery shells."
    )
    assert len(checked) == 2
    assert client.get_collection_calls == 1
