"""Presentation rules both adapters share: what a note is called, how markers and dates read.

The terminal and Discord differ in styling only; the words a member or an operator reads (labels,
"undated", "reader comment", ``[1][3]``) are decided here once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from retrieval.models import Citation, NoteKind, PassageKind

NOTE_LABELS: dict[NoteKind, str] = {
    NoteKind.UNCONFIRMED: "Unconfirmed",
    NoteKind.OPINION: "Opinion",
    NoteKind.DISPUTED: "Disputed",
    NoteKind.SINGLE_SOURCE: "Single source",
    NoteKind.UNDATED: "Dates",
}
READER_COMMENT = "Reader comment"
COMMENT_SUFFIX = " · reader comment"
UNDATED = "undated"
UNTITLED = "untitled"


def markers(numbers: Sequence[int]) -> str:
    """``[1][3]``: the citation markers as they appear in answers and source lists."""
    return "".join(f"[{n}]" for n in numbers)


def format_date(date: dt.date | None) -> str:
    return date.isoformat() if date else UNDATED


def note_label(kind: NoteKind, cited: Sequence[Citation] = ()) -> str:
    """The label of a note; opinion resting only on readers' comments is called what it is."""
    if kind is NoteKind.OPINION and is_reader_comment(cited):
        return READER_COMMENT
    return NOTE_LABELS.get(kind, kind.value.replace("_", " ").capitalize())


def is_reader_comment(cited: Sequence[Citation]) -> bool:
    return bool(cited) and all(c.kind is PassageKind.COMMENT for c in cited)


def comment_suffix(citation: Citation) -> str:
    return COMMENT_SUFFIX if citation.kind is PassageKind.COMMENT else ""


UNDATED_COLLECTION = (
    "None of these documents has a date, so answers cannot say how current they are."
)
