"""Answers without a language model: the retrieved sentences that answer the question, best first.

Every sentence is quoted verbatim from a passage, so the answer cannot say anything its sources do not.
Two questions are asked in turn. Is a passage about the question at all (the relevance gate: dense
similarity and how much of the question's weighted vocabulary it covers)? When none is, the engine
says the documents don't cover it instead of quoting the nearest text. Then, which of its sentences
answers the question, and does it answer at all (``scorer.AnswerScorer`` over the sentence's own
vector, stored at ingest, its neighbours', its coverage, and whether it holds what the question asks
for)? A question no sentence answers is declined even when the passages are on its subject. The
answering sentence comes first, alone unless others answer nearly as well and add something new.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from retrieval.answer.citations import answer_id, citation_for, with_markers
from retrieval.answer.constraints import (
    absent_names,
    asks_question,
    other_editions,
    unmatched_names,
)
from retrieval.answer.evidence import (
    Candidate,
    QuestionView,
    feature_matrix,
    holds_asked,
    idf_coverage,
    passage_candidates,
)
from retrieval.answer.scorer import AnswerScorer
from retrieval.calibration import RelevanceGate, calibration_for
from retrieval.index.lexical import Analyzer
from retrieval.index.search import Retrieval
from retrieval.index.sentence_vectors import StoredSentence
from retrieval.interfaces import Embedder
from retrieval.models import Answer, AnswerSentence, Chunk, Citation, Passage, PassageKind
from retrieval.sentences import plain_text, split_sentences
from retrieval.summary.quotable import addresses_reader, needs_context

ABSTAIN_TEXT = "The documents don't cover that."
NO_SENTENCE_TEXT = "Some documents are on the subject, but none of them states the answer."

_WORD = re.compile(r"[\w’']+")
_MIN_NEW_WORDS = 3  # a second sentence must add at least this many content words
# A sentence holding what was asked comes before a best one that does not, from this share of
# the best one's on (news questions: first sentence holds the answer 0.615 -> 0.718 of those
# answered; SQuAD unchanged, 0.852 -> 0.854).
_HOLDER_SHARE = 0.1


class SentenceSource(Protocol):
    """Sentence vectors computed at ingest, and the question's vector (``ChunkStore``)."""

    def sentences(self, chunks: Sequence[Chunk]) -> dict[str, list[StoredSentence]]: ...

    def query_vector(self, query: str) -> np.ndarray: ...


@dataclass(frozen=True)
class _Candidate:
    text: str
    passage_index: int
    share: float  # of the question's softmax over its candidates: how sure the ranker is
    # What is quoted: the sentence, or, when it leans on the one before it ("It is now located at
    # Soho Square."), both together. None when it leans on a sentence the passage does not hold.
    quote: str | None
    holds_asked: bool | None  # holds what the question asks for (evidence.holds_asked)


