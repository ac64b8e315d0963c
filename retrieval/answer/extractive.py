"""Answers without a language model: the few retrieved sentences that best answer the question.

Every sentence is quoted verbatim from a passage, so the answer cannot say anything its sources do not.
The hard part is knowing when to say nothing: a relevance gate on the best passage (dense similarity
and how much of the question's weighted vocabulary it covers) makes the engine abstain instead of
quoting the nearest irrelevant text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retrieval.answer.citations import answer_id, citation_for, with_markers
from retrieval.calibration import RelevanceGate, calibration_for
from retrieval.index.lexical import Analyzer
from retrieval.index.search import Retrieval
from retrieval.interfaces import Embedder
from retrieval.models import Answer, AnswerSentence, Citation, Passage, PassageKind
from retrieval.sentences import split_sentences

ABSTAIN_TEXT = "The documents don't cover that."

_LETTERS = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class _Candidate:
    text: str
    passage_index: int
    start: int  # offset in the document, for reading order
    coverage: float
    prior: float


class ExtractiveAnswerer:
    def __init__(
        self,
        embedder: Embedder,
        analyzer: Analyzer,
        *,
        sentence_embedder: Embedder | None = None,
        max_sentences: int = 3,
        max_passages: int = 5,
        gate: RelevanceGate | None = None,
    ) -> None:
        self._embedder = embedder
        # Sentences are embedded per question, on the hot path: a static model (WordLlama) ranks
        # a dozen sentences in about a millisecond where MiniLM needs hundreds.
        self._sentence_embedder = sentence_embedder or embedder
        self._analyzer = analyzer
        self._max_sentences = max_sentences
        self._max_passages = max_passages
        self._gate = gate or calibration_for(embedder.name).gate
        self._top_cache: tuple[tuple[int, int], float] = ((0, -1), 1.0)

    def coverage(self, question_terms: Sequence[str], text: str, idf: Mapping[str, float]) -> float:
        """Share of the question's IDF weight that appears in ``text`` (unknown terms weigh most)."""
        if not question_terms:
            return 0.0
        top = self._top_idf(idf)
        present = set(self._analyzer.terms(text))
        unique = set(question_terms)
        total = sum(idf.get(t, top) for t in unique)
        found = sum(idf.get(t, top) for t in unique if t in present)
        return found / total if total else 0.0

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
        self, question: str, passages: Sequence[Passage], idf: Mapping[str, float]
    ) -> Answer:
        """Build the answer from ``passages`` (already gated); abstains when there are none."""
        if not passages:
            return abstention(question)
        top = list(passages[: self._max_passages])
        terms = self._analyzer.query_terms(question)
        candidates = [
            _Candidate(
                text=s.text,
                passage_index=i,
                start=p.chunk.start + s.start,
                coverage=self.coverage(terms, s.text, idf),
                prior=1.0 / (1.0 + 0.35 * i),
            )
            for i, p in enumerate(top)
            for s in split_sentences(p.chunk.text)
            if _is_answer_sentence(s.text)
        ]
        if not candidates:
            return abstention(question)
        # Embed only the lexically promising sentences: this is on the per-question hot path.
        candidates.sort(key=lambda c: c.coverage + 0.3 * c.prior, reverse=True)
        shortlist = candidates[:12]
        vectors = self._sentence_embedder.embed_batch([question, *(c.text for c in shortlist)])
        similarity = vectors[1:] @ vectors[0]
        scored = []
        for cand, sim in zip(shortlist, similarity, strict=True):
            score = 0.55 * float(sim) + 0.3 * cand.coverage + 0.15 * cand.prior
            if top[cand.passage_index].chunk.kind is PassageKind.COMMENT:
                score *= 0.7  # a reader's voice answers only when reporting does not
            scored.append((score, cand))
        scored.sort(key=lambda sc: sc[0], reverse=True)
        chosen = _pick(scored, self._max_sentences, self._analyzer)
        return build_answer(question, top, chosen)


def _is_answer_sentence(text: str) -> bool:
    """A statement of some substance: not a fragment, not a rhetorical question."""
    return (
        len(text.split()) >= 5
        and bool(_LETTERS.search(text))
        and not text.rstrip("\"'”’) ").endswith("?")
    )


def _pick(
    scored: Sequence[tuple[float, _Candidate]], limit: int, analyzer: Analyzer
) -> list[_Candidate]:
    """Best sentences, skipping near-repeats and any far weaker than the best."""
    chosen: list[_Candidate] = []
    seen: list[set[str]] = []
    best = scored[0][0]
    for score, cand in scored:
        if len(chosen) == limit or score < 0.6 * best:
            break
        terms = set(analyzer.terms(cand.text))
        if any(_jaccard(terms, other) > 0.6 for other in seen):
            continue
        chosen.append(cand)
        seen.append(terms)
    return chosen


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def build_answer(
    question: str, passages: Sequence[Passage], chosen: Sequence[_Candidate]
) -> Answer:
    """Order the sentences for reading, number the cited passages, and attach markers."""
    rank_of_doc: dict[str, int] = {}
    for cand in chosen:
        doc = passages[cand.passage_index].chunk.doc_id
        rank_of_doc.setdefault(doc, len(rank_of_doc))
    ordered = sorted(
        chosen, key=lambda c: (rank_of_doc[passages[c.passage_index].chunk.doc_id], c.start)
    )
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
    # Sentences stay verbatim quotes (offsets and verification rely on it); only the joined
    # text folds the line breaks a source may have inside a sentence.
    text = " ".join(" ".join(with_markers(s.text, s.citations).split()) for s in sentences)
    return Answer(
        question=question,
        text=text,
        abstained=False,
        citations=tuple(citations),
        sentences=tuple(sentences),
        answer_id=answer_id(question, text),
    )


def abstention(question: str) -> Answer:
    return Answer(
        question=question,
        text=ABSTAIN_TEXT,
        abstained=True,
        answer_id=answer_id(question, ABSTAIN_TEXT),
    )
