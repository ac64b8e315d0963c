"""The web app on 127.0.0.1 over real engines: source pages, /healthz, /metrics."""

from __future__ import annotations

import html
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.web.app import serving
from bot.web.metrics import MeteredEngines, Metrics
from bot.web.service import build_web_app
from bot.wiring import SERVER_REVISION_TTL, build_engines
from retrieval.communities import CommunityEngines
from retrieval.contract import answer_to_json
from retrieval.errors import QuestionError
from retrieval.index.embeddings import MiniLMEmbedder, WordLlamaEmbedder
from retrieval.settings import Settings
from tests.conftest import SEEDS, EngineFactory
from tests.retrieval.index.test_chroma_server import _free_port, _start_server, _stop
from tests.retrieval.web.site import LoopbackSite, Page

PUBLIC = "https://newsbot.example"
QUESTION = "What gifts were exchanged at the summit?"


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def _path(page: str | None) -> str:
    assert page is not None
    parts = urlsplit(page)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def test_every_citation_opens_its_passage_on_the_source_page(
    make_engine: EngineFactory,
) -> None:
    engine = make_engine(newsbot_public_url=PUBLIC + "/")
    engine.ingest_paths([SEEDS])
    answer = engine.answer(QUESTION)
    assert not answer.abstained and answer.citations
    for c in answer.citations:
        assert c.page == f"{PUBLIC}/sources/{c.doc_id}#c{c.chunk_id}"
        # The seeds have no address of their own: the JSON's url is the source page.
        assert c.url is None
    assert [j["url"] for j in answer_to_json(answer)["citations"]] == [
        c.page for c in answer.citations
    ]
    metrics = Metrics()
    app = build_web_app(_settings(), CommunityEngines(engine), metrics)
    async with serving(app.application(), "127.0.0.1", 0) as base, httpx.AsyncClient() as client:
        cited = answer.citations[0]
        response = await client.get(base + _path(cited.page))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "script-src 'sha256-" in response.headers["content-security-policy"]
        page = response.text
        assert f"id='c{cited.chunk_id}'" in page and f"c{cited.chunk_id}'>" in page
        assert html.escape(cited.quote[:60]) in page
        doc = engine.documents()[0]
        assert html.escape(doc.title) in page or html.escape(doc.source) in page


async def test_only_source_pages_health_and_metrics_are_served(make_engine: EngineFactory) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    known = engine.documents()[0].doc_id
    app = build_web_app(_settings(), CommunityEngines(engine), Metrics())
    async with serving(app.application(), "127.0.0.1", 0) as base, httpx.AsyncClient() as client:
        assert (await client.get(f"{base}/sources/{known}")).status_code == 200
        for path in (
            "/",
            "/sources/",
            "/sources",
            f"/sources/{'f' * 24}",  # the right shape, but no such document
            "/sources/..%2f..%2fetc%2fpasswd",
            "/sources/../../etc/passwd",
            f"/sources/{known}?server=../1",
            f"/sources/{known.upper()}",
            "/static/",
        ):
            response = await client.get(base + path)
            assert response.status_code == 404, path
            assert "root:" not in response.text
        assert (await client.post(f"{base}/sources/{known}")).status_code == 405


async def test_a_servers_own_documents_open_only_with_that_server(
    tmp_path: Path, minilm: MiniLMEmbedder, wordllama: WordLlamaEmbedder
) -> None:
    settings = _settings(newsbot_store=tmp_path / "store", newsbot_public_url=PUBLIC)
    engines = build_engines(settings, embedder=minilm, sentence_embedder=wordllama)
    engines.operator.ingest_paths([SEEDS])
    community = engines.for_community(42)
    community.ingest_bytes(
        "lighthouse.txt",
        b"Harbour news\n\nThe old lighthouse on the north pier was repainted red and white "
        b"by volunteers from the harbour society last weekend.",
    )
    answer = community.answer("Who repainted the lighthouse on the north pier?")
    assert not answer.abstained
    page = answer.citations[0].page
    assert page is not None and "?server=42#c" in page
    app = build_web_app(settings, engines, Metrics())
    async with serving(app.application(), "127.0.0.1", 0) as base, httpx.AsyncClient() as client:
        own = await client.get(base + _path(page))
        assert own.status_code == 200 and "lighthouse" in own.text
        # Without the server, or from another server, the upload is not there.
        doc_path = urlsplit(page).path
        assert (await client.get(base + doc_path)).status_code == 404
        assert (await client.get(f"{base}{doc_path}?server=7")).status_code == 404


