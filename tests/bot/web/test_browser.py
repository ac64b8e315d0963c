"""A real browser opens a citation's source page: the cited passage is highlighted and in view.

Debian's headless Chromium, driven over the DevTools protocol (a websocket, through aiohttp,
which discord.py already brings), against the app on 127.0.0.1; skipped where Chromium is not
installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.web.app import serving
from bot.web.metrics import Metrics
from bot.web.service import build_web_app
from retrieval.communities import CommunityEngines
from retrieval.settings import Settings
from tests.conftest import EngineFactory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.slow,
]

FILLER = (
    "Paragraph {n} of the harbour council's minutes records routine business: the ferry "
    "timetable, the price of mooring permits and the repair of bench number {n} on the quay."
)
CITED = (
    "The council voted to rebuild the old lighthouse on the north pier with a budget of "
    "two million euros, work to start in the spring."
)


class DevTools:
    """Just enough of the DevTools protocol: numbered commands, and waiting for an event."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self._ids)
        await self._ws.send_json({"id": number, "method": method, "params": params})
        while True:
            message = await self._ws.receive_json(timeout=30)
            if message.get("id") == number:
                assert "error" not in message, message
                return dict(message.get("result", {}))

    async def event(self, method: str) -> None:
        while (await self._ws.receive_json(timeout=30)).get("method") != method:
            pass


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[str]:
    """Chromium's DevTools address (http://127.0.0.1:port)."""
    profile = tmp_path / "profile"
    assert CHROMIUM is not None
    process = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--window-size=1000,700", f"--user-data-dir={profile}",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        port_file = profile / "DevToolsActivePort"
        while not port_file.exists() or not port_file.read_text().strip():
            assert process.poll() is None and time.monotonic() < deadline, "chromium did not start"
            await asyncio.sleep(0.1)
        yield f"http://127.0.0.1:{port_file.read_text().split()[0]}"
    finally:
        process.kill()
        process.wait(timeout=30)


async def test_the_cited_passage_is_highlighted_and_scrolled_into_view(
    browser: str, make_engine: EngineFactory, tmp_path: Path
) -> None:
    minutes = tmp_path / "minutes.txt"
    filler = "\n\n".join(FILLER.format(n=n) for n in range(1, 60))
    minutes.write_text(f"Harbour council minutes\n\n{filler}\n\n{CITED}\n")
    engine = make_engine(newsbot_public_url="http://newsbot.test")
    engine.ingest_paths([minutes])
    answer = engine.answer("How much will rebuilding the lighthouse on the north pier cost?")
    assert not answer.abstained and answer.citations
    cited = answer.citations[0]
    assert cited.page is not None and "two million euros" in cited.quote
    path = cited.page.removeprefix("http://newsbot.test")

    app = build_web_app(Settings(_env_file=None), CommunityEngines(engine), Metrics())  # type: ignore[call-arg]
    async with serving(app.application(), "127.0.0.1", 0) as base, aiohttp.ClientSession() as http:
        async with http.put(f"{browser}/json/new?about:blank") as response:
            target = await response.json(content_type=None)
        async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            tools = DevTools(ws)
            await tools.call("Page.enable")
            await tools.call("Page.navigate", url=base + path)
            await tools.event("Page.loadEventFired")
            await asyncio.sleep(0.3)  # the scroll happens on DOMContentLoaded; let it settle
            probe = """(() => {
              const hits = [...document.querySelectorAll('.hit')];
              const first = hits[0].getBoundingClientRect();
              return JSON.stringify({
                hits: hits.length,
                text: hits.map(e => e.textContent).join(''),
                top: first.top, bottom: first.bottom, height: innerHeight, scrolled: scrollY,
                background: getComputedStyle(hits[0]).backgroundColor,
                plain: getComputedStyle(document.querySelector('.text')).backgroundColor,
              });
            })()"""
            result = await tools.call("Runtime.evaluate", expression=probe, returnByValue=True)
            seen = json.loads(result["result"]["value"])
            shot = await tools.call("Page.captureScreenshot", format="png")
    (tmp_path / "source-page.png").write_bytes(base64.b64decode(shot["data"]))

    assert seen["hits"] >= 1 and "two million euros" in seen["text"]
    assert seen["scrolled"] > 0  # the passage is far down the page: the page scrolled to it
    assert 0 <= seen["top"] < seen["height"] and seen["bottom"] > 0  # in the viewport
    assert seen["background"] == "rgb(255, 224, 102)" != seen["plain"]  # highlighted
