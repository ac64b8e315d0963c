"""``run()``: bad tokens are one clear line and exit code 2; SIGTERM stops it cleanly.

Discord's HTTP API is faked at the protocol boundary: a loopback server stands in for
``https://discord.com/api/v10`` (discord.py's ``Route.BASE``), so nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import discord.http
import pytest
from aiohttp import web

from bot.discord.client import NewsBot
from bot.discord.runner import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    Shards,
    parse_shards,
    run,
    token_problem,
)
from tests.bot.fakes import FakeEngine, make_services, make_settings

WELL_FORMED = "MTEyMzQ1Njc4OTAxMjM0NTY3OA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


class FakeDiscord(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, *, stall: bool) -> None:
        self.stall = stall
        self.requests: list[tuple[str, str, str | None]] = []
        self.seen = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: FakeDiscord

    def do_GET(self) -> None:
        self.server.requests.append((self.command, self.path, self.headers.get("Authorization")))
        self.server.seen.set()
        if self.server.stall:
            time.sleep(3)
        body = json.dumps({"message": "401: Unauthorized", "code": 0}).encode()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fake_discord(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeDiscord]:
    server = FakeDiscord(stall=getattr(request, "param", False))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://{host!s}:{port}/api/v10")
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (None, "DISCORD_TOKEN is not set"),
        ("   ", "DISCORD_TOKEN is not set"),
        ("hunter2", "does not look like a Discord bot token"),
        (f"Bot {WELL_FORMED}", "without the 'Bot ' prefix"),
    ],
)
def test_missing_or_malformed_token_is_one_line_and_exit_2(
    tmp_path: Path, token: str | None, expected: str
) -> None:
    settings = make_settings(discord_token=token, newsbot_feedback_db=tmp_path / "f.sqlite3")
    err = io.StringIO()
    assert run(settings, FakeEngine(), stderr=err) == EXIT_CONFIG
    output = err.getvalue()
    assert output.count("\n") == 1 and output.startswith("newsbot: ")
    assert expected in output
    assert "Traceback" not in output


def test_well_formed_token_is_accepted_by_the_shape_check() -> None:
    assert token_problem(WELL_FORMED) is None


def test_token_rejected_by_discord_is_one_line_and_exit_2(
    tmp_path: Path, fake_discord: FakeDiscord, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(discord_token=WELL_FORMED, newsbot_feedback_db=tmp_path / "f.sqlite3")
    err = io.StringIO()

    assert run(settings, FakeEngine(), stderr=err) == EXIT_CONFIG

    assert err.getvalue() == (
        "newsbot: Discord rejected DISCORD_TOKEN (401); reset it in Developer Portal > Bot.\n"
    )
    assert fake_discord.requests == [("GET", "/api/v10/users/@me", f"Bot {WELL_FORMED}")]
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("fake_discord", [True], indirect=True)
def test_sigterm_stops_the_bot_cleanly(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    settings = make_settings(discord_token=WELL_FORMED, newsbot_feedback_db=tmp_path / "f.sqlite3")

    def terminate_once_connecting() -> None:
        if fake_discord.seen.wait(10):
            os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=terminate_once_connecting, daemon=True).start()
    started = time.monotonic()
    err = io.StringIO()

    assert run(settings, FakeEngine(), stderr=err) == EXIT_OK

    assert time.monotonic() - started < 3  # did not wait for the stalled login
    assert err.getvalue() == ""
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


@pytest.mark.parametrize(
    ("guild_ids", "paths"),
    [
        (
            "10,20",
            {
                "/api/v10/applications/222/guilds/10/commands",
                "/api/v10/applications/222/guilds/20/commands",
            },
        ),
        ("", {"/api/v10/applications/222/commands"}),
    ],
)
async def test_setup_hook_syncs_commands(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    guild_ids: str,
    paths: set[str],
) -> None:
    """Log in against a loopback Discord: ``setup_hook`` copies the global commands to each guild in
    ``DISCORD_GUILD_IDS`` and syncs them there (instant), or else syncs them globally."""
    user = {"id": "111", "username": "newsbot", "discriminator": "0", "avatar": None, "bot": True}
    app_info = {
        "id": "222",
        "name": "newsbot",
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": {"id": "333", "username": "owner", "discriminator": "0", "avatar": None},
        "team": None,
        "verify_key": "00",
        "flags": 0,
    }
    synced: dict[str, list[dict[str, Any]]] = {}

    def reply(payload: object) -> web.Response:
        # Exactly "application/json": discord.py parses JSON only for that content type.
        return web.Response(body=json.dumps(payload).encode(), content_type="application/json")

    async def me(request: web.Request) -> web.Response:
        return reply(user)

    async def application(request: web.Request) -> web.Response:
        return reply(app_info)

    async def put_commands(request: web.Request) -> web.Response:
        payload = await request.json()
        synced[request.path] = payload
        return reply(
            [
                # Discord answers a message command with an empty description, as here.
                {"description": "", **c, "id": str(i + 1), "application_id": "222", "version": "1"}
                for i, c in enumerate(payload)
            ]
        )

    app = web.Application()
    app.router.add_get("/api/v10/users/@me", me)
    app.router.add_get("/api/v10/oauth2/applications/@me", application)
    app.router.add_put("/api/v10/applications/222/guilds/{guild}/commands", put_commands)
    app.router.add_put("/api/v10/applications/222/commands", put_commands)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")

    services = make_services(tmp_path, FakeEngine(), discord_guild_ids=guild_ids)
    try:
        async with NewsBot(services, shard_count=4, shard_ids=[1, 3]) as bot:
            await bot.login(WELL_FORMED)
            with caplog.at_level(logging.INFO, logger="bot.discord.client"):
                await bot.on_ready()
    finally:
        await runner.cleanup()
    # One line tells the operator who, where, what was synced and how to invite the bot.
    (ready,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("ready:")]
    assert (
        "logged in as newsbot (id 111) in 0 servers on shards [1, 3] of 4, 6 commands synced"
        in ready
    )
    assert "client_id=111&scope=bot+applications.commands&permissions=309237763072" in ready

    assert set(synced) == paths
    for payload in synced.values():
        assert sorted(c["name"] for c in payload) == [
            "Check claims",
            "ask",
            "feedback",
            "help",
            "sources",
            "summary",
        ]


def test_unreachable_discord_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a loopback port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    settings = make_settings(discord_token=WELL_FORMED, newsbot_feedback_db=tmp_path / "f.sqlite3")
    err = io.StringIO()

    assert run(settings, FakeEngine(), stderr=err) == EXIT_FAILED

    output = err.getvalue()
    assert output.startswith("newsbot: could not connect to Discord: ")
    assert output.count("\n") == 1


def test_shard_options_are_checked_before_anything_starts() -> None:
    assert parse_shards(None, None) == Shards()
    assert parse_shards(4, None) == Shards(4, None)
    assert parse_shards(4, "0,2") == Shards(4, (0, 2))
    for count, ids, reason in [
        (0, None, "--shard-count must be 1 or more"),
        (None, "0", "--shard-ids needs --shard-count"),
        (2, "2", "from 0 to 1"),
        (3, "1,1", "distinct"),
        (3, "one", "comma-separated"),
    ]:
        with pytest.raises(ValueError, match=reason):
            parse_shards(count, ids)


def test_a_process_runs_only_its_share_of_the_shards(tmp_path: Path) -> None:
    services = make_services(tmp_path, FakeEngine())
    every = NewsBot(services)
    share = NewsBot(services, shard_count=4, shard_ids=[0, 2])
    assert isinstance(share, discord.AutoShardedClient) and isinstance(
        every, discord.AutoShardedClient
    )
    assert (every.shard_count, every.shard_ids) == (None, None)  # Discord's advice, all of them
    assert (share.shard_count, share.shard_ids) == (4, [0, 2])


def test_run_with_shards_logs_in_as_any_run_does(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    settings = make_settings(discord_token=WELL_FORMED, newsbot_feedback_db=tmp_path / "f.sqlite3")
    err = io.StringIO()
    assert run(settings, FakeEngine(), stderr=err, shards=Shards(2, (1,))) == EXIT_CONFIG
    assert "Discord rejected DISCORD_TOKEN" in err.getvalue()
    assert fake_discord.requests == [("GET", "/api/v10/users/@me", f"Bot {WELL_FORMED}")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("fake_discord", [True], indirect=True)
def test_the_web_app_runs_beside_the_bot_and_reports_discord_down_while_connecting(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    port = _free_port()
    settings = make_settings(
        discord_token=WELL_FORMED,
        newsbot_feedback_db=tmp_path / "f.sqlite3",
        newsbot_web_port=port,
    )
    seen: dict[str, Any] = {}

    def probe_then_stop() -> None:
        if fake_discord.seen.wait(10):  # logging in (stalled): the web app is already up
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
                seen["metrics"] = r.read().decode()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10)
            except urllib.error.HTTPError as exc:
                seen["status"], seen["health"] = exc.code, json.loads(exc.read())
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=probe_then_stop, daemon=True).start()
    assert run(settings, FakeEngine(), stderr=io.StringIO()) == EXIT_OK
    assert seen["status"] == 503
    assert seen["health"]["checks"] == {
        "store": {"ok": True},
        "discord": {"ok": False, "error": "not connected to Discord"},
    }
    assert "newsbot_questions_total 0.0" in seen["metrics"]
    with pytest.raises(OSError):  # stopped with the bot
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)


def test_a_web_port_that_is_taken_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = make_settings(
            discord_token=WELL_FORMED,
            newsbot_feedback_db=tmp_path / "f.sqlite3",
            newsbot_web_port=port,
        )
        err = io.StringIO()
        assert run(settings, FakeEngine(), stderr=err) == EXIT_CONFIG
    assert err.getvalue().startswith(
        f"newsbot: the web app (NEWSBOT_WEB_PORT) could not listen on 127.0.0.1:{port}: "
    )
    assert err.getvalue().count("\n") == 1


def test_feed_polls_are_counted_for_metrics() -> None:
    import datetime as dt

    from bot.discord.runner import _counter
    from bot.web.metrics import Metrics
    from retrieval.feeds.poller import PollResult
    from retrieval.feeds.subscriptions import Feed

    assert _counter(None) is None
    metrics = Metrics()
    count = _counter(metrics)
    assert count is not None
    feed = Feed(0, "https://news.example/feed", "", None, None, dt.datetime.now(dt.UTC), None, "")
    count(PollResult(feed, "new", "2 new", ("https://a.example/1", "https://a.example/2")))
    count(PollResult(feed, "failed", "500"))
    text = metrics.render().decode()
    assert 'newsbot_feed_polls_total{outcome="new"} 1.0' in text
    assert 'newsbot_feed_polls_total{outcome="failed"} 1.0' in text
    assert "newsbot_feed_items_total 2.0" in text
