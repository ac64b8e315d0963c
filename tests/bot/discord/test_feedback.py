"""Votes and answers survive a restart; buttons re-created from their custom_id still work."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from unittest.mock import MagicMock

import pytest

from bot.discord.ask.views import FeedbackButton, SourcesButton, answer_view
from bot.discord.feedback import FeedbackStore
from tests.bot.fakes import (
    FakeEngine,
    make_interaction,
    make_services,
    make_user,
    pings_nobody,
    sample_answer,
)


def test_votes_persist_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    ticks = iter(range(100))

    def clock() -> dt.datetime:  # one second per call: the order of votes is unambiguous
        return dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=next(ticks))

    first = FeedbackStore(path, clock=clock)
    answer = sample_answer("Who sent artillery?")
    first.remember_answer(answer, answer.answer_id)
    first.record_vote(answer.answer_id, 42, 1)
    first.record_vote(answer.answer_id, 43, -1)
    first.record_vote(answer.answer_id, 42, -1)  # changing one's mind replaces the vote
    del first

    again = FeedbackStore(path)
    votes = again.votes(answer.answer_id)
    assert [(v.user_id, v.vote, v.question) for v in votes] == [
        (43, -1, "Who sent artillery?"),
        (42, -1, "Who sent artillery?"),
    ]
    assert all(v.voted_at.tzinfo == dt.UTC for v in votes)
    stored = again.answer(answer.answer_id)
    assert stored is not None
    assert stored.citations == answer.citations  # dates, kinds and urls round-trip


def test_invalid_vote_is_rejected(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with pytest.raises(ValueError):
        store.record_vote("x", 1, 0)


async def test_buttons_rebuilt_from_custom_ids_after_restart_record_votes(
    tmp_path: Path,
) -> None:
    before = make_services(tmp_path, FakeEngine())
    answer = sample_answer("Did Kim meet Putin?")
    before.store.remember_answer(answer, answer.answer_id)
    view = answer_view(answer.answer_id, has_sources=True)
    sent_ids = [str(i.to_component_dict()["custom_id"]) for i in view.children]

    # "Restart": new services on the same SQLite file; buttons exist only as custom_ids.
    after = make_services(tmp_path, FakeEngine())
    up = next(c for c in sent_ids if c and ":up:" in c)
    match = FeedbackButton.__discord_ui_compiled_template__.fullmatch(up)
    assert match is not None
    click = make_interaction(after, user=make_user(1234))
    button = await FeedbackButton.from_custom_id(click, MagicMock(), match)
    await button.callback(click)

    (vote,) = FeedbackStore(tmp_path / "feedback.sqlite3").votes()
    assert (vote.answer_id, vote.user_id, vote.vote) == (answer.answer_id, 1234, 1)
    assert vote.question == "Did Kim meet Putin?"
    kwargs = click.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True and pings_nobody(kwargs["allowed_mentions"])


async def test_sources_button_shows_quoted_passages_ephemerally(tmp_path: Path) -> None:
    services = make_services(tmp_path, FakeEngine())
    answer = sample_answer()
    services.store.remember_answer(answer, answer.answer_id)

    click = make_interaction(services)
    await SourcesButton(answer.answer_id).callback(click)

    kwargs = click.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True
    first, second = kwargs["embeds"]
    assert first.title == "[1] Title 1" and first.url == "https://example.org/artillery"
    assert first.description == "> Passage 1 says \\*\\*something\\*\\* important."
    assert second.url is None and "reader comment" in (second.footer.text or "")


async def test_sources_button_for_an_unknown_answer_says_so(tmp_path: Path) -> None:
    services = make_services(tmp_path, FakeEngine())
    click = make_interaction(services)
    await SourcesButton("nope").callback(click)
    assert "no longer have" in click.response.send_message.await_args.args[0]


async def test_a_failing_button_answers_with_a_short_message_and_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    services = make_services(tmp_path, FakeEngine())
    db = tmp_path / "feedback.sqlite3"
    db.unlink()
    db.mkdir()  # the store's file is gone: every query now fails for real
    click = make_interaction(services, interaction_id=8080)

    with caplog.at_level(logging.ERROR):
        await FeedbackButton("up", "abc").callback(click)

    kwargs = click.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True and "8080" in kwargs["embed"].description
    assert pings_nobody(kwargs["allowed_mentions"])
    assert any("8080" in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_feedback_file_from_before_servers_were_recorded_still_opens(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:  # the answers table as it was, without ``community``
        db.execute(
            "CREATE TABLE answers (answer_id TEXT PRIMARY KEY, question TEXT NOT NULL, "
            "text TEXT NOT NULL, citations TEXT NOT NULL, created_at TEXT NOT NULL)"
        )
        db.execute("INSERT INTO answers VALUES ('old1', 'Old question?', 'Old.', '[]', '2026')")
    store = FeedbackStore(path)
    assert store.answer("old1") is not None  # kept
    store.record_vote("old1", 1, -1)
    new = sample_answer("New question?")
    store.remember_answer(new, new.answer_id, 7)
    store.record_vote(new.answer_id, 1, 1)
    assert [r.question for r in store.ratings().worst] == ["Old question?", "New question?"]
    assert [r.question for r in store.ratings(7).worst] == ["New question?"]
