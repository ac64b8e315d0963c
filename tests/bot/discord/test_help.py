"""``/help`` and ``/feedback`` in a bot with every cog loaded, and the ratings behind /feedback."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import discord

from bot.discord.client import NewsBot, add_cogs
from bot.discord.feedback import FeedbackStore
from tests.bot.fakes import (
    FakeEngine,
    document_info,
    invoke,
    make_interaction,
    make_services,
    pings_nobody,
    sample_answer,
    shown_text,
)
from tests.bot.test_cli import _clean_env, _installed


def _embed(interaction: object) -> discord.Embed:
    call = interaction.response.send_message.await_args  # type: ignore[attr-defined]
    assert call.kwargs["ephemeral"] is True
    embed = call.kwargs["embed"]
    assert isinstance(embed, discord.Embed)
    return embed


def _fields(embed: discord.Embed) -> dict[str, str]:
    return {f.name or "": f.value or "" for f in embed.fields}


async def test_help_lists_the_commands_the_notes_and_the_collection(tmp_path: Path) -> None:
    undated = dataclasses.replace(document_info("c.txt", "C"), date=None)
    engine = FakeEngine(
        documents=[document_info("a.txt", "A", 3), document_info("b.txt", "B", 19), undated]
    )
    services = make_services(tmp_path, engine, newsbot_public_url="https://news.example.org")
    bot = NewsBot(services, sync_commands=False)
    await add_cogs(bot, services)
    cog = bot.get_cog("HelpCog")
    interaction = make_interaction(services)
    await invoke(cog.help, cog, interaction)  # type: ignore[union-attr]
    embed = _embed(interaction)
    fields = _fields(embed)
    assert "/ask" in fields["Commands"] and "/help" in fields["Commands"]
    assert (
        "/sources feed add" in fields["For moderators"] and "/feedback" in fields["For moderators"]
    )
    assert "/summary topic" in fields["For moderators"] and "/ask" not in fields["For moderators"]
    notes = fields["What the notes under an answer mean"]
    assert (
        "**Unconfirmed:**" in notes and "**Disputed:**" in notes and "**Reader comment:**" in notes
    )
    assert fields["The collection"] == "3 documents, the newest from 19 November 2023."
    assert fields["Sources site"] == "<https://news.example.org>"
    assert pings_nobody(interaction.response.send_message.await_args.kwargs["allowed_mentions"])
    await bot.close()


def _rated_store(path: Path) -> FeedbackStore:
    store = FeedbackStore(path)
    good = sample_answer("Who met at the summit?", answer_id="a" * 16, text="Kim met Putin [1].")
    bad = sample_answer("Who won the cup?", answer_id="b" * 16, text="Russia [1].")
    elsewhere = sample_answer("Other server?", answer_id="c" * 16, text="Elsewhere [1].")
    store.remember_answer(good, good.answer_id, 7)
    store.remember_answer(bad, bad.answer_id, 7)
    store.remember_answer(elsewhere, elsewhere.answer_id, 8)
    store.record_vote(good.answer_id, 1, 1)
    store.record_vote(good.answer_id, 2, 1)
    store.record_vote(bad.answer_id, 1, -1)
    store.record_vote(bad.answer_id, 2, -1)
    store.record_vote(bad.answer_id, 3, 1)
    store.record_vote(elsewhere.answer_id, 1, -1)
    return store


def test_ratings_put_the_worst_first_and_keep_servers_apart(tmp_path: Path) -> None:
    store = _rated_store(tmp_path / "feedback.sqlite3")
    report = store.ratings(7)
    assert (report.answers, report.up, report.down) == (2, 3, 2)
    assert [(r.question, r.up, r.down) for r in report.worst] == [
        ("Who won the cup?", 1, 2),
        ("Who met at the summit?", 2, 0),
    ]
    assert [r.question for r in store.ratings().worst] == [
        "Who won the cup?",
        "Other server?",
        "Who met at the summit?",
    ]
    assert store.ratings(99).answers == 0


async def test_feedback_shows_a_moderator_their_servers_worst_answers(tmp_path: Path) -> None:
    services = make_services(tmp_path, FakeEngine())
    _rated_store(services.settings.newsbot_feedback_db)
    bot = NewsBot(services, sync_commands=False)
    await add_cogs(bot, services)
    cog = bot.get_cog("FeedbackCog")
    interaction = make_interaction(services, manage_messages=True)  # guild 7
    await invoke(cog.feedback, cog, interaction)  # type: ignore[union-attr]
    embed = _embed(interaction)
    assert embed.description and embed.description.startswith("👍 3 · 👎 2 over 2 rated answers")
    assert [f.name for f in embed.fields] == [
        "👍 1 👎 2 · Who won the cup?",
        "👍 2 👎 0 · Who met at the summit?",
    ]
    assert "Other server?" not in str(embed.to_dict())
    member = make_interaction(services, manage_messages=False)
    await invoke(cog.feedback, cog, member)  # type: ignore[union-attr]
    assert "moderator" in shown_text(member).lower() and "Who won" not in shown_text(member)
    await bot.close()


def test_the_operator_reads_feedback_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    env = {**_clean_env(), "NEWSBOT_FEEDBACK_DB": str(path)}

    def newsbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [_installed(), "feedback", *args],
            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
        )  # fmt: skip

    missing = newsbot()
    assert missing.returncode == 1 and "There is no feedback file" in missing.stderr
    _rated_store(path)
    done = newsbot("--json", "--server", "7", "--limit", "1")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["answers"], report["up"], report["down"]) == (2, 3, 2)
    assert report["worst"] == [
        {
            "answer_id": "b" * 16,
            "question": "Who won the cup?",
            "answer": "Russia [1].",
            "server": 7,
            "up": 1,
            "down": 2,
        }
    ]
    readable = newsbot()
    assert readable.returncode == 0 and "3 👍, 3 👎 over 3 rated answers" in readable.stdout
