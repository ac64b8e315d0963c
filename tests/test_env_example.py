"""`.env.example` documents every setting: a new one that is not there fails here."""

from __future__ import annotations

import re

from bot.settings import BotSettings
from tests.conftest import REPO


def test_every_setting_is_in_env_example() -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    missing = {name.upper() for name in BotSettings.model_fields} - named
    assert not missing, f"settings missing from .env.example: {sorted(missing)}"
