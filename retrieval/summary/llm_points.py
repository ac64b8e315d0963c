"""Key points written by a language model: map over batches of passages, reduce, then verify.

The model sees the bounded, representative selection only, in batches that fit its window (map), and
merges the batch notes into one list (reduce). Every sentence it writes then goes through the same
verification as LLM answers (``retrieval.llm.verify``): a sentence no cited passage supports is re-cited
or dropped. Anything going wrong (model down, nothing verified) returns None and the caller falls back
to the extractive points, so a summary is never worse than offline.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from retrieval.calibration import calibration_for
from retrieval.interfaces import Embedder
from retrieval.llm.drafts import split_draft
from retrieval.llm.support import SupportScorer
from retrieval.llm.verify import verify
from retrieval.models import Chunk, NoteKind, Passage, PassageKind
from retrieval.summary.caveats import SentenceAssessor
from retrieval.summary.keypoints import Draft

log = logging.getLogger(__name__)

NO_POINTS = "NO_POINTS"
_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")
_LABEL = re.compile(
    r"^\s*\(?(unconfirmed|opinion|disputed)\)?\s*[:\-–]\s*|\s*\((unconfirmed|opinion|disputed)\)",
    re.IGNORECASE,
)


class SummaryLLM(Protocol):
    """What the summariser needs from a language model; numbers are 1-based into ``passages``."""

    def map(self, topic: str, passages: Sequence[Passage]) -> list[str]:
        """Point lines, each ending with ``[n]`` markers numbering ``passages`` from 1."""
        ...

    def reduce(self, topic: str, points: Sequence[str]) -> str:
        """One merged list of point lines, markers kept as given."""
        ...


def renumber(line: str, offset: int) -> str:
    """Shift every ``[n]`` marker of a batch-local line by ``offset`` (batch 2 starts after batch 1)."""

    def shift(match: re.Match[str]) -> str:
        numbers = [int(n) + offset for n in re.split(r"\s*[,;]\s*", match.group(1))]
        return "".join(f"[{n}]" for n in numbers)

    return _MARKER.sub(shift, line)


def point_lines(text: str) -> list[str]:
    return [
        _BULLET.sub("", line).strip()
        for line in text.splitlines()
        if line.strip() and line.strip() != NO_POINTS
    ]


@dataclass(frozen=True)
class LLMPoints:
    points: list[Draft]
    unconfirmed: list[Draft]


@dataclass(frozen=True)
class NoPoints:
    """Why the model's points were not used: the summary says so and is written extractively."""

    reason: str


def llm_points(
    llm: SummaryLLM,
    topic: str,
    passages: Sequence[Chunk],
    *,
    scorer: SupportScorer,
    embedder: Embedder,
    assessor: SentenceAssessor | None,
    max_points: int,
    min_points: int,
) -> LLMPoints | NoPoints:
    """Verified points (and model-labelled or assessor-flagged caveats), or why to fall back."""
    numbered = [Passage(chunk, 1.0) for chunk in passages]
    try:
        mapped = llm.map(topic, numbered)
        if not mapped:
            return NoPoints("the model found no points in the passages")
        reduced = llm.reduce(topic, mapped) if len(mapped) > 1 else f"- {mapped[0]}"
    except Exception as error:  # a model failure must cost the member nothing but the prose
        return NoPoints(f"model unavailable: {error}")
    lines = [(_label(line), _LABEL.sub(" ", line).strip()) for line in point_lines(reduced)]
    checked = verify("\n".join(text for _, text in lines), numbered, scorer)
    if checked.abstained or checked.unverified:
        return NoPoints("no point of the model's reply was supported")
    by_chunk = {c.chunk_id: c for c in passages}
    kept = {
        s.text: [by_chunk[checked.citations[n - 1].chunk_id] for n in s.citations]
        for s in checked.sentences
    }
    points: list[Draft] = []
    caveats: list[Draft] = []
    for label, line in lines:
        # Split as verify split it (bare numbers read as citations), so the texts match.
        split = split_draft(line, sources=len(numbered))
        sentences = [s.text for s in split if s.text in kept][:2]  # a point: 1-2
        if not sentences:
            continue
        chunks = list(dict.fromkeys(c for s in sentences for c in kept[s]))
        text = " ".join(sentences)
        kind = label or _assessed(assessor, text, chunks)
        if kind is None and all(c.kind is PassageKind.COMMENT for c in chunks):
            kind = NoteKind.OPINION  # readers' voices are never stated as key points
        (caveats if kind else points).append(Draft(text, kind=kind, chunks=chunks))
    points = _without_repeats(points, embedder)[:max_points]
    if len(points) < min_points:
        return NoPoints(f"only {len(points)} of the model's points were supported")
    return LLMPoints(points, caveats)


def _label(line: str) -> NoteKind | None:
    match = _LABEL.search(line)
    if not match:
        return None
    return NoteKind((match.group(1) or match.group(2)).lower())


def _assessed(
    assessor: SentenceAssessor | None, text: str, chunks: Sequence[Chunk]
) -> NoteKind | None:
    if assessor is None or not chunks:
        return None
    for chunk in chunks:
        status = assessor.classify_passage_sentence(text, chunk.text, chunk.kind)
        value = str(getattr(status, "value", status))
        if value in {k.value for k in (NoteKind.UNCONFIRMED, NoteKind.OPINION, NoteKind.DISPUTED)}:
            return NoteKind(value)
    return None


def _without_repeats(points: list[Draft], embedder: Embedder) -> list[Draft]:
    """Merge points the model repeated (cosine above the redundancy bar), keeping all their sources."""
    if len(points) < 2:
        return points
    vectors = embedder.embed_batch([p.text for p in points])
    same_point = calibration_for(embedder.name).same_point
    kept: list[int] = []
    for i, point in enumerate(points):
        twin = next((k for k in kept if float(vectors[i] @ vectors[k]) > same_point), None)
        if twin is None:
            kept.append(i)
        else:
            points[twin].chunks.extend(c for c in point.chunks if c not in points[twin].chunks)
    return [points[k] for k in kept]
