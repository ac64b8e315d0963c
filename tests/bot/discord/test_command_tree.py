"""Every cog loaded into a real bot: the command tree Discord would receive, and persistent buttons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.discord.ask.views import FeedbackButton, SourcesButton
from bot.discord.client import PERSISTENT_ITEMS, NewsBot, add_cogs, make_intents
from bot.discord.summary.views import PostSummaryButton
from tests.bot.fakes import (
    FakeEngine,
    invoke,
    make_interaction,
    make_services,
    sample_summary,
    shown_text,
)

MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value  # 8192


def options(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in payload.get("options", [])}


async def test_command_tree_names_options_and_permissions(tmp_path: Path) -> None:
    services = make_services(tmp_path, FakeEngine())
    bot = NewsBot(services, sync_commands=False)
    await add_cogs(bot, services)
    tree = {c.name: c.to_dict(bot.tree) for c in bot.tree.get_commands()}

    assert set(tree) == {"ask", "summary", "sources", "help", "feedback", "Check claims"}
    assert tree["help"]["default_member_permissions"] is None
    assert tree["feedback"]["default_member_permissions"] == MANAGE_MESSAGES
    assert tree["feedback"]["dm_permission"] is False
    menu = tree["Check claims"]
    assert menu["type"] == discord.AppCommandType.message.value
    assert menu["default_member_permissions"] is None  # anyone may check a message

    ask = tree["ask"]
    assert ask["default_member_permissions"] is None  # everyone may ask
    question = options(ask)["question"]
    assert question["type"] == discord.AppCommandOptionType.string.value
    assert question["required"] is True

    summary = tree["summary"]
    assert summary["default_member_permissions"] == MANAGE_MESSAGES
    assert summary["dm_permission"] is False  # guild only
    subs = options(summary)
    assert set(subs) == {"topic", "document", "latest"}
    assert set(options(subs["topic"])) == {"query", "since", "until"}
    assert options(subs["topic"])["query"]["required"] is True
    assert options(subs["document"])["name"]["autocomplete"] is True
    days = options(subs["latest"])["days"]
    assert (days["min_value"], days["max_value"], days["required"]) == (1, 365, False)

    sources = tree["sources"]
    assert sources["default_member_permissions"] == MANAGE_MESSAGES
    assert sources["dm_permission"] is False
    subs = options(sources)
    assert set(subs) == {"list", "add", "remove", "feed"}
    assert set(options(subs["feed"])) == {"add", "list", "remove"}
    assert options(options(subs["feed"])["remove"])["url"]["autocomplete"] is True
    attachment = options(subs["add"])["file"]
    assert attachment["type"] == discord.AppCommandOptionType.attachment.value
    assert options(subs["remove"])["name"]["autocomplete"] is True
    # Questions by mention reach the ask cog's listener (the bot itself runs no prefix commands).
    listeners = [getattr(f, "__self__", None) for f in bot.extra_events["on_message"]]
    assert any(type(owner).__name__ == "AskCog" for owner in listeners)
    await bot.close()


async def test_unhandled_command_errors_reach_the_member(tmp_path: Path) -> None:
    services = make_services(tmp_path, FakeEngine())
    bot = NewsBot(services, sync_commands=False)
    interaction = make_interaction(services, interaction_id=777)
    interaction.command = None

    await bot.tree.on_error(interaction, app_commands.AppCommandError("conversion failed"))

    kwargs = interaction.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True and "777" in kwargs["embed"].description
    await bot.close()


async def test_bot_pings_nobody_and_asks_message_content_only_when_told(tmp_path: Path) -> None:
    services = make_services(tmp_path, FakeEngine())
    bot = NewsBot(services, sync_commands=False)
    mentions = bot.allowed_mentions
    assert mentions is not None
    assert not (mentions.everyone or mentions.users or mentions.roles or mentions.replied_user)
    assert bot.intents.message_content is False
    assert make_intents(message_content=True).message_content is True
    await bot.close()


async def test_setup_hook_registers_persistent_buttons(tmp_path: Path) -> None:
    services = make_services(tmp_path, FakeEngine())
    bot = NewsBot(services, sync_commands=False)
    await bot.setup_hook()
    registered = set(bot._connection._view_store._dynamic_items.values())
    assert registered == set(PERSISTENT_ITEMS)
    # Each custom_id the bot sends is parsed back by the registered template.
    for item in [SourcesButton("abc123"), FeedbackButton("down", "abc123"), PostSummaryButton("f")]:
        custom_id = item.item.custom_id
        assert custom_id is not None and len(custom_id) <= 100
        assert type(item) in registered and item.template.fullmatch(custom_id)
    await bot.close()


async def test_a_failing_command_is_answered_once_by_its_cog_not_again_by_the_tree(
    tmp_path: Path,
) -> None:
    """discord.py calls the cog's handler and then the tree's: only one reply may go out."""
    engine = FakeEngine()
    engine.fail_next = RuntimeError("store exploded")
    engine.enqueue_summary(sample_summary())
    services = make_services(tmp_path, engine)
    bot = NewsBot(services, sync_commands=False)
    await add_cogs(bot, services)
    topic = bot.tree.get_command("summary").get_command("topic")  # type: ignore[union-attr]
    interaction = make_interaction(services, manage_messages=True)
    interaction.command = topic

    await invoke(topic, topic.binding, interaction, query="Russia")
    error = app_commands.CommandInvokeError(topic, RuntimeError("store exploded"))
    await bot.tree.on_error(interaction, error)

    replies = [c for c in interaction.mock_calls if "embeds" in c.kwargs or "embed" in c.kwargs]
    assert len(replies) == 1
    assert "something went wrong" in shown_text(interaction)
    await bot.close()
