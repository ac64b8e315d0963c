"""The **Check claims** message command, called as Discord would, on the real engine over the seeds."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import MagicMock

import discord

from bot.discord.check._cog import MENU_NAME, CheckCog
from retrieval.engine import Engine
from retrieval.errors import StoreError
from tests.bot.fakes import FakeEngine, make_interaction, make_services


def _message(content: str) -> MagicMock:
    message = MagicMock(spec=discord.Message)
    message.content = content
    message.embeds = []
    message.jump_url = "https://discord.com/channels/7/8/9"
    return message


async def test_check_claims_replies_only_to_the_member_with_each_sentence(
    tmp_path: Path, seed_engine: Engine
) -> None:
    services = make_services(tmp_path, seed_engine)
    cog = CheckCog(MagicMock(), services)
    interaction = make_interaction(services)
    message = _message(
        "@everyone Kim greeted Putin at Pyongyang International Airport. "
        "Putin reportedly wants artillery shells."
    )
    await cog.menu.callback(interaction, message)

    interaction.response.defer.assert_awaited_once_with(thinking=True, ephemeral=True)
    (sent,) = interaction.followup.send.await_args_list
    assert sent.kwargs["ephemeral"] is True
    assert sent.kwargs["allowed_mentions"].everyone is False
    embed = sent.kwargs["embed"]
    names = [f.name for f in embed.fields]
    assert len(names) == 2
    assert names[0].startswith("📰 Reported") and "@everyone" not in names[0]
    assert names[1].startswith("⚠️ Unconfirmed")
    assert "backed by" in embed.fields[0].value
    assert "reportedly" in embed.fields[1].value


async def test_a_message_without_text_is_told_so_ephemerally(
    tmp_path: Path, seed_engine: Engine
) -> None:
    services = make_services(tmp_path, seed_engine)
    cog = CheckCog(MagicMock(), services)
    interaction = make_interaction(services)
    await cog.menu.callback(interaction, _message(""))
    (sent,) = interaction.response.send_message.await_args_list
    assert sent.kwargs["ephemeral"] is True
    shown = " ".join(e.description or "" for e in sent.kwargs["embeds"])
    assert "no text to check" in shown
    assert MENU_NAME == "Check claims"


async def test_a_store_that_is_down_is_told_to_the_member_not_raised(tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.fail_next = StoreError("The document store is not reachable; try again shortly.")
    services = make_services(tmp_path, engine)
    cog = CheckCog(MagicMock(), services)
    interaction = make_interaction(services)
    await cog.menu.callback(interaction, _message("Kim greeted Putin at the airport."))
    assert [c.method for c in engine.calls] == ["check"]
    (edit,) = interaction.edit_original_response.await_args_list  # replaces "thinking"
    shown = " ".join(e.description or "" for e in edit.kwargs["embeds"])
    assert "not reachable" in shown


async def test_check_claims_outside_the_allowed_channels_points_to_them(tmp_path: Path) -> None:
    engine = FakeEngine()
    services = make_services(tmp_path, engine, newsbot_allowed_channel_ids="100")
    cog = CheckCog(MagicMock(), services)
    interaction = make_interaction(services, channel_id=300)
    await cog.menu.callback(interaction, _message("Kim greeted Putin at the airport."))
    (sent,) = interaction.response.send_message.await_args_list
    assert sent.kwargs["ephemeral"] is True
    assert "only in <#100>" in sent.kwargs["embeds"][0].description
    assert engine.calls_to("check") == []
