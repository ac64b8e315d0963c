"""The aiohttp application: source pages, ``/healthz`` and ``/metrics``; nothing else is served.

Every route is a fixed pattern: a document id is 24 hexadecimal characters and is looked up in the
store, never used as a path, so there is nothing to list or traverse.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.web.health import Health
from bot.web.metrics import Metrics
from bot.web.pages import CONTENT_SECURITY_POLICY, source_page
from retrieval.errors import DocumentError, NewsbotError
from retrieval.interfaces import Engines

log = logging.getLogger(__name__)

_DOC_ID = re.compile(r"[0-9a-f]{24}")
_SERVER = re.compile(r"[0-9]{1,20}")

_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class WebApp:
    """Routes bound to the engines, the health checks and the metrics of one process."""

    def __init__(self, engines: Engines, health: Health, metrics: Metrics) -> None:
        self._engines = engines
        self._health = health
        self._metrics = metrics

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/sources/{doc_id}", self.source)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)
        return app

    async def source(self, request: web.Request) -> web.Response:
        doc_id = request.match_info["doc_id"]
        server = request.query.get("server", "")
        if not _DOC_ID.fullmatch(doc_id) or (server and not _SERVER.fullmatch(server)):
            return _message(404, "No such document.")
        engine = self._engines.for_community(int(server) if server else None)
        try:
            doc = await asyncio.to_thread(engine.source_document, doc_id)
        except DocumentError:
            return _message(404, "No such document.")
        except NewsbotError as exc:
            return _message(503, str(exc))
        page = await asyncio.to_thread(source_page, doc)
        return web.Response(text=page, content_type="text/html", charset="utf-8", headers=_HEADERS)

    async def healthz(self, request: web.Request) -> web.Response:
        healthy, body = await self._health.report()
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        body = self._metrics.render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def _message(status: int, text: str) -> web.Response:
    return web.Response(
        status=status, text=text + "\n", content_type="text/plain", headers=_HEADERS
    )


@contextlib.asynccontextmanager
async def serving(app: web.Application, host: str, port: int) -> AsyncIterator[str]:
    """Serve ``app`` on the running loop while the block runs; yields the address it listens on
    (``port`` 0: a free port)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1] if runner.addresses else port
        address = f"http://{host}:{bound}" if ":" not in host else f"http://[{host}]:{bound}"
        log.info("web app on %s (source pages, /healthz, /metrics)", address)
        yield address
    finally:
        await runner.cleanup()
