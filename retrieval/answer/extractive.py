"""Answers without a language model: the retrieved sentences that answer the question, best first.

Every sentence is quoted verbatim from a passage, so the answer cannot say anything its sources do not.
Two questions are asked in turn. Is a passage about the question at all (the relevance gate: dense
similarity and how much of the question's weighted vocabulary it covers)? When none is, the engine
says the documents don't cover it instead of quoting the nearest text. Then, which of its sentences
answers the question (``evidence.AnswerScorer`` over the sentence's own vector, stored at ingest, its
coverage, and whether it holds what the question asks for)? That one comes first, alone unless
others answer nearly as well and add something new.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from retrieval.answer.citations import answer_id, citation_for, with_markers
from retrieval.answer.constraints import asks_question, other_editions, unmatched_names
from retrieval.answer.evidence import (
    AnswerScorer,
    Candidate,
    features,
    idf_coverage,
    rarest_missing,
)
from retrieval.calibration import RelevanceGate, calibration_for
from retrieval.index.lexical import Analyzer
from retrieval.index.search import Retrieval
from retrieval.index.sentence_vectors import StoredSentence
from retrieval.interfaces import Embedder
from retrieval.models import Answer, AnswerSentence, Chunk, Citation, Passage, PassageKind
from retrieval.sentences import plain_text, split_sentences
from retrieval.summary.quotable import needs_context

ABSTAIN_TEXT = "The documents don't cover that."
NO_SENTENCE_TEXT = "Some documents are on the subject, but none of them states the answer."

_LETTERS = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[\w’']+")
_MIN_NEW_WORDS = 3  # a second sentence must add at least this many content words


class SentenceSource(Protocol):
    """Sentence vectors computed at ingest, and the question's vector (``ChunkStore``)."""

    def sentences(self, chunks: Sequence[Chunk]) -> dict[str, list[StoredSentence]]: ...

    def query_vector(self, query: str) -> np.ndarray: ...


@dataclass(frozen=True)
class _Candidate:
    text: str
    passage_index: int
    start: int  # offset in the document
    probability: float  # that this sentence answers the question


class ExtractiveAnswerer:
    def __init__(
        self,
        embedder: Embedder,
        analyzer: Analyzer,
        sentences: SentenceSource,
        *,
        scorer: AnswerScorer | None = None,
        max_sentences: int = 3,
        max_passages: int = 5,
        gate: RelevanceGate | None = None,
    ) -> None:
        self._sentences = sentences
        self._scorer = scorer or AnswerScorer.bundled()
        self._analyzer = analyzer
        self._max_sentences = max_sentences
        self._max_passages = max_passages
        self._gate = gate or calibration_for(embedder.name).gate
        self._top_cache: tuple[tuple[int, int], float] = ((0, -1), 1.0)

    def coverage(self, question_terms: Sequence[str], text: str, idf: Mapping[str, float]) -> float:
        """Share of the question's IDF weight that appears in ``text`` (unknown terms weigh most)."""
        return self._coverage(question_terms, set(self._analyzer.terms(text)), idf)

    def _coverage(
        self, question_terms: Sequence[str], present: set[str], idf: Mapping[str, float]
    ) -> float:
        return idf_coverage(question_terms, present, idf, self._top_idf(idf))

    def _rarest_missing(
        self, question_terms: Sequence[str], present: set[str], idf: Mapping[str, float]
    ) -> float:
        return rarest_missing(question_terms, present, idf, self._top_idf(idf))

    def _top_idf(self, idf: Mapping[str, float]) -> float:
        """The rarest term's weight, stands in for words the collection has never seen.

        Remembered per index: scanning ~40k terms for every sentence was most of a warm answer.
        """
        key = (id(idf), len(idf))
        if self._top_cache[0] != key:
            self._top_cache = (key, max(idf.values(), default=1.0))
        return self._top_cache[1]

    def relevant_passages(
        self, question: str, retrieval: Retrieval, idf: Mapping[str, float]
    ) -> list[Passage]:
        """The retrieved passages that pass the relevance gate, best first."""
        terms = self._analyzer.query_terms(question)
        kept = []
        for passage in retrieval.passages:
            dense = retrieval.dense_similarity.get(passage.chunk.chunk_id, 0.0)
            if self._gate.relevant(dense, self.coverage(terms, passage.chunk.text, idf)):
                kept.append(passage)
        return kept

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        idf: Mapping[str, float],
        dense: Mapping[str, float] | None = None,
    ) -> Answer:
        """The answer from ``passages`` (already gated); abstains when no sentence answers.

        ``dense`` is each passage's cosine to the question (by chunk id), as retrieval measured it.
        """
        top = list(passages[: self._max_passages])
        mismatch = other_editions(question, [p.chunk.text for p in top])
        if mismatch is not None:
            asked, covered = mismatch
            return abstention(question, f"The documents cover {_listing(covered)}, not {asked}.")
        ranked = self.ranked(question, top, idf, dense or {})
        if not ranked:
            return abstention(question)
        # A question asks for a fact: on-topic passages are not enough, one sentence must state
        # it. A topic ("Labour plans maternity pay rise") is answered by what is relevant to it.
        if asks_question(question) and ranked[0].probability < self._scorer.decline:
            return abstention(question, NO_SENTENCE_TEXT)
        chosen = _pick(ranked, self._max_sentences, self._scorer.threshold, question)
        missing = unmatched_names(question, [p.chunk.text for p in top])
        return build_answer(question, top, chosen, missing=missing)

    def ranked(
        self,
        question: str,
        top: Sequence[Passage],
        idf: Mapping[str, float],
        dense: Mapping[str, float],
    ) -> list[_Candidate]:
        """Every answer-shaped sentence of ``top``, most likely to answer first."""
        terms = self._analyzer.query_terms(question)
        question_vector = self._sentences.query_vector(question)
        stored = self._sentences.sentences([p.chunk for p in top])
        words = {w.lower() for w in question.split()}
        scored: list[_Candidate] = []
        for i, passage in enumerate(top):
            chunk = passage.chunk
            passage_coverage = self.coverage(terms, chunk.text, idf)
            for sentence in stored.get(chunk.chunk_id, []):
                if not _is_answer_sentence(sentence.text):
                    continue
                present = set(self._analyzer.terms(sentence.text))
                candidate = Candidate(
                    text=" ".join(sentence.text.split()),
                    cosine=float(sentence.vector @ question_vector),
                    coverage=self._coverage(terms, present, idf),
                    passage_coverage=passage_coverage,
                    passage_rank=i,
                    passage_dense=dense.get(chunk.chunk_id, 0.0),
                    passage_text=chunk.text,
                    rarest_missing=self._rarest_missing(terms, present, idf),
                )
                probability = self._scorer.probability(features(question, candidate, words))
                if chunk.kind is PassageKind.COMMENT:
                    probability *= 0.7  # a reader's voice answers only when reporting does not
                scored.append(
                    _Candidate(sentence.text, i, chunk.start + sentence.start, probability)
                )
        scored.sort(key=lambda c: c.probability, reverse=True)
        return scored


