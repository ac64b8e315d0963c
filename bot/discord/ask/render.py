"""Answers as Discord embeds: the settled answer, the draft while a model writes, the passages."""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord

from bot.discord.embeds import (
    ABSTAIN_COLOUR,
    ANSWER_COLOUR,
    DESCRIPTION_LIMIT,
    DRAFT_COLOUR,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    Messages,
    Pages,
    Section,
    build_messages,
    citation_pages,
    escape,
    group_embeds,
    link_markers,
    linked_markers,
    source_line,
)
from bot.discord.textsplit import shorten, split_text
from bot.present import comment_suffix, format_date, markers, note_label
from retrieval.answer.citations import by_source
from retrieval.answer.extractive import ABSTAIN_TEXT as NOT_COVERED
from retrieval.models import Answer, AnswerSentence, Citation
from retrieval.safety import web_url

DONE_FOOTER = "✅ Done"
# Who answered, in words (``ask --json`` says it as ``mode``).
MODE_FOOTER = {
    "extractive": " · quoted from the sources",
    "llm": " · written by the language model, checked against its sources",
    "llm_fallback": " · quoted from the sources: the language model's answer could not be used",
}
WRITING_FOOTER = "✍️ writing..."
ABSTAIN_TEXT = (
    "I couldn't find anything about that in the news I have, so I'd rather not guess. "
    "Try rephrasing, or ask about another story."
)

_MARKER = re.compile(r"\[\d+\]")


def citation_line(numbers: Sequence[int], citation: Citation, pages: Pages | None = None) -> str:
    return source_line(
        numbers,
        citation.title or citation.document,
        citation.url,
        citation.date,
        suffix=comment_suffix(citation),
        pages=pages,
    )


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
    return link_markers(escape(raw.strip()), citation_pages(answer.citations))


def question_title(question: str) -> str:
    return shorten(escape(question), TITLE_LIMIT) or "Question"


def answer_messages(answer: Answer) -> Messages:
    """The final, settled answer: text with markers, visible notes, linked sources, notices."""
    notices = Section("ℹ️ Notice", tuple(escape(n) for n in answer.notices))
    if answer.abstained:
        # The engine's reason, when it has one beyond "not covered" ("The documents cover 2018,
        # not 2019."), follows the friendly sentence.
        reason = "" if answer.text in (NOT_COVERED, "") else f"\n\n{escape(answer.text)}"
        return build_messages(
            title=question_title(answer.question),
            description=ABSTAIN_TEXT + reason,
            sections=[notices] if answer.notices else [],
            footer=DONE_FOOTER,
            colour=ABSTAIN_COLOUR,
        )
    by_number = {c.n: c for c in answer.citations}
    pages = citation_pages(answer.citations)
    note_lines = []
    for note in answer.notes:
        cited = [by_number[n] for n in note.citations if n in by_number]
        label = note_label(note.kind, cited)
        suffix = f" {linked_markers(note.citations, pages)}" if note.citations else ""
        note_lines.append(f"**{label}:** {escape(note.text)}{suffix}")
    sections = []
    if note_lines:
        sections.append(Section("⚠️ Notes", tuple(note_lines)))
    if answer.citations:
        lines = tuple(
            citation_line(numbers, c, pages) for numbers, c in by_source(answer.citations)
        )
        sections.append(Section("Sources", lines))
    if answer.notices:
        sections.append(notices)
    footer = DONE_FOOTER + MODE_FOOTER.get(answer.mode, "")
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
        kind = comment_suffix(citation)
        footer = shorten(f"{citation.document} · {format_date(citation.date)}{kind}", FOOTER_LIMIT)
        for i, piece in enumerate(quote or ["(empty passage)"]):
            embed = discord.Embed(
                colour=ANSWER_COLOUR,
                title=title if i == 0 else None,
                url=web_url(citation.page or citation.url) if i == 0 else None,
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
