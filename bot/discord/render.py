"""Answers, summaries and document lists as Discord embeds: pure functions, no I/O.

Kept apart from the cogs so the rules that protect the server (limits, escaping, no link previews,
visible caveats) are tested directly and cannot drift between ``/ask``, mentions and ``/summary``.
Every function returns *messages*: a list of messages, each a list of embeds that together respect
Discord's per-message limits (10 embeds, 6,000 characters).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.discord.textsplit import pack_lines, shorten, split_text
from retrieval.answer.citations import by_source
from retrieval.models import (
    Answer,
    AnswerSentence,
    Citation,
    DocumentInfo,
    NoteKind,
    PassageKind,
    Summary,
    SummaryKind,
    SummaryRequest,
    SummarySource,
    TimelineEntry,
)

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
FIELDS_PER_EMBED = 25

DONE_FOOTER = "✅ Done"
WRITING_FOOTER = "✍️ writing..."
ABSTAIN_TEXT = (
    "I couldn't find anything about that in the news I have, so I'd rather not guess. "
    "Try rephrasing, or ask about another story."
)

ANSWER_COLOUR = discord.Colour.blurple()
DRAFT_COLOUR = discord.Colour.gold()
ABSTAIN_COLOUR = discord.Colour.light_grey()
SUMMARY_COLOUR = discord.Colour.green()
ERROR_COLOUR = discord.Colour.red()

NOTE_LABELS: dict[NoteKind, str] = {
    NoteKind.UNCONFIRMED: "Unconfirmed",
    NoteKind.OPINION: "Opinion",
    NoteKind.DISPUTED: "Disputed",
    NoteKind.SINGLE_SOURCE: "Single source",
    NoteKind.UNDATED: "Dates",
}

Messages = list[list[discord.Embed]]

_MARKER = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Section:
    """A titled list of lines that becomes one or more embed fields."""

    name: str
    lines: tuple[str, ...]


def escape(text: str) -> str:
    """Markdown-inert text: passages are data; ``**``, ``>`` or masked links must not render."""
    return discord.utils.escape_markdown(text, ignore_links=False)


def _link_text(text: str) -> str:
    """Text safe inside ``[...]`` of a masked link."""
    return escape(text).replace("[", "\\[").replace("]", "\\]")


def markers(numbers: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def format_date(date: dt.date | None) -> str:
    return date.isoformat() if date else "undated"


def source_line(
    numbers: Sequence[int],
    title: str,
    url: str | None,
    date: dt.date | None,
    *,
    comment: bool = False,
) -> str:
    """``[1][3] title - date``; the title links to ``<url>`` if any (angle brackets: no preview)."""
    label = _link_text(shorten(title or "untitled", 200))
    linked = f"[{label}](<{url}>)" if url else label
    suffix = " · reader comment" if comment else ""
    return f"{markers(numbers)} {linked} - {format_date(date)}{suffix}"


def citation_line(numbers: Sequence[int], citation: Citation) -> str:
    return source_line(
        numbers,
        citation.title or citation.document,
        citation.url,
        citation.date,
        comment=citation.kind is PassageKind.COMMENT,
    )


def _note_label(kind: NoteKind, cited: Sequence[Citation]) -> str:
    """Opinion that rests on readers' comments is called what it is: a reader comment."""
    if kind is NoteKind.OPINION and cited and all(c.kind is PassageKind.COMMENT for c in cited):
        return "Reader comment"
    return NOTE_LABELS.get(kind, kind.value.replace("_", " ").capitalize())


def _sentence_text(sentence: AnswerSentence) -> str:
    text = sentence.text.strip()
    if sentence.citations and not _MARKER.search(text):
        text = f"{text} {markers(sentence.citations)}"
    return text


def answer_body(answer: Answer) -> str:
    """The answer with its ``[n]`` markers, markdown escaped (sentences come from news text).

    The engine's text is used as written; only if it carries no markers while its sentences have
    citations are the markers put back from the sentences.
    """
    raw = answer.text.strip()
    if not _MARKER.search(raw) and any(s.citations for s in answer.sentences):
        raw = " ".join(_sentence_text(s) for s in answer.sentences)
    return escape(raw.strip())


def question_title(question: str) -> str:
    return shorten(escape(question), TITLE_LIMIT) or "Question"


def _new_embed(
    colour: discord.Colour, title: str | None = None, url: str | None = None
) -> discord.Embed:
    return discord.Embed(colour=colour, title=title, url=url)


