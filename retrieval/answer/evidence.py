"""Does this sentence answer this question? The features of each candidate sentence.

Relevance asks whether a passage is about the topic; an answer needs a sentence that says what was
asked: close in meaning (MiniLM cosine of the two, the sentence's vector computed once at ingest),
covering the question's distinctive words, and holding the kind of thing the question asks for
(``kinds``) that the question does not already contain. ``scorer.AnswerScorer`` weighs them.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.answer.constraints import constraints
from retrieval.answer.kinds import KINDS, counted, counts_it, expected_kind, holds_kind
from retrieval.summary.quotable import is_fragment

_WORD = re.compile(r"[\w’']+")
_LETTERS = re.compile(r"[A-Za-z]")
# The sentence's own evidence, then its neighbours' (a sentence saying "It is now located at Soho
# Square" answers through the one before it), then how it stands against the other candidates of the
# same question (ranking is relative: the best of the lot, not a sentence good in general), then
# which kind the question asks for and which the sentence holds.
FEATURES = (
    "cosine",
    "coverage",
    "passage_coverage",
    "type_expected",
    "type_found",
    "novelty",
    "rank_prior",
    "passage_dense",
    "log_words",
    "missing_constraints",
    "rarest_missing",
    "bigrams",
    "prev_cosine",
    "next_cosine",
    "window_coverage",
    "window_gain",
    "cosine_gap",
    "coverage_gap",
    "cosine_rank",
    "counts_asked",
    *(f"found_{k}" for k in KINDS),
    *(f"asks_{k}" for k in KINDS),
)
_MIN_WORDS = 5


def idf_coverage(
    question_terms: Iterable[str], present: set[str], idf: Mapping[str, float], top: float
) -> float:
    """Share of the question's IDF weight found in ``present``; unknown terms weigh ``top``."""
    unique = set(question_terms)
    total = sum(idf.get(t, top) for t in unique)
    return sum(idf.get(t, top) for t in unique if t in present) / total if total else 0.0


def rarest_missing(
    question_terms: Iterable[str], present: set[str], idf: Mapping[str, float], top: float
) -> float:
    """The IDF of the rarest question term absent from ``present``, as a share of ``top``."""
    missing = [idf.get(t, top) for t in set(question_terms) if t not in present]
    return max(missing, default=0.0) / top if top else 0.0


def is_answer_sentence(text: str) -> bool:
    """A statement of some substance: not a fragment, not a rhetorical question."""
    stripped = text.strip()
    return (
        len(stripped.split()) >= _MIN_WORDS
        and bool(_LETTERS.search(stripped))
        and not stripped.rstrip("\"'”’) ").endswith("?")
        and (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "\"'“‘(")
        and not is_fragment(stripped)
    )


@dataclass(frozen=True)
class Candidate:
    """One sentence of a retrieved passage, with what the scorer needs to know about it."""

    text: str
    cosine: float  # MiniLM cosine between question and sentence
    coverage: float  # share of the question's IDF weight found in the sentence
    passage_coverage: float  # ... in the whole passage
    passage_rank: int  # 0 for the best retrieved passage
    passage_dense: float  # cosine between question and passage
    passage_text: str = ""
    rarest_missing: float = 0.0  # IDF of the rarest question term absent from the sentence, 0-1
    prev_cosine: float = 0.0  # the sentence before it in the passage (0 when it opens it)
    next_cosine: float = 0.0
    window_coverage: float | None = None  # coverage of this sentence and the one before it
    index: int = 0  # its place among the passage's sentences


@dataclass(frozen=True)
class QuestionView:
    """What every candidate of one question is measured against."""

    question: str
    terms: Sequence[str]  # the question's analysed terms
    vector: np.ndarray  # its unit vector, from the store's model
    idf: Mapping[str, float]
    top_idf: float  # stands in for terms the collection has never seen


