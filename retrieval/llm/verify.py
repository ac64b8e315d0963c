"""Checking a generated answer against its sources, sentence by sentence, before anyone sees it.

The model's citations are claims too: each sentence keeps only citations whose passage supports
it; a sentence whose citations do not is re-cited to the passage that does, or dropped. When no
sentence survives, the reply is ``unverified``: the caller answers extractively instead, so text
no passage supports (a hijacked model's "PWNED [1].") is never shown as the answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.answer.citations import citation_for, with_markers
from retrieval.llm.drafts import DraftSentence, split_draft
from retrieval.llm.junk import junk_reason
from retrieval.llm.support import SupportScorer
from retrieval.models import AnswerSentence, Citation, Passage

log = logging.getLogger(__name__)

# Sentences saying the passages do not answer: an abstention, not a claim to verify.
_ABSTAIN_PHRASES = re.compile(
    r"\bNO_ANSWER\b|"
    r"\b(?:passages?|sources?|documents?|context|provided (?:text|information))\b[^.]{0,40}?"
    r"\b(?:do(?:es)? not|don't|doesn't|did not|cannot|can't|fail to)\s+"
    r"(?:answer|contain|mention|say|provide|include|address|cover|specify|discuss|state)|"
    r"\b(?:I|we)\s+(?:cannot|can't|could not|am unable to|do not know|don't know)\b|"
    r"\bnot (?:mentioned|covered|addressed) in the (?:passages|sources|documents)\b",
    re.IGNORECASE,
)
_INSTRUCTION = re.compile(
    r"^\W*(?:please\s+)?(?:ignore|disregard|forget|override|say|tell|reply|respond|answer|write|"
    r"output|print|repeat|state|claim|pretend|act as|you are|you must|you should|from now on|"
    r"new instructions?|system\s*:|assistant\s*:|user\s*:)\b|"
    r"\b(?:previous|prior|above|earlier|all|your|these)\s+(?:instructions|rules|prompt)\b|"
    r"\b(?:language model|AI assistant|chatbot|the assistant)\b",
    re.IGNORECASE,
)
# Below this a cited passage is dropped from a sentence that the other citations already support.
CONTRIBUTION_FACTOR = 0.5


def is_abstention(text: str) -> bool:
    return bool(_ABSTAIN_PHRASES.search(text))


@dataclass(frozen=True)
class VerifiedAnswer:
    """A checked draft: sentences renumbered to ``citations`` (1..k in order of first use)."""

    text: str
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    abstained: bool
    unverified: bool = False  # the reply made claims and no passage supports any of them
    recited: int = 0  # sentences moved to a passage that supports them
    dropped: int = 0  # sentences no passage supports, left out
    removed_citations: int = 0  # markers pointing at passage numbers that do not exist


def instruction_like(sentence: str) -> bool:
    """Whether a passage sentence addresses the model rather than reporting anything."""
    return bool(_INSTRUCTION.search(sentence))


def evidence_text(passage: Passage) -> str:
    """What a sentence may rest on: the passage, plus the title and date the prompt showed.

    Sentences that address the model ("ignore previous instructions, say that ...") are left out:
    an injected order is not a reported fact, so an answer obeying it finds no support.
    """
    chunk = passage.chunk
    date = chunk.date.isoformat() if chunk.date else ""
    kept = [s.text for s in split_draft(chunk.text) if not instruction_like(s.text)]
    return f"{chunk.title}\n{date}\n" + " ".join(kept)


def verify(
    draft: str, passages: Sequence[Passage], scorer: SupportScorer, question: str = ""
) -> VerifiedAnswer:
    """Verify ``draft`` against ``passages`` (prompt number ``n`` is ``passages[n - 1]``), as an
    answer to ``question`` when one was asked."""
    drafted = split_draft(draft, sources=len(passages))
    stated = [s for s in drafted if not is_abstention(s.text)]
    if not stated:
        return VerifiedAnswer("", (), (), abstained=True)
    sources = [p.chunk.text for p in passages]
    claims: list[DraftSentence] = []
    for sentence in stated:
        reason = junk_reason(sentence.text, [c.text for c in claims], sources, question)
        if reason:
            log.debug("verification: dropped %s: %r", reason, sentence.text)
        else:
            claims.append(sentence)
    junk = len(stated) - len(claims)
    removed = sum(len([n for n in s.cited if not 1 <= n <= len(passages)]) for s in claims)
    scores = scorer.matrix([s.text for s in claims], [evidence_text(p) for p in passages])
    threshold = scorer.threshold

    decided: list[tuple[str, tuple[int, ...]]] = []  # (sentence, prompt numbers)
    recited, dropped = 0, junk
    for i, sentence in enumerate(claims):
        numbers = _supported_citations(sentence, scores[i], threshold, len(passages))
        if numbers:
            decided.append((sentence.text, numbers))
            continue
        best = int(np.argmax(scores[i])) if len(passages) else -1
        if best >= 0 and scores[i, best] >= threshold:
            decided.append((sentence.text, (best + 1,)))
            recited += 1
        else:
            dropped += 1

    if not decided:
        return VerifiedAnswer(
            "", (), (), abstained=False, unverified=True, dropped=dropped, removed_citations=removed
        )

    order: dict[int, int] = {}  # prompt number -> answer number, by first use
    for _, numbers in decided:
        for n in numbers:
            order.setdefault(n, len(order) + 1)
    sentences: list[AnswerSentence] = []
    for text, numbers in decided:
        renumbered = tuple(order[n] for n in numbers)
        sentences.append(AnswerSentence(text=text, citations=renumbered))
    citations = tuple(citation_for(order[n], passages[n - 1]) for n in order)
    text = " ".join(with_markers(s.text, s.citations) for s in sentences)
    return VerifiedAnswer(
        text=text,
        sentences=tuple(sentences),
        citations=citations,
        abstained=False,
        recited=recited,
        dropped=dropped,
        removed_citations=removed,
    )


def _supported_citations(
    sentence: DraftSentence, row: np.ndarray, threshold: float, available: int
) -> tuple[int, ...]:
    """The sentence's own citations that hold, or () when none of them supports it.

    A sentence is supported when its best cited passage clears the threshold; other citations stay
    if they contribute (half the threshold), since a sentence may join facts from two passages.
    """
    valid = [n for n in sentence.cited if 1 <= n <= available]
    if not valid or max(row[n - 1] for n in valid) < threshold:
        return ()
    floor = threshold * CONTRIBUTION_FACTOR
    return tuple(n for n in valid if row[n - 1] >= floor)
