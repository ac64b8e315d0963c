"""``GET /healthz``: which parts are up. Each check answers None when its part works, or what is
wrong, within a few seconds, so a monitor never waits on a hung store or model."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from retrieval.errors import NewsbotError
from retrieval.interfaces import EngineAPI

Check = Callable[[], Awaitable[str | None]]

CHECK_TIMEOUT = 5.0  # seconds


class Health:
    def __init__(self, checks: Mapping[str, Check]) -> None:
        self._checks = dict(checks)

    async def report(self) -> tuple[bool, dict[str, Any]]:
        """Whether every part is up, and the JSON body naming each part's state."""
        names = list(self._checks)
        results = await asyncio.gather(*(self._run(self._checks[n]) for n in names))
        parts = {
            n: {"ok": r is None, **({"error": r} if r else {})}
            for n, r in zip(names, results, strict=True)
        }
        healthy = all(r is None for r in results)
        return healthy, {"status": "ok" if healthy else "down", "checks": parts}

    @staticmethod
    async def _run(check: Check) -> str | None:
        try:
            return await asyncio.wait_for(check(), CHECK_TIMEOUT)
        except TimeoutError:
            return f"no answer within {CHECK_TIMEOUT:g} s"


def store_check(engine: EngineAPI) -> Check:
    """The store answers a document listing (the sidecars' count, then Chroma's freshness)."""

    async def check() -> str | None:
        try:
            await asyncio.to_thread(engine.documents)
        except NewsbotError as exc:
            return str(exc)
        return None

    return check


def model_check(base_url: str | None, api_key: str | None) -> Check:
    """The OpenAI-compatible server lists its models (OpenAI, vLLM, Ollama and llama.cpp do)."""
    address = (base_url or "https://api.openai.com/v1").rstrip("/") + "/models"
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    async def check() -> str | None:
        try:
            async with httpx.AsyncClient(timeout=CHECK_TIMEOUT, trust_env=False) as client:
                response = await client.get(address, headers=headers)
        except httpx.HTTPError as exc:
            return f"the language model at {base_url or 'OpenAI'} is unreachable ({type(exc).__name__})"
        if response.status_code >= 400:
            return f"the language model answered {response.status_code} to a model listing"
        return None

    return check


def flag_check(up: Callable[[], bool], down_message: str) -> Check:
    """A part whose state is already known in the process (the Discord connection)."""

    async def check() -> str | None:
        return None if up() else down_message

    return check
