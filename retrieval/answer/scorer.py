"""The small learned models that weigh the evidence: which sentence answers, and whether any does.

Two questions, two models, because they are not the same question. *Which* sentence answers is
relative (the best of this question's candidates), so the ranker is trained listwise: a softmax
over one question's candidates, a one-hidden-layer network over :data:`evidence.FEATURES`.
*Whether* the best one answers at all is absolute: a logistic model over the winner's evidence and
its margin, trained on answerable questions against unanswerable ones and against answerable ones
shown only other passages (what a store without the answer looks like). Both are trained on SQuAD
2.0 articles by ``benchmarks/train_answer_scorer.py``; the weights (a few KB) ship in
``answer_scorer.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from importlib import resources
from typing import Any

import numpy as np

from retrieval.answer.evidence import FEATURES

# What the answerability model reads of a question's best candidate (indices into FEATURES).
ANSWER_FEATURES = (
    "top_score",
    "margin",
    "cosine",
    "coverage",
    "passage_coverage",
    "passage_dense",
    "missing_constraints",
    "rarest_missing",
    "type_expected",
    "type_found",
    "best_cosine",
    "best_coverage",
    "bigrams",
)
_FROM_ROW = {name: FEATURES.index(name) for name in ANSWER_FEATURES if name in FEATURES}


def answer_features(matrix: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The answerability model's input: the best-ranked candidate's evidence and its lead."""
    order = np.argsort(-scores, kind="stable")
    best = order[0]
    second = scores[order[1]] if len(order) > 1 else scores[best] - 5.0
    row = matrix[best]
    values = {
        "top_score": scores[best],
        "margin": scores[best] - second,
        "best_cosine": matrix[:, 0].max(),
        "best_coverage": matrix[:, 1].max(),
        **{name: row[i] for name, i in _FROM_ROW.items()},
    }
    return np.array([values[name] for name in ANSWER_FEATURES], dtype=np.float64)


@dataclass(frozen=True)
class Ranker:
    """Listwise scores: ``tanh(x W + b) · v + x · u`` on standardised features."""

    mean: np.ndarray
    scale: np.ndarray
    hidden: np.ndarray  # (features, units)
    hidden_bias: np.ndarray
    out: np.ndarray  # (units,)
    linear: np.ndarray  # (features,)

    def scores(self, matrix: np.ndarray) -> np.ndarray:
        x = (matrix - self.mean) / self.scale
        return np.tanh(x @ self.hidden + self.hidden_bias) @ self.out + x @ self.linear


@dataclass(frozen=True)
class Logistic:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def probability(self, x: np.ndarray) -> float:
        z = float(((x - self.mean) / self.scale) @ self.weights + self.bias)
        return 1.0 / (1.0 + np.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Scored:
    """One question's candidates judged: ranker scores, each one's share of the question's
    softmax, and the probability that the best one answers at all."""

    scores: np.ndarray
    shares: np.ndarray
    answerable: float


@dataclass(frozen=True)
class AnswerScorer:
    """``decline``: below it the best sentence does not answer and a question is declined.
    ``further``: a second sentence is quoted only when its share is at least this fraction of the
    first's (and it adds something new)."""

    ranker: Ranker
    answerability: Logistic
    decline: float
    further: float

    def judge(self, matrix: np.ndarray) -> Scored:
        if not len(matrix):
            return Scored(np.zeros(0), np.zeros(0), 0.0)
        scores = self.ranker.scores(matrix)
        shares = np.exp(scores - scores.max())
        shares /= shares.sum()
        answerable = self.answerability.probability(answer_features(matrix, scores))
        return Scored(scores, shares, answerable)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> AnswerScorer:
        if tuple(data["features"]) != FEATURES or tuple(data["answer_features"]) != ANSWER_FEATURES:
            raise ValueError("answer scorer weights were trained on other features")
        r, a = data["ranker"], data["answerability"]
        return cls(
            ranker=Ranker(**{f.name: _array(r[f.name]) for f in fields(Ranker)}),
            answerability=Logistic(
                mean=_array(a["mean"]),
                scale=_array(a["scale"]),
                weights=_array(a["weights"]),
                bias=float(a["bias"]),
            ),
            decline=float(data["decline"]),
            further=float(data["further"]),
        )

    @classmethod
    def bundled(cls) -> AnswerScorer:
        text = resources.files("retrieval.answer").joinpath("answer_scorer.json").read_text()
        return cls.from_mapping(json.loads(text))


def _array(values: Sequence[Any]) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)
