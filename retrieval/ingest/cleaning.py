"""Raw text to the cleaned text and blocks a Document carries.

Cleaning is deliberately conservative: a line is dropped only when it is recognisably site furniture
(download-site promos, share bars, a summariser bot's footer, video calls to action, the wire's sign-off).
Losing a real sentence costs an answer, while a stray promo line merely costs a little retrieval noise.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.ingest.comments import classify_lines
from retrieval.models import Block, PassageKind

BLOCK_SEPARATOR = "\n\n"

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TABLE_GAP = "   "  # three spaces inside a stripped line: columns of a table
_LIST_OR_HEADING = re.compile(r"\s*(?:[-*+•]\s|\d+[.)]\s|#)")
_WRAP_WIDTH = 80
_WRAPPED_SHARE = 0.8
_MIN_WRAPPED_LINES = 3
_MID_SENTENCE_SHARE = 0.5
_SENTENCE_ENDS = tuple(".!?:;\"”’')")

# Whole lines that are site furniture. Each is anchored on wording no news sentence uses.
_FURNITURE_LINES = (
    # "91download.com supports a wide range of platforms ... download the current video"
    re.compile(r"(?:[\w-]+\.)+[a-z]{2,6}\s+supports\b.*\bdownload\b.*", re.IGNORECASE),
    re.compile(r"(?=.*\bclick the download button below\b).*", re.IGNORECASE | re.DOTALL),
    # share bars: "Share on Twitter Share on Facebook"
    re.compile(
        r"(?:share(?: this(?: article| story)?)?(?: on| via| to)?\s+"
        r"(?:twitter|facebook|linkedin|whatsapp|reddit|email|pinterest|telegram|x)\b[\s|·•,]*)+",
        re.IGNORECASE,
    ),
    # summariser bots announce themselves before the summary
    re.compile(r"this is the best summary i could come up with:?", re.IGNORECASE),
)
_BOT_FOOTER = re.compile(
    r"the original article contains [\d,]+ words, the summary contains [\d,]+ words\."
    r"(?:\s*saved \d+%\.)?(?:\s*i['’]?m a bot and i['’]?m open source!?)?",
    re.IGNORECASE,
)
# Reuters stories end with "Reuter", alone on the last line or after the last sentence.
_WIRE_SIGN_OFF = re.compile(r"(?:^|(?<=[.!?)\]\"”'\d])\s+)(?:Reuter|REUTER)$")

# Sentences that only tell a viewer where to click next.
_CALL_TO_ACTION = (
    re.compile(r"\bcheck out our\b[^.!?]{0,60}\b(?:video|videos|channel|playlist)\b", re.I),
    re.compile(r"\b(?:in|from) our video library\b", re.I),
    re.compile(r"\b(?:like and subscribe|subscribe to (?:our|my|the) channel)\b", re.I),
    re.compile(r"\bhit the (?:notification )?bell\b", re.I),
    re.compile(r"\bthanks for watching\b", re.I),
)
# Cheap substring tests first: almost no line is furniture, and the patterns are costly on long lines.
_FURNITURE_WORDS = ("download", "share", "summary")
_CALL_TO_ACTION_WORDS = ("check out our", "video library", "subscribe", "bell", "for watching")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[\"“'‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Line:
    """One line of cleaned text and the paragraph it belongs to (blank lines separate paragraphs)."""

    text: str
    paragraph: int


@dataclass(frozen=True)
class CleanText:
    """The cleaned lines, and where reader comments begin if a summariser footer was found."""

    lines: tuple[Line, ...]
    footer_at: int | None  # index into ``lines`` of the first line after a bot footer


def _is_wrapped(lines: Sequence[str]) -> bool:
    """Hard-wrapped newswire paragraphs: most lines stop short of a fixed width."""
    if len(lines) < _MIN_WRAPPED_LINES:
        return False
    body = [line for line in lines[:-1] if line.strip()]
    if not body or any(len(line) > _WRAP_WIDTH + 10 for line in body):
        return False
    short = sum(1 for line in body if len(line.rstrip()) <= _WRAP_WIDTH)
    # Wrapping breaks lines mid-sentence; a list of short sentences or comments ends each line.
    mid_sentence = sum(1 for line in body if line.rstrip()[-1:] not in _SENTENCE_ENDS)
    return short / len(body) >= _WRAPPED_SHARE and mid_sentence / len(body) >= _MID_SENTENCE_SHARE


def _unwrap(paragraph: str) -> str:
    """Join hard-wrapped lines; an indented, tabular or list line still starts a new line."""
    lines = paragraph.split("\n")
    if not _is_wrapped(lines):
        return paragraph
    out = [lines[0]]
    for previous, line in itertools.pairwise(lines):
        starts_new = (
            not line.strip()
            or not previous.strip()
            or line[:1].isspace()
            or _LIST_OR_HEADING.match(line) is not None
            or _TABLE_GAP in line.strip()
            or _TABLE_GAP in previous.strip()
        )
        if starts_new:
            out.append(line)
        else:
            out[-1] = out[-1].rstrip() + " " + line.strip()
    return "\n".join(out)


def normalise(raw: str) -> str:
    """Unify line ends and spaces and unwrap hard-wrapped paragraphs, keeping paragraph breaks."""
    text = _INVISIBLE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = re.split(r"\n[ \t]*\n", text)
    out: list[str] = []
    for paragraph in paragraphs:
        unwrapped = _unwrap(paragraph)
        # str.split() splits on every Unicode space (no-break, thin, ideographic) and is fast
        lines = [" ".join(line.split()) for line in unwrapped.split("\n")]
        kept = "\n".join(line for line in lines if line)
        if kept:
            out.append(kept)
    return "\n\n".join(out)


def _is_furniture(line: str) -> bool:
    lower = line.lower()
    if not any(word in lower for word in _FURNITURE_WORDS):
        return False
    return any(pattern.fullmatch(line) for pattern in _FURNITURE_LINES)


def _strip_calls_to_action(line: str) -> str:
    lower = line.lower()
    if not any(word in lower for word in _CALL_TO_ACTION_WORDS):
        return line
    if not any(pattern.search(line) for pattern in _CALL_TO_ACTION):
        return line
    sentences = _SENTENCE_BREAK.split(line)
    kept = [s for s in sentences if not any(p.search(s) for p in _CALL_TO_ACTION)]
    return " ".join(kept)


def strip_boilerplate(text: str) -> CleanText:
    """Drop furniture lines from normalised text; a bot footer is dropped but remembered."""
    lines: list[Line] = []
    footer_at: int | None = None
    for number, paragraph in enumerate(text.split("\n\n")):
        for raw_line in paragraph.split("\n"):
            if "original article" in raw_line.lower() and _BOT_FOOTER.fullmatch(raw_line):
                if footer_at is None:
                    footer_at = len(lines)
                continue
            if _is_furniture(raw_line):
                continue
            line = _strip_calls_to_action(raw_line).strip()
            if line:
                lines.append(Line(line, number))
    if lines:
        last = _WIRE_SIGN_OFF.sub("", lines[-1].text)
        if last != lines[-1].text:
            lines[-1] = Line(last, lines[-1].paragraph)
            if not last:
                lines.pop()
    if footer_at is not None and footer_at > len(lines):
        footer_at = len(lines)
    return CleanText(tuple(lines), footer_at)


def assemble(lines: Sequence[Line], kinds: Sequence[PassageKind]) -> tuple[str, tuple[Block, ...]]:
    """Group consecutive lines of one kind into blocks; keep paragraph breaks inside a block."""
    groups: list[tuple[PassageKind, list[Line]]] = []
    for line, kind in zip(lines, kinds, strict=True):
        if groups and groups[-1][0] is kind:
            groups[-1][1].append(line)
        else:
            groups.append((kind, [line]))
    blocks: list[Block] = []
    offset = 0
    for kind, members in groups:
        parts = [members[0].text]
        for previous, line in itertools.pairwise(members):
            parts.append("\n\n" if line.paragraph != previous.paragraph else "\n")
            parts.append(line.text)
        block_text = "".join(parts)
        blocks.append(Block(text=block_text, kind=kind, start=offset))
        offset += len(block_text) + len(BLOCK_SEPARATOR)
    return BLOCK_SEPARATOR.join(block.text for block in blocks), tuple(blocks)


def build_blocks(lines: Sequence[Line], footer_at: int | None) -> tuple[str, tuple[Block, ...]]:
    """Mark reader comments (only in forum-like texts) and lay the lines out as blocks."""
    kinds = classify_lines([line.text for line in lines], footer_at)
    return assemble(lines, kinds)
