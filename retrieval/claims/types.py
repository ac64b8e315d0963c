"""The verdicts claim assessment hands out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from retrieval.models import Chunk


class ClaimStatus(StrEnum):
    CORROBORATED = "corroborated"
    SINGLE_SOURCE = "single_source"
    UNCONFIRMED = "unconfirmed"
    OPINION = "opinion"
    DISPUTED = "disputed"


@dataclass(frozen=True)
class ClaimAssessment:
    """A verdict on one answer sentence; ``reason`` is written for a member to read."""

    sentence: str
    status: ClaimStatus
    reason: str
    citations: tuple[int, ...]
    sources: tuple[str, ...] = ()  # documents behind the verdict (cited or merely retrieved)
    against: Chunk | None = None  # disputed: the other document's passage, cited in the note
