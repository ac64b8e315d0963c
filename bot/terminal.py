"""Readable, coloured terminal renderings of answers and summaries (rich renderables)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.markup import escape
from rich.text import Text

from bot.present import (
    COMMENT_SUFFIX,
    READER_COMMENT,
    UNDATED_COLLECTION,
    format_date,
    markers,
    note_label,
)
from retrieval.answer.citations import by_source
from retrieval.factcheck import CheckedSentence
from retrieval.interfaces import EngineAPI
from retrieval.models import (
    Answer,
    Citation,
    DocumentInfo,
    NoteKind,
    PassageKind,
    SearchFilters,
    Summary,
)
from retrieval.safety import strip_controls

NOTE_STYLES = {
    NoteKind.UNCONFIRMED: "bold yellow",
    NoteKind.OPINION: "bold magenta",
    NoteKind.DISPUTED: "bold red",
    NoteKind.SINGLE_SOURCE: "cyan",
    NoteKind.UNDATED: "cyan",
}
COMMENT_STYLE = "bold magenta"


def shown(text: str) -> str:
    """A document's name or title inside rich markup: no control sequences, no markup of its own."""
    return escape(strip_controls(text))


def _clean(text: str | None) -> str:
    """Document text reaches the terminal without its control sequences (stores built before
    ingest stripped them may still hold some)."""
    return strip_controls(text or "")


def _source_line(
    c: Citation | None,
    numbers: tuple[int, ...],
    title: str,
    date: str,
    link: str | None,
    page: str | None = None,
) -> Text:
    line = Text(f"  {markers(numbers)} ", style="bold")
    line.append(_clean(title) or "(untitled)")
    line.append(f" - {date}", style="dim")
    for address in dict.fromkeys(a for a in (link, page) if a):  # the original, then the passage
        line.append(f"  {_clean(address)}", style="underline blue")
    if c is not None:
        if c.kind is PassageKind.COMMENT:
            line.append(COMMENT_SUFFIX, style="magenta")
        line.append(f"  ({_clean(c.document)})", style="dim")
    return line


def render_answer(answer: Answer) -> RenderableType:
    parts: list[RenderableType] = [
        Text(_clean(answer.text), style="dim" if answer.abstained else "")
    ]
    for notice in answer.notices:
        parts.append(Text(_clean(notice), style="italic yellow"))
    if answer.notes:
        parts.append(Text(""))
        by_number = {c.n: c for c in answer.citations}
        for note in answer.notes:
            cited = [by_number[n] for n in note.citations if n in by_number]
            label = note_label(note.kind, cited)
            style = COMMENT_STYLE if label == READER_COMMENT else NOTE_STYLES[note.kind]
            line = Text(f"{label}: ", style=style)
            line.append(_clean(note.text))
            if note.citations:
                line.append(f" {markers(note.citations)}", style="bold")
            parts.append(line)
    if answer.citations:
        parts.append(Text("\nSources", style="bold underline"))
        for numbers, c in by_source(answer.citations):
            parts.append(_source_line(c, numbers, c.title, format_date(c.date), c.url, c.page))
    return Group(*parts)


def render_summary(summary: Summary) -> RenderableType:
    parts: list[RenderableType] = [Text(_clean(summary.headline), style="bold")]
    if summary.empty:
        return Group(*parts)

    parts.append(Text("\nKey points", style="bold underline"))
    for point in summary.points:
        parts.append(Text(f"  • {_clean(point.text)} {markers(point.citations)}"))
    if summary.unconfirmed:
        parts.append(Text("\nWhat is unconfirmed", style="bold underline yellow"))
        for item in summary.unconfirmed:
            line = Text(f"  • {note_label(item.kind)}: ", style=NOTE_STYLES[item.kind])
            line.append(f"{_clean(item.text)} {markers(item.citations)}")
            parts.append(line)
    if summary.timeline:
        parts.append(Text("\nTimeline", style="bold underline"))
        for entry in summary.timeline:
            parts.append(
                Text(f"  {entry.date.isoformat()}  {_clean(entry.text)} {markers(entry.citations)}")
            )
    if summary.sources:
        parts.append(Text("\nSources", style="bold underline"))
        for s in summary.sources:
            parts.append(_source_line(None, (s.n,), s.title, format_date(s.date), s.url, s.page))
    return Group(*parts)


KIND_STYLES = {"unconfirmed": "bold yellow", "opinion": "bold magenta", "reported": "green"}


def render_check(sentences: Sequence[CheckedSentence]) -> RenderableType:
    """``newsbot check``: each sentence with its kind and cues, then who backs or disputes it."""
    parts: list[RenderableType] = []
    for i, s in enumerate(sentences, start=1):
        line = Text(f"{i}. ")
        line.append(s.kind, style=KIND_STYLES.get(s.kind, ""))
        if s.cues:
            line.append(f" ({', '.join(_clean(c) for c in s.cues)})", style="dim")
        line.append(f"  {_clean(s.text)}")
        parts.append(line)
        for label, cited, style in (
            ("backed by", s.corroborated_by, "green"),
            ("disputed by", s.disputed_by, "bold red"),
        ):
            for c in cited:
                row = Text(f"     {label} ", style=style)
                row.append(f"[{c.n}] {_clean(c.title) or '(untitled)'} - {format_date(c.date)}")
                row.append(f": “{_clean(c.quote)}”", style="dim")
                parts.append(row)
        if not s.corroborated_by and not s.disputed_by and s.kind != "opinion":
            parts.append(Text("     no document in the collection says this", style="dim"))
    return Group(*parts)


def print_documents(docs: Sequence[DocumentInfo], out: Console, err: Console) -> None:
    """``newsbot documents``: one line per document on ``out``, the count on ``err``."""
    for d in docs:
        date = format_date(d.date)
        shared = ", shared" if d.shared else ""
        out.print(
            f"[bold]{shown(d.source)}[/]  {shown(d.title)}  [dim]{date}, {d.chunks} chunks{shared}[/]"
        )
    err.print(f"{len(docs)} documents", highlight=False)
    if docs and all(d.date is None for d in docs):
        err.print(UNDATED_COLLECTION, highlight=False)


def stream_to_terminal(
    engine: EngineAPI, question: str, filters: SearchFilters, out: Console
) -> None:
    """The answer as it is written (dim, replaced in place), then the finished answer."""
    stream = engine.stream(question, filters=filters)
    with Live(Text(""), console=out, transient=True, auto_refresh=False) as live:
        for draft in stream:
            live.update(Text(draft + " …", style="dim"), refresh=True)
    out.print(render_answer(stream.answer()))