async def test_metrics_count_questions_abstentions_errors_and_ingests(
    make_engine: EngineFactory,
) -> None:
    metrics = Metrics()
    engines = MeteredEngines(CommunityEngines(make_engine()), metrics)
    engine = engines.operator
    engine.ingest_paths([SEEDS])
    assert not engine.answer(QUESTION).abstained
    assert engine.answer("What is the boiling point of liquid nitrogen on Mars?").abstained
    stream = engine.stream(QUESTION)
    assert list(stream) == [] and not stream.answer().abstained  # extractive: no drafts
    with pytest.raises(QuestionError):
        engine.answer("   ")
    app = build_web_app(_settings(), engines, metrics)
    async with serving(app.application(), "127.0.0.1", 0) as base, httpx.AsyncClient() as client:
        response = await client.get(f"{base}/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }
    assert samples[("newsbot_questions_total", ())] == 3
    assert samples[("newsbot_abstentions_total", ())] == 1
    assert samples[("newsbot_answer_seconds_count", ())] == 3
    assert samples[("newsbot_errors_total", (("kind", "QuestionError"),))] == 1
    assert samples[("newsbot_ingests_total", (("source", "files"),))] == 1
    assert samples[("newsbot_ingested_documents_total", ())] == 5
    assert sum(v for (name, _), v in samples.items() if name == "newsbot_notes_total") >= 0


async def test_health_names_the_part_that_is_down(make_engine: EngineFactory) -> None:
    engine = make_engine()
    engine.ingest_paths([SEEDS])
    with LoopbackSite() as model:
        model.pages["/v1/models"] = Page(
            b'{"data": []}', headers={"Content-Type": "application/json"}
        )
        settings = _settings(openai_base_url=model.url("/v1"))
        connected = [True]
        app = build_web_app(
            settings, CommunityEngines(engine), Metrics(), discord_up=lambda: connected[0]
        )
        async with serving(app.application(), "127.0.0.1", 0) as base, httpx.AsyncClient() as c:
            up = await c.get(f"{base}/healthz")
            assert up.status_code == 200
            assert up.json() == {
                "status": "ok",
                "checks": {"store": {"ok": True}, "discord": {"ok": True}, "model": {"ok": True}},
            }
            model.pages["/v1/models"] = Page(b"overloaded", status=500)
            connected[0] = False
            down = await c.get(f"{base}/healthz")
            assert down.status_code == 503
            body = down.json()
            assert body["status"] == "down" and body["checks"]["store"] == {"ok": True}
            assert body["checks"]["discord"] == {"ok": False, "error": "not connected to Discord"}
            assert "500" in body["checks"]["model"]["error"]


@pytest.mark.slow
async def test_health_is_503_when_the_chroma_server_is_down(
    tmp_path: Path, make_engine: EngineFactory
) -> None:
    port = _free_port()
    server = _start_server(tmp_path / "server", port)
    try:
        engine = make_engine(chroma_host="127.0.0.1", chroma_port=port)
        engine.ingest_paths([SEEDS])
        app = build_web_app(_settings(), CommunityEngines(engine), Metrics())
        async with serving(app.application(), "127.0.0.1", 0) as base, httpx.AsyncClient() as c:
            assert (await c.get(f"{base}/healthz")).status_code == 200
            _stop(server)
            time.sleep(SERVER_REVISION_TTL + 0.1)
            down = await c.get(f"{base}/healthz", timeout=30)
            assert down.status_code == 503
            store = down.json()["checks"]["store"]
            assert not store["ok"] and "document store is unavailable" in store["error"]
    finally:
        if server.poll() is None:
            _stop(server)
