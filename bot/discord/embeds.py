"""Laying text out as Discord embeds within Discord's limits: pure functions, no I/O.

Every function returns *messages*: a list of messages, each a list of embeds that together respect
Discord's per-message limits (10 embeds, 6,000 characters). The rules that protect the server
(escaping, no link previews) live here, so ``/ask``, mentions and ``/summary`` cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import discord

from bot.discord.textsplit import pack_lines, shorten, split_text
from bot.present import UNTITLED, format_date
from retrieval.safety import web_url

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
FIELDS_PER_EMBED = 25

ANSWER_COLOUR = discord.Colour.blurple()
DRAFT_COLOUR = discord.Colour.gold()
ABSTAIN_COLOUR = discord.Colour.light_grey()
SUMMARY_COLOUR = discord.Colour.green()
ERROR_COLOUR = discord.Colour.red()

Messages = list[list[discord.Embed]]


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


_ESCAPED_MARKER = re.compile(r"\\?\[(\d+)\]")  # "[3]" as escape() leaves it, or "\\[3]"

Pages = Mapping[int, str]  # citation number -> its source page (NEWSBOT_PUBLIC_URL)


def citation_pages(cited: Sequence[object]) -> dict[int, str]:
    """The source page of each citation (or summary source) that has one, by its number."""
    pages: dict[int, str] = {}
    for c in cited:
        page = web_url(getattr(c, "page", None))
        if page:
            pages[int(getattr(c, "n"))] = page  # noqa: B009 - Citation and SummarySource alike
    return pages


def linked_markers(numbers: Sequence[int], pages: Pages) -> str:
    """``[1][3]``, each a link to the cited passage where it has a source page."""
    return "".join(f"[\\[{n}\\]](<{pages[n]}>)" if n in pages else f"[{n}]" for n in numbers)


def link_markers(escaped: str, pages: Pages) -> str:
    """Escaped text whose ``[n]`` markers open the passage they cite (no change without pages)."""
    if not pages:
        return escaped
    return _ESCAPED_MARKER.sub(lambda m: linked_markers((int(m[1]),), pages), escaped)


def source_line(
    numbers: Sequence[int],
    title: str,
    url: str | None,
    date: dt.date | None,
    *,
    suffix: str = "",
    pages: Pages | None = None,
) -> str:
    """``[1][3] title - date``; the title links to ``<url>`` if any (angle brackets: no preview),
    else to its source page; the markers link to the cited passages."""
    pages = pages or {}
    label = _link_text(shorten(title or UNTITLED, 200))
    # again here: a store may hold URLs ingested before they were checked
    link = web_url(url) or next((pages[n] for n in numbers if n in pages), None)
    linked = f"[{label}](<{link}>)" if link else label
    return f"{linked_markers(numbers, pages)} {linked} - {format_date(date)}{suffix}"


def _new_embed(
    colour: discord.Colour, title: str | None = None, url: str | None = None
) -> discord.Embed:
    return discord.Embed(colour=colour, title=title, url=web_url(url))


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


def notice_messages(problem: str, echo: str = "") -> Messages:
    """A polite refusal; ``echo`` gives the member back what they typed, so nothing is lost."""
    return build_messages(
        title=None,
        description=problem + ("\n\n" + escape(echo) if echo.strip() else ""),
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
