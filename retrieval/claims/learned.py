"""Learned sentence classifiers: is this sentence hedged (uncertain), is it subjective (opinion)?

The rules in ``cues`` and ``opinion`` catch what they name and nothing else; on annotated text they
did not see they found a fifth of the hedged sentences and a tenth of the subjective ones. Two
logistic regressions over the store's MiniLM sentence vector plus the rules' own counts generalise
further: the vector carries the wording ("some speculate", "most likely to discuss"), the counts
carry what the rules know for certain. Weights (``claim_classifiers.json``) are trained by
``benchmarks/train_claim_classifiers.py`` on the Szeged Uncertainty Corpus (Wikipedia, hedge cues)
and NewsSD-ENG (subjective vs objective news sentences); thresholds are picked on out-of-fold
predictions, so no held-out sentence chose them.

The classifiers only add to the rules: what the data does not label, such as attribution to
anonymous sources, stays with the rules.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from retrieval.claims.cues import Cue, CueKind, hedge_cues
from retrieval.claims.opinion import opinion_markers, voice_markers
from retrieval.interfaces import Embedder

CUE_FEATURES = (
    "rule_hedge",
    "rule_unnamed",
    "rule_unconfirmed",
    "lexicon",
    "opinion_markers",
    "voice_markers",
    "question",
    "exclamation",
    "quotation",
    "log_words",
)
# Uncertainty about what may come, not about what happened: "could lead to", "if convicted". The
# annotators mark these; an answer's "unconfirmed" note is about claims of fact, so a sentence whose
# only cues are these gets no note (``check`` still calls it unconfirmed, as annotators would).
_POSSIBILITY = frozenset(
    [
        "may",
        "might",
        "could",
        "would",
        "should",
        "will",
        "can",
        "if",
        "unless",
        "whether",
        "potential",
        "potentially",
        "expected",
        "expect",
        "likely",
        "unlikely",
        "possibility",
    ]
)
_QUOTE_MARK = re.compile(r"[\"“”]")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Lexicon:
    """Cue words annotators marked (from the training articles only), for features and for notes."""

    phrases: tuple[str, ...]

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(p) for p in sorted(self.phrases, key=len, reverse=True))
        return re.compile(rf"\b(?:{alternatives})\b" if alternatives else r"(?!)")

    def find(self, sentence: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.group() for m in self._pattern.finditer(sentence.lower())))


def cue_features(sentence: str, lexicon: Lexicon) -> list[float]:
    """The rules' view of one sentence, as numbers (order: ``CUE_FEATURES``)."""
    cues = hedge_cues(sentence)
    by_kind = [sum(1 for c in cues if c.kind is kind) for kind in CueKind]
    stripped = sentence.rstrip(" \"'”’)")
    return [
        *(float(min(n, 3)) for n in by_kind),
        float(min(len(lexicon.find(sentence)), 3)),
        float(min(len(opinion_markers(sentence)), 3)),
        float(min(len(voice_markers(sentence)), 3)),
        float(stripped.endswith("?")),
        float("!" in sentence),
        float(bool(_QUOTE_MARK.search(sentence))),
        math.log1p(len(_WORDS.findall(sentence))),
    ]


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression on standardised features; ``threshold`` is the decision point."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float
    note_threshold: float

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        z = ((rows - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> LinearModel:
        def floats(key: str) -> np.ndarray:
            return np.asarray(data[key], dtype=np.float64)

        return cls(
            floats("weights"),
            float(data["bias"]),  # type: ignore[arg-type]
            floats("mean"),
            floats("scale"),
            float(data["threshold"]),  # type: ignore[arg-type]
            float(data.get("note_threshold", data["threshold"])),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class SentenceClassifiers:
    """Both models, the lexicon, and the embedding model their vectors must come from."""

    hedge: LinearModel
    subjective: LinearModel
    lexicon: Lexicon
    embedding_model: str
    # How ``check`` joins rules and classifiers (chosen in training on out-of-fold predictions):
    # a rule's hedge cue counts when the hedge probability is at least ``rule_hedge_floor``, and
    # with ``opinion_first`` the opinion classifier outranks the hedge classifier (never a rule).
    rule_hedge_floor: float = 0.0
    opinion_first: bool = True

    def rows(self, sentences: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        cues = np.asarray([cue_features(s, self.lexicon) for s in sentences], dtype=np.float64)
        return np.hstack([np.asarray(vectors, dtype=np.float64), cues])

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> SentenceClassifiers:
        if tuple(data["cue_features"]) != CUE_FEATURES:  # type: ignore[arg-type]
            raise ValueError("claim classifier weights were trained on other features")
        check: Mapping[str, object] = data.get("check", {})  # type: ignore[assignment]
        return cls(
            LinearModel.from_mapping(data["hedge"]),  # type: ignore[arg-type]
            LinearModel.from_mapping(data["subjective"]),  # type: ignore[arg-type]
            Lexicon(tuple(data["lexicon"])),  # type: ignore[arg-type]
            str(data["embedding_model"]),
            float(check.get("rule_hedge_floor", 0.0)),  # type: ignore[arg-type]
            bool(check.get("opinion_first", True)),
        )

    @classmethod
    def bundled(cls) -> SentenceClassifiers:
        text = resources.files("retrieval.claims").joinpath("claim_classifiers.json").read_text()
        return cls.from_mapping(json.loads(text))


@dataclass(frozen=True)
class Judgement:
    """The classifiers' verdict on one sentence.

    Two operating points for opinion: ``opinion`` is the balanced one (best F1, for ``check``,
    where a member asks what kind each sentence is); ``opinion_note`` the stricter one that an
    answer's note needs, since a wrong "opinion" note discredits a sentence that answers.
    """

    hedge: float  # probability that the sentence is hedged / uncertain
    subjective: float  # probability that it is opinion rather than reporting
    hedged: bool
    opinion: bool
    opinion_note: bool  # at the note threshold, and not a mere possibility ("could spell trouble")
    cues: tuple[Cue, ...]  # what a member is shown for a hedge the rules did not name
    possibility: bool  # every cue it holds speaks of what may come ("could", "if"), not of a fact


class SentenceJudge:
    """Runs the classifiers on sentences, embedding each text once per judge (keep one per call).

    ``embedder`` must be the model the weights were trained on; with another one the judge
    refuses at construction rather than scoring vectors from a different space.
    """

    def __init__(
        self, embedder: Embedder, classifiers: SentenceClassifiers, *, cache: int = 4096
    ) -> None:
        if embedder.name != classifiers.embedding_model:
            raise ValueError(
                f"claim classifiers need {classifiers.embedding_model} vectors, not {embedder.name}"
            )
        self._embedder = embedder
        self._classifiers = classifiers
        self._seen: dict[str, Judgement] = {}  # the same passages come back question after question
        self._cache = cache

    @property
    def classifiers(self) -> SentenceClassifiers:
        return self._classifiers

    def judge(self, sentences: Sequence[str]) -> list[Judgement]:
        missing = list(dict.fromkeys(s for s in sentences if s not in self._seen))
        if missing:
            vectors = self._embedder.embed_batch(missing)
            rows = self._classifiers.rows(missing, vectors)
            hedge = self._classifiers.hedge.probabilities(rows)
            subjective = self._classifiers.subjective.probabilities(rows)
            found = {
                text: self._verdict(text, float(h), float(s))
                for text, h, s in zip(missing, hedge, subjective, strict=True)
            }
            answer = [self._seen.get(s) or found[s] for s in sentences]
            self._seen.update(found)
            while len(self._seen) > self._cache:  # oldest first
                self._seen.pop(next(iter(self._seen)))
            return answer
        return [self._seen[s] for s in sentences]

    def verdict(self, text: str, hedge: float, subjective: float) -> Judgement:
        """The judgement for given probabilities (training scores out-of-fold ones with it)."""
        return self._verdict(text, hedge, subjective)

    def _verdict(self, text: str, hedge: float, subjective: float) -> Judgement:
        hedged = hedge >= self._classifiers.hedge.threshold
        words = self._classifiers.lexicon.find(text)
        cues = (
            (
                tuple(Cue(CueKind.HEDGE, w) for w in words[:2])
                or (Cue(CueKind.HEDGE, "uncertain wording"),)
            )
            if hedged
            else ()
        )
        possibility = bool(words) and all(w in _POSSIBILITY for w in words)
        model = self._classifiers.subjective
        return Judgement(
            hedge,
            subjective,
            hedged,
            subjective >= model.threshold,
            subjective >= model.note_threshold and not possibility,
            cues,
            possibility,
        )
