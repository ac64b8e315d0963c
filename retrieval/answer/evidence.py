"""Does this sentence answer this question? Features of a (question, sentence) pair and the small
learned scorer that weighs them.

Relevance asks whether a passage is about the topic; an answer needs a sentence that says what was
asked: close in meaning (MiniLM cosine of the two, the sentence's vector computed once at ingest),
covering the question's distinctive words, and holding the kind of thing the question asks for
(who: a name; when: a date; how many: a number; what did X say: reported words) that the question
does not already contain. A logistic model trained on SQuAD 2.0 articles
(``benchmarks/train_answer_scorer.py``) turns the features into a probability; the weights ship
in ``answer_scorer.json`` beside this module.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

from retrieval.answer.constraints import constraints

_WH = re.compile(r"\b(who|whom|whose|when|where|how many|how much|how long|how old|what year|"
                 r"which year|what date|what percentage|what did|what does|what do|what has)\b",
                 re.IGNORECASE)  # fmt: skip
# Capitalised words and runs of them ("Vladimir Putin", "Bank of England"); a sentence's first word
# is capitalised anyway, so it only counts as part of a longer run.
_NAME = re.compile(r"\b[A-Z][\w’'&-]*(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w’'&-]*)*")
_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|"
    r"dozen|dozens|several|half)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2})\b|\b(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b|"
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b\d+(?:st|nd|rd|th)\s+"
    r"century\b|\b(?:yesterday|today|last (?:week|month|year)|earlier this (?:week|month|year))\b",
    re.IGNORECASE,
)
# "Who ..." in news is often answered by a group, not a name: "marked as a blood alliance by experts".
_AGENTS = re.compile(
    r"\b(?:experts?|analysts?|officials?|observers?|critics?|diplomats?|scientists?|researchers?"
    r"|sources?|witnesses|residents|police|authorities|lawmakers|investigators|spokes(?:man|woman))\b",
    re.IGNORECASE,
)
_SPEECH = re.compile(r"[\"“”]|\b(?:said|says|told|stated|added|warned|called|described)\b")
_WORD = re.compile(r"[\w’']+")
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
)


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


def expected_kind(question: str) -> str | None:
    """What kind of thing the question asks for, if its wording says."""
    match = _WH.search(question)
    if not match:
        return None
    wh = match.group(1).lower()
    if wh in ("who", "whom", "whose"):
        return "name"
    if wh in ("when", "what year", "which year", "what date"):
        return "date"
    if wh == "where":
        return "name"
    if wh.startswith("how") or wh == "what percentage":
        return "number"
    return "speech"  # what did/does X ... (say, want, announce): reported words


def holds_kind(kind: str, sentence: str, question: str) -> bool:
    """Whether the sentence holds a thing of ``kind`` that the question does not already name."""
    asked = {w.lower() for w in _WORD.findall(question)}
    if kind == "speech":
        return bool(_SPEECH.search(sentence))
    if kind == "name" and any(m.group(0).lower() not in asked for m in _AGENTS.finditer(sentence)):
        return True
    pattern = {"name": _NAME, "date": _DATE, "number": _NUMBER}[kind]
    for match in pattern.finditer(sentence):
        if kind == "name" and match.start() == 0 and " " not in match.group(0):
            continue  # "The", "North": capitalised only because the sentence starts there
        if kind == "name" and _DATE.fullmatch(match.group(0)):
            continue  # "Saturday", "March": a date, not who
        words = {w.lower() for w in _WORD.findall(match.group(0))}
        if words and not words <= asked:
            return True
    return False


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


def _bigrams(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


def features(question: str, candidate: Candidate, content_words: set[str]) -> list[float]:
    """The feature vector, in :data:`FEATURES` order; ``content_words`` are the question's."""
    kind = expected_kind(question)
    words = [w.lower() for w in _WORD.findall(candidate.text)]
    new = [w for w in words if w not in content_words and len(w) > 3]
    pinned = constraints(question)
    context = f"{candidate.text} {candidate.passage_text}".lower()
    missing = sum(c not in context for c in pinned) / len(pinned) if pinned else 0.0
    asked = _bigrams([w.lower() for w in _WORD.findall(question)])
    shared = len(asked & _bigrams(words)) / len(asked) if asked else 0.0
    return [
        candidate.cosine,
        candidate.coverage,
        candidate.passage_coverage,
        1.0 if kind else 0.0,
        1.0 if kind and holds_kind(kind, candidate.text, question) else 0.0,
        len(new) / len(words) if words else 0.0,
        1.0 / (1.0 + candidate.passage_rank),
        candidate.passage_dense,
        math.log1p(len(words)),
        missing,
        candidate.rarest_missing,
        shared,
    ]


@dataclass(frozen=True)
class AnswerScorer:
    """Logistic regression over :func:`features`.

    ``threshold``: the bar a further answer sentence must clear. ``decline``: below it, no
    sentence answers and a question is declined (5% of answerable training questions fall there).
    """

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    decline: float

    def probability(self, vector: Sequence[float]) -> float:
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, vector, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> AnswerScorer:
        if tuple(data["features"]) != FEATURES:  # type: ignore[arg-type]
            raise ValueError("answer scorer weights were trained on other features")
        return cls(
            weights=tuple(float(x) for x in data["weights"]),  # type: ignore[attr-defined]
            bias=float(data["bias"]),  # type: ignore[arg-type]
            mean=tuple(float(x) for x in data["mean"]),  # type: ignore[attr-defined]
            scale=tuple(float(x) for x in data["scale"]),  # type: ignore[attr-defined]
            threshold=float(data["threshold"]),  # type: ignore[arg-type]
            decline=float(data["decline"]),  # type: ignore[arg-type]
        )

    @classmethod
    def bundled(cls) -> AnswerScorer:
        text = resources.files("retrieval.answer").joinpath("answer_scorer.json").read_text()
        return cls.from_mapping(json.loads(text))
