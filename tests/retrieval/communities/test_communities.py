"""Two communities against one store: each its own collection, both reading the operator's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.wiring import build_engines
from retrieval.communities import CommunityEngines, community_collection
from retrieval.errors import DocumentError
from retrieval.index.embeddings import MiniLMEmbedder, WordLlamaEmbedder
from retrieval.settings import Settings

HARBOUR = (
    "Harbour authority memo\n\n"
    "The Lisbon harbour authority ordered the night ferries to stop on 3 March 2024. "
    "Engineer Tomas Reis said the pier would reopen after repairs costing 4 million euros."
)
ORCHARD = (
    "Orchard cooperative notice\n\n"
    "The Valdora orchard cooperative picked 900 tonnes of pears in September 2024. "
    "Its chair, Ines Moura, said the harvest was the largest in ten years."
)


def engines_on(
    store: Path, minilm: MiniLMEmbedder, wordllama: WordLlamaEmbedder, **overrides: object
) -> CommunityEngines:
    settings = Settings(_env_file=None, newsbot_store=store, **overrides)  # type: ignore[call-arg]
    engines = build_engines(settings, embedder=minilm, sentence_embedder=wordllama)
    engines.operator.ensure_documents()  # the bundled seeds: the operator's shared collection
    return engines


@pytest.fixture
def two_servers(
    tmp_path: Path, minilm: MiniLMEmbedder, wordllama: WordLlamaEmbedder
) -> CommunityEngines:
    engines = engines_on(tmp_path / "store", minilm, wordllama)
    engines.for_community(1).ingest_bytes("harbour.txt", HARBOUR.encode())
    engines.for_community(2).ingest_bytes("orchard.txt", ORCHARD.encode())
    return engines


def sources(engine: object) -> set[str]:
    return {d.source for d in engine.documents()}  # type: ignore[attr-defined]


def test_each_server_sees_its_own_uploads_and_the_shared_documents_only(
    two_servers: CommunityEngines,
) -> None:
    one, two, operator = (
        two_servers.for_community(1),
        two_servers.for_community(2),
        two_servers.operator,
    )
    seeds = sources(operator)
    assert len(seeds) == 5
    assert sources(one) == seeds | {"harbour.txt"}
    assert sources(two) == seeds | {"orchard.txt"}
    assert two_servers.for_community(1) is one  # built once, then kept

    asked = one.answer("When did the Lisbon night ferries stop?")
    assert not asked.abstained
    assert "3 March 2024" in asked.sentences[0].text
    assert {c.document for c in asked.citations} == {"harbour.txt"}

    elsewhere = two.answer("When did the Lisbon night ferries stop?")
    assert all(c.document != "harbour.txt" for c in elsewhere.citations)
    assert "harbour" not in elsewhere.text.lower()

    # The shared collection answers in both servers.
    for engine in (one, two):
        shared = engine.answer("How many rail containers of weapons were shipped?")
        assert shared.citations
        assert all(c.document in seeds for c in shared.citations)


def test_moderators_remove_only_their_own_servers_documents(
    two_servers: CommunityEngines,
) -> None:
    one, two = two_servers.for_community(1), two_servers.for_community(2)
    with pytest.raises(DocumentError, match="No document is called"):
        one.remove_document("orchard.txt")  # the other server's: not even visible here
    seed = two_servers.operator.documents()[0]
    with pytest.raises(DocumentError, match="only the bot's operator can remove it"):
        one.remove_document(seed.doc_id)
    assert seed.source in sources(one)

    removed = one.remove_document("harbour.txt")
    assert removed.source == "harbour.txt"
    assert "harbour.txt" not in sources(one)
    assert "orchard.txt" in sources(two)
    assert len(sources(two_servers.operator)) == 5  # the shared collection untouched


def test_each_server_writes_a_collection_of_its_own(two_servers: CommunityEngines) -> None:
    operator = two_servers.operator
    assert "harbour.txt" not in sources(operator)  # the command line's view: the operator's
    assert community_collection("newsbot", 1) == "newsbot-server-1"


def test_without_the_shared_collection_a_server_sees_only_its_own(
    tmp_path: Path, minilm: MiniLMEmbedder, wordllama: WordLlamaEmbedder
) -> None:
    engines = engines_on(tmp_path / "store", minilm, wordllama, newsbot_shared_collection=False)
    one = engines.for_community(1)
    assert one.documents() == []
    one.ingest_bytes("harbour.txt", HARBOUR.encode())
    assert sources(one) == {"harbour.txt"}
    assert one.answer("How many rail containers of weapons were shipped?").abstained


def test_one_collection_for_every_server_when_turned_off(
    tmp_path: Path, minilm: MiniLMEmbedder, wordllama: WordLlamaEmbedder
) -> None:
    engines = engines_on(tmp_path / "store", minilm, wordllama, newsbot_community_collections=False)
    assert engines.for_community(1) is engines.operator
    engines.for_community(1).ingest_bytes("harbour.txt", HARBOUR.encode())
    assert "harbour.txt" in sources(engines.for_community(2))
