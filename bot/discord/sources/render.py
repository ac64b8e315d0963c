"""The collection as moderators see it: document listings and the outcome of an upload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.discord.embeds import SUMMARY_COLOUR, Messages, build_messages, escape
from bot.discord.textsplit import shorten
from bot.present import UNDATED_COLLECTION, format_date
from retrieval.feeds.poller import PollResult
from retrieval.feeds.subscriptions import Feed
from retrieval.models import DocumentInfo, IngestReport


def code(text: str) -> str:
    """``text`` as inline code that a stray backtick in a file name cannot break out of."""
    return "`" + text.replace("`", "'") + "`"


def ingest_result_text(name: str, report: IngestReport) -> str:
    if report.skipped:
        reasons = "; ".join(reason for _, reason in report.skipped)
        return f"⚠️ {code(name)} was not added: {reasons}"
    if report.added:
        return f"✅ Added {code(name)} ({report.chunks} passages indexed)."
    if report.unchanged:
        return f"ℹ️ {code(name)} is already in the collection, unchanged."
    return f"⚠️ {code(name)} produced no documents (is it empty?)."


def removal_preview(doc: DocumentInfo) -> str:
    """What a moderator confirms: the title, the unique name, the date and how much goes."""
    title = f"“{escape(doc.title)}” " if doc.title and doc.title != doc.source else ""
    return f"{title}{code(doc.source)}, {format_date(doc.date)}, {doc.chunks} passages."


def document_line(doc: DocumentInfo) -> str:
    title = f" - {doc.title}" if doc.title and doc.title != doc.source else ""
    shared = ", shared by every server" if doc.shared else ""
    return f"{doc.source}{title} ({format_date(doc.date)}, {doc.chunks} chunks{shared})"


def documents_listing(
    docs: Sequence[DocumentInfo], *, shown: int = 40
) -> tuple[Messages, str | None]:
    """An embed listing the first ``shown`` documents (newest first) and, when there are more, the
    full list as text for an attached file: even a 20,000-document store is listed without loss."""
    ordered = sorted(docs, key=lambda d: (d.date or dt.date.min, d.source), reverse=True)
    lines = [f"• {escape(document_line(d))}" for d in ordered[:shown]]
    if len(ordered) > shown:
        lines.append(f"… and {len(ordered) - shown} more (full list attached).")
    if ordered and all(d.date is None for d in ordered):
        lines.append(UNDATED_COLLECTION)  # said here once, instead of on every answer
    full = "\n".join(document_line(d) for d in ordered) + "\n" if len(ordered) > shown else None
    messages = build_messages(
        title=f"{len(ordered)} document{'s' if len(ordered) != 1 else ''} in the collection",
        description="\n".join(lines) if lines else "The collection is empty.",
        colour=SUMMARY_COLOUR,
        description_is_lines=True,
    )
    return messages, full


def feed_added_text(result: PollResult) -> str:
    """What following a feed did: its name, and what its first poll added."""
    name = escape(shorten(result.feed.title or result.feed.url, 200))
    lines = [f"✅ Following **{name}** ({code(result.feed.url)}): {escape(result.message)}."]
    lines += [f"• skipped {code(link)}: {escape(why)}" for link, why in result.skipped[:5]]
    return shorten("\n".join(lines), 2000)


def feeds_listing_text(feeds: Sequence[Feed]) -> str:
    if not feeds:
        return "This server follows no feeds. Add one with /sources feed add."
    lines = []
    for f in feeds:
        when = f"<t:{int(f.polled_at.timestamp())}:R>" if f.polled_at else "not polled yet"
        title = escape(shorten(f.title or "(untitled)", 100))
        lines.append(f"• **{title}** {code(f.url)}: {when}, {escape(f.last_result)}")
    return shorten("\n".join(lines), 2000)
