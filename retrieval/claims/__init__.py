"""Claim assessment: which answer sentences are corroborated, single-source, unconfirmed, opinion or disputed."""

from retrieval.claims.assess import ClaimAssessor, ContextFn
from retrieval.claims.notes import build_notes, is_time_dependent
from retrieval.claims.types import ClaimAssessment, ClaimStatus

__all__ = [
    "ClaimAssessment",
    "ClaimAssessor",
    "ClaimStatus",
    "ContextFn",
    "build_notes",
    "is_time_dependent",
]