def build_messages(
    *,
    title: str | None,
    description: str,
    sections: Sequence[Section] = (),
    footer: str | None = None,
    colour: discord.Colour = ANSWER_COLOUR,
    url: str | None = None,
    description_is_lines: bool = False,
) -> Messages:
    """Lay text out over as many embeds and messages as the limits require, losing nothing.

    The first embed carries the title; description overflow continues in untitled embeds; each
    section becomes fields (``name``, then ``name (cont.)``); the footer goes on the last embed.
    """
    title = shorten(title, TITLE_LIMIT) if title else None
    if description_is_lines:
        chunks = pack_lines(description.split("\n"), DESCRIPTION_LIMIT)
    else:
        chunks = split_text(description, DESCRIPTION_LIMIT)
    embeds: list[discord.Embed] = [_new_embed(colour, title, url)]
    for i, chunk in enumerate(chunks):
        if i > 0:
            embeds.append(_new_embed(colour))
        embeds[-1].description = chunk
    for section in sections:
        values = pack_lines(section.lines, FIELD_VALUE_LIMIT)
        for j, value in enumerate(values):
            name = shorten(section.name if j == 0 else f"{section.name} (cont.)", FIELD_NAME_LIMIT)
            current = embeds[-1]
            if (
                len(current.fields) >= FIELDS_PER_EMBED
                or len(current) + len(name) + len(value) > EMBED_TOTAL_LIMIT
            ):
                current = _new_embed(colour)
                embeds.append(current)
            current.add_field(name=name, value=value, inline=False)
    if footer:
        footer = shorten(footer, FOOTER_LIMIT)
        if len(embeds[-1]) + len(footer) > EMBED_TOTAL_LIMIT:
            embeds.append(_new_embed(colour))
        embeds[-1].set_footer(text=footer)
    return group_embeds(embeds)


def group_embeds(embeds: Sequence[discord.Embed]) -> Messages:
    """Greedily put embeds into messages of at most 10 embeds and 6,000 characters."""
    messages: Messages = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        length = len(embed)
        if current and (len(current) >= EMBEDS_PER_MESSAGE or size + length > EMBED_TOTAL_LIMIT):
            messages.append(current)
            current, size = [], 0
        current.append(embed)
        size += length
    if current:
        messages.append(current)
    return messages


def answer_messages(answer: Answer) -> Messages:
    """The final, settled answer: text with markers, visible notes, linked sources, notices."""
    notices = Section("ℹ️ Notice", tuple(escape(n) for n in answer.notices))
    if answer.abstained:
        return build_messages(
            title=question_title(answer.question),
            description=ABSTAIN_TEXT,
            sections=[notices] if answer.notices else [],
            footer=DONE_FOOTER,
            colour=ABSTAIN_COLOUR,
        )
    by_number = {c.n: c for c in answer.citations}
    note_lines = []
    for note in answer.notes:
        cited = [by_number[n] for n in note.citations if n in by_number]
        label = _note_label(note.kind, cited)
        suffix = f" {markers(note.citations)}" if note.citations else ""
        note_lines.append(f"**{label}:** {escape(note.text)}{suffix}")
    sections = []
    if note_lines:
        sections.append(Section("⚠️ Notes", tuple(note_lines)))
    if answer.citations:
        lines = tuple(citation_line(numbers, c) for numbers, c in by_source(answer.citations))
        sections.append(Section("Sources", lines))
    if answer.notices:
        sections.append(notices)
    footer = DONE_FOOTER + (" · checked against its sources" if answer.mode == "llm" else "")
    return build_messages(
        title=question_title(answer.question),
        description=answer_body(answer) or ABSTAIN_TEXT,
        sections=sections,
        footer=footer,
        colour=ANSWER_COLOUR,
    )


def draft_embed(question: str, draft: str) -> discord.Embed:
    """The "writing..." state while a language model streams; transient, so a long draft is
    shortened (the final answer, rendered by :func:`answer_messages`, is complete)."""
    text = shorten(escape(draft), DESCRIPTION_LIMIT) if draft.strip() else "…"
    embed = discord.Embed(colour=DRAFT_COLOUR, title=question_title(question), description=text)
    embed.set_footer(text=WRITING_FOOTER)
    return embed


