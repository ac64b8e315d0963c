"""Readable, coloured terminal renderings of answers and summaries (rich renderables)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from retrieval.answer.citations import by_source
from retrieval.models import Answer, Citation, NoteKind, PassageKind, Summary

NOTE_LABELS = {
    NoteKind.UNCONFIRMED: ("Unconfirmed", "bold yellow"),
    NoteKind.OPINION: ("Opinion", "bold magenta"),
    NoteKind.DISPUTED: ("Disputed", "bold red"),
    NoteKind.SINGLE_SOURCE: ("Single source", "cyan"),
    NoteKind.UNDATED: ("Dates", "cyan"),
}
COMMENT_LABEL = ("Reader comment", "bold magenta")


def _markers(numbers: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _source_line(
    c: Citation | None, numbers: tuple[int, ...], title: str, date: str, link: str | None
) -> Text:
    line = Text(f"  {_markers(numbers)} ", style="bold")
    line.append(title or "(untitled)")
    line.append(f" - {date}", style="dim")
    if link:
        line.append(f"  {link}", style="underline blue")
    if c is not None:
        if c.kind is PassageKind.COMMENT:
            line.append(" · reader comment", style="magenta")
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
            label, style = NOTE_LABELS[note.kind]
            cited = [by_number[n] for n in note.citations if n in by_number]
            if (
                note.kind is NoteKind.OPINION
                and cited
                and all(c.kind is PassageKind.COMMENT for c in cited)
            ):
                label, style = COMMENT_LABEL
            line = Text(f"{label}: ", style=style)
            line.append(note.text)
            if note.citations:
                line.append(f" {_markers(note.citations)}", style="bold")
            parts.append(line)
    if answer.citations:
        parts.append(Text("\nSources", style="bold underline"))
        for numbers, c in by_source(answer.citations):
            date = c.date.isoformat() if c.date else "undated"
            parts.append(_source_line(c, numbers, c.title, date, c.url))
    return Group(*parts)


def render_summary(summary: Summary) -> RenderableType:
    parts: list[RenderableType] = [Text(summary.headline, style="bold")]
    if summary.empty:
        return Group(*parts)

    parts.append(Text("\nKey points", style="bold underline"))
    for point in summary.points:
        parts.append(Text(f"  • {point.text} {_markers(point.citations)}"))
    if summary.unconfirmed:
        parts.append(Text("\nWhat is unconfirmed", style="bold underline yellow"))
        for item in summary.unconfirmed:
            label, style = NOTE_LABELS[item.kind]
            line = Text(f"  • {label}: ", style=style)
            line.append(f"{item.text} {_markers(item.citations)}")
            parts.append(line)
    if summary.timeline:
        parts.append(Text("\nTimeline", style="bold underline"))
        for entry in summary.timeline:
            parts.append(
                Text(f"  {entry.date.isoformat()}  {entry.text} {_markers(entry.citations)}")
            )
    if summary.sources:
        parts.append(Text("\nSources", style="bold underline"))
        for s in summary.sources:
            date = s.date.isoformat() if s.date else "undated"
            parts.append(_source_line(None, (s.n,), s.title, date, s.url))
    return Group(*parts)