def passage_candidates(
    view: QuestionView,
    sentences: Sequence[str],
    vectors: np.ndarray,
    term_sets: Sequence[set[str]],
    *,
    passage_text: str,
    passage_rank: int,
    passage_dense: float,
) -> list[Candidate]:
    """The answer-shaped sentences of one passage as candidates (``vectors``, ``term_sets``: every
    sentence's, in order). The engine and the training script both build them here, so the model
    is trained on exactly what it is later shown."""
    every = set().union(*term_sets) if term_sets else set()
    passage_coverage = idf_coverage(view.terms, every, view.idf, view.top_idf)
    cosines = vectors @ view.vector if len(sentences) else np.zeros(0)
    out = []
    for i, text in enumerate(sentences):
        if not is_answer_sentence(text):
            continue
        present = term_sets[i]
        window = present | term_sets[i - 1] if i else present
        out.append(
            Candidate(
                text=text,
                cosine=float(cosines[i]),
                coverage=idf_coverage(view.terms, present, view.idf, view.top_idf),
                passage_coverage=passage_coverage,
                passage_rank=passage_rank,
                passage_dense=passage_dense,
                passage_text=passage_text,
                rarest_missing=rarest_missing(view.terms, present, view.idf, view.top_idf),
                prev_cosine=float(cosines[i - 1]) if i else 0.0,
                next_cosine=float(cosines[i + 1]) if i + 1 < len(sentences) else 0.0,
                window_coverage=idf_coverage(view.terms, window, view.idf, view.top_idf),
                index=i,
            )
        )
    return out


def _bigrams(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


@dataclass(frozen=True)
class _Asked:
    """What the question itself contributes, worked out once rather than for every candidate."""

    question: str
    kind: str | None
    words: set[str]  # its words, lower-cased
    pinned: list[str]  # its years, figures and names (``constraints``)
    bigrams: set[tuple[str, str]]

    @classmethod
    def of(cls, question: str) -> _Asked:
        return cls(
            question,
            expected_kind(question),
            {w.lower() for w in question.split()},
            constraints(question),
            _bigrams([w.lower() for w in _WORD.findall(question)]),
        )


def _own_features(asked: _Asked, candidate: Candidate, missing: float) -> list[float]:
    """The candidate's own features (the first twelve of :data:`FEATURES`)."""
    kind = asked.kind
    words = [w.lower() for w in _WORD.findall(candidate.text)]
    new = [w for w in words if w not in asked.words and len(w) > 3]
    shared = len(asked.bigrams & _bigrams(words)) / len(asked.bigrams) if asked.bigrams else 0.0
    return [
        candidate.cosine,
        candidate.coverage,
        candidate.passage_coverage,
        1.0 if kind else 0.0,
        1.0 if kind and holds_kind(kind, candidate.text, asked.question) else 0.0,
        len(new) / len(words) if words else 0.0,
        1.0 / (1.0 + candidate.passage_rank),
        candidate.passage_dense,
        math.log1p(len(words)),
        missing,
        candidate.rarest_missing,
        shared,
    ]


def _missing(pinned: Sequence[str], candidate: Candidate) -> float:
    """Share of the question's years, figures and names absent from the candidate's passage."""
    context = f"{candidate.text} {candidate.passage_text}".lower()
    return sum(c not in context for c in pinned) / len(pinned) if pinned else 0.0


def feature_matrix(question: str, candidates: Sequence[Candidate]) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate; the relative ones compare it with the others."""
    if not candidates:
        return np.zeros((0, len(FEATURES)))
    asked = _Asked.of(question)
    kind = asked.kind
    noun = counted(question)
    missing: dict[str, float] = {}  # by passage: the same for all of its sentences
    own_rows = []
    for c in candidates:
        if c.passage_text not in missing or not c.passage_text:
            missing[c.passage_text] = _missing(asked.pinned, c)
        own_rows.append(_own_features(asked, c, missing[c.passage_text]))
    own = np.array(own_rows, dtype=np.float64)
    cosine, coverage = own[:, 0], own[:, 1]
    rank = np.empty(len(candidates))
    rank[np.argsort(-cosine, kind="stable")] = np.arange(len(candidates))
    rows = []
    for i, c in enumerate(candidates):
        window = c.coverage if c.window_coverage is None else c.window_coverage
        found = kind is not None and own[i, 4] > 0
        rows.append(
            [
                c.prev_cosine,
                c.next_cosine,
                window,
                window - c.coverage,
                cosine[i] - cosine.max(),
                coverage[i] - coverage.max(),
                1.0 / (1.0 + rank[i]),
                1.0 if noun and counts_it(c.text, noun) else 0.0,
                *(1.0 if found and kind == k else 0.0 for k in KINDS),
                *(1.0 if kind == k else 0.0 for k in KINDS),
            ]
        )
    return np.hstack([own, np.array(rows, dtype=np.float64)])


def holds_asked(question: str, matrix: np.ndarray) -> list[bool | None]:
    """Per row of ``matrix``: whether the candidate holds what the question asks for, None when
    its wording does not say. A "how many" question wants its noun counted: "100% of the debts"
    does not say how many countries, "37 countries" does."""
    if expected_kind(question) is None:
        return [None] * len(matrix)
    column = FEATURES.index("counts_asked" if counted(question) else "type_found")
    return [bool(value) for value in matrix[:, column]]
