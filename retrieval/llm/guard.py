"""Never worse than offline: a written answer must keep what the extractive answer states.

The extractive answer's first sentence is the one the answer scorer found most likely to answer
the question. A model's answer can be verified sentence by sentence and still leave that out: on
the seed questions SmolLM2-135M wrote supported sentences about the summit instead of the gifts,
and the firearms were gone. So the words that sentence adds to the question must mostly appear in
the model's answer; otherwise the member gets the extractive answer (``llm_fallback``).
"""

from __future__ import annotations

from retrieval.llm.support import content_terms
from retrieval.models import Answer

COVERED = 0.5  # share of the extractive answer's new words the written one must hold


def keeps_the_answer(written: str, offline: Answer, question: str) -> bool:
    """Whether ``written`` holds what the extractive answer's first sentence adds to ``question``."""
    if offline.abstained or not offline.sentences:
        return True  # nothing to keep
    new = content_terms(offline.sentences[0].text) - content_terms(question)
    if not new:
        return True
    return len(new & content_terms(written)) / len(new) >= COVERED