def _is_answer_sentence(text: str) -> bool:
    """A statement of some substance: not a fragment, not a rhetorical question."""
    stripped = text.strip()
    return (
        len(stripped.split()) >= 5
        and bool(_LETTERS.search(stripped))
        and not stripped.rstrip("\"'”’) ").endswith("?")
        and (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "\"'“‘(")
    )


def _pick(
    ranked: Sequence[_Candidate], limit: int, threshold: float, question: str
) -> list[_Candidate]:
    """The answering sentence first; more only when they answer too and add something new.

    A sentence that leans on the one before it ("This came after ...") never stands alone, so it is
    passed over; so is one that repeats what is already chosen.
    """
    standalone = [c for c in ranked if not needs_context(c.text)] or list(ranked)
    first = standalone[0]
    chosen = [first]
    known = _content(question) | _content(first.text)
    bar = max(threshold, 0.75 * first.probability)
    for cand in standalone[1:]:
        if len(chosen) == limit or cand.probability < bar:
            break
        words = _content(cand.text)
        if len(words - known) < _MIN_NEW_WORDS or any(
            _jaccard(words, _content(c.text)) > 0.6 for c in chosen
        ):
            continue
        chosen.append(cand)
        known |= words
    return chosen


def _readable(sentence: str) -> str:
    return " ".join(" ".join(plain_text(s).split()) for s in split_sentences(sentence))


def _content(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 3}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def build_answer(
    question: str,
    passages: Sequence[Passage],
    chosen: Sequence[_Candidate],
    *,
    missing: Sequence[str] = (),
) -> Answer:
    """Keep the sentences in the order given (the answering one first), number the cited
    passages in order of first use, and attach markers.

    ``missing`` are names the question asks about that no passage mentions: the answer says so
    after what the documents do say, so a sentence about China is not read as one about Japan.
    """
    ordered = list(chosen)
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    for cand in ordered:
        if cand.passage_index not in numbers:
            numbers[cand.passage_index] = len(numbers) + 1
            citations.append(
                citation_for(numbers[cand.passage_index], passages[cand.passage_index])
            )
        sentences.append(AnswerSentence(cand.text, (numbers[cand.passage_index],)))
    # Sentences stay verbatim quotes (offsets and verification rely on it); only the joined text,
    # what people read, folds line breaks and drops the stray full stops of scraped pages
    # ("suggesting that. Russian President ..." reads "suggesting that Russian President ...").
    text = " ".join(with_markers(_readable(s.text), s.citations) for s in sentences)
    if missing:
        text += f" The documents don't mention {_listing(list(missing))}."
    return Answer(
        question=question,
        text=text,
        abstained=False,
        citations=tuple(citations),
        sentences=tuple(sentences),
        answer_id=answer_id(question, text),
    )


def abstention(question: str, text: str = ABSTAIN_TEXT) -> Answer:
    """No answer; ``text`` says why when there is more to say than "not covered"."""
    return Answer(
        question=question,
        text=text,
        abstained=True,
        answer_id=answer_id(question, text),
    )


def _listing(values: Sequence[str], shown: int = 4) -> str:
    items = list(values[:shown]) + (["others"] if len(values) > shown else [])
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
