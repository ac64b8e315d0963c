"""What every command shares: the common options, settings read once, one-line failures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from bot.settings import BotSettings, configuration_error
from bot.wiring import build_engine, build_engines
from retrieval.errors import NewsbotError
from retrieval.interfaces import EngineAPI

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Store directory (default: NEWSBOT_STORE or .newsbot/store)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
DateOption = Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"])]


def settings_for(store: Path | None) -> BotSettings:
    try:
        settings = BotSettings()
    except ValidationError as exc:
        fail(f"invalid configuration: {configuration_error(exc)}")
    if store is not None:
        settings = settings.model_copy(update={"newsbot_store": store})
    return settings


ServerOption = Annotated[
    int | None,
    typer.Option("--server", help="A Discord server's own collection (by id), not the shared one."),
]


def engine_for(settings: BotSettings, server: int | None = None) -> EngineAPI:
    """The operator's engine, or with ``server`` that Discord server's (as the bot sees it)."""
    try:
        if server is None:
            return build_engine(settings)
        return build_engines(settings).for_community(server)
    except NewsbotError as exc:
        fail(str(exc))


def fail(message: str, code: int = 2) -> NoReturn:
    Console(stderr=True, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(message)}", highlight=False
    )
    raise typer.Exit(code)
