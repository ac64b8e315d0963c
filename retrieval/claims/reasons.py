"""The reasons a member reads in a claim note, worded from the evidence behind it."""

from __future__ import annotations

from retrieval.claims.cues import Cue, CueKind
from retrieval.claims.disputes import Conflict
from retrieval.claims.evidence import UNTITLED, Evidence
from retrieval.models import PassageKind


def _says(conflict_side: str, kind: str) -> str:
    return conflict_side if kind == "negation" else f"says {conflict_side}"


def quote_phrases(phrases: list[str], limit: int = 2) -> str:
    unique = list(dict.fromkeys(phrases))[:limit]
    return ", ".join(f"“{p}”" for p in unique)


def opinion_reason(evidence: list[Evidence], own: tuple[str, ...]) -> str:
    if any(e.kind is PassageKind.COMMENT for e in evidence):
        return "it comes from a reader's comment, not from reporting"
    genre = next((e.genre for e in evidence if e.genre), "")
    if genre:
        return f"it comes from {genre}, not from news reporting"
    markers = [m for e in evidence for m in e.facts.opinion] + list(own)
    if not markers:
        return "the source words it as a view or an evaluation, not as reported fact"
    return f"the source gives it as opinion or speculation ({quote_phrases(markers)}), not as reported fact"


def unconfirmed_reason(
    reporting: list[Evidence],
    own: tuple[Cue, ...],
    plain: dict[str, str],
    hedged_elsewhere: dict[str, str],
) -> str:
    cues: list[Cue] = list(own)
    for e in reporting:
        cues.extend(e.facts.cues)
        cues.extend(e.learned_cues)
        for disclaimer in e.disclaimers:
            cues.extend(c for c in disclaimer.cues if c.kind is CueKind.UNCONFIRMED)
    parts = []
    by_kind = {kind: [c.phrase for c in cues if c.kind is kind] for kind in CueKind}
    if by_kind[CueKind.UNNAMED]:
        parts.append(
            f"attributes it to unnamed or vague sources ({quote_phrases(by_kind[CueKind.UNNAMED])})"
        )
    if by_kind[CueKind.HEDGE]:
        parts.append(f"hedges it ({quote_phrases(by_kind[CueKind.HEDGE])})")
    if by_kind[CueKind.UNCONFIRMED]:
        doubts = sorted(by_kind[CueKind.UNCONFIRMED], key=lambda p: "confirm" not in p.lower())
        parts.append(f"says it is not confirmed ({quote_phrases(doubts)})")
    subject = "the sources" if len({e.doc_id for e in reporting}) > 1 else "the source"
    reason = f"{subject} {join_phrases(parts) or 'hedges it'}"
    if plain:
        reason += f"; only {documents_phrase(list(plain.values()))} reports it plainly"
    elif hedged_elsewhere:
        others = list(hedged_elsewhere.values())
        verb = "reports" if len(others) == 1 else "report"
        reason += f"; {documents_phrase(others)} also {verb} it only with caveats"
    return reason


def documents_phrase(names: list[str]) -> str:
    """One name per document, joined: "“A” and 2 untitled documents", never one name twice."""
    untitled = sum(1 for n in names if n == UNTITLED)
    shown = sorted(dict.fromkeys(n for n in names if n != UNTITLED))
    if untitled:
        shown.append(UNTITLED if untitled == 1 else f"{untitled} untitled documents")
    return join_phrases(shown)


def join_phrases(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def dispute_reason(
    refs: tuple[int, ...], names: tuple[str, ...], other: str, conflict: Conflict
) -> str:
    """What each side says: "sources disagree: “A” says 500 cars; “B” says 800 cars"."""
    mine = documents_phrase(list(names)) or "the cited source"
    other = "another document" if other == UNTITLED else other
    if other == mine:
        mine, other = "one passage", "another passage of it"
    kind = conflict.kind
    return (
        f"sources disagree: {mine} {_says(conflict.mine, kind)}; "
        f"{other} {_says(conflict.theirs, kind)}"
    )
