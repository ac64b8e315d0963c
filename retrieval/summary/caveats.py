"""Asking the claim assessor which candidate sentences are hedged, disputed or opinion.

Those sentences are kept out of the key points (a briefing must not state them as fact) and offered to
the "What is unconfirmed" list instead, with the kind the assessor gave.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from retrieval.models import NoteKind, PassageKind
from retrieval.summary.pool import SentenceCandidate

CAVEAT_KINDS = frozenset({NoteKind.UNCONFIRMED, NoteKind.OPINION, NoteKind.DISPUTED})


class HasValue(Protocol):
    @property
    def value(self) -> str: ...


class SentenceAssessor(Protocol):
    """The part of ``retrieval.claims.ClaimAssessor`` a summary needs (one sentence in its passage)."""

    def classify_passage_sentence(
        self, sentence: str, passage_text: str, kind: PassageKind
    ) -> HasValue: ...


def caveats(
    pool: Sequence[SentenceCandidate],
    ranked: Sequence[int],
    assessor: SentenceAssessor | None,
    *,
    budget: int,
) -> dict[int, NoteKind]:
    """Caveat kind for each of the best-ranked ``budget`` pool sentences the assessor flags.

    Without an assessor nothing is flagged (reader comments are still kept out of key points by the
    caller, because that does not need an assessor).
    """
    if assessor is None:
        return {}
    flagged: dict[int, NoteKind] = {}
    for index in ranked[:budget]:
        candidate = pool[index]
        kind = caveat_of(assessor, candidate.text, candidate)
        if kind is not None:
            flagged[index] = kind
    return flagged


def caveat_of(
    assessor: SentenceAssessor | None, text: str, candidate: SentenceCandidate
) -> NoteKind | None:
    """The caveat kind the assessor gives ``text`` read in ``candidate``'s passage, if any."""
    if assessor is None:
        return None
    status = assessor.classify_passage_sentence(text, candidate.chunk.text, candidate.chunk.kind)
    value = str(getattr(status, "value", status))
    return NoteKind(value) if value in CAVEAT_KINDS else None


def point_eligible(
    pool: Sequence[SentenceCandidate],
    ranked: Sequence[int],
    flagged: dict[int, NoteKind],
    assessor: SentenceAssessor | None,
    *,
    limit: int,
) -> list[int]:
    """The best ``limit`` sentences that may be stated as key points, in rank order.

    A point that borrows the sentence before it ("This unexpected development ...") is checked as a
    whole, so a hedge in the borrowed sentence keeps it out too.
    """
    chosen: list[int] = []
    for index in ranked:
        candidate = pool[index]
        if index in flagged or not candidate.can_be_point:
            continue
        if candidate.point_text != candidate.text and caveat_of(
            assessor, candidate.point_text, candidate
        ):
            continue
        chosen.append(index)
        if len(chosen) >= limit:
            break
    return chosen