def passages_messages(question: str, citations: Sequence[Citation]) -> Messages:
    """The quoted passages behind an answer (Sources button), markdown escaped, one embed each."""
    if not citations:
        return build_messages(
            title="Sources", description="This answer has no sources.", colour=ABSTAIN_COLOUR
        )
    embeds: list[discord.Embed] = []
    for citation in citations:
        quote = _quote_pieces(citation.quote, DESCRIPTION_LIMIT)
        title = shorten(f"[{citation.n}] {citation.title or citation.document}", TITLE_LIMIT)
        kind = " · reader comment" if citation.kind is PassageKind.COMMENT else ""
        footer = shorten(f"{citation.document} · {format_date(citation.date)}{kind}", FOOTER_LIMIT)
        for i, piece in enumerate(quote or ["(empty passage)"]):
            embed = discord.Embed(
                colour=ANSWER_COLOUR,
                title=title if i == 0 else None,
                url=citation.url if i == 0 else None,
                description=piece,
            )
            if i == len(quote) - 1 or not quote:
                embed.set_footer(text=footer)
            embeds.append(embed)
    return group_embeds(embeds)


def _quote_pieces(text: str, limit: int) -> list[str]:
    """Block-quoted, escaped pieces; each piece is a valid quote on its own."""
    escaped = escape(text.strip())
    pieces = split_text(escaped.replace("\n", "\n> "), limit - 2)
    return [piece if piece.startswith("> ") else f"> {piece}" for piece in pieces]


def question_problem_messages(problem: str, question: str) -> Messages:
    """A polite refusal that gives the member their question back, so nothing they typed is lost."""
    return build_messages(
        title=None,
        description=problem + ("\n\n" + escape(question) if question.strip() else ""),
        colour=ABSTAIN_COLOUR,
    )


def error_embed(reference: int | str) -> discord.Embed:
    return discord.Embed(
        colour=ERROR_COLOUR,
        description=(
            "Sorry, something went wrong while answering. Please try again in a moment "
            f"(reference `{reference}`)."
        ),
    )


# --- summaries ---------------------------------------------------------------------------------


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


def _timeline_line(entry: TimelineEntry) -> str:
    line = f"`{entry.date.isoformat()}` {escape(entry.text)} {markers(entry.citations)}"
    return line.rstrip()


def _summary_source_line(source: SummarySource) -> str:
    return source_line((source.n,), source.title or source.document, source.url, source.date)


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
    headline = escape(summary.headline.strip()) or "Summary"
    title = headline if len(headline) <= TITLE_LIMIT else "Summary"
    lines = [] if title == headline else [f"**{headline}**", ""]
    lines.append("**Key points**")
    for point in summary.points:
        lines.append(f"• {escape(point.text.strip())} {markers(point.citations)}".rstrip())
    sections = []
    if summary.unconfirmed:
        sections.append(
            Section(
                "⚠️ What is unconfirmed",
                tuple(
                    f"• **{NOTE_LABELS.get(item.kind, item.kind.value)}:** {escape(item.text)} "
                    f"{markers(item.citations)}".rstrip()
                    for item in summary.unconfirmed
                ),
            )
        )
    if summary.timeline:
        sections.append(
            Section(
                "🗓️ Timeline",
                tuple(
                    _timeline_line(entry)
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


# --- documents ---------------------------------------------------------------------------------


def document_line(doc: DocumentInfo) -> str:
    title = f" - {doc.title}" if doc.title and doc.title != doc.source else ""
    return f"{doc.source}{title} ({format_date(doc.date)}, {doc.chunks} chunks)"


def documents_listing(
    docs: Sequence[DocumentInfo], *, shown: int = 40
) -> tuple[Messages, str | None]:
    """An embed listing the first ``shown`` documents (newest first) and, when there are more, the
    full list as text for an attached file: even a 20,000-document store is listed without loss."""
    ordered = sorted(docs, key=lambda d: (d.date or dt.date.min, d.source), reverse=True)
    lines = [f"• {escape(document_line(d))}" for d in ordered[:shown]]
    if len(ordered) > shown:
        lines.append(f"… and {len(ordered) - shown} more (full list attached).")
    full = "\n".join(document_line(d) for d in ordered) + "\n" if len(ordered) > shown else None
    messages = build_messages(
        title=f"{len(ordered)} document{'s' if len(ordered) != 1 else ''} in the collection",
        description="\n".join(lines) if lines else "The collection is empty.",
        colour=SUMMARY_COLOUR,
        description_is_lines=True,
    )
    return messages, full
