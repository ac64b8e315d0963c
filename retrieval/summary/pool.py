"""The sentences a summary chooses from: every quotable sentence of the selected passages, once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.models import Chunk, PassageKind
from retrieval.summary.quotable import (
    is_point_material,
    is_quotable,
    quotable_split,
    starts_anaphoric,
    word_count,
)

MIN_POINT_WORDS = 8  # a key point shorter than this is a fragment or a slogan


@dataclass(frozen=True)
class SentenceCandidate:
    """A sentence and the passage it came from; ``previous`` is the sentence before it, if quotable."""

    text: str
    chunk: Chunk
    index: int  # order of the sentence in its passage
    previous: str
    weight: float  # relevance of the passage it came from, in (0, 1]

    @property
    def is_comment(self) -> bool:
        return self.chunk.kind is PassageKind.COMMENT

    @property
    def point_text(self) -> str:
        """The text a key point shows: the sentence, with the one before it when it opens with "This"."""
        if self.previous and starts_anaphoric(self.text):
            return f"{self.previous} {self.text}"
        return self.text

    @property
    def can_be_point(self) -> bool:
        return (
            not self.is_comment
            and is_point_material(self.text)
            and word_count(self.text) >= MIN_POINT_WORDS
        )


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def sentence_pool(passages: Sequence[tuple[Chunk, float]]) -> list[SentenceCandidate]:
    """Quotable sentences of the passages; overlapping chunks of one document contribute each once."""
    seen: set[tuple[str, str]] = set()
    pool: list[SentenceCandidate] = []
    for chunk, weight in passages:
        previous = ""
        for index, sentence in enumerate(quotable_split(chunk.text)):
            if not is_quotable(sentence):
                previous = ""
                continue
            key = (chunk.doc_id, _normal(sentence))
            if key not in seen:
                seen.add(key)
                pool.append(SentenceCandidate(sentence, chunk, index, previous, weight))
            previous = sentence
    return pool
