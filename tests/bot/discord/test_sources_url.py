"""``/sources add url:`` through the cog, a real engine and a real site on 127.0.0.1."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.discord.test_moderation import make_attachment, sources_cog
from tests.bot.fakes import FakeEngine, invoke, make_interaction, make_services, shown_text
from tests.conftest import EngineFactory
from tests.retrieval.web.site import LoopbackSite, story_site


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with story_site() as running:
        yield running


async def test_a_moderator_adds_a_page_by_its_address(
    site: LoopbackSite,
    make_engine: EngineFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = make_engine(newsbot_fetch_allow="127.0.0.1")
    services = make_services(tmp_path, engine)
    cog = sources_cog(services)
    interaction = make_interaction(services, manage_messages=True)
    url = site.url("/story")

    with caplog.at_level(logging.INFO):
        await invoke(cog.add, cog, interaction, url=url)

    progress = [c.kwargs["content"] for c in interaction.edit_original_response.await_args_list]
    assert progress[0] == f"⏳ Fetching `{url}`…"
    assert progress[-1].startswith(f"✅ Added `{url}` (")
    assert [d.source for d in engine.documents()] == [url]
    assert any("/sources add url" in r.getMessage() for r in caplog.records)


async def test_a_page_inside_the_network_is_refused_with_the_reason(
    site: LoopbackSite, make_engine: EngineFactory, tmp_path: Path
) -> None:
    engine = make_engine()  # no allow-list: loopback is the bot's own network
    services = make_services(tmp_path, engine)
    cog = sources_cog(services)
    interaction = make_interaction(services, manage_messages=True)

    await invoke(cog.add, cog, interaction, url=site.url("/story"))

    assert "loopback address" in shown_text(interaction)
    assert site.requests == [] and engine.documents() == []


@pytest.mark.parametrize("both", [True, False])
async def test_add_takes_a_file_or_an_address(tmp_path: Path, both: bool) -> None:
    engine = FakeEngine()
    services = make_services(tmp_path, engine)
    cog = sources_cog(services)
    interaction = make_interaction(services, manage_messages=True)
    options = {"url": "https://news.example/a", "file": make_attachment("a.txt", b"x", None)}

    await invoke(cog.add, cog, interaction, **(options if both else {}))

    assert "one of the two" in shown_text(interaction)
    assert engine.calls == []
