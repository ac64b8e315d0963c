"""How well a passage supports a sentence: lexical coverage, optionally blended with embeddings.

The thresholds are calibrated on ``benchmarks/data/verification`` (sentence/passage pairs labelled
supported or not) by ``benchmarks/verification_calibration.py``; see the README for the figures.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from retrieval.calibration import support_thresholds
from retrieval.interfaces import Embedder
from retrieval.llm.drafts import split_draft

# Chosen by benchmarks/verification_calibration.py: best balanced accuracy on the hand-labelled seed
# pairs, checked on the BBC reference pairs (figures in the README).
LEXICAL_THRESHOLD = 0.65
EMBEDDING_WEIGHT = 0.5
NAME_WEIGHT = 0.5

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CLAUSE = re.compile(r"[,;:]\s+|\s+(?:but|while|although|though|whereas)\s+", re.IGNORECASE)
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not of off on once only or other our ours ourselves
    out over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves said says say according
    reportedly reported reports unconfirmed confirmed confirm one source sources passage passages
    however may might though although allegedly believed apparently
    reader readers wrote writes commented comment comments noted stated claimed suggested suggest
    suggests""".split()  # noqa: SIM905
)
# Words that reverse a claim: a sentence that adds one its source lacks is not supported by it even
# when every other word matches ("Russia did not receive ..." vs "Russia received ...").
NEGATIONS = frozenset({"not", "no", "never", "none", "nor", "without", "denied", "denies", "deny"})


def stem(word: str) -> str:
    """A light suffix stripper: enough to match "arming"/"arms"/"armed", no dictionary needed."""
    word = word.replace("’", "'").split("'")[0]
    for suffix in ("ingly", "edly", "ing", "ies", "ied", "ed", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ies", "ied") else base
    return word


def content_terms(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def numbers_in(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _negated(text: str) -> bool:
    return any(w in NEGATIONS or w.endswith("n't") for w in _WORD.findall(text.lower()))


def _clauses(text: str) -> list[str]:
    """Clauses, so "While X was not released, Y happened" does not make Y look negated."""
    parts: list[str] = []
    for sentence in split_draft(text):
        parts.extend(p for p in _CLAUSE.split(sentence.text) if p.strip())
    return parts or [text]


def lexical_support(sentence: str, evidence: str) -> float:
    """Share of the sentence's content words found in the evidence, 0 when it adds figures or flips
    negation: the two cheap signs of a claim the source does not make."""
    terms = content_terms(sentence)
    if not terms:
        return 0.0
    if not numbers_in(sentence) <= numbers_in(evidence):
        return 0.0
    if _polarity_conflict(sentence, evidence):
        return 0.0
    found = content_terms(evidence)
    weights = _term_weights(sentence)
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in found) / total if total else 0.0


def _term_weights(sentence: str) -> dict[str, float]:
    """Content terms with names at ``NAME_WEIGHT``: a claim lives in what it says happened, while
    names only say whom it is about, and every passage on a topic shares them."""
    weights: dict[str, float] = {}
    for word in _WORD.findall(sentence):
        lower = word.lower()
        if lower in STOPWORDS or len(lower) < 2:
            continue
        weight = NAME_WEIGHT if word[0].isupper() else 1.0
        term = stem(lower)
        weights[term] = max(weights.get(term, 0.0), weight)
    return weights


def _polarity_conflict(sentence: str, evidence: str) -> bool:
    """Whether a clause of the claim and the evidence clause closest to it disagree on negation."""
    evidence_clauses = [(c, content_terms(c)) for c in _clauses(evidence)]
    for clause in _clauses(sentence):
        terms = content_terms(clause)
        if len(terms) < 2:
            continue
        closest = max(evidence_clauses, key=lambda item: len(terms & item[1]))
        if len(terms & closest[1]) >= 2 and _negated(clause) != _negated(closest[0]):
            return True
    return False


@dataclass(frozen=True)
class SupportScorer:
    """Scores sentences against evidence texts, blending in embeddings from a calibrated embedder."""

    embedder: Embedder | None = None
    lexical_threshold: float = LEXICAL_THRESHOLD
    embedding_weight: float = EMBEDDING_WEIGHT
    # A blend is only as good as its calibration: embedders without a threshold are not blended.
    blended_thresholds: Mapping[str, float] = field(default_factory=support_thresholds)

    def __post_init__(self) -> None:
        if self.embedder is not None and self.embedder.name not in self.blended_thresholds:
            object.__setattr__(self, "embedder", None)

    @property
    def threshold(self) -> float:
        if self.embedder is None:
            return self.lexical_threshold
        return self.blended_thresholds[self.embedder.name]

    def matrix(self, sentences: Sequence[str], evidence: Sequence[str]) -> np.ndarray:
        """``scores[i, j]``: support of sentence i by evidence j (one embedding batch for all)."""
        lexical = np.array(
            [[lexical_support(s, e) for e in evidence] for s in sentences], dtype=np.float32
        ).reshape(len(sentences), len(evidence))
        if self.embedder is None or not sentences or not evidence:
            return lexical
        cosine = self._cosine(sentences, evidence)
        blended = (1 - self.embedding_weight) * lexical + self.embedding_weight * cosine
        # The hard vetoes (new figures, flipped negation) must survive the blend.
        return np.where(lexical == 0.0, 0.0, blended).astype(np.float32)

    def _cosine(self, sentences: Sequence[str], evidence: Sequence[str]) -> np.ndarray:
        """Best cosine between each sentence and any single sentence of each evidence text.

        A whole passage's vector dilutes the one sentence a claim rests on; comparing with the
        passage's own sentences keeps a faithful paraphrase close.
        """
        assert self.embedder is not None
        parts: list[list[str]] = []
        for text in evidence:
            pieces = [s.text for s in split_draft(text)] or [text]
            parts.append([text, *pieces])
        flat = [p for group in parts for p in group]
        vectors = self.embedder.embed_batch([*sentences, *flat])
        sentence_vecs, evidence_vecs = vectors[: len(sentences)], vectors[len(sentences) :]
        sims = sentence_vecs @ evidence_vecs.T
        out = np.zeros((len(sentences), len(evidence)), dtype=np.float32)
        start = 0
        for j, group in enumerate(parts):
            out[:, j] = sims[:, start : start + len(group)].max(axis=1)
            start += len(group)
        return np.clip(out, 0.0, 1.0)
