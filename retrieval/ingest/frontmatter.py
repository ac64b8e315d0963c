"""YAML front matter of Markdown files (``---`` fenced ``title:``/``date:``/``url:``/``source:``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

_FENCE = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_KEY_VALUE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*(.*)")


@dataclass(frozen=True)
class FrontMatter:
    fields: dict[str, Any]
    body: str


def _fallback_fields(block: str) -> dict[str, Any]:
    """Front matter that is not valid YAML (an unquoted colon in a title) still yields its keys."""
    fields: dict[str, Any] = {}
    for line in block.splitlines():
        match = _KEY_VALUE.fullmatch(line.strip())
        if match:
            fields[match.group(1).lower()] = match.group(2).strip().strip("'\"")
    return fields


def split_front_matter(text: str) -> FrontMatter:
    """Separate the fenced header from the body; text without one comes back unchanged."""
    match = _FENCE.match(text)
    if not match:
        return FrontMatter({}, text)
    block = match.group(1)
    try:
        loaded = yaml.safe_load(block)
    except yaml.YAMLError:
        loaded = None
    if isinstance(loaded, dict):
        fields = {str(key).lower(): value for key, value in loaded.items()}
    else:
        fields = _fallback_fields(block)
    return FrontMatter(fields, text[match.end() :])


def text_field(fields: dict[str, Any], key: str) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None