class ExtractiveAnswerer:
    def __init__(
        self,
        embedder: Embedder,
        analyzer: Analyzer,
        sentences: SentenceSource,
        *,
        scorer: AnswerScorer | None = None,
        max_sentences: int = 3,
        max_passages: int = 8,
        gate: RelevanceGate | None = None,
    ) -> None:
        self._sentences = sentences
        self._scorer = scorer or AnswerScorer.bundled()
        self._analyzer = analyzer
        self._max_sentences = max_sentences
        # Every passage retrieval brings (NEWSBOT_TOP_K, 8) that passes the gate: reading five
        # left the answering sentence out of 7 of our 13 missed news questions; reading eight
        # answers 0.725 of them first instead of 0.675, declines none instead of 0.025 and
        # declines more look-alikes (0.83 against 0.79). SQuAD does not change.
        self._max_passages = max_passages
        self._gate = gate or calibration_for(embedder.name).gate
        self._top_cache: tuple[tuple[int, int], float] = ((0, -1), 1.0)

    def coverage(self, question_terms: Sequence[str], text: str, idf: Mapping[str, float]) -> float:
        """Share of the question's IDF weight that appears in ``text`` (unknown terms weigh most)."""
        return idf_coverage(
            question_terms, set(self._analyzer.terms(text)), idf, self._top_idf(idf)
        )

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
        """The retrieved passages that pass the relevance gate, best first.

        A passage's words are read with its document's title: a passage is about what its headline
        says, though its body may name it otherwise ("Iranian MPs" over a story on "Iran's
        parliament"). Headlines asked as topics were declined one time in ten without it.
        """
        terms = self._analyzer.query_terms(question)
        kept = []
        for passage in retrieval.passages:
            chunk = passage.chunk
            dense = retrieval.dense_similarity.get(chunk.chunk_id, 0.0)
            if self._gate.relevant(
                dense, self.coverage(terms, f"{chunk.title}\n{chunk.text}", idf)
            ):
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
        ranked, answerable = self.ranked(question, top, idf, dense or {})
        if not ranked:
            return abstention(question)
        # A question asks for a fact: on-topic passages are not enough, one sentence must state
        # it. A topic ("Labour plans maternity pay rise") is answered by what is relevant to it.
        texts = [f"{p.chunk.title}\n{p.chunk.text}" for p in top]
        missing = unmatched_names(question, texts)
        # A question pins its names: one about the Beatles is not answered from a sentence about
        # Nirvana, however close. A topic only points at a subject, so it is answered.
        if asks_question(question) and (
            absent_names(question, texts) or answerable < self._scorer.decline
        ):
            return abstention(question, NO_SENTENCE_TEXT + _missing_text(missing))
        chosen = _pick(ranked, self._max_sentences, self._scorer.further, question)
        return build_answer(question, top, chosen, missing=missing)

    def ranked(
        self,
        question: str,
        top: Sequence[Passage],
        idf: Mapping[str, float],
        dense: Mapping[str, float],
    ) -> tuple[list[_Candidate], float]:
        """Every answer-shaped sentence of ``top``, most likely to answer first, and the
        probability that the first one answers the question at all."""
        view = QuestionView(
            question,
            self._analyzer.query_terms(question),
            self._sentences.query_vector(question),
            idf,
            self._top_idf(idf),
        )
        stored = self._sentences.sentences([p.chunk for p in top])
        candidates: list[Candidate] = []
        places: list[tuple[int, str | None]] = []  # passage index and quote, per candidate
        comments: list[bool] = []
        for i, passage in enumerate(top):
            chunk = passage.chunk
            sentences = stored.get(chunk.chunk_id, [])
            if not sentences:
                continue
            found = passage_candidates(
                view,
                [s.text for s in sentences],
                np.vstack([s.vector for s in sentences]),
                [set(self._analyzer.terms(s.text)) for s in sentences],
                passage_text=chunk.text,
                passage_rank=i,
                passage_dense=dense.get(chunk.chunk_id, 0.0),
            )
            comment = chunk.kind is PassageKind.COMMENT
            # A report that talks to its reader is the page's furniture ("This is the tech news
            # you need to know this Tuesday."); a reader's comment may ("..., you name it.").
            found = [c for c in found if comment or not addresses_reader(c.text)]
            places += [(i, _quote(chunk, sentences, c.index)) for c in found]
            comments += [comment] * len(found)
            candidates += found
        if not candidates:
            return [], 0.0
        matrix = feature_matrix(question, candidates)
        judged = self._scorer.judge(matrix)
        # a reader's voice answers only when reporting does not
        shares = judged.shares * np.where(comments, 0.7, 1.0)
        scored = [
            _Candidate(c.text, i, float(share), quote, held)
            for c, (i, quote), share, held in zip(
                candidates, places, shares, holds_asked(question, matrix), strict=True
            )
        ]
        scored.sort(key=lambda c: c.share, reverse=True)
        return scored, judged.answerable


def _quote(chunk: Chunk, sentences: Sequence[StoredSentence], index: int) -> str | None:
    """The sentence as quoted: with the one before it when it leans on it, None when that one
    is not in the passage (a chunk boundary cut it off)."""
    sentence = sentences[index]
    if not needs_context(sentence.text):
        return sentence.text
    if index == 0:
        return None
    return chunk.text[sentences[index - 1].start : sentence.end]


def _pick(
    ranked: Sequence[_Candidate], limit: int, further: float, question: str
) -> list[_Candidate]:
    """The answering sentence first; more only when they answer too and add something new.

    When the question says what it wants (a place, a count, a name) and the ranker's best does
    not hold one, the best that does comes first instead: a news story's lead ("Ossie Davis has
    been found dead at 87") outranks the sentence that says where. A sentence that leans on the
    one before it comes with that one, or is passed over when the passage does not hold it; one
    that repeats what is chosen is skipped.
    """
    quotable = [c for c in ranked if c.quote is not None] or [
        replace(c, quote=c.text) for c in ranked
    ]
    top = quotable[0]
    first = top
    if top.holds_asked is False:
        first = next(
            (c for c in quotable[1:] if c.holds_asked and c.share >= _HOLDER_SHARE * top.share),
            top,
        )
    chosen = [first]
    known = _content(question) | _content(first.text)
    bar = further * top.share
    for cand in quotable:
        if len(chosen) == limit:
            break
        if cand is first or cand.share < bar or (first.holds_asked and not cand.holds_asked):
            continue
        words = _content(cand.text)
        if len(words - known) < _MIN_NEW_WORDS or any(
            _jaccard(words, _content(c.text)) > 0.6 or cand.text in (c.quote or "") for c in chosen
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
        sentences.append(AnswerSentence(cand.quote or cand.text, (numbers[cand.passage_index],)))
    # Sentences stay verbatim quotes (offsets and verification rely on it); only the joined text,
    # what people read, folds line breaks and drops the stray full stops of scraped pages
    # ("suggesting that. Russian President ..." reads "suggesting that Russian President ...").
    text = " ".join(with_markers(_readable(s.text), s.citations) for s in sentences)
    text += _missing_text(missing)
    return Answer(
        question=question,
        text=text,
        abstained=False,
        citations=tuple(citations),
        sentences=tuple(sentences),
        answer_id=answer_id(question, text),
    )


def _missing_text(missing: Sequence[str]) -> str:
    return f" The documents don't mention {_listing(list(missing))}." if missing else ""


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
