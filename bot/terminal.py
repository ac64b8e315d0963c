"""Readable, coloured terminal renderings of answers and summaries (rich renderables)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from bot.present import COMMENT_SUFFIX, READER_COMMENT, format_date, markers, note_label
from retrieval.answer.citations import by_source
from retrieval.models import Answer, Citation, NoteKind, PassageKind, Summary

NOTE_STYLES = {
    NoteKind.UNCONFIRMED: "bold yellow",
    NoteKind.OPINION: "bold magenta",
    NoteKind.DISPUTED: "bold red",
    NoteKind.SINGLE_SOURCE: "cyan",
    NoteKind.UNDATED: "cyan",
}
COMMENT_STYLE = "bold magenta"


def _source_line(
    c: Citation | None, numbers: tuple[int, ...], title: str, date: str, link: str | None
) -> Text:
    line = Text(f"  {markers(numbers)} ", style="bold")
    line.append(title or "(untitled)")
    line.append(f" - {date}", style="dim")
    if link:
        line.append(f"  {link}", style="underline blue")
    if c is not None:
        if c.kind is PassageKind.COMMENT:
            line.append(COMMENT_SUFFIX, style="magenta")
        line.append(f"  ({c.document})", style="dim")
    return line


def render_answer(answer: Answer) -> RenderableType:
    parts: list[RenderableType] = [Text(answer.text, style="dim" if answer.abstained else "")]
    for notice in answer.notices:
        parts.append(Text(notice, style="italic yellow"))
    if answer.notes:
        parts.append(Text(""))
        by_number = {c.n: c for c in answer.citations}
        for note in answer.notes:
            cited = [by_number[n] for n in note.citations if n in by_number]
            label = note_label(note.kind, cited)
            style = COMMENT_STYLE if label == READER_COMMENT else NOTE_STYLES[note.kind]
            line = Text(f"{label}: ", style=style)
            line.append(note.text)
            if note.citations:
                line.append(f" {markers(note.citations)}", style="bold")
            parts.append(line)
    if answer.citations:
        parts.append(Text("\nSources", style="bold underline"))
        for numbers, c in by_source(answer.citations):
            parts.append(_source_line(c, numbers, c.title, format_date(c.date), c.url))
    return Group(*parts)


def render_summary(summary: Summary) -> RenderableType:
    parts: list[RenderableType] = [Text(summary.headline, style="bold")]
    if summary.empty:
        return Group(*parts)

    parts.append(Text("\nKey points", style="bold underline"))
    for point in summary.points:
        parts.append(Text(f"  • {point.text} {markers(point.citations)}"))
    if summary.unconfirmed:
        parts.append(Text("\nWhat is unconfirmed", style="bold underline yellow"))
        for item in summary.unconfirmed:
            line = Text(f"  • {note_label(item.kind)}: ", style=NOTE_STYLES[item.kind])
            line.append(f"{item.text} {markers(item.citations)}")
            parts.append(line)
    if summary.timeline:
        parts.append(Text("\nTimeline", style="bold underline"))
        for entry in summary.timeline:
            parts.append(
                Text(f"  {entry.date.isoformat()}  {entry.text} {markers(entry.citations)}")
            )
    if summary.sources:
        parts.append(Text("\nSources", style="bold underline"))
        for s in summary.sources:
            parts.append(_source_line(None, (s.n,), s.title, format_date(s.date), s.url))
    return Group(*parts)
