"""Briefings as Discord embeds, ready to preview and post."""

from __future__ import annotations

from bot.discord.embeds import (
    ABSTAIN_COLOUR,
    FOOTER_LIMIT,
    SUMMARY_COLOUR,
    TITLE_LIMIT,
    Messages,
    Pages,
    Section,
    build_messages,
    citation_pages,
    escape,
    linked_markers,
    source_line,
)
from bot.discord.textsplit import shorten
from bot.present import format_date, note_label
from retrieval.models import Summary, SummaryKind, SummaryRequest, SummarySource, TimelineEntry


def describe_request(request: SummaryRequest) -> str:
    span = ""
    if request.since or request.until:
        span = f" ({format_date(request.since) if request.since else '…'} to "
        span += f"{format_date(request.until) if request.until else '…'})"
    if request.kind is SummaryKind.TOPIC:
        return f"Topic: {request.query}{span}"
    if request.kind is SummaryKind.DOCUMENT:
        return f"Document: {request.document}"
    return f"Latest {request.days} day{'s' if request.days != 1 else ''}"


def _timeline_line(entry: TimelineEntry, pages: Pages) -> str:
    cited = linked_markers(entry.citations, pages)
    line = f"`{entry.date.isoformat()}` {escape(entry.text)} {cited}"
    return line.rstrip()


def _summary_source_line(source: SummarySource) -> str:
    pages = citation_pages([source])
    title = source.title or source.document
    return source_line((source.n,), title, source.url, source.date, pages=pages)


def summary_messages(summary: Summary, request: SummaryRequest) -> Messages:
    """A briefing ready to post: headline, key points, unconfirmed claims, timeline, sources."""
    footer = shorten(describe_request(request), FOOTER_LIMIT)
    if summary.empty:
        return build_messages(
            title="Nothing to summarise",
            description=(
                "Nothing in the news collection matched this request. Try a broader topic or "
                "a longer period."
            ),
            footer=footer,
            colour=ABSTAIN_COLOUR,
        )
    pages = citation_pages(summary.sources)
    headline = escape(summary.headline.strip()) or "Summary"
    title = headline if len(headline) <= TITLE_LIMIT else "Summary"
    lines = [] if title == headline else [f"**{headline}**", ""]
    lines.append("**Key points**")
    for point in summary.points:
        lines.append(
            f"• {escape(point.text.strip())} {linked_markers(point.citations, pages)}".rstrip()
        )
    sections = []
    if summary.unconfirmed:
        sections.append(
            Section(
                "⚠️ What is unconfirmed",
                tuple(
                    f"• **{note_label(item.kind)}:** {escape(item.text)} "
                    f"{linked_markers(item.citations, pages)}".rstrip()
                    for item in summary.unconfirmed
                ),
            )
        )
    if summary.timeline:
        sections.append(
            Section(
                "🗓️ Timeline",
                tuple(
                    _timeline_line(entry, pages)
                    for entry in sorted(summary.timeline, key=lambda e: e.date)
                ),
            )
        )
    if summary.sources:
        sections.append(Section("Sources", tuple(_summary_source_line(s) for s in summary.sources)))
    return build_messages(
        title=title,
        description="\n".join(lines),
        sections=sections,
        footer=footer,
        colour=SUMMARY_COLOUR,
        description_is_lines=True,
    )
