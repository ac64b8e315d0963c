"""Checked sentences as one embed: each sentence's kind and cues, then its backing and disputes."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord.textsplit import shorten
from retrieval.factcheck import CheckedSentence
from retrieval.models import Citation

LABELS = {"unconfirmed": "⚠️ Unconfirmed", "opinion": "💬 Opinion", "reported": "📰 Reported"}
MAX_FIELDS = 20  # Discord allows 25 fields; the checker refuses more than 20 sentences


def _plain(text: str, limit: int) -> str:
    """Document text shown as written: no markdown of its own, within the field's room."""
    return discord.utils.escape_markdown(shorten(" ".join(text.split()), limit))


def _source(c: Citation) -> str:
    title = _plain(c.title or c.document or "untitled", 80)
    label = f"[{title}]({c.url})" if c.url else title
    return f"{label}: “{_plain(c.quote, 160)}”"


def check_embed(sentences: Sequence[CheckedSentence], jump_url: str = "") -> discord.Embed:
    embed = discord.Embed(
        title="Claims in this message",
        url=jump_url or None,
        colour=discord.Colour.blurple(),
    )
    for s in sentences[:MAX_FIELDS]:
        lines = []
        if s.cues:
            lines.append("cues: " + ", ".join(f"“{_plain(c, 60)}”" for c in s.cues[:3]))
        lines.extend(f"✅ backed by {_source(c)}" for c in s.corroborated_by[:2])
        lines.extend(f"❌ disputed by {_source(c)}" for c in s.disputed_by[:2])
        if not s.corroborated_by and not s.disputed_by and s.kind != "opinion":
            lines.append("No document in the collection says this.")
        embed.add_field(
            name=shorten(f"{LABELS.get(s.kind, s.kind)}: {' '.join(s.text.split())}", 256),
            value=shorten("\n".join(lines), 1024) or "—",
            inline=False,
        )
    if not sentences:
        embed.description = "No sentences to check."
    return embed
