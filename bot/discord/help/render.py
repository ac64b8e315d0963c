"""What ``/help`` and ``/feedback`` show, as embeds: pure functions of what the cog gathered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.discord.embeds import ANSWER_COLOUR, SUMMARY_COLOUR, escape
from bot.discord.feedback import FeedbackReport
from bot.discord.textsplit import shorten
from bot.present import NOTE_LABELS, READER_COMMENT
from retrieval.models import DocumentInfo, NoteKind
from retrieval.safety import web_url

WHAT_IT_DOES = (
    "I answer questions about this server's news collection, only from its documents: each "
    "answer cites its sources with [n] markers, and says when the documents do not cover a "
    "question rather than guess. Ask with **/ask** or by mentioning me; follow-ups go in the "
    "thread I open."
)

NOTE_MEANINGS: dict[str, str] = {
    NOTE_LABELS[NoteKind.UNCONFIRMED]: "reported, hedged or attributed by its own source, "
    "not established",
    NOTE_LABELS[NoteKind.SINGLE_SOURCE]: "only one document says it",
    NOTE_LABELS[NoteKind.OPINION]: "a view, not a reported fact",
    READER_COMMENT: "a reader's comment under an article, not the article",
    NOTE_LABELS[NoteKind.DISPUTED]: "the documents disagree; both sides are cited",
    NOTE_LABELS[NoteKind.UNDATED]: "how current the answer is cannot be told",
}


@dataclass(frozen=True)
class CommandLine:
    name: str
    description: str
    moderators: bool


def help_embed(
    commands: Sequence[CommandLine], documents: Sequence[DocumentInfo], site: str | None
) -> discord.Embed:
    embed = discord.Embed(colour=ANSWER_COLOUR, title="newsbot", description=WHAT_IT_DOES)
    everyone = [f"**{c.name}**: {escape(c.description)}" for c in commands if not c.moderators]
    moderators = [f"**{c.name}**: {escape(c.description)}" for c in commands if c.moderators]
    embed.add_field(name="Commands", value=shorten("\n".join(everyone) or "—", 1024), inline=False)
    if moderators:
        embed.add_field(
            name="For moderators", value=shorten("\n".join(moderators), 1024), inline=False
        )
    notes = "\n".join(f"**{label}:** {meaning}" for label, meaning in NOTE_MEANINGS.items())
    embed.add_field(name="What the notes under an answer mean", value=notes, inline=False)
    embed.add_field(name="The collection", value=collection_line(documents), inline=False)
    link = web_url(site)
    if link:
        embed.add_field(name="Sources site", value=f"<{link}>", inline=False)
    return embed


def collection_line(documents: Sequence[DocumentInfo]) -> str:
    if not documents:
        return "No documents yet: a moderator adds them with /sources add."
    newest = max((d.date for d in documents if d.date), default=None)
    size = f"{len(documents)} document{'s' if len(documents) != 1 else ''}"
    return f"{size}, the newest from {_day(newest)}." if newest else f"{size}, none of them dated."


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def feedback_embed(report: FeedbackReport) -> discord.Embed:
    if report.answers == 0:
        return discord.Embed(
            colour=SUMMARY_COLOUR,
            title="Feedback",
            description="No answer in this server has a 👍 or 👎 yet.",
        )
    embed = discord.Embed(
        colour=SUMMARY_COLOUR,
        title="Feedback",
        description=f"👍 {report.up} · 👎 {report.down} over {report.answers} rated answers. "
        "The worst rated first:",
    )
    for rating in report.worst[:10]:
        name = shorten(f"👍 {rating.up} 👎 {rating.down} · {rating.question}", 256)
        value = shorten(f"> {escape(' '.join(rating.answer.split()))}", 1024)
        embed.add_field(name=name, value=value or "—", inline=False)
    return embed
