"""The web app as a process runs it: its health checks chosen from the settings, and its metrics."""

from __future__ import annotations

from collections.abc import Callable

from bot.web.app import WebApp
from bot.web.health import Check, Health, flag_check, model_check, store_check
from bot.web.metrics import Metrics
from retrieval.interfaces import Engines
from retrieval.settings import Settings


def build_web_app(
    settings: Settings,
    engines: Engines,
    metrics: Metrics,
    *,
    discord_up: Callable[[], bool] | None = None,
) -> WebApp:
    """``discord_up``: whether the bot is connected (``newsbot run``); ``newsbot serve`` has no
    Discord part to report. The model is checked only when one is configured."""
    checks: dict[str, Check] = {"store": store_check(engines.operator)}
    if discord_up is not None:
        checks["discord"] = flag_check(discord_up, "not connected to Discord")
    if settings.llm_configured:
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        checks["model"] = model_check(settings.openai_base_url, key)
    return WebApp(engines, Health(checks), metrics)
