"""``/ask`` and ``/summary`` over the real engine on the bundled seeds (only Discord is mocked)."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import MagicMock

import pytest
from discord.ext import commands

from bot.discord.ask import render
from bot.discord.ask._cog import AskCog
from bot.discord.summary._cog import SummaryCog
from retrieval.engine import Engine
from retrieval.models import PassageKind, SummaryKind, SummaryRequest
from tests.bot.fakes import invoke, make_interaction, make_services, pings_nobody

pytestmark = pytest.mark.slow


async def test_ask_over_the_seeds_answers_with_linked_sources(
    tmp_path: Path, seed_engine: Engine
) -> None:
    services = make_services(tmp_path, seed_engine)
    cog = AskCog(MagicMock(spec=commands.Bot), services)
    interaction = make_interaction(services)

    await invoke(cog.ask, cog, interaction, question="What weapons did North Korea send to Russia?")

    assert interaction.mock_calls[0][0] == "response.defer"
    final = interaction.edit_original_response.await_args.kwargs
    assert pings_nobody(final["allowed_mentions"])
    embeds = final["embeds"]
    assert embeds[-1].footer.text.startswith(render.DONE_FOOTER)
    assert "[1]" in (embeds[0].description or "")
    sources = "\n".join(f.value or "" for e in embeds for f in e.fields if f.name == "Sources")
    assert sources.startswith("[1]")
    ids = [item.custom_id for item in final["view"].children]
    assert ids[0].startswith("newsbot:sources:")
    answer_id = ids[0].removeprefix("newsbot:sources:")
    stored = services.store.answer(answer_id)
    assert stored is not None and stored.citations
    # Every citation is listed once, on its document's line.
    for c in stored.citations:
        assert sources.count(f"[{c.n}]") == 1
    listed = {(c.document, c.kind is PassageKind.COMMENT) for c in stored.citations}
    assert len(sources.splitlines()) == len(listed)


async def test_abstains_politely_on_an_unrelated_question(
    tmp_path: Path, seed_engine: Engine
) -> None:
    services = make_services(tmp_path, seed_engine)
    cog = AskCog(MagicMock(spec=commands.Bot), services)
    interaction = make_interaction(services)

    await invoke(cog.ask, cog, interaction, question="Who won the 1966 football World Cup final?")

    embed = interaction.edit_original_response.await_args.kwargs["embeds"][0]
    assert embed.description == render.ABSTAIN_TEXT


async def test_summary_over_the_seeds_previews_with_a_post_button(
    tmp_path: Path, seed_engine: Engine
) -> None:
    request = SummaryRequest(kind=SummaryKind.TOPIC, query="North Korea Russia alliance")
    try:
        seed_engine.summarise(request)
    except RuntimeError as exc:  # the engine's summaries land in a later change
        pytest.skip(f"engine cannot summarise yet: {exc}")
    services = make_services(tmp_path, seed_engine)
    cog = SummaryCog(MagicMock(spec=commands.Bot), services)
    interaction = make_interaction(services, manage_messages=True)

    await invoke(cog.topic, cog, interaction, query=request.query)

    final = interaction.edit_original_response.await_args.kwargs
    assert final["embeds"][0].title
    fields = [f for e in final["embeds"] for f in e.fields]
    assert any(f.name == "Sources" and (f.value or "").startswith("[1] ") for f in fields)
    assert final["view"].children[0].custom_id.startswith("newsbot:post:")
