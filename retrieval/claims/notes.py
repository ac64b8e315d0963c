"""Turning assessments into the notes a member sees: few, specific, and never one on every sentence.

Warnings (unconfirmed, opinion, disputed) get one note per sentence. "Single source" is informational: one
aggregated note for the whole answer, and only when a substantive statement (a figure, a date or a named
actor) rests on one document. Date notes: any cited source without a date is named in an ``undated`` note;
when the question depends on time ("latest", "now", ...) the date of the newest source is stated, inside the
``undated`` note when there is one, otherwise as a note of the informational kind ``single_source`` (the
JSON contract has no separate "dated" kind; ``single_source`` is the one light, non-warning kind).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.claims.evidence import display_name
from retrieval.claims.reasons import documents_phrase
from retrieval.claims.types import ClaimAssessment, ClaimStatus
from retrieval.models import Chunk, Citation, Note, NoteKind

_TIME_DEPENDENT = re.compile(
    r"\b(?:latest|newest|now|nowadays|currently|current|recent|recently|today|tonight|yesterday|so\s+far|"
    r"this\s+(?:week|month|year|morning|weekend)|these\s+days|at\s+the\s+moment|as\s+of|up\s+to\s+date|"
    r"still|any\s+news|new\s+developments?|updates?)\b",
    re.IGNORECASE,
)
_SUBSTANTIVE = re.compile(
    r"\d|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|\s[A-Z][a-z]+|\b[a-z]{3,}ed\b"
)
# Note texts carry neither a label nor [n] markers: the JSON has ``kind`` and ``citations`` for
# those, and each renderer (terminal, Discord) adds them in its own style.
_WARNINGS = {
    ClaimStatus.UNCONFIRMED: NoteKind.UNCONFIRMED,
    ClaimStatus.OPINION: NoteKind.OPINION,
    ClaimStatus.DISPUTED: NoteKind.DISPUTED,
}


def is_time_dependent(question: str) -> bool:
    return bool(_TIME_DEPENDENT.search(question))


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def build_notes(
    question: str,
    assessments: Sequence[ClaimAssessment],
    citations: Sequence[Citation],
    *,
    dated_collection: bool = True,
) -> tuple[Note, ...]:
    """The notes for one answer. ``dated_collection`` False: no document of the collection has
    a date, which is said once where the collection is listed, not on every answer."""
    notes: list[Note] = []
    seen: set[tuple[NoteKind, str]] = set()
    extra: list[Citation] = []  # the other side of a dispute, when the answer did not cite it
    for a in assessments:
        if a.status not in _WARNINGS:
            continue
        kind = _WARNINGS[a.status]
        text = _sentence_case(a.reason)
        text = text if text.endswith((".", "!", "?", "”.")) else f"{text}."
        refs = set(a.citations)
        sources: tuple[Citation, ...] = ()
        if a.against is not None:
            other = _citation_of(a.against, [*citations, *extra])
            refs.add(other.n)
            if all(c.n != other.n for c in citations):
                extra.append(other)
                sources = (other,)
        if (kind, text) not in seen:
            seen.add((kind, text))
            notes.append(Note(kind, text, tuple(sorted(refs)), a.sentence, sources))
    single = _single_source_note(assessments, citations)
    if single is not None:
        notes.append(single)
    if dated_collection:
        notes.extend(_date_notes(question, assessments, citations))
    return tuple(notes)


def _single_source_note(
    assessments: Sequence[ClaimAssessment], citations: Sequence[Citation]
) -> Note | None:
    singles = [
        a
        for a in assessments
        if a.status is ClaimStatus.SINGLE_SOURCE and a.citations and _substantive(a.sentence)
    ]
    if not singles:
        return None
    numbers = tuple(sorted({n for a in singles for n in a.citations}))
    names, count = _documents_named([c for c in citations if c.n in numbers])
    reporting = [
        a for a in assessments if a.status in (ClaimStatus.SINGLE_SOURCE, ClaimStatus.CORROBORATED)
    ]
    if len(singles) == len(reporting) and count == 1:
        text = f"This rests on one document only: {names}."
    elif len(singles) == 1 and count == 1:
        text = f"One statement rests on a single document: {names}."
    else:
        text = f"{len(singles)} statements each rest on a single document."
    sentence = singles[0].sentence if len(singles) == 1 else ""
    return Note(NoteKind.SINGLE_SOURCE, text, numbers, sentence)


def _citation_of(chunk: Chunk, known: Sequence[Citation]) -> Citation:
    """The citation quoting ``chunk``: an existing one, or the next number for a new one."""
    for c in known:
        if c.chunk_id and c.chunk_id == chunk.chunk_id:
            return c
    return Citation.of(max((c.n for c in known), default=0) + 1, chunk)


def _documents_named(citations: Sequence[Citation]) -> tuple[str, int]:
    """(phrase, how many documents): distinct documents as a note names them."""
    names: dict[str, str] = {}
    for c in citations:
        names.setdefault(c.document, citation_name(c))
    return documents_phrase(list(names.values())), len(names)


def citation_name(c: Citation) -> str:
    """A cited document as a note names it (its title or domain, never its file name)."""
    return display_name(c.title, c.url)


def _substantive(sentence: str) -> bool:
    """A statement worth a provenance note: it names someone, gives a figure or a date, or says
    something happened (a verb in the past); "the implications extend beyond" is not one."""
    return len(sentence.split()) >= 6 and bool(_SUBSTANTIVE.search(sentence))


def _date_notes(
    question: str, assessments: Sequence[ClaimAssessment], citations: Sequence[Citation]
) -> list[Note]:
    used = {n for a in assessments for n in a.citations} or {c.n for c in citations}
    cited = [c for c in citations if c.n in used]
    if not cited:
        return []
    undated = [c for c in cited if c.date is None]
    dated = [c for c in cited if c.date is not None]
    newest = max(dated, key=lambda c: (c.date, c.n)) if dated else None
    timely = is_time_dependent(question)
    latest = ""
    if timely and newest is not None and newest.date is not None:
        latest = f"the newest source used is from {newest.date.isoformat()}"
    if undated:
        names, count = _documents_named(undated)
        verb = "has" if count == 1 else "have"
        text = f"{_sentence_case(names)} {verb} no date"
        if timely:
            text += (
                f", so {'it' if len(undated) == 1 else 'they'} may not be current; {latest}"
                if latest
                else ", and no source used is dated"
            )
        refs = tuple(sorted({c.n for c in undated} | ({newest.n} if latest and newest else set())))
        return [Note(NoteKind.UNDATED, text + ".", refs)]
    if latest:
        return [
            Note(
                NoteKind.UNDATED,  # the date note: the JSON contract's kind for source dates
                f"As of {newest.date.isoformat() if newest and newest.date else ''}: {latest}.",
                (newest.n,) if newest else (),
            )
        ]
    return []
